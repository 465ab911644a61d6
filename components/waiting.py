"""The wait: read until the bulk publish settles, with jittered backoff and a hard deadline.

Pure logic: the clock, the sleep and the randomness are injected, so tests run it instantly.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from .errors import BulkPublishGateError, TransientError

if TYPE_CHECKING:
    from .cognito_sync import BulkPublishDetails


class Action(Enum):
    """What a status means for the wait."""

    STOP = "stop"
    """The status is settled: stop reading."""
    WAIT = "wait"
    """The status may still change: read again after a delay."""


STATUS_TABLE: dict[str, Action] = {
    "SUCCEEDED": Action.STOP,
    "FAILED": Action.STOP,
    "IN_PROGRESS": Action.WAIT,
    "NOT_STARTED": Action.STOP,
}
"""Each status and what the wait does on it; a status not listed stops the wait."""


@dataclass(frozen=True)
class WaitPolicy:
    """How long and how often to read."""

    timeout_seconds: float
    """The longest the wait lasts; 0 reads once."""
    poll_interval_seconds: float = 5.0
    """The first delay between reads; doubles from there."""
    max_poll_interval_seconds: float = 30.0
    """The cap of the delay."""
    wait_for_start: bool = False
    """Treat NOT_STARTED like IN_PROGRESS (someone else is about to start a bulk publish)."""

    def __post_init__(self) -> None:
        if self.timeout_seconds < 0:
            raise ValueError("timeout_seconds must be 0 or more")
        if self.poll_interval_seconds <= 0:
            raise ValueError("poll_interval_seconds must be more than 0")
        if self.max_poll_interval_seconds < self.poll_interval_seconds:
            raise ValueError("max_poll_interval_seconds must be at least poll_interval_seconds")

    def action(self, status: str) -> Action:
        """What the wait does on this status."""
        if status == "NOT_STARTED" and self.wait_for_start:
            return Action.WAIT
        return STATUS_TABLE.get(status, Action.STOP)


@dataclass(frozen=True)
class Backoff:
    """Exponential delays with "equal jitter": each delay lies in [base/2, base]."""

    initial: float
    cap: float
    random: Callable[[], float] = _random.random

    def delay(self, attempt: int) -> float:
        """The delay after the `attempt`-th read (0-based)."""
        base = min(self.cap, self.initial * 2 ** min(attempt, 32))
        return base / 2 + self.random() * base / 2


@dataclass(frozen=True)
class Progress:
    """One step of the wait, for progress reports."""

    elapsed: float
    """Seconds since the wait began."""
    reads: int
    """Successful reads so far."""
    details: BulkPublishDetails | None
    """The last successful read, if any."""
    error: BulkPublishGateError | None
    """The transient error of this step, if the read failed."""
    next_delay: float
    """Seconds until the next read."""


@dataclass(frozen=True)
class WaitResult:
    """How the wait ended."""

    details: BulkPublishDetails
    """The last successful read."""
    timed_out: bool
    """True when the deadline came while the status still said to wait."""
    elapsed: float
    """Seconds the wait took."""
    reads: int
    """Successful reads made."""


def wait_for_bulk_publish(
    read: Callable[[], BulkPublishDetails],
    policy: WaitPolicy,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    random: Callable[[], float] = _random.random,
    on_progress: Callable[[Progress], None] | None = None,
) -> WaitResult:
    """Read until the status settles or the deadline passes; the only loop here that sleeps.

    Non-retryable errors propagate at once. Transient ones are retried inside the deadline;
    if no read ever succeeded, the last one propagates. No sleep crosses the deadline, so the
    wait overruns it by at most the duration of one read.
    """
    backoff = Backoff(policy.poll_interval_seconds, policy.max_poll_interval_seconds, random)
    start = clock()
    deadline = start + policy.timeout_seconds
    last: BulkPublishDetails | None = None
    reads = attempt = 0
    while True:
        error: BulkPublishGateError | None = None
        try:
            last = read()
            reads += 1
        except BulkPublishGateError as failure:
            if not failure.retryable:
                raise
            error = failure
        now = clock()
        if error is None and policy.action(last.status) is Action.STOP:
            return WaitResult(last, timed_out=False, elapsed=now - start, reads=reads)
        if now >= deadline:
            break
        delay = min(backoff.delay(attempt), deadline - now)
        attempt += 1
        if on_progress is not None:
            on_progress(Progress(now - start, reads, last, error, delay))
        sleep(delay)
    if last is None:
        raise TransientError(
            f"gave up after {policy.timeout_seconds:g}s without one successful read: {error}"
        ) from error
    return WaitResult(last, timed_out=True, elapsed=clock() - start, reads=reads)
