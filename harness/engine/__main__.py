"""`python -m harness.engine build|ensure|version`.

build: the pinned engine into .tools/bin (nothing to do when it is current). ensure: `pulumi`
on PATH if there is one, else build. version: which CLI the tests and `make up` would use."""

from __future__ import annotations

import sys

from .build import EngineUnavailable, build, ensure_cli, find_cli


def main(argv: list[str]) -> int:
    commands = {"build": build, "ensure": ensure_cli, "version": find_cli}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m harness.engine build|ensure|version", file=sys.stderr)
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
    return 0


sys.exit(main(sys.argv[1:]))
