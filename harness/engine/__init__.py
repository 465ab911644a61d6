"""The real Pulumi engine here: its pinned build (`build`) and its environment (`environment`),
one place for the tests, `make up` and the benchmarks."""

from .build import (
    BIN_DIR,
    Cli,
    EngineUnavailable,
    build,
    built_cli,
    ensure_cli,
    find_cli,
    pinned_version,
)
from .environment import (
    EngineEnvironment,
    clean_environ,
    emulator_aws,
    project_copy,
    project_program,
)

__all__ = [
    "BIN_DIR",
    "Cli",
    "EngineEnvironment",
    "EngineUnavailable",
    "build",
    "built_cli",
    "clean_environ",
    "emulator_aws",
    "ensure_cli",
    "find_cli",
    "pinned_version",
    "project_copy",
    "project_program",
]
