"""The engine's environment: a `file://` backend, a private PULUMI_HOME, a passphrase, no update
check or plugin download, this virtualenv's Python for dynamic providers, and none of the
caller's AWS or Pulumi settings (the emulator's test keys only)."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY

from .build import Cli
from .paths import PROJECT_DIR, clean_environ


def emulator_aws(endpoint_url: str) -> dict[str, str]:
    """The AWS settings of a process that talks to the emulator: its documented test keys, its
    endpoint, and no config file, credentials file or instance metadata of the host's."""
    return {
        "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET_ACCESS_KEY,
        "AWS_ENDPOINT_URL_COGNITO_SYNC": endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


@dataclass(frozen=True)
class EngineEnvironment:
    """Everything a Pulumi CLI run needs here, and nothing it would fetch from the network."""

    cli: Cli
    """The CLI to drive."""
    home: Path
    """PULUMI_HOME: plugins, workspace settings, the stack selection (must be writable)."""
    backend: Path
    """The folder of the `file://` state backend."""
    passphrase: str
    """PULUMI_CONFIG_PASSPHRASE of the passphrase secrets provider."""
    aws: dict[str, str] = field(default_factory=dict)
    """The AWS variables the engine and its plugins get (see `emulator_aws`)."""
    extra_path: tuple[Path, ...] = ()
    """Folders put on PATH before the CLI's, e.g. where a pulumi-resource-aws plugin lives."""

    def variables(self) -> dict[str, str]:
        """The variables set for the CLI, on top of `clean_environ()`."""
        python = Path(sys.executable)
        path = [*map(str, self.extra_path), str(self.cli.path.parent), str(python.parent)]
        return {
            "PATH": os.pathsep.join([*path, os.environ.get("PATH", "")]),
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": self.backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": str(python),
            **self.aws,
        }

    def environ(self) -> dict[str, str]:
        """The whole environment of a typed `pulumi` command: the caller's without any AWS_* or
        PULUMI_* variable, plus `variables()` (state and PULUMI_HOME folders made here)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.backend.mkdir(parents=True, exist_ok=True)
        return {**clean_environ(), **self.variables()}

    def pulumi(
        self, *args: str, cwd: Path, capture: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess:
        """`pulumi <args>` as a user types it in `cwd` (its Pulumi.yaml picks the language host);
        output captured as text unless `capture` is False (then it goes to this terminal)."""
        return subprocess.run(  # noqa: S603 - the engine's own CLI, our arguments
            [str(self.cli.path), *args],
            cwd=cwd,
            env=self.environ(),
            capture_output=capture,
            text=True,
            timeout=timeout,
            check=False,
        )

    @contextmanager
    def applied(self) -> Iterator[None]:
        """This process's environment is the engine's for the duration (the Automation API
        starts the CLI with os.environ plus its own variables, so the caller's must go)."""
        saved = dict(os.environ)
        self.home.mkdir(parents=True, exist_ok=True)
        self.backend.mkdir(parents=True, exist_ok=True)
        os.environ.clear()
        os.environ.update({**clean_environ(saved), **self.variables()})
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def stack(self, name: str, work_dir: Path, program: Callable[[], None] | None = None):
        """An Automation API stack of the project in `work_dir`, created or selected.

        The program runs inline, in this process: the CLI drives it through `--client`, so no
        Python language host is needed; by default it is the project's own `__main__.py`.
        """
        from pulumi import automation as auto

        options = auto.LocalWorkspaceOptions(
            work_dir=str(work_dir),
            pulumi_home=str(self.home),
            env_vars=self.variables(),
            secrets_provider="passphrase",
            pulumi_command=auto.PulumiCommand(root=self.cli.root),
        )
        project = yaml.safe_load((work_dir / "Pulumi.yaml").read_text())["name"]
        return auto.create_or_select_stack(
            name, project, program or project_program(work_dir), opts=options
        )


def project_program(project_dir: Path) -> Callable[[], None]:
    """The project's `__main__.py`, run as the language host would run it."""

    def program() -> None:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")

    return program


SUPPORT = "tests/support"
"""The tests' modules a provider process may unpickle (the Recorder resource)."""


def project_copy(root: Path) -> Path:
    """A copy of the producer and consumer projects under `root` (for tests and benchmarks,
    whose stack files must not land in the clone), their Pulumi.yaml naming this virtualenv.

    The engine starts the dynamic-provider process in the stack's project folder and unpickles
    each provider by module name there, so each folder gets the packages its providers need:
    `components` (the gate) and `tests/support` (the tests' Recorder)."""
    root.mkdir(parents=True, exist_ok=True)
    consumer = root / "examples" / "consumer"
    consumer.mkdir(parents=True)
    for source, target in ((PROJECT_DIR, root), (PROJECT_DIR / "examples" / "consumer", consumer)):
        for name in ("Pulumi.yaml", "__main__.py"):
            shutil.copy(source / name, target / name)
        settings = yaml.safe_load((target / "Pulumi.yaml").read_text())
        settings["runtime"]["options"]["virtualenv"] = sys.prefix
        (target / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    ignore = shutil.ignore_patterns("__pycache__")
    for package, where in (("components", root), (SUPPORT, root), (SUPPORT, consumer)):
        shutil.copytree(PROJECT_DIR / package, where / package, ignore=ignore)
    return root
