"""Where and how to call AWS, as tables: the region of each pool and its rules, the endpoint
override, retry settings from the environment and the profile; each bad one named before any
call."""

from __future__ import annotations

import pytest

from components.aws.settings import (
    AwsDefaults,
    client_settings,
    endpoint_override,
    retry_settings,
    settings_problems,
)
from components.core.inputs import GateInputs, config_name, validate

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


REGIONS = [
    # (gate region, aws:region, endpoint, expected region, problem fragment or None): a problem
    # names the setting the region came from
    (None, None, None, "us-east-1", None),
    (None, "us-east-1", None, "us-east-1", None),
    ("us-east-1", "eu-west-1", None, "us-east-1", None),
    (None, "eu-west-1", None, "eu-west-1", "set bulk-publish-gate:region to us-east-1"),
    (None, "eu-north-1", None, "eu-north-1", "no endpoint in 'eu-north-1'"),
    ("eu-north-1", None, None, "eu-north-1", "no endpoint in 'eu-north-1'"),
    (None, "eu-north-1", "http://127.0.0.1:4599", "eu-north-1", None),
]


@pytest.mark.parametrize(("region", "aws_region", "endpoint", "expected", "problem"), REGIONS)
def test_region_resolution_and_its_rules(region, aws_region, endpoint, expected, problem):
    inputs = GateInputs(POOL, region=region, endpoint_url=endpoint)
    aws = AwsDefaults(region=aws_region)
    assert client_settings(inputs, aws, POOL, environ={}).region == expected
    problems = settings_problems(inputs, aws, environ={})
    if problem is None:
        assert problems == []
    else:
        assert [p.field for p in problems] == ["region" if region else "aws:region"]
        assert problem in problems[0].said(config_name)


OVERRIDE = "http://127.0.0.1:4599"


CALLED_REGION = [
    # (pool id, gate region, aws:region): the region called is not a region name, even with an
    # endpoint override (botocore signs for it and refuses it, or builds a bad host).
    ("a_b:0", None, None, "identity_pool_id names the region 'a_b', which"),
    ("us-east-1:0", None, "US-EAST-1", "aws:region is 'US-EAST-1', which"),
    ("us-east-1:0", None, "us_east_1", "aws:region is 'us_east_1', which"),
    ("x:0", None, "", "identity_pool_id names the region 'x', which"),
]


@pytest.mark.parametrize(("pool_id", "region", "aws_region", "said"), CALLED_REGION)
@pytest.mark.parametrize("environ", [{}, {"AWS_ENDPOINT_URL_COGNITO_SYNC": OVERRIDE}])
def test_the_region_called_must_be_a_region_name_even_with_an_override(
    pool_id, region, aws_region, said, environ
):
    inputs = GateInputs(pool_id, region=region, endpoint_url=None if environ else OVERRIDE)
    problems = settings_problems(inputs, AwsDefaults(region=aws_region), environ=environ)
    assert len(problems) == 1
    assert said in problems[0].line()
    assert "is not an AWS region name" in problems[0].line()


ENVIRONMENT = [
    # (variable, value, field, fragment): bad AWS settings are named before any call.
    ("AWS_MAX_ATTEMPTS", "abc", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100 (got 'abc')"),
    ("AWS_MAX_ATTEMPTS", "0", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_MAX_ATTEMPTS", "101", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_MAX_ATTEMPTS", "-1", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_MAX_ATTEMPTS", " 5", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_MAX_ATTEMPTS", "1_0", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_MAX_ATTEMPTS", "\u0665", "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_MAX_ATTEMPTS", "9" * 5000, "AWS_MAX_ATTEMPTS", "whole number from 1 to 100"),
    ("AWS_RETRY_MODE", "bogus", "AWS_RETRY_MODE", "one of legacy, standard, adaptive"),
    ("AWS_RETRY_MODE", "Standard", "AWS_RETRY_MODE", "one of legacy, standard, adaptive"),
    (
        "AWS_ENDPOINT_URL_COGNITO_SYNC",
        "http://h:99999",
        "AWS_ENDPOINT_URL_COGNITO_SYNC",
        "port from 1 to 65535",
    ),
    ("AWS_ENDPOINT_URL", "http://u:hunter2@h", "AWS_ENDPOINT_URL", "must not contain credentials"),
]


@pytest.mark.parametrize(("name", "value", "field", "fragment"), ENVIRONMENT)
def test_bad_aws_environment_settings_are_named_before_any_call(name, value, field, fragment):
    inputs = GateInputs(POOL)
    problems = settings_problems(inputs, AwsDefaults(), environ={name: value})
    assert [p.field for p in problems] == [field]
    assert fragment in problems[0].said(config_name)
    assert "hunter2" not in problems[0].said(config_name)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ("standard", 3)),
        ({"AWS_MAX_ATTEMPTS": "1", "AWS_RETRY_MODE": "legacy"}, ("legacy", 1)),
        ({"AWS_MAX_ATTEMPTS": "", "AWS_RETRY_MODE": ""}, ("standard", 3)),
        ({"AWS_MAX_ATTEMPTS": "100", "AWS_RETRY_MODE": "adaptive"}, ("adaptive", 100)),
    ],
)
def test_good_retry_settings_pass(environ, expected):
    assert settings_problems(GateInputs(POOL), AwsDefaults(), environ=environ) == []
    assert retry_settings({}, environ) == expected


PROFILE = "[profile ci]\nmax_attempts = {attempts}\nretry_mode = {mode}\n"


@pytest.mark.parametrize(
    ("attempts", "mode", "environ", "fragment"),
    [
        ("0", "standard", {}, "max_attempts of profile ci"),
        ("x", "standard", {}, "whole number from 1 to 100 (got 'x')"),
        (
            "3",
            "fast",
            {},
            "retry_mode of profile ci in the AWS config file, which must be one of legacy",
        ),
        ("0", "fast", {"AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "legacy"}, None),
    ],
)
def test_the_profiles_retry_settings_are_checked_unless_the_environment_wins(
    tmp_path, monkeypatch, attempts, mode, environ, fragment
):
    config = tmp_path / "config"
    config.write_text(PROFILE.format(attempts=attempts, mode=mode))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    problems = settings_problems(GateInputs(POOL), AwsDefaults(profile="ci"), environ=environ)
    if fragment is None:
        assert problems == []
    else:
        assert [p.field for p in problems] == ["aws:profile"]
        assert fragment in problems[0].said(config_name)


def test_a_missing_profile_is_named_at_check():
    problems = settings_problems(GateInputs(POOL), AwsDefaults(profile="nope"), environ={})
    assert [p.field for p in problems] == ["aws:profile"]
    assert "nope" in problems[0].said(config_name)


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


EAST, EAST_2 = (
    "us-east-1:0a000000-0000-4000-8000-000000000001",
    "us-east-1:0a000000-0000-4000-8000-2",
)


SEVERAL_REGIONS = [
    # (pools, gate region, aws:region, problem fragment or None): each pool checked as one is,
    # in the region it is called in (its own, unless `region` is set), with or without aws:region
    ([EAST, "eu-west-1:0b"], None, None, None),
    ([EAST, "eu-west-1:0b"], None, "ap-south-1", None),  # aws:region is not used for several
    ([EAST, "xx:0b"], None, None, "pool xx:0b: names the region 'xx', which is not an AWS region"),
    ([EAST, "US-EAST-1:0b"], None, None, "names the region 'US-EAST-1', which is not"),
    ([EAST, "me-south-1:0b"], None, "us-east-1", "no endpoint in 'me-south-1'"),
    ([EAST, EAST_2], "eu-west-1", None, "the pool lives in us-east-1 (its id starts with it)"),
]


@pytest.mark.parametrize(("pools", "region", "aws_region", "fragment"), SEVERAL_REGIONS)
def test_several_pools_each_have_their_region_checked(pools, region, aws_region, fragment):
    inputs, problems = validate({"identity_pool_ids": pools, "region": region})
    assert problems == []
    problems = settings_problems(inputs, AwsDefaults(region=aws_region), environ={})
    if fragment is None:
        assert problems == []
        return
    assert len(problems) == 1
    assert fragment in problems[0].line(config_name)
    expected = "region" if region else "identity_pool_ids"
    assert problems[0].field == expected


FOREIGN_PREFIXES = [
    # (pool id, a region name?): a prefix that is not a Cognito Sync region
    ("xx:0a000000-0000-4000-8000-000000000001", False),
    ("US-EAST-1:0a000000-0000-4000-8000-000000000001", False),
    ("us_east_1:0a000000-0000-4000-8000-000000000001", False),
    ("me-south-1:0a000000-0000-4000-8000-000000000001", True),
    ("cn-north-1:0a000000-0000-4000-8000-000000000001", True),
    ("us-gov-west-1:0a000000-0000-4000-8000-000000000001", True),
]


REGION_SET = {
    "no region set": ({}, None),
    "aws:region": ({}, "us-east-1"),
    "region": ({"region": "us-east-1"}, None),
}


@pytest.mark.parametrize(("pool_id", "region_name"), FOREIGN_PREFIXES)
@pytest.mark.parametrize("setting", REGION_SET)
@pytest.mark.parametrize("environ", [{}, {"AWS_ENDPOINT_URL_COGNITO_SYNC": OVERRIDE}])
def test_a_pool_ids_prefix_has_one_rule_whatever_region_is_set(
    pool_id, region_name, setting, environ
):
    """The prefix must be a region name, and (without an endpoint override) one where Cognito
    Sync exists, whether the region called is the prefix, aws:region or the gate's region;
    the problem names the pool and is fixed in the pool id, not by a region setting."""
    changes, aws_region = REGION_SET[setting]
    inputs, problems = validate({"identity_pool_id": pool_id, **changes})
    assert problems == []
    problems = settings_problems(inputs, AwsDefaults(region=aws_region), environ=environ)
    if environ and region_name:  # an override serves any region name
        assert problems == []
        return
    assert [p.field for p in problems] == ["identity_pool_id"]
    said = problems[0].line(config_name)
    prefix = pool_id.split(":")[0]
    assert said.startswith(f"bulk-publish-gate:identityPoolId names the region '{prefix}'")
    assert said.endswith("; check the pool id")
