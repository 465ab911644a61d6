"""The project's own stack WITH its SSM parameter (pulumi-aws, against moto) through the real
engine: up, refresh, destroy and the example consumer. They need the pulumi-aws plugin, which
cannot be built here, and are skipped, with that reason, where it is not installed."""

from __future__ import annotations

import boto3
import pytest
from pulumi import automation as auto

from tests.support.scenarios import FAILURE_MESSAGE, pool, pool_id

pytestmark = [pytest.mark.e2e, pytest.mark.aws_plugin]

READ = "GetBulkPublishDetails"


def aws_config(moto_url: str) -> dict[str, auto.ConfigValue]:
    return {
        "aws:region": auto.ConfigValue("us-east-1"),
        "aws:skipCredentialsValidation": auto.ConfigValue("true"),
        "aws:skipRequestingAccountId": auto.ConfigValue("true"),
        "aws:skipMetadataApiCheck": auto.ConfigValue("true"),
        "aws:endpoints[0].ssm": auto.ConfigValue(moto_url),
    }


def stack(engine, directory, config: dict[str, auto.ConfigValue]):
    created = engine.stack("e2e", directory)
    created.set_all_config(config, path=True)
    return created


def producer(engine, project, moto_url, scenario: str, mode: str = "gate"):
    config = {
        **aws_config(moto_url),
        "bulk-publish-gate:identityPoolId": auto.ConfigValue(pool_id(scenario)),
        "bulk-publish-gate:mode": auto.ConfigValue(mode),
        "bulk-publish-gate:pollIntervalSeconds": auto.ConfigValue("0.1"),
        "bulk-publish-gate:maxPollIntervalSeconds": auto.ConfigValue("0.5"),
        "bulk-publish-gate:timeoutSeconds": auto.ConfigValue("60"),
    }
    return stack(engine, project, config)


def ssm_names(moto_url: str) -> set[str]:
    client = boto3.client("ssm", region_name="us-east-1", endpoint_url=moto_url)
    return {p["Name"] for p in client.describe_parameters().get("Parameters", [])}


def completed_at(scenario: str) -> str:
    return f"/bulk-publish-gate/us-east-1/{pool_id(scenario).split(':')[1]}/completed-at"


def test_up_with_succeeded_exports_and_opens(engine, project, moto_url, emulator):
    emulator.backend.put_pool(pool("succeeded"))
    result = producer(engine, project, moto_url, "succeeded").up()
    outputs = {k: v.value for k, v in result.outputs.items()}
    assert outputs["bulkPublishStatus"] == "SUCCEEDED"
    assert outputs["gateOpen"] is True
    assert outputs["identityPoolId"] == pool_id("succeeded")
    assert "failureMessage" not in outputs
    assert completed_at("succeeded") in ssm_names(moto_url)


def test_up_waits_through_in_progress(engine, project, moto_url, emulator):
    emulator.backend.put_pool(pool("publishing"))
    lines: list[str] = []
    result = producer(engine, project, moto_url, "publishing").up(on_output=lines.append)
    assert result.outputs["bulkPublishStatus"].value == "SUCCEEDED"
    assert emulator.backend.call_count(READ) >= 3
    assert any("IN_PROGRESS" in line for line in lines)


def test_up_against_failed_fails_and_creates_nothing_downstream(
    engine, project, moto_url, emulator
):
    emulator.backend.put_pool(pool("failing"))
    with pytest.raises(auto.CommandError) as failure:
        producer(engine, project, moto_url, "failing").up()
    assert FAILURE_MESSAGE in str(failure.value)
    assert completed_at("failing") not in ssm_names(moto_url)


def test_refresh_rereads_and_destroy_calls_no_api(engine, project, moto_url, emulator):
    emulator.backend.put_pool(pool("succeeded"))
    gate = producer(engine, project, moto_url, "succeeded")
    gate.up()
    before = emulator.backend.call_count(READ)
    gate.refresh()
    assert emulator.backend.call_count(READ) == before + 1
    after_refresh = sum(emulator.backend.calls().values())
    gate.destroy()
    assert sum(emulator.backend.calls().values()) == after_refresh
    assert completed_at("succeeded") not in ssm_names(moto_url)


def test_consumer_gates_on_the_producer(engine, project, moto_url, emulator):
    emulator.backend.put_pool(pool("failing"))
    producer(engine, project, moto_url, "failing", mode="observe").up()
    config = {
        **aws_config(moto_url),
        "bulk-publish-gate-consumer:producerStack": auto.ConfigValue(
            "organization/bulk-publish-gate/e2e"
        ),
        "bulk-publish-gate-consumer:readyParameterName": auto.ConfigValue("/consumer/e2e-ready"),
    }
    consumer = stack(engine, project / "examples" / "consumer", config)
    assert consumer.up().outputs["producerStatus"].value == "FAILED"
    assert "/consumer/e2e-ready" not in ssm_names(moto_url)

    emulator.backend.put_pool(pool("succeeded", identity_pool_id=pool_id("failing")))
    producer(engine, project, moto_url, "failing", mode="observe").up()
    assert consumer.up().outputs["producerStatus"].value == "SUCCEEDED"
    assert "/consumer/e2e-ready" in ssm_names(moto_url)
