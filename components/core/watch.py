"""One pool's wait as a state machine without I/O: it says which call is due and when, and takes
each answer or failure; the scheduler makes the calls (as tenacity's `iter()` returns actions
and its driver acts, or as botocore's retry policy decides and its caller sleeps).

    DECIDE --answer: start?--> START --outcome--> AFTER --answer about ours--> WATCH
    DECIDE --no start-------------------------------------------------------> WATCH
    WATCH --settled answer, the deadline, an error not retried--> DONE

DECIDE is there only with startBulkPublish (create and update). AlreadyStreamed reads again
(WATCH). A failed BulkPublish is retried after reading again: if the lost answer started one,
the read shows it and nothing starts twice. AFTER waits on answers about the publish before
ours, by the service's own start times.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from functools import partial

from .contract import BulkPublishDetails, StartOutcome, WatchResult
from .errors import BulkPublishGateError, CancelledError, ReadsFailedError, ReadTimedOutError
from .policy import WaitPolicy
from .text import describe, format_duration
from .verdict import Action, action, is_stale, should_start


class Kind(Enum):
    """The two calls a watch makes; the value is the operation's name."""

    READ = "GetBulkPublishDetails"
    START = "BulkPublish"


class Phase(Enum):
    DECIDE = "decide"
    START = "start"
    AFTER = "after"
    WATCH = "watch"
    DONE = "done"


@dataclass(frozen=True)
class Progress:
    """One step of a pool's wait, for progress lines."""

    pool: str
    elapsed: float
    """Seconds since the run began."""
    reads: int
    """Reads that answered so far."""
    details: BulkPublishDetails | None
    """The last answer, if any."""
    error: BulkPublishGateError | None
    """The retryable error of this step, if its call failed."""
    next_delay: float
    """Seconds until the next call."""
    failed_reads: int = 0
    lost_starts: int = 0
    """BulkPublish calls that failed, none STARTED since: a publish seen now is likely theirs."""
    in_flight: float | None = None
    """While a call is running: for how many seconds."""
    starting: bool = False
    """BulkPublish is being called."""
    started: StartOutcome | None = None
    """What BulkPublish just answered."""
    settled: bool = False
    """The wait on this pool is over (the run's summary follows)."""


_UTC_NOW = partial(datetime.now, UTC)


class Watch:
    """One pool's wait. Times are the run's monotonic clock; `wall` dates the job's start."""

    def __init__(
        self,
        pool: str,
        policy: WaitPolicy,
        *,
        label: str,
        random: Callable[[], float] = _random.random,
        wall: Callable[[], datetime] = _UTC_NOW,
    ) -> None:
        self.pool, self.policy, self.label, self.wall = pool, policy, label, wall
        self.backoff, self.follow = policy.backoff(random), policy.follow(random)
        self.phase = Phase.DECIDE if policy.start else Phase.WATCH
        self.began = self.due = self.read_at = self.job_seen = 0.0
        self.attempt = self.reads = self.failed_reads = self.trailing = 0
        self.start_failures = self.abandoned = 0
        self.last: BulkPublishDetails | None = None
        self.before: BulkPublishDetails | None = None
        """The answer a BulkPublish was decided on (the publish before ours)."""
        self.job_start: datetime | None = None
        self.checked_at: datetime | None = None
        self.started: StartOutcome | None = None
        self.last_error: BulkPublishGateError | None = None
        self.error: BulkPublishGateError | None = None
        self.timed_out = self.lost_start = self.awaiting = False
        self.ended: float | None = None

    def begin(self, at: float) -> None:
        """The run starts: the first read is due now."""
        self.began = self.due = at

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    def next_call(self) -> Kind:
        """The call that is due at `self.due`."""
        return Kind.START if self.phase is Phase.START else Kind.READ

    def answered(self, kind: Kind, answer: BulkPublishDetails | StartOutcome, at: float) -> None:
        """A call returned."""
        (self._started if kind is Kind.START else self._read)(answer, at)

    def failed(self, kind: Kind, error: BulkPublishGateError, at: float) -> None:
        """A call raised: retried with backoff when it may succeed later, else the end."""
        self.last_error = error
        if not error.retryable:
            self._end(at, error)
            return
        if kind is Kind.START:  # read again first: the call may have started one
            self.start_failures, self.phase = self.start_failures + 1, Phase.DECIDE
            self.lost_start = True
        else:
            self.failed_reads, self.trailing = self.failed_reads + 1, self.trailing + 1
        self._after(at, self.backoff.delay(self.attempt))

    def abandon(self, kind: Kind, ran: float, why: str, at: float) -> None:
        """The run's hard bound came while a call was in flight: it is left to finish alone."""
        self.abandoned += 1
        error = ReadTimedOutError(
            f"{self._what(kind)} did not answer within {format_duration(ran)} ({why}); the "
            "call was abandoned"
        )
        self.failed(kind, error, at)

    def expire(self, at: float) -> None:
        """The deadline came: the wait ends with what it has."""
        if self.done:
            return
        # Waiting for our publish to show: after it started, or after a BulkPublish whose
        # answer was lost (it may have started one; the next run reads first and sees).
        tried = self.lost_start and self.phase in (Phase.DECIDE, Phase.START)
        self.timed_out, self.awaiting = True, self.phase is Phase.AFTER or tried
        self._end(at, self._no_answer(at) if self.last is None else None)

    def stop(self, at: float, reason: str, calling: Kind | None = None) -> None:
        """The run was asked to stop (Ctrl-C, the engine gone) while `calling` was in flight.
        A BulkPublish in flight, or one whose answer was lost, may have started a publish that
        goes on without the run: the error says so (and the result is `awaiting_publish`)."""
        if self.done:
            return
        waited = format_duration(at - self.began)
        said = f"{reason}: stopped waiting on {self.pool} after {waited}"
        if calling is Kind.START or (self.lost_start and self.phase in (Phase.DECIDE, Phase.START)):
            self.awaiting, flying = True, "while BulkPublish was in flight"
            when = flying if calling is Kind.START else "after BulkPublish lost its answer"
            said = (
                f"{reason} {when}: a bulk publish of {self.pool} may have started, and goes on "
                f"without this run (stopped after {waited})"
            )
        self._end(at, CancelledError(said))

    def clamp(self, deadline: float) -> None:
        """No call is due after the run's deadline: the last one comes at it."""
        self.due = min(self.due, max(deadline, self.began))

    def progress(self, at: float, **step: object) -> Progress:
        """This wait as a progress step at time `at`."""
        lost = 0 if self.started is StartOutcome.STARTED else self.start_failures
        return Progress(
            self.pool, at - self.began, self.reads, self.last, step.pop("error", None),
            max(self.due - at, 0.0), self.failed_reads, lost, **step,
        )  # fmt: skip

    def result(self) -> WatchResult:
        return WatchResult(
            self.pool, self.last, self.timed_out, (self.ended or self.began) - self.began,
            self.reads, self.failed_reads, self.trailing, self.last_error, self.read_at,
            self.checked_at, self.started, self.start_failures,
            self.awaiting, self.abandoned, self.error,
        )  # fmt: skip

    # The transitions.

    def _read(self, details: BulkPublishDetails, at: float) -> None:
        self.reads, self.trailing = self.reads + 1, 0
        self.read_at, self.last = at - self.began, details
        self.checked_at = self.wall()
        if details.start_time is not None and details.start_time != self.job_start:
            self.job_start, self.job_seen = details.start_time, at
        if self.phase is Phase.DECIDE:
            if self.lost_start and not _previous(details, self.before):
                self.phase = Phase.WATCH  # the call that lost its answer started this one
            elif should_start(details.status, self._stale(details)):
                self.phase, self.before, self.due = Phase.START, details, at
                return
            else:
                self.phase = Phase.WATCH
        if self.phase is Phase.AFTER and not _previous(details, self.before):
            self.phase = Phase.WATCH
        if self.phase is Phase.WATCH and (self.policy.once or self._action(details) is Action.STOP):
            self._end(at)
            return
        self._after(at, self._delay(details, at))

    def _started(self, outcome: StartOutcome, at: float) -> None:
        self.started, self.attempt, self.due = outcome, 0, at  # read at once
        streamed = outcome is StartOutcome.ALREADY_STREAMED
        self.phase = Phase.WATCH if streamed else Phase.AFTER

    def _action(self, details: BulkPublishDetails) -> Action:
        # After AlreadyStreamed nothing may start for hours: judge the answer, do not wait.
        waits = self.policy.wait_for_start and self.started is not StartOutcome.ALREADY_STREAMED
        return action(details.status, waits, self._stale(details))

    def _stale(self, details: BulkPublishDetails) -> bool:
        return is_stale(details.status, details.complete_time, self.policy.fresh_after)

    def _delay(self, details: BulkPublishDetails, at: float) -> float:
        """Follow a running job with a known start; otherwise back off by doubling."""
        if details.status != "IN_PROGRESS" or details.start_time is None:
            return self.backoff.delay(self.attempt)
        wall = (self.wall() - self.job_start).total_seconds()
        return self.follow.delay(max(wall, at - self.job_seen))

    def _after(self, at: float, delay: float) -> None:
        self.due, self.attempt = at + delay, self.attempt + 1

    def _end(self, at: float, error: BulkPublishGateError | None = None) -> None:
        self.phase, self.ended, self.error = Phase.DONE, at, error

    def _what(self, kind: Kind) -> str:
        return self.label if kind is Kind.READ else f"BulkPublish for identity pool {self.pool}"

    def _no_answer(self, at: float) -> ReadsFailedError:
        head = f"gave up after {format_duration(at - self.began)} without one successful read"
        if self.last_error is None:  # queued behind the run's other calls until the deadline
            return ReadsFailedError(
                f"{head} of {self.label}: no read could start before the run's deadline (at "
                "most maxConcurrency calls are in flight at once); raise timeoutSeconds or "
                "maxConcurrency"
            )
        return ReadsFailedError(
            f"{head} of {self.label}: {self.failed_reads} read(s) failed; the last: "
            f"{describe(self.last_error)}"
        )


def _previous(details: BulkPublishDetails, before: BulkPublishDetails | None) -> bool:
    """The answer is still about the publish `before` showed (the one before ours): no start
    time, an older one, or that one with the same status (a publish started within the same
    second as the previous one shows the same start time with another status)."""
    if before is None:
        return False
    if details.start_time is None or before.start_time is None:
        return details.start_time is None
    if details.start_time != before.start_time:
        return details.start_time < before.start_time
    return details.status == before.status
