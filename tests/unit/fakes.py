"""A fake service, clock and read runner for the pure wait: reads take scripted time on a fake
clock, so deadlines, slow reads and heartbeats are exact and instant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from components.cognito_sync import BulkPublishDetails
from components.waiting import Progress, WaitPolicy, wait_for_bulk_publish

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


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

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, seconds
        self.sleeps.append(seconds)
        self.now += seconds

    def next_step(self) -> tuple[float, str | Exception]:
        step = self.steps[min(self.reads, len(self.steps) - 1)]
        self.reads += 1
        if isinstance(step, Slow):
            return step.seconds, step.then
        return self.read_seconds, step

    def read(self) -> BulkPublishDetails:
        raise AssertionError("reads go through start(): they take time on the fake clock")

    def start(self, _read: Callable[[], BulkPublishDetails]) -> FakeCall:
        latency, outcome = self.next_step()
        return FakeCall(self, latency, outcome)


@dataclass
class FakeCall:
    """A read in flight on the fake clock: it finishes `remaining` seconds from now."""

    script: Script
    remaining: float
    outcome: str | Exception
    waits: list[float] = field(default_factory=list)

    def wait(self, seconds: float) -> bool:
        assert seconds >= 0, seconds
        self.waits.append(seconds)
        if self.remaining <= seconds:
            self.script.now += self.remaining
            self.remaining = 0.0
            return True
        self.script.now += seconds
        self.remaining -= seconds
        return False

    def result(self) -> BulkPublishDetails:
        assert self.remaining == 0.0
        self.script.completed.append(self.outcome)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return BulkPublishDetails(POOL, self.outcome)


def run(script: Script, policy: WaitPolicy, random: float | Callable[[], float] = 0.5, **kwargs):
    """The wait on the script's clock, sleep and reads; `random` a fixed jitter or a source."""
    return wait_for_bulk_publish(
        script.read,
        policy,
        clock=script.clock,
        sleep=script.sleep,
        random=random if callable(random) else lambda: random,
        start=script.start,
        **kwargs,
    )


@dataclass
class Heartbeats:
    """An on_progress that records each step and asks to be called every `every` seconds."""

    every: float = 30.0
    steps: list[Progress] = field(default_factory=list)

    def __call__(self, step: Progress) -> float:
        self.steps.append(step)
        return self.every
