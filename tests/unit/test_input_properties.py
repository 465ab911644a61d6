"""Properties of the input rules and the config reader, for arbitrary values of every input:
they accept or name the field with its rule, never raise; what they accept can work."""

from __future__ import annotations

import json
import math
import re
import string
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pulumi
from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url
from hypothesis import example, given
from hypothesis import strategies as st

from components.config import read_stack_config
from components.core.inputs import SPECS, GateInputs, Problem, validate
from components.core.names import IDENTITY_POOL_ID_PATTERN, REGION_PATTERN, url_problem
from components.core.rules import (
    MAX_POLL_INTERVAL_SECONDS,
    MAX_TIMEOUT_SECONDS,
    MIN_POLL_INTERVAL_SECONDS,
)
from components.resource import BulkPublishGateArgs

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
RULES = {name: spec.rule for name, spec in SPECS.items()}
NAMESPACE = "bulk-publish-gate"
REASON_LIMIT = 400
"""No problem's reason is longer: an echoed value is cut."""

HUGE = st.one_of(
    st.integers(300, 6000).map(lambda digits: 10**digits),  # beyond a float, even beyond str()
    st.integers(300, 6000).map(lambda digits: -(10**digits)),
    st.sampled_from([2**1024, 1e308, -1e-320, 1e-12]),
)
NUMBERS = st.one_of(
    st.integers(),
    st.floats(),  # nan, inf, -0.0 and subnormals included
    HUGE,
    st.integers(-10, MAX_TIMEOUT_SECONDS + 10),
    st.floats(0, MAX_POLL_INTERVAL_SECONDS + 1),
)
TEXT = st.one_of(
    st.text(),
    st.text(alphabet=string.printable + "\x00\x7f\u0661\uff11\u00e9\u2028 "),
)
LEAVES = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
ANYTHING = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)

HOSTS = st.one_of(
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?(\.[a-z]{2,4}){0,2}\.?", fullmatch=True),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda ip: f"[{ip}]"),
    st.sampled_from(["", "[::1", "::1", "-x-", "a_b", "h%41", "[fe80::1%25en0]", "x" * 70]),
    TEXT,
)
URLS = st.one_of(
    st.builds(
        lambda scheme, sep, userinfo, host, port, tail: (
            f"{scheme}{sep}{userinfo}{host}{port}{tail}"
        ),
        st.sampled_from(["http", "https", "HTTPS", "ftp", "", "http "]),
        st.sampled_from(["://", ":/", ":", ""]),
        st.sampled_from(["", "", "", "u@", "user:hunter2@", ":pw@", "a@b@"]),
        HOSTS,
        st.one_of(
            st.just(""),
            st.integers(-2, 70_000).map(lambda p: f":{p}"),
            TEXT.map(lambda t: f":{t}"),
        ),
        st.sampled_from(["", "", "/", "/p", "?q=1", "#f", "\n", " ", "/ "]),
    ),
    TEXT,
)
POOL_IDS = st.one_of(
    st.from_regex(IDENTITY_POOL_ID_PATTERN, fullmatch=True),
    st.just(POOL),
    TEXT,
)
REGIONS = st.one_of(st.from_regex(REGION_PATTERN, fullmatch=True), TEXT)
FIELD_VALUES = {
    "identity_pool_id": POOL_IDS,
    "identity_pool_ids": st.one_of(st.lists(POOL_IDS, max_size=4), TEXT),
    "max_concurrency": NUMBERS,
    "mode": st.sampled_from(["gate", "observe", "Gate", " gate", ""]),
    "timeout_seconds": NUMBERS,
    "poll_interval_seconds": NUMBERS,
    "max_poll_interval_seconds": NUMBERS,
    "wait_for_start": st.booleans(),
    "region": REGIONS,
    "endpoint_url": URLS,
    "completed_after": st.one_of(
        st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))])).map(
            datetime.isoformat
        ),
        st.sampled_from(["2026-11-23T12:00:00Z", "2026-11-23", "yesterday", "2026-13-01T00:00Z"]),
        TEXT,
    ),
    "max_age_seconds": NUMBERS,
    "start_bulk_publish": st.booleans(),
}
PROPS = st.fixed_dictionaries(
    {},
    optional={name: st.one_of(FIELD_VALUES[name], ANYTHING) for name in RULES},
)


def assert_can_work(url: str) -> None:
    """An endpoint we accept parses, has a valid port, no credentials, and botocore takes it."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https")
    assert parts.hostname
    assert parts.port is None or 1 <= parts.port <= 65535
    assert parts.username is None and parts.password is None
    assert parts.path in ("", "/") and not parts.query and not parts.fragment
    assert is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)


@given(PROPS)
@example({"timeout_seconds": float("inf")})
@example({"timeout_seconds": 2 * 10**308})
@example({"poll_interval_seconds": 1e-12})
@example({"endpoint_url": "http://[::1"})
@example({"endpoint_url": "http://u:hunter2@h"})
@example({"identity_pool_ids": ["0:0"]})  # several pools: identity_pool_id stays ""
@example({"identity_pool_ids": ["0:0"], "identity_pool_id": False})
@example({"identity_pool_ids": ["0:0"], "identity_pool_id": 0})
@example({"completed_after": "0001-01-01T00:00:00Z"})
def test_the_rules_accept_or_name_every_bad_field_and_never_raise(props):
    inputs, problems = validate(props)
    assert (inputs is None) == bool(problems)
    for problem in problems:
        assert problem.field in RULES
        assert 0 < len(problem.said()) <= REASON_LIMIT
    url = props.get("endpoint_url")
    if isinstance(url, str) and "@" in url:
        assert inputs is None
        assert all("(got" not in p.said() for p in problems if p.field == "endpoint_url")
    if inputs is None:
        return
    assert isinstance(inputs, GateInputs)
    assert type(inputs.timeout_seconds) is int
    assert 0 <= inputs.timeout_seconds <= MAX_TIMEOUT_SECONDS
    for interval in (inputs.poll_interval_seconds, inputs.max_poll_interval_seconds):
        assert type(interval) is float and math.isfinite(interval)
        assert MIN_POLL_INTERVAL_SECONDS <= interval <= MAX_POLL_INTERVAL_SECONDS
    assert inputs.poll_interval_seconds <= inputs.max_poll_interval_seconds
    # One pool or several, never both: the pools are what the gate reads.
    assert bool(inputs.identity_pool_id) != bool(inputs.identity_pool_ids)
    assert all(IDENTITY_POOL_ID_PATTERN.fullmatch(pool) for pool in inputs.pools)
    assert inputs.region is None or REGION_PATTERN.fullmatch(inputs.region)
    if inputs.endpoint_url is not None:
        assert_can_work(inputs.endpoint_url)
    # What is accepted is saved as props and read back from state as itself.
    assert validate(inputs.as_props()) == (inputs, [])


@given(name=st.sampled_from(list(RULES)), value=ANYTHING)
def test_each_rule_alone_returns_a_reason_or_none(name, value):
    reason = RULES[name](value)
    if reason is not None:  # a text, or parts naming other fields (Ref)
        said = Problem(name, reason).said()
        assert isinstance(said, str) and 0 < len(said) <= REASON_LIMIT


@given(URLS)
@example("http://a b")
@example("http://h:99999")
@example("http://h:abc")
@example("http://h\n")
def test_an_accepted_endpoint_can_work_and_a_refused_one_is_said_without_credentials(url):
    reason = url_problem(url)
    if reason is None:
        assert_can_work(url)
    else:
        assert len(reason) <= REASON_LIMIT
        if "@" in url:
            assert "must not contain credentials" in reason and "(got" not in reason


class FakeConfig:
    """What read_stack_config uses of pulumi.Config."""

    name = NAMESPACE

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


DECIMALS = st.one_of(
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{0,4})?", fullmatch=True),
    st.from_regex(r"\.[0-9]{1,3}", fullmatch=True),
    st.integers(-5, MAX_TIMEOUT_SECONDS + 5).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1_000", " 5 ", "5\n", "\u0661", "\uff15", "0x10", "+inf", "1e3", "9" * 500]),
    TEXT,
)
RAW = {
    "identity_pool_id": st.one_of(st.just(POOL), POOL_IDS),
    "identity_pool_ids": st.one_of(
        st.lists(POOL_IDS, max_size=3).map(json.dumps), st.sampled_from(["[]", "[1]", "x", ""])
    ),
    "max_concurrency": DECIMALS,
    "mode": st.sampled_from(["gate", "observe", "GATE", ""]),
    "timeout_seconds": DECIMALS,
    "poll_interval_seconds": DECIMALS,
    "max_poll_interval_seconds": DECIMALS,
    "wait_for_start": st.sampled_from(["true", "false", "True", "FALSE", "yes", "1", " true"]),
    "region": REGIONS,
    "endpoint_url": URLS,
    "completed_after": FIELD_VALUES["completed_after"],
    "max_age_seconds": DECIMALS,
    "start_bulk_publish": st.sampled_from(["true", "false", "yes", ""]),
}
KEY_AND_VALUE = st.sampled_from(list(RULES)).flatmap(
    lambda name: st.tuples(st.just(name), st.one_of(RAW[name], TEXT))
)
CONFIG = st.lists(KEY_AND_VALUE, max_size=3).map(
    lambda pairs: {"identity_pool_id": POOL, **dict(pairs)}
)
"""A valid config with up to three keys set to arbitrary strings (the pool id among them)."""
PLAIN_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def reference_value(prop: str, raw: str):
    """The typed value a config string stands for, by Python's own parsers."""
    kind = SPECS[prop].kind
    if kind == "bool":
        return raw.lower() == "true"
    if kind == "list":
        return json.loads(raw)
    return {"int": int, "decimal": float}.get(kind, str)(raw)


@given(CONFIG)
@example({"identity_pool_id": POOL, "timeout_seconds": "1_000"})
@example({"identity_pool_id": POOL, "timeout_seconds": " 5 "})
@example({"identity_pool_id": POOL, "timeout_seconds": "\u0661\u0662"})
@example({"identity_pool_id": POOL, "poll_interval_seconds": "+inf"})
@example({"identity_pool_id": POOL, "timeout_seconds": "9" * 400})
def test_the_config_reader_accepts_like_the_rules_or_lists_every_key(raw):
    config = FakeConfig({SPECS[prop].config: value for prop, value in raw.items()})
    try:
        settings = read_stack_config(config, aws_region=None)
    except pulumi.RunError as error:
        head, *lines = str(error).split("\n  - ")
        assert head == "invalid stack configuration:"
        assert lines and all(line.startswith((f"{NAMESPACE}:", "aws:")) for line in lines)
        return
    for prop, value in raw.items():
        if SPECS[prop].kind in ("int", "decimal"):
            assert PLAIN_DECIMAL.fullmatch(value), (prop, value)
    # An empty string key is unset (Pulumi.yaml declares optional keys with `default: ""`).
    given_ = {
        p: v
        for p, v in raw.items()
        if not (v == "" and SPECS[p].kind in ("text", "instant"))
        and not (v in ("", "[]") and SPECS[p].kind == "list")
    }
    typed = {prop: reference_value(prop, value) for prop, value in given_.items()}
    inputs, problems = validate(typed)
    assert problems == []
    assert settings.gate == BulkPublishGateArgs(**inputs.as_props())
