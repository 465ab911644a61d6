"""The bulk publish as a deployment step, through the real engine: `up` that starts a bulk
publish, waits and opens; `up` on a stale SUCCEEDED that stays closed with gateReason `stale`;
a second `up` during the publish that starts nothing new."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

from tests.e2e.support import gate_config
from tests.support.scenarios import pool, pool_id

pytestmark = pytest.mark.e2e
START = "BulkPublish"


def stack_on(engine, project, emulator, spec: dict, mode: str = "gate", **extra: str):
    emulator.backend.put_pool(spec)
    stack = engine.stack("e2e", project)
    stack.set_all_config(gate_config("succeeded", mode, **extra))
    return stack


def test_up_starts_a_bulk_publish_waits_and_opens(engine, project, emulator):
    spec = pool(
        "not-started",
        identity_pool_id=pool_id("succeeded"),
        bulk_publish={"in_progress_reads": 2, "outcome": "SUCCEEDED"},
    )
    result = stack_on(engine, project, emulator, spec, startBulkPublish="true").up()
    exported = {name: value.value for name, value in result.outputs.items()}
    assert exported["bulkPublishStatus"] == "SUCCEEDED"
    assert exported["gateOpen"] is True
    assert exported["gateReason"] == "open"
    assert emulator.backend.call_count(START) == 1


def test_a_stale_succeeded_stays_closed_with_gate_reason_stale(engine, project, emulator):
    # The scenario's publish completed an hour before the emulator's clock (a month ago).
    spec = pool("succeeded")
    stack = stack_on(engine, project, emulator, spec, "observe", maxAgeSeconds="600")
    exported = {name: value.value for name, value in stack.up().outputs.items()}
    assert exported["bulkPublishStatus"] == "SUCCEEDED"
    assert exported["gateOpen"] is False
    assert exported["gateReason"] == "stale"

    gated = stack_on(engine, project, emulator, spec, "gate", maxAgeSeconds="600")
    with pytest.raises(auto.CommandError) as failure:
        gated.up()
    assert "it is stale" in str(failure.value)
    assert emulator.backend.call_count(START) == 0


def test_a_second_up_during_the_publish_starts_nothing_new(engine, project, emulator):
    spec = pool(
        "not-started",
        identity_pool_id=pool_id("succeeded"),
        bulk_publish={"in_progress_reads": 10**9, "outcome": "SUCCEEDED"},
    )
    stack = stack_on(engine, project, emulator, spec, startBulkPublish="true", timeoutSeconds="1")
    for _ in range(2):
        with pytest.raises(auto.CommandError) as failure:
            stack.up()
        assert "is still IN_PROGRESS" in str(failure.value)
    assert emulator.backend.call_count(START) == 1


def test_preview_and_refresh_never_start_a_bulk_publish(engine, project, emulator):
    spec = pool("succeeded")
    stack = stack_on(engine, project, emulator, spec, "observe", startBulkPublish="false")
    stack.up()
    emulator.backend.put_pool(pool("not-started", identity_pool_id=pool_id("succeeded")))
    stack.set_config("bulk-publish-gate:startBulkPublish", auto.ConfigValue("true"))
    stack.preview()
    stack.refresh()
    assert emulator.backend.call_count(START) == 0
