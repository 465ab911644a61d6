"""Each committed SDK builds as its users build it: the Go one with `go build ./...` and `go vet
./...` against pulumi/sdk/v3 at the engine's pin, the Python one with `pip install` into a fresh
venv (the project's constraints) and an import, the Node.js one with `tsc` and `@pulumi/pulumi`
from npm, then a `require` of what it compiled.

npm's node_modules for the SDK's package.json is kept per package.json and Node.js version in
the engine cache (`~/.cache/bulk-publish-gate/node_modules/<key>/`, npm's own cache beside it),
so only the first run on a machine installs it; Go's build cache does the same for Go."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.schema import LANGUAGE, VERSION
from tools.engine import gotool
from tools.engine.gotool import cache_dir
from tools.engine.sdkgen import SDK_DIR
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.timeout(900)
GO_ENV = {"GOTOOLCHAIN": "local", **gotool.GO_ENV}
"""The engine's own flags (GO_FLAGS too), so that Go's build cache serves what its builds did."""


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    done = subprocess.run(
        args, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert done.returncode == 0, f"{' '.join(args)} failed in {cwd}:\n{done.stdout}{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("command", ["build", "vet"])
def test_the_go_sdk_builds_and_vets(go, command):
    run([go, command, *gotool.GO_FLAGS, "./..."], cwd=SDK_DIR / "go", env=GO_ENV)


def test_the_python_sdk_installs_into_a_fresh_venv_and_imports(tmp_path):
    shutil.copytree(SDK_DIR / "python", tmp_path / "sdk")  # pip's build leaves files behind
    run([sys.executable, "-m", "venv", str(tmp_path / "venv")], cwd=tmp_path)
    python = str(tmp_path / "venv" / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "-c", str(PROJECT_DIR / "constraints.txt"), str(tmp_path / "sdk")], cwd=tmp_path)
    name = LANGUAGE["python"]["packageName"]
    said = run(
        [python, "-c", f"import {name} as sdk; print(sdk.BulkPublishGate.__name__, "
         "sdk.get_bulk_publish_details.__name__, sdk._utilities.get_version())"],
        cwd=tmp_path,
    )  # fmt: skip
    assert said.split() == ["BulkPublishGate", "get_bulk_publish_details", VERSION]


def node_modules(npm: str, node_version: str) -> Path:
    """node_modules for the SDK's package.json, installed once per package.json and Node.js."""
    package = (SDK_DIR / "nodejs" / "package.json").read_bytes()
    key = hashlib.sha256(package + node_version.encode()).hexdigest()[:20]
    cache = cache_dir("node_modules", key)
    if not (cache / "node_modules" / "typescript" / "bin" / "tsc").is_file():
        staging = cache.with_name(cache.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "package.json").write_bytes(package)
        npm_cache = str(cache_dir("npm", "cache"))
        run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--cache", npm_cache],
            cwd=staging, timeout=600)  # fmt: skip
        shutil.rmtree(cache, ignore_errors=True)
        staging.rename(cache)
    return cache / "node_modules"


def test_the_nodejs_sdk_compiles_with_tsc_and_loads(node_and_npm, tmp_path):
    node, npm_path = node_and_npm
    modules = node_modules(npm_path, run([node, "--version"], cwd=tmp_path).strip())
    sdk = tmp_path / "sdk"
    shutil.copytree(SDK_DIR / "nodejs", sdk)
    (sdk / "node_modules").symlink_to(modules, target_is_directory=True)
    run([node, str(modules / "typescript" / "bin" / "tsc"), "-p", str(sdk)], cwd=sdk)
    assert (sdk / "bin" / "index.js").is_file() and (sdk / "bin" / "index.d.ts").is_file()
    shutil.copy(sdk / "package.json", sdk / "bin")  # bin/ is the npm package, as providers ship it
    said = run(
        [node, "-e", "const sdk = require('./bin'); console.log(typeof sdk.BulkPublishGate, "
         "typeof sdk.getBulkPublishDetails, require('@pulumi/pulumi/package.json').version)"],
        cwd=sdk,
    ).split()  # fmt: skip
    assert said[:2] == ["function", "function"], said
    print(f"nodejs SDK {LANGUAGE['nodejs']['packageName']} compiled with @pulumi/pulumi {said[2]}")
