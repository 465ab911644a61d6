"""BulkPublish against the emulator over real HTTP: what each answer becomes in the API layer,
the stream preconditions and their advice, and startBulkPublish end to end through
`run.observe` (start, wait, open; a run during a publish; a peer's start; AlreadyStreamed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ConnectionClosedError

from components.aws.client import CognitoSync
from components.aws.errors import translated
from components.aws.settings import AwsDefaults, ClientSettings
from components.core.contract import StartOutcome
from components.core.errors import InvalidRequestError, TransientError
from components.core.inputs import GateInputs, validate
from components.properties import properties as outputs
from components.run import Io, enforce, observe
from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY
from tests.support.scenarios import STREAMS, pool, pool_id

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
            enforce(observation, fail_closed=False)
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


# BulkPublish faults (the audit): no answer at all, throttling, an answer lost on the way back,
# and a peer's publish that succeeded while ours was in flight.


@pytest.mark.parametrize("fault", ["drop-connection", "latency"])
def test_a_bulk_publish_with_no_answer_is_a_transient_error(emulator, fault):
    # botocore's ConnectionClosedError and ReadTimeoutError carry no `response`.
    emulator.backend.put_pool(pool("not-started"))
    emulator.backend.inject_fault(fault, operation=PUBLISH, latency_seconds=3.0)
    settings = ClientSettings("us-east-1", endpoint_url=emulator.url, read_timeout=0.5)
    with CognitoSync(settings) as client, pytest.raises(TransientError) as failure:
        client.bulk_publish(pool_id("not-started"))
    assert f"BulkPublish for identity pool {pool_id('not-started')}" in str(failure.value)


def test_a_throttled_bulk_publish_is_retried_like_a_read_and_opens(emulator, run):
    emulator.backend.put_pool(pool("not-started", bulk_publish=SCRIPT))
    emulator.backend.inject_fault("throttling", operation=PUBLISH, count=2)
    observation, lines = run("not-started")
    assert outputs(observation)["gate_reason"] == "open"
    assert only(observation).start_failures == 2  # each BulkPublish call: one attempt
    assert emulator.backend.call_count(PUBLISH) == 3
    assert sum(line.endswith("calling BulkPublish") for line in lines) == 3
    assert "BulkPublish failed 2 time(s)" in observation.verdict.note
    reads = [e["operation"] for e in emulator.backend.request_log()]
    assert "BulkPublish, BulkPublish" not in ", ".join(reads)  # a read before each retry


class AnswerLost(CognitoSync):
    """A client whose first BulkPublish starts one, but the answer is lost on the way back."""

    lost = 0

    def bulk_publish(self, identity_pool_id: str) -> StartOutcome:
        outcome = super().bulk_publish(identity_pool_id)
        if AnswerLost.lost == 0:
            AnswerLost.lost += 1
            with translated(PUBLISH, identity_pool_id, self.settings.region):
                raise ConnectionClosedError(endpoint_url="http://127.0.0.1")
        return outcome


def test_a_bulk_publish_whose_answer_was_lost_is_read_first_and_never_started_twice(emulator, run):
    emulator.backend.put_pool(pool("not-started", bulk_publish=SCRIPT))
    AnswerLost.lost = 0
    observation, lines = run("not-started", client_factory=AnswerLost)
    assert emulator.backend.call_count(PUBLISH) == 1  # the read after it saw the new publish
    assert outputs(observation)["gate_reason"] == "open"
    assert only(observation).start_failures == 1
    # The lines say the publish seen is the gate's own, and the failure was BulkPublish's.
    assert any("BulkPublish failed after" in line for line in lines), lines
    assert any(
        "IN_PROGRESS, the bulk publish this gate started (its BulkPublish's answer was lost)"
        in line
        for line in lines
    ), lines
    assert not any("read failed" in line for line in lines), lines


def test_a_publish_that_fails_at_once_and_loses_its_answer_is_started_once(emulator, run):
    # The service starts the publish, which FAILS at once, and the answer never comes back.
    # botocore must not send BulkPublish again (each re-send would start one more publish and
    # re-stream the pool): the watch reads first, sees the failed publish, and starts nothing.
    at_once = {"in_progress_seconds": 0, "outcome": "FAILED", "failure_message": "no stream"}
    emulator.backend.put_pool(pool("not-started", bulk_publish=at_once))
    emulator.backend.inject_fault("drop-answer", operation=PUBLISH)  # every answer lost
    observation, _ = run("not-started", mode="observe")
    assert emulator.backend.call_count(PUBLISH) == 1
    assert only(observation).start_failures == 1
    outs = outputs(observation)
    assert (outs["bulk_publish_status"], outs["gate_reason"]) == ("FAILED", "failed")
    assert outs["failure_message"] == "no stream"
    log = [(e["operation"], e["fault"]) for e in emulator.backend.request_log()]
    assert log == [("GetBulkPublishDetails", None), (PUBLISH, "drop-answer"),
                   ("GetBulkPublishDetails", None)]  # fmt: skip


class PeerFinishedFirst(CognitoSync):
    """A peer's bulk publish starts and succeeds while ours is in flight: ours is refused."""

    clock = None

    def bulk_publish(self, identity_pool_id: str) -> StartOutcome:
        assert super().bulk_publish(identity_pool_id) is StartOutcome.STARTED  # the peer's
        self.clock.advance(5)  # the peer's publish SUCCEEDS
        return super().bulk_publish(identity_pool_id)  # ours: AlreadyStreamed


@pytest.mark.parametrize("mode", ["gate", "observe"])
def test_after_already_streamed_the_status_is_read_again_and_judged(
    emulator, manual_clock, run, mode
):
    script = {"in_progress_seconds": 2, "outcome": "SUCCEEDED"}
    emulator.backend.put_pool(pool("failing", state="FAILED", bulk_publish=script))
    PeerFinishedFirst.clock = manual_clock
    observation, _ = run("failing", client_factory=PeerFinishedFirst, mode=mode)
    assert only(observation).started is StartOutcome.ALREADY_STREAMED
    outs = outputs(observation)
    assert (outs["bulk_publish_status"], outs["gate_open"], outs["gate_reason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    if mode == "gate":
        enforce(observation)  # open: nothing to raise, and no advice to start a publish
