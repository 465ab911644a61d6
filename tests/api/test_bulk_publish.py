"""BulkPublish against the emulator over real HTTP: what each answer becomes in the API layer,
the stream preconditions and their advice, and startBulkPublish end to end through
`gate.observe` (start, wait, open; a run during a publish; a peer's start; AlreadyStreamed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from components.aws_settings import AwsDefaults, ClientSettings
from components.cognito_sync import CognitoSync
from components.contract import StartOutcome
from components.errors import InvalidRequestError
from components.gate import Io, enforce, observe
from components.inputs import GateInputs, validate
from components.outputs import properties as outputs
from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
from harness.scenarios import STREAMS, pool, pool_id

PUBLISH = "BulkPublish"
DAY = 86_400
SCRIPT = {"in_progress_reads": 2, "outcome": "SUCCEEDED"}
"""Each bulk publish this run starts: IN_PROGRESS for two reads, then SUCCEEDED."""


@pytest.fixture(autouse=True)
def developer(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_ACCESS_KEY)


@pytest.fixture
def client(emulator):
    with CognitoSync(ClientSettings("us-east-1", endpoint_url=emulator.url, read_timeout=2)) as c:
        yield c


@pytest.fixture
def run(emulator, manual_clock):
    """One gate run as create/update makes it (allow_start), fast, on the emulator's clock."""

    def run(name: str, client_factory=CognitoSync, **changes):
        inputs, problems = validate(
            {
                "identity_pool_id": pool_id(name),
                "endpoint_url": emulator.url,
                "poll_interval_seconds": 0.01,
                "max_poll_interval_seconds": 0.02,
                "timeout_seconds": 30,
                "start_bulk_publish": True,
                **changes,
            }
        )
        assert problems == []
        lines: list[str] = []
        observation = observe(
            inputs,
            AwsDefaults(region="us-east-1"),
            allow_start=True,
            write=lines.append,
            io=Io(
                client=client_factory, now=lambda: datetime.fromtimestamp(manual_clock.now(), UTC)
            ),
        )
        if observation.failures:  # a pool with no status fails the run, as create/update do
            enforce(observation, gate=False)
        return observation, lines

    return run


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (pool("not-started"), StartOutcome.STARTED),
        (pool("failing", state="FAILED", failure_message="denied"), StartOutcome.STARTED),
        (pool("succeeded", completed_seconds_ago=DAY - 10), StartOutcome.STARTED),  # 24 h
        (pool("publishing"), StartOutcome.ALREADY_RUNNING),
        (pool("succeeded"), StartOutcome.ALREADY_STREAMED),  # an hour ago
        (pool("succeeded", completed_seconds_ago=DAY - 11), StartOutcome.ALREADY_STREAMED),
    ],
    ids=["not-started", "failed", "succeeded-24h-ago", "in-progress", "succeeded-1h-ago",
         "succeeded-just-under-24h-ago"],
)  # fmt: skip
def test_each_bulk_publish_answer_is_an_outcome(emulator, manual_clock, client, spec, expected):
    emulator.backend.put_pool(spec)
    manual_clock.advance(10)  # a publish begun now starts after the seeded one
    assert client.bulk_publish(spec["identity_pool_id"]) is expected
    assert emulator.backend.call_count(PUBLISH) == 1
    details = client.get_bulk_publish_details(spec["identity_pool_id"])
    started_now = details.start_time == datetime.fromtimestamp(manual_clock.now(), UTC)
    assert started_now is (expected is StartOutcome.STARTED)


def test_the_24_hour_window_opens_on_the_services_clock(emulator, client, manual_clock):
    emulator.backend.put_pool(pool("succeeded"))
    assert client.bulk_publish(pool_id("succeeded")) is StartOutcome.ALREADY_STREAMED
    manual_clock.advance(DAY - 3600)
    assert client.bulk_publish(pool_id("succeeded")) is StartOutcome.STARTED


@pytest.mark.parametrize(
    "streams",
    [None, {"RoleArn": STREAMS["RoleArn"], "StreamingStatus": "ENABLED"}],
    ids=["no-streams", "no-stream-name"],
)
def test_no_stream_configured_says_how_to_configure_one(emulator, client, streams):
    emulator.backend.put_pool(pool("not-started", cognito_streams=streams))
    with pytest.raises(InvalidRequestError) as failure:
        client.bulk_publish(pool_id("not-started"))
    message = str(failure.value)
    for fragment in (
        pool_id("not-started"),
        "BulkPublish",
        "CognitoStreams",
        "SetIdentityPoolConfiguration",
        "StreamingStatus ENABLED",
    ):
        assert fragment in message
    assert not failure.value.retryable


def test_no_stream_configured_fails_the_gate_run_with_that_advice(emulator, run):
    emulator.backend.put_pool(pool("not-started", cognito_streams=None))
    with pytest.raises(InvalidRequestError, match="SetIdentityPoolConfiguration"):
        run("not-started")
    assert emulator.backend.call_count(PUBLISH) == 1


def test_streaming_disabled_fails_the_publish_and_the_gate_says_how_to_enable_it(emulator, run):
    disabled = {**STREAMS, "StreamingStatus": "DISABLED"}
    emulator.backend.put_pool(pool("not-started", cognito_streams=disabled, bulk_publish=SCRIPT))
    observation, _ = run("not-started", mode="observe")
    assert emulator.backend.call_count(PUBLISH) == 1
    outs = outputs(observation)
    assert (outs["bulk_publish_status"], outs["gate_reason"]) == ("FAILED", "failed")
    assert "StreamingStatus is DISABLED" in outs["failure_message"]
    message = observation.verdict.message
    for fragment in ("CognitoStreams", "StreamingStatus ENABLED", "SetIdentityPoolConfiguration"):
        assert fragment in message


@pytest.mark.parametrize(
    ("spec", "bound"),
    [
        (pool("not-started", bulk_publish=SCRIPT), {}),
        (pool("failing", state="FAILED", failure_message="denied", bulk_publish=SCRIPT), {}),
        (pool("succeeded", completed_seconds_ago=2 * DAY, bulk_publish=SCRIPT),
         {"max_age_seconds": DAY}),
    ],
    ids=["not-started", "failed", "stale"],
)  # fmt: skip
def test_start_and_wait_end_to_end(emulator, manual_clock, run, spec, bound):
    emulator.backend.put_pool(spec)
    name = {v: k for k, v in {n: pool_id(n) for n in ("not-started", "failing", "succeeded")}
            .items()}[spec["identity_pool_id"]]  # fmt: skip
    observation, lines = run(name, **bound)
    assert emulator.backend.call_count(PUBLISH) == 1
    outs = outputs(observation)
    assert (outs["bulk_publish_status"], outs["gate_open"], outs["gate_reason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    assert outs["bulk_publish_start_time"] == iso(manual_clock.now())  # the publish this run began
    # The read before BulkPublish, two IN_PROGRESS reads, and the one that shows the outcome.
    assert emulator.backend.call_count("GetBulkPublishDetails") == only(observation).reads == 4
    assert any("calling BulkPublish" in line for line in lines)
    assert lines[-1].endswith("gate open")


def test_a_run_during_a_publish_starts_nothing(emulator, run):
    emulator.backend.put_pool(pool("publishing"))
    observation, _ = run("publishing")
    assert emulator.backend.call_count(PUBLISH) == 0
    assert outputs(observation)["gate_reason"] == "open"


def test_a_fresh_success_starts_nothing(emulator, run):
    emulator.backend.put_pool(pool("succeeded"))
    observation, _ = run("succeeded", max_age_seconds=DAY)
    assert emulator.backend.call_count(PUBLISH) == 0
    assert emulator.backend.call_count("GetBulkPublishDetails") == 1
    assert outputs(observation)["gate_reason"] == "open"


class StartedByAPeerFirst(CognitoSync):
    """A client whose BulkPublish is beaten by a peer's (a second pipeline, an operator)."""

    def bulk_publish(self, identity_pool_id: str) -> StartOutcome:
        assert super().bulk_publish(identity_pool_id) is StartOutcome.STARTED
        return super().bulk_publish(identity_pool_id)


def test_duplicate_request_waits_on_the_peers_publish(emulator, run):
    emulator.backend.put_pool(pool("not-started", bulk_publish=SCRIPT))
    observation, lines = run("not-started", client_factory=StartedByAPeerFirst)
    assert emulator.backend.call_count(PUBLISH) == 2  # the peer's and ours (DuplicateRequest)
    assert only(observation).started is StartOutcome.ALREADY_RUNNING
    assert outputs(observation)["gate_reason"] == "open"
    assert any("already running (DuplicateRequest)" in line for line in lines)


def test_already_streamed_stays_stale_with_the_earliest_next_start(emulator, manual_clock, run):
    emulator.backend.put_pool(pool("succeeded", completed_seconds_ago=3600))
    completed = manual_clock.now() - 3600
    bound = iso(manual_clock.now() - 1800)
    observation, _ = run("succeeded", completed_after=bound, mode="observe")
    assert emulator.backend.call_count(PUBLISH) == 1
    assert emulator.backend.call_count("GetBulkPublishDetails") == 2  # before, and read again
    outs = outputs(observation)
    assert (outs["gate_open"], outs["gate_reason"]) == (False, "stale")
    message = observation.verdict.message
    assert f"SUCCEEDED at {iso(completed)}" in message
    assert f"freshness bound {bound}" in message
    assert f"may start at {iso(completed + DAY)} at the earliest" in message
    # A day later the same run starts one, waits for it and opens.
    manual_clock.advance(DAY)
    emulator.backend.put_pool(
        pool("succeeded", completed_seconds_ago=DAY + 3600, bulk_publish=SCRIPT)
    )
    observation, _ = run("succeeded", completed_after=bound)
    assert outputs(observation)["gate_reason"] == "open"


def test_refresh_style_runs_never_start(emulator, run):
    emulator.backend.put_pool(pool("not-started", bulk_publish=SCRIPT))
    inputs = GateInputs(
        pool_id("not-started"),
        endpoint_url=emulator.url,
        start_bulk_publish=True,
        mode="observe",
        timeout_seconds=0,  # as refresh reads
    )
    observation = observe(inputs, AwsDefaults(region="us-east-1"))
    assert emulator.backend.call_count(PUBLISH) == 0
    assert outputs(observation)["gate_reason"] == "not_started"


def only(observation):
    """The one pool's wait of a run."""
    (each,) = observation.pools.values()
    return each.result
