"""The plugin's SDKs in sdk/ (`make sdk`): written by our `pulumi-sdkgen` (tools/pulumi-sdkgen/,
pkg/v3's Node.js, Python and Go generators at the engine's pin) from the schema the plugin
serves, the Go SDK's go.mod then tidied. The tool is built and cached per pin like the hosts.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from components.schema import schema_json

from .gotool import BIN_DIR, EngineUnavailable, GoTool, require_go
from .hosts import STAND_IN, host_dir, required_version
from .paths import PROJECT_DIR

SDKGEN_MODULE = PROJECT_DIR / "tools" / "pulumi-sdkgen"
PKG_MODULE = "github.com/pulumi/pulumi/pkg/v3"
SDK_DIR = PROJECT_DIR / "sdk"
"""The committed SDKs, one folder per language (`make sdk` rewrites them)."""
LANGUAGES = ("nodejs", "python", "go")
GO_TIDY_ENV = {"GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}

SDKGEN = GoTool(
    name="pulumi-sdkgen",
    module=SDKGEN_MODULE,
    package=".",
    version=lambda: f"{required_version(SDKGEN_MODULE, PKG_MODULE).lstrip('v')}+{STAND_IN}",
    version_symbol="main.version",
    cache_kind="pulumi-sdkgen",
    stamp=".built-from.pulumi-sdkgen",
    own_sources=True,
)


def install_sdkgen(log: Callable[[str], None] = print) -> Path:
    """Build (or take from the cache) and install pulumi-sdkgen into .tools/bin."""
    require_go()
    key = SDKGEN.key()
    if SDKGEN.is_current(key):
        log(f"engine: pulumi-sdkgen {SDKGEN.version()} in .tools/bin is up to date (pins {key})")
    else:
        SDKGEN.install(SDKGEN.compiled(key, log), key)
        log(f"engine: installed pulumi-sdkgen {SDKGEN.version()} into .tools/bin")
    return BIN_DIR / SDKGEN.name


def generate(out: Path, log: Callable[[str], None] = print) -> None:
    """Write the SDKs of the plugin's schema into out/<language> (each emptied first), then
    complete the Go SDK's go.mod and go.sum (`go mod tidy`, through the Go module proxy)."""
    tool = host_dir(SDKGEN, log) / SDKGEN.name
    done = subprocess.run(  # noqa: S603 - our own tool
        [str(tool), "-out", str(out), *LANGUAGES],
        input=schema_json(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise EngineUnavailable(f"pulumi-sdkgen failed: {done.stderr.strip()[-2000:]}")
    tidy = subprocess.run(
        ["go", "mod", "tidy"],  # noqa: S607
        cwd=out / "go",
        env={**os.environ, **GO_TIDY_ENV},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if tidy.returncode != 0:
        raise EngineUnavailable(f"go mod tidy failed in the Go SDK: {tidy.stderr.strip()[-2000:]}")


def write_sdks(log: Callable[[str], None] = print) -> Path:
    """`make sdk`: regenerate sdk/ (stale files of an older schema are removed)."""
    generate(SDK_DIR, log)
    for language in LANGUAGES:
        log(f"sdk: wrote {(SDK_DIR / language).relative_to(PROJECT_DIR)}")
    return SDK_DIR
