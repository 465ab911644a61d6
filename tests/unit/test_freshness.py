"""Freshness and the start decision as tables: the bound, staleness, what the wait does, when
startBulkPublish starts one, and the verdict (open, gateReason, message) over every status x
bound x start outcome."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from components.core.contract import (
    GATE_REASONS,
    STATUSES,
    BulkPublishDetails,
    Reason,
    StartOutcome,
    WatchResult,
)
from components.core.policy import WaitPolicy
from components.core.verdict import (
    Action,
    action,
    freshness_bound,
    is_stale,
    judge,
    next_start_after,
    should_start,
)
from components.core.watch import Kind, Phase, Watch

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
AFTER = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
"""A completedAfter instant, before NOW."""

# completedAfter, maxAgeSeconds -> the bound
BOUNDS = [
    (None, None, None),
    (None, 0, None),  # maxAge 0: no age bound
    (AFTER, None, AFTER),
    (AFTER, 0, AFTER),
    (None, 3600, NOW - HOUR),
    (AFTER, 3600, NOW - HOUR),  # the age bound is later: it wins
    (AFTER, 10 * 86_400, AFTER),  # completedAfter is later: it wins
    (NOW - HOUR, 3600, NOW - HOUR),  # equal
]


@pytest.mark.parametrize(("completed_after", "max_age", "expected"), BOUNDS)
def test_the_bound_is_the_later_of_completed_after_and_max_age(completed_after, max_age, expected):
    assert freshness_bound(completed_after, max_age, NOW) == expected


COMPLETE = NOW - 2 * HOUR

# status, complete time, bound -> stale
STALENESS = [
    ("SUCCEEDED", COMPLETE, None, False),
    ("SUCCEEDED", None, None, False),  # no bound: any SUCCEEDED is fresh
    ("SUCCEEDED", COMPLETE, COMPLETE - HOUR, False),
    ("SUCCEEDED", COMPLETE, COMPLETE, False),  # at the bound: fresh ("at or after")
    ("SUCCEEDED", COMPLETE, COMPLETE + timedelta(seconds=1), True),
    ("SUCCEEDED", None, COMPLETE, True),  # a bound and no complete time: not known fresh
    *((status, None, COMPLETE, False) for status in ("NOT_STARTED", "IN_PROGRESS", "FAILED")),
    *((status, COMPLETE, NOW, False) for status in ("NOT_STARTED", "IN_PROGRESS", "FAILED")),
]


@pytest.mark.parametrize(("status", "complete", "bound", "expected"), STALENESS)
def test_only_a_succeeded_before_the_bound_is_stale(status, complete, bound, expected):
    assert is_stale(status, complete, bound) is expected


# status, stale, waitForStart -> what the wait does
ACTIONS = [
    ("NOT_STARTED", False, False, Action.STOP),
    ("NOT_STARTED", False, True, Action.WAIT),
    ("IN_PROGRESS", False, False, Action.WAIT),
    ("IN_PROGRESS", False, True, Action.WAIT),
    ("FAILED", False, False, Action.STOP),
    ("FAILED", False, True, Action.STOP),
    ("SUCCEEDED", False, False, Action.STOP),
    ("SUCCEEDED", False, True, Action.STOP),
    ("SUCCEEDED", True, False, Action.STOP),  # stale, exported as such
    ("SUCCEEDED", True, True, Action.WAIT),  # stale: wait for a newer publish
]


@pytest.mark.parametrize(("status", "stale", "wait_for_start", "expected"), ACTIONS)
def test_what_the_wait_does_on_each_status_and_freshness(status, stale, wait_for_start, expected):
    assert action(status, wait_for_start, stale) is expected


# status, stale -> startBulkPublish calls BulkPublish
STARTS = [
    ("NOT_STARTED", False, True),
    ("FAILED", False, True),
    ("SUCCEEDED", True, True),
    ("SUCCEEDED", False, False),  # fresh: nothing to do
    ("IN_PROGRESS", False, False),  # a second `pulumi up` during a publish starts nothing
    ("IN_PROGRESS", True, False),
]


@pytest.mark.parametrize(("status", "stale", "expected"), STARTS)
def test_when_start_bulk_publish_starts_one(status, stale, expected):
    assert should_start(status, stale) is expected


def test_the_earliest_next_start_is_24_hours_after_the_success():
    assert next_start_after(COMPLETE) == COMPLETE + timedelta(hours=24)
    assert next_start_after(None) is None


def test_the_gate_reasons_are_the_output_contract():
    assert GATE_REASONS == ("open", "in_progress", "failed", "not_started", "stale")


# The verdict: every status x bound x whether this run started one (or was refused).
BOUND_CASES = {
    "no bound": (COMPLETE, None),
    "bound before": (COMPLETE, COMPLETE - HOUR),
    "bound after": (COMPLETE, COMPLETE + HOUR),
    "no complete time": (None, COMPLETE),
}
START_CASES = ("none", "started", "already_streamed")
FAILURE = "Kinesis PutRecords was denied"


def expected_reason(status: str, bound_case: str) -> str:
    if status == "SUCCEEDED":
        return "open" if bound_case in ("no bound", "bound before") else "stale"
    return {"NOT_STARTED": "not_started", "IN_PROGRESS": "in_progress", "FAILED": "failed"}[status]


JUDGED = [
    (status, bound_case, start, expected_reason(status, bound_case))
    for status in STATUSES
    for bound_case in BOUND_CASES
    for start in START_CASES
]


START_OUTCOMES = {
    "none": None,
    "started": StartOutcome.STARTED,
    "already_streamed": StartOutcome.ALREADY_STREAMED,
}
"""Each start case: what BulkPublish answered this run."""


def seen_for(status: str, bound_case: str, start: str) -> tuple[WatchResult, datetime | None]:
    """One pool's wait in us-east-1 (timeoutSeconds=30) that ended on `status`, and the bound."""
    complete, bound = BOUND_CASES[bound_case]
    complete = complete if status == "SUCCEEDED" else None
    failure = FAILURE if status == "FAILED" else None
    details = BulkPublishDetails(POOL, status, COMPLETE - HOUR, complete, failure)
    result = WatchResult(
        POOL, details, timed_out=status == "IN_PROGRESS", elapsed=30.0, reads=3, read_at=30.0,
        started=START_OUTCOMES[start],
    )  # fmt: skip
    return result, bound


@pytest.mark.parametrize(("status", "bound_case", "start", "reason"), JUDGED)
def test_the_verdict_of_every_status_bound_and_start(status, bound_case, start, reason):
    seen, bound = seen_for(status, bound_case, start)
    next_start = (
        next_start_after(seen.details.complete_time) if start == "already_streamed" else None
    )
    verdict = judge(seen, "us-east-1", 30, bound)
    assert verdict.gate_reason == reason
    assert verdict.open is (reason == "open")
    assert verdict.exportable is True
    if verdict.open:
        assert (verdict.reason, verdict.message) == (None, None)
        return
    assert verdict.reason is Reason(reason)
    message = verdict.message
    assert POOL in message and "us-east-1" in message
    assert "The gate is closed" in message
    if reason == "stale":
        completed = "2026-11-23T10:00:00Z" if seen.details.complete_time else "an unknown time"
        assert f"SUCCEEDED at {completed}" in message
        assert f"freshness bound {bound:%Y-%m-%dT%H:%M:%SZ}" in message
        assert "completedAfter / maxAgeSeconds" in message and "relax the bound" in message
        if next_start is not None:
            assert "AlreadyStreamed" in message
            assert "may start at 2026-11-24T10:00:00Z at the earliest" in message
        else:
            assert "aws cognito-sync bulk-publish --identity-pool-id" in message
            assert "bulk-publish-gate:startBulkPublish" in message
    elif reason == "failed":
        assert FAILURE in message and "startBulkPublish" in message
    elif reason == "not_started":
        assert "no bulk publish has been started" in message and "waitForStart" in message
    else:
        assert "still IN_PROGRESS after 30s" in message and "timeoutSeconds=30" in message


def test_a_stale_wait_that_timed_out_is_still_stale():
    seen, bound = seen_for("SUCCEEDED", "bound after", "none")
    late = replace(seen, timed_out=True)
    assert judge(late, "us-east-1", 30, bound).gate_reason == "stale"


def test_reads_failing_at_the_end_is_no_gate_reason_and_not_exportable():
    seen, bound = seen_for("SUCCEEDED", "no bound", "none")
    failing = replace(seen, failed_reads=2, trailing_failures=2)
    verdict = judge(failing, "us-east-1", 30, bound)
    assert (verdict.open, verdict.exportable, verdict.reason) == (
        False,
        False,
        Reason.READS_FAILING,
    )
    assert verdict.gate_reason not in GATE_REASONS


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
