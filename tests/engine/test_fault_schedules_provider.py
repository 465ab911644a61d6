"""Randomized fault schedules through the real provider (the SDK's provider server over gRPC)
against the emulator over HTTP: scripted bulk publishes, throttling, 5xx, dropped connections
and latency, with scaled-down intervals. Each schedule is checked against what it says must
happen: the outputs or the error, the wall-time bound and the errors reported.

CI runs BPG_PROVIDER_FAULT_SCHEDULES (50) schedules from BPG_FAULT_SEED (fixed); set them to
run more locally. A failure prints the seed, the schedule's index and the schedule itself.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from components.core.scheduler import READ_MARGIN_SECONDS
from components.core.verdict import Action, action
from components.provider import BulkPublishGateProvider
from emulator import Emulator, ManualClock
from tests.support.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from tests.support.scenarios import STREAMS, provider_env

SCHEDULES = int(os.environ.get("BPG_PROVIDER_FAULT_SCHEDULES", "50"))
SEED = int(os.environ.get("BPG_FAULT_SEED", "20261123"))
SLACK_SECONDS = 3.0
"""Room for the gRPC round trip, client setup and a loaded 2-core machine."""
FAILING = ["too-many-requests", "throttling", "internal-error", "service-unavailable"]
FAILING += ["drop-connection"]
BLOB, _ = provider_blob(BulkPublishGateProvider())
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@dataclass(frozen=True)
class Plan:
    index: int
    mode: str
    timeout: int
    wait_for_start: bool
    state: str
    in_progress_reads: int
    outcome: str
    faults: tuple[tuple[str, int | None, float], ...]
    """(kind, count or None for ever, latency) in injection order."""

    @property
    def pool(self) -> str:
        return f"us-east-1:0b000000-0000-4000-8000-{self.index:012x}"

    def spec(self) -> dict:
        spec = {"identity_pool_id": self.pool, "cognito_streams": dict(STREAMS)}
        spec["state"] = self.state
        script = {"in_progress_reads": self.in_progress_reads, "outcome": self.outcome}
        if self.outcome == "FAILED":
            script["failure_message"] = "scripted failure"
        spec["bulk_publish"] = script
        return spec


def plan(index: int, rng: random.Random) -> Plan:
    stuck = rng.random() < 0.25
    faults = []
    for _ in range(rng.randint(0, 3)):
        if rng.random() < 0.3:
            faults.append(("latency", 1, round(rng.uniform(0.01, 0.15), 3)))
        else:
            faults.append((rng.choice(FAILING), rng.randint(1, 2), 0.0))
    forever = rng.random() < 0.2
    if forever:
        faults.append((rng.choice(FAILING), None, 0.0))  # every read from then on fails
    # Timeouts leave the scripted part of a schedule seconds to spare, so that what it must do
    # does not hang on timing: only a schedule that never settles waits for its deadline.
    timeout = 1 if forever else 2 if stuck else 5
    state = rng.choice(["IN_PROGRESS"] * 3 + ["SUCCEEDED", "FAILED", "NOT_STARTED"])
    return Plan(
        index=index,
        mode=rng.choice(["gate", "observe"]),
        timeout=rng.choice([0, timeout, timeout]),
        wait_for_start=rng.random() < 0.2,
        state=state,
        in_progress_reads=10**9 if stuck else rng.randint(0, 3),
        outcome=rng.choice(["SUCCEEDED", "FAILED"]),
        faults=tuple(faults),
    )


@dataclass(frozen=True)
class Expected:
    kind: str
    """settled, timed-out (fresh), stale (the last reads failed) or no-read."""
    status: str | None
    failed: int
    """Failed reads (for settled: exactly; otherwise: at least)."""
    requests: int | None
    """Requests made, when the schedule fixes it."""


def expect(plan: Plan) -> Expected:
    """Walk the requests the emulator will answer, as the wait will make them."""
    answers = _statuses(plan)
    status, failed, reads = None, 0, 0
    for made, fault in enumerate(_faults(plan), start=1):
        if fault in FAILING:
            failed += 1
            status_fresh = False
        else:
            status, status_fresh, reads = next(answers), True, reads + 1
            if action(status, plan.wait_for_start) is Action.STOP:
                return Expected("settled", status, failed, made)
        if plan.timeout == 0 or made > 60:
            break
    if reads == 0:
        return Expected("no-read", None, failed, 1 if plan.timeout == 0 else None)
    kind = "timed-out" if status_fresh else "stale"
    return Expected(kind, status, failed, 1 if plan.timeout == 0 else None)


def _faults(plan: Plan) -> Iterator[str | None]:
    for kind, count, _ in plan.faults:
        while count is None:
            yield kind
        yield from [kind] * count
    while True:
        yield None


def _statuses(plan: Plan) -> Iterator[str]:
    if plan.state != "IN_PROGRESS":
        while True:
            yield plan.state
    yield from ["IN_PROGRESS"] * min(plan.in_progress_reads, 1000)
    while True:
        yield plan.outcome


@pytest.fixture(scope="module")
def emulator():
    with Emulator(clock=ManualClock(datetime(2026, 11, 1, tzinfo=UTC).timestamp())) as running:
        yield running


@pytest.fixture(scope="module")
def server(emulator):
    # One attempt per read: each of the wait's reads is exactly one scripted request.
    with ProviderServer(env=provider_env(emulator.url, AWS_MAX_ATTEMPTS="1")) as running:
        running.configure({"aws:region": "us-east-1"})
        yield running


def test_fault_schedules_through_the_provider(emulator, server):
    started = time.monotonic()
    for index in range(SCHEDULES):
        chosen = plan(index, random.Random(f"{SEED}:provider:{index}"))
        try:
            run_one(emulator, server, chosen)
        except AssertionError as failure:
            pytest.fail(
                f"provider fault schedule #{index} of BPG_FAULT_SEED={SEED} failed: {failure}\n"
                f"schedule: {chosen}\nexpected: {expect(chosen)}",
                pytrace=False,
            )
    print(f"{SCHEDULES} provider fault schedules in {time.monotonic() - started:.1f}s")


def run_one(emulator: Emulator, server: ProviderServer, plan: Plan) -> None:
    backend = emulator.backend
    backend.clear_faults()
    backend.put_pool(plan.spec())
    for kind, count, latency in plan.faults:
        backend.inject_fault(kind, "GetBulkPublishDetails", count=count, latency_seconds=latency)
    before = backend.call_count("GetBulkPublishDetails")
    props = {
        "identity_pool_id": plan.pool,
        "mode": plan.mode,
        "timeout_seconds": plan.timeout,
        "wait_for_start": plan.wait_for_start,
        "poll_interval_seconds": 0.01,
        "max_poll_interval_seconds": 0.05,
        PROVIDER_KEY: BLOB,
    }
    began = time.monotonic()
    try:
        outs, message = server.create(props)[1], None
    except ProviderError as error:
        outs, message = None, error.message
    took = time.monotonic() - began
    assert took <= plan.timeout + READ_MARGIN_SECONDS + SLACK_SECONDS, f"took {took:.2f}s"
    expected = expect(plan)
    if expected.requests is not None:
        made = backend.call_count("GetBulkPublishDetails") - before
        assert made == expected.requests, f"{made} requests"
    check_answer(plan, expected, outs, message)
    if expected.failed and outs is not None:
        summary = wait_for_line(server, f"{plan.pool}: {expected.status}")
        assert f"{expected.failed} of " in summary and "reads failed" in summary, summary


def check_answer(plan: Plan, expected: Expected, outs: dict | None, message: str | None):
    if expected.kind == "no-read":
        assert message and message.startswith("components.core.errors.ReadsFailedError: gave up")
        assert "without one successful read" in message
        assert "TransientError" in message or "ThrottledError" in message
        return
    if expected.kind == "stale":
        assert message and message.startswith("components.core.errors.ReadsFailedError: could not")
        assert plan.pool in message and "read(s) failed" in message
        assert f"said {expected.status}; it is not exported as current" in message
        return
    is_open = expected.kind == "settled" and expected.status == "SUCCEEDED"
    if plan.mode == "gate" and not is_open:
        assert message and message.startswith("components.core.errors.GateClosedError: "), message
        assert plan.pool in message
        if expected.failed:
            assert f"{expected.failed} of " in message and "reads failed" in message, message
        if expected.kind == "timed-out":
            assert f"still {expected.status} after" in message
        return
    assert message is None, message
    assert (outs["bulk_publish_status"], outs["gate_open"]) == (expected.status, is_open)
    assert ISO.fullmatch(outs["checked_at"])
    assert ("failure_message" in outs) == (expected.status == "FAILED")


def wait_for_line(server: ProviderServer, fragment: str, seconds: float = 5.0) -> str:
    """The last stderr line with `fragment`; the server's stderr is read by a thread."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [line for line in server.stderr_lines if fragment in line and "read(s)" in line]
        if found:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no stderr line with {fragment!r}")
