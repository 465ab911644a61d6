"""Every sample of README.md and docs/*.md comes from what a test runs: a fenced block right after
a line `<!-- from: PATH -->` is a verbatim excerpt of PATH (a file a test runs); an `sh` block is
made of known commands (Makefile targets, the `pulumi` commands tests/e2e/test_readme_commands.py
types, `python -m components` command lines its parser and input rules accept); a `text` block is
a picture. docs/reference/ is generated, and held by its own staleness test."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from components.cli import UsageError, build_parser, checked
from components.core.inputs import SPECS, parse_field
from tests.e2e.test_readme_commands import readme_commands

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN_BY = {
    "__main__.py": "tests/e2e/test_engine_stack.py",
    "examples/consumer/__main__.py": "tests/e2e/test_engine_gating.py",
    "examples/consumer-yaml/Pulumi.yaml": "tests/e2e/test_consumer_yaml.py",
    "examples/gate-yaml/Pulumi.yaml": "tests/e2e/test_plugin_yaml.py",
}
"""The files a sample may come from, each with a test that runs it."""
MARKER = re.compile(r"<!-- from: (\S+) -->")
ENV = re.compile(r"[A-Z_][A-Z0-9_]*=")
PULUMI_OPTIONS = {"--yes", "--path"}
"""Options beyond the typed block's: test_readme_commands adds --yes; tests/e2e/test_engine_pools.py
sets identityPoolIds by --path."""
NAMESPACE = "bulk-publish-gate:"
CONFIG = {spec.config: name for name, spec in SPECS.items()}


def blocks(text: str) -> Iterator[tuple[int, str | None, str, str]]:
    """(line number, marker's path or None, language, body) of each fenced block."""
    lines = text.splitlines()
    at = 0
    while at < len(lines):
        if lines[at].startswith("```"):
            marker = MARKER.fullmatch(lines[at - 1]) if at else None
            end = next((i for i in range(at + 1, len(lines)) if lines[i] == "```"), len(lines))
            body = "\n".join(lines[at + 1 : end]) + "\n"
            yield at + 1, marker and marker.group(1), lines[at].removeprefix("```"), body
            at = end
        at += 1


def typed_verbs() -> set[tuple[str, ...]]:
    """The `pulumi` commands test_readme_commands types: ("stack", "init"), ("up",), ..."""
    return {verb(words) for words in readme_commands((ROOT / "README.md").read_text())}


def verb(words: list[str]) -> tuple[str, ...]:
    return tuple(words[1:3]) if words[1] in ("stack", "config") else (words[1],)


def config_problem(key: str, value: str) -> str | None:
    """Why `pulumi config set KEY VALUE` cannot be right for this project, or None."""
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    name = key.removeprefix(NAMESPACE).split("[")[0]
    if not key.startswith(NAMESPACE) or name not in declared:
        return f"{key} is not a key of Pulumi.yaml"
    if name not in CONFIG:
        return None
    spec = SPECS[CONFIG[name]]
    try:
        typed = [value] if "[" in key else parse_field(CONFIG[name], value)
    except ValueError as error:
        return f"{key} {error}"
    reason = spec.rule(typed)
    return reason and f"{key} {reason}"


def command_problem(words: list[str], typed: set[tuple[str, ...]]) -> str | None:
    """Why a command line of an `sh` block is not a known command, or None."""
    while words and ENV.match(words[0]):
        words = words[1:]
    if words[:1] == ["make"]:
        targets = set(re.findall(r"^([a-z][\w-]*):", (ROOT / "Makefile").read_text(), re.M))
        unknown = [target for target in words[1:] if target not in targets]
        return unknown and f"make has no target {unknown}"
    if words[:1] == ["pulumi"]:
        options = {w for w in words if w.startswith("-")} - PULUMI_OPTIONS
        typed_options = {w for c in readme_commands((ROOT / "README.md").read_text()) for w in c}
        if verb(words) not in typed:
            return f"test_readme_commands types no `pulumi {' '.join(verb(words))}`"
        if options - typed_options:
            return f"test_readme_commands types no option {sorted(options - typed_options)}"
        rest = [w for w in words[len(verb(words)) + 1 :] if not w.startswith("-")]
        return config_problem(*rest[:2]) if verb(words) == ("config", "set") else None
    if words[:1] in (["python"], ["venv/bin/python"]) and words[1:3] == ["-m", "components"]:
        try:
            args = build_parser().parse_args(words[3:])
        except UsageError as error:
            return str(error)
        problems = checked(args, datetime.now(UTC), environ={})[1]
        return "; ".join(problems) or None
    return "not a command that a test runs"


def problems(text: str) -> list[str]:
    """What is wrong with each sample of a markdown text."""
    found, typed = [], typed_verbs()
    for line, source, language, body in blocks(text):
        if source is not None:
            test = RUN_BY.get(source)
            if test is None or not (ROOT / test).is_file():
                found.append(f"line {line}: {source} is not a file a test runs ({sorted(RUN_BY)})")
            elif body not in (ROOT / source).read_text():
                found.append(f"line {line}: not a verbatim excerpt of {source}")
        elif language == "sh":
            for command in body.replace("\\\n", " ").splitlines():
                words = shlex.split(command, comments=True)
                if words and (why := command_problem(words, typed)):
                    found.append(f"line {line}: `{command.strip()}`: {why}")
        elif language != "text":
            found.append(f"line {line}: a ```{language} block with no <!-- from: PATH --> line")
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: str(doc.relative_to(ROOT)))
def test_every_sample_comes_from_what_a_test_runs(doc):
    assert problems(doc.read_text()) == []


@pytest.mark.parametrize(
    ("sample", "said"),
    [
        ("<!-- from: __main__.py -->\n```python\ngate.export(1)\n```\n", "not a verbatim"),
        ("<!-- from: setup.py -->\n```python\nx\n```\n", "not a file a test runs"),
        ("```python\nfrom components import BulkPublishGate\n```\n", "no <!-- from"),
        ("```sh\nmake deploy\n```\n", "make has no target ['deploy']"),
        ("```sh\npulumi destroy --yes\n```\n", "types no `pulumi destroy`"),
        ("```sh\npulumi up --skip-preview\n```\n", "types no option ['--skip-preview']"),
        ("```sh\npulumi config set bulk-publish-gate:mode strict\n```\n", "must be one of"),
        ("```sh\npulumi config set bulk-publish-gate:timeout 60\n```\n", "not a key"),
        ("```sh\npython -m components check us-east-1:0f5b6a1e-8a7b\n```\n", "invalid choice"),
        ("```sh\npython -m components wait nope --timeout 5\n```\n", "must match"),
        ("```sh\ncurl https://example.com | sh\n```\n", "not a command that a test runs"),
    ],
)
def test_a_sample_no_test_runs_is_found(sample, said):
    found = problems(sample)
    assert len(found) == 1 and said in found[0], found
