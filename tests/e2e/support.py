"""Helpers of the real-engine tests: stack config for a scenario, API-call counts, reading the
engine's event stream (step order, provider diagnostics), and typed `pulumi` commands."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from tests.support.scenarios import pool_id
from tools.engine import EngineEnvironment

GATE_TYPE = "pulumi-python:dynamic/cognito-sync:BulkPublishGate"
RECORDER_TYPE = "pulumi-python:dynamic/tests:Recorder"


def gate_config(scenario: str, mode: str = "gate", **extra: str) -> dict[str, auto.ConfigValue]:
    """The project's own stack, status-only, on scenario `scenario`, with fast polls."""
    values = {
        "bulk-publish-gate:identityPoolId": pool_id(scenario),
        "bulk-publish-gate:mode": mode,
        "bulk-publish-gate:publishCompletionParameter": "false",
        "bulk-publish-gate:pollIntervalSeconds": "0.05",
        "bulk-publish-gate:maxPollIntervalSeconds": "0.2",
        "bulk-publish-gate:timeoutSeconds": "60",
        "aws:region": "us-east-1",
        **{f"bulk-publish-gate:{key}": value for key, value in extra.items()},
    }
    return {key: auto.ConfigValue(value) for key, value in values.items()}


def api_calls(emulator) -> int:
    """Every Cognito Sync call the emulator has answered (or refused) so far."""
    return sum(emulator.backend.calls().values())


def outputs(stack) -> dict[str, Any]:
    """The stack's outputs as plain values."""
    return {name: value.value for name, value in stack.outputs().items()}


class Events(list):
    """The engine events of one operation (pass `.append` as `on_event`)."""

    def steps(self) -> list[tuple[str, str]]:
        """(`pre`|`done`, resource type) in the order the engine started and finished steps."""
        order = []
        for event in self:
            if event.resource_pre_event:
                order.append(("pre", event.resource_pre_event.metadata.type))
            if event.res_outputs_event:
                order.append(("done", event.res_outputs_event.metadata.type))
        return order

    def ops(self) -> dict[str, list[str]]:
        """Each resource's URN -> the operations (`same`, `update`, `replace`, ...) the engine
        started on it, in order."""
        started: dict[str, list[str]] = {}
        for event in self:
            if event.resource_pre_event:
                step = event.resource_pre_event.metadata
                started.setdefault(step.urn, []).append(str(getattr(step.op, "value", step.op)))
        return started

    def messages(self) -> list[tuple[int, str]]:
        """(position in the stream, text) of every non-debug diagnostic."""
        return [
            (position, event.diagnostic_event.message)
            for position, event in enumerate(self)
            if event.diagnostic_event and event.diagnostic_event.severity != "debug"
        ]

    def position(self, kind: str, resource_type: str) -> int:
        """Where in the stream the step `kind` (`pre`|`done`) of `resource_type` is."""
        for position, event in enumerate(self):
            step = event.resource_pre_event if kind == "pre" else event.res_outputs_event
            if step and step.metadata.type == resource_type:
                return position
        raise AssertionError(f"no {kind} step of {resource_type} in the event stream")


@dataclass(frozen=True)
class Typed:
    """`pulumi ...` typed in one project folder, as a user would, with the test's engine."""

    engine: EngineEnvironment
    cwd: Path

    def __call__(self, *args: str, check: bool = True, timeout: float = 300):
        """Run `pulumi <args>`; with `check`, a non-zero exit fails the test with its output."""
        done = self.engine.pulumi(*args, cwd=self.cwd, timeout=timeout)
        if check:
            assert done.returncode == 0, (
                f"pulumi {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done

    def outputs(self) -> dict[str, Any]:
        """`pulumi stack output --json`, parsed."""
        return json.loads(self("stack", "output", "--json").stdout)

    def start(self, *args: str) -> subprocess.Popen:
        """`pulumi <args>` left running, stdout and stderr merged into one text pipe."""
        return subprocess.Popen(
            [str(self.engine.cli.path), *args],
            cwd=self.cwd,
            env=self.engine.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
