"""`make up` / `make down` / `make unlock`: the `local` stacks through the real Pulumi engine, by
the `pulumi` commands a user types, each shown before it runs, its output to the terminal.

up: find the engine (`pulumi` on PATH, else the pinned build, made now when Go is here), start
the Cognito Sync emulator (and moto, where the pulumi-aws plugin is) on free ports, then in each
stack's folder (the producer, then the Python and the YAML consumer): `pulumi stack select
--create local`, `pulumi config set --config-file` for what differs here from the committed
stack file (into a copy in .local-run/), `pulumi up --yes`, `pulumi stack output --json`.
down: `pulumi destroy --yes` in each folder (consumers first), stop the servers; exit 1 naming
a stack not destroyed. unlock: clear the lock and pending operations a hard stop left.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import services as servers
from .engine import (
    Cli,
    EngineEnvironment,
    EngineUnavailable,
    build,
    build_hosts,
    built_cli,
    emulator_aws,
    find_hosts,
)
from .engine.hosts import aws_plugin_dir, on_path
from .paths import PROJECT_DIR
from .terminal import run

LOCAL_ROOT = Path(os.environ.get("BPG_LOCAL_ROOT") or PROJECT_DIR)
"""Where .local-run/ and .pulumi-state/ are: the project, unless a test moves them."""
RUN_DIR = LOCAL_ROOT / ".local-run"
STATE_DIR = LOCAL_ROOT / ".pulumi-state"
STACK = "local"
PASSPHRASE = "bulk-publish-gate-local-demo"  # noqa: S105
"""Protects nothing real: the local stack holds no secret. Documented in the README."""
INSTALL_HINT = (
    "no Pulumi engine here: no `pulumi` on PATH and no Go to build the project's pinned one "
    "(install Go 1.26+ and run `make engine`, or install the CLI: "
    "https://www.pulumi.com/docs/install/)"
)
INTERRUPTED = 130


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


class Stopped(Exception):
    """A command failed or was interrupted; `code` is what `make up` exits with."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def find_engine(build_now: bool = True) -> Cli | None:
    """`pulumi` on PATH, else the project's build (with `build_now`, made or brought up to date
    when Go is here, the language hosts with it)."""
    found = on_path("pulumi")
    if found:
        return Cli(found, "PATH")
    if build_now and shutil.which("go"):
        if built_cli() is None:
            say("no pulumi on PATH: building the pinned engine (the first build takes minutes)")
        try:
            cli = build(log=say)
            build_hosts(log=say)
            return cli
        except EngineUnavailable as error:
            say(f"the engine build failed: {error}")
    return built_cli()


def up() -> int:
    cli = find_engine()
    if cli is None:
        print(INSTALL_HINT, flush=True)
        return 1
    servers.stop(RUN_DIR)
    plugin = aws_plugin_dir()
    say(f"engine: pulumi {cli.version()} ({'on PATH' if cli.origin == 'PATH' else cli.path})")
    hosts = {host.name: host for host in find_hosts()}
    for host in hosts.values():
        ours = host.origin == "built" and host.name == "pulumi-language-python"
        say(f"language host: {host.name} ({host.path}{', our stand-in' if ours else ''})")
    if plugin is None:
        say(
            "pulumi-aws plugin not found (it cannot be built here): the stacks run "
            "status-only, without their SSM parameters"
        )
    services = servers.start(RUN_DIR, with_moto=plugin is not None)
    say(f"Cognito Sync emulator at {services['emulator']} (its demo pool publishes for seconds)")
    if plugin is not None:
        say(f"moto (for the SSM parameters) at {services['moto']}")
    engine = local_engine(cli, services, plugin)
    try:
        for stack in STACKS:
            if stack.host not in hosts:
                say(f"no {stack.host} here (`make engine` builds it): the {stack.name} is skipped")
                continue
            up_stack(engine, stack, services, with_aws=plugin is not None)
    except Stopped as stopped:
        return stopped.code
    say(f"done. The servers are still running ({', '.join(servers.urls(services))}).")
    say("`make down` destroys the stacks and stops them.")
    return 0


def up_stack(engine: EngineEnvironment, stack: LocalStack, services: dict, with_aws: bool):
    where = stack.folder.relative_to(PROJECT_DIR).as_posix()
    say(f"the {stack.name} ({where}/)")
    config = config_copy(stack, fresh=True)
    typed(engine, stack, "stack", "select", "--create", STACK)
    for args in overrides(stack, services, with_aws):
        typed(engine, stack, "config", "set", "--config-file", config, *args)
    typed(engine, stack, "up", "--yes", "--config-file", config)
    typed(engine, stack, "stack", "output", "--json")


def overrides(stack: LocalStack, services: dict, with_aws: bool) -> Iterator[tuple[str, ...]]:
    """What differs here from the committed stack file: moto's port, or status-only."""
    if with_aws and stack.status_only_key:
        yield ("--path", "aws:endpoints[0].ssm", services["moto"])
    elif stack.status_only_key:
        yield (stack.status_only_key, "false")


def typed(engine: EngineEnvironment, stack: LocalStack, *args: str) -> None:
    """`pulumi <args>` in the stack's folder, shown first; Stopped when it fails."""
    print(f"$ pulumi {shlex.join(args)}", flush=True)
    ran = run([str(engine.cli.path), *args], stack.folder, engine.environ())
    if ran.code == 0:
        return
    ended = f"`pulumi {args[0]}` of the {stack.name} ended with exit {ran.code}"
    # A Ctrl-C reaches this process only where the CLI does not read the terminal itself (its
    # interactive display reads the key); either way the CLI says above how the update ended.
    say(f"interrupted: {ended}" if ran.interrupts else f"{ended}: the CLI says why above")
    if args[0] in ("up", "destroy", "refresh"):
        left = stranded(engine, stack)
        say(f"the {stack.name} stack is left {left}: `make unlock` clears it" if left else
            "nothing is left locked or pending: the next `make up` starts afresh")  # fmt: skip
    raise Stopped(INTERRUPTED if ran.interrupts else 1)


def stranded(engine: EngineEnvironment, stack: LocalStack) -> str:
    """'locked', 'with operations pending', both, or '' (asked of the CLI, quietly)."""
    found = []
    project = _project(stack)
    locks = STATE_DIR / ".pulumi" / "locks" / "organization" / project / STACK
    if locks.is_dir() and any(locks.iterdir()):
        found.append("locked")
    exported = engine.pulumi("stack", "export", "--stack", STACK, cwd=stack.folder, timeout=60)
    if exported.returncode == 0 and json.loads(exported.stdout)["deployment"].get(
        "pending_operations"
    ):
        found.append("with operations pending")
    return " and ".join(found)


def down(destroy: bool = True) -> int:
    cli = find_engine(build_now=False)
    services = servers.running(RUN_DIR)
    failed = []
    if destroy and cli and STATE_DIR.exists():
        engine = local_engine(cli, services or {}, aws_plugin_dir())
        for stack in reversed(STACKS):
            if not has_local_stack(engine, stack):
                continue
            try:
                typed(engine, stack, "destroy", "--yes", "--stack", STACK,
                      "--config-file", config_copy(stack))  # fmt: skip
            except Stopped:
                failed.append(stack.name)
    if servers.stop(RUN_DIR):
        say("stopped the local servers")
    if failed:
        say(
            f"could not destroy the {', '.join(failed)} stack: it is still deployed (the CLI "
            "says why above; a stack left locked by a stopped update: `make unlock`, then "
            "`make down` again)"
        )
        return 1
    return 0


def unlock() -> int:
    """Clear what a hard-stopped update left: the lock, then the pending operations."""
    cli = find_engine(build_now=False)
    if cli is None or not STATE_DIR.exists():
        say("no local state: nothing to unlock")
        return 0
    engine = local_engine(cli, servers.running(RUN_DIR) or {}, aws_plugin_dir())
    try:
        for stack in STACKS:
            if not has_local_stack(engine, stack):
                continue
            left = stranded(engine, stack)
            if "locked" in left:
                typed(engine, stack, "cancel", "--yes", "--stack", STACK)
            if "pending" in left:
                typed(engine, stack, "refresh", "--yes", "--clear-pending-creates",
                      "--stack", STACK, "--config-file", config_copy(stack))  # fmt: skip
            say(f"the {stack.name} stack: {'cleared' if left else 'nothing to clear'}")
    except Stopped as stopped:
        return stopped.code
    return 0


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


def config_copy(stack: LocalStack, fresh: bool = False) -> str:
    """The stack's config file for `--config-file`, as typed in its folder: a copy of the
    committed stack file in .local-run/ (made afresh by each `up`; `pulumi config set
    --config-file` edits the copy, and the committed file stays as it is)."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    target = RUN_DIR / f"{stack.name.replace(' ', '-').lower()}.Pulumi.{STACK}.yaml"
    if fresh or not target.exists():
        shutil.copy(stack.folder / f"Pulumi.{STACK}.yaml", target)
    inside = target.resolve().is_relative_to(PROJECT_DIR)
    return os.path.relpath(target, stack.folder) if inside else str(target)


def _project(stack: LocalStack) -> str:
    import yaml

    return yaml.safe_load((stack.folder / "Pulumi.yaml").read_text())["name"]


def main(argv: list[str]) -> int:
    commands = {"up": up, "down": down, "unlock": unlock}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m harness.local up|down|unlock", file=sys.stderr)
        return 2
    try:
        return commands[argv[0]]()
    except KeyboardInterrupt:  # a Ctrl-C between two commands: nothing of the CLI's runs
        say("interrupted")
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
