"""Shared plumbing of the benchmark modules: the figure line, a timer, a real-engine session on
a temporary project copy, and a sampler of the dynamic-provider process's threads."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.scenarios import STREAMS
from tools.engine import EngineEnvironment, emulator_aws, project_copy

PASSPHRASE = "bench"  # noqa: S105 (a throwaway state backend protects nothing)


def emulator_client(url: str) -> Any:
    """A boto3 cognito-sync client on its own session, with the emulator's test keys and one
    attempt per call (a benchmark measures calls, not botocore's retries)."""
    import boto3
    from botocore.config import Config

    from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY

    return boto3.session.Session().client(
        "cognito-sync",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=DEFAULT_ACCESS_KEY_ID,
        aws_secret_access_key=DEFAULT_SECRET_ACCESS_KEY,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def row(name: str, value: str) -> None:
    print(f"  {name:<52} {value}", flush=True)


def method(text: str) -> None:
    """The one-line method of the figures that follow."""
    print(f"  method: {text}", flush=True)


def timed(operation: Callable[[], Any]) -> float:
    started = time.perf_counter()
    operation()
    return time.perf_counter() - started


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def bench_pool_id(group: int, index: int) -> str:
    """A well-formed pool id per (group, index), none of them a scenario's."""
    return f"us-east-1:0b{group:06x}-0000-4000-8000-{index:012x}"


def in_progress_pool(identity_pool_id: str, seconds: float) -> dict[str, Any]:
    """A seed pool IN_PROGRESS from now (the emulator's system clock) for `seconds`."""
    return {
        "identity_pool_id": identity_pool_id,
        "cognito_streams": dict(STREAMS),
        "state": "IN_PROGRESS",
        "bulk_publish": {"in_progress_seconds": seconds, "outcome": "SUCCEEDED"},
    }


def succeeded_pool(identity_pool_id: str) -> dict[str, Any]:
    return {
        "identity_pool_id": identity_pool_id,
        "cognito_streams": dict(STREAMS),
        "state": "SUCCEEDED",
        "completed_seconds_ago": 3600,
    }


class EngineSession:
    """The real engine on a temporary copy of the project: inline-program stacks."""

    def __init__(self, engine: EngineEnvironment, project: Path) -> None:
        self.engine, self.project = engine, project

    def stack(
        self,
        name: str,
        program: Callable[[], None],
        config: dict[str, str] | None = None,
        path: bool = False,
    ):
        """Stack `name` of the project copy, running `program` inline, with `config` on top of
        aws:region us-east-1 (`path`: keys are paths, e.g. `ns:list[0]`)."""
        from pulumi import automation as auto

        stack = self.engine.stack(name, self.project, program)
        values = {"aws:region": "us-east-1", **(config or {})}
        configured = {key: auto.ConfigValue(value) for key, value in values.items()}
        stack.set_all_config(configured, path=path)
        return stack


@contextmanager
def engine_session(cli, root: Path, emulator) -> Iterator[EngineSession]:
    """`cli` driven with a `file://` backend and PULUMI_HOME under `root`, the emulator's
    endpoint and test keys, on a project copy under `root` (see tools.engine)."""
    engine = EngineEnvironment(
        cli, root / "home", root / "state", PASSPHRASE, emulator_aws(emulator.url)
    )
    with engine.applied():
        yield EngineSession(engine, project_copy(root / "project"))


class ThreadSampler:
    """Every `interval` seconds, the `Threads:` of each process that runs `pulumi.dynamic` (the
    dynamic-provider server) among this process's descendants, or of a given pid; `peak` is the
    highest seen, None when no such process was found."""

    def __init__(self, pid: int | None = None, interval: float = 0.2) -> None:
        self.pid, self.interval = pid, interval
        self.peak: int | None = None
        self.pids: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="thread-sampler")

    def __enter__(self) -> ThreadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            for pid in [self.pid] if self.pid else _dynamic_providers(os.getpid()):
                threads = _threads(pid)
                if threads is not None:
                    self.pids.add(pid)
                    self.peak = max(self.peak or 0, threads)
            if self._stop.wait(self.interval):
                return


def _dynamic_providers(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                frontier.append(pid)
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                if b"pulumi.dynamic" in cmdline and os.path.basename(cmdline[0]).startswith(
                    b"python"
                ):
                    found.append(pid)
    return found


def _threads(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None
