"""The gate from YAML, through the provider plugin (package cognito-sync-gate): the official
YAML language host runs examples/gate-yaml, whose `packages:` entry points at this repository's
provider/ folder, started by the Python language host's RunPlugin. Typed `pulumi` commands:
SUCCEEDED, FAILED (nothing downstream), IN_PROGRESS then SUCCEEDED, the read-once function,
and a Ctrl-C during the wait (the engine's Cancel ends it at once, no process is left)."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest
import yaml

from components.schema import schema
from tests.e2e.test_engine_gone import processes
from tests.support.scenarios import pool, pool_id
from tools.engine.paths import PROJECT_DIR, clean_environ

pytestmark = pytest.mark.e2e
EXAMPLE = PROJECT_DIR / "examples" / "gate-yaml"
DOWNSTREAM = "us-east-1:0a000000-0000-4000-8000-0000000004d0"


@pytest.fixture
def stack(engine, tmp_path, emulator):
    """A copy of examples/gate-yaml on the engine's backend, its package at this repository's
    provider/ folder, and a way to run typed `pulumi` commands in it."""
    if shutil.which("pulumi-language-yaml", path=engine.variables()["PATH"]) is None:
        pytest.fail("no pulumi-language-yaml beside the CLI: run `make engine`", pytrace=False)
    project = tmp_path / "gate-yaml"
    project.mkdir()
    settings = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    settings["packages"]["cognito-sync-gate"] = str(PROJECT_DIR / "provider")
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    emulator.backend.put_pool(pool("succeeded", identity_pool_id=DOWNSTREAM))
    env = {**clean_environ(), **engine.variables()}

    def pulumi(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(engine.cli.path), *args, "--non-interactive"] if args[0] != "stack" or
            args[1] != "output" else [str(engine.cli.path), *args],
            cwd=project, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, f"pulumi {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def configure(scenario: str, spec: dict | None = None, **extra: str) -> None:
        emulator.backend.put_pool(pool(scenario, **(spec or {})))
        values = {"pool": pool_id(scenario), "downstreamPool": DOWNSTREAM,
                  "cognito-sync-gate:region": "us-east-1", "pollIntervalSeconds": "1",
                  "maxPollIntervalSeconds": "1", "timeoutSeconds": "60", **extra}  # fmt: skip
        for key, value in values.items():
            pulumi("config", "set", key, value)

    pulumi("stack", "init", "dev")
    pulumi.configure, pulumi.project, pulumi.env = configure, project, env
    pulumi.cli = str(engine.cli.path)
    return pulumi


def outputs(pulumi) -> dict:
    return json.loads(pulumi("stack", "output", "--json").stdout)


def test_a_yaml_stack_gates_on_a_succeeded_pool_and_reads_it_once(stack, emulator):
    stack.configure("succeeded")
    up = stack("up", "--yes")
    said = outputs(stack)
    assert (said["gateOpen"], said["gateReason"], said["bulkPublishStatus"]) == (
        True,
        "open",
        "SUCCEEDED",
    )
    assert said["readOnceStatus"] == "SUCCEEDED"
    assert said["downstreamStatus"] == "SUCCEEDED"  # created behind the open gate
    assert "cognito-sync-gate:index:BulkPublishGate" in up.stdout


def test_a_failed_publish_fails_the_up_and_nothing_downstream_is_touched(stack, emulator):
    stack.configure("failing")
    up = stack("up", "--yes", check=False)
    assert up.returncode != 0
    assert f"bulk publish of identity pool {pool_id('failing')}" in up.stdout
    assert "FAILED" in up.stdout
    assert emulator.backend.call_count("GetBulkPublishDetails") > 0
    state = json.loads(stack("stack", "export").stdout)
    names = [r["urn"].rsplit("::", 1)[1] for r in state["deployment"].get("resources", [])]
    assert "downstream" not in names and "gate" not in names


def test_in_progress_then_succeeded_with_progress_lines_on_the_gates_row(stack, emulator):
    # (the read-once function reads it too, in preview and in the update: 6 reads in progress)
    stack.configure("publishing", {"bulk_publish": {"in_progress_reads": 6}})
    up = stack("up", "--yes")
    assert f"bulk-publish-gate: {pool_id('publishing')}: IN_PROGRESS" in up.stdout
    assert outputs(stack)["gateOpen"] is True


def test_ctrl_c_during_the_wait_cancels_it_at_once_and_leaves_nothing(stack, emulator):
    stack.configure("stuck", timeoutSeconds="600")
    cli = subprocess.Popen(
        [stack.cli, "up", "--yes", "--non-interactive"],
        cwd=stack.project, env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(cli.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while emulator.backend.call_count("GetBulkPublishDetails") < 4:  # the gate is waiting
        assert time.monotonic() < deadline and cli.poll() is None, "".join(out)
        threading.Event().wait(0.1)
    below = _descendants(cli.pid)
    cli.send_signal(signal.SIGINT)  # what a terminal's Ctrl-C sends the CLI
    asked = time.monotonic()
    code = cli.wait(timeout=60)
    took = time.monotonic() - asked
    reader.join(timeout=10)
    said = "".join(out)
    print(f"measured: Ctrl-C to the end of `pulumi up` took {took:.2f}s")
    assert code != 0
    assert took < 10, said  # the plugin's cancel ends the wait at once (not at 600 s)
    assert "cancelled by the Pulumi engine" in said or "canceled" in said.lower(), said
    gone_by = time.monotonic() + 15
    while below & set(processes()):
        assert time.monotonic() < gone_by, "a process of the run outlived it"
        threading.Event().wait(0.1)
    # The next up works: no lock, nothing pending.
    stack.configure("succeeded")
    stack("up", "--yes")
    assert outputs(stack)["gateOpen"] is True


def _descendants(root: int) -> set[int]:
    table = processes()
    below, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (parent, _) in table.items() if parent in frontier} - below
        below |= frontier
    return below


def test_pulumi_package_get_schema_prints_the_plugins_schema(stack):
    done = subprocess.run(
        [stack.cli, "package", "get-schema", str(PROJECT_DIR / "provider")],
        cwd=stack.project, env=stack.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == schema()


def edit_program(stack, change) -> None:
    """Rewrite the stack's Pulumi.yaml through `change(settings)`."""
    path = stack.project / "Pulumi.yaml"
    settings = yaml.safe_load(path.read_text())
    change(settings)
    path.write_text(yaml.safe_dump(settings, sort_keys=False))


PASSWORD = "hunter2pass"


@pytest.mark.parametrize("command", [("preview",), ("up", "--yes")])
def test_an_endpoint_with_a_password_is_refused_and_the_password_never_printed(stack, command):
    stack.configure("succeeded")
    url = f"http://user:{PASSWORD}@127.0.0.1:1/"
    edit_program(stack, lambda p: p["resources"]["gate"]["properties"].update(endpointUrl=url))
    done = stack(*command, check=False)
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert PASSWORD not in said
    assert "property endpointUrl" in said and "must not contain credentials" in said, said


def test_a_secret_and_unknown_endpoint_works_and_is_kept_secret(stack, emulator):
    # upstream's checkedAt is not known at preview: the gate's endpoint is unknown in its Check.
    stack.configure("succeeded")
    stack("config", "set", "endpoint", emulator.url)

    def change(program: dict) -> None:
        program["config"]["endpoint"] = {"type": "string"}
        program["resources"]["upstream"] = {
            "type": "cognito-sync-gate:BulkPublishGate",
            "properties": {"identityPoolId": "${downstreamPool}", "mode": "observe",
                           "endpointUrl": "${endpoint}"},
        }  # fmt: skip
        later = {"fn::select": [0, ["${endpoint}", "${upstream.checkedAt}"]]}
        program["resources"]["gate"]["properties"]["endpointUrl"] = later

    edit_program(stack, change)
    stack("up", "--yes")
    assert outputs(stack)["gateOpen"] is True
    state = stack("stack", "export").stdout
    assert emulator.url not in state  # the endpoint is kept, as a secret
    gates = [r for r in json.loads(state)["deployment"]["resources"] if r["type"].endswith("Gate")]
    assert {r["urn"].rsplit("::", 1)[1] for r in gates} == {"upstream", "gate", "downstream"}
    secret = {r["urn"].rsplit("::", 1)[1] for r in gates
              if "ciphertext" in (r["outputs"].get("endpointUrl") or {})}  # fmt: skip
    assert {"upstream", "gate"} <= secret


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"identityPoolID": "${pool}"},
         "identityPoolID is not an argument of cognito-sync-gate:index:getBulkPublishDetails "
         "(did you mean identityPoolId?)"),
        ({"identityPoolId": "${pool}", "timeoutSeconds": -1},
         "timeoutSeconds must be at least 0 and at most 86400 (got -1)"),
    ],
)  # fmt: skip
def test_the_read_once_function_refuses_a_bad_argument_in_one_line(stack, emulator, arguments,
                                                                   said):  # fmt: skip
    stack.configure("succeeded")
    edit_program(stack, lambda p: p["variables"]["status"]["fn::invoke"].update(
        arguments=arguments))  # fmt: skip
    done = stack("preview", check=False)
    printed = done.stdout + done.stderr
    print(printed)
    assert done.returncode != 0
    lines = [line for line in printed.splitlines() if said in line]
    assert lines, printed
    assert not re.search(r"[a-z]_[a-z]", lines[0])  # the function's own (camelCase) names
    assert "Traceback" not in printed and "saved inputs" not in printed
    assert emulator.backend.call_count("GetBulkPublishDetails") == 0
