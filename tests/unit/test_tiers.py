"""The tiers of components/ hold, read from the source (every import, lazy and TYPE_CHECKING
ones included): core/ is the gate's logic with no Pulumi, gRPC or botocore; aws/ is the botocore
seam with no Pulumi; neither imports a tier above it; the emulator imports nothing of ours."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SDKS = {"pulumi", "grpc", "botocore", "boto3"}
TOP_LEVEL_MODULES = 15
"""The faces at the top of components/, besides __init__ and __main__."""


def imports(package: str) -> dict[str, set[str]]:
    """Each module of `package` (a folder of the project) -> every module it imports, absolute."""
    found = {}
    for path in sorted((PROJECT / package).rglob("*.py")):
        parts = list(path.relative_to(PROJECT).with_suffix("").parts)
        here = parts[:-1]  # the package a relative import starts from
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        found[".".join(parts)] = names
    return found


def offences(package: str, allowed: tuple[str, ...], banned: set[str]) -> list[str]:
    """`module imports name` for each import of `banned` packages, or of components outside
    the `allowed` prefixes."""
    said = []
    for module, names in imports(package).items():
        for name in sorted(names):
            top = name.split(".")[0]
            ours = top == "components" and not name.startswith(allowed)
            if top in banned or ours:
                said.append(f"{module} imports {name}")
    return said


@pytest.mark.parametrize(
    ("package", "allowed", "banned"),
    [
        ("components/core", ("components.core",), SDKS),
        ("components/aws", ("components.core", "components.aws"), {"pulumi", "grpc"}),
        ("emulator", (), set()),
    ],
    ids=["core", "aws", "emulator"],
)
def test_a_tier_imports_no_sdk_above_it_nor_a_tier_above(package, allowed, banned):
    assert offences(package, allowed, banned) == []


def test_the_checker_sees_a_lazy_sdk_import_and_an_upward_one(tmp_path, monkeypatch):
    fake = tmp_path / "components" / "core"
    fake.mkdir(parents=True)
    (fake / "verdict.py").write_text(
        "def judge():\n    import botocore.session\n    from ..run import observe\n"
    )
    monkeypatch.setattr(f"{__name__}.PROJECT", tmp_path)
    assert offences("components/core", ("components.core",), SDKS) == [
        "components.core.verdict imports botocore.session",
        "components.core.verdict imports components.run",
        "components.core.verdict imports components.run.observe",
    ]


def test_at_most_fifteen_modules_at_the_top():
    top = {p.stem for p in (PROJECT / "components").glob("*.py")} - {"__init__", "__main__"}
    assert len(top) <= TOP_LEVEL_MODULES, sorted(top)
