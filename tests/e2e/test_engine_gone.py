"""A provider process never outlives its engine, through the real engine: the CLI is killed
while the gate waits (as when a terminal's Ctrl-C kills whatever drives it), and the
dynamic-provider process it started stops reading and ends within seconds, not at the gate's
30-minute deadline, and never idles on."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.support import gate_config
from tests.support.scenarios import pool

pytestmark = pytest.mark.e2e


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process we can see."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return found


def descendants(root: int, table: dict[int, tuple[int, str]]) -> set[int]:
    below, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (parent, _) in table.items() if parent in frontier} - below
        below |= frontier
    return below


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_a_killed_engine_leaves_no_provider_process(engine, project, emulator, cli):
    emulator.backend.put_pool(pool("stuck"))
    stack = engine.stack("e2e", project)
    stack.set_all_config(gate_config("stuck", timeoutSeconds="600"))
    failed: list[BaseException] = []

    def up() -> None:
        try:
            stack.up()
        except Exception as error:  # the CLI dies under it
            failed.append(error)

    runner = threading.Thread(target=up, daemon=True)
    runner.start()
    deadline = time.monotonic() + 60
    while emulator.backend.call_count("GetBulkPublishDetails") < 3:  # the gate is waiting
        assert time.monotonic() < deadline, "the gate never started reading"
        threading.Event().wait(0.1)
    table = processes()
    (engine_pid,) = [
        pid for pid, (parent, _) in table.items()
        if parent == os.getpid() and os.path.realpath(f"/proc/{pid}/exe") == str(cli.path)
    ]  # fmt: skip
    providers = {
        pid for pid in descendants(engine_pid, table) if "-m pulumi.dynamic" in table[pid][1]
    }
    assert providers, "no dynamic-provider process under the engine"
    os.kill(engine_pid, signal.SIGKILL)
    killed = time.monotonic()
    while providers & set(processes()):
        assert time.monotonic() - killed < 15, "the provider process outlived its engine"
        threading.Event().wait(0.1)
    print(f"measured: provider gone {time.monotonic() - killed:.2f}s after the engine was killed")
    reads = emulator.backend.call_count("GetBulkPublishDetails")
    runner.join(timeout=30)
    assert failed
    threading.Event().wait(1.0)
    assert emulator.backend.call_count("GetBulkPublishDetails") == reads  # nobody reads on
