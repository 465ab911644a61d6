"""Fakes for the pure wait: a runner on a fake clock (calls take scripted time, a wait with
nothing in flight is a sleep), a scripted service, and `wait`, one pool's watch driven by the
real scheduler, so deadlines, slow reads and heartbeats are exact and instant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from components.core.contract import BulkPublishDetails, WatchResult
from components.core.policy import WaitPolicy
from components.core.scheduler import READ_MARGIN_SECONDS
from components.core.scheduler import drive as schedule
from components.core.watch import Progress, Watch
from components.run import Io

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


class FakeRunner:
    """The scheduler's runner on a fake clock: a call runs as it starts (so the service sees
    the time it started) and finishes `target.latency` seconds later (as the call left it)."""

    def __init__(self, target: Any) -> None:
        self.target = target
        self.flying: dict[int, tuple[float, Any, BaseException | None]] = {}
        self.abandoned: tuple[int, ...] = ()

    def start(self, token: int, call: Callable[[], Any]) -> None:
        self.target.latency = getattr(self.target, "read_seconds", 0.0)
        try:
            outcome: tuple[Any, BaseException | None] = (call(), None)
        except Exception as error:
            outcome = (None, error)
        self.flying[token] = (self.target.now + self.target.latency, *outcome)

    def wait(self, timeout: float) -> list[tuple[int, Any, BaseException | None]]:
        assert timeout >= 0, timeout
        if not self.flying:
            if timeout > 0:
                self.target.sleep(timeout)
            return []
        first = min(at for at, _, _ in self.flying.values())
        if first > self.target.now + timeout:
            self.target.now += timeout
            return []
        self.target.now = max(self.target.now, first)
        done = [token for token, (at, _, _) in self.flying.items() if at <= self.target.now]
        finished = [(token, *self.flying.pop(token)[1:]) for token in done]
        for _, value, error in finished:
            if hasattr(self.target, "finished"):
                self.target.finished(value if error is None else error)
        return finished

    def wake(self) -> None:
        pass

    def close(self, abandoned=()) -> None:
        self.abandoned = tuple(abandoned)


@dataclass(frozen=True)
class Plan:
    """A one-pool wait as these tests state it: the run's deadline and margin, and the policy."""

    timeout_seconds: float
    poll_interval_seconds: float = 5.0
    max_poll_interval_seconds: float = 30.0
    wait_for_start: bool = False
    read_margin_seconds: float = READ_MARGIN_SECONDS
    fresh_after: datetime | None = None

    @property
    def policy(self) -> WaitPolicy:
        return WaitPolicy(
            self.poll_interval_seconds,
            self.max_poll_interval_seconds,
            self.wait_for_start,
            self.fresh_after,
        )


def wait(
    target: Any,
    plan: Plan,
    *,
    random: float | Callable[[], float] = 0.5,
    on_progress: Callable[[Progress], float | None] | None = None,
    label: str = "GetBulkPublishDetails",
    now: Callable[[], datetime] | None = None,
) -> WatchResult:
    """One pool's watch of `target.read` through the real scheduler on the target's clock; the
    error of a wait with no status (no answer, an error that is not retried) is raised."""
    draw = random if callable(random) else lambda: random
    wall = now or (lambda: datetime.now(UTC))
    watch = Watch(POOL, plan.policy, label=label, random=draw, wall=wall)
    schedule(
        [watch], lambda _w, _kind: target.read, timeout=plan.timeout_seconds,
        runner=FakeRunner(target), clock=lambda: target.now, random=draw,
        on_progress=on_progress, margin=plan.read_margin_seconds,
    )  # fmt: skip
    result = watch.result()
    if result.error is not None:
        raise result.error
    return result


@dataclass(frozen=True)
class Slow:
    """A step whose read takes `seconds` (instead of the script's `read_seconds`)."""

    seconds: float
    then: str | Exception


Step = str | Exception | Slow


@dataclass
class Script:
    """A fake service and clock: each read takes `read_seconds` and answers the next step
    (the last step repeats)."""

    steps: list[Step]
    read_seconds: float = 0.0
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    reads: int = 0
    """Reads started."""
    completed: list[str | Exception] = field(default_factory=list)
    """The outcome of each read that finished (an abandoned one never does)."""
    latency: float = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, seconds
        self.sleeps.append(seconds)
        self.now += seconds

    def read(self) -> BulkPublishDetails:
        step = self.steps[min(self.reads, len(self.steps) - 1)]
        self.reads += 1
        if isinstance(step, Slow):
            self.latency, step = step.seconds, step.then
        if isinstance(step, Exception):
            raise step
        return BulkPublishDetails(POOL, step)

    def finished(self, outcome: Any) -> None:
        self.completed.append(outcome if isinstance(outcome, Exception) else outcome.status)


def run(script: Script, plan: Plan, random: float | Callable[[], float] = 0.5, **kwargs):
    """The wait on the script's clock, sleep and reads; `random` a fixed jitter or a source."""
    return wait(script, plan, random=random, **kwargs)


@dataclass
class Heartbeats:
    """An on_progress that records each step and asks to be called every `every` seconds."""

    every: float = 30.0
    steps: list[Progress] = field(default_factory=list)

    def __call__(self, step: Progress) -> float:
        self.steps.append(step)
        return self.every

    @property
    def waiting(self) -> list[Progress]:
        """The steps while the wait went on; the last step of all says it settled."""
        assert self.steps[-1].settled and not any(step.settled for step in self.steps[:-1])
        return self.steps[:-1]


class FakeClient:
    """The client a gate run builds, calling the fake service's `read` (and `bulk_publish`)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def get_bulk_publish_details(self, pool: str) -> BulkPublishDetails:
        return self.service.read()

    def bulk_publish(self, pool: str) -> Any:
        return self.service.bulk_publish(pool)

    def close(self) -> None:
        pass


def fake_io(service: Any, now: Callable[[], datetime], random: float = 0.5) -> Io:
    """A gate run's I/O on the fake service and its clock."""
    return Io(
        client=lambda _settings: FakeClient(service),
        clock=lambda: service.now,
        now=now,
        random=lambda: random,
        runner=lambda _size: FakeRunner(service),
        environ={},
    )
