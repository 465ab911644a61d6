"""Progress lines (status changes and a throttled heartbeat) and the stack-config rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pulumi
import pytest
import yaml

from components.config import STACK_KEYS, default_parameter_name, read_stack_config
from components.core.contract import BulkPublishDetails
from components.core.errors import TransientError
from components.core.inputs import SPECS, GateInputs
from components.core.names import parameter_name_problem
from components.core.progress import ProgressReporter
from components.core.text import format_duration, iso_utc
from components.core.watch import Progress
from components.docs import pulumi_config, sentence

POOL = "us-east-1:0f5b6a1e"
STARTED = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def step(elapsed: float, status: str | None = "IN_PROGRESS", error=None) -> Progress:
    details = BulkPublishDetails(POOL, status, start_time=STARTED) if status else None
    return Progress(POOL, elapsed, 1, details, error, next_delay=5)


def test_lines_on_status_change_and_every_30_seconds_while_unchanged():
    lines: list[str] = []
    reporter = ProgressReporter(POOL, lines.append)
    for elapsed in (0, 5, 10, 29, 30, 45, 59.9, 60):
        reporter(step(elapsed))
    reporter(step(61, error=TransientError("throttled")))
    reporter(step(62, error=TransientError("throttled")))
    reporter(step(63, status="NOT_STARTED"))
    assert len(lines) == 5
    assert lines[0] == (
        f"bulk-publish-gate: {POOL}: IN_PROGRESS (waiting 0.0s, bulk publish started "
        "2026-11-23T12:00:00Z); next read in 5.0s"
    )
    assert "waiting 30s" in lines[1]
    assert "waiting 1m00s" in lines[2]
    assert "read failed after 1m01s (throttled); retrying" in lines[3]
    assert "NOT_STARTED" in lines[4]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.25, "0.2s"), (9.96, "10.0s"), (12, "12s"), (75.2, "1m15s"), (3725, "1h02m05s")],
)
def test_durations_read_like_a_clock(seconds, text):
    assert format_duration(seconds) == text


def test_iso_utc_is_second_precision_with_z():
    assert iso_utc(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert iso_utc(None) is None


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),  # a common "no bound" value
        (datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), "0999-12-31T23:59:59Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC), "2026-01-02T03:04:05.000678Z"),
    ],
)
def test_instants_keep_four_digit_years_and_read_back_as_themselves(moment, text):
    assert iso_utc(moment, fraction=True) == text
    assert datetime.fromisoformat(text) == moment


def test_default_parameter_name_drops_the_colon_and_is_valid():
    name = default_parameter_name(("us-east-1:0f5b6a1e-8a7b",), "us-east-1")
    assert name == "/bulk-publish-gate/us-east-1/0f5b6a1e-8a7b/completed-at"
    assert parameter_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("/a/us-east-1:abc", "only letters, digits and _.-/"),
        ("has space", "only letters"),
        ("a/b", "must start with /"),
        ("/aws/thing", "must not start with aws or ssm"),
        ("SSMthing", "must not start with aws or ssm"),
        ("/" + "/".join("x" * 16), "15 levels"),
        ("/" + "x" * 1011, "at most 1011"),
    ],
)
def test_bad_parameter_names_are_refused_with_the_rule(name, fragment):
    assert fragment in parameter_name_problem(name)


def test_pulumi_yaml_declares_every_key_with_the_code_defaults():
    project = yaml.safe_load((Path(__file__).parents[2] / "Pulumi.yaml").read_text())
    declared = project["config"]
    defaults = GateInputs(identity_pool_id="").as_props()
    types = {"text": "string", "instant": "string", "decimal": "string", "list": "array",
             "int": "integer", "bool": "boolean"}  # fmt: skip
    assert set(declared) == {spec.config for spec in SPECS.values()} | set(STACK_KEYS)
    for prop, spec in SPECS.items():
        key = spec.config
        assert declared[key]["type"] == types[spec.kind], key
        assert key in declared, key
        if declared[key].get("default") in ("", []):
            assert defaults[prop] in (None, "", [], ()), key  # optional: the CLI needs a default
        elif "default" in declared[key]:
            assert str(declared[key]["default"]).lower() == str(
                defaults[prop]
            ).lower().removesuffix(".0")
        else:
            assert defaults[prop] in (None, ""), key


NAMES = {spec.config: name for name, spec in SPECS.items()}


@pytest.mark.parametrize("key", list(pulumi_config()))
def test_pulumi_yaml_says_each_key_in_the_tables_words(key):
    # Type, default and description, as `make docs` writes them from the inputs table (and
    # config.STACK_KEYS): a description edited in Pulumi.yaml alone fails here.
    declared = yaml.safe_load((Path(__file__).parents[2] / "Pulumi.yaml").read_text())["config"]
    assert declared.get(key) == pulumi_config()[key], f"Pulumi.yaml's {key}: run `make docs`"
    assert declared[key]["description"].startswith(
        sentence(SPECS[NAMES[key]].doc) if key in NAMES else sentence(STACK_KEYS[key][2])
    )


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
