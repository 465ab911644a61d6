"""The local servers of `make up`: the Cognito Sync emulator (and moto, for the SSM parameters,
where the pulumi-aws plugin is installed) on free loopback ports, in sessions of their own so
that a Ctrl-C in the terminal leaves them be; they outlive the command until `make down`, which
signals only a recorded pid that is still the very process started (its start and command line)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tools.engine.paths import PROJECT_DIR, clean_environ

from .processes import identity

HEALTH = {"emulator": "/_emulator/health", "moto": "/moto-api/"}


def start(run_dir: Path, with_moto: bool) -> dict:
    """Start the servers, logs in `run_dir`; {name: url, "servers": [{pid, identity}, ...]},
    also saved in `run_dir`/services.json. They get none of the caller's AWS or Pulumi
    variables."""
    run_dir.mkdir(parents=True, exist_ok=True)
    emulator = [sys.executable, "-m", "emulator", "--seed", "examples/local-seed.json", "--port"]
    commands = {"emulator": emulator}
    if with_moto:
        commands["moto"] = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p"]
    found, recorded = {}, []
    for name, command in commands.items():
        port = free_port()
        with (run_dir / f"{name}.log").open("w") as log:
            process = subprocess.Popen(  # noqa: S603 - our interpreter, our modules
                [*command, str(port)],
                cwd=PROJECT_DIR,
                env=clean_environ(),
                stdin=subprocess.DEVNULL,  # nothing of the terminal: it may close before them
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        found[name] = f"http://127.0.0.1:{port}"
        wait_for(found[name] + HEALTH[name], process)
        # Read once it answers: right after exec, its command line may not be set yet.
        recorded.append({"pid": process.pid, "identity": identity(process.pid)})
    services = {**found, "servers": recorded}
    (run_dir / "services.json").write_text(json.dumps(services))
    return services


def running(run_dir: Path) -> dict | None:
    """What `start` saved, or None when no server of ours is recorded."""
    saved = run_dir / "services.json"
    try:
        return json.loads(saved.read_text())
    except (OSError, ValueError):
        return None


def stop(run_dir: Path) -> tuple[list[int], list[int]]:
    """Stop the recorded servers that are still the processes `start` started, and forget the
    record: (the pids stopped, the pids left alone: ended, or another process's by now)."""
    services = running(run_dir) or {}
    recorded = services.get("servers") or [{"pid": pid} for pid in services.get("pids", [])]
    ours = [s["pid"] for s in recorded if s.get("identity") and identity(s["pid"]) == s["identity"]]
    for pid in ours:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in ours:
        wait_gone(pid)
    (run_dir / "services.json").unlink(missing_ok=True)
    return ours, [s["pid"] for s in recorded if s["pid"] not in ours]


def urls(services: dict) -> list[str]:
    return [value for value in services.values() if isinstance(value, str)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited early; see .local-run/*.log")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server for {url} did not answer within {timeout:g}s")


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Until the process has exited (reaped if it is our child), or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
