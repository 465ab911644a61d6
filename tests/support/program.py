"""The stack program under `pulumi.runtime.set_mocks`, its dynamic resources sent to the real
provider server over gRPC (Check, then Create) the way the engine would send them.

Like the engine, each run gets a fresh provider process and a fresh program process (the SDK
keeps process-wide state that one run must not leak into the next). It is not the Pulumi
engine: no state, no diff against a previous run, no preview. It stays for one job the engine
tests cannot do here: the project's own program WITH its SSM parameter (pulumi-aws resources
are mocked; the pulumi-aws plugin cannot be built on this machine), the fastest honest check
that the parameter exists only behind an open gate (tests/engine/test_program.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import rpc

from tools.engine.paths import PROJECT_DIR

from .provider_server import ProviderError, ProviderServer

DYNAMIC_PREFIX = "pulumi-python:dynamic/"
RUN_DEADLINE_SECONDS = 300.0


class CheckFailed(Exception):
    """The provider's Check refused the inputs; worded as the engine words it."""


@dataclass
class Event:
    """One step of the run, in order: `register`, `created` or `failed`."""

    kind: str
    type: str
    name: str
    at: float
    """Seconds since the program started."""
    detail: Any = None


@dataclass
class ProgramError:
    """What the program run failed with: the exception's type name and message."""

    type: str
    message: str

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


@dataclass
class ProgramRun:
    """What one run of the program produced."""

    outputs: dict[str, Any]
    """Stack outputs, resolved; like the engine, top-level None values are dropped."""
    events: list[Event]
    error: ProgramError | None = None
    """What the program run failed with, if it failed."""
    stderr: list[str] = field(default_factory=list)
    """What the provider printed (progress lines)."""


class EngineMocks(pulumi.runtime.Mocks):
    """Stands in for the engine: dynamic resources go to the provider server, StackReferences
    read the given stacks' outputs, other resources echo their inputs."""

    def __init__(self, server: ProviderServer, stacks: dict[str, dict[str, Any]]) -> None:
        self.server = server
        self.stacks = stacks
        self.events: list[Event] = []
        self._lock = threading.Lock()
        self._start = time.monotonic()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        self._log("register", args, dict(args.inputs))
        if args.typ == "pulumi:pulumi:StackReference":
            name = args.inputs["name"]
            if name not in self.stacks:
                raise KeyError(f"unknown stack {name!r}")
            return name, {"name": name, "outputs": self.stacks[name], "secretOutputNames": []}
        if not args.typ.startswith(DYNAMIC_PREFIX):
            self._log("created", args, dict(args.inputs))
            return f"{args.name}-id", dict(args.inputs)
        try:
            id_, outs = self._check_and_create(args)
        except (CheckFailed, ProviderError) as error:
            self._log("failed", args, str(getattr(error, "message", error)))
            raise
        self._log("created", args, outs)
        return id_, outs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list | None]:
        return {}, None

    def _check_and_create(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        inputs, failures = self.server.check(dict(args.inputs))
        if failures:
            raise CheckFailed(
                "; ".join(
                    f"property {f.property} value {args.inputs.get(f.property)!r} has a "
                    f"problem: {f.reason}"
                    for f in failures
                )
            )
        return self.server.create(inputs)

    def _log(self, kind: str, args: pulumi.runtime.MockResourceArgs, detail: Any) -> None:
        with self._lock:
            at = time.monotonic() - self._start
            self.events.append(Event(kind, args.typ, args.name, at, _plain(detail)))


def run_program(
    config: dict[str, str],
    *,
    stacks: dict[str, dict[str, Any]] | None = None,
    env: dict[str, str] | None = None,
    on_stderr: Callable[[str], None] | None = None,
    project: str = "bulk-publish-gate",
    stack: str = "test",
    program: Path = PROJECT_DIR / "__main__.py",
) -> ProgramRun:
    """One `pulumi up`-like run: a provider process, then the program in a process of its own."""
    with (
        ProviderServer(env=env, project=project, on_stderr=on_stderr) as server,
        tempfile.TemporaryDirectory() as scratch,
    ):
        server.configure(config)
        result_file = Path(scratch) / "result.json"
        request = {
            "port": server.port,
            "config": config,
            "stacks": stacks or {},
            "project": project,
            "stack": stack,
            "program": str(program),
            "result": str(result_file),
        }
        host = subprocess.run(
            [sys.executable, "-m", "tests.support.program_host"],
            cwd=PROJECT_DIR,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=RUN_DEADLINE_SECONDS,
            check=False,
        )
        if not result_file.exists():
            raise RuntimeError(f"the program host failed (exit {host.returncode}):\n{host.stderr}")
        result = json.loads(result_file.read_text())
    error = ProgramError(**result["error"]) if result["error"] else None
    events = [Event(**event) for event in result["events"]]
    return ProgramRun(result["outputs"], events, error, server.stderr_lines)


def _plain(value: Any) -> Any:
    """Secrets unwrapped (pulumi-aws marks an SSM parameter's value secret): for assertions."""
    if isinstance(value, dict):
        if rpc._special_sig_key in value and "value" in value:
            return _plain(value["value"])
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
