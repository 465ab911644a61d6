"""The `local` stacks of `make up`: which they are, where their state, config copies and
servers' files live, and what a hard stop left in their state (asked of the CLI, quietly) and
what clears it."""

from __future__ import annotations

import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

from tools.engine import Cli, EngineEnvironment, emulator_aws
from tools.engine.paths import PROJECT_DIR

from .processes import command_line

LOCAL_ROOT = Path(os.environ.get("BPG_LOCAL_ROOT") or PROJECT_DIR)
"""Where .local-run/ and .pulumi-state/ are: the project, unless a test moves them."""
RUN_DIR = LOCAL_ROOT / ".local-run"
STATE_DIR = LOCAL_ROOT / ".pulumi-state"
STACK = "local"
PASSPHRASE = "bulk-publish-gate-local-demo"  # noqa: S105
"""Protects nothing real: the local stack holds no secret. Documented in the README."""


@dataclass(frozen=True)
class LocalStack:
    """One stack of `make up`, in the order they run."""

    name: str
    folder: Path
    host: str
    """The language host its Pulumi.yaml's runtime needs."""
    status_only_key: str | None = None
    """The key that leaves out its AWS resource where the pulumi-aws plugin is missing."""


STACKS = (
    LocalStack(
        "producer", PROJECT_DIR, "pulumi-language-python",
        "bulk-publish-gate:publishCompletionParameter",
    ),
    LocalStack(
        "consumer", PROJECT_DIR / "examples" / "consumer", "pulumi-language-python",
        "bulk-publish-gate-consumer:publishReadyParameter",
    ),
    LocalStack("YAML consumer", PROJECT_DIR / "examples" / "consumer-yaml", "pulumi-language-yaml"),
)  # fmt: skip


def has_local_stack(engine: EngineEnvironment, stack: LocalStack) -> bool:
    if not (stack.folder / "Pulumi.yaml").exists():
        return False
    listed = engine.pulumi("stack", "ls", "--json", cwd=stack.folder, timeout=60)
    return listed.returncode == 0 and any(
        entry["name"] == STACK for entry in json.loads(listed.stdout or "[]")
    )


def local_engine(cli: Cli, services: dict, plugin: Path | None) -> EngineEnvironment:
    """State in .pulumi-state (kept for `make down`), PULUMI_HOME in .local-run, emulator keys."""
    return EngineEnvironment(
        cli=cli,
        home=RUN_DIR / "pulumi-home",
        backend=STATE_DIR,
        passphrase=PASSPHRASE,
        aws=emulator_aws(services.get("emulator", "http://127.0.0.1:9")),
        extra_path=(plugin,) if plugin else (),
    )


def config_copy(stack: LocalStack) -> str:
    """The stack's config file for `--config-file`, as typed in its folder: a copy of the
    committed stack file in .local-run/, made afresh at each call (so that `make down` and
    `make unlock` read the stack file as it is now, not a copy an earlier run left);
    `pulumi config set --config-file` edits the copy, and the committed file stays as it is."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    target = RUN_DIR / f"{stack.name.replace(' ', '-').lower()}.Pulumi.{STACK}.yaml"
    shutil.copy(stack.folder / f"Pulumi.{STACK}.yaml", target)
    inside = target.resolve().is_relative_to(PROJECT_DIR)
    return os.path.relpath(target, stack.folder) if inside else str(target)


def project_name(stack: LocalStack) -> str:
    import yaml

    return yaml.safe_load((stack.folder / "Pulumi.yaml").read_text())["name"]


def stranded(engine: EngineEnvironment, stack: LocalStack) -> str:
    """'locked', 'with operations pending', both, or '' (asked of the CLI, quietly)."""
    found = []
    locks = locks_dir(stack)
    if locks.is_dir() and any(locks.iterdir()):
        found.append("locked")
    exported = engine.pulumi("stack", "export", "--stack", STACK, cwd=stack.folder, timeout=60)
    if exported.returncode == 0 and json.loads(exported.stdout)["deployment"].get(
        "pending_operations"
    ):
        found.append("with operations pending")
    return " and ".join(found)


def locks_dir(stack: LocalStack) -> Path:
    return STATE_DIR / ".pulumi" / "locks" / "organization" / project_name(stack) / STACK


def lock_holder(stack: LocalStack) -> int | None:
    """The pid of a `pulumi` still running on this machine that holds the stack's lock (then
    `pulumi cancel` would cancel a live update), or None: the lock was left by a stopped one."""
    for lock in sorted(locks_dir(stack).glob("*.json")):
        try:
            holder = json.loads(lock.read_text())
        except (OSError, ValueError):
            continue
        pid = holder.get("pid") if isinstance(holder, dict) else None
        if isinstance(pid, int) and holder.get("hostname") == socket.gethostname():
            program = command_line(pid).split(" ")[0]
            if Path(program).name == "pulumi":
                return pid
    return None


def after_stop(left: str, stack: LocalStack, command: str) -> str:
    """What `stranded` found `left` after the stack's `pulumi <command>` failed, and what
    clears it: `make unlock` only for a lock that no live `pulumi` holds."""
    again = "`make down` again" if command == "destroy" else "`make up` again"
    if not left and command == "destroy":
        return (
            f"the {stack.name} stack is still deployed (nothing is locked or pending): fix what "
            f"the CLI says, then {again}"
        )
    if not left:
        return "nothing is left locked or pending: the next `make up` starts afresh"
    holder = lock_holder(stack) if "locked" in left else None
    if holder:
        return (
            f"the {stack.name} stack is locked by a `pulumi` still running here (pid {holder}): "
            f"{again} once it has ended"
        )
    if "locked" in left:
        return f"the {stack.name} stack is left {left}: `make unlock` clears it, then {again}"
    return (
        f"the {stack.name} stack is left {left}: the next `make up` or `make down` clears "
        "them first (so does `make unlock`)"
    )


def has_state(stack: LocalStack) -> bool:
    """Whether the stack has been deployed here (its checkpoint file exists)."""
    return (STATE_DIR / ".pulumi" / "stacks" / project_name(stack) / f"{STACK}.json").exists()
