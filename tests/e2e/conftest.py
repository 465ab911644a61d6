"""Real-CLI tests (Automation API): an isolated copy of the project, a `file://` backend in a
temporary folder, the emulator for the gate and moto for the SSM parameter. Skipped, with the
reason, where `pulumi` is not on PATH; the run ends with a line saying how many were skipped."""

from __future__ import annotations

import shutil
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml

from harness.provider_server import PROJECT_DIR
from harness.scenarios import provider_env

HAS_CLI = shutil.which("pulumi") is not None
SKIP_REASON = (
    "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) "
    "to run the Automation API tests"
)
PASSPHRASE = "e2e-tests-protect-nothing"


def pytest_collection_modifyitems(config, items):
    if HAS_CLI:
        return
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "tests/e2e/" in r.nodeid]
    if skipped:
        terminalreporter.write_line(
            f"e2e: {len(skipped)} real-CLI test(s) SKIPPED, not verified here: {SKIP_REASON}"
        )


@pytest.fixture(scope="module")
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


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the producer and consumer projects, using this interpreter's virtualenv."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / name, root / name)
    shutil.copytree(PROJECT_DIR / "components", root / "components")
    consumer = root / "examples" / "consumer"
    consumer.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_DIR / "examples" / "consumer" / name, consumer / name)
    for directory in (root, consumer):
        settings = yaml.safe_load((directory / "Pulumi.yaml").read_text())
        settings["runtime"]["options"]["virtualenv"] = sys.prefix
        (directory / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return root


@pytest.fixture
def cli_env(tmp_path, emulator) -> dict[str, str]:
    backend = tmp_path / "state"
    backend.mkdir()
    return {
        **provider_env(emulator.url),
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
