"""The README's commands still work: the `pulumi ...` lines of the ```sh block of "Using it
against AWS", typed verbatim in a copy of the project, against an emulator pool with the
README's own pool id.

Two additions, both what a user in CI must do too: `pulumi up` (and `refresh`/`destroy`, should
the block gain them) gets `--yes`, since it asks before it changes anything and these runs have
no terminal to answer on; and right after `pulumi stack init`, the stack is made status-only
(`publishCompletionParameter false`), since the pulumi-aws plugin cannot be installed here."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.support.scenarios import pool
from tools.engine.paths import PROJECT_DIR

pytestmark = pytest.mark.e2e
SECTION = "## Using it against AWS"
ASKS_FIRST = {"up", "refresh", "destroy"}


def readme_commands(text: str) -> list[list[str]]:
    """The `pulumi` command lines (comments dropped) of the first ```sh block of SECTION."""
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, f"no ```sh block under {SECTION!r} in README.md"
    lines = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    return [words for words in lines if words and words[0] == "pulumi"]


def test_the_readme_commands_work_as_typed(typed, project, emulator):
    commands = readme_commands((PROJECT_DIR / "README.md").read_text())
    verbs = [words[1] for words in commands]
    assert "up" in verbs and verbs[0] == "stack", f"the README's block: {commands}"
    [pool_id] = {
        w for words in commands for w in words if re.fullmatch(r"[a-z0-9-]+:[0-9a-f-]{36}", w)
    }
    emulator.backend.put_pool(pool("succeeded", identity_pool_id=pool_id))
    pulumi = typed(project)
    for words in commands:
        args = words[1:]
        if args[0] in ASKS_FIRST and "--yes" not in args:
            args.append("--yes")
        done = pulumi(*args, check=False)
        assert done.returncode == 0, (
            f"README.md's `{shlex.join(words)}` no longer works (ran `pulumi {shlex.join(args)}`):"
            f"\n{done.stdout}\n{done.stderr}"
        )
        if args[:2] == ["stack", "init"]:
            pulumi("config", "set", "bulk-publish-gate:publishCompletionParameter", "false")
    shown = pulumi.outputs()
    assert (shown["identityPoolId"], shown["gateOpen"]) == (pool_id, True)
