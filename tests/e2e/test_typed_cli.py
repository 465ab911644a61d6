"""The project's own `__main__.py` through the CLI as a user types it: `pulumi stack init`,
`config set`, `preview`, `up`, `stack output --json`, `refresh`, `destroy` in a copy of the
project (`project_copy`), run by the Python language host from Pulumi.yaml's virtualenv,
status-only (the pulumi-aws plugin cannot be installed here), against the emulator (the
engine's environment sets AWS_ENDPOINT_URL_COGNITO_SYNC). Not the Automation API: no inline
program, no `--client`; the CLI starts the language host, which starts the program.

`pulumi up`, `refresh` and `destroy` ask before they change anything when a terminal is there;
these runs have none, and without `--yes` the CLI refuses ("--yes or --skip-preview or
--preview-only must be passed in to proceed when running in non-interactive mode"), so they pass
`--yes` as a user must in CI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.e2e.support import GATE_TYPE, Typed, api_calls, gate_config
from tests.support.scenarios import FAILURE_MESSAGE, pool, pool_id

pytestmark = pytest.mark.e2e
READ = "GetBulkPublishDetails"


@pytest.fixture
def typed_stack(typed, project, emulator):
    """`typed_stack(scenario, spec, **config)`: the emulator pool of `scenario` (with `spec` on
    top), and the stack `dev` of the project copy made by typed commands: `stack init`, `config
    set ...identityPoolId`, then the status-only, fast-poll keys of `gate_config`."""

    def make(scenario: str, spec: dict | None = None, **extra: str) -> Typed:
        emulator.backend.put_pool(pool(scenario, **(spec or {})))
        pulumi = typed(project)
        pulumi("stack", "init", "dev")
        pulumi("config", "set", "bulk-publish-gate:identityPoolId", pool_id(scenario))
        rest = {k: v.value for k, v in gate_config(scenario, **extra).items()}
        del rest["bulk-publish-gate:identityPoolId"]
        pulumi("config", "set-all", *(f"--plaintext={k}={v}" for k, v in rest.items()))
        return pulumi

    return make


def resources(pulumi: Typed) -> list[dict]:
    """The resources of `pulumi stack export`."""
    return json.loads(pulumi("stack", "export").stdout)["deployment"].get("resources") or []


def said(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def test_the_whole_life_of_a_stack_on_a_succeeded_pool(typed_stack, emulator):
    pulumi = typed_stack("succeeded")

    preview = pulumi("preview")
    assert "+ 3 to create" in preview.stdout
    assert api_calls(emulator) == 0  # a preview calls no AWS API

    up = pulumi("up", "--yes")
    assert "+ 3 created" in up.stdout
    assert f"bulk-publish-gate: {pool_id('succeeded')}: SUCCEEDED" in up.stdout
    shown = pulumi.outputs()
    assert (shown["bulkPublishStatus"], shown["gateOpen"], shown["gateReason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    assert shown["identityPoolId"] == pool_id("succeeded")
    assert emulator.backend.call_count(READ) == 1

    refresh = pulumi("refresh", "--yes")
    # One read, no wait, in each of the refresh's two passes: typed, `pulumi refresh --yes`
    # previews first (the Automation API's refresh passes --skip-preview: one read).
    assert emulator.backend.call_count(READ) == 3
    # (the time said counts the client's setup: the deadline does too)
    assert (
        len(re.findall(r"SUCCEEDED after \d+\.\ds and 1 read\(s\): gate open", refresh.stdout)) == 4
    )

    before = api_calls(emulator)
    destroy = pulumi("destroy", "--yes")
    assert "- 3 deleted" in destroy.stdout
    assert api_calls(emulator) == before  # destroy calls no API
    assert resources(pulumi) == []
    assert pulumi.outputs() == {}


def test_up_waits_through_in_progress_and_prints_the_progress_lines(typed_stack, emulator):
    pulumi = typed_stack("publishing", {"bulk_publish": {"in_progress_reads": 3}})
    up = pulumi("up", "--yes")
    pool = pool_id("publishing")
    waiting = up.stdout.find(f"bulk-publish-gate: {pool}: IN_PROGRESS (waiting")
    done = up.stdout.find(f"bulk-publish-gate: {pool}: SUCCEEDED after")
    assert 0 <= waiting < done, up.stdout
    assert "and 4 read(s): gate open" in up.stdout
    assert emulator.backend.call_count(READ) == 4
    assert pulumi.outputs()["gateOpen"] is True


def test_a_failed_publish_fails_the_up_and_creates_nothing(typed_stack, emulator):
    pulumi = typed_stack("failing")
    up = pulumi("up", "--yes", check=False)
    assert up.returncode != 0
    assert f"bulk publish of identity pool {pool_id('failing')}" in up.stdout
    assert FAILURE_MESSAGE in up.stdout
    assert "FAILED" in up.stdout
    assert emulator.backend.call_count(READ) == 2
    assert GATE_TYPE not in [r["type"] for r in resources(pulumi)]
    assert pulumi.outputs() == {}


def test_a_typed_key_with_a_bad_value_is_refused_by_the_cli(typed_stack, emulator):
    pulumi = typed_stack("succeeded")
    pulumi("config", "set", "bulk-publish-gate:timeoutSeconds", "soon")  # `config set` takes it
    up = pulumi("up", "--yes", check=False)
    assert up.returncode != 0
    assert "configuration key 'timeoutSeconds' must be of type 'integer'" in said(up)
    assert api_calls(emulator) == 0
    assert resources(pulumi) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "pollIntervalSeconds",
            "abc",
            "bulk-publish-gate:pollIntervalSeconds must be a number in plain digits 0-9 with an "
            "optional decimal point, such as 5 or 0.5 (got 'abc')",
        ),
        (
            "mode",
            "sometimes",
            "bulk-publish-gate:mode must be one of gate, observe (got 'sometimes')",
        ),
    ],
)
def test_a_string_key_with_a_bad_value_gets_the_programs_own_message(
    typed_stack, emulator, key, value, message
):
    pulumi = typed_stack("succeeded")
    pulumi("config", "set", f"bulk-publish-gate:{key}", value)
    up = pulumi("up", "--yes", check=False)
    assert up.returncode != 0
    assert "error: invalid stack configuration:" in up.stdout
    assert message in up.stdout
    assert "Traceback" not in said(up)  # the program's reader speaks, not Python
    assert api_calls(emulator) == 0
    assert resources(pulumi) == []


def which_python_project(folder: Path, virtualenv: str) -> Path:
    """A one-file Python project that exports the interpreter it runs on."""
    folder.mkdir(parents=True)
    settings = {
        "name": "which-python",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": virtualenv}},
    }
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    program = """\
        import sys
        import pulumi
        pulumi.export("prefix", sys.prefix)
        """
    (folder / "__main__.py").write_text(textwrap.dedent(program))
    return folder


def a_second_virtualenv(where: Path) -> Path:
    """A virtualenv other than the tests' own (PULUMI_PYTHON_CMD names theirs), seeing this
    one's packages through a .pth file: a program runs on it only if the host honours
    Pulumi.yaml's `virtualenv`."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    ours = next(p for p in sys.path if p.startswith(sys.prefix) and p.endswith("site-packages"))
    (where / "lib" / version / "site-packages" / "tests-venv.pth").write_text(ours + "\n")
    return where


def test_the_program_runs_on_the_python_of_pulumi_yamls_virtualenv(typed, tmp_path):
    venv = a_second_virtualenv(tmp_path / "other-venv")
    assert venv.resolve() != Path(sys.prefix).resolve()
    pulumi = typed(which_python_project(tmp_path / "which", str(venv)))
    pulumi("stack", "init", "dev")
    pulumi("up", "--yes")
    assert Path(pulumi.outputs()["prefix"]).resolve() == venv.resolve()


def test_a_virtualenv_that_does_not_exist_stops_the_up_saying_how_to_make_it(typed, tmp_path):
    folder = which_python_project(tmp_path / "which", "missing-venv")
    pulumi = typed(folder)
    pulumi("stack", "init", "dev")
    up = pulumi("up", "--yes", check=False)
    assert up.returncode != 0
    venv = folder / "missing-venv"
    assert f'"{venv}" doesn\'t exist' in said(up)
    assert "pulumi install" in said(up)
    assert pulumi.outputs() == {}
