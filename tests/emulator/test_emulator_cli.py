"""`python -m emulator` as a user runs it: help, the URL line, bad seeds, busy ports, signals."""

from __future__ import annotations

import json
import selectors
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_SEED = ROOT / "examples" / "emulator-seed.json"


def _emulator(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _first_line(process: subprocess.Popen, timeout: float = 15) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            process.kill()
            pytest.fail("the emulator printed nothing on stdout")
    return process.stdout.readline().strip()


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def test_help_documents_every_flag():
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    for flag in ("--host", "--port", "--seed", "--quiet"):
        assert flag in result.stdout
    assert "free port" in result.stdout


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_prints_its_url_first_serves_and_stops_cleanly(signum):
    process = _emulator("--port", "0", "--seed", str(EXAMPLE_SEED))
    try:
        url = _first_line(process)
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        health = _get_json(f"{url}/_emulator/health")
        assert health["status"] == "ok" and health["pools"] == 6
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert "GET /_emulator/health -> 200" in stderr


def test_quiet_logs_nothing():
    process = _emulator("--port", "0", "--quiet")
    try:
        url = _first_line(process)
        _get_json(f"{url}/_emulator/calls")
        process.terminate()
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0
    assert stderr == ""


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "cannot read seed file"),
        ('{"pools": [', "is not valid JSON"),
        ('{"pools": [{"identity_pool_id": "nope"}]}', "$.pools[0].identity_pool_id"),
    ],
)
def test_a_broken_seed_is_one_line_and_exit_2(tmp_path, content, fragment):
    seed = tmp_path / "seed.json"
    if content is not None:
        seed.write_text(content)
    result = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", "0", "--seed", str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert fragment in result.stderr and "Traceback" not in result.stderr


def test_a_port_in_use_is_one_line_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "emulator", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
