"""The shared words: the four statuses, an answer (`BulkPublishDetails`) and a start outcome,
how one pool's wait ended (`WatchResult`: the watch gives it, the verdict judges it),
`conform()` (what an answer may put in the outputs), the `gateReason` values, and the one
OUTPUTS table (stack output name <-> resource property <-> key in each pool's record).

Other stacks rely on these names and meanings (README: "Stack outputs"); they change only on
purpose. Imports only the two leaf modules (errors, text), which import nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .errors import BulkPublishGateError, UnexpectedAnswerError
from .text import clean_text

STATUSES = ("NOT_STARTED", "IN_PROGRESS", "FAILED", "SUCCEEDED")
"""The four values of `bulkPublishStatus`; no other value ever reaches the outputs."""


@dataclass(frozen=True)
class BulkPublishDetails:
    """What GetBulkPublishDetails says about the last bulk publish of a pool."""

    identity_pool_id: str
    """The pool that was asked about."""
    status: str
    """NOT_STARTED, IN_PROGRESS, FAILED or SUCCEEDED."""
    start_time: datetime | None = None
    """When the last bulk publish started, in UTC."""
    complete_time: datetime | None = None
    """When it completed, in UTC; set when SUCCEEDED."""
    failure_message: str | None = None
    """Why it failed; set only when FAILED, cleaned and cut to SERVICE_TEXT_LIMIT characters."""


class StartOutcome(Enum):
    """What BulkPublish answered."""

    STARTED = "started"
    """A new bulk publish is IN_PROGRESS."""
    ALREADY_RUNNING = "already_running"
    """DuplicateRequestException: one is IN_PROGRESS already; wait on it."""
    ALREADY_STREAMED = "already_streamed"
    """AlreadyStreamedException: one SUCCEEDED in the last 24 hours; none may start yet."""


@dataclass(frozen=True)
class WatchResult:
    """How one pool's wait ended."""

    pool: str
    details: BulkPublishDetails | None
    """The last answer; None when there was none (see `error`)."""
    timed_out: bool
    """The deadline came before the status settled (or while calls failed)."""
    elapsed: float
    """Seconds from the run's start to the end of this wait."""
    reads: int
    """Reads that answered."""
    failed_reads: int = 0
    trailing_failures: int = 0
    """Failed reads after the last answer: more than 0 means `details` is not current."""
    last_error: BulkPublishGateError | None = None
    read_at: float = 0.0
    """Seconds from the run's start to the answer in `details`."""
    checked_at: datetime | None = None
    """Wall-clock time (UTC) of that answer."""
    started: StartOutcome | None = None
    """What BulkPublish answered, when this wait called it."""
    start_failures: int = 0
    awaiting_publish: bool = False
    """The wait ended while answers were still about the publish before ours."""
    abandoned: int = 0
    """Calls still in flight at the run's hard bound, left to finish on their own."""
    error: BulkPublishGateError | None = None
    """Why there is no status: an error that is not retryable, no answer at all, a stop."""


class Reason(Enum):
    """Why a gate is closed; the value is the `gateReason` output (`open` when it is open)."""

    IN_PROGRESS = "in_progress"
    """The deadline came while a bulk publish was still running; the last read answered."""
    FAILED = "failed"
    """The last bulk publish FAILED."""
    NOT_STARTED = "not_started"
    """No bulk publish was ever started (or none started within the wait, with waitForStart)."""
    STALE = "stale"
    """SUCCEEDED, but it completed before the freshness bound (completedAfter/maxAgeSeconds)."""
    READS_FAILING = "reads_failing"
    """The wait ended on failed reads: there is no fresh status, so nothing is exported (never
    an output value)."""


GATE_REASONS = ("open", *(r.value for r in Reason if r is not Reason.READS_FAILING))
"""The values of the `gateReason` output."""


@dataclass(frozen=True)
class Output:
    """One output of the contract."""

    stack: str
    """The stack output's name, e.g. `bulkPublishStatus`."""
    prop: str
    """The resource property behind it, e.g. `bulk_publish_status`."""
    pool_key: str | None
    """Its short name in each pool's record of the `pools` output; None: not per pool."""
    kind: str
    """Its type: string, boolean, or pools (the map of each pool's record)."""
    doc: str
    """What it means (README: "Stack outputs")."""


OUTPUTS = (
    Output("identityPoolId", "identity_pool_id", None, "string", "The pool (several: the pools "
           "joined with `,`)."),
    Output("bulkPublishStatus", "bulk_publish_status", "status", "string", "NOT_STARTED, "
           "IN_PROGRESS, FAILED or SUCCEEDED, as last read (several pools: the first of FAILED, "
           "IN_PROGRESS, NOT_STARTED that any pool shows, else SUCCEEDED)."),
    Output("bulkPublishStartTime", "bulk_publish_start_time", "startTime", "string",
           "ISO-8601 UTC start of the last bulk publish (several pools: the earliest)."),
    Output("bulkPublishCompleteTime", "bulk_publish_complete_time", "completeTime", "string",
           "ISO-8601 UTC completion, set when SUCCEEDED (several pools: the latest, once all "
           "SUCCEEDED)."),
    Output("failureMessage", "failure_message", "failureMessage", "string", "Why the last bulk "
           "publish FAILED; set only then (several pools: the first three failed pools' and a "
           "count)."),
    Output("gateOpen", "gate_open", "gateOpen", "boolean", "True exactly when the status is "
           "SUCCEEDED and fresh (several pools: when every pool is)."),
    Output("gateReason", "gate_reason", "gateReason", "string", "open, or why the gate is "
           "closed: in_progress (still running at the deadline), failed, not_started, stale "
           "(SUCCEEDED before the freshness bound)."),
    Output("checkedAt", "checked_at", "checkedAt", "string", "ISO-8601 UTC time of the read "
           "(several pools: the oldest of their reads)."),
    Output("pools", "pools", None, "pools", "Several pools only: each pool id and its own "
           "status, startTime, completeTime, failureMessage, gateOpen, gateReason, checkedAt."),
)  # fmt: skip
"""Every output, in the README's order. `pools` is set only with several pools."""
STACK_OUTPUTS = {output.stack: output.prop for output in OUTPUTS}
"""Stack output name -> resource property."""
POOL_OUTPUTS = tuple(output for output in OUTPUTS if output.pool_key is not None)
"""The outputs each pool's record in `pools` holds, under their short names."""


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
