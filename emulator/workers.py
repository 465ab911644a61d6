"""A bounded pool of daemon worker threads, started only as work arrives."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

Job = Callable[[], None]


class Workers:
    """At most `limit` daemon threads take jobs from one queue, in order. Daemon threads (not
    `ThreadPoolExecutor`'s) so that an emulator never stopped cannot hold up interpreter exit;
    a job must handle its own errors."""

    def __init__(self, limit: int, name: str) -> None:
        self._limit, self._name = limit, name
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._lock = threading.Lock()
        self._started = 0
        self._stopped = False

    def submit(self, job: Job) -> None:
        """Run `job` on an idle worker, a new one while under the limit, or the next free."""
        self._jobs.put(job)
        if self._idle.acquire(blocking=False):
            return
        with self._lock:
            if self._stopped or self._started >= self._limit:
                return
            self._started += 1
            number = self._started
        threading.Thread(target=self._work, name=f"{self._name}-{number}", daemon=True).start()

    def stop(self) -> None:
        """Let every worker end once the jobs already queued are done (it does not wait)."""
        with self._lock:
            self._stopped, started = True, self._started
        for _ in range(started):
            self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            self._idle.release()
