"""The offline demo: the whole scenario without the Pulumi CLI (`make demo`).

The stack program runs under `pulumi.runtime.set_mocks`; its gate goes to the SDK's real
dynamic-provider server over gRPC, which calls the Cognito Sync emulator over HTTP. This is
NOT the Pulumi engine: there is no state, no preview and no diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from emulator import Emulator, SystemClock

from .paths import PROJECT_DIR
from .program import ProgramRun, run_program
from .provider_server import RESOURCE_TYPE
from .scenarios import provider_env

SEED = PROJECT_DIR / "examples" / "local-seed.json"
CONSUMER = PROJECT_DIR / "examples" / "consumer"
PRODUCER_STACK = "organization/bulk-publish-gate/local"
PARAMETER = "aws:ssm/parameter:Parameter"


def say(text: str = "") -> None:
    print(text, flush=True)


def stack_config(directory: Path) -> dict[str, str]:
    """The `local` stack's config as the engine hands it to a program: namespaced strings."""
    raw = yaml.safe_load((directory / "Pulumi.local.yaml").read_text())["config"]
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def show(run: ProgramRun) -> None:
    for event in run.events:
        if event.kind == "created" and event.type == RESOURCE_TYPE:
            status = event.detail["bulk_publish_status"]
            say(f"  [{event.at:5.1f}s] gate {event.name}: open ({status})")
        elif event.kind == "created" and event.type == PARAMETER:
            name, value = event.detail["name"], event.detail["value"]
            say(f"  [{event.at:5.1f}s] downstream SSM parameter registered: {name} = {value}")
        elif event.kind == "failed":
            say(f"  [{event.at:5.1f}s] {event.name} failed: {event.detail}")


def main() -> int:
    say("Offline demo (no Pulumi CLI): the stack program under pulumi.runtime.set_mocks, its gate")
    say("run by the SDK's real dynamic-provider server over gRPC, against the local Cognito Sync")
    say("emulator over HTTP. This is not the Pulumi engine: no state, no preview, no diff.")
    say()
    with Emulator(seed=str(SEED), clock=SystemClock()) as emulator:
        env = provider_env(emulator.url)
        say(f"Cognito Sync emulator at {emulator.url}; the demo pool publishes for a few seconds.")
        say()
        say("== producer stack (bulk-publish-gate, stack local): pulumi up")
        producer = run_program(
            stack_config(PROJECT_DIR), env=env, on_stderr=lambda line: say(f"  provider: {line}")
        )
        show(producer)
        if producer.error is not None:
            say(f"producer failed: {producer.error}")
            return 1
        say("  outputs (pulumi stack output --json):")
        say("    " + json.dumps(producer.outputs, indent=2).replace("\n", "\n    "))
        say()
        say(f"== consumer stack (examples/consumer): reads {PRODUCER_STACK} by StackReference")
        consumer = run_consumer(producer.outputs, env)
        if consumer.error is not None:
            say(f"consumer failed: {consumer.error}")
            return 1
        say(f"  outputs: {json.dumps(consumer.outputs)}")
    say()
    say("Done. With the Pulumi CLI installed, `make up` runs the same scenario through the engine.")
    return 0


def run_consumer(outputs: dict[str, Any], env: dict[str, str]) -> ProgramRun:
    consumer = run_program(
        stack_config(CONSUMER),
        stacks={PRODUCER_STACK: outputs},
        env=env,
        project="bulk-publish-gate-consumer",
        program=CONSUMER / "__main__.py",
    )
    show(consumer)
    return consumer


if __name__ == "__main__":
    sys.exit(main())
