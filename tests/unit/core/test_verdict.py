"""The verdict as tables: what each status means for the wait, freshness (the bound,
staleness), when startBulkPublish starts one, and the verdict (open, gateReason, message) over
every status x bound x start outcome."""

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
from components.core.errors import ReadTimedOutError, TransientError
from components.core.verdict import (
    Action,
    action,
    freshness_bound,
    is_stale,
    judge,
    next_start_after,
    should_start,
)

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


STARTED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


# status, waitForStart -> what the wait does
ACTIONS = [
    ("NOT_STARTED", False, Action.STOP),
    ("NOT_STARTED", True, Action.WAIT),
    ("IN_PROGRESS", False, Action.WAIT),
    ("IN_PROGRESS", True, Action.WAIT),
    ("FAILED", False, Action.STOP),
    ("FAILED", True, Action.STOP),
    ("SUCCEEDED", False, Action.STOP),
    ("SUCCEEDED", True, Action.STOP),
]


@pytest.mark.parametrize(("status", "wait_for_start", "expected"), ACTIONS)
def test_each_status_and_what_the_wait_does(status, wait_for_start, expected):
    assert action(status, wait_for_start) is expected


def test_the_table_is_exactly_the_contracts_four_statuses():
    assert set(STATUSES) == {"NOT_STARTED", "IN_PROGRESS", "FAILED", "SUCCEEDED"}
    with pytest.raises(ValueError, match="CANCELLED"):
        action("CANCELLED")


def seen(
    status: str = "SUCCEEDED", start_time: datetime | None = STARTED, **changes
) -> WatchResult:
    """One pool's wait in us-east-1 (timeoutSeconds=60) that ended on `status`."""
    failure = "Kinesis denied" if status == "FAILED" else None
    details = BulkPublishDetails(POOL, status, start_time, failure_message=failure)
    facts = {"timed_out": False, "elapsed": 75.0, "reads": 4, "read_at": 75.0}
    return WatchResult(POOL, details, **{**facts, **changes})


THROTTLED = TransientError("Cognito Sync could not answer (ThrottlingException: slow down)")


SLOW = ReadTimedOutError("GetBulkPublishDetails did not answer within 6.0s")


FAILURES = {"failed_reads": 2, "last_error": THROTTLED}


# facts -> (open, reason, exportable, fragments of the message)
VERDICTS = [
    (seen(), True, None, True, []),
    (seen(**FAILURES), True, None, True, []),
    (
        seen("FAILED"),
        False,
        Reason.FAILED,
        True,
        ["FAILED, started 2026-11-23T12:00:00Z: Kinesis denied", "start a new bulk publish"],
    ),
    (
        seen("NOT_STARTED", start_time=None),
        False,
        Reason.NOT_STARTED,
        True,
        ["no bulk publish has been started", "waitForStart", "aws cognito-sync bulk-publish"],
    ),
    (
        seen("IN_PROGRESS", timed_out=True),
        False,
        Reason.IN_PROGRESS,
        True,
        ["still IN_PROGRESS after 1m15s", "timeoutSeconds=60", "Run `pulumi up` again"],
    ),
    (  # waitForStart waited for a start that did not come: nothing runs, so not_started
        seen("NOT_STARTED", start_time=None, timed_out=True),
        False,
        Reason.NOT_STARTED,
        True,
        ["no bulk publish was started", "within 1m15s", "waitForStart", "bulk-publish --identity"],
    ),
    (  # the deadline came before the publish this run started showed in a read
        seen("FAILED", timed_out=True, started=StartOutcome.STARTED, awaiting_publish=True),
        False,
        Reason.IN_PROGRESS,
        True,
        ["the bulk publish this run started", "still said FAILED, about the one before"],
    ),
    (
        seen("IN_PROGRESS", timed_out=True, **FAILURES),
        False,
        Reason.IN_PROGRESS,
        True,
        ["still IN_PROGRESS", "2 of 6 reads failed; the last: TransientError: ", "slow down"],
    ),
    (
        seen(
            "IN_PROGRESS",
            timed_out=True,
            failed_reads=3,
            trailing_failures=3,
            last_error=SLOW,
            read_at=35.0,  # 40s before the end
        ),
        False,
        Reason.READS_FAILING,
        False,
        [
            "the last 3 read(s) failed",
            "3 of 7 reads failed; the last: ReadTimedOutError: GetBulkPublishDetails did not",
            "The last answer, 40s before the end, said IN_PROGRESS; it is not exported",
            "check access to the Cognito Sync endpoint",
        ],
    ),
    (
        seen("SUCCEEDED", timed_out=True, failed_reads=1, trailing_failures=1, last_error=SLOW),
        False,
        Reason.READS_FAILING,
        False,
        ["said SUCCEEDED; it is not exported as current"],
    ),
]


@pytest.mark.parametrize(("facts", "is_open", "reason", "exportable", "fragments"), VERDICTS)
def test_each_verdict_with_its_reason_and_what_to_do(facts, is_open, reason, exportable, fragments):
    verdict = judge(facts, "us-east-1", 60)
    assert (verdict.open, verdict.reason, verdict.exportable) == (is_open, reason, exportable)
    assert (verdict.message is None) == is_open
    for fragment in [*fragments, POOL] if not is_open else []:
        assert fragment in verdict.message
    assert (verdict.note is not None) == (facts.failed_reads > 0)
    if verdict.message:
        assert "us-east-1" in verdict.message


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
FRESHNESS_ACTIONS = [
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


@pytest.mark.parametrize(("status", "stale", "wait_for_start", "expected"), FRESHNESS_ACTIONS)
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


def details(status: str, start: datetime | None, complete: datetime | None = None):
    return BulkPublishDetails(POOL, status, start_time=start, complete_time=complete)
