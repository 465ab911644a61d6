"""The operator command against the emulator over HTTP: status, wait and start, their exit codes,
the JSON document, bad input before any call, and the `python -m components` entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from components.cli import main
from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, ManualClock
from tests.support.scenarios import FAILURE_MESSAGE, MISSING_POOL, pool, pool_id, provider_env

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--poll-interval", "0.05", "--max-poll-interval", "0.1", "--timeout", "10"]
CONTRACT = {
    "identityPoolId",
    "bulkPublishStatus",
    "bulkPublishStartTime",
    "bulkPublishCompleteTime",
    "failureMessage",
    "gateOpen",
    "gateReason",
    "checkedAt",
}


@pytest.fixture
def manual_clock() -> ManualClock:
    """The emulator's clock at the real time: the command's freshness bound and its "newer than
    the publish it started" check read the wall clock, as against AWS."""
    return ManualClock(time.time())


@pytest.fixture(autouse=True)
def _developer(monkeypatch, emulator):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_SYNC", emulator.url)


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    """`main` with --json: (exit code, the document, stderr)."""
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize(
    ("name", "code", "status", "reason"),
    [
        ("succeeded", 0, "SUCCEEDED", "open"),
        ("publishing", 3, "IN_PROGRESS", "in_progress"),
        ("failing", 3, "IN_PROGRESS", "in_progress"),
        ("not-started", 1, "NOT_STARTED", "not_started"),
        ("stuck", 3, "IN_PROGRESS", "in_progress"),
    ],
)
def test_status_reads_each_scenario_once(emulator, capsys, name, code, status, reason):
    emulator.backend.put_pool(pool(name))
    got, doc, _ = run(capsys, "status", pool_id(name))
    record = doc["pools"][pool_id(name)]
    assert (got, record["bulkPublishStatus"], record["gateReason"]) == (code, status, reason)
    assert set(record) == CONTRACT | {"message", "error"}
    assert doc["gateOpen"] is (code == 0) is record["gateOpen"]
    assert record["checkedAt"].endswith("Z")
    assert {op: n for op, n in emulator.backend.calls().items() if n} == {
        "GetBulkPublishDetails": 1
    }


def test_status_of_a_failed_publish_exits_1_with_its_message(emulator, capsys):
    emulator.backend.put_pool(pool("failing", state="FAILED", completed_seconds_ago=60))
    code, doc, _ = run(capsys, "status", pool_id("failing"))
    record = doc["pools"][pool_id("failing")]
    assert (code, record["gateReason"]) == (1, "failed")
    assert record["failureMessage"] == FAILURE_MESSAGE
    assert FAILURE_MESSAGE in record["message"]


def test_status_prints_one_human_line_per_pool(emulator, capsys):
    emulator.backend.put_pool(pool("succeeded"))
    emulator.backend.put_pool(pool("not-started"))
    code = main(["status", pool_id("succeeded"), pool_id("not-started")])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert len(lines) == 2
    assert lines[0].startswith(f"{pool_id('succeeded')} SUCCEEDED open started=20")
    assert lines[1].startswith(f"{pool_id('not-started')} NOT_STARTED not_started started=- ")
    assert "no bulk publish has been started" in lines[1]


def test_wait_follows_in_progress_to_open(emulator, capsys):
    emulator.backend.put_pool(pool("publishing"))
    code, doc, err = run(capsys, "wait", pool_id("publishing"), *FAST)
    assert (code, doc["gateOpen"]) == (0, True)
    assert doc["pools"][pool_id("publishing")]["bulkPublishStatus"] == "SUCCEEDED"
    assert emulator.backend.call_count("GetBulkPublishDetails") == 3
    assert f"bulk-publish-gate: {pool_id('publishing')}: IN_PROGRESS" in err
    assert "gate open" in err.splitlines()[-1]


def test_wait_times_out_with_exit_3(emulator, capsys):
    emulator.backend.put_pool(pool("stuck"))
    began = time.monotonic()
    code, doc, _ = run(capsys, "wait", pool_id("stuck"), *FAST[:4], "--timeout", "1")
    assert time.monotonic() - began < 5
    assert (code, doc["pools"][pool_id("stuck")]["gateReason"]) == (3, "in_progress")
    assert emulator.backend.call_count("GetBulkPublishDetails") > 2


def test_wait_never_starts_a_bulk_publish(emulator, capsys):
    emulator.backend.put_pool(pool("not-started"))
    code, _, _ = run(capsys, "wait", pool_id("not-started"), *FAST)
    assert code == 1
    assert emulator.backend.call_count("BulkPublish") == 0


def test_start_on_not_started_starts_one_and_waits_for_it(emulator, capsys):
    script = {"in_progress_reads": 2, "outcome": "SUCCEEDED"}
    emulator.backend.put_pool(pool("not-started", bulk_publish=script))
    code, doc, err = run(capsys, "start", pool_id("not-started"), *FAST)
    assert (code, doc["pools"][pool_id("not-started")]["gateReason"]) == (0, "open")
    assert emulator.backend.call_count("BulkPublish") == 1
    assert "calling BulkPublish" in err
    assert "started a bulk publish; waiting for it" in err


def test_start_on_a_fresh_success_calls_no_bulk_publish(emulator, capsys):
    emulator.backend.put_pool(pool("succeeded"))
    code, _, _ = run(capsys, "start", pool_id("succeeded"), *FAST, "--max-age-seconds", "7200")
    assert code == 0
    assert emulator.backend.call_count("BulkPublish") == 0


def test_start_on_a_stale_success_within_24h_is_already_streamed(emulator, capsys):
    emulator.backend.put_pool(pool("succeeded"))  # completed an hour ago
    code, doc, err = run(capsys, "start", pool_id("succeeded"), *FAST, "--max-age-seconds", "60")
    record = doc["pools"][pool_id("succeeded")]
    assert (code, record["gateReason"]) == (1, "stale")
    assert emulator.backend.call_count("BulkPublish") == 1
    assert "AlreadyStreamed" in err
    completed = record["bulkPublishCompleteTime"]
    next_start = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ",
        time.gmtime(time.mktime(time.strptime(completed, "%Y-%m-%dT%H:%M:%SZ")) + 86400),
    )
    assert f"may start at {next_start} at the earliest" in record["message"]


def test_status_with_a_bound_calls_a_stale_success_stale(emulator, capsys):
    emulator.backend.put_pool(pool("succeeded"))
    code, doc, _ = run(capsys, "status", pool_id("succeeded"), "--max-age-seconds", "60")
    assert (code, doc["pools"][pool_id("succeeded")]["gateReason"]) == (1, "stale")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["wait", "POOL", "--timeout", "1.5"], "--timeout must be a whole number in plain digits"),
        (["wait", "POOL", "--poll-interval", "0"], "--poll-interval must be at least 0.01"),
        (
            ["wait", "POOL", "--poll-interval", "2", "--max-poll-interval", "1"],
            "--max-poll-interval must be at least --poll-interval",
        ),
        (["status", "POOL", "--max-age-seconds", "-1"], "--max-age-seconds must be at least 0"),
        (["status", "POOL", "--completed-after", "yesterday"], "--completed-after must be"),
        (["status", "POOL", "--completed-after", "2999-01-01T00:00:00Z"], "in the future"),
        (["status", "POOL", "--endpoint-url", "ftp://x"], "--endpoint-url must be an http://"),
        (["status", "POOL", "--region", "Mars"], "--region must be an AWS region name"),
        (["status", "us-east-1:NOT-HEX"], "POOL 'us-east-1:NOT-HEX' must match"),
        (["status", "POOL", "--profile", "nobody"], "--profile "),
        (["status", "POOL", "--timeout", "5"], "unrecognized arguments: --timeout"),
        (["wait", "POOL", "--timeout", "soon"], "--timeout must be a whole number in plain digits"),
        (["wait", "POOL", "--timeout", "1_0"], "--timeout must be a whole number in plain digits"),
        (["start"], "the following arguments are required: POOL"),
    ],
)
def test_bad_input_exits_2_naming_the_option_before_any_call(emulator, capsys, argv, says):
    emulator.backend.put_pool(pool("succeeded"))
    argv = [pool_id("succeeded") if arg == "POOL" else arg for arg in argv]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2
    assert says in captured.err
    assert captured.out == ""
    assert sum(emulator.backend.calls().values()) == 0


def test_a_bad_endpoint_variable_is_named(emulator, capsys, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_SYNC", "not a url")
    assert main(["status", pool_id("succeeded")]) == 2
    assert "AWS_ENDPOINT_URL_COGNITO_SYNC" in capsys.readouterr().err
    assert sum(emulator.backend.calls().values()) == 0


def test_several_pools_one_open_one_failed_exit_1_both_in_json(emulator, capsys):
    emulator.backend.put_pool(pool("publishing"))
    emulator.backend.put_pool(pool("failing"))
    pools = [pool_id("publishing"), pool_id("failing")]
    code, doc, _ = run(capsys, "wait", *pools, *FAST)
    assert code == 1
    assert list(doc["pools"]) == pools
    assert [doc["pools"][p]["gateReason"] for p in pools] == ["open", "failed"]
    assert doc["gateOpen"] is False


def test_an_api_error_is_one_line_on_stderr_and_exit_1(emulator, capsys):
    emulator.backend.put_pool(pool("succeeded"))
    code, doc, err = run(capsys, "status", pool_id("succeeded"), MISSING_POOL)
    assert code == 1
    missing = doc["pools"][MISSING_POOL]
    assert (missing["gateReason"], missing["bulkPublishStatus"]) == (None, None)  # not a status
    assert MISSING_POOL in missing["error"]
    assert doc["pools"][pool_id("succeeded")]["gateOpen"] is True
    errors = [line for line in err.splitlines() if line.startswith("bulk-publish-gate: error:")]
    assert len(errors) == 1
    assert MISSING_POOL in errors[0]
    assert "Traceback" not in err


def test_wrong_credentials_are_an_error_not_a_traceback(emulator, capsys, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    emulator.backend.put_pool(pool("succeeded"))
    code, doc, err = run(capsys, "status", pool_id("succeeded"))
    assert (code, doc["gateOpen"]) == (1, False)
    assert "refused GetBulkPublishDetails" in err
    assert "Traceback" not in err


def test_many_pools_share_one_deadline_not_one_each(emulator, capsys):
    # 24 stuck pools, 2 calls at a time: the command ends at its one --timeout (it used to wait
    # ceil(n / 8) x --timeout), every pool read at least once and still IN_PROGRESS.
    ids = [f"us-east-1:0a000000-0000-4000-8000-0000000002{i:02d}" for i in range(24)]
    for each in ids:
        emulator.backend.put_pool(pool("stuck", identity_pool_id=each))
    began = time.monotonic()
    code, doc, _ = run(capsys, "wait", *ids, *FAST[:4], "--timeout", "1", "--max-concurrency", "2")
    assert time.monotonic() - began < 1 + 2.5  # the deadline, its margin and client setup
    assert code == 3
    assert {record["gateReason"] for record in doc["pools"].values()} == {"in_progress"}
    assert emulator.backend.call_count("GetBulkPublishDetails") >= len(ids)


def test_wait_for_start_on_a_pool_nobody_starts_is_not_started_not_in_progress(emulator, capsys):
    emulator.backend.put_pool(pool("not-started"))
    code, doc, _ = run(capsys, "wait", pool_id("not-started"), *FAST[:4], "--timeout", "1",
                       "--wait-for-start")  # fmt: skip
    record = doc["pools"][pool_id("not-started")]
    assert (code, record["gateReason"]) == (1, "not_started")
    assert "no bulk publish was started" in record["message"]


def test_a_missing_profile_named_by_aws_profile_blames_aws_profile(emulator, capsys, monkeypatch):
    monkeypatch.setenv("AWS_PROFILE", "nobody")
    assert main(["status", pool_id("succeeded")]) == 2
    err = capsys.readouterr().err
    assert "error: AWS_PROFILE " in err
    assert "--profile" not in err.split("error:", 1)[1].split(".")[0]
    assert sum(emulator.backend.calls().values()) == 0


def command(emulator, *argv: str) -> subprocess.Popen:
    env = {**provider_env(emulator.url), "PATH": os.environ.get("PATH", "")}
    return subprocess.Popen(
        [sys.executable, "-m", "components", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, fragment: str) -> list[str]:
    """stderr lines until one holds `fragment` (the command is then where the test wants it)."""
    seen = []
    for line in process.stderr:
        seen.append(line)
        if fragment in line:
            return seen
    raise AssertionError(f"no line with {fragment!r}: {seen}")


@pytest.mark.parametrize(("signal_number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_a_wait_ends_it_with_each_pool_said(emulator, signal_number, code):
    emulator.backend.put_pool(pool("stuck"))
    process = command(emulator, "wait", pool_id("stuck"), "--json", *FAST[:4], "--timeout", "600")
    wait_for_line(process, "IN_PROGRESS")
    process.send_signal(signal_number)
    out, err = process.communicate(timeout=30)
    assert process.returncode == code
    record = json.loads(out)["pools"][pool_id("stuck")]
    assert f"interrupted by {signal.Signals(signal_number).name}" in record["error"]
    assert "Traceback" not in err


def test_an_interrupted_start_says_the_publish_it_started_goes_on(emulator):
    emulator.backend.put_pool(pool("not-started", bulk_publish={"in_progress_reads": 10**9}))
    process = command(emulator, "start", pool_id("not-started"), *FAST[:4], "--timeout", "600")
    wait_for_line(process, "started a bulk publish; waiting for it")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "BulkPublish answered started: the publish goes on" in err
    assert out.startswith(pool_id("not-started"))
    assert "Traceback" not in err


def test_an_interrupt_while_bulk_publish_is_in_flight_says_a_publish_may_have_started(emulator):
    emulator.backend.put_pool(pool("not-started", bulk_publish={"in_progress_reads": 10**9}))
    emulator.backend.inject_fault("latency", operation="BulkPublish", latency_seconds=120)
    process = command(emulator, "start", pool_id("not-started"), *FAST[:4], "--timeout", "600")
    wait_for_line(process, "calling BulkPublish")
    deadline = time.monotonic() + 30
    while emulator.backend.call_count("BulkPublish") == 0:  # the emulator holds its answer
        assert time.monotonic() < deadline, "BulkPublish never reached the emulator"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert (
        f"interrupted by SIGINT while BulkPublish was in flight: a bulk publish of "
        f"{pool_id('not-started')} may have started, and goes on without this run"
    ) in err, err
    assert f"check it with `bulk-publish-gate status {pool_id('not-started')}`" in err
    assert out.startswith(pool_id("not-started"))
    assert "Traceback" not in err


def test_a_signal_before_the_command_runs_ends_it_quietly(emulator):
    process = command(emulator, "status", pool_id("succeeded"))
    process.send_signal(signal.SIGINT)  # at once: while Python starts or imports the command
    _, err = process.communicate(timeout=30)
    # -2: before Python's own handler (silent); 130: ours, while importing; 0/1: it finished.
    assert process.returncode in (-signal.SIGINT, 130, 0, 1)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_python_dash_m_components_is_the_entry_point(emulator):
    emulator.backend.put_pool(pool("succeeded"))
    env = {**provider_env(emulator.url), "PATH": os.environ.get("PATH", "")}
    done = subprocess.run(
        [sys.executable, "-m", "components", "status", pool_id("succeeded"), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pools"][pool_id("succeeded")]["gateReason"] == "open"
    assert emulator.backend.call_count("GetBulkPublishDetails") == 1
