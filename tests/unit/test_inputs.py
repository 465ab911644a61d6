"""Input rules and region rules, as tables: every bad value is named with its rule."""

from __future__ import annotations

import pytest

from components.cognito_sync import endpoint_override, region_problem
from components.gate import AwsDefaults, client_settings, settings_problems
from components.inputs import GateInputs, validate

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
UNKNOWN = "<unknown>"

BAD = [
    ({"identity_pool_id": None}, "identity_pool_id", "is required"),
    ({"identity_pool_id": ""}, "identity_pool_id", "is required"),
    ({"identity_pool_id": 42}, "identity_pool_id", "is required"),
    ({"identity_pool_id": "us-east-1:" + "a" * 46}, "identity_pool_id", "at most 55"),
    ({"identity_pool_id": "us-east-1"}, "identity_pool_id", "must match"),
    ({"identity_pool_id": "us-east-1:23EC4050-6AEA"}, "identity_pool_id", "lowercase"),
    ({"identity_pool_id": "us east 1:abc"}, "identity_pool_id", "must match"),
    ({"identity_pool_id": "ünï:abc"}, "identity_pool_id", "must match"),
    ({"mode": "enforce"}, "mode", "one of gate, observe"),
    ({"timeout_seconds": -1}, "timeout_seconds", "at least 0"),
    ({"timeout_seconds": 86401}, "timeout_seconds", "at most 86400"),
    ({"timeout_seconds": 1.5}, "timeout_seconds", "whole number"),
    ({"timeout_seconds": "10"}, "timeout_seconds", "whole number"),
    ({"timeout_seconds": True}, "timeout_seconds", "whole number"),
    ({"timeout_seconds": float("nan")}, "timeout_seconds", "whole number"),
    ({"poll_interval_seconds": 0}, "poll_interval_seconds", "more than 0"),
    ({"poll_interval_seconds": 3601}, "poll_interval_seconds", "at most 3600"),
    ({"max_poll_interval_seconds": "x"}, "max_poll_interval_seconds", "a number"),
    ({"poll_interval_seconds": 10, "max_poll_interval_seconds": 5}, "max_poll", "at least poll"),
    ({"wait_for_start": "yes"}, "wait_for_start", "true or false"),
    ({"region": "mars"}, "region", "AWS region name"),
    ({"endpoint_url": "localhost:4599"}, "endpoint_url", "http:// or https://"),
    ({"endpoint_url": "ftp://x"}, "endpoint_url", "http:// or https://"),
]


@pytest.mark.parametrize(("change", "field", "rule"), BAD)
def test_each_bad_input_is_named_with_its_rule(change, field, rule):
    inputs, problems = validate({"identity_pool_id": POOL, **change})
    assert inputs is None
    assert [p.field for p in problems] == [
        field if field != "max_poll" else "max_poll_interval_seconds"
    ]
    assert rule in problems[0].reason


def test_every_problem_is_reported_at_once():
    _, problems = validate({"identity_pool_id": "x", "mode": "y", "timeout_seconds": -5})
    assert {p.field for p in problems} == {"identity_pool_id", "mode", "timeout_seconds"}


def test_defaults_are_applied_and_wire_floats_become_ints():
    inputs, problems = validate({"identity_pool_id": POOL, "timeout_seconds": 60.0})
    assert problems == []
    assert inputs == GateInputs(identity_pool_id=POOL, timeout_seconds=60)
    assert isinstance(inputs.timeout_seconds, int)


def test_unknown_values_skip_their_rule_but_known_ones_are_still_checked():
    inputs, problems = validate({"identity_pool_id": UNKNOWN, "mode": "bad"}, unknown=UNKNOWN)
    assert inputs is None
    assert [p.field for p in problems] == ["mode"]
    inputs, problems = validate({"identity_pool_id": UNKNOWN}, unknown=UNKNOWN)
    assert (inputs, problems) == (None, [])


REGIONS = [
    # (gate region, aws:region, endpoint, expected region, problem fragment or None)
    (None, None, None, "us-east-1", None),
    (None, "us-east-1", None, "us-east-1", None),
    ("us-east-1", "eu-west-1", None, "us-east-1", None),
    (None, "eu-west-1", None, "eu-west-1", "set bulk-publish-gate:region to us-east-1"),
    (None, "eu-north-1", None, "eu-north-1", "no endpoint in 'eu-north-1'"),
    (None, "eu-north-1", "http://127.0.0.1:4599", "eu-north-1", None),
]


@pytest.mark.parametrize(("region", "aws_region", "endpoint", "expected", "problem"), REGIONS)
def test_region_resolution_and_its_rules(region, aws_region, endpoint, expected, problem):
    inputs = GateInputs(POOL, region=region, endpoint_url=endpoint)
    aws = AwsDefaults(region=aws_region)
    assert client_settings(inputs, aws, environ={}).region == expected
    problems = settings_problems(inputs, aws, environ={})
    if problem is None:
        assert problems == []
    else:
        assert [p.field for p in problems] == ["region"]
        assert problem in problems[0].reason


def test_pool_in_a_region_without_the_api_is_refused_unless_overridden():
    pool = "sa-east-1:0f5b6a1e"
    assert "no endpoint in 'sa-east-1'" in region_problem("sa-east-1", pool, overridden=False)
    assert region_problem("sa-east-1", pool, overridden=True) is None


@pytest.mark.parametrize(
    ("explicit", "environ", "expected"),
    [
        (None, {}, None),
        ("http://a", {"AWS_ENDPOINT_URL_COGNITO_SYNC": "http://b"}, "http://a"),
        (
            None,
            {"AWS_ENDPOINT_URL_COGNITO_SYNC": "http://b", "AWS_ENDPOINT_URL": "http://c"},
            "http://b",
        ),
        (None, {"AWS_ENDPOINT_URL": "http://c"}, "http://c"),
        (None, {"AWS_ENDPOINT_URL_COGNITO_SYNC": ""}, None),
    ],
)
def test_endpoint_override_order(explicit, environ, expected):
    assert endpoint_override(explicit, environ) == expected
