"""One gate on several pools against the emulator over HTTP: one wait each at once, the
verdicts aggregated, each pool in its own outputs, failures named per pool."""

from __future__ import annotations

import pytest

from components.aws.settings import AwsDefaults, client_settings
from components.core.errors import GateClosedError, PoolNotFoundError
from components.core.inputs import validate
from components.properties import properties
from components.run import enforce, observe
from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
from tests.support.scenarios import MISSING_POOL, pool, pool_id

NAMES = ("succeeded", "publishing", "failing")


@pytest.fixture
def run(emulator, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_SYNC", emulator.url)
    lines: list[str] = []

    def run(ids, mode: str = "observe", **extra):
        inputs, problems = validate(
            {
                "identity_pool_ids": list(ids),
                "mode": mode,
                "timeout_seconds": 30,
                "poll_interval_seconds": 0.02,
                "max_poll_interval_seconds": 0.05,
                **extra,
            }
        )
        assert problems == []
        return observe(inputs, AwsDefaults(region="eu-west-1"), write=lines.append)

    run.lines = lines
    return run


def test_each_pool_has_its_own_outputs_and_the_top_level_aggregates(emulator, run):
    for name in NAMES:
        emulator.backend.put_pool(pool(name))
    observed = run(pool_id(name) for name in NAMES)
    outs = properties(observed)
    assert set(outs["pools"]) == {pool_id(name) for name in NAMES}
    assert outs["pools"][pool_id("publishing")]["status"] == "SUCCEEDED"
    assert outs["pools"][pool_id("failing")]["gateReason"] == "failed"
    assert outs["bulk_publish_status"] == "FAILED"
    assert outs["gate_open"] is False
    assert outs["gate_reason"] == "failed"
    assert outs["identity_pool_id"] == ",".join(pool_id(name) for name in NAMES)
    assert pool_id("failing") in outs["failure_message"]
    # One summary line per change of the counts, never a line per pool per read.
    assert all(line.startswith("bulk-publish-gate: 3 pools: ") for line in run.lines)


def test_gate_mode_fails_naming_only_the_pools_that_are_not_open(emulator, run):
    for name in NAMES:
        emulator.backend.put_pool(pool(name))
    observed = run((pool_id(name) for name in NAMES), mode="gate")
    with pytest.raises(GateClosedError) as failure:
        enforce(observed)
    said = str(failure.value)
    assert "1 of 3 identity pools are not open" in said
    assert pool_id("failing") in said
    assert f"{pool_id('succeeded')} (" not in said


def test_every_pool_open_opens_the_gate_with_one_read_each_when_settled(emulator, run):
    ids = [f"us-east-1:0a000000-0000-4000-8000-0000000001{i:02d}" for i in range(12)]
    for each in ids:
        emulator.backend.put_pool(pool("succeeded", identity_pool_id=each))
    observed = run(ids, mode="gate", max_concurrency=4)
    enforce(observed)
    outs = properties(observed)
    assert outs["gate_open"] is True
    assert outs["gate_reason"] == "open"
    assert outs["bulk_publish_status"] == "SUCCEEDED"
    assert emulator.backend.call_count("GetBulkPublishDetails") == len(ids)


def test_a_pool_that_cannot_be_read_fails_the_run_naming_it(emulator, run):
    emulator.backend.put_pool(pool("succeeded"))
    observed = run([pool_id("succeeded"), MISSING_POOL])
    with pytest.raises(PoolNotFoundError) as failure:
        enforce(observed, fail_closed=False)
    assert "1 of 2 identity pools could not be read" in str(failure.value)
    assert MISSING_POOL in str(failure.value)


def test_each_pool_is_called_in_its_own_region_not_aws_region():
    inputs, _ = validate({"identity_pool_ids": ["us-east-1:ab", "eu-west-2:cd"]})
    aws = AwsDefaults(region="eu-west-1")
    regions = [client_settings(inputs, aws, pool, {}).region for pool in inputs.pools]
    assert regions == ["us-east-1", "eu-west-2"]
    pinned, _ = validate({"identity_pool_ids": ["us-east-1:ab"], "region": "us-east-2"})
    assert client_settings(pinned, aws, "us-east-1:ab", {}).region == "us-east-2"
