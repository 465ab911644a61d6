"""Where the project is, and the environment a child process of ours starts from (the engine,
`make up`'s servers, a test's provider server): two facts the engine, harness/ and tests/support
share, in a module that imports nothing of ours."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
"""The project's root folder (where Pulumi.yaml is)."""

CALLER_PREFIXES = ("AWS_", "PULUMI_")
"""Variables of the caller that never reach the engine, a provider server or their plugins."""


def clean_environ(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`environ` without any AWS_* or PULUMI_* variable."""
    return {k: v for k, v in environ.items() if not k.startswith(CALLER_PREFIXES)}
