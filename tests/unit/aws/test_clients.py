"""Client setup counts inside a run's deadline: the clock starts before any client is built, a
client is built by the first call that needs it (on a worker thread), and a setup that outlives
the deadline ends the run at the deadline + margin, saying so, its client closed once built."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from components import run
from components.aws.settings import AwsDefaults
from components.core.errors import ReadsFailedError
from components.core.inputs import GateInputs
from components.core.scheduler import READ_MARGIN_SECONDS
from components.core.text import format_duration
from components.core.threads import Threads
from tests.unit.fakes import POOL, FakeClient, FakeRunner, Script, fake_io

END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TIMEOUT, SETUP = 10, 60.0
"""The run's budget, and how long the slow client takes to set up (longer than the budget)."""


class Timed(Script):
    """The fake service; time spent inside a call is that call's own (it runs on a worker),
    time spent outside one is the caller's."""

    calling = False

    def spend(self, seconds: float) -> None:
        if self.calling:
            self.latency += seconds
        else:
            self.now += seconds


class TimedRunner(FakeRunner):
    """The fake runner, telling the service when a call is running."""

    def start(self, token, call) -> None:
        def timed():
            self.target.calling = True
            try:
                return call()
            finally:
                self.target.calling = False

        super().start(token, timed)


def inputs(*pools: str) -> GateInputs:
    return GateInputs(
        identity_pool_ids=pools, timeout_seconds=TIMEOUT, endpoint_url="http://127.0.0.1:1"
    )


def test_a_setup_longer_than_the_budget_ends_the_run_at_the_budget_and_margin():
    service = Timed(["SUCCEEDED"])

    def slow_setup(_settings):
        service.spend(SETUP)  # boto3's import, a session, a credential_process that is slow
        return FakeClient(service)

    io = replace(
        fake_io(service, now=lambda: END), client=slow_setup, runner=lambda _n: TimedRunner(service)
    )
    began = service.now
    observed = run.observe(inputs(POOL), AwsDefaults(), write=lambda _line: None, io=io)
    assert service.now - began == pytest.approx(TIMEOUT + READ_MARGIN_SECONDS)  # not SETUP + ...
    assert observed.elapsed == pytest.approx(TIMEOUT + READ_MARGIN_SECONDS)
    with pytest.raises(ReadsFailedError, match="without one successful read"):
        run.enforce(observed)


class FakeTimeThreads(Threads):
    """Real worker threads on a fake clock: a wait in which no call has finished passes its
    whole timeout at once (the calls of this test finish only when the test lets them)."""

    def __init__(self, size: int, service: Script) -> None:
        super().__init__(size)
        self.service = service

    def wait(self, timeout: float):
        done = super().wait(0.0)
        if not done:
            self.service.now += timeout
        return done


def test_a_setup_still_running_at_the_bound_is_named_and_its_client_closed_once_built():
    service = Script(["SUCCEEDED"])
    released, closed = threading.Event(), threading.Event()
    built: list[str] = []

    class Closing(FakeClient):
        def close(self) -> None:
            closed.set()

    def blocked_setup(settings):
        built.append(settings.region)
        released.wait(timeout=10)  # (before the fix the run itself waited here)
        return Closing(service)

    io = replace(
        fake_io(service, now=lambda: END),
        client=blocked_setup,
        runner=lambda size: FakeTimeThreads(size, service),
    )
    two = (POOL, POOL.replace("0f5b", "0f5c"))  # one region: one client for both
    began = service.now
    try:
        observed = run.observe(inputs(*two), AwsDefaults(), write=lambda _line: None, io=io)
    finally:
        released.set()
    assert service.now - began == pytest.approx(TIMEOUT + READ_MARGIN_SECONDS)
    assert built == ["us-east-1"]  # the second pool's call waited for the same setup
    for pool in two:
        message = str(observed.failures[pool])
        waited = format_duration(TIMEOUT + READ_MARGIN_SECONDS)
        assert message.startswith(f"gave up after {waited} without one successful read of ")
        assert f"GetBulkPublishDetails for identity pool {pool} in us-east-1" in message
        assert "setting up its client" in message and "had not finished" in message
        assert f"timeoutSeconds={TIMEOUT}, plus its {READ_MARGIN_SECONDS:g}s margin" in message
    assert closed.wait(timeout=10)  # the client built after the run is released at once
