"""How often one pool is read and what its wait waits for (`WaitPolicy`), and the two delays
between calls: the doubling `Backoff` (with jitter) and the delay that follows a running job
(`FollowJob`). Pure; randomness is injected.

The delay before the next read follows the job (`FollowJob`) while the last answer is
IN_PROGRESS with a start time: 10 % of the job's age x U[0.5, 1), within [floor, cap]. The age
is the wall clock minus the job's start, and never less than the time this wait has watched
that start (monotonic), so clock skew cannot pin it. Otherwise (no start time, a failed call)
the delay is the doubling `Backoff`: retries are about the API, not the job.
"""

from __future__ import annotations

import math
import random as _random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

MAX_GROWTH_STEPS = 10
"""The backoff reaches its cap after at most this many calls, whatever the first interval."""
FOLLOW_FRACTION = 0.1
"""The follow delay is at most this fraction of the job's elapsed time (the top of its jitter)."""
FOLLOW_FLOOR_SECONDS = 1.0
"""The follow delay's least floor: a tiny pollIntervalSeconds must not read a fresh job in a
burst (unless maxPollIntervalSeconds is lower, which then is the floor)."""


@dataclass(frozen=True)
class Backoff:
    """Growing delays with "equal jitter": each delay lies in [base/2, base].

    The base doubles after each call; when doubling would need more than MAX_GROWTH_STEPS calls
    to reach the cap (a tiny first interval), it grows by the factor that reaches it in that many.
    """

    initial: float
    cap: float
    random: Callable[[], float] = _random.random

    def delay(self, attempt: int) -> float:
        """The delay after the `attempt`-th call (0-based)."""
        base = self.base(attempt)
        return base / 2 + self.random() * base / 2

    def base(self, attempt: int) -> float:
        """The un-jittered delay after the `attempt`-th call."""
        if self.initial >= self.cap or attempt <= 0:
            return min(self.initial, self.cap)
        span = math.log(self.cap) - math.log(self.initial)
        doublings = math.ceil(span / math.log(2))
        if doublings <= MAX_GROWTH_STEPS:
            return min(self.cap, math.ldexp(self.initial, min(attempt, doublings)))
        if attempt >= MAX_GROWTH_STEPS:
            return self.cap
        return min(self.cap, math.exp(math.log(self.initial) + attempt * span / MAX_GROWTH_STEPS))


@dataclass(frozen=True)
class FollowJob:
    """Delays that follow a running job: fraction x elapsed x U[0.5, 1), within [floor, cap]."""

    floor: float
    cap: float
    random: Callable[[], float] = _random.random
    fraction: float = FOLLOW_FRACTION

    def delay(self, elapsed: float) -> float:
        """The delay after a read that saw the job running for `elapsed` seconds."""
        base = self.fraction * max(elapsed, 0.0)
        return min(self.cap, max(self.floor, base / 2 + self.random() * base / 2))


@dataclass(frozen=True)
class WaitPolicy:
    """How often to read one pool, and what to wait for; the deadline is the run's."""

    poll_interval_seconds: float = 5.0
    """The first delay between reads; doubles from there."""
    max_poll_interval_seconds: float = 30.0
    """The cap of the delay."""
    wait_for_start: bool = False
    """Treat NOT_STARTED (and a stale SUCCEEDED) like IN_PROGRESS: someone is about to start."""
    fresh_after: datetime | None = None
    """The freshness bound: a SUCCEEDED that completed before it is stale."""
    start: bool = False
    """Start a bulk publish when the first answer is NOT_STARTED, FAILED or stale."""
    once: bool = False
    """Settle on the first answer, whatever it says (refresh, `status`): failed reads are still
    retried until the deadline, but no status is waited on."""

    def backoff(self, random: Callable[[], float] = _random.random) -> Backoff:
        """The delays after a failed call, or an answer with no running job."""
        return Backoff(self.poll_interval_seconds, self.max_poll_interval_seconds, random)

    def follow(self, random: Callable[[], float] = _random.random) -> FollowJob:
        """The delays while a job runs: its floor is the poll interval, at least
        FOLLOW_FLOOR_SECONDS unless the cap is lower."""
        cap = self.max_poll_interval_seconds
        floor = min(cap, max(self.poll_interval_seconds, FOLLOW_FLOOR_SECONDS))
        return FollowJob(floor, cap, random)

    def __post_init__(self) -> None:
        if self.poll_interval_seconds <= 0:
            raise ValueError("poll_interval_seconds must be more than 0")
        if self.max_poll_interval_seconds < self.poll_interval_seconds:
            raise ValueError("max_poll_interval_seconds must be at least poll_interval_seconds")
