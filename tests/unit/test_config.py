"""The stack config reader: each key named as the tables name it, with their defaults; bad values
listed with key and rule; good ones typed; the SSM parameter's default name."""

from __future__ import annotations

import pulumi
import pytest

from components.config import (
    PUBLISH_PARAMETER_KEY,
    STACK_KEYS,
    default_parameter_name,
    read_stack_config,
)
from components.core.inputs import NAMESPACE, SPECS
from components.core.names import parameter_name_problem


def test_default_parameter_name_drops_the_colon_and_is_valid():
    name = default_parameter_name(("us-east-1:0f5b6a1e-8a7b",), "us-east-1")
    assert name == "/bulk-publish-gate/us-east-1/0f5b6a1e-8a7b/completed-at"
    assert parameter_name_problem(name) is None


class FakeConfig:
    """What read_stack_config uses of pulumi.Config: a namespace and string values."""

    name = "bulk-publish-gate"

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


CONFIG_POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


def read(**values: str):
    return read_stack_config(FakeConfig({"identityPoolId": CONFIG_POOL, **values}), "us-east-1")


BAD_CONFIG = [
    # Only plain ASCII decimals are numbers; everything else is named with its key and rule.
    (
        "timeoutSeconds",
        "1_000",
        "timeoutSeconds must be a whole number in plain digits 0-9, such as 1800 (got '1_000')",
    ),
    ("timeoutSeconds", " 5 ", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "5\n", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "\u0661\u0662", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "\uff11\uff12", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "0x10", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "+inf", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "inf", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "nan", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "1e3", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "60.0", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "", "timeoutSeconds must be a whole number"),
    ("timeoutSeconds", "-1", "timeoutSeconds must be at least 0 and at most 86400"),
    ("timeoutSeconds", "9" * 400, "at most 86400 (got an integer of 400 digits)"),
    ("timeoutSeconds", "9" * 5000, "at most 86400 (got an integer of 5000 digits)"),
    ("pollIntervalSeconds", "1e-12", "pollIntervalSeconds must be a number"),
    ("pollIntervalSeconds", "0.000000000001", "pollIntervalSeconds must be at least 0.01"),
    ("pollIntervalSeconds", "1_0", "pollIntervalSeconds must be a number"),
    ("pollIntervalSeconds", "\u0665", "pollIntervalSeconds must be a number"),
    ("pollIntervalSeconds", "+inf", "pollIntervalSeconds must be a number"),
    ("pollIntervalSeconds", "infinity", "pollIntervalSeconds must be a number"),
    ("pollIntervalSeconds", "1e309", "pollIntervalSeconds must be a number"),
    ("pollIntervalSeconds", "9" * 400, "at most 3600 (got a number of 400 digits)"),
    ("pollIntervalSeconds", ".", "pollIntervalSeconds must be a number"),
    ("maxPollIntervalSeconds", " 30", "maxPollIntervalSeconds must be a number"),
    ("waitForStart", "yes", "waitForStart must be true or false"),
    ("waitForStart", " true", "waitForStart must be true or false"),
    ("publishCompletionParameter", "1", "publishCompletionParameter must be true or false"),
    ("endpointUrl", "http://[::1", "endpointUrl is not a valid URL"),
    ("endpointUrl", "http://a b", "endpointUrl must be printable ASCII"),
    ("endpointUrl", "http://h:99999", "endpointUrl must have a port from 1 to 65535"),
    ("endpointUrl", "http://h:abc", "endpointUrl must have a port from 1 to 65535"),
    ("endpointUrl", "http://h\n", "endpointUrl must be printable ASCII"),
    ("region", "us-east-\u0661", "region must be an AWS region name"),
]


@pytest.mark.parametrize(("key", "raw", "fragment"), BAD_CONFIG)
def test_bad_config_values_are_listed_with_key_and_rule(key, raw, fragment):
    with pytest.raises(pulumi.RunError) as error:
        read(**{key: raw})
    assert str(error.value).startswith("invalid stack configuration:\n  - ")
    assert f"bulk-publish-gate:{key}" in str(error.value)
    assert fragment in str(error.value)


def test_credentials_in_the_endpoint_config_are_refused_without_echoing_them():
    with pytest.raises(pulumi.RunError) as error:
        read(endpointUrl="http://me:hunter2@127.0.0.1:4599")
    assert "bulk-publish-gate:endpointUrl must not contain credentials" in str(error.value)
    assert "hunter2" not in str(error.value)


GOOD_CONFIG = [
    ("timeoutSeconds", "0", "timeout_seconds", 0),
    ("timeoutSeconds", "007", "timeout_seconds", 7),
    ("timeoutSeconds", "86400", "timeout_seconds", 86400),
    ("pollIntervalSeconds", "0.01", "poll_interval_seconds", 0.01),
    ("pollIntervalSeconds", "2", "poll_interval_seconds", 2.0),
    ("pollIntervalSeconds", ".5", "poll_interval_seconds", 0.5),
    ("maxPollIntervalSeconds", "3600.0", "max_poll_interval_seconds", 3600.0),
    ("waitForStart", "True", "wait_for_start", True),
    ("endpointUrl", "http://127.0.0.1:4599", "endpoint_url", "http://127.0.0.1:4599"),
]


@pytest.mark.parametrize(("key", "raw", "prop", "expected"), GOOD_CONFIG)
def test_good_config_values_are_typed(key, raw, prop, expected):
    value = getattr(read(**{key: raw}).gate, prop)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("values", "aws_region", "fragment", "fix"),
    [
        (
            {"identityPoolId": "a_b:0"},
            None,
            "bulk-publish-gate:identityPoolId names the region 'a_b', which is not an AWS region",
            "check the pool id",  # no region setting moves a pool
        ),
        ({}, "US-EAST-1", "aws:region is 'US-EAST-1', which is not an AWS region name", None),
        ({}, "us-east-1\n", "aws:region is 'us-east-1\\n', which is not an AWS region name", None),
        (
            {},
            "eu-west-1",
            "aws:region is 'eu-west-1': the pool lives in us-east-1 (its id start",
            None,
        ),
    ],
)
def test_the_region_the_gate_would_call_must_be_a_region_name(values, aws_region, fragment, fix):
    config = FakeConfig({"identityPoolId": CONFIG_POOL, **values})
    with pytest.raises(pulumi.RunError) as error:
        read_stack_config(config, aws_region)
    assert fragment in str(error.value)
    assert (fix or "set bulk-publish-gate:region to us-east-1") in str(error.value)


@pytest.mark.parametrize("aws_region", [None, "us-east-1"])
def test_a_pool_id_whose_prefix_is_no_cognito_sync_region_is_refused_whatever_aws_region(
    aws_region,
):
    config = FakeConfig({"identityPoolId": "cn-north-1:0a000000-0000-4000-8000-000000000001"})
    with pytest.raises(pulumi.RunError) as error:
        read_stack_config(config, aws_region)
    assert (
        "bulk-publish-gate:identityPoolId names the region 'cn-north-1': Cognito Sync has no "
        "endpoint in 'cn-north-1'"
    ) in str(error.value)


def test_a_gate_region_of_its_own_makes_aws_region_irrelevant():
    config = FakeConfig({"identityPoolId": CONFIG_POOL, "region": "us-east-1"})
    assert read_stack_config(config, "weird_region").gate.region == "us-east-1"


POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


BAD = {"identity_pool_id": "nope", "mode": "strict", "region": "x", "endpoint_url": "ftp://x"}
"""A value that breaks each text input's rule; every other kind is broken by `x`."""


@pytest.mark.parametrize("name", list(SPECS))
def test_the_config_reader_names_each_key_as_the_table_does(name):
    key = SPECS[name].config
    with pytest.raises(pulumi.RunError) as error:
        read_stack_config(
            FakeConfig({"identityPoolId": POOL, key: BAD.get(name, "x")}), "us-east-1"
        )
    assert f"\n  - {NAMESPACE}:{key} " in str(error.value)


@pytest.mark.parametrize(
    ("key", "raw"), [("completionParameterName", "a b"), (PUBLISH_PARAMETER_KEY, "x")]
)
def test_the_config_reader_names_the_stacks_own_keys(key, raw):
    assert key in STACK_KEYS
    with pytest.raises(pulumi.RunError) as error:
        read_stack_config(FakeConfig({"identityPoolId": POOL, key: raw}), "us-east-1")
    assert f"\n  - {NAMESPACE}:{key} " in str(error.value)


def test_the_stacks_own_keys_default_as_their_table_says():
    settings = read_stack_config(FakeConfig({"identityPoolId": POOL}), "us-east-1")
    assert settings.publish_completion_parameter is STACK_KEYS[PUBLISH_PARAMETER_KEY][1]
    assert STACK_KEYS["completionParameterName"][1] == ""  # derived from the pools instead
