"""The verdict: what each status means for the wait, and whether a gate is open (and if not,
why and what to do).

Pure: no boto3, no Pulumi, no clock. `judge` takes one pool's `WatchResult` and returns a
small `Verdict`, whose reason is the `gateReason` output; freshness (`freshness_bound`,
`is_stale`) and the start decision (`should_start`) are judged here too, so the gate, the wait
and the operator command share one verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from .contract import STATUSES, Reason, StartOutcome, WatchResult
from .text import describe, format_duration, iso_utc


class Action(Enum):
    """What a status means for the wait."""

    STOP = "stop"
    """The status is settled: stop reading."""
    WAIT = "wait"
    """The status may still change: read again after a delay."""


SETTLED = {"NOT_STARTED": True, "IN_PROGRESS": False, "FAILED": True, "SUCCEEDED": True}
"""Each status of the contract and whether the wait stops on it."""


def action(status: str, wait_for_start: bool = False, stale: bool = False) -> Action:
    """What the wait does on `status`; waitForStart makes NOT_STARTED wait too, and a stale
    SUCCEEDED (one that completed before the freshness bound) wait for a newer publish."""
    if status not in STATUSES:
        raise ValueError(f"not a status of the contract: {status!r}")
    if wait_for_start and (status == "NOT_STARTED" or (status == "SUCCEEDED" and stale)):
        return Action.WAIT
    return Action.STOP if SETTLED[status] else Action.WAIT


STREAM_COOLDOWN = timedelta(hours=24)
"""One successful bulk publish per 24 hours (a service limit, not adjustable)."""


def freshness_bound(
    completed_after: datetime | None, max_age_seconds: float | None, now: datetime
) -> datetime | None:
    """The earliest completion that still opens the gate: the later of completedAfter and
    now - maxAgeSeconds (0 or None: no age bound); None when neither is set."""
    bounds = [completed_after] if completed_after else []
    if max_age_seconds:
        bounds.append(now - timedelta(seconds=max_age_seconds))
    return max(bounds) if bounds else None


def is_stale(status: str, complete_time: datetime | None, bound: datetime | None) -> bool:
    """A SUCCEEDED that completed before `bound` (or at an unknown time, with a bound set)."""
    if status != "SUCCEEDED" or bound is None:
        return False
    return complete_time is None or complete_time < bound


def should_start(status: str, stale: bool) -> bool:
    """Whether startBulkPublish starts one: NOT_STARTED, FAILED or stale; never while one is
    IN_PROGRESS (a second `pulumi up` during a publish starts nothing) or fresh SUCCEEDED."""
    return status in ("NOT_STARTED", "FAILED") or (status == "SUCCEEDED" and stale)


@dataclass(frozen=True)
class Verdict:
    """The judgement of one wait."""

    open: bool
    """True exactly when the status is SUCCEEDED and fresh (the `gateOpen` output)."""
    reason: Reason | None
    """Why it is closed; None when open."""
    message: str | None
    """What happened and what to do, for a user; None when open."""
    exportable: bool
    """False when the status must not be exported (the wait ended on failed reads): the run
    fails in observe mode too."""
    note: str | None = None
    """A sentence about failed reads along the way, when there were any."""

    @property
    def gate_reason(self) -> str:
        """The `gateReason` output: `open`, or why it is closed."""
        return "open" if self.open else (self.reason or Reason.READS_FAILING).value


_HELD = "The gate is closed: resources that depend on it were not deployed."


def judge(
    result: WatchResult, region: str, timeout_seconds: float, bound: datetime | None = None
) -> Verdict:
    """One pool's wait (`result`, which has an answer), judged: open, or closed with the reason,
    a message and what to do. `bound` is the freshness bound (see `freshness_bound`); None: any
    SUCCEEDED is fresh."""
    note = failures_note(result)
    if result.trailing_failures:
        return Verdict(False, Reason.READS_FAILING, _reads_failing(result, region), False, note)
    answer = result.details
    if answer.status == "SUCCEEDED" and not is_stale(answer.status, answer.complete_time, bound):
        return Verdict(True, None, None, True, note)
    reason, message = _closed(result, region, timeout_seconds, bound)
    return Verdict(False, reason, message + (f" {note}" if note else ""), True, note)


def failures_note(result: WatchResult) -> str | None:
    """`2 of 5 reads failed and were retried; the last: TransientError: ...`, or None."""
    if not result.failed_reads and not result.start_failures:
        return None
    total = result.reads + result.failed_reads
    said = [f"{result.failed_reads} of {total} reads failed"] if result.failed_reads else []
    said += [f"BulkPublish failed {result.start_failures} time(s)"] if result.start_failures else []
    return f"{' and '.join(said)}; the last: {describe(result.last_error)}"


def _head(pool: str, region: str) -> str:
    return f"bulk publish of identity pool {pool} ({region})"


def _reads_failing(result: WatchResult, region: str) -> str:
    checked = format_duration(max(result.elapsed - result.read_at, 0.0))
    return (
        f"could not read the {_head(result.pool, region)} at the end of the wait: the last "
        f"{result.trailing_failures} read(s) failed, after {format_duration(result.elapsed)}. "
        f"{failures_note(result)}. The last answer, {checked} before the end, said "
        f"{result.details.status}; it is not exported as current. Throttling, 5xx answers and "
        "network failures are retried until timeoutSeconds: check access to the Cognito Sync "
        "endpoint and run `pulumi up` again."
    )


def _closed(
    result: WatchResult, region: str, timeout_seconds: float, bound: datetime | None
) -> tuple[Reason, str]:
    pool, answer, waited = result.pool, result.details, format_duration(result.elapsed)
    started = iso_utc(answer.start_time)
    since = f", started {started}" if started else ""
    start_cmd = f"aws cognito-sync bulk-publish --identity-pool-id {pool} --region {region}"
    if result.awaiting_publish:
        lost = "asked for (BulkPublish's answer was lost)"
        what = "started" if result.started is not None else lost
        return Reason.IN_PROGRESS, (
            f"the bulk publish this run {what} for identity pool {pool} ({region}) was not "
            f"seen yet after {waited} (timeoutSeconds={timeout_seconds:g}): the last read still "
            f"said {answer.status}, about the one before. {_HELD} Run `pulumi up` again to keep "
            "waiting (a run during a publish never starts a second one)."
        )
    if answer.status == "SUCCEEDED":
        return Reason.STALE, _stale(result, region, bound, start_cmd)
    if answer.status == "IN_PROGRESS":
        return Reason.IN_PROGRESS, (
            f"{_head(pool, region)} is still {answer.status} after {waited}{since} "
            f"(timeoutSeconds={timeout_seconds:g}). {_HELD} Run `pulumi up` again to keep "
            "waiting, or raise bulk-publish-gate:timeoutSeconds."
        )
    if answer.status == "FAILED":
        return Reason.FAILED, (
            f"{_head(pool, region)} FAILED{since}: {answer.failure_message or 'no failure message'}"
            f". {_HELD} Fix the cause{_stream_hint(answer.failure_message)}, start a new bulk "
            f"publish (`{start_cmd}`, or set bulk-publish-gate:startBulkPublish), then run "
            "`pulumi up` again."
        )
    if result.timed_out:  # waitForStart waited for a start that did not come
        return Reason.NOT_STARTED, (
            f"no bulk publish was started for identity pool {pool} ({region}) within {waited} "
            f"(timeoutSeconds={timeout_seconds:g}, waitForStart). {_HELD} Start one "
            f"(`{start_cmd}`) and run `pulumi up` again."
        )
    return Reason.NOT_STARTED, (
        f"no bulk publish has been started for identity pool {pool} ({region}). {_HELD} "
        f"Start one (`{start_cmd}`) and run `pulumi up` again, or set "
        "bulk-publish-gate:waitForStart to wait for one."
    )


def _stale(result: WatchResult, region: str, bound: datetime | None, start_cmd: str) -> str:
    complete_time = result.details.complete_time
    head = (
        f"the last bulk publish of identity pool {result.pool} ({region}) SUCCEEDED at "
        f"{iso_utc(complete_time) or 'an unknown time'}, before the freshness bound "
        f"{iso_utc(bound)} (bulk-publish-gate:completedAfter / maxAgeSeconds): it is stale. "
    )
    streamed = result.started is StartOutcome.ALREADY_STREAMED
    if streamed and (next_start := next_start_after(complete_time)) is not None:
        return head + (
            f"{_HELD} A bulk publish succeeded within the last 24 hours (AlreadyStreamed: one "
            f"success per 24 hours), so a new one may start at {iso_utc(next_start)} at the "
            "earliest; run `pulumi up` again then, or relax the bound."
        )
    return head + (
        f"{_HELD} Start a new bulk publish (`{start_cmd}`, or set "
        "bulk-publish-gate:startBulkPublish) and run `pulumi up` again, or relax the bound."
    )


def _stream_hint(failure_message: str | None) -> str:
    """Advice when a publish failed on the pool's stream (none configured, or DISABLED)."""
    text = (failure_message or "").lower()
    if "stream" not in text:
        return ""
    return (
        " (the pool's Cognito stream: check its CognitoStreams configuration with "
        "GetIdentityPoolConfiguration, and set StreamName, RoleArn and StreamingStatus ENABLED "
        "with SetIdentityPoolConfiguration)"
    )


def next_start_after(complete_time: datetime | None) -> datetime | None:
    """The earliest a new bulk publish may start after a success at `complete_time`."""
    return complete_time + STREAM_COOLDOWN if complete_time else None


STATUS_PRECEDENCE = ("FAILED", "IN_PROGRESS", "NOT_STARTED", "SUCCEEDED")
"""Many pools: the top-level `bulkPublishStatus` is the first of these that any pool shows."""
REASON_PRECEDENCE = (
    Reason.READS_FAILING,
    Reason.FAILED,
    Reason.IN_PROGRESS,
    Reason.NOT_STARTED,
    Reason.STALE,
)
"""Many pools: the top-level `gateReason` is the first of these that any closed pool has."""


def aggregate_status(statuses: list[str]) -> str:
    """The status that speaks for several pools: FAILED if any failed, else IN_PROGRESS if any
    is running, else NOT_STARTED if any never started, else SUCCEEDED."""
    return next(status for status in STATUS_PRECEDENCE if status in statuses)


def aggregate(verdicts: dict[str, Verdict]) -> Verdict:
    """Several pools' verdicts as one: open only when every pool is open; otherwise the reason
    by REASON_PRECEDENCE and a message naming each pool that is not open, with its own."""
    notes = [f"{pool}: {v.note}" for pool, v in verdicts.items() if v.note]
    note = "; ".join(notes) or None
    closed = {pool: v for pool, v in verdicts.items() if not v.open}
    if not closed:
        return Verdict(True, None, None, True, note)
    reasons = {v.reason for v in closed.values()}
    reason = next(r for r in REASON_PRECEDENCE if r in reasons)
    lines = "\n".join(f"  - {pool} ({v.gate_reason}): {v.message}" for pool, v in closed.items())
    message = f"{len(closed)} of {len(verdicts)} identity pools are not open:\n{lines}"
    exportable = all(v.exportable for v in verdicts.values())
    return Verdict(False, reason, message, exportable, note)
