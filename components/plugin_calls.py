"""Where the provider plugin's blocking calls run: each gate's wait (Create, Update) on a thread
of its own, and the read-once calls (the function, Read) on threads apart, so that every gate of
a stack waits at once, no read-once call queues behind a gate, and the server's event loop stays
free for Check, Diff and Cancel.

`asyncio.to_thread` ran them all on the loop's default executor, min(32, CPUs + 4) threads: 6
on 2 cores, so the seventh gate (and any function after it) queued until a wait ended. The
SDK's server itself (`grpc.aio`, no `maximum_concurrent_rpcs`) caps nothing.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

GATES_AT_ONCE = 256
"""Gate waits (Create, Update) of one plugin process running at once, a thread each, started
as calls come and kept for the next. A call beyond them waits for a free thread; its deadline
then counts from when it starts."""
READS_AT_ONCE = 64
"""Read-once calls (the function, Read) at once: threads of their own, never a gate's."""


class PluginCalls:
    """The plugin's two executors: one for gate waits, one for read-once calls."""

    def __init__(self, gates: int = GATES_AT_ONCE, reads: int = READS_AT_ONCE) -> None:
        self._gates = ThreadPoolExecutor(gates, thread_name_prefix="bulk-publish-gate-wait")
        self._reads = ThreadPoolExecutor(reads, thread_name_prefix="bulk-publish-gate-read")

    async def wait(self, step: Callable[..., T], *args: Any) -> T:
        """Run a gate's wait on a thread of its own (up to GATES_AT_ONCE at once)."""
        return await _off_loop(self._gates, step, *args)

    async def read(self, step: Callable[..., T], *args: Any) -> T:
        """Run a read-once call on the read-once threads (never behind a gate)."""
        return await _off_loop(self._reads, step, *args)


async def _off_loop(executor: ThreadPoolExecutor, step: Callable[..., T], *args: Any) -> T:
    """As `asyncio.to_thread`, on `executor`: the caller's context variables go along."""
    call = functools.partial(contextvars.copy_context().run, step, *args)
    return await asyncio.get_running_loop().run_in_executor(executor, call)
