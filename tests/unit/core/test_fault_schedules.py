"""Randomized fault schedules for the pure wait: statuses, throttling, 5xx, dropped
connections, slow and stuck reads, on a fake clock, each checked against what the schedule
says must happen: the verdict, the wall-time bound, the errors reported and the heartbeat.

CI runs BPG_FAULT_SCHEDULES (500) schedules from BPG_FAULT_SEED (fixed); to run more locally:
    BPG_FAULT_SCHEDULES=5000 BPG_FAULT_SEED=$RANDOM venv/bin/python -m pytest \\
        tests/unit/core/test_fault_schedules.py -q -p no:cacheprovider
A failure prints the seed, the schedule's index and the schedule itself.
"""

from __future__ import annotations

import itertools
import os
import random
from dataclasses import dataclass

import pytest

from components.core.errors import (
    AccessDeniedError,
    BulkPublishGateError,
    PoolNotFoundError,
    ReadsFailedError,
    ReadTimedOutError,
    TransientError,
    UnexpectedAnswerError,
)
from components.core.policy import MAX_GROWTH_STEPS
from components.core.progress import HEARTBEAT_SECONDS, ProgressReporter
from components.core.verdict import Action, Reason, action, judge
from tests.unit.fakes import POOL, Plan, Script, Slow, Step, run

SCHEDULES = int(os.environ.get("BPG_FAULT_SCHEDULES", "500"))
SEED = int(os.environ.get("BPG_FAULT_SEED", "20261123"))
EPSILON = 1e-6


def transient(kind: str) -> TransientError:
    said = {
        "throttling": "Cognito Sync could not answer (ThrottlingException: Rate exceeded)",
        "5xx": "Cognito Sync could not answer (InternalErrorException: HTTP 500)",
        "dropped": "could not complete GetBulkPublishDetails: Connection was closed",
    }[kind]
    return TransientError(said)


FATAL = [AccessDeniedError("refused"), PoolNotFoundError("gone"), UnexpectedAnswerError("?")]
STATUS_WEIGHTS = {"IN_PROGRESS": 8, "SUCCEEDED": 2, "FAILED": 1, "NOT_STARTED": 1}


@dataclass(frozen=True)
class Schedule:
    policy: Plan
    steps: list[Step]
    read_seconds: float


def outcome(rng: random.Random) -> str | Exception:
    roll = rng.random()
    if roll < 0.6:
        return rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    if roll < 0.98:
        return transient(rng.choice(["throttling", "5xx", "dropped"]))
    return rng.choice(FATAL)


def schedule(rng: random.Random) -> Schedule:
    timeout = rng.choice([0, 1, 5, 30, 120, 600, 1800])
    poll = rng.choice([1e-12, 0.01, 0.5, 2, 5, 30])
    cap = max(poll, timeout / 200, rng.choice([0.01, 1, 10, 30, 60, 300]))
    policy = Plan(timeout, poll, cap, wait_for_start=rng.random() < 0.3)
    steps: list[Step] = []
    for _ in range(rng.randint(1, 40)):
        step = outcome(rng)
        if rng.random() < 0.12:  # a slow or stuck read: latency up to well past any deadline
            step = Slow(rng.choice([rng.uniform(0, 20), rng.uniform(0, 2000)]), step)
        steps.append(step)
    return Schedule(policy, steps, rng.uniform(0, 2))


def test_fault_schedules_at_the_pure_level():
    for index in range(SCHEDULES):
        plan = schedule(random.Random(f"{SEED}:{index}"))
        try:
            check(plan)
        except AssertionError as failure:
            pytest.fail(
                f"fault schedule #{index} of BPG_FAULT_SEED={SEED} failed: {failure}\n"
                f"schedule: {plan}",
                pytrace=False,
            )


def check(plan: Schedule) -> None:
    script = Script(list(plan.steps), read_seconds=plan.read_seconds)
    policy = plan.policy
    lines: list[float] = []
    reporter = ProgressReporter(POOL, lambda _line: lines.append(script.now - 1000.0))
    try:
        result = run(script, policy, random=random.Random(0).random, on_progress=reporter)
    except BulkPublishGateError as error:
        result, raised = None, error
    else:
        raised = None
    wall = script.now - 1000.0
    bound = policy.timeout_seconds + policy.read_margin_seconds
    assert wall <= bound + EPSILON, f"wall time {wall} over {bound}"
    gaps = [b - a for a, b in itertools.pairwise([0.0, *lines, wall])]
    assert max(gaps) <= HEARTBEAT_SECONDS + EPSILON, f"a {max(gaps)}s gap between lines"
    assert script.reads <= MAX_GROWTH_STEPS + 2 + policy.timeout_seconds / (
        policy.max_poll_interval_seconds / 2
    ), f"{script.reads} reads"
    expected = Expected.of(script, policy)
    if expected.fatal is not None:
        assert raised is expected.fatal, f"expected {expected.fatal!r}, got {raised or result}"
        return
    if expected.status is None:
        assert isinstance(raised, ReadsFailedError), f"expected ReadsFailedError, got {result}"
        assert f"{expected.failed} read(s) failed; the last: " in str(raised)
        assert type(expected.last_error).__name__ in str(raised)
        return
    assert raised is None, f"unexpected {raised!r}"
    check_result(result, expected, policy, wall)


@dataclass(frozen=True)
class Expected:
    """What the schedule says must happen, from the reads that the wait started and finished."""

    fatal: Exception | None
    status: str | None
    reads: int
    failed: int
    trailing: int
    last_error: Exception | None

    @classmethod
    def of(cls, script: Script, policy: Plan) -> Expected:
        done = script.completed
        abandoned = script.reads - len(done)
        assert abandoned in (0, 1), f"{abandoned} reads abandoned"
        fatal = next((o for o in done if isinstance(o, Exception) and not o.retryable), None)
        if fatal is not None:
            assert done[-1] is fatal and abandoned == 0, "the wait went on after a fatal error"
        outcomes = [*done, *([ReadTimedOutError("abandoned")] * abandoned)]
        statuses = [o for o in outcomes if isinstance(o, str)]
        errors = [o for o in outcomes if isinstance(o, Exception)]
        last_ok = max((i for i, o in enumerate(outcomes) if isinstance(o, str)), default=-1)
        return cls(
            fatal=fatal,
            status=statuses[-1] if statuses else None,
            reads=len(statuses),
            failed=len(errors),
            trailing=len(outcomes) - 1 - last_ok,
            last_error=errors[-1] if errors else None,
        )


def check_result(result, expected: Expected, policy: Plan, wall: float) -> None:
    assert result.details.status == expected.status
    counts = (result.reads, result.failed_reads, result.trailing_failures)
    assert counts == (expected.reads, expected.failed, expected.trailing)
    assert type(result.last_error) is type(expected.last_error)
    settled = expected.trailing == 0 and action(expected.status, policy.wait_for_start)
    assert result.timed_out == (settled is not Action.STOP)
    if result.timed_out:
        assert wall >= policy.timeout_seconds - EPSILON, "gave up before the deadline"
    assert 0 <= result.read_at <= result.elapsed == wall
    verdict = judge(result, "us-east-1", policy.timeout_seconds)
    fresh = expected.trailing == 0
    assert verdict.exportable == fresh
    assert verdict.open == (fresh and expected.status == "SUCCEEDED")
    if not fresh:
        assert verdict.reason is Reason.READS_FAILING
    elif result.timed_out:  # by the status still shown: waitForStart waits on NOT_STARTED too
        reasons = {"IN_PROGRESS": Reason.IN_PROGRESS, "NOT_STARTED": Reason.NOT_STARTED}
        assert verdict.reason is reasons[expected.status]
    elif not verdict.open:
        assert (
            verdict.reason
            is {"FAILED": Reason.FAILED, "NOT_STARTED": Reason.NOT_STARTED}[expected.status]
        )
    if expected.failed:
        total = expected.reads + expected.failed
        assert f"{expected.failed} of {total} reads failed; the last: " in verdict.note
        assert type(expected.last_error).__name__ in verdict.note
        assert verdict.open or verdict.note in verdict.message
    else:
        assert verdict.note is None
