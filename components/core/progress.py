"""Progress lines of a waiting deployment: for one pool, each change and a heartbeat; for many
pools, one line of counts. Both are sinks of the scheduler's steps, called from its one loop
thread, and return the seconds until they want a heartbeat."""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Callable

from .contract import StartOutcome
from .text import format_duration, iso_utc
from .watch import Progress

HEARTBEAT_SECONDS = 30.0
"""While nothing changes, a line at most this often."""
_STARTED = {
    StartOutcome.STARTED: "started a bulk publish; waiting for it",
    StartOutcome.ALREADY_RUNNING: "a bulk publish is already running (DuplicateRequest); "
    "waiting for it",
    StartOutcome.ALREADY_STREAMED: "BulkPublish refused: one already succeeded within the last "
    "24 hours (AlreadyStreamed); reading the status again",
}
OURS = "the bulk publish this gate started (its BulkPublish's answer was lost)"
"""After a BulkPublish that failed without an answer, the publish seen next: most likely the
one that call started, not someone else's."""


def write_stderr(line: str) -> None:
    """The provider has no engine connection: the CLI shows a dynamic provider's stderr live.
    A pipe to an engine that is gone must not end the wait (the engine watch ends the process)."""
    with contextlib.suppress(OSError, ValueError):  # BrokenPipeError; a closed stream
        print(line, file=sys.stderr, flush=True)


def start_line(step: Progress) -> str | None:
    """The line for a BulkPublish being called or answered; None for other steps."""
    head = f"bulk-publish-gate: {step.pool}"
    if step.starting:
        status = step.details.status if step.details else "unknown"
        return f"{head}: {status} and startBulkPublish is set: calling BulkPublish"
    if step.started is StartOutcome.ALREADY_RUNNING and step.lost_starts:
        return f"{head}: {OURS} is running (BulkPublish again: DuplicateRequest); waiting for it"
    return f"{head}: {_STARTED[step.started]}" if step.started else None


class _Heartbeat:
    """A line on every change of `key`, and at least every `seconds` of the run's time."""

    def __init__(self, write: Callable[[str], None] | None, seconds: float) -> None:
        self.write = write or write_stderr
        self.heartbeat_seconds = seconds
        self._last_key: object = None
        self._last_at: float | None = None

    def _due(self, key: object, elapsed: float) -> bool:
        # (a microsecond early counts: the loop's clock arithmetic is floating point)
        late = self._last_at is None or elapsed - self._last_at >= self.heartbeat_seconds - 1e-6
        if key != self._last_key or late:
            self._last_key, self._last_at = key, elapsed
            return True
        return False

    def _left(self, elapsed: float) -> float:
        return max(self.heartbeat_seconds - (elapsed - (self._last_at or 0.0)), 0.001)


class ProgressReporter(_Heartbeat):
    """One pool's lines: the status, what happens next, and for how long it has waited."""

    def __init__(self, identity_pool_id: str, write=None, heartbeat_seconds=HEARTBEAT_SECONDS):
        super().__init__(write, heartbeat_seconds)
        self.identity_pool_id = identity_pool_id
        self._lost_starts, self._lost_now = 0, False

    def __call__(self, step: Progress) -> float:
        # A step with one more lost BulkPublish reports that call's error, not a read's.
        self._lost_now = step.lost_starts > self._lost_starts
        self._lost_starts = step.lost_starts
        if self._last_at is None and step.in_flight == 0.0:
            self._last_at = step.elapsed  # the first read starts: the heartbeat counts from now
        elif (said := start_line(step)) is not None:
            self.write(said)
        elif not step.settled and self._due(_key(step), step.elapsed):
            self.write(self.line(step))
        return self._left(step.elapsed)

    def line(self, step: Progress) -> str:
        """One line: the pool, what is happening, for how long, and when the next read is."""
        head = f"bulk-publish-gate: {self.identity_pool_id}"
        waited = format_duration(step.elapsed)
        after = f"next read in {format_duration(step.next_delay)}"
        if step.in_flight is not None:
            status = step.details.status if step.details else "no answer yet"
            return (
                f"{head}: still waiting for an answer after {format_duration(step.in_flight)} "
                f"(waiting {waited}; last status: {status})"
            )
        if step.error is not None and self._lost_now:
            return (
                f"{head}: BulkPublish failed after {waited} ({step.error}); it may have started "
                f"one: reading the status first, {after}"
            )
        if step.error is not None:
            return f"{head}: read failed after {waited} ({step.error}); retrying, {after}"
        details = step.details
        started = iso_utc(details.start_time) if details else None
        since = f", bulk publish started {started}" if started else ""
        status = details.status if details else "unknown"
        if status == "IN_PROGRESS" and step.lost_starts and step.started is None:
            status = f"{status}, {OURS}"
        return f"{head}: {status} (waiting {waited}{since}); {after}"


class PoolsSummary(_Heartbeat):
    """Many pools: one line with the count of each status, on every change of the counts and at
    least every heartbeat, instead of a line per pool per read."""

    def __init__(self, pools: tuple[str, ...], write=None, heartbeat_seconds=HEARTBEAT_SECONDS):
        super().__init__(write, heartbeat_seconds)
        self._latest = dict.fromkeys(pools, "no answer yet")
        self._elapsed = 0.0

    def __call__(self, step: Progress) -> float:
        if step.details is not None:
            self._latest[step.pool] = step.details.status
        elif step.error is not None:
            self._latest[step.pool] = "read failing"
        self._elapsed = max(self._elapsed, step.elapsed)
        key = tuple(sorted(Counter(self._latest.values()).items()))
        if self._last_at is None:
            self._last_key, self._last_at = key, self._elapsed
        elif (said := start_line(step)) is not None:
            self.write(said)
        elif self._due(key, self._elapsed):
            self.write(self.line())
        return self._left(self._elapsed)

    def line(self) -> str:
        """`bulk-publish-gate: 10 pools: 7 SUCCEEDED, 3 IN_PROGRESS (waiting 1m02s)`."""
        counts = Counter(self._latest.values())
        said = ", ".join(f"{counts[status]} {status}" for status in sorted(counts))
        waited = format_duration(self._elapsed)
        return f"bulk-publish-gate: {len(self._latest)} pools: {said} (waiting {waited})"


def _key(step: Progress) -> str:
    if step.in_flight is not None:
        return "in-flight"
    if step.error is not None:
        return f"error:{type(step.error).__name__}"
    return f"status:{step.details.status if step.details else None}"
