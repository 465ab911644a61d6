"""`make up` / `make down`: the `local` stack and its consumer through the real Pulumi engine.

up: find the engine (`pulumi` on PATH, else the project's pinned build, built now when Go is
here), start the Cognito Sync emulator (and moto, where the pulumi-aws plugin is installed) on
free ports, `pulumi up` the producer (the gate waits, then opens), print its outputs, then
`pulumi up` the consumer stack that reads them. Without the pulumi-aws plugin both stacks run
status-only, without their SSM parameters. With no engine and no Go: one line on how to install
one, and exit 1. down: destroy both stacks and stop the servers.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from .engine import (
    Cli,
    EngineEnvironment,
    EngineUnavailable,
    build,
    built_cli,
    clean_environ,
    emulator_aws,
)
from .paths import PROJECT_DIR

RUN_DIR = PROJECT_DIR / ".local-run"
SERVICES = RUN_DIR / "services.json"
STATE_DIR = PROJECT_DIR / ".pulumi-state"
CONSUMER_DIR = PROJECT_DIR / "examples" / "consumer"
STACK = "local"
PASSPHRASE = "bulk-publish-gate-local-demo"  # noqa: S105
"""Protects nothing real: the local stack holds no secret. Documented in the README."""
INSTALL_HINT = (
    "no Pulumi engine here: no `pulumi` on PATH and no Go to build the project's pinned one "
    "(install Go 1.26+ and run `make engine`, or install the CLI: "
    "https://www.pulumi.com/docs/install/)"
)
STATUS_ONLY = {
    PROJECT_DIR: "bulk-publish-gate:publishCompletionParameter",
    CONSUMER_DIR: "bulk-publish-gate-consumer:publishReadyParameter",
}
"""The key that leaves out each stack's AWS resource where the pulumi-aws plugin is missing."""


def aws_plugin_dir() -> Path | None:
    """Where a pulumi-resource-aws plugin is: on PATH, else in ~/.pulumi/plugins; None here."""
    on_path = shutil.which("pulumi-resource-aws")
    if on_path:
        return Path(on_path).parent
    plugins = Path(os.path.expanduser("~/.pulumi/plugins"))
    found = sorted(plugins.glob("resource-aws-v*/pulumi-resource-aws"))
    return found[-1].parent if found else None


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def find_engine() -> Cli | None:
    """`pulumi` on PATH, else the project's build (made or brought up to date when Go is here)."""
    on_path = shutil.which("pulumi")
    if on_path:
        return Cli(Path(on_path), "PATH")
    if shutil.which("go"):
        if built_cli() is None:
            say("no pulumi on PATH: building the pinned engine (the first build takes minutes)")
        try:
            return build(log=say)
        except EngineUnavailable as error:
            say(f"the engine build failed: {error}")
    return built_cli()


def up() -> int:
    cli = find_engine()
    if cli is None:
        print(INSTALL_HINT, flush=True)
        return 1
    down(destroy=False)
    plugin = aws_plugin_dir()
    say(f"engine: pulumi {cli.version()} ({'on PATH' if cli.origin == 'PATH' else cli.path})")
    if plugin is None:
        say(
            "pulumi-aws plugin not found (it cannot be built here): both stacks run "
            "status-only, without their SSM parameters"
        )
    services = start_services(with_moto=plugin is not None)
    engine = local_engine(cli, services, plugin)
    with engine.applied():
        for name, project_dir in (("producer", PROJECT_DIR), ("consumer", CONSUMER_DIR)):
            where = project_dir.relative_to(PROJECT_DIR) or "."
            say(f"pulumi up --stack {STACK} ({name}: {where})")
            stack = engine.stack(STACK, project_dir)
            config = run_config(project_dir, services, plugin is not None)
            try:
                result = stack.up(on_output=print, config_file=str(config))
            except Exception as error:  # the CLI's own output above says why
                say(f"pulumi up failed for the {name} ({type(error).__name__}); `make down` stops")
                return 1
            exported = {key: value.value for key, value in result.outputs.items()}
            say(f"outputs of the {name}: {json.dumps(exported, indent=2, sort_keys=True)}")
    say(f"done. The servers are still running ({', '.join(urls(services))}).")
    say("`make down` destroys both stacks and stops them.")
    return 0


def down(destroy: bool = True) -> int:
    services = json.loads(SERVICES.read_text()) if SERVICES.exists() else None
    on_path = shutil.which("pulumi")
    cli = Cli(Path(on_path), "PATH") if on_path else built_cli()
    if destroy and services and cli and STATE_DIR.exists():
        plugin = aws_plugin_dir()
        engine = local_engine(cli, services, plugin)
        with engine.applied():
            for project_dir in (CONSUMER_DIR, PROJECT_DIR):
                config = run_config(project_dir, services, plugin is not None)
                stack = engine.stack(STACK, project_dir)
                with contextlib.suppress(Exception):  # a stack never created: nothing to do
                    stack.destroy(on_output=print, config_file=str(config))
    pids = (services or {}).get("pids", [])
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in pids:
        wait_gone(pid)
    SERVICES.unlink(missing_ok=True)
    if services:
        say("stopped the local servers")
    return 0


def local_engine(cli: Cli, services: dict, plugin: Path | None) -> EngineEnvironment:
    """State in .pulumi-state (kept for `make down`), PULUMI_HOME in .local-run, emulator keys."""
    return EngineEnvironment(
        cli=cli,
        home=RUN_DIR / "pulumi-home",
        backend=STATE_DIR,
        passphrase=PASSPHRASE,
        aws=emulator_aws(services["emulator"]),
        extra_path=(plugin,) if plugin else (),
    )


def urls(services: dict) -> list[str]:
    return [value for key, value in services.items() if key != "pids"]


def start_services(with_moto: bool) -> dict:
    """The emulator (and moto, for the SSM parameters) in their own sessions (Ctrl-C in this
    terminal leaves them be), logs in .local-run/, so they outlive this command until `make down`.
    They get none of the caller's AWS or Pulumi variables."""
    RUN_DIR.mkdir(exist_ok=True)
    emulator = [sys.executable, "-m", "emulator", "--seed", "examples/local-seed.json", "--port"]
    commands = {"emulator": emulator}
    if with_moto:
        commands["moto"] = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p"]
    found, pids = {}, []
    for name, command in commands.items():
        port = free_port()
        with (RUN_DIR / f"{name}.log").open("w") as log:
            process = subprocess.Popen(  # noqa: S603 - our interpreter, our modules
                [*command, str(port)],
                cwd=PROJECT_DIR,
                env=clean_environ(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        found[name] = f"http://127.0.0.1:{port}"
        pids.append(process.pid)
        health = "/_emulator/health" if name == "emulator" else "/moto-api/"
        wait_for(found[name] + health, process)
    services = {**found, "pids": pids}
    SERVICES.write_text(json.dumps(services))
    say(f"Cognito Sync emulator at {found['emulator']} (its demo pool publishes for a few seconds)")
    if with_moto:
        say(f"moto (for the SSM parameters) at {found['moto']}")
    return services


def run_config(project_dir: Path, services: dict, with_aws: bool) -> Path:
    """A copy of the stack's config file: the AWS provider's SSM endpoint set to moto, or the
    stack made status-only where there is no pulumi-aws plugin."""
    document = yaml.safe_load((project_dir / f"Pulumi.{STACK}.yaml").read_text())
    if with_aws:
        document["config"]["aws:endpoints"] = [{"ssm": services["moto"]}]
    else:
        document["config"][STATUS_ONLY[project_dir]] = False
    target = RUN_DIR / f"{project_dir.name}.Pulumi.{STACK}.yaml"
    target.write_text(yaml.safe_dump(document, sort_keys=False))
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited early; see .local-run/*.log")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own loopback server
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server for {url} did not answer within {timeout:g}s")


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """Until the process has exited (reaped if it is our child), or the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def main(argv: list[str]) -> int:
    commands = {"up": up, "down": down}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m harness.local up|down", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
