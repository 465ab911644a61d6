"""The project's own `__main__.py` (status-only) through the real engine: preview, up on each
status, a timeout, refresh and destroy, counted in API calls against the emulator."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

from components import BulkPublishGateArgs, BulkPublishGateResource
from components.core.contract import STACK_OUTPUTS
from tests.e2e.support import GATE_TYPE, Events, api_calls, gate_config, outputs
from tests.support.scenarios import FAILURE_MESSAGE, pool, pool_id

pytestmark = pytest.mark.e2e
READ = "GetBulkPublishDetails"


def gate_stack(engine, project, emulator, scenario: str, mode: str = "gate", **extra: str):
    emulator.backend.put_pool(pool(scenario))
    stack = engine.stack("e2e", project)
    stack.set_all_config(gate_config(scenario, mode, **extra))
    return stack


def test_up_on_succeeded_exports_exactly_the_contract(engine, project, emulator):
    result = gate_stack(engine, project, emulator, "succeeded").up()
    exported = {name: value.value for name, value in result.outputs.items()}
    # failureMessage and pools (one pool) are None, and the SDK drops a top-level None output.
    assert set(exported) == set(STACK_OUTPUTS) - {"failureMessage", "pools"}
    assert exported["bulkPublishStatus"] == "SUCCEEDED"
    assert exported["gateOpen"] is True
    assert exported["identityPoolId"] == pool_id("succeeded")
    assert exported["bulkPublishCompleteTime"].endswith("Z")
    assert result.summary.resource_changes == {"create": 3}
    assert emulator.backend.call_count(READ) == 1


def test_preview_shows_the_gate_as_an_update_and_calls_no_api(engine, project, emulator):
    stack = gate_stack(engine, project, emulator, "succeeded")
    stack.up()
    before = api_calls(emulator)
    preview = stack.preview()
    assert preview.change_summary == {"update": 1, "same": 2}
    assert api_calls(emulator) == before


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        # Typed keys are checked by the CLI itself, against Pulumi.yaml, before the program runs.
        ("timeoutSeconds", "soon", "configuration key 'timeoutSeconds' must be of type 'integer'"),
        # The rest by the program's config reader, before any resource is registered.
        ("mode", "strict", "bulk-publish-gate:mode must be one of gate, observe (got 'strict')"),
        ("pollIntervalSeconds", "fast", "bulk-publish-gate:pollIntervalSeconds must be a number"),
    ],
)
def test_a_bad_config_value_stops_the_preview_naming_the_key(
    engine, project, emulator, key, value, said
):
    stack = gate_stack(engine, project, emulator, "succeeded", **{key: value})
    with pytest.raises(auto.CommandError) as failure:
        stack.preview()
    assert said in str(failure.value)
    assert api_calls(emulator) == 0


def test_a_bad_input_fails_check_in_preview_naming_the_property(engine, project, emulator):
    def program() -> None:
        BulkPublishGateResource("bad", BulkPublishGateArgs(identity_pool_id="us-east-1"))

    stack = engine.stack("e2e", project, program)
    stack.set_all_config(gate_config("succeeded"))  # the CLI requires identityPoolId
    with pytest.raises(auto.CommandError) as failure:
        stack.preview()
    said = str(failure.value)
    assert "property identity_pool_id value" in said
    assert "must match" in said
    assert api_calls(emulator) == 0


def test_up_waits_through_in_progress_with_live_progress_lines(engine, project, emulator):
    events = Events()
    result = gate_stack(engine, project, emulator, "publishing").up(on_event=events.append)
    assert result.outputs["bulkPublishStatus"].value == "SUCCEEDED"
    assert emulator.backend.call_count(READ) == 3
    waiting = [at for at, text in events.messages() if "IN_PROGRESS (waiting" in text]
    # The progress line reached the engine's stream while the gate's step was still running.
    assert waiting
    assert waiting[0] < events.position("done", GATE_TYPE)


@pytest.mark.parametrize(
    ("scenario", "said"),
    [("failing", FAILURE_MESSAGE), ("not-started", "no bulk publish has been started")],
)
def test_a_closed_gate_fails_the_run_and_keeps_the_previous_outputs(
    engine, project, emulator, scenario, said
):
    stack = gate_stack(engine, project, emulator, "succeeded")
    stack.up()
    previous = outputs(stack)
    emulator.backend.put_pool(pool(scenario, identity_pool_id=pool_id("succeeded")))
    with pytest.raises(auto.CommandError) as failure:
        stack.up()
    assert said in str(failure.value)
    assert "GateClosedError" in str(failure.value)
    assert outputs(stack) == previous


def test_a_timeout_fails_the_run_saying_still_in_progress(engine, project, emulator):
    stack = gate_stack(engine, project, emulator, "stuck", timeoutSeconds="1")
    with pytest.raises(auto.CommandError) as failure:
        stack.up()
    assert "is still IN_PROGRESS after" in str(failure.value)
    assert "timeoutSeconds=1" in str(failure.value)
    assert emulator.backend.call_count(READ) >= 2


def test_refresh_reads_once_without_waiting(engine, project, emulator):
    stack = gate_stack(engine, project, emulator, "succeeded")
    stack.up()
    emulator.backend.put_pool(pool("stuck", identity_pool_id=pool_id("succeeded")))
    before = emulator.backend.call_count(READ)
    stack.refresh()
    assert emulator.backend.call_count(READ) == before + 1
    state = stack.export_stack().deployment["resources"]
    [gate] = [r for r in state if r["type"] == GATE_TYPE]
    assert gate["outputs"]["bulk_publish_status"] == "IN_PROGRESS"


def test_destroy_calls_no_api(engine, project, emulator):
    stack = gate_stack(engine, project, emulator, "succeeded")
    stack.up()
    before = api_calls(emulator)
    result = stack.destroy()
    assert result.summary.resource_changes == {"delete": 3}
    assert api_calls(emulator) == before
