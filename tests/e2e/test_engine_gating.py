"""Gating through the real engine, with a downstream resource that needs no plugin (a Recorder
that logs its create and delete): gate mode, observe mode, `BulkPublishGate.when_open`, and a
consumer stack that gates on the producer through `BulkPublishStatusReference`."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pytest
from pulumi import automation as auto

from components import BulkPublishGate, BulkPublishStatusReference, read_stack_config
from tests.e2e.support import GATE_TYPE, RECORDER_TYPE, Events, gate_config, outputs
from tests.support.recorder import Recorder, recorded
from tests.support.scenarios import pool, pool_id

pytestmark = pytest.mark.e2e
PRODUCER = "organization/bulk-publish-gate/e2e"
REQUIRED = ("bulkPublishStatus", "identityPoolId")


def gated_program(log: Path):
    """The stack program's shape, with a Recorder behind the gate instead of the SSM parameter."""

    def program() -> None:
        gate = BulkPublishGate("bulk-publish", read_stack_config().gate)
        gate.export()
        gate.when_open(lambda opts: Recorder("downstream", log, opts=opts))

    return program


def producer(engine, project, emulator, log: Path, scenario: str, mode: str):
    emulator.backend.put_pool(pool(scenario, identity_pool_id=pool_id("succeeded")))
    stack = engine.stack("e2e", project, gated_program(log))
    config = gate_config("succeeded", mode)
    stack.set_all_config(config)
    return stack


def test_gate_mode_holds_the_downstream_resource_until_the_gate_opens(
    engine, project, emulator, tmp_path
):
    log = tmp_path / "recorder.log"
    closed = producer(engine, project, emulator, log, "failing", "gate")
    with pytest.raises(auto.CommandError):
        closed.up()
    assert recorded(log) == []

    events = Events()
    opened = producer(engine, project, emulator, log, "succeeded", "gate")
    opened.up(on_event=events.append)
    assert recorded(log) == [("create", "downstream")]
    # The engine started the downstream step only after the gate's step had finished.
    steps = events.steps()
    assert steps.index(("done", GATE_TYPE)) < steps.index(("pre", RECORDER_TYPE))


def test_gate_mode_preview_shows_the_downstream_resource(engine, project, emulator, tmp_path):
    log = tmp_path / "recorder.log"
    preview = producer(engine, project, emulator, log, "succeeded", "gate").preview()
    assert preview.change_summary == {"create": 4}
    assert recorded(log) == []


def test_observe_mode_creates_while_succeeded_and_deletes_on_anything_else(
    engine, project, emulator, tmp_path
):
    log = tmp_path / "recorder.log"
    producer(engine, project, emulator, log, "succeeded", "observe").up()
    assert recorded(log) == [("create", "downstream")]

    stack = producer(engine, project, emulator, log, "failing", "observe")
    result = stack.up()
    assert result.outputs["bulkPublishStatus"].value == "FAILED"
    assert result.outputs["gateOpen"].value is False
    assert recorded(log) == [("create", "downstream"), ("delete", "downstream")]


def consumer_program(log: Path):
    def program() -> None:
        reference = BulkPublishStatusReference(PRODUCER)
        reference.when_succeeded(lambda: Recorder("ready", log))
        pulumi.export("producerStatus", reference.bulk_publish_status)

    return program


def test_a_consumer_stack_gates_on_the_producer(engine, project, emulator, tmp_path):
    log = tmp_path / "recorder.log"
    producer(engine, project, emulator, log, "failing", "observe").up()
    consumer_dir = project / "examples" / "consumer"
    consumer = engine.stack("e2e", consumer_dir, consumer_program(log))
    assert consumer.up().outputs["producerStatus"].value == "FAILED"
    assert ("create", "ready") not in recorded(log)

    producer(engine, project, emulator, log, "succeeded", "observe").up()
    assert consumer.up().outputs["producerStatus"].value == "SUCCEEDED"
    assert ("create", "ready") in recorded(log)


def test_the_example_consumer_status_only_re_exports_the_producer(engine, project, emulator):
    emulator.backend.put_pool(pool("succeeded"))
    gate = engine.stack("e2e", project)
    gate.set_all_config(gate_config("succeeded", "observe"))
    gate.up()
    consumer = engine.stack("e2e", project / "examples" / "consumer")
    consumer.set_all_config(
        {
            "bulk-publish-gate-consumer:producerStack": auto.ConfigValue(PRODUCER),
            "bulk-publish-gate-consumer:publishReadyParameter": auto.ConfigValue("false"),
        }
    )
    exported = {name: value.value for name, value in consumer.up().outputs.items()}
    assert exported == {
        "producerStatus": "SUCCEEDED",
        "producerIdentityPoolId": pool_id("succeeded"),
        "producerSucceeded": True,
    }
    assert outputs(gate)["bulkPublishStatus"] == "SUCCEEDED"


def test_a_consumer_fails_clearly_when_the_producer_has_no_such_output(engine, project, tmp_path):
    empty = engine.stack("e2e", project, lambda: None)  # a producer stack that exports nothing
    empty.set_all_config(gate_config("succeeded"))
    empty.up()
    log = tmp_path / "recorder.log"
    consumer = engine.stack("e2e", project / "examples" / "consumer", consumer_program(log))
    with pytest.raises(auto.CommandError) as failure:
        consumer.up()
    # Both required outputs are missing; whichever the SDK resolves first is the one named.
    said = str(failure.value)
    assert any(f"stack {PRODUCER} has no output '{name}'" in said for name in REQUIRED)
    assert recorded(log) == []
