"""One gate run on a fake service and a fake clock: `checkedAt`, the summary, what each mode does
when reads failed, progress lines and their heartbeat, one client per region; and
startBulkPublish and freshness: when BulkPublish is called (once, or never), what each of its
answers leads to, waiting for a newer publish, and the two waits of a start joined within one
deadline."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from components import run
from components.aws.settings import AwsDefaults
from components.core.contract import BulkPublishDetails, StartOutcome
from components.core.errors import (
    GateClosedError,
    InvalidRequestError,
    ReadsFailedError,
    TransientError,
)
from components.core.inputs import GateInputs, validate
from components.core.progress import HEARTBEAT_SECONDS
from components.core.scheduler import READ_MARGIN_SECONDS
from components.properties import properties
from tests.unit.fakes import POOL, FakeClient, Script, Slow, fake_io

END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


THROTTLED = TransientError("Cognito Sync could not answer (ThrottlingException: slow down)")


def observe_script(script: Script, mode: str = "gate", timeout: int = 60, **changes):
    lines: list[tuple[float, str]] = []
    inputs = GateInputs(
        POOL,
        mode=mode,
        timeout_seconds=timeout,
        poll_interval_seconds=changes.pop("poll", 2),
        max_poll_interval_seconds=changes.pop("cap", 10),
        endpoint_url="http://127.0.0.1:1",
    )
    observed = run.observe(
        inputs,
        AwsDefaults(region="us-east-1"),
        write=lambda line: lines.append((script.now - 1000.0, line)),
        io=fake_io(script, now=lambda: END - timedelta(seconds=1000.0 - script.now)),
    )
    return observed, lines


def result(observed: run.Run):
    return observed.pools[POOL].result


def test_checked_at_is_the_time_of_the_read_shown_not_the_end_of_the_wait():
    script = Script(["IN_PROGRESS", "IN_PROGRESS", THROTTLED], read_seconds=1)
    observed, _ = observe_script(script, mode="observe", timeout=30)
    seen = result(observed)
    assert seen.trailing_failures > 0
    end = END - timedelta(seconds=1000.0 - script.now)  # the wall clock at the end of the wait
    assert seen.checked_at == end - timedelta(seconds=seen.elapsed - seen.read_at)
    assert seen.checked_at < end
    settled = Script(["SUCCEEDED"], read_seconds=1)
    assert result(observe_script(settled)[0]).checked_at == END + timedelta(seconds=1)


@pytest.mark.parametrize("mode", ["gate", "observe"])
def test_a_wait_that_ends_on_failed_reads_fails_in_both_modes(mode):
    script = Script(["IN_PROGRESS", THROTTLED])
    observed, lines = observe_script(script, mode=mode)
    with pytest.raises(ReadsFailedError) as failure:
        run.enforce(observed, fail_closed=mode == "gate")
    message = str(failure.value)
    failed = result(observed).failed_reads
    for fragment in (
        POOL,
        f"the last {failed} read(s) failed",
        f"{failed} of {failed + 1} reads failed; the last: TransientError: ",
        "slow down",
        "said IN_PROGRESS; it is not exported as current",
        "run `pulumi up` again",
    ):
        assert fragment in message
    assert lines[-1][1].endswith(": no fresh status")


def test_observe_mode_exports_after_retried_failures_and_says_so():
    script = Script([THROTTLED, "IN_PROGRESS", THROTTLED, "FAILED"])
    observed, lines = observe_script(script, mode="observe")
    run.enforce(observed, fail_closed=False)  # no raise: the last read answered
    assert properties(observed)["bulk_publish_status"] == "FAILED"
    summary = lines[-1][1]
    assert "2 of 4 reads failed; the last: TransientError: " in summary
    assert summary.endswith("gate closed (failed)")


def test_gate_mode_names_the_failures_of_a_timed_out_wait():
    script = Script(["IN_PROGRESS", THROTTLED, "IN_PROGRESS"])
    observed, _ = observe_script(script, mode="gate", timeout=10)
    with pytest.raises(GateClosedError) as failure:
        run.enforce(observed)
    assert "still IN_PROGRESS" in str(failure.value)
    assert "1 of " in str(failure.value) and "TransientError: " in str(failure.value)


def test_progress_lines_never_pause_longer_than_the_heartbeat():
    steps = ["IN_PROGRESS", Slow(95, "IN_PROGRESS"), THROTTLED, Slow(70, THROTTLED)]
    script = Script([*steps, "IN_PROGRESS"], read_seconds=0.5)
    _, lines = observe_script(script, mode="observe", timeout=1800, poll=100, cap=600)
    times = [0.0] + [at for at, _ in lines]
    assert max(b - a for a, b in itertools.pairwise(times)) <= HEARTBEAT_SECONDS + 1e-6
    assert times[-1] >= 1800
    texts = [text for _, text in lines]
    assert any("still waiting for an answer after 1m" in text for text in texts)
    assert any("read failed after" in text for text in texts)


def test_many_pools_share_one_client_per_region_and_every_client_is_closed():
    regions = ["us-east-1", "eu-west-1", "ap-south-1"]
    pools = [f"{regions[i % 3]}:0a000000-0000-4000-8000-{i:012x}" for i in range(200)]
    script = Script(["SUCCEEDED"])
    built: list[Counted] = []

    class Counted(FakeClient):
        closed = False

        def close(self) -> None:
            self.closed = True

    def client(settings):
        built.append(Counted(script))
        built[-1].region = settings.region
        return built[-1]

    observed = run.observe(
        GateInputs(identity_pool_ids=tuple(pools), endpoint_url="http://127.0.0.1:1"),
        AwsDefaults(),
        write=lambda _line: None,
        io=replace(fake_io(script, now=lambda: END), client=client),
    )
    assert sorted(c.region for c in built) == sorted(regions)
    assert all(c.closed for c in built)
    assert observed.verdict.open and script.reads == 200


EPOCH = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
"""The wall clock when the fake monotonic clock reads 0."""


OLD = EPOCH - timedelta(days=2)
"""When the pool's previous bulk publish started."""


RECENT = EPOCH - timedelta(hours=3)
"""A start three hours ago: its success is within the 24-hour window."""


NEW = object()
"""Stands for the start time of the publish this run started (the time BulkPublish was called)."""


NOW = object()
"""Stands for the time of the read."""


@dataclass(frozen=True)
class A:
    """A scripted answer: a status with start and complete times; `seconds` the read's time."""

    status: str
    start: Any = None
    complete: Any = None
    failure: str | None = None
    seconds: float | None = None


Answer = A | Exception


@dataclass
class Service:
    """A fake Cognito Sync on a fake clock. Reads answer `before` in turn (the last repeats);
    once BulkPublish answers STARTED or ALREADY_RUNNING, they answer `after` instead."""

    before: list[Answer]
    after: list[Answer] = field(default_factory=list)
    publish: StartOutcome | Exception = StartOutcome.STARTED
    read_seconds: float = 0.5
    publish_seconds: float = 0.5
    now: float = 0.0
    publishes: list[float] = field(default_factory=list)
    """The fake time of each BulkPublish call."""
    read_times: list[float] = field(default_factory=list)
    """When each read that answered finished."""
    latency: float = 0.0
    _reads: int = 0
    _switched: bool = False
    _published_at: datetime | None = None

    def wall(self) -> datetime:
        return EPOCH + timedelta(seconds=self.now)

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, seconds
        self.now += seconds

    def finished(self, outcome: Any) -> None:
        if isinstance(outcome, BulkPublishDetails):
            self.read_times.append(self.now)

    # The client's two operations (run when a call starts; seen when it finishes).

    def read(self) -> BulkPublishDetails:
        script = self.after if self._switched else self.before
        step = script[min(self._reads, len(script) - 1)]
        self._reads += 1
        self.latency = self.read_seconds
        if isinstance(step, Exception):
            raise step
        if step.seconds is not None:
            self.latency = step.seconds
        return BulkPublishDetails(
            POOL,
            step.status,
            start_time=self._moment(step.start),
            complete_time=self._moment(step.complete),
            failure_message=step.failure,
        )

    def bulk_publish(self, pool: str) -> StartOutcome:
        assert pool == POOL
        self.publishes.append(self.now)
        self.latency = self.publish_seconds
        if isinstance(self.publish, Exception):
            raise self.publish
        if self.publish is not StartOutcome.ALREADY_STREAMED:
            self._switched, self._reads = True, 0
            self._published_at = self.wall()
        return self.publish

    def _moment(self, value: Any) -> datetime | None:
        if value is NEW:
            return self._published_at
        if value is NOW:
            return self.wall()
        return value


def observe(service: Service, allow_start: bool = True, **changes: Any):
    """One gate run with startBulkPublish (unless changed), as create/update run it."""
    lines: list[str] = []
    values = {
        "identity_pool_id": POOL,
        "timeout_seconds": 60,
        "poll_interval_seconds": 1.0,
        "max_poll_interval_seconds": 4.0,
        "endpoint_url": "http://127.0.0.1:1",
        "start_bulk_publish": True,
        **changes,
    }
    inputs, problems = validate(values)
    assert not problems, problems
    observed = run.observe(
        inputs,
        AwsDefaults(region="us-east-1"),
        allow_start=allow_start,
        write=lines.append,
        io=fake_io(service, now=service.wall),
    )
    return observed, lines


def reason(observed: run.Run) -> str:
    return properties(observed)["gate_reason"]


PUBLISHING = [A("IN_PROGRESS", NEW), A("IN_PROGRESS", NEW), A("SUCCEEDED", NEW, NOW)]
"""The publish this run started, as the reads after BulkPublish see it."""


STALE_BOUND = {"max_age_seconds": 3600}
"""A bound one hour before the run: a success of two days ago is stale."""


@pytest.mark.parametrize(
    ("first", "bound"),
    [
        (A("NOT_STARTED"), {}),
        (A("FAILED", OLD, failure="Kinesis PutRecords was denied"), {}),
        (A("SUCCEEDED", OLD, OLD + timedelta(minutes=5)), STALE_BOUND),
        (A("SUCCEEDED", OLD, None), STALE_BOUND),  # no complete time: not known fresh
    ],
    ids=["not-started", "failed", "stale", "stale-no-complete-time"],
)
def test_start_calls_bulk_publish_once_then_waits_until_it_opens(first, bound):
    service = Service([first], PUBLISHING)
    observation, lines = observe(service, **bound)
    assert len(service.publishes) == 1
    assert result(observation).started is StartOutcome.STARTED
    outs = properties(observation)
    assert (outs["bulk_publish_status"], outs["gate_open"], outs["gate_reason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    assert result(observation).reads == 4  # the read before BulkPublish and three after it
    assert result(observation).details.start_time == EPOCH + timedelta(seconds=service.publishes[0])
    assert any(f"{first.status} and startBulkPublish is set: calling BulkPublish" in line
               for line in lines)  # fmt: skip
    assert any("started a bulk publish; waiting for it" in line for line in lines)
    assert lines[-1].endswith("gate open")
    run.enforce(observation)


@pytest.mark.parametrize(
    "first",
    [A("SUCCEEDED", OLD, OLD + timedelta(minutes=5)), A("SUCCEEDED", RECENT, EPOCH)],
    ids=["no-bound", "fresh"],
)
def test_a_fresh_success_starts_nothing(first):
    service = Service([first])
    observation, _ = observe(service, **({} if first.start is OLD else STALE_BOUND))
    assert service.publishes == []
    assert (result(observation).started, result(observation).reads, reason(observation)) == (
        None,
        1,
        "open",
    )


def test_a_run_during_a_publish_starts_nothing_new_and_waits_for_it():
    running = [A("IN_PROGRESS", RECENT)] * 3 + [A("SUCCEEDED", RECENT, NOW)]
    service = Service(running)
    observation, _ = observe(service, **STALE_BOUND)
    assert service.publishes == []
    assert result(observation).started is None
    assert result(observation).reads == 4
    assert reason(observation) == "open"


def test_a_run_during_a_publish_that_fails_does_not_start_another():
    service = Service([A("IN_PROGRESS", RECENT), A("FAILED", RECENT, failure="denied")])
    observation, _ = observe(service, mode="observe")
    assert service.publishes == []
    assert reason(observation) == "failed"


def test_duplicate_request_waits_on_the_publish_already_running():
    running = [A("IN_PROGRESS", EPOCH), A("IN_PROGRESS", EPOCH), A("SUCCEEDED", EPOCH, NOW)]
    service = Service([A("NOT_STARTED")], running, publish=StartOutcome.ALREADY_RUNNING)
    observation, lines = observe(service)
    assert len(service.publishes) == 1
    assert result(observation).started is StartOutcome.ALREADY_RUNNING
    assert (result(observation).reads, reason(observation)) == (4, "open")
    assert any("already running (DuplicateRequest); waiting for it" in line for line in lines)


@dataclass
class AnswerLost(Service):
    """The first BulkPublish starts a publish but its answer is lost (a TransientError); reads
    show it after `lag` more answers about the one before; BulkPublish again: DuplicateRequest."""

    lag: int = 0

    def bulk_publish(self, pool: str) -> StartOutcome:
        if self.publishes:  # ours is running
            self.publishes.append(self.now)
            return StartOutcome.ALREADY_RUNNING
        super().bulk_publish(pool)
        self.after = [self.before[-1]] * self.lag + self.after
        raise TransientError("could not complete BulkPublish: Connection was closed")


@pytest.mark.parametrize("lag", [0, 1], ids=["read-shows-it", "duplicate-request"])
def test_after_a_lost_answer_the_publish_seen_is_said_to_be_the_gates_own(lag):
    service = AnswerLost([A("NOT_STARTED")], PUBLISHING, lag=lag)
    observation, lines = observe(service)
    assert (len(service.publishes), reason(observation)) == (1 + lag, "open")
    ours = [line for line in lines if "the bulk publish this gate started" in line]
    assert ours, lines
    assert "its BulkPublish's answer was lost" in ours[0]
    assert not any("already running" in line for line in lines), lines


@dataclass
class RefusedOnce(Service):
    """The first BulkPublish never reached the service (nothing started); the next starts one."""

    def bulk_publish(self, pool: str) -> StartOutcome:
        if not self.publishes:
            self.publishes.append(self.now)
            raise TransientError("could not complete BulkPublish: Connection refused")
        return super().bulk_publish(pool)


def test_a_publish_a_retried_bulk_publish_started_is_not_said_to_have_lost_its_answer():
    service = RefusedOnce([A("NOT_STARTED")], PUBLISHING)
    observation, lines = observe(service)
    assert (len(service.publishes), reason(observation)) == (2, "open")
    assert any("started a bulk publish; waiting for it" in line for line in lines), lines
    assert not any("answer was lost" in line for line in lines), lines


def test_already_streamed_stays_stale_without_waiting_and_says_when_to_start():
    completed = RECENT + timedelta(minutes=10)
    service = Service([A("SUCCEEDED", RECENT, completed)], publish=StartOutcome.ALREADY_STREAMED)
    bound = "2026-11-23T11:00:00Z"  # an hour before the run: after the success
    observation, lines = observe(service, completed_after=bound, mode="observe")
    assert len(service.publishes) == 1
    assert result(observation).reads == 2  # read again, judged: no wait, none may start yet
    assert result(observation).elapsed == pytest.approx(1.5)  # a read, the call, a read
    outs = properties(observation)
    assert (outs["gate_open"], outs["gate_reason"]) == (False, "stale")
    message = observation.verdict.message
    for fragment in (
        POOL,
        "SUCCEEDED at 2026-11-23T09:10:00Z",
        f"freshness bound {bound}",
        "AlreadyStreamed",
        "may start at 2026-11-24T09:10:00Z at the earliest",
    ):
        assert fragment in message
    assert any("refused: one already succeeded within the last 24 hours" in x for x in lines)
    run.enforce(observation, fail_closed=False)  # observe mode exports it
    with pytest.raises(GateClosedError, match="2026-11-24T09:10:00Z"):
        run.enforce(observe(Service([A("SUCCEEDED", RECENT, completed)],
                                     publish=StartOutcome.ALREADY_STREAMED),
                             completed_after=bound)[0])  # fmt: skip


@pytest.mark.parametrize("mode", ["gate", "observe"])
def test_after_already_streamed_the_answer_read_again_is_judged(mode):
    # A peer's publish started and succeeded while ours was in flight: BulkPublish answers
    # AlreadyStreamed, and the status read again is SUCCEEDED and fresh, so the gate opens.
    before = [A("FAILED", OLD, failure="denied"), A("SUCCEEDED", RECENT, EPOCH)]
    service = Service(before, publish=StartOutcome.ALREADY_STREAMED)
    observation, _ = observe(service, mode=mode, **STALE_BOUND)
    assert len(service.publishes) == 1
    assert result(observation).started is StartOutcome.ALREADY_STREAMED
    outs = properties(observation)
    assert (outs["bulk_publish_status"], outs["gate_open"], outs["gate_reason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    run.enforce(observation, fail_closed=mode == "gate")


@pytest.mark.parametrize("first", [A("NOT_STARTED"), A("SUCCEEDED", OLD, OLD)])
def test_without_allow_start_nothing_is_started(first):
    service = Service([first], PUBLISHING)
    observation, _ = observe(service, allow_start=False, mode="observe", **STALE_BOUND)
    assert service.publishes == []
    assert result(observation).started is None
    assert reason(observation) == ("not_started" if first.status == "NOT_STARTED" else "stale")


def test_without_start_bulk_publish_nothing_is_started():
    service = Service([A("NOT_STARTED")], PUBLISHING)
    observation, _ = observe(service, start_bulk_publish=False, mode="observe")
    assert (service.publishes, reason(observation)) == ([], "not_started")


def test_wait_for_start_waits_on_a_stale_pool_until_a_newer_publish_settles():
    stale = A("SUCCEEDED", OLD, OLD + timedelta(minutes=5))
    newer = [stale, stale, A("IN_PROGRESS", RECENT), A("SUCCEEDED", RECENT, NOW)]
    service = Service(newer)
    observation, _ = observe(service, start_bulk_publish=False, wait_for_start=True, **STALE_BOUND)
    assert service.publishes == []
    assert result(observation).reads == 4
    assert reason(observation) == "open"


def test_wait_for_start_on_a_stale_pool_that_stays_stale_times_out_stale():
    service = Service([A("SUCCEEDED", OLD, OLD)])
    observation, _ = observe(
        service, start_bulk_publish=False, wait_for_start=True, mode="observe", **STALE_BOUND
    )
    assert result(observation).timed_out is True
    assert reason(observation) == "stale"


def test_after_a_start_the_previous_publishs_answer_is_waited_on():
    previous = A("FAILED", OLD, failure="denied")
    service = Service([previous], [previous, previous, A("IN_PROGRESS", NEW), *PUBLISHING[1:]])
    observation, _ = observe(service)
    assert len(service.publishes) == 1
    assert (result(observation).reads, reason(observation)) == (6, "open")


def test_a_failed_read_before_the_start_is_retried_like_any_read():
    service = Service([THROTTLED, A("NOT_STARTED")], PUBLISHING)
    observation, _ = observe(service)
    assert len(service.publishes) == 1
    seen = result(observation)
    assert (seen.reads, seen.failed_reads, seen.trailing_failures) == (4, 1, 0)
    assert reason(observation) == "open"
    note = observation.verdict.note
    assert note is not None and "ThrottlingException" in note


def test_an_error_from_bulk_publish_fails_the_run():
    service = Service([A("NOT_STARTED")], publish=InvalidRequestError("no stream configured"))
    observation, _ = observe(service)
    with pytest.raises(InvalidRequestError, match="no stream configured"):
        run.enforce(observation)
    assert len(service.publishes) == 1


# The start branch joins two waits (the read before BulkPublish, then the rest): one deadline.
TIMEOUT = 60


BOUND = TIMEOUT + READ_MARGIN_SECONDS


@pytest.mark.parametrize(
    ("before", "after", "read_seconds", "publish_seconds"),
    [
        ([A("NOT_STARTED")], [A("IN_PROGRESS", NEW)], 0.5, 0.5),  # stuck after the start
        ([A("NOT_STARTED")], [A("IN_PROGRESS", NEW)], 4.0, 50.0),  # slow BulkPublish
        ([A("NOT_STARTED")], [A("IN_PROGRESS", NEW)], 4.0, 59.0),
        ([A("NOT_STARTED", seconds=62.0)], [A("IN_PROGRESS", NEW)], 4.0, 2.0),  # slow read
        ([A("NOT_STARTED")], [THROTTLED], 1.0, 1.0),  # reads fail after the start
        ([THROTTLED, A("NOT_STARTED")], [A("IN_PROGRESS", NEW)], 3.0, 3.0),
        ([A("NOT_STARTED")], [A("IN_PROGRESS", NEW)], 1.0, 90.0),  # BulkPublish never answers
    ],
)
def test_the_whole_run_stays_within_the_timeout_and_its_margin(
    before, after, read_seconds, publish_seconds
):
    service = Service(before, after, read_seconds=read_seconds, publish_seconds=publish_seconds)
    observation, _ = observe(service, timeout_seconds=TIMEOUT)
    assert service.now <= BOUND + 1e-9, service.now
    try:
        run.enforce(observation, fail_closed=False)
    except ReadsFailedError:  # no answer left inside the deadline: nothing is exported
        return
    assert result(observation).elapsed <= BOUND + 1e-9
    assert result(observation).timed_out is True
    assert reason(observation) == "in_progress"


def test_the_joined_result_counts_both_waits_and_checked_at_is_the_last_answer():
    after = [THROTTLED, *PUBLISHING[:2], THROTTLED, PUBLISHING[2]]
    service = Service([THROTTLED, A("NOT_STARTED")], after, read_seconds=0.25)
    observation, _ = observe(service)
    seen = result(observation)
    assert (seen.reads, seen.failed_reads, seen.trailing_failures) == (4, 3, 0)
    assert seen.elapsed == pytest.approx(service.now)
    assert seen.read_at == pytest.approx(service.read_times[-1])
    assert result(observation).checked_at == EPOCH + timedelta(seconds=service.read_times[-1])
    second = int(service.read_times[-1])
    assert properties(observation)["checked_at"] == f"2026-11-23T12:00:{second:02d}Z"


def test_checked_at_after_a_start_that_ends_on_failed_reads_is_the_last_answer():
    service = Service([A("NOT_STARTED")], [A("IN_PROGRESS", NEW), THROTTLED], read_seconds=0.5)
    observation, _ = observe(service, timeout_seconds=20, mode="observe")
    seen = result(observation)
    assert seen.trailing_failures > 0
    assert result(observation).checked_at == EPOCH + timedelta(seconds=service.read_times[-1])
    assert service.read_times[-1] < service.now


@pytest.mark.parametrize("status", ["IN_PROGRESS", "NOT_STARTED", "FAILED"])
def test_once_settles_on_the_first_answer_and_retries_only_failed_reads(status):
    # refresh and `status`: failed reads are retried, no status is waited on, nothing starts.
    service = Service([THROTTLED, THROTTLED, A(status, RECENT)])
    observation, _ = observe_once(service, wait_for_start=True)
    assert service.publishes == []
    seen = result(observation)
    assert (seen.details.status, seen.reads, seen.failed_reads, seen.timed_out) == (
        status,
        1,
        2,
        False,
    )


def observe_once(service: Service, **changes: Any):
    inputs, _ = validate({"identity_pool_id": POOL, "endpoint_url": "http://127.0.0.1:1",
                          "start_bulk_publish": True, "mode": "observe", **changes})  # fmt: skip
    lines: list[str] = []
    observed = run.observe(inputs, AwsDefaults(region="us-east-1"), allow_start=True, once=True,
                            write=lines.append, io=fake_io(service, now=service.wall))  # fmt: skip
    return observed, lines
