"""The local tools start their children with a clean AWS environment: the emulator's test keys
and nothing of the caller's. A host session token or profile that leaked would make the
emulator refuse the call ("Wrong session token") or botocore look for a missing profile."""

from __future__ import annotations

import pytest

from tests.support.program import run_program
from tests.support.scenarios import fast_config, pool, provider_env

HOST_SETTINGS = {
    "AWS_SESSION_TOKEN": "host-session-token-must-not-leak",
    "AWS_PROFILE": "host-profile-that-does-not-exist",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "PULUMI_RUNTIME_VIRTUALENV": "/nonexistent-venv",
}


@pytest.fixture
def host_environment(monkeypatch):
    for name, value in HOST_SETTINGS.items():
        monkeypatch.setenv(name, value)


def test_the_provider_server_gets_no_caller_credential(host_environment, emulator):
    emulator.backend.put_pool(pool("succeeded"))
    run = run_program(fast_config("succeeded"), env=provider_env(emulator.url))
    assert run.error is None, run.error
    assert run.outputs["bulkPublishStatus"] == "SUCCEEDED"
    assert not any("Wrong session token" in line for line in run.stderr)
