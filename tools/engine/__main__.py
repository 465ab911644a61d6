"""`python -m tools.engine build|ensure|version|sdk`.

build: the pinned CLI, language hosts and SDK generator into .tools/bin (nothing to do when they
are current). ensure: `pulumi` on PATH if there is one, else build (the hosts and the generator
too, when Go is here). version: which CLI and language hosts the tests and `make up` would use.
sdk: the plugin's SDKs written into sdk/ (`make sdk`)."""

from __future__ import annotations

import shutil
import sys

from .build import build, ensure_cli, find_cli
from .gotool import EngineUnavailable
from .hosts import build_hosts, find_hosts
from .sdkgen import install_sdkgen, write_sdks


def _build():
    cli = build()
    build_hosts()
    install_sdkgen()
    return cli


def _ensure():
    cli = ensure_cli()
    if shutil.which("go"):
        build_hosts()
        install_sdkgen()
    return cli


def _sdk() -> int:
    try:
        write_sdks()
    except EngineUnavailable as error:
        print(f"sdk: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    commands = {"build": _build, "ensure": _ensure, "version": find_cli}
    if argv == ["sdk"]:
        return _sdk()
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m tools.engine build|ensure|version|sdk", file=sys.stderr)
        return 2
    try:
        cli = commands[argv[0]]()
    except EngineUnavailable as error:
        print(f"engine: {error}", file=sys.stderr)
        return 1
    if cli is None:
        print("engine: no pulumi CLI on PATH and none built (run `make engine`)", file=sys.stderr)
        return 1
    print(f"engine: {cli.path} ({cli.origin}) {cli.version()}")
    for host in find_hosts():
        print(f"engine: {host.name} {host.path} ({host.origin}) {host.version}")
    return 0


sys.exit(main(sys.argv[1:]))
