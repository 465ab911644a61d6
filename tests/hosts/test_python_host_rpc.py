"""The stand-in Python language host over gRPC, as the CLI drives it: its answers, Run's exit
codes and config, RunPlugin's streams, InstallDependencies, a missing virtualenv, and its life
bound to the engine's. Plus its Go unit tests."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, language_pb2

from tests.hosts.conftest import program_info, this_venv
from tools.engine import PYTHON_HOST
from tools.engine.gotool import GO_ENV, GO_FLAGS


def write_program(folder: Path, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "__main__.py").write_text(textwrap.dedent(source))
    return folder


def run_request(engine, folder: Path, **fields) -> language_pb2.RunRequest:
    return language_pb2.RunRequest(
        project="probe",
        stack="dev",
        organization="organization",
        pwd=str(folder),
        parallel=4,
        monitor_address=engine.address,
        info=program_info(folder, **this_venv()),
        **fields,
    )


@pytest.mark.timeout(600)
def test_go_unit_tests_pass(python_host_dir):
    answer = subprocess.run(
        ["go", "test", *GO_FLAGS, "./..."],
        cwd=PYTHON_HOST.module,
        env={**os.environ, **GO_ENV},
        capture_output=True,
        text=True,
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert "ok" in answer.stdout


def test_plugin_info_reports_the_linked_version(language_host):
    info = language_host.stub.GetPluginInfo(empty_pb2.Empty())
    assert info.version == PYTHON_HOST.version()
    assert info.version.endswith("+bulk-publish-gate")


def test_required_packages_are_none(language_host, tmp_path):
    request = language_pb2.GetRequiredPackagesRequest(info=program_info(tmp_path, **this_venv()))
    answer = language_host.stub.GetRequiredPackages(request)
    assert list(answer.packages) == []


def test_about_names_the_virtualenvs_python(language_host, tmp_path):
    answer = language_host.stub.About(
        language_pb2.AboutRequest(info=program_info(tmp_path, **this_venv()))
    )
    assert Path(answer.executable).parent == Path(sys.prefix) / "bin"
    assert answer.version == platform.python_version()
    assert answer.metadata["toolchain"] == "Pip"
    assert "stand-in" in answer.metadata["host"]


def test_cancel_answers(language_host):
    assert language_host.stub.Cancel(empty_pb2.Empty()) == empty_pb2.Empty()


def test_methods_it_does_not_serve_are_unimplemented(language_host):
    with pytest.raises(grpc.RpcError) as failure:
        language_host.stub.GenerateProgram(language_pb2.GenerateProgramRequest())
    assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_a_program_that_raises_bails_with_its_traceback_logged(
    language_host, fake_engine, tmp_path
):
    """The runner logs the traceback to the engine and exits 32: Bail, so the CLI adds no
    second error."""
    program = write_program(tmp_path / "raise", "raise RuntimeError('failed on purpose')\n")
    answer = language_host.stub.Run(run_request(fake_engine, program))
    assert (answer.bail, answer.error) == (True, "")
    errors = [m for severity, m in fake_engine.recorded.logs if severity == engine_pb2.ERROR]
    assert len(errors) == 1
    assert "Program failed with an unhandled exception" in errors[0]
    assert "RuntimeError: failed on purpose" in errors[0]


def test_other_exit_codes_are_errors_and_zero_is_success(language_host, fake_engine, tmp_path):
    fail = write_program(tmp_path / "fail", "import sys\nsys.exit(3)\n")
    answer = language_host.stub.Run(run_request(fake_engine, fail))
    assert answer.bail is False
    assert answer.error == "Program exited with non-zero exit code: 3"

    bail = write_program(tmp_path / "bail", "import os\nos._exit(32)\n")
    answer = language_host.stub.Run(run_request(fake_engine, bail))
    assert (answer.bail, answer.error) == (True, "")

    done = write_program(tmp_path / "done", "import pulumi\npulumi.export('answer', 42)\n")
    answer = language_host.stub.Run(run_request(fake_engine, done))
    assert (answer.bail, answer.error) == (False, "")
    assert {"answer": 42.0} in fake_engine.recorded.outputs.values()


PROBE = """\
import json, os, sys
import pulumi
from pulumi.runtime import settings
seen = {
    "config": os.environ.get("PULUMI_CONFIG"),
    "secret_keys": os.environ.get("PULUMI_CONFIG_SECRET_KEYS"),
    "argv": sys.argv,
    "cwd": os.getcwd(),
    "executable": sys.executable,
    "project": pulumi.get_project(),
    "stack": pulumi.get_stack(),
    "organization": pulumi.get_organization(),
    "dry_run": settings.is_dry_run(),
    "root": settings.get_root_directory(),
    "config_value": pulumi.Config("probe").get("name"),
}
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump(seen, out)
print("the program's own output")
"""


def run_probe(language_host, engine, folder: Path, **fields) -> dict:
    """Run the probe program; what it saw."""
    out = folder / "seen.json"
    write_program(folder, PROBE.replace('os.environ["PROBE_OUT"]', repr(str(out))))
    answer = language_host.stub.Run(run_request(engine, folder, **fields))
    assert (answer.bail, answer.error) == (False, "")
    return json.loads(out.read_text())


def test_run_without_config_sends_an_empty_object(language_host, fake_engine, tmp_path):
    seen = run_probe(language_host, fake_engine, tmp_path / "prog", dryRun=True, args=["a1"])
    assert seen["config"] == "{}"  # `null` would crash the SDK's runner
    assert seen["secret_keys"] == "[]"
    assert seen["config_value"] is None
    assert seen["project"] == "probe"
    assert seen["stack"] == "dev"
    assert seen["organization"] == "organization"
    assert seen["dry_run"] is True
    assert seen["root"] == str(tmp_path / "prog")
    assert seen["cwd"] == str(tmp_path / "prog")
    assert seen["argv"] == [f"{tmp_path / 'prog'}/.", "a1"]
    assert Path(seen["executable"]).parent == Path(sys.prefix) / "bin"
    # the program's stdout is the host's, which the CLI shows
    assert language_host.wait_for_line("the program's own output")


def test_run_sends_config_and_secret_keys_as_json(language_host, fake_engine, tmp_path):
    config = {"probe:name": 'a "quoted" value', "aws:region": "us-east-1"}
    seen = run_probe(
        language_host,
        fake_engine,
        tmp_path / "prog",
        config=config,
        configSecretKeys=["probe:name"],
    )
    assert json.loads(seen["config"]) == config
    assert json.loads(seen["secret_keys"]) == ["probe:name"]
    assert seen["config_value"] == 'a "quoted" value'
    assert seen["dry_run"] is False


def test_a_missing_virtualenv_names_the_folder_and_the_commands(
    language_host, fake_engine, tmp_path
):
    folder = write_program(tmp_path / "proj", "import os\nos._exit(0)\n")
    request = run_request(fake_engine, folder)
    request.info.CopyFrom(program_info(folder, toolchain="pip", virtualenv="missing-venv"))
    answer = language_host.stub.Run(request)
    venv = folder / "missing-venv"
    assert answer.bail is False
    assert f'"{venv}" doesn\'t exist' in answer.error
    assert f"python3 -m venv {venv}" in answer.error
    assert f"{venv}/bin/python -m pip install -r requirements.txt" in answer.error
    assert "pulumi install" in answer.error

    plugin = language_pb2.RunPluginRequest(
        pwd=str(folder), info=program_info(folder, toolchain="pip", virtualenv="missing-venv")
    )
    with pytest.raises(grpc.RpcError) as failure:
        list(language_host.stub.RunPlugin(plugin))
    assert failure.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert f"python3 -m venv {venv}" in failure.value.details()


PLUGIN = """\
import os, sys
print("args", sys.argv[1:], flush=True)
print("cwd", os.getcwd(), flush=True)
print("probe", os.environ.get("BPG_PROBE"), os.environ.get("VIRTUAL_ENV"), flush=True)
print("python", sys.executable, flush=True)
for i in range(3000):
    print(f"out {i:05d} " + "x" * 60)
    print(f"err {i:05d} " + "y" * 60, file=sys.stderr)
sys.exit(5)
"""


def test_run_plugin_streams_stdout_and_stderr_then_the_exit_code(language_host, tmp_path):
    folder = write_program(tmp_path / "plugin", PLUGIN)
    request = language_pb2.RunPluginRequest(
        pwd=str(tmp_path),  # the CLI's own folder: the plugin runs in its own
        args=["127.0.0.1:1", "--flag"],
        env=["BPG_PROBE=from-the-request", "PATH=/usr/bin:/bin"],
        info=program_info(folder, **this_venv()),
        kind="resource",
    )
    messages = list(language_host.stub.RunPlugin(request, timeout=100))
    kinds = [message.WhichOneof("output") for message in messages]
    assert kinds[-1] == "exitcode"
    assert kinds.count("exitcode") == 1
    assert messages[-1].exitcode == 5
    stdout = b"".join(m.stdout for m in messages if m.WhichOneof("output") == "stdout").decode()
    stderr = b"".join(m.stderr for m in messages if m.WhichOneof("output") == "stderr").decode()
    lines = stdout.splitlines()
    assert lines[0] == "args ['127.0.0.1:1', '--flag']"
    assert lines[1] == f"cwd {folder}"
    assert lines[2] == f"probe from-the-request {sys.prefix}"
    assert Path(lines[3].split(" ", 1)[1]).parent == Path(sys.prefix) / "bin"
    # every chunk arrived, whole and in order, on both streams at once
    assert lines[4:] == [f"out {i:05d} " + "x" * 60 for i in range(3000)]
    assert stderr.splitlines() == [f"err {i:05d} " + "y" * 60 for i in range(3000)]


def test_install_dependencies_keeps_a_valid_virtualenv(language_host, tmp_path):
    """The toolchain would run `python -m venv` over it again: the host leaves it alone."""
    project = tmp_path / "proj"
    (project / "venv" / "bin").mkdir(parents=True)
    (project / "venv" / "bin" / "python").symlink_to(sys.executable)
    (project / "venv" / "marker").write_text("untouched")
    (project / "requirements.txt").write_text("this-package-does-not-exist-anywhere\n")
    request = language_pb2.InstallDependenciesRequest(
        directory=str(project), info=program_info(project, toolchain="pip", virtualenv="venv")
    )
    said = b"".join(r.stdout + r.stderr for r in language_host.stub.InstallDependencies(request))
    assert f"The virtualenv {project / 'venv'} is in place: nothing to install".encode() in said
    assert b"Creating virtual environment" not in said
    assert (project / "venv" / "marker").read_text() == "untouched"
    assert (project / "venv" / "bin" / "python").is_symlink()


@pytest.mark.timeout(300)
def test_install_dependencies_creates_a_missing_virtualenv_and_installs_requirements(
    language_host, tmp_path
):
    """Needs PyPI (the toolchain updates pip, setuptools and wheel, then installs six)."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("six\n")
    request = language_pb2.InstallDependenciesRequest(
        directory=str(project), info=program_info(project, toolchain="pip", virtualenv="venv")
    )
    said = b"".join(r.stdout + r.stderr for r in language_host.stub.InstallDependencies(request))
    assert b"Creating virtual environment..." in said
    assert b"Finished installing dependencies" in said
    python = project / "venv" / "bin" / "python"
    subprocess.run([str(python), "-c", "import six"], check=True)

    again = b"".join(r.stdout for r in language_host.stub.InstallDependencies(request))
    assert b"is in place: nothing to install" in again


def test_the_host_exits_when_its_engine_is_gone(language_host, fake_engine):
    fake_engine.server.stop(grace=None).wait()
    assert language_host.process.wait(timeout=60) is not None
