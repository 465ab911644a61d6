"""Ctrl-C on a typed `pulumi up` while the gate waits, as a terminal delivers it: the CLI runs in a
pseudo-terminal that is its controlling terminal, so writing ^C (0x03) to the terminal makes
the line discipline send SIGINT to the foreground process group (the CLI, the language host and
the program; the dynamic-provider process has a process group of its own).

What a user sees, measured (the prints say how long each step took):
- one ^C: the CLI says "^C received; cancelling" at once, but the engine cannot cancel a dynamic
  provider (the SDK's Cancel is a no-op), so the update goes on until the gate's call returns
  (here: the pool turns SUCCEEDED), then ends as canceled. No lock, no pending operation, no
  process is left; the next `pulumi up --yes` just works.
- two ^C: the CLI says "^C received; terminating" and ends without waiting for the gate; the
  provider process ends too (components/engine_watch.py). No lock is left (`pulumi cancel` is not
  needed), but the gate's create stays pending in the state: `pulumi up --yes` works with a
  warning, and `pulumi refresh --yes --clear-pending-creates` clears it (a plain `refresh --yes`
  does not: only an interactive refresh offers to)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.support import GATE_TYPE, Typed, gate_config
from tests.e2e.terminal import Terminal
from tests.e2e.test_engine_gone import descendants, processes
from tests.support.scenarios import pool, pool_id

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)"),
]
READ = "GetBulkPublishDetails"
CANCELLING = "^C received; cancelling. If you would like to terminate immediately, press ^C again."
TERMINATING = "^C received; terminating"
DEADLINE = "120"
"""The gate's timeoutSeconds: every bound below is far under it."""


def in_terminal(pulumi: Typed, *args: str) -> Terminal:
    """`pulumi <args>` in a terminal of its own, as a terminal emulator starts a shell's command."""
    return Terminal([str(pulumi.engine.cli.path), *args], pulumi.cwd, pulumi.engine.environ())


def until(condition: Callable[[], bool], seconds: float, what: Callable[[], str]) -> float:
    """Wait for `condition`, at most `seconds`; how long it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, what()
        threading.Event().wait(0.05)
    return time.monotonic() - start


@pytest.fixture
def waiting_up(typed, project, emulator):
    """A typed `pulumi up --yes` in a terminal, on a pool that stays IN_PROGRESS, once the gate
    has read it three times; and the processes of the run at that moment."""
    emulator.backend.put_pool(pool("stuck"))
    pulumi = typed(project)
    pulumi("stack", "init", "dev")
    config = gate_config("stuck", timeoutSeconds=DEADLINE)
    pulumi("config", "set-all", *(f"--plaintext={k}={v.value}" for k, v in config.items()))
    terminal = in_terminal(pulumi, "up", "--yes")
    until(lambda: emulator.backend.call_count(READ) >= 3, 60, terminal.text)
    run = descendants(terminal.process.pid, processes())
    assert any("-m pulumi.dynamic" in command for _, command in map(processes().get, run))
    yield pulumi, terminal, run
    terminal.close()


def state(pulumi: Typed) -> dict:
    return json.loads(pulumi("stack", "export").stdout)["deployment"]


def lock_files(pulumi: Typed) -> list[Path]:
    return [p for p in (pulumi.engine.backend / ".pulumi" / "locks").rglob("*") if p.is_file()]


def all_gone(run: set[int]) -> float:
    return until(lambda: not run & set(processes()), 15, lambda: "a process of the run is left")


def test_one_ctrl_c_waits_for_the_gate_then_ends_the_update_cleanly(waiting_up, emulator):
    pulumi, terminal, run = waiting_up
    terminal.ctrl_c()
    pressed = time.monotonic()
    said = until(lambda: CANCELLING in terminal.text(), 10, terminal.text)
    # The engine cannot cancel the dynamic provider's call: the gate reads on, the CLI waits.
    reads = emulator.backend.call_count(READ)
    until(lambda: emulator.backend.call_count(READ) >= reads + 10, 30, terminal.text)
    assert terminal.process.poll() is None, terminal.text()
    emulator.backend.put_pool(pool("succeeded", identity_pool_id=pool_id("stuck")))
    answered = time.monotonic()
    code = terminal.process.wait(timeout=60)
    ended = time.monotonic()
    gone = all_gone(run)
    print(
        f"measured: one ^C: message after {said:.2f}s; the CLI still waiting "
        f"{answered - pressed:.2f}s later; ended {ended - answered:.2f}s after the pool turned "
        f"SUCCEEDED (exit {code}); its processes gone {gone:.2f}s after that"
    )
    shown = terminal.text()
    assert code != 0
    assert ended - answered < 30, shown  # on the gate's answer, not at its 120 s deadline
    assert f"{pool_id('stuck')}: SUCCEEDED after" in shown  # the gate's call ran to its end
    assert "error: update canceled" in shown
    assert not state(pulumi).get("pending_operations")
    assert lock_files(pulumi) == []
    up = pulumi("up", "--yes")
    assert "pending operations" not in up.stdout
    assert pulumi.outputs()["gateOpen"] is True


def test_two_ctrl_c_end_the_cli_at_once_and_leave_a_pending_create(waiting_up, emulator):
    pulumi, terminal, run = waiting_up
    terminal.ctrl_c()
    until(lambda: CANCELLING in terminal.text(), 10, terminal.text)
    terminal.ctrl_c()
    pressed = time.monotonic()
    said = until(lambda: TERMINATING in terminal.text(), 10, terminal.text)
    code = terminal.process.wait(timeout=60)
    ended = time.monotonic() - pressed
    gone = all_gone(run)
    print(
        f"measured: two ^C: '{TERMINATING}' after {said:.2f}s; the CLI ended {ended:.2f}s after "
        f"the second ^C (exit {code}); its processes (the provider's too) gone {gone:.2f}s later"
    )
    assert code != 0
    assert ended < 30, terminal.text()  # not at the gate's 120 s deadline
    assert "creating (interrupted)" in terminal.text()
    reads = emulator.backend.call_count(READ)

    # What is left: no lock, no reader, but the gate's create pending in the state.
    [pending] = state(pulumi)["pending_operations"]
    assert (pending["type"], pending["resource"]["type"]) == ("creating", GATE_TYPE)
    assert lock_files(pulumi) == []
    assert emulator.backend.call_count(READ) == reads  # nothing reads any more

    # Recovery: `up` works at once (no `pulumi cancel`), but warns and keeps the pending create;
    # a non-interactive refresh clears it only when told to.
    emulator.backend.put_pool(pool("succeeded", identity_pool_id=pool_id("stuck")))
    up = pulumi("up", "--yes")
    assert "1 pending operations from previous deployment" in up.stdout
    assert "interrupted while creating" in up.stdout
    assert pulumi.outputs()["gateOpen"] is True
    assert state(pulumi)["pending_operations"]
    pulumi("refresh", "--yes")
    assert state(pulumi)["pending_operations"]
    pulumi("refresh", "--yes", "--clear-pending-creates")
    assert not state(pulumi).get("pending_operations")
    again = pulumi("up", "--yes")
    assert "pending operations" not in again.stdout
    assert pulumi.outputs()["gateOpen"] is True
