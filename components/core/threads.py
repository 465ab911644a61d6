"""The real runner of a run's calls: up to `size` worker threads, started as calls need them,
their outcomes handed back through one queue. A call abandoned at a run's hard bound keeps its
thread until botocore returns; such threads are counted process-wide (`stranded`)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

_stranded = 0
_stranded_lock = threading.Lock()


def stranded() -> int:
    """Abandoned calls of this process that have not returned yet."""
    return _stranded


def _strand(count: int) -> None:
    global _stranded
    with _stranded_lock:
        _stranded += count


_WAKE = object()


class Threads:
    """The real runner: up to `size` worker threads, started as calls need them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._done: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._running: set[int] = set()
        self._abandoned: set[int] = set()
        self._lock = threading.Lock()

    def start(self, token: int, call: Callable[[], Any]) -> None:
        with self._lock:
            spawn = self._idle == 0 and len(self._threads) < self.size
            self._idle -= 0 if spawn else 1
        if spawn:
            worker = threading.Thread(target=self._work, name="bulk-publish-gate-call", daemon=True)
            self._threads.append(worker)
            worker.start()
        self._jobs.put((token, call))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            token, call = job
            with self._lock:
                self._running.add(token)
            try:
                outcome = (token, call(), None)
            except BaseException as error:  # handed to the loop, which re-raises bugs
                outcome = (token, None, error)
            with self._lock:
                self._running.discard(token)
                late = token in self._abandoned
                self._abandoned.discard(token)
                self._idle += 1
            if late:
                _strand(-1)
            self._done.put(outcome)

    def wait(self, timeout: float) -> list[tuple[int, Any, BaseException | None]]:
        try:
            first = self._done.get(timeout=timeout) if timeout > 0 else self._done.get_nowait()
        except queue.Empty:
            return []
        items = [first]
        while True:
            try:
                items.append(self._done.get_nowait())
            except queue.Empty:
                break
        return [item for item in items if item is not _WAKE]

    def wake(self) -> None:
        self._done.put(_WAKE)

    def close(self, abandoned: Sequence[int] = ()) -> None:
        with self._lock:
            still = set(abandoned) & self._running
            self._abandoned.update(still)
        _strand(len(still))
        for _ in self._threads:
            self._jobs.put(None)
