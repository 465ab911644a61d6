"""Bad inputs through the SDK's real provider server: Check names the field and the rule (no
traceback), keeps credentials out of what it returns, and Read of bad state says the fix."""

from __future__ import annotations

import json

import pytest

from components.provider import BulkPublishGateProvider
from tests.support.provider_server import PROVIDER_KEY, ProviderError, provider_blob
from tests.support.scenarios import pool_id

BLOB, _ = provider_blob(BulkPublishGateProvider())


def props(**changes) -> dict:
    return {
        "identity_pool_id": pool_id("succeeded"),
        "poll_interval_seconds": 0.02,
        "max_poll_interval_seconds": 0.1,
        "timeout_seconds": 30,
        **changes,
        PROVIDER_KEY: BLOB,
    }


BAD_INPUTS = [
    ({"timeout_seconds": float("inf")}, {}, "timeout_seconds", "at most 86400"),
    ({"timeout_seconds": 1e300}, {}, "timeout_seconds", "at most 86400"),
    ({"poll_interval_seconds": 1e-12}, {}, "poll_interval_seconds", "at least 0.01"),
    ({"endpoint_url": "http://[::1"}, {}, "endpoint_url", "not a valid URL"),
    ({"endpoint_url": "http://a b"}, {}, "endpoint_url", "no spaces or control characters"),
    ({"endpoint_url": "http://h:99999"}, {}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://h:abc"}, {}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://h\n"}, {}, "endpoint_url", "no spaces or control characters"),
    ({}, {"AWS_MAX_ATTEMPTS": "abc"}, "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ({}, {"AWS_MAX_ATTEMPTS": "0"}, "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ({}, {"AWS_RETRY_MODE": "bogus"}, "AWS_RETRY_MODE", "one of legacy, standard, adaptive"),
]


@pytest.mark.parametrize(("change", "env", "field", "fragment"), BAD_INPUTS)
def test_check_names_the_field_and_the_rule_without_a_traceback(
    emulator, start_server, change, env, field, fragment
):
    server = start_server(**env)
    _, failures = server.check(props(**change))  # a traceback would raise ProviderError
    assert [f.property for f in failures] == [field]
    assert fragment in failures[0].reason
    assert sum(emulator.backend.calls().values()) == 0
    server.stop()
    assert not any("Traceback" in line for line in server.stderr_lines)


def test_the_region_called_must_be_a_region_name_with_an_endpoint_override(emulator, start_server):
    server = start_server({})  # no aws:region: the gate calls the region its pool id starts with
    _, failures = server.check(props(identity_pool_id="a_b:0"))
    assert [f.property for f in failures] == ["identity_pool_id"]  # where the region came from
    assert "names the region 'a_b', which is not an AWS region name" in failures[0].reason
    assert sum(emulator.backend.calls().values()) == 0


@pytest.mark.parametrize(
    "prefix", ["xx", "US-EAST-1", "us_east_1", "me-south-1", "cn-north-1", "us-gov-west-1"]
)
@pytest.mark.parametrize("config", [{}, {"aws:region": "us-east-1"}], ids=["no-region", "region"])
def test_a_pool_id_whose_prefix_has_no_cognito_sync_is_refused_whatever_region_is_set(
    emulator, start_server, prefix, config
):
    """AWS's endpoints (no override): the prefix must be a Cognito Sync region even when
    aws:region names one; Check names the pool, and nothing is called."""
    server = start_server(config, AWS_ENDPOINT_URL_COGNITO_SYNC="")
    pool = f"{prefix}:0a000000-0000-4000-8000-000000000001"
    _, failures = server.check(props(identity_pool_id=pool))
    assert [f.property for f in failures] == ["identity_pool_id"]
    assert failures[0].reason.startswith(f"names the region '{prefix}'")
    assert failures[0].reason.endswith("; check the pool id")
    assert sum(emulator.backend.calls().values()) == 0


def test_credentials_in_the_endpoint_url_are_refused_and_not_returned(emulator, start_server):
    server = start_server()
    url = f"http://someone:hunter2@{emulator.url.split('://', 1)[1]}"
    inputs, failures = server.check(props(endpoint_url=url))
    assert [f.property for f in failures] == ["endpoint_url"]
    assert "must not contain credentials" in failures[0].reason
    assert "hunter2" not in json.dumps(inputs, default=str)
    assert "hunter2" not in failures[0].reason
    assert sum(emulator.backend.calls().values()) == 0


def test_read_of_state_that_breaks_a_rule_says_the_fix(emulator, start_server):
    server = start_server()
    with pytest.raises(ProviderError) as failure:
        server.read(pool_id("succeeded"), props(poll_interval_seconds=1e-12))
    message = failure.value.message
    assert message.startswith("components.core.errors.ConfigurationError: ")
    assert "bulk-publish-gate:pollIntervalSeconds" in message and "at least 0.01" in message
    assert "pulumi up" in message
    assert sum(emulator.backend.calls().values()) == 0
