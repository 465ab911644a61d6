"""`make up` / `make down` / `make unlock`: the `local` stacks through the real Pulumi engine, by
the `pulumi` commands a user types, each shown before it runs, its output to the terminal.

up: find the engine (`pulumi` on PATH, else the pinned build, made now when Go is here), start
the Cognito Sync emulator (and moto, where the pulumi-aws plugin is) on free ports, then in each
stack's folder (the producer, then the Python and the YAML consumer): `pulumi stack select
--create local`, `pulumi config set --config-file` for what differs here from the committed
stack file (into a copy in .local-run/), `pulumi up --yes`, `pulumi stack output --json`.
down: `pulumi destroy --yes` in each folder (consumers first), stop the servers; exit 1 naming
a stack not destroyed and why. Both first clear operations a hard-stopped update left pending
(not a lock: another run may hold it). unlock: clear the lock and pending operations a hard
stop left (a lock a live `pulumi` holds is left alone). Each takes the folder's run lock first
and refuses at once while another of the three runs; each makes its config copies afresh.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from tools.engine import (
    Cli,
    EngineEnvironment,
    EngineUnavailable,
    build,
    build_hosts,
    built_cli,
    find_hosts,
)
from tools.engine.hosts import aws_plugin_dir, on_path
from tools.engine.paths import PROJECT_DIR

from . import services as servers
from .local_stacks import (
    RUN_DIR,
    STACK,
    STACKS,
    STATE_DIR,
    LocalStack,
    after_stop,
    config_copy,
    has_local_stack,
    has_state,
    local_engine,
    lock_holder,
    stranded,
)
from .run_lock import Busy, held, refusal
from .terminal import run

INSTALL_HINT = (
    "no Pulumi engine here: no `pulumi` on PATH and no Go to build the project's pinned one "
    "(install Go 1.26+ and run `make engine`, or install the CLI: "
    "https://www.pulumi.com/docs/install/)"
)
INTERRUPTED = 130


class Stopped(Exception):
    """A command failed or was interrupted; `code` is what `make up` exits with, `error` the
    CLI's own `error:` line ('' when it wrote none), `advice` what was said of what is left."""

    def __init__(self, code: int, error: str = "", advice: str = "") -> None:
        super().__init__(code)
        self.code, self.error, self.advice = code, error, advice


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
    stop_servers(RUN_DIR, announce=False)
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
    config = config_copy(stack)
    typed(engine, stack, "stack", "select", "--create", STACK)
    clear_pending(engine, stack, config)
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
    advice = ""
    if args[0] in ("up", "destroy", "refresh"):
        advice = after_stop(stranded(engine, stack), stack, args[0])
        say(advice)
    raise Stopped(INTERRUPTED if ran.interrupts else 1, ran.error, advice)


def clear_pending(engine: EngineEnvironment, stack: LocalStack, config: str) -> None:
    """Operations a hard-stopped update left pending (two Ctrl-C), cleared as `make unlock`
    does, before this run's own command: with them, `pulumi up --yes` refuses to run. A locked
    stack is left as it is (another run may hold it): its command then fails, saying so."""
    if not has_state(stack):
        return  # a stack made just now: nothing can be pending
    if stranded(engine, stack) == "with operations pending":
        say(f"the {stack.name} stack has operations left pending by a stopped update: clearing")
        typed(engine, stack, "refresh", "--yes", "--clear-pending-creates",
              "--stack", STACK, "--config-file", config)  # fmt: skip


def down(destroy: bool = True) -> int:
    cli = find_engine(build_now=False)
    services = servers.running(RUN_DIR)
    failed: dict[str, Stopped] = {}
    if destroy and cli and STATE_DIR.exists():
        engine = local_engine(cli, services or {}, aws_plugin_dir())
        for stack in reversed(STACKS):
            if not has_local_stack(engine, stack):
                continue
            try:
                config = config_copy(stack)  # afresh: the stack file as it is now
                clear_pending(engine, stack, config)
                typed(engine, stack, "destroy", "--yes", "--stack", STACK,
                      "--config-file", config)  # fmt: skip
            except Stopped as stopped:
                failed[stack.name] = stopped
    stop_servers(RUN_DIR, announce=True)
    for name, stopped in failed.items():
        why = stopped.error or "the CLI says why above"
        say(f"could not destroy the {name} stack ({why}): {stopped.advice}")
    return 1 if failed else 0


def unlock() -> int:
    """Clear what a hard-stopped update left: the lock, then the pending operations."""
    cli = find_engine(build_now=False)
    if cli is None or not STATE_DIR.exists():
        say("no local state: nothing to unlock")
        return 0
    engine = local_engine(cli, servers.running(RUN_DIR) or {}, aws_plugin_dir())
    for stack in STACKS:
        if not has_local_stack(engine, stack):
            continue
        try:
            say(f"the {stack.name} stack: {unlock_stack(engine, stack)}")
        except Stopped as stopped:
            why = stopped.error or "the CLI says why above"
            say(f"could not clear the {stack.name} stack ({why})")
            return stopped.code
    return 0


def unlock_stack(engine: EngineEnvironment, stack: LocalStack) -> str:
    """Cancel the stack's lock unless a live `pulumi` holds it, then clear pending operations."""
    left = stranded(engine, stack)
    holder = lock_holder(stack) if "locked" in left else None
    if holder:
        return (
            f"locked by a `pulumi` still running here (pid {holder}): left as it is (its "
            "update goes on); `make unlock` again once it has ended"
        )
    if "locked" in left:
        typed(engine, stack, "cancel", "--yes", "--stack", STACK)
    if "pending" in left:
        typed(engine, stack, "refresh", "--yes", "--clear-pending-creates",
              "--stack", STACK, "--config-file", config_copy(stack))  # fmt: skip
    return "cleared" if left else "nothing to clear"


def stop_servers(run_dir: Path, announce: bool) -> None:
    """Stop the servers of the last `make up`; a stale record of them is dropped in one line."""
    stopped, stale = servers.stop(run_dir)
    if stale:
        pids = ", ".join(map(str, stale))
        say(
            f"dropped a stale record of the local servers (pid {pids}): not a server `make up` "
            "started any more (it ended; the pid may be another process's now), left alone"
        )
    if stopped and announce:
        say("stopped the local servers")


def main(argv: list[str]) -> int:
    commands = {"up": up, "down": down, "unlock": unlock}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m harness.local up|down|unlock", file=sys.stderr)
        return 2
    try:
        # One at a time in a folder: a second `make up` would stop the servers the first one's
        # gate is waiting on, and `make down`/`make unlock` would destroy or cancel its update.
        with held(RUN_DIR, argv[0]):
            return commands[argv[0]]()
    except Busy as busy:
        say(refusal(busy, argv[0]))
        return 1
    except KeyboardInterrupt:  # a Ctrl-C between two commands: nothing of the CLI's runs
        say("interrupted")
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
