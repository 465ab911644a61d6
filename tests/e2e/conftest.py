"""Real-engine tests: the Pulumi CLI (from PATH, else the project's pinned build, built now where
Go is here) drives Automation API stacks of an isolated copy of the project, with a `file://`
backend and PULUMI_HOME in a temporary folder and the emulator over HTTP.

With CI=true a missing engine fails the run: CI never passes with the engine tests skipped.
Only the tests that need the pulumi-aws plugin are skipped where it is not installed."""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

import pytest

from tools.engine import (
    EngineEnvironment,
    EngineUnavailable,
    aws_plugin_dir,
    emulator_aws,
    ensure_cli,
    project_copy,
)

PASSPHRASE = "e2e-tests-protect-nothing"
NO_AWS_PLUGIN = (
    "needs the pulumi-aws plugin (pulumi-resource-aws), which cannot be built here: "
    "run these where it is installed (`pulumi plugin install resource aws`)"
)
_engine: dict[str, object] = {}


def pytest_collection_modifyitems(config, items):
    if aws_plugin_dir() is not None:
        return
    for item in items:
        if item.get_closest_marker("aws_plugin"):
            item.add_marker(pytest.mark.skip(reason=NO_AWS_PLUGIN))


def pytest_terminal_summary(terminalreporter):
    reports = [
        r
        for kind in ("passed", "failed", "skipped", "error")
        for r in terminalreporter.stats.get(kind, [])
        if "tests/e2e/" in getattr(r, "nodeid", "") and r.when in ("call", "setup")
    ]
    ran = {r.nodeid for r in reports if r.when == "call"}
    skipped = {r.nodeid for r in reports if r.outcome == "skipped"}
    cli = _engine.get("cli")
    where = f"pulumi {_engine.get('version')} ({cli.origin}: {cli.path})" if cli else "no engine"
    terminalreporter.write_line(
        f"e2e: {len(ran)} test(s) ran through the real engine, {where}; "
        f"{len(skipped)} skipped (not verified here)"
    )


@pytest.fixture(scope="session")
def cli():
    """The CLI every e2e test drives; built from the pinned Go modules when none is on PATH."""
    try:
        found = ensure_cli(log=lambda line: print(line, file=sys.stderr))
    except EngineUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and no Pulumi engine: {error}", pytrace=False)
        pytest.skip(f"no Pulumi engine here: {error}")
    _engine.update(cli=found, version=found.version())
    return found


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the producer and consumer projects (see `tools.engine.project_copy`)."""
    return project_copy(tmp_path / "project")


@pytest.fixture
def engine(cli, tmp_path, emulator):
    """The engine's environment, applied to this process for the test (the Automation API
    starts the CLI with it), state and PULUMI_HOME under tmp_path."""
    plugin = aws_plugin_dir()
    environment = EngineEnvironment(
        cli=cli,
        home=tmp_path / "pulumi-home",
        backend=tmp_path / "state",
        passphrase=PASSPHRASE,
        aws=emulator_aws(emulator.url),
        extra_path=(plugin,) if plugin else (),
    )
    with environment.applied():
        yield environment


@pytest.fixture
def typed(engine):
    """`typed(folder)`: typed `pulumi` commands in that project folder (see `support.Typed`)."""
    from tests.e2e.support import Typed

    return lambda folder: Typed(engine, Path(folder))


@pytest.fixture(scope="session")
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_url(moto_server):
    """moto's state is process-wide: each test starts from an empty one."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    return moto_server
