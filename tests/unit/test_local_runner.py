"""`make up` without any engine: no `pulumi` on PATH, no project build and no Go. It says how
to get one in one line and fails. (tests/e2e/test_local_up.py runs `make up` and `make down`
through the real engine.)"""

from __future__ import annotations

from harness import local
from tools.engine import clean_environ, emulator_aws


def test_without_an_engine_up_says_how_to_get_one_and_fails(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pulumi, no go
    monkeypatch.setattr(local, "built_cli", lambda: None)
    monkeypatch.setattr(local, "RUN_DIR", tmp_path / "run")
    assert local.up() == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [local.INSTALL_HINT]
    assert "make engine" in out[0]
    assert not (tmp_path / "run").exists()


def test_the_engine_environment_keeps_none_of_the_callers_aws_or_pulumi_settings():
    caller = {
        "AWS_SESSION_TOKEN": "host-token",
        "AWS_PROFILE": "prod",
        "AWS_ACCESS_KEY_ID": "AKIAHOSTKEY",
        "PULUMI_ACCESS_TOKEN": "pul-host",
        "PULUMI_RUNTIME_VIRTUALENV": "/elsewhere",
        "HOME": "/root",
    }
    assert clean_environ(caller) == {"HOME": "/root"}
    ours = emulator_aws("http://127.0.0.1:1")
    assert "AWS_SESSION_TOKEN" not in ours
    assert "AWS_PROFILE" not in ours
    assert ours["AWS_CONFIG_FILE"] == ours["AWS_SHARED_CREDENTIALS_FILE"]
