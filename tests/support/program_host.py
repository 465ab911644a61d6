"""The language host of one mocked program run (`program.run_program`): reads a JSON request
on stdin, runs the program under mocks wired to the provider server, and writes outputs, events
and error to a JSON file."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import runpy
import sys
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.config import set_all_config
from pulumi.runtime.settings import get_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .program import EngineMocks
from .provider_server import ProviderServer


def main() -> int:
    request = json.loads(sys.stdin.read())
    server = ProviderServer.attach(request["port"])
    mocks = EngineMocks(server, request["stacks"])
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(
        mocks, project=request["project"], stack=request["stack"], preview=False
    )
    set_all_config(dict(request["config"]))
    program = request["program"]
    sys.path.insert(0, str(Path(program).parent))
    error = None
    try:
        _sync_await(run_pulumi_func(lambda: runpy.run_path(program, run_name="__main__")))
    except BaseException as failure:
        error = {"type": type(failure).__name__, "message": str(failure)}
    result = {
        "outputs": _resolved_outputs(),
        "events": [dataclasses.asdict(event) for event in mocks.events],
        "error": error,
    }
    with open(request["result"], "w") as target:
        json.dump(result, target, default=str)
    server.stop()
    return 0


def _resolved_outputs() -> dict[str, Any]:
    resolved = {}
    for name, value in getattr(get_root_resource(), "outputs", {}).items():
        try:
            result = _sync_await(pulumi.Output.from_input(value).future())
        except Exception:  # noqa: S112 - an output whose resource failed is not exported
            continue
        if result is not None:
            resolved[name] = result
    return resolved


if __name__ == "__main__":
    sys.exit(main())
