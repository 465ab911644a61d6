"""`python -m emulator`: run the Cognito Sync emulator until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from emulator.seed import SeedError
from emulator.server import Emulator

DEFAULT_PORT = 4599


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535")
    return port


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; `--help` documents every flag."""
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Serve a local Amazon Cognito Sync endpoint (GetBulkPublishDetails, "
        "BulkPublish, Get/SetIdentityPoolConfiguration) with SigV4 checks and a control API "
        "under /_emulator/. The first line of stdout is the endpoint URL.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="port to listen on; 0 picks a free port (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        metavar="FILE",
        help="JSON seed file with credentials and identity pools "
        "(default: the default credentials and no pools)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request to stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM (exit 0); a bad seed or a taken port is one line, exit 2."""
    args = parse_args(argv)
    try:
        emulator = Emulator(
            seed=args.seed,
            host=args.host,
            port=args.port,
            log_stream=None if args.quiet else sys.stderr,
        )
    except SeedError as exc:
        print(f"emulator: invalid seed: {exc}", file=sys.stderr)
        return 2
    try:
        emulator.start()
    except OSError as exc:
        print(
            f"emulator: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(emulator.url, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
