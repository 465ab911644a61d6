"""The verdict: what each status means, what an answer may put in the outputs, and whether a
gate is open (and if not, why and what to do).

Pure: no boto3, no Pulumi, no clock. `judge` takes one `Seen` (one pool's wait) and returns a
small `Verdict`; freshness rules and multi-pool aggregation are meant to build on these two.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .errors import UnexpectedAnswerError
from .progress import format_duration, iso_utc


class Action(Enum):
    """What a status means for the wait."""

    STOP = "stop"
    """The status is settled: stop reading."""
    WAIT = "wait"
    """The status may still change: read again after a delay."""


STATUSES: dict[str, Action] = {
    "NOT_STARTED": Action.STOP,
    "IN_PROGRESS": Action.WAIT,
    "FAILED": Action.STOP,
    "SUCCEEDED": Action.STOP,
}
"""The four statuses of the output contract and what the wait does on each; no other value
ever reaches the outputs (see `conform`)."""


def action(status: str, wait_for_start: bool = False) -> Action:
    """What the wait does on `status`; waitForStart makes NOT_STARTED wait too."""
    if status not in STATUSES:
        raise ValueError(f"not a status of the contract: {status!r}")
    if status == "NOT_STARTED" and wait_for_start:
        return Action.WAIT
    return STATUSES[status]


SERVICE_TEXT_LIMIT = 1024
"""Characters of service text (a FailureMessage, an error message) kept; the rest is cut."""
ERROR_WIRE_LIMIT = 3072
"""Bytes an error message may take in gRPC's percent-encoded `grpc-message` trailer: gRPC's
metadata limits are 8 KiB (soft) and 16 KiB (hard), and the SDK sends our traceback (about
2 KiB) in the same trailer."""

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(value: object, limit: int = SERVICE_TEXT_LIMIT) -> str:
    """Service text made safe to print and store: one line, no escapes or control characters
    (ANSI sequences removed, line breaks and tabs become spaces), at most `limit` characters."""
    text = _ESCAPES.sub("", str(value))
    kept = []
    for char in text:
        kind = unicodedata.category(char)
        if char.isspace() or kind in ("Zl", "Zp"):
            kept.append(" ")
        elif kind not in ("Cc", "Cs") and char not in _BIDI:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) <= limit:
        return text
    marker = f" ...[{len(text)} characters, cut]"
    return text[: max(limit - len(marker), 0)] + marker


def wire_size(text: str) -> int:
    """Bytes `text` takes in a `grpc-message` trailer (printable ASCII but `%` as is, the rest
    as `%XX` per UTF-8 byte)."""
    return sum(1 if 0x20 <= b <= 0x7E and b != 0x25 else 3 for b in text.encode())


def bounded_message(text: str, limit: int = ERROR_WIRE_LIMIT) -> str:
    """`text` cut in the middle until it fits `limit` wire bytes: the head (which pool) and the
    tail (what to do) survive."""
    if wire_size(text) <= limit:
        return text
    marker = " ...[cut]... "
    budget = limit - wire_size(marker)
    head_budget, tail_budget = budget * 2 // 3, budget - budget * 2 // 3
    return _prefix(text, head_budget) + marker + _prefix(text[::-1], tail_budget)[::-1]


def _prefix(text: str, budget: int) -> str:
    used = 0
    for index, char in enumerate(text):
        used += wire_size(char)
        if used > budget:
            return text[:index]
    return text


def conform(status: object, failure_message: object, where: str) -> tuple[str, str | None]:
    """An answer's status and failure message as the output contract allows them.

    A missing, non-string or unknown status is an `UnexpectedAnswerError` (not retried) naming
    `where` and what came; a FailureMessage sent with a status other than FAILED is dropped;
    the message is cleaned and cut to SERVICE_TEXT_LIMIT.
    """
    if not isinstance(status, str) or status not in STATUSES:
        if status is None:
            said = "no BulkPublishStatus"
        elif isinstance(status, str):
            said = f"BulkPublishStatus {clean_text(status, 80)!r}"
        else:
            said = f"a BulkPublishStatus of type {type(status).__name__} ({clean_text(status, 80)})"
        raise UnexpectedAnswerError(
            f"Cognito Sync answered GetBulkPublishDetails for {where} with {said}; the gate "
            f"knows only {', '.join(STATUSES)}, so nothing is exported. Check that the endpoint "
            "(bulk-publish-gate:endpointUrl or AWS_ENDPOINT_URL_COGNITO_SYNC) is Cognito Sync."
        )
    if status != "FAILED" or failure_message in (None, ""):
        return status, None
    return status, clean_text(failure_message) or None


class Reason(Enum):
    """Why a gate is closed."""

    FAILED = "failed"
    """The last bulk publish FAILED."""
    NOT_STARTED = "not-started"
    """No bulk publish was ever started (and the wait did not wait for one)."""
    TIMED_OUT = "timed-out"
    """The deadline came while the status still said to wait; the last read answered."""
    READS_FAILING = "reads-failing"
    """The wait ended on failed reads: there is no fresh status to report."""


@dataclass(frozen=True)
class Seen:
    """One pool's wait, as the verdict needs it."""

    identity_pool_id: str
    region: str
    status: str
    """The status of the last read that answered."""
    start_time: datetime | None
    failure_message: str | None
    timed_out: bool
    """The deadline came while the status still said to wait."""
    elapsed: float
    """Seconds the wait took."""
    timeout_seconds: float
    reads: int
    """Reads that answered."""
    failed_reads: int = 0
    """Reads that failed (retried, or the last ones)."""
    trailing_failures: int = 0
    """Failed reads after the last one that answered: more than 0 means the status is stale."""
    last_error: Exception | None = None
    """The last failure, if any."""
    stale_seconds: float = 0.0
    """Seconds between the last answer and the end of the wait."""


@dataclass(frozen=True)
class Verdict:
    """The judgement of one wait."""

    open: bool
    """True exactly when the status is SUCCEEDED and fresh."""
    reason: Reason | None
    """Why it is closed; None when open."""
    message: str | None
    """What happened and what to do, for a user; None when open."""
    exportable: bool
    """False when the status must not be exported (the wait ended on failed reads): the run
    fails in observe mode too."""
    note: str | None = None
    """A sentence about failed reads along the way, when there were any."""


_HELD = "The gate is closed: resources that depend on it were not deployed."


def judge(seen: Seen) -> Verdict:
    """Open, or closed with the reason, a message and what to do."""
    note = failures_note(seen)
    if seen.trailing_failures:
        return Verdict(False, Reason.READS_FAILING, _reads_failing(seen), False, note)
    if seen.status == "SUCCEEDED":
        return Verdict(True, None, None, True, note)
    reason, message = _closed(seen)
    return Verdict(False, reason, message + (f" {note}" if note else ""), True, note)


def failures_note(seen: Seen) -> str | None:
    """`2 of 5 reads failed and were retried; the last: TransientError: ...`, or None."""
    if not seen.failed_reads:
        return None
    total = seen.reads + seen.failed_reads
    return f"{seen.failed_reads} of {total} reads failed; the last: {describe(seen.last_error)}"


def describe(error: BaseException | None) -> str:
    """An error as `ClassName: message`, the message cleaned and bounded."""
    if error is None:
        return "unknown error"
    return f"{type(error).__name__}: {clean_text(error, 2 * SERVICE_TEXT_LIMIT)}"


def _head(seen: Seen) -> str:
    return f"bulk publish of identity pool {seen.identity_pool_id} ({seen.region})"


def _reads_failing(seen: Seen) -> str:
    checked = format_duration(seen.stale_seconds)
    return (
        f"could not read the {_head(seen)} at the end of the wait: the last "
        f"{seen.trailing_failures} read(s) failed, after {format_duration(seen.elapsed)}. "
        f"{failures_note(seen)}. The last answer, {checked} before the end, said "
        f"{seen.status}; it is not exported as current. Throttling, 5xx answers and network "
        "failures are retried until timeoutSeconds: check access to the Cognito Sync endpoint "
        "and run `pulumi up` again."
    )


def _closed(seen: Seen) -> tuple[Reason, str]:
    pool, region = seen.identity_pool_id, seen.region
    started = iso_utc(seen.start_time)
    since = f", started {started}" if started else ""
    start_cmd = f"aws cognito-sync bulk-publish --identity-pool-id {pool} --region {region}"
    if seen.timed_out or seen.status == "IN_PROGRESS":
        return Reason.TIMED_OUT, (
            f"{_head(seen)} is still {seen.status} after {format_duration(seen.elapsed)}"
            f"{since} (timeoutSeconds={seen.timeout_seconds:g}). {_HELD} Run `pulumi up` "
            "again to keep waiting, or raise bulk-publish-gate:timeoutSeconds."
        )
    if seen.status == "FAILED":
        return Reason.FAILED, (
            f"{_head(seen)} FAILED{since}: {seen.failure_message or 'no failure message'}. "
            f"{_HELD} Fix the cause, start a new bulk publish (`{start_cmd}`), then run "
            "`pulumi up` again."
        )
    return Reason.NOT_STARTED, (
        f"no bulk publish has been started for identity pool {pool} ({region}). {_HELD} "
        f"Start one (`{start_cmd}`) and run `pulumi up` again, or set "
        "bulk-publish-gate:waitForStart to wait for one."
    )
