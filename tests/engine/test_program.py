"""The stack program under `pulumi.runtime.set_mocks`, its gate sent to the real provider server
over gRPC and on to the emulator over HTTP: exports, gating order, modes, config errors."""

from __future__ import annotations

import pytest

from components.core.contract import STACK_OUTPUTS
from tests.support.program import run_program
from tests.support.provider_server import PROJECT_DIR, RESOURCE_TYPE
from tests.support.scenarios import FAILURE_MESSAGE, fast_config, pool, pool_id, provider_env

PARAMETER = "aws:ssm/parameter:Parameter"
CONSUMER = PROJECT_DIR / "examples" / "consumer" / "__main__.py"


@pytest.fixture
def run(emulator):
    def run(name: str, mode: str = "gate", **config):
        emulator.backend.put_pool(pool(name))
        return run_program(fast_config(name, mode, **config), env=provider_env(emulator.url))

    return run


def types(run_result, kind: str) -> list[str]:
    return [e.type for e in run_result.events if e.kind == kind]


def test_gate_mode_exports_the_contract_and_opens_the_parameter(run):
    result = run("publishing")
    assert result.error is None
    assert set(result.outputs) == set(STACK_OUTPUTS) - {"failureMessage", "pools"}
    assert result.outputs["identityPoolId"] == pool_id("publishing")
    assert result.outputs["bulkPublishStatus"] == "SUCCEEDED"
    assert result.outputs["gateOpen"] is True
    [parameter] = [e for e in result.events if e.kind == "created" and e.type == PARAMETER]
    guid = pool_id("publishing").split(":")[1]
    assert parameter.detail["name"] == f"/bulk-publish-gate/us-east-1/{guid}/completed-at"
    assert parameter.detail["value"] == result.outputs["bulkPublishCompleteTime"]


def test_the_parameter_is_registered_only_after_the_gate_succeeded(run):
    result = run("publishing")
    order = [(e.kind, e.type) for e in result.events if e.type in (RESOURCE_TYPE, PARAMETER)]
    assert order == [
        ("register", RESOURCE_TYPE),
        ("created", RESOURCE_TYPE),
        ("register", PARAMETER),
        ("created", PARAMETER),
    ]


@pytest.mark.parametrize("name", ["failing", "not-started"])
def test_a_closed_gate_fails_the_run_and_the_parameter_is_never_registered(run, name):
    result = run(name)
    assert result.error is not None
    assert "GateClosedError" in str(result.error)
    assert pool_id(name) in str(result.error)
    assert types(result, "failed") == [RESOURCE_TYPE]
    assert PARAMETER not in types(result, "register")


def test_observe_mode_exports_a_failed_status_without_failing(run):
    result = run("failing", mode="observe")
    assert result.error is None
    assert result.outputs["bulkPublishStatus"] == "FAILED"
    assert result.outputs["failureMessage"] == FAILURE_MESSAGE
    assert result.outputs["gateOpen"] is False
    assert PARAMETER not in types(result, "register")


def test_observe_mode_creates_the_parameter_while_succeeded(run):
    result = run("succeeded", mode="observe")
    assert result.error is None
    assert PARAMETER in types(result, "created")


@pytest.mark.parametrize(
    ("config", "fragments"),
    [
        (
            {"bulk-publish-gate:timeoutSeconds": "soon", "bulk-publish-gate:mode": "strict"},
            ["bulk-publish-gate:timeoutSeconds must be a whole number", "bulk-publish-gate:mode"],
        ),
        (
            {"bulk-publish-gate:identityPoolId": "us-east-1"},
            ["bulk-publish-gate:identityPoolId 'us-east-1' must match"],
        ),
        (
            {"bulk-publish-gate:completionParameterName": "/orders/us-east-1:abc"},
            ["bulk-publish-gate:completionParameterName", "only letters, digits and _.-/"],
        ),
        (
            {
                "bulk-publish-gate:pollIntervalSeconds": "5",
                "bulk-publish-gate:maxPollIntervalSeconds": "1",
            },
            [
                "bulk-publish-gate:maxPollIntervalSeconds must be at least "
                "bulk-publish-gate:pollIntervalSeconds"
            ],
        ),
    ],
)
def test_bad_config_stops_the_program_before_any_resource_or_api_call(
    emulator, run, config, fragments
):
    result = run("succeeded", **config)
    assert result.error.type == "RunError"
    for fragment in fragments:
        assert fragment in str(result.error)
    assert [e for e in result.events if e.type != "pulumi:pulumi:Stack"] == []
    assert sum(emulator.backend.calls().values()) == 0


def consumer(emulator, producer_outputs: dict):
    name = "organization/bulk-publish-gate/local"
    config = {"bulk-publish-gate-consumer:producerStack": name}
    return run_program(
        config,
        stacks={name: producer_outputs},
        env=provider_env(emulator.url),
        project="bulk-publish-gate-consumer",
        program=CONSUMER,
    )


def test_the_consumer_gates_on_the_producers_outputs(run, emulator):
    producer = run("succeeded", mode="observe")
    opened = consumer(emulator, producer.outputs)
    assert opened.error is None
    assert opened.outputs["producerStatus"] == "SUCCEEDED"
    assert PARAMETER in types(opened, "created")

    failed = run("failing", mode="observe")
    closed = consumer(emulator, failed.outputs)
    assert closed.error is None
    assert closed.outputs["producerStatus"] == "FAILED"
    assert PARAMETER not in types(closed, "register")


def test_the_consumer_fails_clearly_when_the_output_is_missing(emulator):
    result = consumer(emulator, {"identityPoolId": pool_id("succeeded")})
    assert result.error.type == "RunError"
    assert "has no output 'bulkPublishStatus'" in str(result.error)


def test_a_status_only_stack_exports_the_status_and_registers_no_aws_resource(run):
    result = run("publishing", **{"bulk-publish-gate:publishCompletionParameter": "false"})
    assert result.error is None
    assert result.outputs["gateOpen"] is True
    assert [t for t in types(result, "register") if t.startswith("aws:")] == []


def test_publish_completion_parameter_must_be_a_bool(emulator, run):
    result = run("succeeded", **{"bulk-publish-gate:publishCompletionParameter": "maybe"})
    assert result.error.type == "RunError"
    assert "bulk-publish-gate:publishCompletionParameter must be true or false" in str(result.error)
    assert sum(emulator.backend.calls().values()) == 0
