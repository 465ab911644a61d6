"""A gate whose pool list holds an output of another resource of the stack (here a second
gate's id, known only once it is created), through typed `pulumi preview` and `pulumi up`: the
Python language host runs the program, the engine previews with that element unknown (the
Automation API's `up` does not preview, so only typed commands hold this). The dynamic
resource's Check defers the unknown element and still checks the known ones; Diff makes a
replace of a list with an unknown element."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
import yaml

from tests.e2e.support import api_calls
from tests.support.scenarios import pool

pytestmark = pytest.mark.e2e
POOL = "us-east-1:0a000000-0000-4000-8000-000000000501"
OTHER = "eu-west-1:0a000000-0000-4000-8000-000000000502"
MOVED = "us-east-2:0a000000-0000-4000-8000-000000000503"
PROGRAM = """\
    import pulumi

    from components import BulkPublishGateArgs, BulkPublishGateResource

    config = pulumi.Config()
    fast = {"poll_interval_seconds": 0.05, "max_poll_interval_seconds": 0.2, "timeout_seconds": 60}
    other = BulkPublishGateResource(
        "other", BulkPublishGateArgs(identity_pool_id=config.require("other"), **fast)
    )
    # One element unknown in a preview (the first: a bad pool after it is named by its index),
    # and the whole list unknown.
    listed = BulkPublishGateResource(
        "listed", BulkPublishGateArgs(identity_pool_ids=[other.id, config.require("pool")], **fast)
    )
    whole = pulumi.Output.all(config.require("pool"), other.id)
    wholly = BulkPublishGateResource("wholly", BulkPublishGateArgs(identity_pool_ids=whole, **fast))
    pulumi.export("listed", listed.pools)
    pulumi.export("wholly", wholly.pools)
    """


@pytest.fixture
def stack(typed, project, emulator):
    """The stack `dev` of a project copy running PROGRAM, its pools in the emulator."""
    for each in (POOL, OTHER, MOVED):
        emulator.backend.put_pool(pool("succeeded", identity_pool_id=each))
    settings = {
        "name": "unknown-pools",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": sys.prefix}},
    }
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    (project / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    pulumi = typed(project)
    pulumi("stack", "init", "dev")
    pulumi("config", "set", "pool", POOL)
    pulumi("config", "set", "other", OTHER)
    return pulumi


def test_preview_and_up_defer_a_pool_another_resource_computes(stack, emulator):
    preview = stack("preview")
    assert "+ 4 to create" in preview.stdout
    assert api_calls(emulator) == 0  # the unknown is deferred, not called

    up = stack("up", "--yes")  # typed: it previews first
    assert "+ 4 created" in up.stdout
    said = stack.outputs()
    assert set(said["listed"]) == set(said["wholly"]) == {POOL, OTHER}

    # The other pool moves: a new `other`, whose id is unknown in the preview, so each list
    # holds an unknown element (or is unknown): Diff makes a replace of both gates.
    stack("config", "set", "other", MOVED)
    calls = api_calls(emulator)
    preview = stack("preview", "--diff")
    assert "3 to replace" in preview.stdout, preview.stdout
    assert api_calls(emulator) == calls
    stack("up", "--yes")
    said = stack.outputs()
    assert set(said["listed"]) == set(said["wholly"]) == {POOL, MOVED}

    # destroy: no API call (a gate owns nothing in the cloud), nothing left in the state.
    calls = api_calls(emulator)
    stack("destroy", "--yes")
    assert api_calls(emulator) == calls
    assert not json.loads(stack("stack", "export").stdout)["deployment"].get("resources")


def test_a_bad_known_pool_beside_an_unknown_one_fails_the_preview_by_its_index(stack, emulator):
    stack("config", "set", "pool", "us-east-1")
    preview = stack("preview", check=False)
    assert preview.returncode != 0
    said = preview.stdout + preview.stderr
    assert "[1] 'us-east-1' must match" in said
    assert "Traceback" not in said
    assert api_calls(emulator) == 0
