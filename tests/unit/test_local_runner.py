"""`make up` / `make down` (harness.local) with a stand-in `pulumi` on PATH that records its
calls: the real servers start, the CLI gets the right commands, config file and environment.
This checks the runner's wiring, not the Pulumi CLI (tests/e2e does that where it exists)."""

from __future__ import annotations

import json
import os
import stat
import sys
import urllib.request

import pytest
import yaml

from harness import demo, local

FAKE_PULUMI = """#!{python}
import json, os, sys
with open(os.environ["FAKE_PULUMI_LOG"], "a") as log:
    keys = ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "AWS_ENDPOINT_URL_COGNITO_SYNC",
            "AWS_ACCESS_KEY_ID")
    log.write(json.dumps({{"args": sys.argv[1:], "cwd": os.getcwd(),
                           "env": {{k: os.environ.get(k) for k in keys}}}}) + "\\n")
if "--config-file" in sys.argv:
    config = sys.argv[sys.argv.index("--config-file") + 1]
    with open(os.environ["FAKE_PULUMI_LOG"] + ".configs", "a") as log:
        log.write(open(config).read() + "\\n---\\n")
"""


@pytest.fixture
def runner(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pulumi"
    fake.write_text(FAKE_PULUMI.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_PULUMI_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.setattr(local, "RUN_DIR", tmp_path / "run")
    monkeypatch.setattr(local, "SERVICES", tmp_path / "run" / "services.json")
    monkeypatch.setattr(local, "STATE_DIR", tmp_path / "state")
    yield tmp_path
    local.down(destroy=False)


def calls(tmp_path) -> list[dict]:
    return [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]


def test_up_starts_the_servers_and_drives_both_stacks(runner):
    assert local.up() == 0
    services = json.loads(local.SERVICES.read_text())
    with urllib.request.urlopen(services["emulator"] + "/_emulator/health", timeout=5) as answer:
        assert answer.status == 200
    made = calls(runner)
    commands = [c["args"][:2] for c in made]
    assert commands == [["stack", "select"], ["up", "--yes"], ["stack", "output"]] * 2
    assert made[0]["cwd"] == str(local.PROJECT_DIR)
    assert made[3]["cwd"] == str(local.CONSUMER_DIR)
    for call in made:
        assert call["env"]["AWS_ENDPOINT_URL_COGNITO_SYNC"] == services["emulator"]
        assert call["env"]["PULUMI_BACKEND_URL"] == local.STATE_DIR.as_uri()
        assert call["env"]["PULUMI_CONFIG_PASSPHRASE"] == local.PASSPHRASE
    assert "--secrets-provider" in made[0]["args"]
    configs = (runner / "calls.jsonl.configs").read_text().split("\n---\n")[:2]
    for text in configs:
        assert yaml.safe_load(text)["config"]["aws:endpoints"] == [{"ssm": services["moto"]}]


def test_down_destroys_both_stacks_then_stops_the_servers(runner):
    local.up()
    services = json.loads(local.SERVICES.read_text())
    (runner / "calls.jsonl").unlink()
    local.STATE_DIR.mkdir(exist_ok=True)
    assert local.down() == 0
    assert [c["args"][0] for c in calls(runner)] == ["destroy", "destroy"]
    assert not local.SERVICES.exists()
    with pytest.raises(OSError):
        urllib.request.urlopen(services["emulator"] + "/_emulator/health", timeout=2)


def test_without_the_cli_up_says_how_to_install_it_then_runs_the_offline_demo(
    runner, monkeypatch, capsys
):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(demo, "main", lambda: 7)
    assert local.up() == 7
    out = capsys.readouterr().out.splitlines()
    assert out[0] == local.INSTALL_HINT
    assert "https://www.pulumi.com/docs/install/" in out[0]
    assert not (runner / "calls.jsonl").exists()
