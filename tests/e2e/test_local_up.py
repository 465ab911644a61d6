"""`make up` and `make down` through the real engine: both stacks, the gate's wait, the consumer,
with a caller environment full of AWS and Pulumi settings that must not reach any child; and
the tracked stack files left as they were."""

from __future__ import annotations

import json

import pytest

from harness import local

pytestmark = pytest.mark.e2e


def test_make_up_runs_both_stacks_through_the_engine_and_make_down_destroys_them(
    cli, tmp_path, monkeypatch, capsys
):
    for name, value in {
        # Each would break the run if it reached the provider or the CLI.
        "AWS_SESSION_TOKEN": "host-session-token",
        "AWS_PROFILE": "host-profile-that-does-not-exist",
        "AWS_ACCESS_KEY_ID": "AKIAHOSTKEY000000000",
        "PULUMI_BACKEND_URL": "s3://host-bucket-that-does-not-exist",
        "PULUMI_RUNTIME_VIRTUALENV": str(tmp_path / "no-venv"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(local, "RUN_DIR", tmp_path / "run")
    monkeypatch.setattr(local, "SERVICES", tmp_path / "run" / "services.json")
    monkeypatch.setattr(local, "STATE_DIR", tmp_path / "state")
    stack_files = [d / "Pulumi.local.yaml" for d in (local.PROJECT_DIR, local.CONSUMER_DIR)]
    before = [path.read_text() for path in stack_files]
    try:
        assert local.up() == 0
        out = capsys.readouterr().out
    finally:
        assert local.down() == 0
    assert "IN_PROGRESS (waiting" in out  # the gate waited on the demo pool, live
    assert '"bulkPublishStatus": "SUCCEEDED"' in out
    assert '"producerStatus": "SUCCEEDED"' in out
    if local.aws_plugin_dir() is None:
        assert "status-only" in out
    for stack in (tmp_path / "state" / ".pulumi" / "stacks").glob("*/local.json"):
        deployment = json.loads(stack.read_text())["checkpoint"].get("latest") or {}
        assert not deployment.get("resources"), stack
    assert [path.read_text() for path in stack_files] == before
    assert not local.SERVICES.exists()
