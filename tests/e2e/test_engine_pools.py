"""One gate on several pools through the real engine: the project's own stack with
`identityPoolIds`, each pool in the `pools` output, and gate mode naming the pool that is not
open."""

from __future__ import annotations

import pulumi
import pytest
from pulumi import automation as auto

from components import BulkPublishGateArgs, BulkPublishGateResource
from tests.support.scenarios import pool, pool_id

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


def settled_pools(emulator, count: int = 3) -> list[str]:
    ids = [f"us-east-1:0a000000-0000-4000-8000-0000000003{i:02d}" for i in range(count - 1)]
    ids.append("eu-west-1:0a000000-0000-4000-8000-000000000399")
    for each in ids:
        emulator.backend.put_pool(pool("succeeded", identity_pool_id=each))
    return ids


def config_of(ids: list[str], **extra: str) -> dict[str, auto.ConfigValue]:
    values = {
        "bulk-publish-gate:publishCompletionParameter": "false",
        "bulk-publish-gate:pollIntervalSeconds": "0.05",
        "bulk-publish-gate:maxPollIntervalSeconds": "0.2",
        **{f"bulk-publish-gate:identityPoolIds[{i}]": each for i, each in enumerate(ids)},
        **extra,
    }
    return {key: auto.ConfigValue(value) for key, value in values.items()}


@pytest.mark.parametrize("aws_region", [None, "us-east-1", "ap-south-1"])
def test_several_pools_need_no_aws_region_each_is_called_in_its_own(
    engine, project, emulator, aws_region
):
    ids = settled_pools(emulator)
    stack = engine.stack("e2e", project)
    extra = {"aws:region": aws_region} if aws_region else {}
    stack.set_all_config(config_of(ids, **extra), path=True)
    exported = {name: value.value for name, value in stack.up().outputs.items()}
    assert exported["gateOpen"] is True
    assert set(exported["pools"]) == set(ids)


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        ("xx:0a000000-0000-4000-8000-000000000001", "names the region 'xx', which is not an AWS"),
        ("US-EAST-1:0a000000-0000-4000-8000-000000000001", "names the region 'US-EAST-1'"),
        (
            "me-south-1:0a000000-0000-4000-8000-000000000001",
            "names the region 'me-south-1': Cognito Sync has no endpoint in 'me-south-1'",
        ),
    ],
)
@pytest.mark.parametrize("aws_region", [None, "us-east-1"])
def test_a_pool_whose_region_cannot_work_fails_before_any_call(
    engine, project, emulator, bad, said, aws_region, monkeypatch
):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_SYNC", "")  # AWS's endpoints: regions matter
    ids = [*settled_pools(emulator, 2), bad]
    stack = engine.stack("e2e", project)
    extra = {"aws:region": aws_region} if aws_region else {}
    stack.set_all_config(config_of(ids, **extra), path=True)
    with pytest.raises(auto.CommandError) as failure:
        stack.preview()
    assert f"pool {bad}: {said}" in str(failure.value)
    assert sum(emulator.backend.calls().values()) == 0


def gate_program(ids: list[str], region: str | None = None, protect: bool = False):
    """The gate as a component user writes it (no stack config reader): Check is the guard."""

    def program() -> None:
        args = BulkPublishGateArgs(
            identity_pool_ids=ids, region=region, poll_interval_seconds=0.05,
            max_poll_interval_seconds=0.2,
        )  # fmt: skip
        gate = BulkPublishGateResource("gate", args, pulumi.ResourceOptions(protect=protect))
        pulumi.export("gateOpen", gate.gate_open)

    return program


def test_check_itself_refuses_a_gate_region_other_than_the_pools(engine, project, emulator):
    ids = settled_pools(emulator, 2)[:1]  # one us-east-1 pool, as a list
    stack = engine.stack("e2e", project, gate_program([*ids, ids[0][:-1] + "8"], "eu-west-1"))
    # The provider process gets the CLI's environment: AWS's endpoints there, so regions matter.
    stack.workspace.env_vars["AWS_ENDPOINT_URL_COGNITO_SYNC"] = ""
    with pytest.raises(auto.CommandError) as failure:
        stack.preview()
    said = str(failure.value)
    assert (
        "has a problem: is 'eu-west-1': the pool lives in us-east-1 (its id starts with it) but "
        "the gate would call eu-west-1" in said
    ), said
    assert sum(emulator.backend.calls().values()) == 0


@pytest.mark.parametrize("protect", [False, True])
def test_a_gate_on_several_pools_updates_in_place_on_every_up(engine, project, emulator, protect):
    ids = settled_pools(emulator)
    stack = engine.stack("e2e", project, gate_program(ids, protect=protect))
    created = stack.up()
    assert created.summary.resource_changes.get("create") == 2  # the stack and the gate
    for _ in range(3):
        preview = stack.preview()
        assert preview.change_summary.get("update") == 1, preview.change_summary
        assert "replace" not in preview.change_summary
        result = stack.up()
        assert result.summary.resource_changes.get("update") == 1, result.summary.resource_changes
        assert not {"replace", "create", "delete"} & set(result.summary.resource_changes)
        assert result.outputs["gateOpen"].value is True
