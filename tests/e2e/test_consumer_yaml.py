"""The YAML consumer (examples/consumer-yaml) through typed `pulumi` commands and the official
YAML host: it reads a producer stack (the project's own, status-only, brought up through the
Automation API on the same backend) by its full name. SUCCEEDED, FAILED (observe mode), a gate
that failed (no outputs), a missing producer stack, the bare-name pitfall, and its `local`
stack file as `make up` would use it."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from pulumi import automation as auto

from harness.local_stacks import PASSPHRASE as LOCAL_PASSPHRASE
from tests.e2e.support import Typed, gate_config, outputs
from tests.support.scenarios import pool, pool_id
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.e2e
EXAMPLE = PROJECT_DIR / "examples" / "consumer-yaml"
PRODUCER_PROJECT = "organization/bulk-publish-gate"


def producer_up(engine, project, emulator, scenario: str, mode: str, stack: str = "dev"):
    """The project's own stack on `scenario`, up on the test's backend (a gate-mode failure is
    left to the caller)."""
    emulator.backend.put_pool(pool(scenario))
    producer = engine.stack(stack, project)
    producer.set_all_config(gate_config(scenario, mode))
    producer.up()
    return producer


@pytest.fixture
def consumer_dir(engine, tmp_path):
    """A copy of examples/consumer-yaml's Pulumi.yaml (no stack file: each test makes its own)."""
    if shutil.which("pulumi-language-yaml", path=engine.variables()["PATH"]) is None:
        pytest.fail("no pulumi-language-yaml beside the CLI: run `make engine`", pytrace=False)
    folder = tmp_path / "consumer-yaml"
    folder.mkdir()
    shutil.copy(EXAMPLE / "Pulumi.yaml", folder / "Pulumi.yaml")
    return folder


def consume(typed, folder, producer_stack: str, stack: str = "dev", check: bool = True):
    """Typed, as a user would: stack init, config set producerStack, up."""
    t = typed(folder)
    t("stack", "init", stack, "--non-interactive")
    t("config", "set", "producerStack", producer_stack)
    return t, t("up", "--yes", "--non-interactive", check=check)


def test_a_succeeded_producer_is_read_and_re_exported(
    engine, project, emulator, typed, consumer_dir
):
    producer = producer_up(engine, project, emulator, "succeeded", "gate")
    t, up = consume(typed, consumer_dir, f"{PRODUCER_PROJECT}/dev")
    exported, source = t.outputs(), outputs(producer)
    assert exported == {
        "producerStatus": source["bulkPublishStatus"],
        "producerIdentityPoolId": source["identityPoolId"],
        "producerSucceeded": source["gateOpen"],
        "producerGateReason": source["gateReason"],
        "producerSummary": f"bulk publish of {pool_id('succeeded')} is SUCCEEDED (gate open, "
        f"read from {PRODUCER_PROJECT}/dev)",
    }
    assert (exported["producerStatus"], exported["producerSucceeded"]) == ("SUCCEEDED", True)
    assert "read pulumi:pulumi:StackReference producer" in up.stdout
    assert "warning" not in (up.stdout + up.stderr).lower()  # the example is clean for the host


def test_a_failed_producer_in_observe_mode_is_read_as_failed_and_not_succeeded(
    engine, project, emulator, typed, consumer_dir
):
    producer_up(engine, project, emulator, "failing", "observe")
    t, _ = consume(typed, consumer_dir, f"{PRODUCER_PROJECT}/dev")
    exported = t.outputs()
    assert exported["producerStatus"] == "FAILED"
    assert exported["producerSucceeded"] is False
    assert exported["producerGateReason"] == "failed"
    assert exported["producerIdentityPoolId"] == pool_id("failing")


def test_a_producer_whose_gate_failed_exports_nothing_and_yaml_reads_nulls(
    engine, project, emulator, typed, consumer_dir
):
    # Gate mode on a FAILED publish fails the producer's first up: its stack has no outputs.
    with pytest.raises(auto.CommandError):
        producer_up(engine, project, emulator, "failing", "gate")
    t, up = consume(typed, consumer_dir, f"{PRODUCER_PROJECT}/dev")
    # YAML has no require_output: the up succeeds and every value read is null (not "ready").
    exported = t.outputs()
    assert up.returncode == 0
    assert exported["producerStatus"] is None
    assert exported["producerSucceeded"] is None
    assert "is <nil> (gate <nil>" in exported["producerSummary"]


def test_a_missing_producer_stack_fails_the_up_naming_it(engine, project, typed, consumer_dir):
    _, up = consume(typed, consumer_dir, f"{PRODUCER_PROJECT}/nosuch", check=False)
    assert up.returncode != 0
    assert f'unknown stack "{PRODUCER_PROJECT}/nosuch"' in up.stdout + up.stderr


def test_a_bare_name_of_the_consumers_own_stack_silently_reads_itself(
    engine, project, emulator, typed, consumer_dir
):
    # The producer has a `dev` stack; the bare name `dev` resolves in the consumer's project,
    # whose own `dev` stack this is: the up succeeds and reads nothing of the producer.
    producer_up(engine, project, emulator, "succeeded", "gate")
    t, up = consume(typed, consumer_dir, "dev", stack="dev")
    exported = t.outputs()
    assert up.returncode == 0
    assert "warning" not in (up.stdout + up.stderr).lower()
    assert exported["producerStatus"] is None
    assert exported["producerSucceeded"] is None
    assert exported["producerSummary"].startswith("bulk publish of <nil> is <nil>")


def test_a_bare_name_the_consumers_project_lacks_is_an_unknown_stack(
    engine, project, emulator, typed, consumer_dir
):
    # The producer's `dev` stack exists, but a bare `dev` is looked up in the consumer's project.
    producer_up(engine, project, emulator, "succeeded", "gate")
    _, up = consume(typed, consumer_dir, "dev", stack="e2e", check=False)
    assert up.returncode != 0
    assert 'unknown stack "dev"' in up.stdout + up.stderr


def test_the_local_stack_as_make_up_runs_it_leaves_its_stack_file_as_committed(
    engine, project, emulator, consumer_dir
):
    # The producer's `local` stack, then the consumer's exactly as committed, with make up's
    # passphrase (the committed encryptionsalt is checked against it) and no config set here.
    producer_up(engine, project, emulator, "succeeded", "gate", stack="local")
    committed = (EXAMPLE / "Pulumi.local.yaml").read_bytes()
    (consumer_dir / "Pulumi.local.yaml").write_bytes(committed)
    local = dataclasses.replace(engine, passphrase=LOCAL_PASSPHRASE)
    t = Typed(local, consumer_dir)
    t("stack", "select", "--create", "local", "--non-interactive")
    t("up", "--stack", "local", "--yes", "--non-interactive")
    exported = t.outputs()
    assert (exported["producerStatus"], exported["producerSucceeded"]) == ("SUCCEEDED", True)
    assert exported["producerSummary"].endswith(f"read from {PRODUCER_PROJECT}/local)")
    t("destroy", "--stack", "local", "--yes", "--non-interactive")
    assert (consumer_dir / "Pulumi.local.yaml").read_bytes() == committed
