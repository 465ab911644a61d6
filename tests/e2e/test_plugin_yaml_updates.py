"""The next deployments of a plugin gate from YAML, typed as a user types them: up, preview
(an update in place), up again (which previews, and reads again), an update after the pool
turned FAILED (fails with its message, the resource behind the gate untouched), refresh,
destroy; on one pool and on several. Before the plugin read UpdateRequest's real fields, every
step after the first up failed."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.e2e.test_plugin_yaml import DOWNSTREAM, outputs, stack  # noqa: F401 - the fixture
from tests.support.scenarios import FAILURE_MESSAGE, pool, pool_id

pytestmark = pytest.mark.e2e
SECOND = "us-east-1:0a000000-0000-4000-8000-0000000004d1"
GATE = "cognito-sync-gate:index:BulkPublishGate"


def reads(emulator, pool: str) -> int:
    """GetBulkPublishDetails calls the emulator has answered for `pool`."""
    return sum(
        1
        for entry in emulator.backend.request_log()
        if entry["operation"] == "GetBulkPublishDetails" and entry["identity_pool_id"] == pool
    )


def ops(preview) -> dict[str, str]:
    """Resource name -> the operation `pulumi preview --json` plans for it."""
    steps = json.loads(preview.stdout)["steps"]
    return {step["urn"].rsplit("::", 1)[1]: step["op"] for step in steps}


def several_pools(project) -> None:
    """The example's gate in `project` on two pools (`pool` and `pool2`) instead of one."""
    path = project / "Pulumi.yaml"
    settings = yaml.safe_load(path.read_text())
    settings["config"]["pool2"] = {"type": "string"}
    gate = settings["resources"]["gate"]["properties"]
    del gate["identityPoolId"]
    gate["identityPoolIds"] = ["${pool}", "${pool2}"]
    path.write_text(yaml.safe_dump(settings, sort_keys=False))


def failed(spec: dict) -> dict:
    """`spec`, its last bulk publish now FAILED."""
    return {**spec, "state": "FAILED", "failure_message": FAILURE_MESSAGE}


@pytest.mark.parametrize("pools", [1, 2], ids=["one-pool", "two-pools"])
def test_a_plugin_gate_deploys_again_fails_on_a_failed_pool_refreshes_and_destroys(
    stack,  # noqa: F811 - the fixture imported above
    emulator,
    pools,
):
    first = pool("succeeded")
    watched = [pool_id("succeeded")]
    if pools == 2:
        several_pools(stack.project)
        emulator.backend.put_pool(pool("succeeded", identity_pool_id=SECOND))
        stack("config", "set", "pool2", SECOND)
        watched.append(SECOND)
    stack.configure("succeeded")

    stack("up", "--yes")
    assert outputs(stack)["gateOpen"] is True
    read = {p: reads(emulator, p) for p in watched}

    # The next deployment: preview plans an update in place, then up reads every pool again.
    planned = ops(stack("preview", "--json"))
    assert planned["gate"] == "update", planned
    up = stack("up", "--yes")
    assert "Unexpected" not in up.stdout + up.stderr
    assert all(reads(emulator, p) > read[p] for p in watched), "the update did not read again"
    said = outputs(stack)
    assert (said["gateOpen"], said["gateReason"], said["bulkPublishStatus"]) == (
        True,
        "open",
        "SUCCEEDED",
    )

    # The pool turned FAILED: the update fails with its message, nothing behind the gate moves.
    emulator.backend.put_pool(failed(first))
    downstream_reads = reads(emulator, DOWNSTREAM)
    up = stack("up", "--yes", check=False)
    assert up.returncode != 0
    assert f"bulk publish of identity pool {pool_id('succeeded')}" in up.stdout, up.stdout
    assert FAILURE_MESSAGE in up.stdout
    assert reads(emulator, DOWNSTREAM) == downstream_reads, "the downstream gate was updated"

    # refresh reads the status into state without failing; destroy leaves nothing.
    stack("refresh", "--yes")
    state = json.loads(stack("stack", "export").stdout)["deployment"]["resources"]
    gate = next(r for r in state if r["type"] == GATE and r["urn"].endswith("::gate"))
    assert gate["outputs"]["bulkPublishStatus"] == "FAILED"
    assert gate["outputs"]["gateOpen"] is False
    stack("destroy", "--yes")
    state = json.loads(stack("stack", "export").stdout)["deployment"]
    assert [r["type"] for r in state.get("resources") or [] if r["type"] == GATE] == []
