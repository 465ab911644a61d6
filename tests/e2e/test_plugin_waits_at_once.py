"""Through the engine, from YAML: a stack of more plugin gates than a default thread pool has
threads (6 on 2 cores) waits on all of them at once, and the read-once function, asked while
they wait, is answered before any of them settles. Held by the order of the emulator's own
record of calls, not by the clock. (The engine itself runs at most `--parallel` operations at
once, 4 x CPUs by default: the up passes a larger one.)"""

from __future__ import annotations

import pytest
import yaml

from components.schema import PACKAGE
from tests.support.scenarios import pool, pool_id
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.e2e
GATES = 12
IN_PROGRESS_READS = 8
"""Each slow pool answers IN_PROGRESS this many times (1 s apart), then SUCCEEDED."""
READ = "GetBulkPublishDetails"


def slow_pool(index: int) -> str:
    return f"us-east-1:0a000000-0000-4000-8000-{0x600 + index:012x}"


def program() -> dict:
    """GATES slow gates; a quick one on a SUCCEEDED pool; and the function on that pool, asked
    once the quick gate is created (its argument is the quick gate's output), so while the slow
    ones wait."""
    slow = {"pollIntervalSeconds": 1, "maxPollIntervalSeconds": 1, "timeoutSeconds": 120}
    resources = {
        f"slow{index}": {
            "type": f"{PACKAGE}:BulkPublishGate",
            "properties": {"identityPoolId": slow_pool(index), **slow},
        }
        for index in range(GATES)
    }
    resources["quick"] = {
        "type": f"{PACKAGE}:BulkPublishGate",
        "properties": {"identityPoolId": pool_id("succeeded"), "mode": "observe"},
    }
    read = {"function": f"{PACKAGE}:getBulkPublishDetails",
            "arguments": {"identityPoolId": "${quick.identityPoolId}"}}  # fmt: skip
    return {
        "name": "waits-at-once",
        "runtime": "yaml",
        "packages": {PACKAGE: str(PROJECT_DIR / "provider")},
        "resources": resources,
        "variables": {"status": {"fn::invoke": read}},
        "outputs": {"readOnceStatus": "${status.bulkPublishStatus}"},
    }


def test_every_plugin_gate_waits_at_once_and_the_function_answers_meanwhile(
    engine, emulator, tmp_path
):
    for index in range(GATES):
        script = {"in_progress_reads": IN_PROGRESS_READS, "outcome": "SUCCEEDED"}
        emulator.backend.put_pool(pool("publishing", identity_pool_id=slow_pool(index),
                                       bulk_publish=script))  # fmt: skip
    emulator.backend.put_pool(pool("succeeded"))
    project = tmp_path / "waits-at-once"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(program(), sort_keys=False))

    def pulumi(*args: str) -> str:
        done = engine.pulumi(*args, "--non-interactive", cwd=project, timeout=300)
        assert done.returncode == 0, f"pulumi {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    pulumi("stack", "init", "dev")
    pulumi("config", "set", f"{PACKAGE}:region", "us-east-1")
    pulumi("up", "--yes", "--skip-preview", "--parallel", "64")

    log = emulator.backend.request_log()
    said = [entry["identity_pool_id"] for entry in log if entry["operation"] == READ]
    slow = [slow_pool(index) for index in range(GATES)]
    assert all(said.count(each) == IN_PROGRESS_READS + 1 for each in slow)
    first_settled = min(
        [index for index, each in enumerate(said) if each == gate][IN_PROGRESS_READS]
        for gate in slow
    )
    waiting = {each for each in said[:first_settled] if each in slow}
    assert waiting == set(slow), f"{len(waiting)} of {GATES} gates read before one settled"
    function = [index for index, each in enumerate(said) if each == pool_id("succeeded")]
    assert len(function) == 2  # the quick gate's read, then the function's
    assert function[1] < first_settled, "the function was answered only once a gate settled"
