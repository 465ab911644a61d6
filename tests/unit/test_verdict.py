"""The verdict as tables: the status table, the output contract at the boundary, service text
made safe, messages bounded for gRPC, and each reason a gate is closed."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from components.core.contract import (
    STATUSES,
    BulkPublishDetails,
    Reason,
    StartOutcome,
    WatchResult,
    conform,
)
from components.core.errors import ReadTimedOutError, TransientError, UnexpectedAnswerError
from components.core.text import (
    ERROR_WIRE_LIMIT,
    SERVICE_TEXT_LIMIT,
    bounded_message,
    clean_text,
    wire_size,
)
from components.core.verdict import Action, action, judge

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
WHERE = f"identity pool {POOL} in us-east-1"
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


# BulkPublishStatus, FailureMessage -> (status, failure message) in the outputs
CONFORMING = [
    ("SUCCEEDED", None, ("SUCCEEDED", None)),
    ("SUCCEEDED", "stale text", ("SUCCEEDED", None)),  # only FAILED carries a message
    ("IN_PROGRESS", "x", ("IN_PROGRESS", None)),
    ("NOT_STARTED", "x", ("NOT_STARTED", None)),
    ("FAILED", "denied", ("FAILED", "denied")),
    ("FAILED", None, ("FAILED", None)),
    ("FAILED", "", ("FAILED", None)),
    ("FAILED", "\x1b[31mred\x1b[0m\nline", ("FAILED", "red line")),
    ("FAILED", 42, ("FAILED", "42")),
    ("FAILED", "\x1b[0m", ("FAILED", None)),
]


@pytest.mark.parametrize(("status", "message", "expected"), CONFORMING)
def test_answers_that_fit_the_contract(status, message, expected):
    assert conform(status, message, WHERE) == expected


# BulkPublishStatus -> how the error says what came
NONCONFORMING = [
    (None, "with no BulkPublishStatus"),
    ("CANCELLED", "BulkPublishStatus 'CANCELLED'"),
    ("succeeded", "BulkPublishStatus 'succeeded'"),
    ("", "BulkPublishStatus ''"),
    (" SUCCEEDED", "BulkPublishStatus 'SUCCEEDED'"),  # cleaned for display, still refused
    (3, "a BulkPublishStatus of type int (3)"),
    (True, "of type bool (True)"),
    (["SUCCEEDED"], "of type list (['SUCCEEDED'])"),
    ("\x1b[2J" + "X" * 5000, "BulkPublishStatus 'XXXX"),
]


@pytest.mark.parametrize(("status", "said"), NONCONFORMING)
def test_answers_outside_the_contract_are_a_clear_error_never_an_output(status, said):
    with pytest.raises(UnexpectedAnswerError) as failure:
        conform(status, "msg", WHERE)
    message = str(failure.value)
    assert said in message
    assert WHERE in message
    assert "NOT_STARTED, IN_PROGRESS, FAILED, SUCCEEDED" in message
    assert failure.value.retryable is False
    assert "\x1b" not in message and len(message) < 600


# raw service text -> what may reach an error, a progress line or state
CLEANED = [
    ("plain text", "plain text"),
    ("\x1b[1;31mALERT\x1b[0m done", "ALERT done"),
    ("title\x1b]0;pwned\x07 after", "title after"),
    ("link \x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\", "link text"),
    ("a\x9b2Jb", "ab"),
    ("bell\x07 back\x08space", "bell backspace"),
    ("two\r\nlines\tand\x0btabs", "two lines and tabs"),
    ("bidi \u202eevil\u202c ok", "bidi evil ok"),
    ("para\u2028sep", "para sep"),
    ("nul\x00byte\x7f", "nulbyte"),
    ("   padded   ", "padded"),
    ("ünïcödé 日本 ✓", "ünïcödé 日本 ✓"),
]


@pytest.mark.parametrize(("raw", "clean"), CLEANED)
def test_service_text_is_stripped_of_escapes_and_control_characters(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("size", [SERVICE_TEXT_LIMIT - 1, SERVICE_TEXT_LIMIT, 15 * 1024, 10**6])
def test_service_text_is_cut_to_the_limit_saying_so(size):
    text = clean_text("\x1b[31m" + "é" * size)
    assert len(text) <= SERVICE_TEXT_LIMIT
    assert text.startswith("é")
    assert ("characters, cut]" in text) == (size > SERVICE_TEXT_LIMIT)
    assert not any(unicodedata.category(c) == "Cc" for c in text)


@pytest.mark.parametrize(
    ("text", "size"), [("abc", 3), ("100%", 6), ("é", 6), ("日", 9), ("\n", 3), ("😀", 12)]
)
def test_wire_size_counts_grpc_percent_encoding(text, size):
    assert wire_size(text) == size


@pytest.mark.parametrize("filler", ["x", "%", "日", "😀"])
def test_bounded_messages_keep_the_pool_and_the_advice(filler):
    message = f"bulk publish of identity pool {POOL} FAILED: {filler * 20000}. Fix the cause."
    bounded = bounded_message(message)
    assert wire_size(bounded) <= ERROR_WIRE_LIMIT
    assert bounded.startswith(f"bulk publish of identity pool {POOL} FAILED: ")
    assert bounded.endswith(". Fix the cause.")
    assert "...[cut]..." in bounded
    assert bounded_message("short") == "short"


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
