"""The one loop for N watches on a fake clock: at most `readers` calls in flight (reads and
BulkPublish alike), one deadline for the run, overrun by at most one read and never past its
margin, abandoned calls counted apart, heartbeats while a call is in flight, a shared throttle,
a stop."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from components.core import scheduler
from components.core.contract import BulkPublishDetails, StartOutcome
from components.core.errors import (
    CancelledError,
    ReadsFailedError,
    ReadTimedOutError,
    ThrottledError,
    TransientError,
)
from components.core.policy import WaitPolicy
from components.core.scheduler import READ_MARGIN_SECONDS, THROTTLE_BASE_SECONDS, Stop
from components.core.watch import Kind, Watch
from tests.unit.fakes import FakeRunner, Heartbeats, Plan, Script, Slow, run

THROTTLED = ThrottledError("Cognito Sync could not answer (TooManyRequestsException)")


@dataclass
class Pools:
    """A fake service for many pools on one fake clock: each call takes `seconds`; `answers`
    maps a pool to its answers in turn (the last repeats), `starts` to BulkPublish's."""

    answers: dict[str, list[Any]]
    starts: dict[str, list[Any]] = field(default_factory=dict)
    seconds: float = 1.0
    now: float = 0.0
    latency: float = 0.0
    in_flight: int = 0
    peak: int = 0
    log: list[tuple[float, str, str]] = field(default_factory=list)
    """(time a call started, pool, operation)."""

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def finished(self, _outcome: Any) -> None:
        self.in_flight -= 1

    def call(self, watch: Watch, kind: Kind):
        def made() -> Any:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.latency = self.seconds
            self.log.append((self.now, watch.pool, kind.value))
            script = (self.starts if kind is Kind.START else self.answers)[watch.pool]
            step = script.pop(0) if len(script) > 1 else script[0]
            if isinstance(step, Exception):
                raise step
            return BulkPublishDetails(watch.pool, step) if isinstance(step, str) else step

        return made


def watches(count: int, policy: WaitPolicy | None = None) -> list[Watch]:
    policy = policy or WaitPolicy(1.0, 1.0)
    return [Watch(f"p{i}", policy, label=f"read p{i}", random=lambda: 0.5) for i in range(count)]


def drive(service: Pools, pool_watches: list[Watch], timeout: float, readers: int, **kw):
    scheduler.drive(
        pool_watches, service.call, timeout=timeout, readers=readers,
        runner=FakeRunner(service), clock=lambda: service.now, random=lambda: 1.0, **kw,
    )  # fmt: skip
    return [w.result() for w in pool_watches]


@pytest.mark.parametrize(("pools", "readers"), [(1, 1), (10, 1), (10, 3), (100, 8), (8, 64)])
def test_calls_in_flight_never_exceed_readers_and_every_pool_settles(pools, readers):
    service = Pools({f"p{i}": ["IN_PROGRESS", "SUCCEEDED"] for i in range(pools)})
    results = drive(service, watches(pools), timeout=600, readers=readers)
    assert service.peak == min(pools, readers)
    assert {r.details.status for r in results} == {"SUCCEEDED"}
    assert all(r.reads == 2 for r in results)


def test_one_deadline_for_the_run_whatever_the_pool_count():
    service = Pools({f"p{i}": ["IN_PROGRESS"] for i in range(50)}, seconds=0.1)
    results = drive(service, watches(50), timeout=10, readers=2)
    assert service.now <= 10 + READ_MARGIN_SECONDS
    assert all(r.timed_out and r.details.status == "IN_PROGRESS" for r in results)


def test_a_pool_queued_past_the_deadline_still_gets_its_first_read_or_says_why():
    service = Pools({f"p{i}": ["IN_PROGRESS"] for i in range(6)}, seconds=0.5)
    results = drive(service, watches(6), timeout=0, readers=1)  # read once each, one at a time
    read = [r for r in results if r.error is None]
    unread = [r for r in results if r.error is not None]
    assert service.now <= READ_MARGIN_SECONDS + 0.5
    assert len(read) == 3 and all(r.reads == 1 for r in read)
    assert all("no read could start before the run's deadline" in str(r.error) for r in unread)


def calls_of(service: Pools, pool: str) -> list[float]:
    return [at for at, name, _ in service.log if name == pool]


def test_a_throttled_call_pauses_every_pool_and_the_pause_doubles_while_throttling_goes_on():
    answers = {pool: [THROTTLED, THROTTLED, "SUCCEEDED"] for pool in ("p0", "p1")}
    service = Pools(answers, seconds=0.0)
    drive(service, watches(2, WaitPolicy(0.01, 0.01)), timeout=60, readers=2)
    # (random at its top: each pause is its whole base.) At 0 both are throttled, one round: a
    # 0.5 s pause; at 0.5 s both again, the next round: 1 s, so both wait until 1.5 s.
    base = THROTTLE_BASE_SECONDS
    assert calls_of(service, "p0") == calls_of(service, "p1") == [0.0, base, 3 * base]


def test_an_answer_ends_the_throttling_streak():
    answers = {"p0": [THROTTLED, "SUCCEEDED"], "p1": ["IN_PROGRESS", THROTTLED, "SUCCEEDED"]}
    service = Pools(answers, seconds=0.0)
    drive(service, watches(2, WaitPolicy(0.01, 0.01)), timeout=60, readers=2)
    # p0 throttled at 0: both wait 0.5 s; p1's answer then resets the streak, so its own
    # throttled read is paused 0.5 s again, not 1 s.
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(calls_of(service, "p1"))]
    assert gaps == [THROTTLE_BASE_SECONDS, THROTTLE_BASE_SECONDS]


def test_a_throttled_bulk_publish_pauses_the_other_pools_too():
    ours = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the start time of the publish we start
    after = [BulkPublishDetails("p0", s, start_time=ours) for s in ("IN_PROGRESS", "SUCCEEDED")]
    answers = {"p0": ["NOT_STARTED", "NOT_STARTED", *after], "p1": ["IN_PROGRESS"] * 20}
    starts = {"p0": [THROTTLED, StartOutcome.STARTED]}
    service = Pools(answers, starts, seconds=0.0)
    policy = WaitPolicy(0.01, 0.01, start=True)
    results = drive(service, watches(2, policy), timeout=3, readers=2)
    throttled_at = next(at for at, pool, op in service.log if op == "BulkPublish")
    after = [at for at, pool, _ in service.log if pool == "p1" and at > throttled_at]
    assert after[0] - throttled_at >= THROTTLE_BASE_SECONDS  # p1 waited out the pause
    assert results[0].started is StartOutcome.STARTED and results[0].start_failures == 1
    # The failed BulkPublish was followed by a read before the next one (it may have started).
    p0 = [op for _, pool, op in service.log if pool == "p0"]
    assert p0[:4] == [
        "GetBulkPublishDetails",
        "BulkPublish",
        "GetBulkPublishDetails",
        "BulkPublish",
    ]


def test_calls_in_flight_at_the_bound_are_abandoned_and_counted_apart():
    service = Pools({"p0": ["IN_PROGRESS"], "p1": ["IN_PROGRESS"]}, seconds=100)
    runner = FakeRunner(service)
    pool_watches = watches(2)
    scheduler.drive(pool_watches, service.call, timeout=1, readers=2, runner=runner,
        clock=lambda: service.now)  # fmt: skip
    assert service.now == 1 + READ_MARGIN_SECONDS
    assert len(runner.abandoned) == 2
    for result in (w.result() for w in pool_watches):
        assert (result.abandoned, result.failed_reads) == (1, 1)
        assert "the call was abandoned" in str(result.error)


def test_a_stop_ends_every_wait_with_a_cancelled_error():
    stop = Stop()
    service = Pools({"p0": ["IN_PROGRESS"], "p1": [TransientError("x")]}, seconds=0.5)
    calls = service.call

    def call(watch: Watch, kind: Kind):
        if len(service.log) == 5:
            stop.set("interrupted by SIGINT")
        return calls(watch, kind)

    service.call = call  # type: ignore[method-assign]
    results = drive(service, watches(2), timeout=600, readers=2, stop=stop)
    assert service.now < 10
    assert all(isinstance(r.error, CancelledError) for r in results)
    assert all("interrupted by SIGINT: stopped waiting on p" in str(r.error) for r in results)


@pytest.mark.parametrize(
    ("starts", "stop_at", "said"),
    [
        # (BulkPublish's answers, the call in flight when the stop comes, what the error says)
        ([StartOutcome.STARTED], (Kind.START, 1), "while BulkPublish was in flight: a bulk"),
        ([TransientError("lost")], (Kind.READ, 2), "after BulkPublish lost its answer: a bulk"),
    ],
)
def test_a_stop_with_a_bulk_publish_unanswered_says_a_publish_may_have_started(
    starts, stop_at, said
):
    stop = Stop()
    service = Pools({"p0": ["NOT_STARTED"]}, starts={"p0": starts}, seconds=0.5)
    calls, made = service.call, []

    def call(watch: Watch, kind: Kind):
        made.append(kind)
        if (kind, made.count(kind)) == stop_at:
            stop.set("interrupted by SIGINT")
        return calls(watch, kind)

    service.call = call  # type: ignore[method-assign]
    pool_watches = watches(1, WaitPolicy(1.0, 1.0, start=True))
    # A heartbeat every 0.1 s wakes the loop, which sees the stop with the call in flight.
    (result,) = drive(service, pool_watches, 600, 1, stop=stop, on_progress=lambda _step: 0.1)
    assert isinstance(result.error, CancelledError)
    assert (
        f"interrupted by SIGINT {said} publish of p0 may have started, and goes on without this "
        "run (stopped after "
    ) in str(result.error)
    assert result.awaiting_publish


def test_a_bug_in_a_call_is_raised_once_the_run_is_over():
    service = Pools({"p0": [ZeroDivisionError("bug")]})
    with pytest.raises(ZeroDivisionError):
        drive(service, watches(1), timeout=5, readers=1)


def test_a_burst_that_throttles_every_call_in_flight_doubles_the_pause_once():
    # Found by the benchmark: 8 calls in flight came back throttled one after another and the
    # pause doubled 8 times, to its 30 s cap, stopping every pool long after the burst.
    answers = {f"p{i}": [THROTTLED, "SUCCEEDED"] for i in range(8)}
    service = Pools(answers, seconds=1.0)
    drive(service, watches(8, WaitPolicy(0.01, 0.01)), timeout=60, readers=8)
    seconds = sorted({at for at, _, _ in service.log})
    assert seconds == [0.0, 1.0 + THROTTLE_BASE_SECONDS]  # one round, one base pause


@pytest.mark.parametrize("read_seconds", [0.0, 0.7, 3.0, 9.5, 68.0])
@pytest.mark.parametrize("timeout", [0, 1, 7, 45, 100])
def test_deadline_is_overrun_by_at_most_one_read_and_never_more_than_the_margin(
    read_seconds, timeout
):
    script = Script(["IN_PROGRESS"], read_seconds=read_seconds)
    policy = Plan(timeout, poll_interval_seconds=2, max_poll_interval_seconds=10)
    try:
        result = run(script, policy, random=0.99)
    except ReadsFailedError:
        assert read_seconds > timeout + READ_MARGIN_SECONDS  # not even one read could finish
    else:
        assert result.timed_out
        assert result.elapsed == script.now - 1000.0
    overrun = script.now - 1000.0 - timeout
    assert overrun <= min(read_seconds, READ_MARGIN_SECONDS) + 1e-9
    assert all(s <= 10 for s in script.sleeps)


def test_a_trickling_read_is_abandoned_at_deadline_plus_margin():
    # The case: a peer that trickles a valid answer for 68 s held a 1 s gate for 68 s.
    script = Script(["IN_PROGRESS", Slow(68, "SUCCEEDED")])
    policy = Plan(1, poll_interval_seconds=0.5, max_poll_interval_seconds=0.5)
    result = run(script, policy, random=1.0)
    assert script.now - 1000.0 == 1 + READ_MARGIN_SECONDS
    assert (result.details.status, result.reads, result.trailing_failures) == ("IN_PROGRESS", 1, 1)
    assert isinstance(result.last_error, ReadTimedOutError)
    assert "timeoutSeconds=1, plus its 1.5s margin); the call was abandoned" in str(
        result.last_error
    )


def test_heartbeats_keep_coming_while_a_read_is_in_flight():
    heartbeats = Heartbeats(every=30)
    script = Script(["IN_PROGRESS", Slow(100, "SUCCEEDED")])
    run(script, Plan(1800, 5, 30), random=1.0, on_progress=heartbeats)
    in_flight = [(s.elapsed, s.in_flight) for s in heartbeats.waiting if s.in_flight is not None]
    # the second read starts at 5 s; heartbeats come 30 s after the last progress call
    assert in_flight == [(0, 0), (30, 25), (60, 55), (90, 85)]
    assert all(s.details.status == "IN_PROGRESS" for s in heartbeats.waiting[1:])


def test_heartbeats_keep_coming_while_the_first_read_is_in_flight():
    heartbeats = Heartbeats(every=30)
    script = Script([Slow(70, "SUCCEEDED")])
    run(script, Plan(1800, 5, 30), on_progress=heartbeats)
    assert [(s.elapsed, s.in_flight, s.details) for s in heartbeats.waiting] == [
        (0, 0, None),
        (30, 30, None),
        (60, 60, None),
    ]


def test_heartbeats_keep_coming_through_long_sleeps_and_the_sleeps_add_up():
    heartbeats = Heartbeats(every=30)
    script = Script(["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"])
    run(script, Plan(1800, 100, 100), random=1.0, on_progress=heartbeats)
    times = [s.elapsed for s in heartbeats.waiting]
    assert times == [0, 0, 30, 60, 90, 100, 130, 160, 190]
    assert max(script.sleeps) == 30
    assert sum(script.sleeps) == 200
    assert [s.next_delay for s in heartbeats.waiting][1:5] == [100, 70, 40, 10]


@pytest.mark.parametrize("plan", [Plan(-1), Plan(1, read_margin_seconds=-1)])
def test_a_negative_deadline_or_margin_is_rejected(plan):
    with pytest.raises(ValueError, match="timeout and margin"):
        run(Script(["SUCCEEDED"]), plan)
