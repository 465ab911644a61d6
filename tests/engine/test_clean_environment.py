"""The local tools start their children with a clean AWS environment: the emulator's test keys
and nothing of the caller's. A host session token or profile that leaked would make the
emulator refuse the call ("Wrong session token") or botocore look for a missing profile."""

from __future__ import annotations

import pytest

from harness import demo

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


def test_the_offline_demo_passes_no_caller_credential_to_the_provider(host_environment, capsys):
    assert demo.main() == 0
    out = capsys.readouterr().out
    assert "Wrong session token" not in out
    assert "SUCCEEDED" in out
