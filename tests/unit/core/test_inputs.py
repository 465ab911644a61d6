"""Input rules as tables: every bad value is named with its rule; values not known yet (a
preview: a pool computed by another resource) are deferred, their known elements still checked."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from components.core import inputs as inputs_module
from components.core import rules
from components.core.inputs import SPECS, GateInputs, config_name, validate
from components.core.rules import MAX_POOLS

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


OTHER = "eu-west-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e70"


DEFERRED = [
    [POOL, UNKNOWN],
    [UNKNOWN, POOL],
    [UNKNOWN],
    [UNKNOWN, UNKNOWN],  # two unknowns are not "listed twice": they may differ
    [POOL, UNKNOWN, OTHER],
]


@pytest.mark.parametrize("pools", DEFERRED)
def test_a_list_with_an_unknown_element_is_deferred(pools):
    assert validate({"identity_pool_ids": pools}, unknown=UNKNOWN) == (None, [])


REFUSED = [
    # (pools, the reason's start): the known elements keep their index and their rule
    (["nope", UNKNOWN], "[0] 'nope' must match"),
    ([UNKNOWN, "nope"], "[1] 'nope' must match"),
    ([POOL, UNKNOWN, 42], "[2] must be a string"),
    ([UNKNOWN, POOL, ""], "[2] must not be empty"),
    ([POOL, UNKNOWN, POOL], f"lists {POOL} twice"),
    ([UNKNOWN] + [POOL] * MAX_POOLS, f"must hold at most {MAX_POOLS} pools (got 201)"),
]


@pytest.mark.parametrize(("pools", "reason"), REFUSED)
def test_a_bad_known_element_beside_an_unknown_one_is_refused_by_its_index(pools, reason):
    inputs, problems = validate({"identity_pool_ids": pools}, unknown=UNKNOWN)
    assert inputs is None
    assert [(p.field, p.said()[: len(reason)]) for p in problems] == [("identity_pool_ids", reason)]


def test_without_a_placeholder_an_element_is_checked_as_it_is():
    inputs, problems = validate({"identity_pool_ids": [POOL, UNKNOWN]})
    assert inputs is None
    assert problems[0].said().startswith("[1] '<unknown>' must match")


def test_other_inputs_are_still_checked_beside_an_unknown_pool():
    _, problems = validate({"identity_pool_ids": [POOL, UNKNOWN], "mode": "bad"}, unknown=UNKNOWN)
    assert [p.field for p in problems] == ["mode"]
    _, problems = validate(
        {"identity_pool_ids": [POOL, UNKNOWN], "identity_pool_id": POOL}, unknown=UNKNOWN
    )
    assert [p.field for p in problems] == ["identity_pool_id"]  # both set, as when known
