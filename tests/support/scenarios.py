"""Named bulk-publish scenarios for the emulator, shared by the tests and the benchmarks."""

from __future__ import annotations

from typing import Any

from tools.engine.environment import emulator_aws

STREAMS = {
    "StreamName": "orders-sync-stream",
    "RoleArn": "arn:aws:iam::123456789012:role/cognito-streams",
    "StreamingStatus": "ENABLED",
}

FAILURE_MESSAGE = "Kinesis PutRecords on orders-sync-stream was denied for the streams role"

SCENARIOS: dict[str, dict[str, Any]] = {
    "succeeded": {
        "identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000001",
        "state": "SUCCEEDED",
        "completed_seconds_ago": 3600,
    },
    "publishing": {
        "identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000002",
        "state": "IN_PROGRESS",
        "bulk_publish": {"in_progress_reads": 2, "outcome": "SUCCEEDED"},
    },
    "failing": {
        "identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000003",
        "state": "IN_PROGRESS",
        "bulk_publish": {
            "in_progress_reads": 1,
            "outcome": "FAILED",
            "failure_message": FAILURE_MESSAGE,
        },
    },
    "not-started": {
        "identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000004",
        "state": "NOT_STARTED",
    },
    "stuck": {
        "identity_pool_id": "us-east-1:0a000000-0000-4000-8000-000000000005",
        "state": "IN_PROGRESS",
        "bulk_publish": {"in_progress_reads": 10**9, "outcome": "SUCCEEDED"},
    },
}
"""Pool specs in the emulator's seed format, each with a stream so that bulk publish works."""

MISSING_POOL = "us-east-1:0a000000-0000-4000-8000-0000000000ff"
"""A well-formed pool id that no scenario creates."""


def pool(name: str, **changes: Any) -> dict[str, Any]:
    """The spec of scenario `name`, with `changes` applied on top."""
    return {"cognito_streams": dict(STREAMS), **SCENARIOS[name], **changes}


def pool_id(name: str) -> str:
    return SCENARIOS[name]["identity_pool_id"]


def provider_env(endpoint_url: str, **extra: str) -> dict[str, str]:
    """The environment of a provider process that talks to the emulator with its test keys
    (and nothing of the host's AWS setup); `extra` adds or overrides variables."""
    return {**emulator_aws(endpoint_url), **extra}


def fast_config(name: str, mode: str = "gate", **extra: str) -> dict[str, str]:
    """Stack config for scenario `name` with scaled-down intervals (the engine tests)."""
    return {
        "bulk-publish-gate:identityPoolId": pool_id(name),
        "bulk-publish-gate:mode": mode,
        "bulk-publish-gate:pollIntervalSeconds": "0.05",
        "bulk-publish-gate:maxPollIntervalSeconds": "0.2",
        "bulk-publish-gate:timeoutSeconds": "30",
        "aws:region": "us-east-1",
        **extra,
    }
