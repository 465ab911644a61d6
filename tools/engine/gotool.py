"""How one pinned Go tool is built here: from a small main module of the project's own under
tools/, compiled once per pin into a cache outside the clone, then copied into .tools/bin.

A build's key is a digest of the module's go.mod and go.sum (and of its own Go sources, for our
own tools), the Go toolchain and the flags: the cache folder `<cache>/<kind>/<key>/` holds the
binary, any files installed beside it and a STAMP with the key; .tools/bin holds a stamp per
tool, so a tool whose key has not changed costs nothing, and another clone only copies it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .paths import PROJECT_DIR

TOOLS_DIR = PROJECT_DIR / ".tools"
BIN_DIR = TOOLS_DIR / "bin"
STAMP = ".built-from"
GO_FLAGS = ("-trimpath", "-tags", "osusergo,grpcnotrace")
GO_ENV = {"CGO_ENABLED": "0", "GOFLAGS": "-mod=readonly -buildvcs=false"}
GO_HINT = (
    "Go is not installed: the Pulumi engine and its language hosts are built from their Go "
    "modules (install Go 1.26+, or put a `pulumi` CLI on PATH)"
)


class EngineUnavailable(RuntimeError):
    """A tool cannot be had here: not on PATH, not built, and no Go to build it (or the build
    failed). The message is one line."""


@dataclass(frozen=True)
class GoTool:
    """One binary built from a main module under tools/."""

    name: str
    """The binary's name, in .tools/bin too."""
    module: Path
    """The main module's folder (its go.mod pins everything)."""
    package: str
    """What `go build` builds: a package path (a `tool` line of go.mod) or `.`."""
    version: Callable[[], str]
    """The version linked in (read from go.mod, so the key covers it)."""
    version_symbol: str
    """The `-X` symbol that receives the version."""
    cache_kind: str
    """The cache's sub-folder for this tool."""
    stamp: str
    """Its stamp file in .tools/bin."""
    beside: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Files installed beside the binary, mode 0755: name -> (Go module, path inside it)."""
    own_sources: bool = False
    """The module's own *.go files (in its packages too) are part of the key (our own code)."""

    def key(self) -> str:
        """What a build depends on: the pins (and our sources), the Go toolchain, the flags."""
        digest = hashlib.sha256()
        files = [self.module / "go.mod", self.module / "go.sum"]
        if self.own_sources:
            ours = self.module.rglob("*.go")  # its packages too
            files += sorted(p for p in ours if not p.name.endswith("_test.go"))
        for path in files:
            digest.update(path.read_bytes())
        digest.update(go(self.module, "version").encode())
        digest.update(" ".join(GO_FLAGS).encode())
        return digest.hexdigest()[:20]

    def installed(self) -> Path | None:
        """The binary in .tools/bin, if one was installed there (its pins may be older)."""
        binary = BIN_DIR / self.name
        return binary if binary.is_file() and (BIN_DIR / self.stamp).is_file() else None

    def is_current(self, key: str) -> bool:
        return read_stamp(BIN_DIR / self.stamp) == key and (BIN_DIR / self.name).is_file()

    def compiled(self, key: str, log: Callable[[str], None]) -> Path:
        """The cache folder of this key, compiled now if it is not there yet."""
        require_go()
        cache = cache_dir(self.cache_kind, key)
        if read_stamp(cache / STAMP) != key:
            log(f"engine: building {self.name} {self.version()} from its Go modules")
            started = time.monotonic()
            self._compile(cache, key)
            log(f"engine: built {self.name} in {time.monotonic() - started:.0f}s into {cache}")
        return cache

    def install(self, cache: Path, key: str) -> Path:
        """Copy a compiled cache folder into .tools/bin (the stamp last)."""
        BIN_DIR.mkdir(parents=True, exist_ok=True)
        for item in cache.iterdir():
            if item.name != STAMP:
                shutil.copy2(item, BIN_DIR / item.name)
        (BIN_DIR / self.stamp).write_text(key + "\n")
        return BIN_DIR / self.name

    def uninstall(self) -> None:
        """Remove this tool (and what sits beside it) from .tools/bin."""
        for name in (self.name, *self.beside, self.stamp):
            (BIN_DIR / name).unlink(missing_ok=True)

    def _compile(self, target: Path, key: str) -> None:
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        ldflags = f"-s -w -X {self.version_symbol}={self.version()}"
        output = str(staging / self.name)
        go(self.module, "build", *GO_FLAGS, "-ldflags", ldflags, "-o", output, self.package)
        for name, (module, source) in self.beside.items():
            module_dir = Path(go(self.module, "list", "-m", "-f", "{{.Dir}}", module))
            shutil.copyfile(module_dir / source, staging / name)
            (staging / name).chmod(0o755)  # module-cache files have no run bit
        (staging / STAMP).write_text(key + "\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)


def require_go() -> None:
    if shutil.which("go") is None:
        raise EngineUnavailable(GO_HINT)


def go(module: Path, *args: str) -> str:
    """`go <args>` in a main module, read-only (go.mod and go.sum are never rewritten)."""
    require_go()
    answer = subprocess.run(  # noqa: S603 - the go toolchain, on our own module
        ["go", *args],  # noqa: S607
        cwd=module,
        env={**os.environ, **GO_ENV},
        capture_output=True,
        text=True,
    )
    if answer.returncode != 0:
        raise EngineUnavailable(
            f"go {args[0]} failed in {module.name}: {answer.stderr.strip()[-2000:]}"
        )
    return answer.stdout.strip()


def read_stamp(path: Path) -> str | None:
    return path.read_text().strip() if path.is_file() else None


def cache_dir(kind: str, key: str) -> Path:
    """`$BPG_ENGINE_CACHE`, else `$XDG_CACHE_HOME/bulk-publish-gate` (~/.cache by default)."""
    base = os.environ.get("BPG_ENGINE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "bulk-publish-gate"
    )
    return Path(base) / kind / key
