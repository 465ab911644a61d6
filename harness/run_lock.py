"""One `make up`, `make down` or `make unlock` at a time in a folder: an OS lock (flock) on
.local-run/run.lock, held for the command's whole life and released by the kernel when its
process ends, however it ends, so that no lock of ours is ever left stale."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class Busy(Exception):
    """Another command holds the lock of this folder."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder
        """What the holder wrote: its command and pid ('up 1234'), or '' if not yet written."""


@contextlib.contextmanager
def held(run_dir: Path, command: str) -> Iterator[None]:
    """The folder's lock, for `command` of this process; Busy at once when another holds it."""
    run_dir.mkdir(parents=True, exist_ok=True)
    # Opened close-on-exec (Python's default): the servers and the CLI started meanwhile do not
    # inherit it, so it ends with this process, not with the servers that outlive it.
    with (run_dir / "run.lock").open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise Busy(lock.read().strip()) from None
        lock.truncate(0)
        lock.write(f"{command} {os.getpid()}\n")
        lock.flush()
        yield


def refusal(busy: Busy, command: str) -> str:
    """What a refused `make <command>` says."""
    other, _, pid = busy.holder.partition(" ")
    who = f"`make {other}` is running in this folder (pid {pid})" if pid else "`make` is running"
    return (
        f"another {who}: this `make {command}` did nothing and touched nothing of it; "
        "run it again once that one has ended"
    )
