"""Progress lines for a waiting deployment: each status change, and a heartbeat while waiting."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .waiting import Progress

HEARTBEAT_SECONDS = 30.0
"""While nothing changes, a line at most this often."""


def format_duration(seconds: float) -> str:
    """`75.2` -> `1m15s`; `3725` -> `1h02m05s`."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{seconds:.1f}s" if seconds < 10 else f"{secs}s"


def iso_utc(moment: datetime | None) -> str | None:
    """A UTC datetime as `2026-11-23T12:00:00Z` (no fraction: the API has whole seconds)."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class ProgressReporter:
    """Turns wait steps into lines; throttled by the wait's own elapsed time, so it is pure.

    Each call returns the seconds until the next heartbeat is due, so the wait calls again by
    then, even while it sleeps or a read is in flight: no gap between lines exceeds it.
    """

    def __init__(
        self,
        identity_pool_id: str,
        write: Callable[[str], None] | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.identity_pool_id = identity_pool_id
        self.write = write or _write_stderr
        self.heartbeat_seconds = heartbeat_seconds
        self._last_key: str | None = None
        self._last_at: float | None = None

    def __call__(self, step: Progress) -> float:
        if self._last_at is None and step.in_flight == 0.0:
            # The wait's first call, as its first read starts: start the heartbeat clock quietly.
            self._last_at = step.elapsed
            return self.heartbeat_seconds
        key = _key(step)
        # (a microsecond early counts: the wait's clock arithmetic is floating point)
        due = self._last_at is None or step.elapsed - self._last_at >= self.heartbeat_seconds - 1e-6
        if key != self._last_key or due:
            self._last_key, self._last_at = key, step.elapsed
            self.write(self.line(step))
        return self.heartbeat_seconds - (step.elapsed - self._last_at)

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
        if step.error is not None:
            return f"{head}: read failed after {waited} ({step.error}); retrying, {after}"
        details = step.details
        started = iso_utc(details.start_time) if details else None
        since = f", bulk publish started {started}" if started else ""
        status = details.status if details else "unknown"
        return f"{head}: {status} (waiting {waited}{since}); {after}"


class PoolsSummary:
    """Progress of a gate on many pools: one line with the count of each status, on every change
    of the counts and at least every heartbeat, instead of a line per pool per read. Called from
    every pool's wait thread."""

    def __init__(
        self,
        pools: tuple[str, ...],
        write: Callable[[str], None] | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.write = write or _write_stderr
        self.heartbeat_seconds = heartbeat_seconds
        self._latest = dict.fromkeys(pools, "no answer yet")
        self._lock = threading.Lock()
        self._elapsed = 0.0
        self._last_key: tuple | None = None
        self._last_at: float | None = None

    def tracker(self, pool: str) -> _PoolTracker:
        """The reporter one pool's wait calls."""
        return _PoolTracker(self, pool)

    def update(self, pool: str, step: Progress) -> float:
        with self._lock:
            if step.details is not None:
                self._latest[pool] = step.details.status
            elif step.error is not None:
                self._latest[pool] = "read failing"
            self._elapsed = max(self._elapsed, step.elapsed)
            key = tuple(sorted(Counter(self._latest.values()).items()))
            if self._last_at is None:
                self._last_key, self._last_at = key, self._elapsed
                return self.heartbeat_seconds
            due = self._elapsed - self._last_at >= self.heartbeat_seconds - 1e-6
            if key != self._last_key or due:
                self._last_key, self._last_at = key, self._elapsed
                self.write(self.line())
            return max(self.heartbeat_seconds - (self._elapsed - self._last_at), 0.001)

    def line(self) -> str:
        """`bulk-publish-gate: 10 pools: 7 SUCCEEDED, 3 IN_PROGRESS (waiting 1m02s)`."""
        counts = Counter(self._latest.values())
        said = ", ".join(f"{counts[status]} {status}" for status in sorted(counts))
        waited = format_duration(self._elapsed)
        return f"bulk-publish-gate: {len(self._latest)} pools: {said} (waiting {waited})"


class _PoolTracker:
    def __init__(self, summary: PoolsSummary, pool: str) -> None:
        self.summary, self.pool = summary, pool

    def __call__(self, step: Progress) -> float:
        return self.summary.update(self.pool, step)

    def write(self, line: str) -> None:
        self.summary.write(line)


def _key(step: Progress) -> str:
    if step.in_flight is not None:
        return "in-flight"
    if step.error is not None:
        return f"error:{type(step.error).__name__}"
    return f"status:{step.details.status if step.details else None}"


def _write_stderr(line: str) -> None:
    # The provider has no engine connection: the CLI shows a dynamic provider's stderr live.
    print(line, file=sys.stderr, flush=True)
