"""A provider process never outlives its engine: one watch per process on the Pulumi engine
that started it, which stops every run of the process (`STOP`) and ends the process as soon as
the engine is gone.

The engine starts the dynamic-provider process (`python -m pulumi.dynamic <engine address>`,
through a shell shim) in a process group of its own, so a Ctrl-C that kills the CLI does not
reach it, and the SDK's server has no watch of its own: it would wait out the gate's deadline,
then idle forever. The engine is gone when this process's parent changes or the engine's
address refuses connections twice in a row. (The SDK's `Cancel` is a no-op for dynamic
providers: nothing short of patching the SDK reaches a dynamic provider's wait through it.)
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence

from .core.progress import write_stderr
from .core.scheduler import Stop

STOP = Stop()
"""What every run of this process is subscribed to: set when the engine is gone (or, in a provider
plugin, when the engine sends Cancel)."""
CHECK_SECONDS = 0.5
"""How often the engine is looked at."""
_started = threading.Lock()


def in_dynamic_provider(argv: Sequence[str] = sys.argv) -> bool:
    """This process is the SDK's dynamic-provider server (`python -m pulumi.dynamic`)."""
    return bool(argv) and argv[0].endswith(os.path.join("pulumi", "dynamic", "__main__.py"))


def engine_address(argv: Sequence[str]) -> tuple[str, int] | None:
    """(host, port) of the engine from the server's arguments; None when there is none (port 0:
    a harness that is not an engine)."""
    for arg in reversed(argv[1:]):
        host, _, port = arg.rpartition(":")
        if host and port.isdigit() and int(port) > 0:
            return host.strip("[]"), int(port)
    return None


def start(
    argv: Sequence[str] = sys.argv,
    *,
    every: float = CHECK_SECONDS,
    end: Callable[[int], None] = os._exit,
) -> bool:
    """Start the engine watch once per process; False when it was running already."""
    if not _started.acquire(blocking=False):
        return False
    parent, address = os.getppid(), engine_address(argv)
    threading.Thread(
        target=_loop, args=(parent, address, every, end), name="bulk-publish-gate-lifeline",
        daemon=True,
    ).start()  # fmt: skip
    return True


def _loop(parent: int, address, every: float, end: Callable[[int], None]) -> None:
    refused = 0
    while True:
        time.sleep(every)
        if os.getppid() != parent:
            why = "its process ended"
        elif address is not None and not _answers(address):
            refused += 1
            if refused < 2:
                continue
            why = f"{address[0]}:{address[1]} stopped answering"
        else:
            refused = 0
            continue
        reason = f"the Pulumi engine is gone ({why})"
        STOP.set(reason)
        write_stderr(f"bulk-publish-gate: {reason}: stopping")  # (never raises)
        end(1)
        return


def _answers(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2.0):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:  # a slow or unreachable moment is not a refusal: look again
        return True
