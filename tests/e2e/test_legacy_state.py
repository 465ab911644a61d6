"""Stacks deployed with older code keep working: the state an older commit wrote (committed
fixtures, see tests/e2e/fixtures/README.md) is imported into a fresh backend and driven through
the real engine with the code checked out now.

For each fixture (`single`: one pool; `pools`: three pools through `identityPoolIds`), the
project's own status-only stack, with the fixture's stack name, project, passphrase and config:
- `preview` shows the gate as an `update` (it reads again on every up), never as a replacement;
- `up` updates it in place and keeps every stack output under its contract name, with the same
  values except those read again (`checkedAt`);
- `refresh` keeps it and its outputs;
- the gate's URN, id and creation time stay the fixture's own (a replacement changes the
  creation time even where it keeps the id, as the pools gate's id is its pools).
The fixture's `__provider` is the provider class pickled BY REFERENCE: the engine's provider
process unpickles `components.provider.BulkPublishGateProvider` by that name, so that module
and class must stay importable (and must keep handling this state) whatever is rewritten."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dill
import pytest
import yaml
from pulumi import automation as auto

from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator, ManualClock
from tests.e2e.fixtures.legacy import (
    STATE_FILES,
    gate_entry,
    load_record,
    load_state,
    set_config,
    stack_entry,
)
from tests.e2e.support import GATE_TYPE, Events, outputs
from tools.engine import EngineEnvironment, emulator_aws
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.e2e
RECORD = load_record()
READ = "GetBulkPublishDetails"
CONTRACT = (
    "identityPoolId",
    "bulkPublishStatus",
    "bulkPublishStartTime",
    "bulkPublishCompleteTime",
    "gateOpen",
    "gateReason",
    "checkedAt",
)
"""The stack outputs every fixture has (both are SUCCEEDED: no failureMessage); `pools` too
with several pools."""
READ_AGAIN = "checkedAt"
"""The one output whose value a new read may change (top level and in each pool's record)."""
NOT_IN_PLACE = {
    "create",
    "delete",
    "replace",
    "create-replacement",
    "delete-replaced",
    "discard",
    "discard-replaced",
    "import",
    "import-replacement",
    "read-replacement",
}
"""Operations that mean a resource of the fixture is not kept as it is or updated in place."""


@dataclass
class Legacy:
    """A fresh stack holding one fixture's imported state."""

    name: str
    fixture: dict[str, Any]
    """The fixture's deployment (its `resources`...), as committed."""
    stack: auto.Stack
    emulator: Emulator

    @property
    def gate(self) -> dict[str, Any]:
        return gate_entry(self.fixture, GATE_TYPE)

    @property
    def urns(self) -> list[str]:
        return [entry["urn"] for entry in self.fixture["resources"]]

    def reads(self) -> int:
        return self.emulator.backend.call_count(READ)


@pytest.fixture(params=sorted(STATE_FILES))
def legacy(request, cli, project, tmp_path) -> Iterator[Legacy]:
    """The fixture imported into a new `file://` backend with the passphrase that wrote it, the
    stack created with its name and project and the same config, against an emulator with the
    same clock and pools."""
    name = request.param
    spec = RECORD["fixtures"][name]
    state = load_state(name)
    with Emulator(clock=ManualClock(RECORD["emulator_clock_start"])) as emulator:
        for seeded in spec["pools"]:
            emulator.backend.put_pool(seeded)
        environment = EngineEnvironment(
            cli=cli,
            home=tmp_path / "pulumi-home",
            backend=tmp_path / "state",
            passphrase=RECORD["passphrase"],
            aws=emulator_aws(emulator.url),
        )
        with environment.applied():
            stack = environment.stack(RECORD["stack"], project)
            set_config(stack, spec["config"])
            stack.import_stack(state)
            yield Legacy(name, state.deployment, stack, emulator)


def steps_of(events: Events, urn: str) -> list[str]:
    """The gate's steps with what the engine said about them: op, replace keys, diffs."""
    said = []
    for event in events:
        step = event.resource_pre_event and event.resource_pre_event.metadata
        if step and step.urn == urn:
            op = str(getattr(step.op, "value", step.op))
            said.append(f"{op} (keys {step.keys}, diffs {step.diffs})")
    return said


def summary_of(changes: dict[Any, int]) -> dict[str, int]:
    return {str(getattr(op, "value", op)): count for op, count in changes.items()}


def assert_kept_in_place(legacy: Legacy, events: Events, changes: dict[Any, int], gate_op: str):
    """The gate's only step is `gate_op`; no resource of the fixture is created, deleted or
    replaced (the engine's events per URN, and its change summary)."""
    ops = events.ops()
    gate = legacy.gate["urn"]
    assert ops.get(gate) == [gate_op], (
        f"{legacy.name}: the gate's steps were {steps_of(events, gate)}, expected only "
        f"{gate_op}; change summary {summary_of(changes)}"
    )
    moved = {urn: ops[urn] for urn in legacy.urns if set(ops.get(urn, ())) & NOT_IN_PLACE}
    assert not moved, f"{legacy.name}: resources of the fixture not kept in place: {moved}"
    assert not set(summary_of(changes)) & NOT_IN_PLACE, summary_of(changes)


def assert_same_gate(legacy: Legacy) -> None:
    """The state's gate is the fixture's own: URN, id and creation time."""
    state = legacy.stack.export_stack().deployment
    now = gate_entry(state, GATE_TYPE)
    kept = {key: now.get(key) for key in ("urn", "id", "created")}
    assert kept == {key: legacy.gate[key] for key in ("urn", "id", "created")}


def without_read_again(values: dict[str, Any]) -> dict[str, Any]:
    """Stack outputs without `checkedAt`, in `pools` too."""
    kept = {name: value for name, value in values.items() if name != READ_AGAIN}
    if isinstance(kept.get("pools"), dict):
        kept["pools"] = {
            pool: {name: value for name, value in record.items() if name != READ_AGAIN}
            for pool, record in kept["pools"].items()
        }
    return kept


def assert_every_output_kept(legacy: Legacy, exported: dict[str, Any]) -> None:
    """Every stack output of the fixture is still there, with its contract name and value
    (except what is read again)."""
    before = stack_entry(legacy.fixture)["outputs"]
    contract = CONTRACT + (("pools",) if legacy.name == "pools" else ())
    assert set(contract) <= set(before), f"the fixture itself lacks {set(contract) - set(before)}"
    lost = set(before) - set(exported)
    assert not lost, f"{legacy.name}: outputs lost: {sorted(lost)}"
    assert without_read_again({k: exported[k] for k in before}) == without_read_again(before)
    assert exported[READ_AGAIN].endswith("Z")


def test_the_fixtures_are_of_this_project_and_hold_no_path_or_credential():
    project = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())["name"]
    assert project == RECORD["project"]
    stack_urn = f"urn:pulumi:{RECORD['stack']}::{project}::pulumi:pulumi:Stack::"
    forbidden = (
        DEFAULT_ACCESS_KEY_ID,
        DEFAULT_SECRET_ACCESS_KEY,
        str(PROJECT_DIR),
        sys.prefix,
        str(Path.home()),
        "project:///",
    )
    for name, path in STATE_FILES.items():
        text = path.read_text()
        assert stack_urn in text, name
        assert [value for value in forbidden if value in text] == [], name
        deployment = json.loads(text)["deployment"]
        assert deployment["secrets_providers"]["type"] == "passphrase"
        gate = gate_entry(deployment, GATE_TYPE)
        assert gate["urn"].startswith(f"urn:pulumi:{RECORD['stack']}::{project}::")


@pytest.mark.parametrize("name", sorted(STATE_FILES))
def test_the_gate_state_holds_the_provider_pickled_by_reference(name):
    """The engine's provider process rebuilds the provider from this blob: by module and class
    name, so `components.provider.BulkPublishGateProvider` must stay importable."""
    gate = gate_entry(load_state(name).deployment, GATE_TYPE)
    blob = base64.b64decode(gate["inputs"]["__provider"], validate=True)
    assert gate["outputs"]["__provider"] == gate["inputs"]["__provider"]
    assert b"components.provider" in blob
    assert b"BulkPublishGateProvider" in blob
    # By reference it is tens of bytes; by value (the class and its globals) tens of KB.
    assert len(blob) < 300, len(blob)
    from components.provider import BulkPublishGateProvider

    assert type(dill.loads(blob)) is BulkPublishGateProvider  # noqa: S301 - our own fixture


def test_preview_shows_the_gate_as_an_update_in_place(legacy):
    events = Events()
    before = legacy.reads()
    preview = legacy.stack.preview(on_event=events.append)
    assert_kept_in_place(legacy, events, preview.change_summary, "update")
    assert summary_of(preview.change_summary).get("update", 0) >= 1
    assert legacy.reads() == before  # a preview calls no API


def test_up_updates_the_gate_in_place_and_keeps_every_output(legacy):
    events = Events()
    before = legacy.reads()
    result = legacy.stack.up(on_event=events.append)
    assert_kept_in_place(legacy, events, result.summary.resource_changes or {}, "update")
    # Read again: at least once per pool.
    assert legacy.reads() - before >= len(RECORD["fixtures"][legacy.name]["pools"])
    exported = {name: value.value for name, value in result.outputs.items()}
    assert_every_output_kept(legacy, exported)
    assert exported["gateOpen"] is True
    assert_every_output_kept(legacy, outputs(legacy.stack))
    assert_same_gate(legacy)


def test_refresh_keeps_the_gate_and_its_outputs(legacy):
    events = Events()
    before = legacy.reads()
    result = legacy.stack.refresh(on_event=events.append)
    assert_kept_in_place(legacy, events, result.summary.resource_changes or {}, "refresh")
    assert legacy.reads() - before >= len(RECORD["fixtures"][legacy.name]["pools"])
    assert_every_output_kept(legacy, outputs(legacy.stack))
    assert_same_gate(legacy)
    # The gate's own state keeps every property behind a stack output, and what it read.
    state = gate_entry(legacy.stack.export_stack().deployment, GATE_TYPE)["outputs"]
    lost = [key for key, value in legacy.gate["outputs"].items() if value and not state.get(key)]
    assert not lost, f"{legacy.name}: the refreshed gate lost {lost}"
    assert state["bulk_publish_status"] == "SUCCEEDED"
