"""A typed `pulumi` command run the way a terminal runs it, with `make up` waiting for it.

The CLI runs in this process group with this terminal, so a Ctrl-C reaches it directly, as it
would reach `pulumi up` typed by hand: the first makes it cancel gracefully ("^C received;
cancelling", the steps under way finish and state is saved), the second makes it stop at
once. Meanwhile this process neither dies nor forwards a SIGINT (the CLI got its own): it says
what is happening and waits for the CLI to end. A SIGTERM (not from a terminal, so the CLI did
not get it) is handed on as a SIGINT, so a supervisor's stop is a graceful cancel too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

FIRST = (
    "Ctrl-C: pulumi is cancelling the update: the steps under way finish (a gate that is "
    "waiting waits on until its pool settles or its deadline) and the state is saved. "
    "Ctrl-C again stops it at once."
)
SECOND = "Ctrl-C again: pulumi stops at once; `make up` says what is left once it has ended."


@dataclass(frozen=True)
class Ran:
    """How a command ended."""

    code: int
    """Its exit code (negative: the signal that ended it)."""
    interrupts: int
    """How many SIGINT/SIGTERM this process received while it ran."""
    error: str = ""
    """The last `error: ...` line it wrote to stderr (the CLI's own words for why it failed)."""


def run(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Ran:
    """Run `command` in the foreground and wait for it to end, whatever signals come. Its
    stdout is this terminal; its stderr is relayed to this process's, line by line."""
    process = subprocess.Popen(  # noqa: S603 - the CLI
        list(command), cwd=cwd, env=dict(env), stderr=subprocess.PIPE
    )
    errors: list[str] = []
    relay = threading.Thread(target=_relay, args=(process.stderr, errors), daemon=True)
    relay.start()
    seen = 0

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal seen
        seen += 1
        if signum == signal.SIGTERM and process.poll() is None:
            process.send_signal(signal.SIGINT)
        _say(FIRST if seen == 1 else SECOND)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = process.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    relay.join(timeout=5)  # the rest of its stderr; a process it left may hold the pipe on
    return Ran(code, seen, errors[-1] if errors else "")


def _relay(stream: IO[bytes], errors: list[str]) -> None:
    for line in iter(stream.readline, b""):
        sys.stderr.buffer.write(line)
        sys.stderr.buffer.flush()
        text = re.sub(r"\x1b\[[0-9;]*m", "", line.decode(errors="replace")).strip()
        if text.startswith("error: "):
            errors.append(text)


def _say(text: str) -> None:
    # From a signal handler: one write(2), never print (it may be mid-print).
    os.write(2, f"==> {text}\n".encode())
