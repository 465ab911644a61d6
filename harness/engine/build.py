"""The pinned engine build: `pulumi` from its Go modules, and where to find a CLI.

`python -m harness.engine build` builds `pulumi` (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at
the release pinned in tools/pulumi-engine/go.mod, with that version linked in) and installs it
with the dynamic-provider shim into .tools/bin. Builds are cached per pin outside the clone, so a
second clone on the same machine only copies them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..paths import PROJECT_DIR

ENGINE_MODULE = PROJECT_DIR / "tools" / "pulumi-engine"
TOOLS_DIR = PROJECT_DIR / ".tools"
BIN_DIR = TOOLS_DIR / "bin"
STAMP = ".built-from"
CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
VERSION_SYMBOL = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
GO_FLAGS = ("-trimpath", "-tags", "osusergo,grpcnotrace")
SHIMS = {"python/dist/pulumi-resource-pulumi-python": "pulumi-resource-pulumi-python"}
"""Files of the SDK module installed beside `pulumi` (module-cache files have no run bit).

The Python language host (`pulumi-language-python`) is not among them: its module is not served
by the Go module proxy here (see README), so programs run as Automation API inline programs,
which the CLI drives through `--client` without a language host."""
BUILD_HINT = (
    "Go is not installed: the Pulumi engine is built from its Go modules "
    "(install Go 1.26+, or put a `pulumi` CLI on PATH)"
)


class EngineUnavailable(RuntimeError):
    """No Pulumi CLI can be had here: none on PATH, none built, and no Go to build one."""


@dataclass(frozen=True)
class Cli:
    """A Pulumi CLI to drive."""

    path: Path
    """The `pulumi` binary."""
    origin: str
    """`PATH` (installed by the user) or `built` (this project's pinned build)."""

    @property
    def root(self) -> str | None:
        """The Automation API's `PulumiCommand(root=...)`: None means `pulumi` from PATH."""
        return None if self.origin == "PATH" else str(self.path.parent.parent)

    def version(self) -> str:
        answer = subprocess.run(  # noqa: S603 - our own CLI
            [str(self.path), "version"], capture_output=True, text=True, check=True, timeout=60
        )
        return answer.stdout.strip()


def pinned_version() -> str:
    """The pulumi release tools/pulumi-engine/go.mod requires, e.g. `v3.274.0`."""
    text = (ENGINE_MODULE / "go.mod").read_text()
    found = re.search(r"github\.com/pulumi/pulumi/pkg/v3 (v\S+)", text)
    if not found:
        raise EngineUnavailable("tools/pulumi-engine/go.mod requires no pulumi/pkg/v3 version")
    return found.group(1)


def build_key() -> str:
    """What a build depends on: the pins, the Go toolchain and the flags."""
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((ENGINE_MODULE / name).read_bytes())
    digest.update(_go("version").encode())
    digest.update(" ".join(GO_FLAGS).encode())
    return digest.hexdigest()[:20]


def built_cli() -> Cli | None:
    """The project's own build in .tools/bin, if there is one (its pins may be older)."""
    binary = BIN_DIR / "pulumi"
    return Cli(binary, "built") if binary.is_file() and (BIN_DIR / STAMP).is_file() else None


def find_cli() -> Cli | None:
    """`pulumi` from PATH (the user's own install wins), else the project's build."""
    on_path = shutil.which("pulumi")
    return Cli(Path(on_path), "PATH") if on_path else built_cli()


def ensure_cli(log: Callable[[str], None] = print) -> Cli:
    """`pulumi` from PATH, else the project's build, built now when Go is here."""
    on_path = shutil.which("pulumi")
    return Cli(Path(on_path), "PATH") if on_path else build(log)


def build(log: Callable[[str], None] = print) -> Cli:
    """Build the pinned CLI and install it with its shim into .tools/bin; nothing to do when it
    is there from the same pins. Raises EngineUnavailable (one line) when Go is missing."""
    if shutil.which("go") is None:
        raise EngineUnavailable(BUILD_HINT)
    key, version = build_key(), pinned_version()
    if _stamp(BIN_DIR) == key:
        log(f"engine: pulumi {version} in .tools/bin is up to date (pins {key})")
        return Cli(BIN_DIR / "pulumi", "built")
    cache = _cache_dir(key)
    started = time.monotonic()
    if _stamp(cache) != key:
        log(f"engine: building pulumi {version} from its Go modules (a few minutes the first time)")
        _compile(cache, version, key)
        log(f"engine: built pulumi {version} in {time.monotonic() - started:.0f}s into {cache}")
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    for item in cache.iterdir():
        shutil.copy2(item, BIN_DIR / item.name)
    log(f"engine: installed pulumi {version} and its Python dynamic-provider shim into .tools/bin")
    return Cli(BIN_DIR / "pulumi", "built")


def _compile(target: Path, version: str, key: str) -> None:
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ldflags = f"-s -w -X {VERSION_SYMBOL}={version}"
    _go(
        "build", *GO_FLAGS, "-ldflags", ldflags, "-o", str(staging / "pulumi"), CLI_PACKAGE,
        env={"CGO_ENABLED": "0"},
    )  # fmt: skip
    sdk_dir = Path(_go("list", "-m", "-f", "{{.Dir}}", SDK_MODULE))
    for source, name in SHIMS.items():
        shutil.copyfile(sdk_dir / source, staging / name)
        (staging / name).chmod(0o755)
    (staging / STAMP).write_text(key + "\n")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def _go(*args: str, env: Mapping[str, str] | None = None) -> str:
    answer = subprocess.run(  # noqa: S603 - the go toolchain, on our own module
        ["go", *args],  # noqa: S607
        cwd=ENGINE_MODULE,
        env={**os.environ, "GOFLAGS": "-mod=readonly -buildvcs=false", **(env or {})},
        capture_output=True,
        text=True,
    )
    if answer.returncode != 0:
        raise EngineUnavailable(f"go {args[0]} failed: {answer.stderr.strip()[-2000:]}")
    return answer.stdout.strip()


def _stamp(folder: Path) -> str | None:
    path = folder / STAMP
    return path.read_text().strip() if path.is_file() else None


def _cache_dir(key: str) -> Path:
    base = os.environ.get("BPG_ENGINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "bulk-publish-gate"
    )
    return Path(base) / "engine" / key
