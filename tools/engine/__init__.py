"""The real Pulumi engine here: its pinned build (`build`: the CLI, `hosts`: the language hosts,
`gotool`: how a pinned Go tool is built and cached) and its environment (`environment`), one
place for the tests, `make up` and the benchmarks."""

from .build import Cli, build, built_cli, ensure_cli, find_cli, pinned_version
from .environment import (
    EngineEnvironment,
    clean_environ,
    emulator_aws,
    project_copy,
    project_program,
)
from .gotool import BIN_DIR, EngineUnavailable
from .hosts import PYTHON_HOST, YAML_HOST, aws_plugin_dir, build_hosts, find_hosts, host_dir

__all__ = [
    "BIN_DIR",
    "PYTHON_HOST",
    "YAML_HOST",
    "Cli",
    "EngineEnvironment",
    "EngineUnavailable",
    "aws_plugin_dir",
    "build",
    "build_hosts",
    "built_cli",
    "clean_environ",
    "emulator_aws",
    "ensure_cli",
    "find_cli",
    "find_hosts",
    "host_dir",
    "pinned_version",
    "project_copy",
    "project_program",
]
