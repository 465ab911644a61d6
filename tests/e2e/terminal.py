"""A command run in a pseudo-terminal that is its controlling terminal, as a shell runs it:
`ctrl_c()` writes ^C to the terminal, which sends SIGINT to its whole foreground process group
(the command and every child that did not leave it), exactly as pressing Ctrl-C does."""

from __future__ import annotations

import fcntl
import os
import subprocess
import struct
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def _take_terminal() -> None:
    # In the child, after setsid(): make the pty on stdin the session's controlling terminal.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`argv` running in a fresh session on a pty; its output collected as text."""

    def __init__(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
        self._master, follower = os.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.process = subprocess.Popen(  # noqa: S603 - the tests' own commands
            list(argv), cwd=cwd, env=dict(env), stdin=follower, stdout=follower,
            stderr=follower, start_new_session=True, preexec_fn=_take_terminal,
        )  # fmt: skip
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

    @property
    def text(self) -> str:
        with self._changed:
            return b"".join(self._chunks).decode(errors="replace").replace("\r\n", "\n")

    def wait_for(self, needle: str, timeout: float) -> float:
        """Until `needle` is in the output (the monotonic time it was seen); AssertionError
        with the output so far at the timeout or when the terminal closes first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                if needle in b"".join(self._chunks).decode(errors="replace"):
                    return time.monotonic()
                left = deadline - time.monotonic()
                closed = bool(self._chunks) and self._chunks[-1] == b""
                if left <= 0 or closed:
                    said = b"".join(self._chunks).decode(errors="replace")
                    raise AssertionError(f"never saw {needle!r}; the terminal said:\n{said}")
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
