"""The wait: read until the bulk publish settles, with jittered backoff and a hard deadline.

The delay before the next read follows the job (`FollowJob`): while the last answer is
IN_PROGRESS with a start time, it is 10 % (FOLLOW_FRACTION) of the job's elapsed time times a
jitter drawn from [0.5, 1), clamped between the floor (pollIntervalSeconds, raised to
FOLLOW_FLOOR_SECONDS unless maxPollIntervalSeconds is lower) and maxPollIntervalSeconds, and
never past the deadline. The elapsed time is now minus the job's start time (wall clock, UTC;
negative skew counts as 0), and never less than the time since this wait first saw that start
time (monotonic clock), so a skewed clock cannot make the wait read at the floor for long. A
job that switches while the wait sleeps is therefore seen within max(floor, 10 % of its
elapsed time) and within one maxPollIntervalSeconds. With no start time (NOT_STARTED, a stale
or previous answer) and after a failed read, the delay is the doubling `Backoff`: retries are
about the API, not the job.

Pure logic: the clock, the wall clock, the sleep, the randomness and the way a read is run are
injected, so tests run it instantly. The real runner (`in_thread`) runs each read on a worker
thread so the wait can bound its WALL time: a read still running at the deadline plus
`read_margin_seconds` is abandoned (its thread left to finish on its own) and counts as a
failed, timed-out read.
"""

from __future__ import annotations

import math
import random as _random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from .errors import BulkPublishGateError, ReadsFailedError, ReadTimedOutError
from .progress import format_duration
from .verdict import Action, action, describe, is_stale

if TYPE_CHECKING:
    from .cognito_sync import BulkPublishDetails

READ_MARGIN_SECONDS = 5.0
"""How long past the deadline the last read may run before it is abandoned."""
MAX_GROWTH_STEPS = 10
"""The backoff reaches its cap after at most this many reads, whatever the first interval."""
FOLLOW_FRACTION = 0.1
"""The follow delay is at most this fraction of the job's elapsed time (the top of its jitter)."""
FOLLOW_FLOOR_SECONDS = 1.0
"""The follow delay's least floor: a tiny pollIntervalSeconds must not read a fresh job in a
burst (unless maxPollIntervalSeconds is lower, which then is the floor)."""
_MIN_TICK = 0.001


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
    read_margin_seconds: float = READ_MARGIN_SECONDS
    """A read may run until the deadline plus this; the wait's wall time is bounded by both."""
    fresh_after: datetime | None = None
    """The freshness bound: a SUCCEEDED that completed before it is stale (and, with
    wait_for_start, waited on until a newer publish settles)."""
    awaiting_new_publish: bool = False
    """Set once this run started a bulk publish: an answer about the previous publish (no start
    time, one before `previous_start`, or that one with `previous_status`) is waited on. Both
    times are the service's, so the rule does not depend on this machine's clock."""
    previous_start: datetime | None = None
    """The start time the pool showed before this run's BulkPublish (None: NOT_STARTED)."""
    previous_status: str | None = None
    """The status the pool showed then: the same start time with another status is the new
    publish (it started within the same second as the previous one)."""
    first_answer: bool = False
    """Stop at the first read that answers, whatever it says (the read that decides whether to
    start a bulk publish); failed reads before it are retried as always."""

    def __post_init__(self) -> None:
        if self.timeout_seconds < 0:
            raise ValueError("timeout_seconds must be 0 or more")
        if self.poll_interval_seconds <= 0:
            raise ValueError("poll_interval_seconds must be more than 0")
        if self.max_poll_interval_seconds < self.poll_interval_seconds:
            raise ValueError("max_poll_interval_seconds must be at least poll_interval_seconds")
        if self.read_margin_seconds < 0:
            raise ValueError("read_margin_seconds must be 0 or more")

    def action(self, status: str) -> Action:
        """What the wait does on this status."""
        return action(status, self.wait_for_start)

    def action_on(self, details: BulkPublishDetails) -> Action:
        """What the wait does on this answer: its status, its freshness, and whether it is
        still about a publish older than the one this run started."""
        if self.first_answer:
            return Action.STOP
        if self.awaiting_new_publish and self._previous(details):
            return Action.WAIT
        stale = is_stale(details.status, details.complete_time, self.fresh_after)
        return action(details.status, self.wait_for_start, stale)

    def _previous(self, details: BulkPublishDetails) -> bool:
        """The answer is still about the publish before this run's BulkPublish."""
        if details.start_time is None or self.previous_start is None:
            return details.start_time is None
        if details.start_time != self.previous_start:
            return details.start_time < self.previous_start
        return self.previous_status in (None, details.status)


@dataclass(frozen=True)
class Backoff:
    """Growing delays with "equal jitter": each delay lies in [base/2, base].

    The base doubles after each read; when doubling would need more than MAX_GROWTH_STEPS reads
    to reach the cap (a tiny first interval), it grows by the factor that reaches it in that many.
    """

    initial: float
    cap: float
    random: Callable[[], float] = _random.random

    def delay(self, attempt: int) -> float:
        """The delay after the `attempt`-th read (0-based)."""
        base = self.base(attempt)
        return base / 2 + self.random() * base / 2

    def base(self, attempt: int) -> float:
        """The un-jittered delay after the `attempt`-th read."""
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
    """Delays that follow a running job: fraction x elapsed x U[0.5, 1), within [floor, cap].

    The jitter's top is the fraction itself, so a switch is seen within max(floor, fraction x
    elapsed) and within the cap; a negative elapsed (clock skew) counts as 0.
    """

    floor: float
    cap: float
    random: Callable[[], float] = _random.random
    fraction: float = FOLLOW_FRACTION

    def delay(self, elapsed: float) -> float:
        """The delay after a read that saw the job running for `elapsed` seconds."""
        base = self.fraction * max(elapsed, 0.0)
        return min(self.cap, max(self.floor, base / 2 + self.random() * base / 2))


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
    failed_reads: int = 0
    """Failed reads so far."""
    in_flight: float | None = None
    """While a read is still running: for how many seconds."""


@dataclass(frozen=True)
class WaitResult:
    """How the wait ended."""

    details: BulkPublishDetails
    """The last successful read."""
    timed_out: bool
    """True when the deadline came while the status still said to wait (or reads failed)."""
    elapsed: float
    """Seconds the wait took."""
    reads: int
    """Successful reads made."""
    failed_reads: int = 0
    """Reads that failed, retried or not."""
    trailing_failures: int = 0
    """Failed reads after the last successful one: more than 0 means `details` is stale."""
    last_error: BulkPublishGateError | None = None
    """The last failure, if any."""
    read_at: float = 0.0
    """Seconds after the start when the answer in `details` arrived."""


class Pending(Protocol):
    """A read that was started."""

    def wait(self, seconds: float) -> bool:
        """Block up to `seconds`; True once the read has finished."""

    def result(self) -> BulkPublishDetails:
        """The answer, or raise what the read raised; only after `wait` said True."""


Reader = Callable[[], "BulkPublishDetails"]


class _OnThread:
    def __init__(self, read: Reader) -> None:
        self._done = threading.Event()
        self._value: BulkPublishDetails | None = None
        self._error: BaseException | None = None
        name = "bulk-publish-gate-read"
        threading.Thread(target=self._run, args=(read,), name=name, daemon=True).start()

    def _run(self, read: Reader) -> None:
        try:
            self._value = read()
        except BaseException as error:
            self._error = error
        finally:
            self._done.set()

    def wait(self, seconds: float) -> bool:
        return self._done.wait(max(seconds, 0.0))

    def result(self) -> BulkPublishDetails:
        if self._error is not None:
            raise self._error
        return self._value


def in_thread(read: Reader) -> Pending:
    """Run `read` on a daemon thread, so that the wait can stop waiting for it."""
    return _OnThread(read)


class _Done:
    def __init__(self, read: Reader) -> None:
        self._value: BulkPublishDetails | None = None
        self._error: Exception | None = None
        try:
            self._value = read()
        except Exception as error:
            self._error = error

    def wait(self, _seconds: float) -> bool:
        return True

    def result(self) -> BulkPublishDetails:
        if self._error is not None:
            raise self._error
        return self._value


def inline(read: Reader) -> Pending:
    """Run `read` now, on the calling thread: no wall-time bound (benchmarks, simple callers)."""
    return _Done(read)


def wait_for_bulk_publish(
    read: Reader,
    policy: WaitPolicy,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    random: Callable[[], float] = _random.random,
    on_progress: Callable[[Progress], float | None] | None = None,
    start: Callable[[Reader], Pending] = in_thread,
    label: str = "GetBulkPublishDetails",
    now: Callable[[], datetime] = _utc_now,
) -> WaitResult:
    """Read until the status settles or the deadline passes; the only loop here that sleeps.

    Non-retryable errors propagate at once. Transient ones are retried inside the deadline; if
    no read ever succeeded, a ReadsFailedError says how many failed and the last error. No
    sleep crosses the deadline and no read outlives deadline + read_margin_seconds, so that is
    the bound on the wall time. `on_progress` is called as the first read starts, after each
    read, and, when it returns the seconds until it wants to be called again, by then, even
    while the wait sleeps or a read is in flight. `now` is the wall clock (UTC) that dates the
    job's start time (see the module docstring for how the delay is chosen).
    """
    return _Wait(read, policy, clock, sleep, random, on_progress, start, label, now).run()


class _Wait:
    def __init__(self, read, policy, clock, sleep, random, on_progress, start, label, now):
        self.read, self.policy, self.clock, self.sleep = read, policy, clock, sleep
        self.on_progress, self.start, self.label, self.now = on_progress, start, label, now
        interval, cap = policy.poll_interval_seconds, policy.max_poll_interval_seconds
        self.backoff = Backoff(interval, cap, random)
        self.follow = FollowJob(min(cap, max(interval, FOLLOW_FLOOR_SECONDS)), cap, random)
        self.job_start: datetime | None = None
        self.job_seen = 0.0
        self.began = clock()
        self.deadline = self.began + policy.timeout_seconds
        self.bound = self.deadline + policy.read_margin_seconds
        self.last: BulkPublishDetails | None = None
        self.reads = self.failed = self.trailing = 0
        self.error: BulkPublishGateError | None = None
        self.read_at = 0.0
        self.next_tick: float | None = None

    def run(self) -> WaitResult:
        self._report(None, 0.0, in_flight=0.0)  # the first read starts: heartbeats count from now
        attempt = 0
        while True:
            error = self._read_once()
            now = self.clock()
            if error is None and self.policy.action_on(self.last) is Action.STOP:
                return self._result(timed_out=False)
            if now >= self.deadline:
                break
            delay = min(self._delay(error, attempt), self.deadline - now)
            attempt += 1
            self._report(error, delay)
            self._pause(now + delay, error)
        if self.last is None:
            raise ReadsFailedError(
                f"gave up after {format_duration(self.clock() - self.began)} without one "
                f"successful read of {self.label}: {self.failed} read(s) failed; the last: "
                f"{describe(self.error)}"
            ) from self.error
        return self._result(timed_out=True)

    def _read_once(self) -> BulkPublishGateError | None:
        """One read, bounded by `self.bound` on the clock; heartbeats while it runs."""
        started = self.clock()
        pending = self.start(self.read)
        while True:
            now = self.clock()
            if now >= self.bound:
                return self._failed(self._abandoned(now - started))
            if self.next_tick is not None and now >= self.next_tick:
                self._report(None, 0.0, in_flight=now - started)
                continue
            until = self.bound if self.next_tick is None else min(self.bound, self.next_tick)
            if pending.wait(until - now):
                break
        try:
            self.last = pending.result()
        except BulkPublishGateError as failure:
            if not failure.retryable:
                raise
            return self._failed(failure)
        self.reads, self.trailing, self.read_at = self.reads + 1, 0, self.clock() - self.began
        if self.last.start_time is not None and self.last.start_time != self.job_start:
            self.job_start, self.job_seen = self.last.start_time, self.clock()
        return None

    def _delay(self, error: BulkPublishGateError | None, attempt: int) -> float:
        """Follow a running job with a known start; otherwise back off by doubling."""
        if error is not None or self.last.status != "IN_PROGRESS" or not self.last.start_time:
            return self.backoff.delay(attempt)
        wall = (self.now() - self.job_start).total_seconds()
        return self.follow.delay(max(wall, self.clock() - self.job_seen))

    def _abandoned(self, ran: float) -> ReadTimedOutError:
        return ReadTimedOutError(
            f"{self.label} did not answer within {format_duration(ran)} (the wait's deadline, "
            f"timeoutSeconds={self.policy.timeout_seconds:g}, plus its "
            f"{self.policy.read_margin_seconds:g}s margin); the read was abandoned"
        )

    def _failed(self, error: BulkPublishGateError) -> BulkPublishGateError:
        self.failed, self.trailing, self.error = self.failed + 1, self.trailing + 1, error
        return error

    def _pause(self, until: float, error: BulkPublishGateError | None) -> None:
        """Sleep until `until`, in slices when progress wants heartbeats."""
        while (now := self.clock()) < until:
            if self.next_tick is not None and now >= self.next_tick:
                self._report(error, until - now)
                continue
            wake = until if self.next_tick is None else min(until, self.next_tick)
            self.sleep(wake - now)

    def _report(self, error, next_delay: float, in_flight: float | None = None) -> None:
        if self.on_progress is None:
            return
        now = self.clock()
        step = Progress(
            now - self.began, self.reads, self.last, error, next_delay, self.failed, in_flight
        )
        wanted = self.on_progress(step)
        self.next_tick = None if wanted is None else now + max(wanted, _MIN_TICK)

    def _result(self, timed_out: bool) -> WaitResult:
        return WaitResult(
            self.last,
            timed_out=timed_out,
            elapsed=self.clock() - self.began,
            reads=self.reads,
            failed_reads=self.failed,
            trailing_failures=self.trailing,
            last_error=self.error,
            read_at=self.read_at,
        )
