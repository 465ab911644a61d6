"""One pool's wait as tables: status sequences, faults and slow reads -> outcome, on a fake
clock; and what the wait does on each answer, by whose publish it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from components.core.contract import (
    BulkPublishDetails,
)
from components.core.errors import (
    AccessDeniedError,
    PoolNotFoundError,
    ReadsFailedError,
    TransientError,
    UnexpectedAnswerError,
)
from components.core.policy import WaitPolicy
from components.core.scheduler import READ_MARGIN_SECONDS
from components.core.verdict import (
    Action,
)
from components.core.watch import Kind, Phase, Watch
from tests.unit.fakes import POOL, Plan, Script, Slow, run

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


def test_a_slow_read_with_no_answer_before_it_raises_naming_the_timed_out_read():
    script = Script([Slow(600, "SUCCEEDED")])
    with pytest.raises(ReadsFailedError, match=r"ReadTimedOutError: .* did not answer within"):
        run(script, Plan(0, 1, 1), label="GetBulkPublishDetails for identity pool p")
    assert script.now - 1000.0 == READ_MARGIN_SECONDS


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


NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


HOUR = timedelta(hours=1)


OLD_START = NOW - 48 * HOUR


NEW_START = NOW - timedelta(seconds=5)


def details(status: str, start: datetime | None, complete: datetime | None = None):
    return BulkPublishDetails(POOL, status, start_time=start, complete_time=complete)


NOT_AWAITING = (False, None, None)


AFTER_FAILED = (True, OLD_START, "FAILED")
"""This run started one while the pool showed a publish that started at OLD_START and FAILED."""


AFTER_STALE = (True, OLD_START, "SUCCEEDED")
"""... one that started at OLD_START and SUCCEEDED (stale)."""


AFTER_NONE = (True, None, "NOT_STARTED")
"""This run started one while the pool was NOT_STARTED."""


# answer, fresh_after, waitForStart, (awaiting_new_publish, previous_start, previous_status)
# -> what the wait does
ACTIONS_ON = [
    # No start this run: status and freshness only.
    (details("SUCCEEDED", OLD_START, OLD_START + HOUR), None, False, NOT_AWAITING, Action.STOP),
    (
        details("SUCCEEDED", OLD_START, OLD_START + HOUR),
        NOW - HOUR,
        False,
        NOT_AWAITING,
        Action.STOP,
    ),
    (
        details("SUCCEEDED", OLD_START, OLD_START + HOUR),
        NOW - HOUR,
        True,
        NOT_AWAITING,
        Action.WAIT,
    ),
    (details("SUCCEEDED", OLD_START, NOW - HOUR / 2), NOW - HOUR, True, NOT_AWAITING, Action.STOP),
    (details("NOT_STARTED", None), NOW - HOUR, True, NOT_AWAITING, Action.WAIT),
    (details("IN_PROGRESS", NEW_START), None, False, NOT_AWAITING, Action.WAIT),
    # This run started one: an answer about the previous publish is waited on, whatever it says.
    (details("SUCCEEDED", OLD_START, OLD_START + HOUR), None, False, AFTER_STALE, Action.WAIT),
    (details("FAILED", OLD_START), None, False, AFTER_FAILED, Action.WAIT),
    (details("FAILED", OLD_START - HOUR), None, False, AFTER_FAILED, Action.WAIT),  # older
    (details("NOT_STARTED", None), None, False, AFTER_NONE, Action.WAIT),
    (details("NOT_STARTED", None), None, False, AFTER_FAILED, Action.WAIT),
    (details("IN_PROGRESS", NEW_START), None, False, AFTER_FAILED, Action.WAIT),
    (details("SUCCEEDED", NEW_START, NOW), NOW - HOUR, False, AFTER_FAILED, Action.STOP),
    (details("SUCCEEDED", NEW_START, NOW), NOW - HOUR, False, AFTER_NONE, Action.STOP),
    (details("FAILED", NEW_START), None, False, AFTER_FAILED, Action.STOP),
    (details("FAILED", NEW_START), None, False, AFTER_NONE, Action.STOP),
    (details("FAILED", NEW_START), None, False, AFTER_STALE, Action.STOP),
    # Whole-second times: a new publish that started in the previous one's second is told
    # apart by its status.
    (details("SUCCEEDED", OLD_START, NOW), None, False, AFTER_FAILED, Action.STOP),
    (details("FAILED", OLD_START), None, False, AFTER_STALE, Action.STOP),
]


@pytest.mark.parametrize(("answer", "fresh_after", "wfs", "awaiting", "expected"), ACTIONS_ON)
def test_the_wait_acts_on_the_answer_and_whose_publish_it_is(
    answer, fresh_after, wfs, awaiting, expected
):
    # The watch as it stands after a BulkPublish it made (AFTER) or with none (WATCH).
    watch = Watch(answer.identity_pool_id, WaitPolicy(wait_for_start=wfs, fresh_after=fresh_after),
                  label="read", wall=lambda: NOW)  # fmt: skip
    watch.begin(0.0)
    if awaiting[0]:
        watch.phase, watch.before = Phase.AFTER, details(awaiting[2], awaiting[1])
    watch.answered(Kind.READ, answer, 1.0)
    assert (Action.STOP if watch.done else Action.WAIT) is expected
