"""One gate on several pools through the real engine: the project's own stack with
`identityPoolIds`, each pool in the `pools` output, and gate mode naming the pool that is not
open."""

from __future__ import annotations

import pytest
from pulumi import automation as auto

from harness.scenarios import pool, pool_id

pytestmark = pytest.mark.e2e
NAMES = ("succeeded", "publishing", "failing")


def pools_stack(engine, project, emulator, mode: str):
    for name in NAMES:
        emulator.backend.put_pool(pool(name))
    stack = engine.stack("e2e", project)
    config = {
        "bulk-publish-gate:mode": auto.ConfigValue(mode),
        "bulk-publish-gate:publishCompletionParameter": auto.ConfigValue("false"),
        "bulk-publish-gate:pollIntervalSeconds": auto.ConfigValue("0.05"),
        "bulk-publish-gate:maxPollIntervalSeconds": auto.ConfigValue("0.2"),
        "aws:region": auto.ConfigValue("us-east-1"),
    }
    for index, name in enumerate(NAMES):
        config[f"bulk-publish-gate:identityPoolIds[{index}]"] = auto.ConfigValue(pool_id(name))
    stack.set_all_config(config, path=True)
    return stack


def test_observe_mode_exports_each_pool_and_the_aggregate(engine, project, emulator):
    exported = {
        name: value.value
        for name, value in pools_stack(engine, project, emulator, "observe").up().outputs.items()
    }
    assert set(exported["pools"]) == {pool_id(name) for name in NAMES}
    assert exported["pools"][pool_id("publishing")]["gateReason"] == "open"
    assert exported["pools"][pool_id("failing")]["status"] == "FAILED"
    assert exported["bulkPublishStatus"] == "FAILED"
    assert exported["gateOpen"] is False
    assert exported["gateReason"] == "failed"


def test_gate_mode_fails_naming_the_pool_that_is_not_open(engine, project, emulator):
    with pytest.raises(auto.CommandError) as failure:
        pools_stack(engine, project, emulator, "gate").up()
    said = str(failure.value)
    assert "1 of 3 identity pools are not open" in said
    assert f"{pool_id('failing')} (failed)" in said
