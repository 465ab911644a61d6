"""`make up` / `make down`: the `local` stack through the real Pulumi CLI, on this machine.

up: start the Cognito Sync emulator and a moto server on free ports, `pulumi up` the producer
(the gate waits, then opens, then the SSM parameter appears), print its outputs, then `pulumi up`
the consumer stack that reads them. Without the CLI: one line on how to install it, then the
offline demo. down: destroy both stacks and stop the servers.
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

from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY

from . import demo
from .provider_server import PROJECT_DIR

RUN_DIR = PROJECT_DIR / ".local-run"
SERVICES = RUN_DIR / "services.json"
STATE_DIR = PROJECT_DIR / ".pulumi-state"
CONSUMER_DIR = PROJECT_DIR / "examples" / "consumer"
STACK = "local"
PASSPHRASE = "bulk-publish-gate-local-demo"  # noqa: S105
"""Protects nothing real: the local stack holds no secret. Documented in the README."""
INSTALL_HINT = (
    "pulumi CLI not found: install it with `curl -fsSL https://get.pulumi.com | sh` "
    "(https://www.pulumi.com/docs/install/) to run this through the Pulumi engine; "
    "running the offline demo instead."
)


def say(text: str) -> None:
    print(f"==> {text}", flush=True)


def up() -> int:
    if shutil.which("pulumi") is None:
        print(INSTALL_HINT, flush=True)
        return demo.main()
    down(destroy=False)
    services = start_services()
    env = cli_env(services)
    for project_dir in (PROJECT_DIR, CONSUMER_DIR):
        name = "consumer" if project_dir == CONSUMER_DIR else "producer"
        say(f"pulumi up --stack {STACK} ({name}: {project_dir.relative_to(PROJECT_DIR) or '.'})")
        pulumi(
            env,
            project_dir,
            "stack",
            "select",
            "--create",
            STACK,
            "--secrets-provider",
            "passphrase",
        )
        code = on_stack(env, project_dir, services["moto"], "up")
        if code != 0:
            say(f"pulumi up failed for the {name} (exit {code}); `make down` stops the servers")
            return code
        say(f"outputs of the {name}:")
        pulumi(env, project_dir, "stack", "output", "--stack", STACK, "--json")
    say(f"done. Emulator and moto still running ({services['emulator']}, {services['moto']}).")
    say("`make down` destroys both stacks and stops them.")
    return 0


def down(destroy: bool = True) -> int:
    services = json.loads(SERVICES.read_text()) if SERVICES.exists() else None
    if destroy and services and shutil.which("pulumi") and STATE_DIR.exists():
        env = cli_env(services)
        for project_dir in (CONSUMER_DIR, PROJECT_DIR):
            on_stack(env, project_dir, services["moto"], "destroy")
    pids = (services or {}).get("pids", [])
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in pids:
        wait_gone(pid)
    SERVICES.unlink(missing_ok=True)
    if services:
        say("stopped the emulator and moto")
    return 0


def start_services() -> dict:
    """Both servers in their own sessions (Ctrl-C in this terminal leaves them be), logs in
    .local-run/, so they outlive this command until `make down`."""
    RUN_DIR.mkdir(exist_ok=True)
    commands = {
        "emulator": [
            sys.executable,
            "-m",
            "emulator",
            "--seed",
            "examples/local-seed.json",
            "--port",
        ],
        "moto": [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p"],
    }
    urls, pids = {}, []
    for name, command in commands.items():
        port = free_port()
        with (RUN_DIR / f"{name}.log").open("w") as log:
            process = subprocess.Popen(  # noqa: S603 - our interpreter, our modules
                [*command, str(port)],
                cwd=PROJECT_DIR,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        urls[name] = f"http://127.0.0.1:{port}"
        pids.append(process.pid)
        health = "/_emulator/health" if name == "emulator" else "/moto-api/"
        wait_for(urls[name] + health, process)
    services = {**urls, "pids": pids}
    SERVICES.write_text(json.dumps(services))
    say(f"Cognito Sync emulator at {urls['emulator']} (its demo pool publishes for a few seconds)")
    say(f"moto (for the SSM parameters) at {urls['moto']}")
    return services


def on_stack(env: dict[str, str], project_dir: Path, moto_url: str, verb: str) -> int:
    """`pulumi <verb> --yes` on the local stack, with its config pointed at moto."""
    config = run_config(project_dir, moto_url)
    args = (verb, "--yes", "--stack", STACK, "--config-file", str(config))
    return pulumi(env, project_dir, *args, check=False)


def run_config(project_dir: Path, moto_url: str) -> Path:
    """A copy of the stack's config file with the AWS provider's SSM endpoint set to moto."""
    document = yaml.safe_load((project_dir / f"Pulumi.{STACK}.yaml").read_text())
    document["config"]["aws:endpoints"] = [{"ssm": moto_url}]
    target = RUN_DIR / f"{project_dir.name}.Pulumi.{STACK}.yaml"
    target.write_text(yaml.safe_dump(document, sort_keys=False))
    return target


def cli_env(services: dict) -> dict[str, str]:
    return {
        **os.environ,
        "PULUMI_BACKEND_URL": STATE_DIR.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET_ACCESS_KEY,
        "AWS_ENDPOINT_URL_COGNITO_SYNC": services["emulator"],
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def pulumi(env: dict[str, str], cwd: Path, *args: str, check: bool = True) -> int:
    STATE_DIR.mkdir(exist_ok=True)
    code = subprocess.call(["pulumi", *args], cwd=cwd, env=env)  # noqa: S603, S607
    if check and code != 0:
        raise SystemExit(f"pulumi {' '.join(args)} failed with exit code {code}")
    return code


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
