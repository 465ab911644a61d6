"""One gate run on a fake clock: progress lines and their heartbeat, `checkedAt`, the summary,
and what each mode does when reads failed."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from components import run
from components.aws.settings import AwsDefaults
from components.core.errors import GateClosedError, ReadsFailedError, TransientError
from components.core.inputs import GateInputs
from components.core.progress import HEARTBEAT_SECONDS, ProgressReporter
from components.core.watch import Progress
from components.properties import properties
from tests.unit.fakes import POOL, FakeClient, Script, Slow, fake_io

END = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
THROTTLED = TransientError("Cognito Sync could not answer (ThrottlingException: slow down)")


def observe(script: Script, mode: str = "gate", timeout: int = 60, **changes):
    lines: list[tuple[float, str]] = []
    inputs = GateInputs(
        POOL,
        mode=mode,
        timeout_seconds=timeout,
        poll_interval_seconds=changes.pop("poll", 2),
        max_poll_interval_seconds=changes.pop("cap", 10),
        endpoint_url="http://127.0.0.1:1",
    )
    observed = run.observe(
        inputs,
        AwsDefaults(region="us-east-1"),
        write=lambda line: lines.append((script.now - 1000.0, line)),
        io=fake_io(script, now=lambda: END - timedelta(seconds=1000.0 - script.now)),
    )
    return observed, lines


def result(observed: run.Run):
    return observed.pools[POOL].result


def test_checked_at_is_the_time_of_the_read_shown_not_the_end_of_the_wait():
    script = Script(["IN_PROGRESS", "IN_PROGRESS", THROTTLED], read_seconds=1)
    observed, _ = observe(script, mode="observe", timeout=30)
    seen = result(observed)
    assert seen.trailing_failures > 0
    end = END - timedelta(seconds=1000.0 - script.now)  # the wall clock at the end of the wait
    assert seen.checked_at == end - timedelta(seconds=seen.elapsed - seen.read_at)
    assert seen.checked_at < end
    settled = Script(["SUCCEEDED"], read_seconds=1)
    assert result(observe(settled)[0]).checked_at == END + timedelta(seconds=1)


@pytest.mark.parametrize("mode", ["gate", "observe"])
def test_a_wait_that_ends_on_failed_reads_fails_in_both_modes(mode):
    script = Script(["IN_PROGRESS", THROTTLED])
    observed, lines = observe(script, mode=mode)
    with pytest.raises(ReadsFailedError) as failure:
        run.enforce(observed, fail_closed=mode == "gate")
    message = str(failure.value)
    failed = result(observed).failed_reads
    for fragment in (
        POOL,
        f"the last {failed} read(s) failed",
        f"{failed} of {failed + 1} reads failed; the last: TransientError: ",
        "slow down",
        "said IN_PROGRESS; it is not exported as current",
        "run `pulumi up` again",
    ):
        assert fragment in message
    assert lines[-1][1].endswith(": no fresh status")


def test_observe_mode_exports_after_retried_failures_and_says_so():
    script = Script([THROTTLED, "IN_PROGRESS", THROTTLED, "FAILED"])
    observed, lines = observe(script, mode="observe")
    run.enforce(observed, fail_closed=False)  # no raise: the last read answered
    assert properties(observed)["bulk_publish_status"] == "FAILED"
    summary = lines[-1][1]
    assert "2 of 4 reads failed; the last: TransientError: " in summary
    assert summary.endswith("gate closed (failed)")


def test_gate_mode_names_the_failures_of_a_timed_out_wait():
    script = Script(["IN_PROGRESS", THROTTLED, "IN_PROGRESS"])
    observed, _ = observe(script, mode="gate", timeout=10)
    with pytest.raises(GateClosedError) as failure:
        run.enforce(observed)
    assert "still IN_PROGRESS" in str(failure.value)
    assert "1 of " in str(failure.value) and "TransientError: " in str(failure.value)


def test_progress_lines_never_pause_longer_than_the_heartbeat():
    steps = ["IN_PROGRESS", Slow(95, "IN_PROGRESS"), THROTTLED, Slow(70, THROTTLED)]
    script = Script([*steps, "IN_PROGRESS"], read_seconds=0.5)
    _, lines = observe(script, mode="observe", timeout=1800, poll=100, cap=600)
    times = [0.0] + [at for at, _ in lines]
    assert max(b - a for a, b in itertools.pairwise(times)) <= HEARTBEAT_SECONDS + 1e-6
    assert times[-1] >= 1800
    texts = [text for _, text in lines]
    assert any("still waiting for an answer after 1m" in text for text in texts)
    assert any("read failed after" in text for text in texts)


def test_the_reporter_says_when_it_wants_the_next_call():
    lines: list[str] = []
    reporter = ProgressReporter(POOL, lines.append)
    assert reporter(Progress(POOL, 0, 0, None, None, 0.0, in_flight=0.0)) == 30  # quiet start
    assert lines == []
    assert reporter(Progress(POOL, 12, 0, None, None, 0.0, in_flight=12)) == 30
    assert lines == [
        f"bulk-publish-gate: {POOL}: still waiting for an answer after 12s (waiting 12s; "
        "last status: no answer yet)"
    ]
    assert reporter(Progress(POOL, 20, 0, None, None, 0.0, in_flight=20)) == 22
    assert len(lines) == 1


def test_many_pools_share_one_client_per_region_and_every_client_is_closed():
    regions = ["us-east-1", "eu-west-1", "ap-south-1"]
    pools = [f"{regions[i % 3]}:0a000000-0000-4000-8000-{i:012x}" for i in range(200)]
    script = Script(["SUCCEEDED"])
    built: list[Counted] = []

    class Counted(FakeClient):
        closed = False

        def close(self) -> None:
            self.closed = True

    def client(settings):
        built.append(Counted(script))
        built[-1].region = settings.region
        return built[-1]

    observed = run.observe(
        GateInputs(identity_pool_ids=tuple(pools), endpoint_url="http://127.0.0.1:1"),
        AwsDefaults(),
        write=lambda _line: None,
        io=replace(fake_io(script, now=lambda: END), client=client),
    )
    assert sorted(c.region for c in built) == sorted(regions)
    assert all(c.closed for c in built)
    assert observed.verdict.open and script.reads == 200
