"""The one loop for N watches: a heap of next-call times, at most `readers` calls in flight, the
throttle as plain state of the loop, heartbeats, and one deadline for the run.

Only this loop waits. It starts every call that is due (one run's calls run on at most
`readers` worker threads of a `Runner`), then waits for the first of: a call finishing, the
next call coming due, the next heartbeat, the hard bound, a stop. When the API throttles one
call, every watch's next call waits out a shared pause that doubles (with jitter) while
throttling goes on. No call is due after the deadline (the last one comes at it); a call still
in flight at the deadline plus READ_MARGIN_SECONDS is abandoned, not waited on, so that is the
bound of a run's wall time.
"""

from __future__ import annotations

import heapq
import random as _random
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from .errors import BulkPublishGateError
from .threads import Threads, stranded
from .watch import Kind, Progress, Watch

READ_MARGIN_SECONDS = 1.5
"""How long past the deadline a call may still run before it is abandoned."""
THROTTLE_BASE_SECONDS = 0.5
THROTTLE_CAP_SECONDS = 30.0
MAX_STRANDED = 32
"""Abandoned calls of this process still running (a peer that never answers): past this many,
no new run starts, so threads cannot pile up."""
_MIN_TICK = 0.001


class Runner(Protocol):
    """Runs calls off the loop's thread and hands back their outcomes."""

    def start(self, token: int, call: Callable[[], Any]) -> None:
        """Run `call` soon; its outcome comes back from `wait` under `token`."""

    def wait(self, timeout: float) -> list[tuple[int, Any, BaseException | None]]:
        """The calls that finished, (token, value, error), waiting up to `timeout` for one."""

    def wake(self) -> None:
        """End a `wait` now (from any thread, or a signal handler)."""

    def close(self, abandoned: Sequence[int] = ()) -> None:
        """No more calls; `abandoned` are still running and nobody waits for them."""


class Stop:
    """A request to stop the runs subscribed to it (Ctrl-C through Cancel, the engine gone, a
    signal); safe to set from any thread or a signal handler."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self._wakers: list[Callable[[], None]] = []

    def set(self, reason: str = "cancelled") -> None:
        self.reason = self.reason or reason
        for wake in list(self._wakers):
            wake()

    def subscribe(self, wake: Callable[[], None]) -> None:
        """Call `wake` when the stop is set (now, if it is already)."""
        self._wakers.append(wake)
        if self.reason is not None:
            wake()

    def unsubscribe(self, wake: Callable[[], None]) -> None:
        if wake in self._wakers:
            self._wakers.remove(wake)


def drive(
    watches: Sequence[Watch],
    call: Callable[[Watch, Kind], Callable[[], Any]],
    *,
    timeout: float,
    readers: int = 1,
    runner: Runner | None = None,
    clock: Callable[[], float] = time.monotonic,
    random: Callable[[], float] = _random.random,
    on_progress: Callable[[Progress], float | None] | None = None,
    stop: Stop | None = None,
    margin: float = READ_MARGIN_SECONDS,
) -> None:
    """Drive every watch until it is done; `call(watch, kind)` gives the function that makes
    its next call on a worker thread. Afterwards each watch's `result()` says how it ended.

    Our errors go to the watch that made the call; anything else is a bug, raised here once
    the run is over. `on_progress` gets each step and returns the seconds until it wants a
    heartbeat (or None)."""
    if timeout < 0 or margin < 0:
        raise ValueError("timeout and margin must be 0 or more")
    if stranded() >= MAX_STRANDED:
        raise BulkPublishGateError(
            f"{stranded()} calls to Cognito Sync from earlier runs of this process are still "
            "waiting for an answer (the endpoint holds connections open without answering); "
            "no new run starts. Check the endpoint, then run again."
        )
    runner = runner or Threads(readers)
    loop = _Loop(watches, call, timeout, readers, runner, clock, random, on_progress, margin)
    if stop is not None:
        stop.subscribe(runner.wake)
    try:
        loop.run(stop)
    finally:
        if stop is not None:
            stop.unsubscribe(runner.wake)
        runner.close(tuple(loop.in_flight))
    if loop.bug is not None:
        raise loop.bug


class _Loop:
    def __init__(self, watches, call, timeout, readers, runner, clock, random, on_progress, margin):
        self.watches, self.call, self.readers, self.runner = watches, call, readers, runner
        self.clock, self.random, self.on_progress = clock, random, on_progress
        self.began = clock()
        self.deadline = self.began + timeout
        self.bound = self.deadline + margin
        self.why = f"the run's deadline, timeoutSeconds={timeout:g}, plus its {margin:g}s margin"
        self.heap: list[tuple[float, int]] = []
        self.in_flight: dict[int, tuple[int, Kind, float]] = {}
        """token -> (watch index, kind, started at)."""
        self.failing: dict[int, BulkPublishGateError | None] = {}
        self.resume_at, self.streak, self.streak_at = self.began, 0, self.began
        self.next_tick: float | None = None
        self.bug: BaseException | None = None
        self.tokens = 0

    def run(self, stop: Stop | None) -> None:
        for index, watch in enumerate(self.watches):
            watch.begin(self.began)
            heapq.heappush(self.heap, (watch.due, index))
        if self.watches:
            self._report(self.watches[0].progress(self.began, in_flight=0.0))
        while self.heap or self.in_flight:
            now = self.clock()
            if (stop is not None and stop.reason) or now >= self.bound or self.bug:
                break
            self._start_due(now)
            wake = self.bound if self.next_tick is None else min(self.bound, self.next_tick)
            if self.heap and len(self.in_flight) < self.readers:
                wake = min(wake, max(self.heap[0][0], self.resume_at))
            for token, value, error in self.runner.wait(max(wake - now, 0.0)):
                self._finished(token, value, error)
            self._tick(self.clock())
        self._end(self.clock(), stop.reason if stop is not None else None)

    def _start_due(self, now: float) -> None:
        while self.heap and len(self.in_flight) < self.readers and now >= self.resume_at:
            due, index = self.heap[0]
            if due > now:
                return
            heapq.heappop(self.heap)
            watch = self.watches[index]
            kind = watch.next_call()
            if kind is Kind.START:
                self._report(watch.progress(now, starting=True))
            self.tokens += 1
            self.in_flight[self.tokens] = (index, kind, now)
            self.runner.start(self.tokens, self.call(watch, kind))

    def _finished(self, token: int, value: Any, error: BaseException | None) -> None:
        index, kind, started = self.in_flight.pop(token)
        watch, now = self.watches[index], self.clock()
        if error is not None and not isinstance(error, BulkPublishGateError):
            self.bug = self.bug or error
            return
        self.failing[index] = error
        if error is None:
            if started > self.streak_at:  # (an answer sent before the last pause is old news)
                self.streak = 0
            watch.answered(kind, value, now)
        else:
            if error.throttled and len(self.watches) > 1:
                self._throttled(now, started)
            watch.failed(kind, error, now)
        if not watch.done and now >= self.deadline:
            watch.expire(now)
        if watch.done:
            self._report(watch.progress(now, settled=True))
            return
        watch.clamp(self.deadline)
        heapq.heappush(self.heap, (watch.due, index))
        if kind is Kind.START and error is None:
            self._report(watch.progress(now, started=value))
        elif watch.next_call() is Kind.READ:  # (a BulkPublish due now says so as it starts)
            self._report(watch.progress(now, error=error))

    def _throttled(self, now: float, started: float) -> None:
        """Every watch waits: a pause that doubles (equal jitter) with each round of throttling
        in a row, and resets on an answer. A call already in flight when the pause was set is
        of the same round: the burst that throttled 8 calls at once doubles it once, not 8
        times. (A run of one watch needs none: its backoff is it.)"""
        if self.streak and started <= self.streak_at:
            return
        base = min(THROTTLE_CAP_SECONDS, THROTTLE_BASE_SECONDS * 2 ** min(self.streak, 16))
        self.streak, self.streak_at = self.streak + 1, now
        self.resume_at = max(self.resume_at, now + base / 2 + self.random() * base / 2)

    def _tick(self, now: float) -> None:
        if self.next_tick is None or now < self.next_tick:
            return
        flying = {index: started for index, _, started in self.in_flight.values()}
        index = next((i for i, w in enumerate(self.watches) if not w.done), 0)
        watch = self.watches[index]
        if index in flying:
            self._report(watch.progress(now, in_flight=now - flying[index]))
        else:
            self._report(watch.progress(now, error=self.failing.get(index)))

    def _report(self, step: Progress) -> None:
        if self.on_progress is None:
            return
        wanted = self.on_progress(step)
        self.next_tick = None if wanted is None else self.clock() + max(wanted, _MIN_TICK)

    def _end(self, now: float, stopped: str | None) -> None:
        for index, kind, started in self.in_flight.values():
            if stopped is None:
                self.watches[index].abandon(kind, now - started, self.why, now)
        calling = {index: kind for index, kind, _ in self.in_flight.values()}
        for index, watch in enumerate(self.watches):
            if stopped is not None:
                watch.stop(now, stopped, calling.get(index))
            else:
                watch.expire(now)
