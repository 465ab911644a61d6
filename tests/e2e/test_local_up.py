"""`make up`, `make down` and `make unlock` as a user runs them, through the real engine: the
typed `pulumi` commands of the three local stacks, with a caller environment full of AWS and
Pulumi settings that must not reach any child; and a Ctrl-C pressed in the terminal while the
gate waits (once: the CLI cancels gracefully and `make up` waits for it; twice: it stops at
once, and the next `make up` clears the pending operation it left); `make unlock` for a lock
(not for one a live `pulumi` holds); a second `make up` (or `make down`, `make unlock`) while one
runs, refused at once; `make down` and `make unlock` with the config copies a bad stack file
left, and a destroy that fails for another cause than a lock, named by the CLI's own error.
State and servers live under tmp_path (BPG_LOCAL_ROOT); the committed stack files are left as
they were."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from harness import local
from tests.e2e.terminal import Terminal
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.e2e
DEMO = json.loads((PROJECT_DIR / "examples" / "local-seed.json").read_text())["pools"][0]
CALLER = {
    # Each would break the run if it reached the provider or the CLI.
    "AWS_SESSION_TOKEN": "host-session-token",
    "AWS_PROFILE": "host-profile-that-does-not-exist",
    "AWS_ACCESS_KEY_ID": "AKIAHOSTKEY000000000",
    "PULUMI_BACKEND_URL": "s3://host-bucket-that-does-not-exist",
}


@pytest.fixture
def make(cli, tmp_path, monkeypatch):
    """`make <target>` in the project, its local state under tmp_path; `make down` at the end."""
    env = {**os.environ, **CALLER, "BPG_LOCAL_ROOT": str(tmp_path)}
    env["PULUMI_RUNTIME_VIRTUALENV"] = str(tmp_path / "no-venv")
    stack_files = [stack.folder / "Pulumi.local.yaml" for stack in local.STACKS]
    before = [path.read_text() for path in stack_files]

    def run(target: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["make", "--no-print-directory", target], cwd=PROJECT_DIR, env=env,
            capture_output=True, text=True, timeout=600,
        )  # fmt: skip

    run.env, run.root = env, tmp_path
    yield run
    run("down")
    assert [path.read_text() for path in stack_files] == before


def resources(root: Path) -> dict[str, list[str]]:
    """Each local stack's resource types in its state file."""
    found = {}
    for stack in (root / ".pulumi-state" / ".pulumi" / "stacks").glob("*/local.json"):
        deployment = json.loads(stack.read_text())["checkpoint"].get("latest") or {}
        found[stack.parent.name] = [r["type"] for r in deployment.get("resources", [])]
    return found


def emulator(root: Path, path: str, body: dict | None = None) -> dict:
    """The local emulator's control API."""
    url = json.loads((root / ".local-run" / "services.json").read_text())["emulator"] + path
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"{}")


def reads(root: Path) -> int:
    try:
        return emulator(root, "/_emulator/calls")["calls"]["GetBulkPublishDetails"]
    except (OSError, KeyError):  # not started yet
        return 0


def until(condition, seconds: float, said) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, said()
        time.sleep(0.05)


def test_make_up_types_the_commands_of_all_three_stacks_and_make_down_destroys_them(make):
    up = make("up")
    assert up.returncode == 0, up.stdout + up.stderr
    out = up.stdout
    for typed in ("$ pulumi stack select --create local", "$ pulumi up --yes --config-file",
                  "$ pulumi stack output --json"):  # fmt: skip
        assert out.count(typed) == 3, typed
    assert "IN_PROGRESS (waiting" in out  # the gate waited on the demo pool, live
    assert '"bulkPublishStatus": "SUCCEEDED"' in out
    assert '"producerStatus": "SUCCEEDED"' in out  # the Python consumer read it
    assert "read from organization/bulk-publish-gate/local" in out  # so did the YAML consumer
    assert "our stand-in" in out or "language host: pulumi-language-python" in out
    if local.aws_plugin_dir() is None:
        assert "status-only" in out
    assert len(resources(make.root)) == 3
    down = make("down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert down.stdout.count("$ pulumi destroy --yes --stack local") == 3
    assert not any(resources(make.root).values())
    assert not (make.root / ".local-run" / "services.json").exists()


def test_one_ctrl_c_cancels_gracefully_and_the_next_make_up_works(make):
    terminal = Terminal(["make", "--no-print-directory", "up"], PROJECT_DIR, make.env)
    try:
        until(lambda: reads(make.root) >= 1, 120, terminal.text)  # the gate is waiting
        pressed = terminal.ctrl_c()
        said = terminal.wait_for("^C received; cancelling", 10) - pressed
        finished = terminal.wait_for("Duration:", 120) - pressed
        code = terminal.wait(timeout=120)
        ended = time.monotonic() - pressed
    finally:
        terminal.close()
    shown = terminal.text()
    print(f"measured: one Ctrl-C in make up: the CLI said so after {said:.2f}s, its update "
          f"ended after {finished:.2f}s, make after {ended:.2f}s (exit {code})")  # fmt: skip
    assert code != 0
    assert "Traceback" not in shown
    assert "SUCCEEDED after" in shown  # the gate's call ran to its end (the demo pool settled)
    assert "error: update canceled" in shown
    assert "nothing is left locked or pending" in shown
    assert "==> the consumer (" not in shown  # no stack runs after it
    again = make("up")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "pending operations" not in again.stdout


def test_two_ctrl_c_stop_at_once_and_the_next_make_up_clears_what_is_left(make):
    # Piped (`tee -i` ignores the Ctrl-C it gets too), the CLI's display is not interactive and
    # does not read the terminal: each Ctrl-C is a SIGINT to the whole foreground group, `make
    # up` included, which says so and waits for the CLI.
    # (pipefail: the pipeline's status is make's, not tee's)
    piped = ["bash", "-c", "set -o pipefail; make --no-print-directory up 2>&1 | "
             f"tee -i {make.root / 'up.log'}"]  # fmt: skip
    terminal = Terminal(piped, PROJECT_DIR, make.env)
    try:
        until(lambda: reads(make.root) >= 1, 120, terminal.text)
        stuck = {**DEMO, "bulk_publish": {**DEMO["bulk_publish"], "in_progress_reads": 100000}}
        emulator(make.root, "/_emulator/pools", stuck)  # it would wait out its deadline
        terminal.ctrl_c()
        # Pressed again once both have said so, as a person would: a process that has not yet
        # run when the second SIGINT comes gets the two as one (signals are not queued), so a
        # press right after the CLI's line could reach `make up` as one Ctrl-C (seen 1 in 22).
        terminal.wait_for("^C received; cancelling", 10)
        terminal.wait_for("==> Ctrl-C: pulumi is cancelling the update", 10)
        pressed = terminal.ctrl_c()
        said = terminal.wait_for("^C received; terminating", 10) - pressed
        code = terminal.wait(timeout=60)
        ended = time.monotonic() - pressed
    finally:
        terminal.close()
    shown = terminal.text()
    print(f"measured: two Ctrl-C in make up: 'terminating' after {said:.2f}s, make ended "
          f"{ended:.2f}s after the second (exit {code})")  # fmt: skip
    assert code != 0
    assert ended < 60  # not the gate's deadline: the local stack's is 120 s
    assert "Traceback" not in shown
    assert "==> Ctrl-C: pulumi is cancelling the update" in shown
    assert "==> Ctrl-C again: pulumi stops at once" in shown
    assert "the producer stack is left with operations pending: the next `make up`" in shown
    emulator(make.root, "/_emulator/pools", DEMO)
    # A bare `pulumi up --yes` would run too, warning of the create "interrupted" and asking for
    # an interactive `pulumi refresh`: `make up` clears it first, as `make unlock` does.
    again = make("up")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "the producer stack has operations left pending by a stopped update" in again.stdout
    assert again.stdout.count("$ pulumi refresh --yes --clear-pending-creates") == 1
    assert "interrupted while creating" not in again.stdout + again.stderr
    assert "pending operations" not in again.stdout


def test_a_second_make_up_refuses_at_once_and_the_first_one_runs_on(make):
    with (make.root / "first.log").open("w") as log:
        first = subprocess.Popen(
            ["make", "--no-print-directory", "up"], cwd=PROJECT_DIR, env=make.env,
            stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
    try:
        shown = (make.root / "first.log").read_text
        until(lambda: reads(make.root) >= 1, 120, shown)  # its gate waits on the emulator
        recorded = (make.root / ".local-run" / "services.json").read_text()
        for target in ("up", "down", "unlock"):
            started = time.monotonic()
            second = make(target)
            took = time.monotonic() - started
            assert second.returncode != 0, second.stdout + second.stderr
            assert "==> another `make up` is running in this folder (pid " in second.stdout
            assert f"this `make {target}` did nothing" in second.stdout
            assert "$ pulumi" not in second.stdout  # no pulumi command ran
            assert (make.root / ".local-run" / "services.json").read_text() == recorded
            print(f"measured: `make {target}` refused after {took:.2f}s")
        code = first.wait(timeout=300)
    finally:
        if first.poll() is None:  # the test failed: end that run (its CLI too) at once
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert code == 0, shown()
    assert '"bulkPublishStatus": "SUCCEEDED"' in shown()  # its gate read on to the end
    assert len(resources(make.root)) == 3


BROKEN = "config:\n  bulk-publish-gate:timeoutSeconds: [\n"
"""A stack file the CLI cannot read (a bad edit, fixed in the committed file since)."""


def pending_create(root: Path) -> None:
    """Leave the producer's gate create pending in its state, as two Ctrl-C do."""
    path = root / ".pulumi-state" / ".pulumi" / "stacks" / "bulk-publish-gate" / "local.json"
    saved = json.loads(path.read_text())
    latest = saved["checkpoint"]["latest"]
    [gate] = [r for r in latest["resources"] if r["type"].startswith("pulumi-python:dynamic/")]
    latest["pending_operations"] = [{"resource": gate, "type": "creating"}]
    path.write_text(json.dumps(saved))


def test_make_down_and_make_unlock_read_the_stack_file_as_it_is_now(make):
    assert make("up").returncode == 0
    copies = sorted((make.root / ".local-run").glob("*.Pulumi.local.yaml"))
    assert len(copies) == 3
    for copy in copies:  # the copies a run with the bad stack file left
        copy.write_text(BROKEN)
    pending_create(make.root)
    unlock = make("unlock")
    assert unlock.returncode == 0, unlock.stdout + unlock.stderr
    assert "$ pulumi refresh --yes --clear-pending-creates --stack local" in unlock.stdout
    assert "the producer stack: cleared" in unlock.stdout
    for copy in copies:
        copy.write_text(BROKEN)
    down = make("down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert down.stdout.count("$ pulumi destroy --yes --stack local") == 3
    assert not any(resources(make.root).values())


def test_a_failed_destroy_names_the_clis_error_not_a_lock(make):
    assert make("up").returncode == 0
    # A resource of a provider plugin that is not installed: the CLI cannot destroy it.
    path = make.root / ".pulumi-state" / ".pulumi" / "stacks" / "bulk-publish-gate" / "local.json"
    saved = json.loads(path.read_text())
    provider = "urn:pulumi:local::bulk-publish-gate::pulumi:providers:nosuch::default"
    saved["checkpoint"]["latest"]["resources"] += [
        {"urn": provider, "custom": True, "id": "x", "type": "pulumi:providers:nosuch",
         "inputs": {"version": "1.0.0"}, "outputs": {"version": "1.0.0"}},
        {"urn": "urn:pulumi:local::bulk-publish-gate::nosuch:index:Thing::thing", "custom": True,
         "id": "thing", "type": "nosuch:index:Thing", "provider": f"{provider}::x"},
    ]  # fmt: skip
    path.write_text(json.dumps(saved))
    down = make("down")
    assert down.returncode != 0
    # The engine's error is in its display (stdout): `make down` points at it; an error the CLI
    # writes to stderr is quoted instead (the lock's, below).
    assert "error: could not load provider for resource" in down.stdout
    assert (
        "==> could not destroy the producer stack (the CLI says why above): the producer stack "
        "is still deployed (nothing is locked or pending): fix what the CLI says, then `make "
        "down` again"
    ) in down.stdout
    assert "unlock" not in down.stdout
    assert resources(make.root)["bulk-publish-gate"]


def test_make_down_fails_loudly_on_a_locked_stack_and_make_unlock_clears_it(make):
    assert make("up").returncode == 0
    # A lock of a `pulumi` still running here (as another terminal's `pulumi up` holds it).
    (make.root / "bin").mkdir()
    (make.root / "bin" / "pulumi").symlink_to(shutil.which("sleep"))
    holder = subprocess.Popen([make.root / "bin" / "pulumi", "300"])
    locks = make.root / ".pulumi-state" / ".pulumi" / "locks" / "organization"
    lock = locks / "bulk-publish-gate" / "local" / "0e000000-0000-4000-8000-000000000001.json"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"pid": holder.pid, "username": "someone",
                                "hostname": socket.gethostname(),
                                "timestamp": "2026-12-02T00:00:00Z"}))  # fmt: skip
    try:
        down = make("down")
        assert down.returncode != 0
        live = f"locked by a `pulumi` still running here (pid {holder.pid})"
        assert (
            "==> could not destroy the producer stack (error: the stack is currently locked"
            in down.stdout
        )
        assert f"{live}: `make down` again once it has ended" in down.stdout
        assert "make unlock" not in down.stdout  # it would cancel a live update
        unlock = make("unlock")
        assert unlock.returncode == 0, unlock.stdout + unlock.stderr
        assert f"the producer stack: {live}: left as it is" in unlock.stdout
        assert "$ pulumi cancel" not in unlock.stdout
        assert lock.exists()
    finally:
        holder.kill()
        holder.wait()
    # Its process is gone (killed: the lock is left).
    down = make("down")
    assert down.returncode != 0
    assert "locked" in down.stdout + down.stderr  # the CLI's own message is shown
    assert (
        "the producer stack is left locked: `make unlock` clears it, then `make down` again"
    ) in down.stdout
    assert resources(make.root)["bulk-publish-gate"]  # and it is still deployed
    unlock = make("unlock")  # as the message says
    assert unlock.returncode == 0, unlock.stdout + unlock.stderr
    assert "$ pulumi cancel --yes --stack local" in unlock.stdout
    assert "the producer stack: cleared" in unlock.stdout
    assert "the consumer stack: nothing to clear" in unlock.stdout
    assert not lock.exists()
    down = make("down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert not any(resources(make.root).values())
