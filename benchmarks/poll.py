"""Benchmark: gate-open latency and reads of the poll that follows the job, against today's
doubling and a fixed 5 s poller, on a fake clock (pure CPU, no API)."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from components.core.contract import BulkPublishDetails
from tests.unit.fakes import Plan, wait

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
DRAWS = 200
JOBS = (10.0, 60.0, 600.0, 3600.0)


@dataclass(frozen=True)
class Poller:
    name: str
    policy: Plan
    follows: bool
    """The answers carry the job's start time (the new poll); without it the wait doubles."""
    fixed: bool = False
    """No jitter: every delay is the full interval."""


POLLERS = (
    Poller("follow 1/30", Plan(7200, 1, 30), follows=True),
    Poller("doubling 1/30", Plan(7200, 1, 30), follows=False),
    Poller("doubling 5/30 (defaults)", Plan(7200, 5, 30), follows=False),
    Poller("fixed 5 s (CDK)", Plan(7200, 5, 5), follows=False, fixed=True),
)


class _Job:
    """One bulk publish on a fake clock (the gate's first read at 0): started at `start`,
    SUCCEEDED from `switch` on; each read is instant and sees the status then."""

    def __init__(self, start: float, switch: float, with_start: bool) -> None:
        self.start, self.switch, self.with_start = start, switch, with_start
        self.now = 0.0

    def wall(self) -> datetime:
        return EPOCH + timedelta(seconds=self.now)

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def read(self) -> BulkPublishDetails:
        status = "SUCCEEDED" if self.now >= self.switch else "IN_PROGRESS"
        started = EPOCH + timedelta(seconds=self.start) if self.with_start else None
        return BulkPublishDetails("bench", status, start_time=started)


def measure(
    poller: Poller, age: float, remaining: float, jitter: Callable[[], float]
) -> tuple[float, int]:
    """(seconds from the switch to the read that saw SUCCEEDED, reads) for one job that is
    `age` seconds old at the gate's first read and SUCCEEDS `remaining` seconds after it."""
    job = _Job(-age, remaining, poller.follows)
    result = wait(
        job, poller.policy, random=(lambda: 1.0) if poller.fixed else jitter, now=job.wall
    )
    return result.read_at - job.switch, result.reads


def bench_poll() -> None:
    print(
        "  method: fake clock, instant reads; each job starts U[0, 5) s before the gate's first "
        "read (last rows: 1 h + U[0, 30) s before) and runs as stated; "
        f"{DRAWS} seeded draws of start and jitter; "
        "latency (switch to the read that saw SUCCEEDED) mean / max, mean reads",
        flush=True,
    )
    cases = [(0.0, 5.0, duration, f"{duration:g} s job") for duration in JOBS]
    cases.append((3600.0, 30.0, 4200.0, "70 min job met 1 h in"))
    for ahead, phase, duration, label in cases:
        for poller in POLLERS:
            draws = []
            for seed in range(DRAWS):
                draw = random.Random(seed)
                age = ahead + draw.uniform(0, phase)
                draws.append(measure(poller, age, duration - age, draw.random))
            latency = [d[0] for d in draws]
            value = (
                f"{statistics.mean(latency):6.2f} / {max(latency):6.2f} s, "
                f"{statistics.mean(d[1] for d in draws):6.1f} reads"
            )
            print(f"  {'poll: ' + label + ', ' + poller.name:<52} {value}", flush=True)


if __name__ == "__main__":
    bench_poll()
