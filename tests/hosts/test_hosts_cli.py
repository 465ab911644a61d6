"""Both language hosts through the real CLI, as a user types it (`pulumi up --yes`, `pulumi
stack output --json`), each in a project of its own under tmp_path with a `file://` backend and
PULUMI_HOME there too: a Python program on the stand-in host (outputs, config, a secret, a
program that raises, one that exits non-zero, the project's own `__main__.py` with its dynamic
provider against the emulator), and a YAML program on the official YAML host."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.e2e.support import gate_config
from tests.hosts.conftest import typed_in
from tests.support.scenarios import pool, pool_id
from tools.engine import emulator_aws, project_copy

pytestmark = pytest.mark.e2e


def python_project(folder: Path, program: str) -> Path:
    folder.mkdir(parents=True)
    settings = {
        "name": "tiny",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": sys.prefix}},
    }
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    (folder / "__main__.py").write_text(textwrap.dedent(program))
    return folder


@pytest.fixture
def python_typed(cli, python_host_dir, tmp_path):
    """`python_typed(folder)`: typed commands in a Python project, the stand-in host on PATH."""
    return lambda project: typed_in(cli, tmp_path, project, python_host_dir)


def test_pulumi_up_runs_a_python_program_on_the_stand_in(python_typed, tmp_path):
    project = python_project(
        tmp_path / "tiny",
        """\
        import pulumi
        config = pulumi.Config()
        pulumi.export("answer", 42)
        pulumi.export("greeting", config.require("greeting"))
        pulumi.export("token", config.require_secret("token"))
        pulumi.export("previewed", pulumi.runtime.is_dry_run())
        """,
    )
    pulumi = python_typed(project)
    pulumi("stack", "init", "dev")
    pulumi("config", "set", "greeting", "hello")
    pulumi("config", "set", "--secret", "token", "s3cr3t")
    up = pulumi("up", "--yes")
    assert "+ 1 created" in up.stdout
    shown = pulumi("stack", "output", "--json", "--show-secrets")
    assert json.loads(shown.stdout) == {
        "answer": 42,
        "greeting": "hello",
        "token": "s3cr3t",
        "previewed": False,
    }
    about = pulumi("about")
    assert "bulk-publish-gate stand-in for pulumi-language-python" in about.stdout


def test_a_program_that_raises_fails_the_up_with_its_traceback_once(python_typed, tmp_path):
    project = python_project(
        tmp_path / "raises",
        """\
        import pulumi
        pulumi.export("before", 1)
        raise RuntimeError("the program failed on purpose")
        """,
    )
    pulumi = python_typed(project)
    pulumi("stack", "init", "dev")
    up = pulumi("up", "--yes", check=False)
    assert up.returncode != 0
    said = up.stdout + up.stderr
    assert said.count("RuntimeError: the program failed on purpose") == 1
    assert "Program failed with an unhandled exception" in said
    assert "non-zero exit code" not in said  # a bail: the host adds no second error


def test_a_program_that_exits_non_zero_fails_the_up_naming_the_code(python_typed, tmp_path):
    project = python_project(tmp_path / "exits", "import sys\nsys.exit(7)\n")
    pulumi = python_typed(project)
    pulumi("stack", "init", "dev")
    up = pulumi("up", "--yes", check=False)
    assert up.returncode != 0
    assert "Program exited with non-zero exit code: 7" in up.stdout + up.stderr


def test_the_projects_own_program_and_its_dynamic_provider_on_the_stand_in(
    cli, python_host_dir, tmp_path, emulator
):
    """`pulumi up` on a copy of this project's `__main__.py`, status-only: the gate's dynamic
    provider (`pulumi-resource-pulumi-python`, from the venv) reads the emulator over HTTP."""
    project = project_copy(tmp_path / "project")
    emulator.backend.put_pool(pool("succeeded"))
    pulumi = typed_in(cli, tmp_path, project, python_host_dir, aws=emulator_aws(emulator.url))
    pulumi("stack", "init", "e2e")
    settings = [f"{key}={value.value}" for key, value in gate_config("succeeded").items()]
    pulumi("config", "set-all", *(f"--plaintext={s}" for s in settings))
    up = pulumi("up", "--yes")
    assert "pulumi-python:dynamic/cognito-sync:BulkPublishGate" in up.stdout
    outputs = json.loads(pulumi("stack", "output", "--json").stdout)
    assert outputs["bulkPublishStatus"] == "SUCCEEDED"
    assert outputs["gateOpen"] is True
    assert outputs["identityPoolId"] == pool_id("succeeded")
    assert emulator.backend.call_count("GetBulkPublishDetails") == 1


def test_pulumi_up_runs_a_yaml_program_on_the_official_yaml_host(cli, yaml_host_dir, tmp_path):
    project = tmp_path / "tiny-yaml"
    project.mkdir()
    settings = {
        "name": "tiny-yaml",
        "runtime": "yaml",
        "config": {"greeting": {"type": "string"}},
        "outputs": {"answer": 42, "greeting": "${greeting}", "shout": "${greeting}!"},
    }
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    pulumi = typed_in(cli, tmp_path, project, yaml_host_dir)
    pulumi("stack", "init", "dev")
    pulumi("config", "set", "greeting", "hello")
    up = pulumi("up", "--yes")
    assert "+ 1 created" in up.stdout
    shown = json.loads(pulumi("stack", "output", "--json").stdout)
    assert shown == {"answer": 42, "greeting": "hello", "shout": "hello!"}
