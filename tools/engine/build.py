"""The pinned Pulumi CLI: built from its Go modules, and where to find a CLI.

`python -m tools.engine build` builds `pulumi` (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at
the release pinned in tools/pulumi-engine/go.mod, with that version linked in) and installs it
with the dynamic-provider shim into .tools/bin; the language hosts are `hosts.py`'s. Builds are
cached per pin outside the clone (`gotool.py`), so a second clone on the same machine only
copies them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .gotool import BIN_DIR, STAMP, EngineUnavailable, GoTool, require_go
from .paths import PROJECT_DIR

ENGINE_MODULE = PROJECT_DIR / "tools" / "pulumi-engine"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"


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


CLI = GoTool(
    name="pulumi",
    module=ENGINE_MODULE,
    package="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    version=pinned_version,
    version_symbol="github.com/pulumi/pulumi/sdk/v3/go/common/version.Version",
    cache_kind="engine",
    stamp=STAMP,
    # The SDK's dynamic-provider shim: the engine starts `pulumi-resource-pulumi-python` for a
    # program's Python dynamic resources and finds it beside the CLI.
    beside={
        "pulumi-resource-pulumi-python": (SDK_MODULE, "python/dist/pulumi-resource-pulumi-python")
    },
)


def built_cli() -> Cli | None:
    """The project's own build in .tools/bin, if there is one (its pins may be older)."""
    binary = CLI.installed()
    return Cli(binary, "built") if binary else None


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
    require_go()
    key, version = CLI.key(), pinned_version()
    if CLI.is_current(key):
        log(f"engine: pulumi {version} in .tools/bin is up to date (pins {key})")
        return Cli(BIN_DIR / "pulumi", "built")
    CLI.install(CLI.compiled(key, log), key)
    log(f"engine: installed pulumi {version} and its Python dynamic-provider shim into .tools/bin")
    return Cli(BIN_DIR / "pulumi", "built")
