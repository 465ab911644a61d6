"""A command run in a pseudo-terminal that is its controlling terminal, as a shell runs it:
`ctrl_c()` writes ^C to the terminal, which sends SIGINT to its whole foreground process group
(the command and every child that did not leave it), exactly as pressing Ctrl-C does."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def _take_terminal() -> None:
    # In the child, after setsid(): make the pty on stdin the session's controlling terminal.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`argv` running in a fresh session on a 200-column pty; its output collected."""

    def __init__(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
        self._master, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**env, "TERM": "xterm-256color"},
            stdin=follower,
            stdout=follower,
            stderr=follower,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(follower)
        self.started = time.monotonic()
        self._chunks: list[bytes] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                chunk = b""
            with self._changed:
                if not chunk:
                    self._chunks.append(b"")
                    self._changed.notify_all()
                    return
                self._chunks.append(chunk)
                self._changed.notify_all()

    def text(self) -> str:
        """What the terminal showed so far, without escape sequences or carriage returns."""
        with self._changed:
            shown = b"".join(self._chunks).decode(errors="replace")
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", shown)

    def wait_for(self, needle: str, timeout: float) -> float:
        """Until `needle` is in the output (the monotonic time it was seen); AssertionError
        with the output so far at the timeout or when the terminal closes first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                shown = b"".join(self._chunks).decode(errors="replace")
                if needle in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", shown):
                    return time.monotonic()
                left = deadline - time.monotonic()
                closed = bool(self._chunks) and self._chunks[-1] == b""
                if left <= 0 or closed:
                    raise AssertionError(f"never saw {needle!r}; the terminal said:\n{shown}")
                self._changed.wait(left)

    def ctrl_c(self) -> float:
        """Press Ctrl-C; the monotonic time it was pressed."""
        os.write(self._master, b"\x03")
        return time.monotonic()

    def wait(self, timeout: float) -> int:
        """The command's exit code once it has ended and its output has been read."""
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._master)
