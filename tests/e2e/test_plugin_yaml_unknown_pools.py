"""From YAML through the provider plugin: a gate whose `identityPoolIds` holds another gate's id
(`[${other.id}, ${pool}]`, known only once `other` is created), through typed `pulumi preview`
and `pulumi up`: the plugin's Check defers the unknown element, its Diff makes a replace of it."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.e2e.support import api_calls
from tests.e2e.test_plugin_yaml import DOWNSTREAM, outputs, stack  # noqa: F401 - the fixture
from tests.support.scenarios import pool, pool_id

pytestmark = pytest.mark.e2e
MOVED = "us-east-1:0a000000-0000-4000-8000-0000000005d0"
RESOURCES = {
    "other": {
        "type": "cognito-sync-gate:BulkPublishGate",
        "properties": {"identityPoolId": "${downstreamPool}", "mode": "observe"},
    },
    "gate": {
        "type": "cognito-sync-gate:BulkPublishGate",
        "properties": {
            "identityPoolIds": ["${other.id}", "${pool}"],  # a bad pool is named [1]
            "timeoutSeconds": "${timeoutSeconds}",
            "pollIntervalSeconds": "${pollIntervalSeconds}",
            "maxPollIntervalSeconds": "${maxPollIntervalSeconds}",
        },
    },
}


@pytest.fixture
def listed(stack):  # noqa: F811 - the fixture imported above
    """The YAML stack with RESOURCES instead of the example's, on a SUCCEEDED pool."""
    settings = yaml.safe_load((stack.project / "Pulumi.yaml").read_text())
    settings.pop("variables", None)
    settings["resources"] = RESOURCES
    settings["outputs"] = {"pools": "${gate.pools}", "gateOpen": "${gate.gateOpen}"}
    (stack.project / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    stack.configure("succeeded")
    return stack


def test_preview_and_up_defer_a_pool_another_resource_computes(listed, emulator):
    preview = listed("preview")
    assert "+ 3 to create" in preview.stdout, preview.stdout
    assert api_calls(emulator) == 0

    listed("up", "--yes")  # typed: it previews first
    said = outputs(listed)
    assert said["gateOpen"] is True
    assert set(said["pools"]) == {pool_id("succeeded"), DOWNSTREAM}

    # `other` moves to another pool: replaced, its id unknown in the preview, so the gate's
    # list holds an unknown element: Diff makes a replace of the gate too.
    emulator.backend.put_pool(pool("succeeded", identity_pool_id=MOVED))
    listed("config", "set", "downstreamPool", MOVED)
    calls = api_calls(emulator)
    preview = listed("preview", "--diff")
    assert "2 to replace" in preview.stdout, preview.stdout
    assert api_calls(emulator) == calls
    listed("up", "--yes")
    assert set(outputs(listed)["pools"]) == {pool_id("succeeded"), MOVED}

    # destroy: no API call (a gate owns nothing in the cloud), nothing left in the state.
    calls = api_calls(emulator)
    listed("destroy", "--yes")
    assert api_calls(emulator) == calls
    assert not json.loads(listed("stack", "export").stdout)["deployment"].get("resources")


def test_a_bad_known_pool_beside_an_unknown_one_fails_the_preview_by_its_index(listed, emulator):
    listed("config", "set", "pool", "us-east-1")
    preview = listed("preview", check=False)
    said = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "[1] 'us-east-1' must match" in said, said
    assert api_calls(emulator) == 0
    assert not json.loads(listed("stack", "export").stdout)["deployment"].get("resources")
