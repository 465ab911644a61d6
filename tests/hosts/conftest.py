"""The language hosts `make engine` builds: our stand-in `pulumi-language-python`, driven over
gRPC as the CLI drives it (the Python SDK's LanguageRuntimeStub; a small fake engine and resource
monitor, tests/hosts/fake_engine.py, on the other side), and both hosts through the real CLI
(`pulumi up --yes` typed as a user types it, in an isolated environment).

The builds are this pin's (`tools.engine.host_dir`): .tools/bin when current, else the build
cache, compiled now where Go is here. With CI=true a missing build fails the run, never skips."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

from tests.hosts.fake_engine import FakeEngine
from tools.engine import (
    PYTHON_HOST,
    YAML_HOST,
    EngineEnvironment,
    EngineUnavailable,
    clean_environ,
    ensure_cli,
    host_dir,
)

PASSPHRASE = "host-tests-protect-nothing"


def _log(line: str) -> None:
    print(line, file=sys.stderr)


def _or_skip(build):
    try:
        return build()
    except EngineUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no build: {error}", pytrace=False)
        pytest.skip(f"cannot be built here: {error}")


@pytest.fixture(scope="session")
def python_host_dir() -> Path:
    """The folder of the stand-in host and its exec shim (this pin's build)."""
    return _or_skip(lambda: host_dir(PYTHON_HOST, _log))


@pytest.fixture(scope="session")
def yaml_host_dir() -> Path:
    return _or_skip(lambda: host_dir(YAML_HOST, _log))


@pytest.fixture(scope="session")
def cli():
    return _or_skip(lambda: ensure_cli(log=_log))


@pytest.fixture
def fake_engine() -> Iterator[FakeEngine]:
    """The engine and resource monitor of a run (see tests/hosts/fake_engine.py)."""
    engine = FakeEngine.start()
    yield engine
    engine.server.stop(grace=None)


@dataclass
class RunningHost:
    process: subprocess.Popen
    stub: language_pb2_grpc.LanguageRuntimeStub
    lines: queue.Queue = field(default_factory=queue.Queue)
    """What the host prints after its port line (a program's own output goes there)."""

    def wait_for_line(self, line: str, timeout: float = 30) -> str:
        """The first stdout line equal to `line` (a reader thread feeds them; queue.Empty when
        the host prints no such line in `timeout` seconds)."""
        while (seen := self.lines.get(timeout=timeout)) != line:
            pass
        return seen

    def _read(self) -> None:
        for printed in self.process.stdout:
            self.lines.put(printed.rstrip("\n"))


@pytest.fixture
def language_host(python_host_dir, fake_engine, tmp_path) -> Iterator[RunningHost]:
    """The stand-in host started as the CLI starts it, with flags it must ignore first."""
    address = fake_engine.address
    process = subprocess.Popen(
        [
            str(python_host_dir / PYTHON_HOST.name),
            "-virtualenv=venv",
            "--tracing",
            "http://127.0.0.1:9",
            address,
        ],
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "host.stderr").open("w"),
        text=True,
        env={**clean_environ(), "PULUMI_PYTHON_CMD": sys.executable},
    )
    port = process.stdout.readline().strip()
    assert port.isdigit(), (
        f"first stdout line {port!r}; stderr: {(tmp_path / 'host.stderr').read_text()}"
    )
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    running = RunningHost(process, language_pb2_grpc.LanguageRuntimeStub(channel))
    threading.Thread(target=running._read, daemon=True).start()
    yield running
    channel.close()
    process.kill()
    process.wait(timeout=30)


def program_info(folder: Path, **options: str) -> language_pb2.ProgramInfo:
    """A ProgramInfo as the CLI sends it for a project (or plugin) folder."""
    structured = struct_pb2.Struct()
    structured.update(options)
    return language_pb2.ProgramInfo(
        root_directory=str(folder),
        program_directory=str(folder),
        entry_point=".",
        options=structured,
    )


def this_venv() -> dict[str, str]:
    """Runtime options naming the virtualenv the tests run in."""
    return {"toolchain": "pip", "virtualenv": sys.prefix}


def typed_in(cli, tmp_path: Path, project: Path, *folders: Path, aws: dict[str, str] | None = None):
    """Typed `pulumi` commands in `project` (`tests.e2e.support.Typed`), with the project's
    isolation (EngineEnvironment: file:// backend and PULUMI_HOME under tmp_path, passphrase, no
    update check or plugin download, none of the caller's AWS_*/PULUMI_*), `folders` first on
    PATH."""
    from tests.e2e.support import Typed

    environment = EngineEnvironment(
        cli=cli,
        home=tmp_path / "pulumi-home",
        backend=tmp_path / "state",
        passphrase=PASSPHRASE,
        aws=aws or {},
        extra_path=folders,
    )
    return Typed(environment, project)
