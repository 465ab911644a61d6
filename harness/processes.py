"""Who a process is: its start and command line, so that a recorded pid is signalled only while
it is still the process that was recorded (pids are reused, and a record outlives a reboot)."""

from __future__ import annotations

import subprocess
from pathlib import Path

PROC = Path("/proc")


def identity(pid: int) -> str | None:
    """Process `pid`'s start (boot and clock tick on Linux, else `ps`'s start time) and command
    line, as one string that no later process with the same pid has; None when none runs."""
    if PROC.is_dir():
        return _from_proc(pid)
    return _from_ps(pid)


def command_line(pid: int) -> str:
    """Process `pid`'s command line ('' when there is none or it cannot be read)."""
    if PROC.is_dir():
        try:
            return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            return ""
    return (_from_ps(pid) or "")[24:].strip()  # after ps's fixed-width start time


def _from_proc(pid: int) -> str | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        boot = (PROC / "sys" / "kernel" / "random" / "boot_id").read_text().strip()
    except OSError:
        return None
    # Field 22 is the start time in clock ticks since boot; the command name (field 2) may hold
    # spaces and parentheses, so count from the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None  # a zombie has ended: nothing to signal
    return f"boot {boot} tick {fields[19]}: {command_line(pid)}"


def _from_ps(pid: int) -> str | None:
    listed = subprocess.run(  # noqa: S603 - a fixed command
        ["ps", "-o", "lstart=", "-o", "command=", "-p", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    line = listed.stdout.strip()
    return line if listed.returncode == 0 and line else None
