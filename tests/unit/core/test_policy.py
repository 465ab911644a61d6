"""How often to read: the doubling backoff, and the poll that follows the job (the delay rule as
tables, and the wait on a fake job and clock against the latency targets: max(2 s, 10 % of the
job's elapsed time), never past one cap)."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from components.core.contract import BulkPublishDetails
from components.core.errors import (
    TransientError,
)
from components.core.policy import (
    FOLLOW_FLOOR_SECONDS,
    FOLLOW_FRACTION,
    MAX_GROWTH_STEPS,
    Backoff,
    FollowJob,
    WaitPolicy,
)
from tests.unit.fakes import POOL, Plan, Script, run, wait

POLICY = Plan(timeout_seconds=100, poll_interval_seconds=2, max_poll_interval_seconds=10)


# attempt -> expected delay range with initial 2 and cap 10: base = min(10, 2 * 2**attempt)
BACKOFF = [(0, 1, 2), (1, 2, 4), (2, 4, 8), (3, 5, 10), (10, 5, 10), (1000, 5, 10)]


@pytest.mark.parametrize(("attempt", "low", "high"), BACKOFF)
@pytest.mark.parametrize("random", [0.0, 0.25, 0.999999])
def test_backoff_is_bounded_and_jittered(attempt, low, high, random):
    delay = Backoff(2, 10, lambda: random).delay(attempt)
    assert low <= delay <= high
    assert delay == pytest.approx(low + random * (high - low))


@pytest.mark.parametrize(
    ("initial", "cap"),
    [(1e-12, 30), (5e-324, 3600), (1e-300, 1e-299), (0.02, 0.1), (5, 30), (30, 30), (1, 3600)],
)
def test_backoff_always_reaches_its_cap_within_the_growth_steps(initial, cap):
    backoff = Backoff(initial, cap)
    bases = [backoff.base(attempt) for attempt in range(MAX_GROWTH_STEPS + 5)]
    assert bases[0] == min(initial, cap)
    assert all(a <= b for a, b in itertools.pairwise(bases))
    assert bases[MAX_GROWTH_STEPS] == cap
    assert backoff.base(10**9) == cap


def test_a_tiny_poll_interval_backs_off_so_reads_stay_few():
    # The case: pollIntervalSeconds=1e-12 never backed off (65 calls in 3 s).
    script = Script(["IN_PROGRESS"], read_seconds=0.001)
    run(script, Plan(3, 1e-12, 30), random=0.0)
    assert script.reads <= MAX_GROWTH_STEPS + 2
    long = Script(["IN_PROGRESS"], read_seconds=0.001)
    run(long, Plan(600, 1e-12, 30), random=0.0)
    assert long.reads <= MAX_GROWTH_STEPS + 600 / 15 + 2  # then at least cap/2 apart


def test_sleeps_follow_the_backoff_and_vary_with_the_random_source():
    steps = ["IN_PROGRESS"] * 5 + ["SUCCEEDED"]
    low, high = Script(list(steps)), Script(list(steps))
    run(low, POLICY, random=0.0)
    run(high, POLICY, random=1.0)
    assert low.sleeps == [1, 2, 4, 5, 5]
    assert high.sleeps == [2, 4, 8, 10, 10]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"poll_interval_seconds": 0}, "poll_interval_seconds"),
        ({"poll_interval_seconds": 5, "max_poll_interval_seconds": 1}, "max"),
    ],
)
def test_inconsistent_policies_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WaitPolicy(**kwargs)


EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


TOP = 1.0 - 1e-9
"""The top of the jitter range (`random()` is below 1)."""


JITTERS = [0.0, TOP]


FOLLOW = Plan(7200, poll_interval_seconds=1, max_poll_interval_seconds=30)


@dataclass
class Job:
    """A bulk publish on a fake clock (the wait begins at 0): started `age` seconds before the
    wait, SUCCEEDED from `remaining` seconds into it; reads are instant. `steps`, when given,
    answer the reads in turn instead (an Exception is raised); `skew` puts this machine's wall
    clock ahead (+) or behind (-) the service's; `dated` False drops the start time."""

    age: float
    remaining: float = math.inf
    steps: list[str | Exception] | None = None
    skew: float = 0.0
    dated: bool = True
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def read(self) -> BulkPublishDetails:
        if self.steps is not None:
            step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
            if isinstance(step, Exception):
                raise step
            status = step
        else:
            status = "SUCCEEDED" if self.now >= self.remaining else "IN_PROGRESS"
        started = EPOCH - timedelta(seconds=self.age) if self.dated else None
        return BulkPublishDetails(POOL, status, start_time=started)

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, seconds
        self.sleeps.append(seconds)
        self.now += seconds

    def wall(self) -> datetime:
        return EPOCH + timedelta(seconds=self.now + self.skew)

    def wait(self, policy: Plan = FOLLOW, random: float = 0.5):
        return wait(self, policy, random=random, now=self.wall)


def latency(job: Job, policy: Plan = FOLLOW, random: float = 0.5) -> tuple[float, int]:
    """(seconds from the switch to the read that saw SUCCEEDED, reads made)."""
    result = job.wait(policy, random)
    assert result.details.status == "SUCCEEDED" and not result.timed_out
    return result.read_at - job.remaining, result.reads


# elapsed, random -> delay, with floor 1 and cap 30: min(30, max(1, 0.1 * elapsed * (0.5 + r/2)))
RULE = [
    (0, 0.5, 1.0),  # a job that just started: the floor
    (5, TOP, 1.0),  # small: 0.5 s is under the floor
    (20, 0.0, 1.0),
    (20, TOP, 2.0),
    (100, 0.0, 5.0),
    (100, 0.5, 7.5),
    (100, TOP, 10.0),
    (400, 0.0, 20.0),
    (400, TOP, 30.0),  # 40 s clamped to the cap
    (10_000, 0.0, 30.0),  # large: the cap, jitter or not
    (-50, TOP, 1.0),  # skewed clock: a negative elapsed counts as 0
    (-1e9, 0.0, 1.0),
]


@pytest.mark.parametrize(("elapsed", "random", "delay"), RULE)
def test_the_follow_delay_is_a_jittered_fraction_of_the_elapsed_time_clamped(
    elapsed, random, delay
):
    assert FollowJob(1.0, 30.0, lambda: random).delay(elapsed) == pytest.approx(delay)


@pytest.mark.parametrize("random", [0.0, 0.3, 0.999, TOP])
@pytest.mark.parametrize("elapsed", [0, 0.5, 9, 19.9, 20, 61, 299, 599, 601, 3600, 86400])
@pytest.mark.parametrize(("floor", "cap"), [(1, 30), (5, 30), (1, 1), (0.01, 300)])
def test_the_follow_delay_never_exceeds_the_fraction_or_the_cap(random, elapsed, floor, cap):
    delay = FollowJob(floor, cap, lambda: random).delay(elapsed)
    assert floor <= delay <= cap
    assert delay <= max(floor, FOLLOW_FRACTION * elapsed)
    assert delay >= min(cap, max(floor, FOLLOW_FRACTION * elapsed / 2))


def delay_of(job: Job, policy: Plan = FOLLOW, random: float = 0.0) -> float:
    """The first delay the wait chooses after one read of `job`."""
    interval, cap = policy.poll_interval_seconds, policy.max_poll_interval_seconds
    job.wait(Plan(600, interval, cap, wait_for_start=True), random)
    return job.sleeps[0]


# the answer -> the first sleep at the jitter's top (follow at elapsed 200: 20 s; doubling: 1 s)
CHOICE = [
    ("IN_PROGRESS with a start time", Job(200), 20.0),
    ("IN_PROGRESS without one", Job(200, dated=False), 1.0),
    ("NOT_STARTED (waitForStart)", Job(200, steps=["NOT_STARTED"], dated=False), 1.0),
    ("a failed read", Job(200, steps=[TransientError("throttled"), "IN_PROGRESS"]), 1.0),
]


@pytest.mark.parametrize(("_case", "job", "delay"), CHOICE, ids=[c[0] for c in CHOICE])
def test_only_a_running_job_with_a_start_time_is_followed(_case, job, delay):
    assert delay_of(job, random=TOP) == pytest.approx(delay)


def test_a_stale_succeeded_waited_on_is_not_followed_even_with_a_start_time():
    job = Job(86_400, steps=["SUCCEEDED"])
    policy = Plan(60, 1, 30, wait_for_start=True, fresh_after=EPOCH)
    job.wait(policy, TOP)
    assert job.sleeps[:3] == pytest.approx([1, 2, 4])  # doubling, not 30 s


def test_failed_reads_retry_on_the_doubling_backoff_at_the_wait_s_attempt():
    throttled = TransientError("throttled")
    job = Job(200, steps=["IN_PROGRESS", "IN_PROGRESS", throttled, throttled, "SUCCEEDED"])
    job.wait(FOLLOW, TOP)
    backoff = Backoff(1, 30, lambda: TOP)
    assert job.sleeps[:2] == pytest.approx([20.0, 22.0])  # followed: 10 % of 200 s, of 220 s
    assert job.sleeps[2:] == pytest.approx([backoff.delay(2), backoff.delay(3)])


def test_the_default_wall_clock_is_utc_now():
    answer = BulkPublishDetails(
        POOL, "IN_PROGRESS", start_time=datetime.now(UTC) - timedelta(seconds=100)
    )

    @dataclass
    class Service:
        now: float = 0.0
        sleeps: list[float] = field(default_factory=list)

        def read(self) -> BulkPublishDetails:
            return answer

        def sleep(self, seconds: float) -> None:
            self.sleeps.append(seconds)
            self.now += seconds

    service = Service()
    wait(service, Plan(60, 1, 30), random=0.0)  # the wall clock is not given
    assert service.sleeps[0] == pytest.approx(5.0, abs=0.1)  # 5 % of ~100 s, jitter's bottom


@pytest.mark.parametrize("random", JITTERS)
@pytest.mark.parametrize("phase", [0.0, 0.37, 2.9])
@pytest.mark.parametrize("duration", [10.0, 60.0, 600.0])
def test_the_gate_opens_within_the_latency_target(duration, phase, random):
    # The job started `phase` s before the gate's first read and SUCCEEDS `duration` s after it
    # started: seen within max(2 s, 10 % of its elapsed time) and within one cap.
    seen, _reads = latency(Job(phase, duration - phase), FOLLOW, random)
    assert 0 <= seen < max(2.0, 0.1 * duration)
    assert seen <= FOLLOW.max_poll_interval_seconds


@pytest.mark.parametrize("random", JITTERS)
def test_doubling_misses_the_target_that_following_meets(random):
    # A 60 s job started 0..30 s before the gate: following meets 10 % at every phase; today's
    # doubling (the same answers without a start time) misses it at some.
    phases = [i / 4 for i in range(120)]
    followed = [latency(Job(p, 60 - p), FOLLOW, random)[0] for p in phases]
    doubled = [latency(Job(p, 60 - p, dated=False), FOLLOW, random)[0] for p in phases]
    assert max(followed) < 0.1 * 60 < max(doubled)


@pytest.mark.parametrize("random", JITTERS)
@pytest.mark.parametrize("age", [3600.0, 86_400.0])
def test_never_later_than_one_cap_and_an_old_job_is_read_at_the_cap(age, random):
    job = Job(age, 610.0)
    seen, reads = latency(job, FOLLOW, random)
    assert seen <= 30.0
    assert job.sleeps == [30.0] * (reads - 1)


@pytest.mark.parametrize("skew", [-3600.0, -5.0, 3600.0])
def test_a_skewed_wall_clock_keeps_the_bounds(skew):
    # Behind: the start looks in the future, yet the delays grow with the time since it was
    # first seen, as without skew. Ahead: the job looks older; the cap still bounds the delay.
    straight, skewed = Job(0.0, 600.0), Job(0.0, 600.0, skew=skew)
    _, straight_reads = latency(straight, FOLLOW, TOP)
    seen, reads = latency(skewed, FOLLOW, TOP)
    assert seen <= 30.0
    if skew < 0:
        assert skewed.sleeps == pytest.approx(straight.sleeps) and reads == straight_reads
    else:
        assert skewed.sleeps == [30.0] * (reads - 1)


@pytest.mark.parametrize("random", JITTERS)
@pytest.mark.parametrize("doubling", [Plan(7200, 1, 30), Plan(7200, 5, 30)])
def test_a_job_met_late_is_read_less_than_by_doubling(doubling, random):
    # The case: a job that started an hour ago, with 600 s to go.
    _, followed = latency(Job(3600.0, 600.0), FOLLOW, random)
    _, doubled = latency(Job(3600.0, 600.0, dated=False), doubling, random)
    assert followed < doubled


@pytest.mark.parametrize("random", JITTERS)
@pytest.mark.parametrize(("poll", "cap"), [(1, 30), (1e-12, 30), (0.01, 300), (5, 30)])
def test_reads_of_a_fresh_600_s_job_stay_within_the_growth_bound(poll, cap, random):
    # Under the latency target a fresh job costs more reads than doubling (each delay is at most
    # 10 % of the elapsed time), but no more than: the floor's reads up to 20 floors in, a
    # growth of at least 5 % a read up to the cap, then one read a cap.
    floor = min(cap, max(poll, FOLLOW_FLOOR_SECONDS))
    _, reads = latency(Job(0.0, 600.0), Plan(7200, poll, cap), random)
    assert reads <= 22 + math.log(cap / floor) / math.log(1.05) + 600 / cap + 1
