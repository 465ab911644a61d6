"""The wait as tables: status sequences and faults -> outcome, on a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from components.cognito_sync import BulkPublishDetails
from components.errors import AccessDeniedError, PoolNotFoundError, TransientError
from components.waiting import Backoff, WaitPolicy, wait_for_bulk_publish

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


@dataclass
class Script:
    """A fake service and clock: each read takes `read_seconds` and answers the next step."""

    steps: list[str | Exception]
    read_seconds: float = 0.0
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)
    reads: int = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def read(self) -> BulkPublishDetails:
        self.now += self.read_seconds
        step = self.steps[min(self.reads, len(self.steps) - 1)]
        self.reads += 1
        if isinstance(step, Exception):
            raise step
        return BulkPublishDetails(POOL, step)


def run(script: Script, policy: WaitPolicy, random: float = 0.5, **kwargs):
    return wait_for_bulk_publish(
        script.read,
        policy,
        clock=script.clock,
        sleep=script.sleep,
        random=lambda: random,
        **kwargs,
    )


POLICY = WaitPolicy(timeout_seconds=100, poll_interval_seconds=2, max_poll_interval_seconds=10)
THROTTLED = TransientError("throttled")

# steps -> (final status, timed_out, reads made)
OUTCOMES = [
    (["SUCCEEDED"], "SUCCEEDED", False, 1),
    (["FAILED"], "FAILED", False, 1),
    (["NOT_STARTED"], "NOT_STARTED", False, 1),
    (["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"], "SUCCEEDED", False, 3),
    (["IN_PROGRESS", "FAILED"], "FAILED", False, 2),
    ([THROTTLED, THROTTLED, "SUCCEEDED"], "SUCCEEDED", False, 3),
    (["IN_PROGRESS", THROTTLED, "SUCCEEDED"], "SUCCEEDED", False, 3),
    (["SOMETHING_NEW"], "SOMETHING_NEW", False, 1),
    (["IN_PROGRESS"], "IN_PROGRESS", True, None),
    (["IN_PROGRESS", THROTTLED], "IN_PROGRESS", True, None),
]


@pytest.mark.parametrize(("steps", "status", "timed_out", "reads"), OUTCOMES)
def test_outcome_of_each_sequence(steps, status, timed_out, reads):
    script = Script(list(steps))
    result = run(script, POLICY)
    assert (result.details.status, result.timed_out) == (status, timed_out)
    if reads is not None:
        assert script.reads == reads
    assert result.elapsed == pytest.approx(script.now - 1000.0)


@pytest.mark.parametrize("error", [AccessDeniedError("no"), PoolNotFoundError("gone")])
def test_non_retryable_errors_fail_at_once(error):
    script = Script(["IN_PROGRESS", error, "SUCCEEDED"])
    with pytest.raises(type(error)):
        run(script, POLICY)
    assert script.reads == 2
    assert len(script.sleeps) == 1


def test_only_transient_errors_until_the_deadline_raise_the_last_one():
    script = Script([THROTTLED], read_seconds=1)
    with pytest.raises(TransientError, match="without one successful read: throttled"):
        run(script, POLICY)
    assert script.now - 1000.0 <= 100 + 1


@pytest.mark.parametrize("read_seconds", [0.0, 0.7, 3.0, 9.5])
@pytest.mark.parametrize("timeout", [0, 1, 7, 45, 100])
def test_deadline_is_overrun_by_at_most_one_read(read_seconds, timeout):
    script = Script(["IN_PROGRESS"], read_seconds=read_seconds)
    policy = WaitPolicy(timeout, poll_interval_seconds=2, max_poll_interval_seconds=10)
    result = run(script, policy, random=0.99)
    assert result.timed_out
    assert result.elapsed <= timeout + read_seconds + 1e-9
    assert all(s <= 10 for s in script.sleeps)


def test_timeout_zero_reads_once_and_never_sleeps():
    script = Script(["IN_PROGRESS"])
    result = run(script, WaitPolicy(0, 1, 1))
    assert (script.reads, script.sleeps, result.timed_out) == (1, [], True)


def test_wait_for_start_treats_not_started_as_in_progress():
    policy = WaitPolicy(100, 2, 10, wait_for_start=True)
    script = Script(["NOT_STARTED", "NOT_STARTED", "IN_PROGRESS", "SUCCEEDED"])
    assert run(script, policy).details.status == "SUCCEEDED"
    assert script.reads == 4


# attempt -> expected delay range with initial 2 and cap 10: base = min(10, 2 * 2**attempt)
BACKOFF = [(0, 1, 2), (1, 2, 4), (2, 4, 8), (3, 5, 10), (10, 5, 10), (1000, 5, 10)]


@pytest.mark.parametrize(("attempt", "low", "high"), BACKOFF)
@pytest.mark.parametrize("random", [0.0, 0.25, 0.999999])
def test_backoff_is_bounded_and_jittered(attempt, low, high, random):
    delay = Backoff(2, 10, lambda: random).delay(attempt)
    assert low <= delay <= high
    assert delay == pytest.approx(low + random * (high - low))


def test_sleeps_follow_the_backoff_and_vary_with_the_random_source():
    steps = ["IN_PROGRESS"] * 5 + ["SUCCEEDED"]
    low, high = Script(list(steps)), Script(list(steps))
    run(low, POLICY, random=0.0)
    run(high, POLICY, random=1.0)
    assert low.sleeps == [1, 2, 4, 5, 5]
    assert high.sleeps == [2, 4, 8, 10, 10]


def test_progress_reports_each_pause_with_elapsed_and_next_delay():
    seen = []
    script = Script(["IN_PROGRESS", THROTTLED, "SUCCEEDED"], read_seconds=1)
    run(script, POLICY, on_progress=seen.append)
    assert [(p.reads, p.details.status, type(p.error)) for p in seen] == [
        (1, "IN_PROGRESS", type(None)),
        (1, "IN_PROGRESS", TransientError),
    ]
    assert [p.elapsed for p in seen] == [1, 1 + 1.5 + 1]
    assert [p.next_delay for p in seen] == script.sleeps


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout_seconds": -1}, "timeout_seconds"),
        ({"timeout_seconds": 1, "poll_interval_seconds": 0}, "poll_interval_seconds"),
        ({"timeout_seconds": 1, "poll_interval_seconds": 5, "max_poll_interval_seconds": 1}, "max"),
    ],
)
def test_inconsistent_policies_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WaitPolicy(**kwargs)
