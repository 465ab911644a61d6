"""`python -m components COMMAND POOL...`: the operator command (see `components.cli`).

A signal before the command is ready (while Python imports it) ends it quietly with the usual
code; once it runs, `cli.main` handles SIGINT and SIGTERM itself."""

import os
import signal
import sys


def _early(number: int, _frame: object) -> None:
    print("bulk-publish-gate: interrupted before it started; nothing was called", file=sys.stderr)
    os._exit(128 + number)


if __name__ == "__main__":
    for _number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_number, _early)
    from .cli import main

    sys.exit(main())
