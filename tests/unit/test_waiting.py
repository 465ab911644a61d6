"""The wait as tables: status sequences, faults and slow reads -> outcome, on a fake clock."""

from __future__ import annotations

import itertools
import threading

import pytest

from components.core.contract import BulkPublishDetails
from components.core.errors import (
    AccessDeniedError,
    PoolNotFoundError,
    ReadsFailedError,
    ReadTimedOutError,
    TransientError,
    UnexpectedAnswerError,
)
from components.core.policy import MAX_GROWTH_STEPS, Backoff, WaitPolicy
from components.core.scheduler import READ_MARGIN_SECONDS
from components.core.threads import Threads, stranded
from tests.unit.fakes import POOL, Heartbeats, Plan, Script, Slow, run

POLICY = Plan(timeout_seconds=100, poll_interval_seconds=2, max_poll_interval_seconds=10)
THROTTLED = TransientError("throttled")

# steps -> (status, timed_out, reads made, failed reads, failed reads at the end); None: all
OUTCOMES = [
    (["SUCCEEDED"], "SUCCEEDED", False, 1, 0, 0),
    (["FAILED"], "FAILED", False, 1, 0, 0),
    (["NOT_STARTED"], "NOT_STARTED", False, 1, 0, 0),
    (["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"], "SUCCEEDED", False, 3, 0, 0),
    (["IN_PROGRESS", "FAILED"], "FAILED", False, 2, 0, 0),
    ([THROTTLED, THROTTLED, "SUCCEEDED"], "SUCCEEDED", False, 3, 2, 0),
    (["IN_PROGRESS", THROTTLED, "SUCCEEDED"], "SUCCEEDED", False, 3, 1, 0),
    (["IN_PROGRESS"], "IN_PROGRESS", True, None, 0, 0),
    (["IN_PROGRESS", THROTTLED], "IN_PROGRESS", True, None, None, None),
    (["IN_PROGRESS", THROTTLED, "IN_PROGRESS"], "IN_PROGRESS", True, None, 1, 0),
]


@pytest.mark.parametrize(("steps", "status", "timed_out", "reads", "failed", "last"), OUTCOMES)
def test_outcome_of_each_sequence(steps, status, timed_out, reads, failed, last):
    script = Script(list(steps))
    result = run(script, POLICY)
    assert (result.details.status, result.timed_out) == (status, timed_out)
    if reads is not None:
        assert script.reads == reads
    assert result.elapsed == pytest.approx(script.now - 1000.0)
    assert result.failed_reads == (script.reads - result.reads if failed is None else failed)
    assert result.trailing_failures == (result.failed_reads if last is None else last)
    assert (result.last_error is None) == (result.failed_reads == 0)


def test_failures_after_the_last_answer_are_counted_not_dropped():
    script = Script(["IN_PROGRESS", THROTTLED])
    result = run(script, POLICY)
    assert result.reads == 1
    assert result.failed_reads == result.trailing_failures == script.reads - 1 > 10
    assert result.last_error is THROTTLED
    assert result.read_at == 0.0  # the answer shown is the first read's


@pytest.mark.parametrize(
    "error", [AccessDeniedError("no"), PoolNotFoundError("gone"), UnexpectedAnswerError("?")]
)
def test_non_retryable_errors_fail_at_once(error):
    script = Script(["IN_PROGRESS", error, "SUCCEEDED"])
    with pytest.raises(type(error)):
        run(script, POLICY)
    assert script.reads == 2
    assert len(script.sleeps) == 1


def test_only_transient_errors_until_the_deadline_raise_how_many_and_the_last():
    script = Script([THROTTLED], read_seconds=1)
    with pytest.raises(ReadsFailedError, match="without one successful read") as failure:
        run(script, POLICY)
    assert f"{script.reads} read(s) failed; the last: TransientError: throttled" in str(
        failure.value
    )
    assert not isinstance(failure.value, TransientError)  # terminal: it already retried
    assert script.now - 1000.0 <= 100 + 1


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


def test_a_slow_read_with_no_answer_before_it_raises_naming_the_timed_out_read():
    script = Script([Slow(600, "SUCCEEDED")])
    with pytest.raises(ReadsFailedError, match=r"ReadTimedOutError: .* did not answer within"):
        run(script, Plan(0, 1, 1), label="GetBulkPublishDetails for identity pool p")
    assert script.now - 1000.0 == READ_MARGIN_SECONDS


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


def test_timeout_zero_reads_once_and_never_sleeps():
    script = Script(["IN_PROGRESS"])
    result = run(script, Plan(0, 1, 1))
    assert (script.reads, script.sleeps, result.timed_out) == (1, [], True)


def test_wait_for_start_treats_not_started_as_in_progress():
    policy = Plan(100, 2, 10, wait_for_start=True)
    script = Script(["NOT_STARTED", "NOT_STARTED", "IN_PROGRESS", "SUCCEEDED"])
    assert run(script, policy).details.status == "SUCCEEDED"
    assert script.reads == 4


def test_read_at_is_when_the_shown_answer_arrived():
    script = Script(["IN_PROGRESS", "IN_PROGRESS", THROTTLED], read_seconds=1)
    result = run(script, Plan(20, 2, 2), random=1.0)
    assert result.read_at == 1 + 2 + 1  # the second read's answer; later reads failed
    assert result.elapsed > result.read_at


# attempt -> expected delay range with initial 2 and cap 10: base = min(10, 2 * 2**attempt)
BACKOFF = [(0, 1, 2), (1, 2, 4), (2, 4, 8), (3, 5, 10), (10, 5, 10), (1000, 5, 10)]


@pytest.mark.parametrize(("attempt", "low", "high"), BACKOFF)
@pytest.mark.parametrize("random", [0.0, 0.25, 0.999999])
def test_backoff_is_bounded_and_jittered(attempt, low, high, random):
    delay = Backoff(2, 10, lambda: random).delay(attempt)
    assert low <= delay <= high
    assert delay == pytest.approx(low + random * (high - low))


@pytest.mark.parametrize(
    ("initial", "cap"),
    [(1e-12, 30), (5e-324, 3600), (1e-300, 1e-299), (0.02, 0.1), (5, 30), (30, 30), (1, 3600)],
)
def test_backoff_always_reaches_its_cap_within_the_growth_steps(initial, cap):
    backoff = Backoff(initial, cap)
    bases = [backoff.base(attempt) for attempt in range(MAX_GROWTH_STEPS + 5)]
    assert bases[0] == min(initial, cap)
    assert all(a <= b for a, b in itertools.pairwise(bases))
    assert bases[MAX_GROWTH_STEPS] == cap
    assert backoff.base(10**9) == cap


def test_a_tiny_poll_interval_backs_off_so_reads_stay_few():
    # The case: pollIntervalSeconds=1e-12 never backed off (65 calls in 3 s).
    script = Script(["IN_PROGRESS"], read_seconds=0.001)
    run(script, Plan(3, 1e-12, 30), random=0.0)
    assert script.reads <= MAX_GROWTH_STEPS + 2
    long = Script(["IN_PROGRESS"], read_seconds=0.001)
    run(long, Plan(600, 1e-12, 30), random=0.0)
    assert long.reads <= MAX_GROWTH_STEPS + 600 / 15 + 2  # then at least cap/2 apart


def test_sleeps_follow_the_backoff_and_vary_with_the_random_source():
    steps = ["IN_PROGRESS"] * 5 + ["SUCCEEDED"]
    low, high = Script(list(steps)), Script(list(steps))
    run(low, POLICY, random=0.0)
    run(high, POLICY, random=1.0)
    assert low.sleeps == [1, 2, 4, 5, 5]
    assert high.sleeps == [2, 4, 8, 10, 10]


def test_progress_reports_each_pause_with_elapsed_and_next_delay():
    seen = []
    script = Script(["IN_PROGRESS", THROTTLED, "SUCCEEDED"], read_seconds=1)
    run(script, POLICY, on_progress=seen.append)
    first, *seen, last = seen
    assert (last.settled, last.details.status) == (True, "SUCCEEDED")
    assert (first.elapsed, first.reads, first.details, first.in_flight) == (0, 0, None, 0)
    assert [(p.reads, p.details.status, type(p.error), p.failed_reads) for p in seen] == [
        (1, "IN_PROGRESS", type(None), 0),
        (1, "IN_PROGRESS", TransientError, 1),
    ]
    assert [p.elapsed for p in seen] == [1, 1 + 1.5 + 1]
    assert [p.next_delay for p in seen] == script.sleeps


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"poll_interval_seconds": 0}, "poll_interval_seconds"),
        ({"poll_interval_seconds": 5, "max_poll_interval_seconds": 1}, "max"),
    ],
)
def test_inconsistent_policies_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WaitPolicy(**kwargs)


@pytest.mark.parametrize("plan", [Plan(-1), Plan(1, read_margin_seconds=-1)])
def test_a_negative_deadline_or_margin_is_rejected(plan):
    with pytest.raises(ValueError, match="timeout and margin"):
        run(Script(["SUCCEEDED"]), plan)


def test_threads_give_the_answer_or_the_error():
    answer = BulkPublishDetails(POOL, "SUCCEEDED")
    threads = Threads(2)

    def fail() -> BulkPublishDetails:
        raise THROTTLED

    threads.start(1, lambda: answer)
    threads.start(2, fail)
    got: dict[int, tuple] = {}
    while len(got) < 2:
        got.update((token, (value, error)) for token, value, error in threads.wait(10))
    assert got[1] == (answer, None)
    assert got[2] == (None, THROTTLED)
    threads.close()


def test_threads_never_exceed_their_size_and_a_call_left_behind_is_counted_until_it_ends():
    release, entered = threading.Event(), threading.Semaphore(0)
    threads = Threads(2)

    def stuck() -> str:
        entered.release()
        release.wait(60)
        return "late"

    for token in range(1, 4):
        threads.start(token, stuck)
    assert entered.acquire(timeout=10) and entered.acquire(timeout=10)
    assert len(threads._threads) == 2 and threads._running == {1, 2}  # the third one waits
    assert threads.wait(0.01) == []  # the loop can stop waiting for them
    before = stranded()  # (other tests' calls may still be finishing: count from here)
    threads.close(abandoned=(1, 2, 3))
    assert stranded() == before + 2  # the two running; the third never started
    release.set()
    for _ in range(500):
        if stranded() <= before:
            break
        threading.Event().wait(0.01)
    assert stranded() <= before


def test_wake_ends_a_wait_at_once():
    threads = Threads(1)
    threads.wake()
    assert threads.wait(60) == []
    threads.close()
