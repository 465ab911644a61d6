"""What `make up`, `make down` and `make unlock` may touch: only the servers `make up` started
(a recorded pid that is another process now is left alone, its record dropped in one line), and
nothing at all while another of them runs in the same folder (it is refused at once). No engine
is needed: the refusal comes before anything else, and `make down` without state only stops
servers. (tests/e2e/test_local_up.py runs two real `make up` at once.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from harness import local
from harness import services as servers
from harness.processes import identity
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")


@pytest.fixture
def unrelated():
    """A live process that is not ours (it may hold a pid a stale record names)."""
    process = subprocess.Popen(["sleep", "60"])
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def run_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(local, "RUN_DIR", tmp_path / ".local-run")
    monkeypatch.setattr(local, "STATE_DIR", tmp_path / ".pulumi-state")  # none: nothing to destroy
    return tmp_path / ".local-run"


def record(run_dir: Path, services: dict) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "services.json").write_text(json.dumps(services))


def test_make_down_stops_our_server_and_leaves_a_reused_pid_alone(run_dir, unrelated, capsys):
    started = servers.start(run_dir, with_moto=False)  # a real emulator, as `make up` starts it
    [emulator] = started["servers"]
    # A second server that ended since; its pid is another process's now.
    stale = {"pid": unrelated.pid, "identity": "boot 0 tick 1: python -m moto.server -p 5000"}
    record(run_dir, {**started, "servers": [emulator, stale]})
    try:
        assert local.main(["down"]) == 0
    finally:
        if identity(emulator["pid"]) == emulator["identity"]:  # not stopped: the test fails
            os.kill(emulator["pid"], signal.SIGKILL)
    out = capsys.readouterr().out.splitlines()
    assert unrelated.poll() is None  # never signalled
    assert identity(emulator["pid"]) is None, out  # ours was stopped
    assert [line for line in out if "stale" in line] == [
        f"==> dropped a stale record of the local servers (pid {unrelated.pid}): not a server "
        "`make up` started any more (it ended; the pid may be another process's now), left alone"
    ]
    assert "==> stopped the local servers" in out
    assert not (run_dir / "services.json").exists()


def test_a_record_without_identities_signals_nothing(run_dir, unrelated, capsys):
    # As an older `make up` wrote it, before a reboot: only pids, one of them reused since.
    record(run_dir, {"emulator": "http://127.0.0.1:9", "pids": [unrelated.pid]})
    assert local.main(["down"]) == 0
    out = capsys.readouterr().out
    assert unrelated.poll() is None
    assert out.count("dropped a stale record") == 1
    assert "stopped the local servers" not in out
    assert not (run_dir / "services.json").exists()


HOLDER = """
import sys
from pathlib import Path
from harness.run_lock import held
with held(Path(sys.argv[1]), "up"):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.mark.parametrize("command", ["up", "down", "unlock"])
def test_while_a_make_up_runs_another_command_refuses_and_touches_nothing(
    command, tmp_path, unrelated
):
    run_dir = tmp_path / ".local-run"
    # The first run's servers (a live process stands for them) and its record.
    ours = {"pid": unrelated.pid, "identity": identity(unrelated.pid)}
    record(run_dir, {"emulator": "http://127.0.0.1:9", "servers": [ours]})
    saved = (run_dir / "services.json").read_text()
    (tmp_path / ".pulumi-state").mkdir()  # state to destroy or unlock, were it not refused
    # A `pulumi` that notes each time it runs (it must not run at all).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(f'#!/bin/sh\necho "$@" >> {tmp_path / "pulumi-ran"}\n')
    (bin_dir / "pulumi").chmod(0o755)
    env = {**os.environ, "BPG_LOCAL_ROOT": str(tmp_path),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}  # fmt: skip
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(run_dir)], cwd=PROJECT_DIR, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline() == "held\n"
        second = subprocess.run(
            [sys.executable, "-m", "harness.local", command], cwd=PROJECT_DIR, env=env,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        holder.communicate("", timeout=10)
    try:
        assert second.returncode == 1, second.stdout + second.stderr
        assert second.stdout == (
            f"==> another `make up` is running in this folder (pid {holder.pid}): this `make "
            f"{command}` did nothing and touched nothing of it; run it again once that one has "
            "ended\n"
        )
        assert unrelated.poll() is None
        assert (run_dir / "services.json").read_text() == saved
        assert not (tmp_path / "pulumi-ran").exists()
    finally:
        if servers.running(run_dir) not in (None, json.loads(saved)):
            servers.stop(run_dir)  # what a run that was not refused started
