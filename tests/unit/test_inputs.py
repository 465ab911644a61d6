"""Input rules and region rules, as tables: every bad value is named with its rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from components.aws.client import CognitoSync
from components.aws.settings import (
    AwsDefaults,
    ClientSettings,
    client_settings,
    endpoint_override,
    retry_settings,
    settings_problems,
)
from components.core import inputs as inputs_module
from components.core import rules
from components.core.errors import ConfigurationError
from components.core.inputs import SPECS, GateInputs, config_name, validate
from components.core.names import region_problem

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
UNKNOWN = "<unknown>"

BAD = [
    ({"identity_pool_id": None}, "identity_pool_id", "is required"),
    ({"identity_pool_id": ""}, "identity_pool_id", "is required"),
    ({"identity_pool_id": 42}, "identity_pool_id", "must be a string"),
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
    ({"poll_interval_seconds": 0}, "poll_interval_seconds", "at least 0.01"),
    ({"poll_interval_seconds": 3601}, "poll_interval_seconds", "at most 3600"),
    ({"max_poll_interval_seconds": "x"}, "max_poll_interval_seconds", "a number"),
    (
        {"poll_interval_seconds": 10, "max_poll_interval_seconds": 5},
        "max_poll",
        "at least bulk-publish-gate:pollIntervalSeconds",
    ),
    ({"wait_for_start": "yes"}, "wait_for_start", "true or false"),
    ({"region": "mars"}, "region", "AWS region name"),
    ({"endpoint_url": "localhost:4599"}, "endpoint_url", "http:// or https://"),
    ({"endpoint_url": "ftp://x"}, "endpoint_url", "http:// or https://"),
    # Numbers that do not fit a float, or are not numbers at all, get the normal message.
    ({"timeout_seconds": float("inf")}, "timeout_seconds", "at most 86400 (got inf)"),
    ({"timeout_seconds": float("-inf")}, "timeout_seconds", "at least 0"),
    ({"timeout_seconds": 1e309}, "timeout_seconds", "at most 86400"),
    ({"timeout_seconds": 2 * 10**308}, "timeout_seconds", "at most 86400"),
    ({"timeout_seconds": 10**5000}, "timeout_seconds", "(got an integer of 5001 digits)"),
    ({"timeout_seconds": -(10**400)}, "timeout_seconds", "at least 0"),
    ({"timeout_seconds": [60]}, "timeout_seconds", "whole number"),
    ({"poll_interval_seconds": float("nan")}, "poll_interval_seconds", "a number"),
    ({"poll_interval_seconds": 10**400}, "poll_interval_seconds", "at most 3600"),
    ({"poll_interval_seconds": 1e-12}, "poll_interval_seconds", "at least 0.01"),
    ({"poll_interval_seconds": 0.009}, "poll_interval_seconds", "at least 0.01"),
    ({"max_poll_interval_seconds": float("inf")}, "max_poll_interval_seconds", "at most 3600"),
    ({"max_poll_interval_seconds": {"a": 1}}, "max_poll_interval_seconds", "a number"),
    ({"mode": ["gate"]}, "mode", "one of gate, observe"),
    ({"wait_for_start": 1}, "wait_for_start", "true or false"),
    ({"region": "us-east-\u0661"}, "region", "AWS region name"),
    ({"region": " us-east-1"}, "region", "AWS region name"),
    ({"region": "us-" + "e" * 70 + "-1"}, "region", "AWS region name"),
    ({"identity_pool_id": "us-east-1:\uff10"}, "identity_pool_id", "must match"),
    # Endpoint URLs are checked as botocore will use them.
    ({"endpoint_url": "http://[::1"}, "endpoint_url", "not a valid URL"),
    ({"endpoint_url": "http://a b"}, "endpoint_url", "no spaces or control characters"),
    ({"endpoint_url": "http://h\n"}, "endpoint_url", "no spaces or control characters"),
    ({"endpoint_url": "http://h\r\n:80"}, "endpoint_url", "no spaces or control characters"),
    ({"endpoint_url": " http://h"}, "endpoint_url", "no spaces or control characters"),
    ({"endpoint_url": "http://h\u00e9.com"}, "endpoint_url", "printable ASCII"),
    ({"endpoint_url": "http://h:99999"}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://h:0"}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://h:abc"}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://h:"}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://h:+80"}, "endpoint_url", "port from 1 to 65535"),
    ({"endpoint_url": "http://:4599"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": "http://-h-.com"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": "http://h_1.com"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": "http://1.2.3.999"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": "http://::1:80"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": "http://[::g]:80"}, "endpoint_url", "not a valid URL"),
    ({"endpoint_url": "http://[fe80::1%25eth0]:80"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": "http://[::1]x"}, "endpoint_url", "not a valid URL"),
    ({"endpoint_url": "http://h/prefix"}, "endpoint_url", "no path, query or fragment"),
    ({"endpoint_url": "http://h?a=1"}, "endpoint_url", "no path, query or fragment"),
    ({"endpoint_url": "http://h#top"}, "endpoint_url", "no path, query or fragment"),
    ({"endpoint_url": "http:/h"}, "endpoint_url", "http:// or https://"),
    ({"endpoint_url": "http://" + "a" * 64 + ".com"}, "endpoint_url", "must name a host"),
    ({"endpoint_url": 4599}, "endpoint_url", "http:// or https://"),
]


@pytest.mark.parametrize(("change", "field", "rule"), BAD)
def test_each_bad_input_is_named_with_its_rule(change, field, rule):
    inputs, problems = validate({"identity_pool_id": POOL, **change})
    assert inputs is None
    assert [p.field for p in problems] == [
        field if field != "max_poll" else "max_poll_interval_seconds"
    ]
    assert rule in problems[0].said(config_name)


@pytest.mark.parametrize(
    "url",
    ["http://user:hunter2@h:80", "https://:hunter2@h", "http://u:hunter2@[::1", "http://a@b@h"],
)
def test_credentials_in_the_endpoint_url_are_refused_without_echoing_them(url):
    _, problems = validate({"identity_pool_id": POOL, "endpoint_url": url})
    assert [p.field for p in problems] == ["endpoint_url"]
    assert "must not contain credentials" in problems[0].said(config_name)
    assert "hunter2" not in problems[0].said(config_name) and "@b" not in problems[0].said(
        config_name
    )


GOOD = [
    ({"endpoint_url": "http://127.0.0.1:4599"}, "endpoint_url", "http://127.0.0.1:4599"),
    ({"endpoint_url": "http://[::1]:4599/"}, "endpoint_url", "http://[::1]:4599/"),
    ({"endpoint_url": "https://cognito-sync.us-east-1.amazonaws.com"}, "endpoint_url", None),
    ({"endpoint_url": "http://localhost.:65535"}, "endpoint_url", None),
    ({"timeout_seconds": 0}, "timeout_seconds", 0),
    ({"timeout_seconds": 86400.0}, "timeout_seconds", 86400),
    ({"poll_interval_seconds": 0.01}, "poll_interval_seconds", 0.01),
    ({"poll_interval_seconds": 3}, "poll_interval_seconds", 3.0),
    ({"max_poll_interval_seconds": 3600}, "max_poll_interval_seconds", 3600.0),
    ({"region": "ap-southeast-2"}, "region", "ap-southeast-2"),
]


@pytest.mark.parametrize(("change", "field", "expected"), GOOD)
def test_good_inputs_pass_and_are_normalised(change, field, expected):
    inputs, problems = validate({"identity_pool_id": POOL, **change})
    assert problems == []
    value = getattr(inputs, field)
    assert value == (change[field] if expected is None else expected)
    assert type(value) is type(GateInputs.__dataclass_fields__[field].default or value)


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
    ("environ", "fragment"),
    [
        ({"AWS_MAX_ATTEMPTS": "abc"}, "AWS_MAX_ATTEMPTS must be a whole number"),
        ({"AWS_MAX_ATTEMPTS": "0"}, "AWS_MAX_ATTEMPTS must be a whole number"),
        ({"AWS_RETRY_MODE": "bogus"}, "AWS_RETRY_MODE must be one of"),
    ],
)
def test_the_client_refuses_bad_retry_settings_as_configuration_errors(
    monkeypatch, environ, fragment
):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=fragment):
        CognitoSync(ClientSettings("us-east-1", endpoint_url=OVERRIDE))


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


@pytest.mark.parametrize(
    ("given", "saved"),
    [
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),  # a common "no bound" value
        ("0999-12-31T23:59:59+00:00", "0999-12-31T23:59:59Z"),
        ("2026-11-23T12:00:00.250000Z", "2026-11-23T12:00:00.250000Z"),
    ],
)
def test_completed_after_is_saved_as_an_instant_the_rules_accept_again(given, saved):
    inputs, problems = validate({"identity_pool_id": POOL, "completed_after": given})
    assert problems == []
    props = inputs.as_props()
    assert props["completed_after"] == saved
    assert validate(props) == (inputs, [])  # Create reads back what Check saved


@pytest.mark.parametrize("given", ["2026-11-23T12:00:00Z", "2999-01-01T00:00:00Z", None])
def test_completed_after_text_is_parsed_once_per_validation(given, monkeypatch):
    """An instant's text is parsed once: its rule, the rule against now and its type all take
    that instant (text that is no instant is tried again by its rule, which says why)."""
    parsed = []

    def counted(value):
        parsed.extend([value] if isinstance(value, str) else [])
        return rules.parse_instant.__wrapped__(value)

    counted.__wrapped__ = rules.parse_instant
    for module in (rules, inputs_module):
        monkeypatch.setattr(module, "parse_instant", counted)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    validate({"identity_pool_id": POOL, "completed_after": given}, now=now)
    assert parsed == ([given] if given else [])


@pytest.mark.parametrize("falsy", [False, 0, 0.0, [], {}])
def test_a_falsy_non_string_pool_id_beside_several_pools_is_named_not_a_crash(falsy):
    several = ["us-east-1:0a", "eu-west-1:0b"]
    inputs, problems = validate({"identity_pool_id": falsy, "identity_pool_ids": several})
    assert inputs is None
    assert [p.field for p in problems] == ["identity_pool_id"]
    assert "must be a string" in problems[0].said()


def test_one_pool_or_several_never_both():
    several = ["us-east-1:0a", "eu-west-1:0b"]
    _, problems = validate({"identity_pool_id": POOL, "identity_pool_ids": several})
    assert [p.line(config_name) for p in problems] == [
        "bulk-publish-gate:identityPoolId and bulk-publish-gate:identityPoolIds are both set: "
        "give one pool, or several"
    ]


def _names_leaked(text: str) -> set[str]:
    """The fields a text names by their Python (snake_case) names (`region` and `mode` are
    words as well as names: the namer's own output is checked by the faces' tests)."""
    return {name for name in SPECS if "_" in name and re.search(rf"\b{name}\b", text)}


NAMED_BY_A_REASON = [
    # Inputs whose reasons name other fields: every face must say those its own way.
    {},
    {"identity_pool_id": ""},
    {"identity_pool_id": POOL, "identity_pool_ids": [POOL, "eu-west-1:0b"]},
    {"identity_pool_id": POOL, "poll_interval_seconds": 10, "max_poll_interval_seconds": 5},
    {"identity_pool_id": POOL, "completed_after": "2999-01-01T00:00:00Z"},
    {"identity_pool_ids": [POOL, ""]},
    *({"identity_pool_id": POOL, **change} for change, _, _ in BAD),
]


@pytest.mark.parametrize("props", NAMED_BY_A_REASON)
def test_a_reason_names_other_fields_only_through_the_faces_namer(props):
    _, problems = validate(props, now=datetime.now(UTC))
    assert problems
    for problem in problems:
        said = problem.said(lambda name: f"<{name.upper()}>")
        assert _names_leaked(said) == set(), said


def test_a_missing_pool_names_the_list_as_each_face_does():
    _, problems = validate({})
    assert [p.field for p in problems] == ["identity_pool_id"]
    assert "(or bulk-publish-gate:identityPoolIds, a list of several)" in problems[0].said(
        config_name
    )


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
