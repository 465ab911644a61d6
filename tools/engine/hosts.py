"""The language hosts `make engine` builds beside the CLI, each from a pinned main module:

- `pulumi-language-python`: our own stand-in (tools/pulumi-language-python/, written from the
  language-runtime protocol on sdk/v3 at the CLI's pin), with the SDK's program runner
  `pulumi-language-python-exec` beside it. The official host's Go module is not served by the
  Go module proxy here; where a `pulumi-language-python` is on PATH (a real Pulumi install),
  that one wins and the stand-in is not installed.
- `pulumi-language-yaml`: the official YAML host (github.com/pulumi/pulumi-yaml, tools/pulumi-yaml/,
  its own pins of pulumi/pkg and sdk: it does not compile against the CLI's).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .build import SDK_MODULE
from .gotool import BIN_DIR, EngineUnavailable, GoTool, require_go
from .paths import PROJECT_DIR

PYTHON_HOST_MODULE = PROJECT_DIR / "tools" / "pulumi-language-python"
YAML_HOST_MODULE = PROJECT_DIR / "tools" / "pulumi-yaml"
YAML_MODULE = "github.com/pulumi/pulumi-yaml"
STAND_IN = "bulk-publish-gate"
"""The build metadata of the stand-in's version (`3.274.0+bulk-publish-gate`): not official."""


def required_version(module: Path, path: str) -> str:
    """The version of `path` that `module`'s go.mod requires, e.g. `v3.274.0`."""
    found = re.search(
        rf"^\s*(?:require\s+)?{re.escape(path)} (v\S+)", (module / "go.mod").read_text(), re.M
    )
    if not found:
        raise EngineUnavailable(f"{module.name}/go.mod requires no {path}")
    return found.group(1)


PYTHON_HOST = GoTool(
    name="pulumi-language-python",
    module=PYTHON_HOST_MODULE,
    package=".",
    version=lambda: f"{required_version(PYTHON_HOST_MODULE, SDK_MODULE).lstrip('v')}+{STAND_IN}",
    version_symbol="main.version",
    cache_kind="pulumi-language-python",
    stamp=".built-from.pulumi-language-python",
    beside={"pulumi-language-python-exec": (SDK_MODULE, "python/cmd/pulumi-language-python-exec")},
    own_sources=True,
)
YAML_HOST = GoTool(
    name="pulumi-language-yaml",
    module=YAML_HOST_MODULE,
    package=f"{YAML_MODULE}/cmd/pulumi-language-yaml",
    version=lambda: required_version(YAML_HOST_MODULE, YAML_MODULE),
    version_symbol=f"{YAML_MODULE}/pkg/version.Version",
    cache_kind="pulumi-language-yaml",
    stamp=".built-from.pulumi-language-yaml",
)
HOSTS = (PYTHON_HOST, YAML_HOST)


@dataclass(frozen=True)
class Host:
    """A language host the CLI will use."""

    name: str
    path: Path
    origin: str
    """`PATH` (a real install's) or `built` (installed into .tools/bin by `make engine`)."""
    version: str
    """What the build linked in (for one from PATH: unknown)."""


def on_path(name: str) -> Path | None:
    """`name` on PATH outside .tools/bin (our own builds there do not count)."""
    ours = BIN_DIR.resolve()
    folders = [
        f for f in os.environ.get("PATH", "").split(os.pathsep) if f and Path(f).resolve() != ours
    ]
    found = shutil.which(name, path=os.pathsep.join(folders))
    return Path(found) if found else None


def build_hosts(log: Callable[[str], None] = print) -> list[Host]:
    """Build (or take from the cache) and install the hosts into .tools/bin; the stand-in only
    where no `pulumi-language-python` is on PATH (a stale copy of it is then removed)."""
    require_go()
    hosts = []
    for tool in HOSTS:
        real = on_path(tool.name) if tool is PYTHON_HOST else None
        if real:
            tool.uninstall()
            log(f"engine: {tool.name} from PATH ({real}) is used: the stand-in is not installed")
            hosts.append(Host(tool.name, real, "PATH", "?"))
            continue
        key = tool.key()
        if tool.is_current(key):
            log(f"engine: {tool.name} {tool.version()} in .tools/bin is up to date (pins {key})")
        else:
            tool.install(tool.compiled(key, log), key)
            log(f"engine: installed {tool.name} {tool.version()} into .tools/bin")
        hosts.append(Host(tool.name, BIN_DIR / tool.name, "built", tool.version()))
    return hosts


def find_hosts() -> list[Host]:
    """The hosts the CLI of .tools/bin would use: from PATH first (as the CLI looks), else ours."""
    found = []
    for tool in HOSTS:
        real = on_path(tool.name)
        if real:
            found.append(Host(tool.name, real, "PATH", "?"))
        elif tool.installed():
            found.append(Host(tool.name, BIN_DIR / tool.name, "built", tool.version()))
    return found


def host_dir(tool: GoTool, log: Callable[[str], None] = print) -> Path:
    """A folder holding this pin's build of `tool` (and what sits beside it): .tools/bin when the
    installed one is current (or, without Go, there at all), else the build cache (compiled now
    when missing). The tests drive this one, whether or not another host is on PATH."""
    if shutil.which("go") is None and tool.installed():
        return BIN_DIR  # no Go to check its pins with: the one `make engine` installed
    key = tool.key()
    return BIN_DIR if tool.is_current(key) else tool.compiled(key, log)


def aws_plugin_dir() -> Path | None:
    """Where a pulumi-resource-aws plugin is: on PATH, else in ~/.pulumi/plugins; None here (it
    cannot be built on this machine)."""
    found = shutil.which("pulumi-resource-aws")
    if found:
        return Path(found).parent
    plugins = Path("~/.pulumi/plugins").expanduser()
    installed = sorted(plugins.glob("resource-aws-v*/pulumi-resource-aws"))
    return installed[-1].parent if installed else None
