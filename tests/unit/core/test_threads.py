"""The bounded runner: answers and errors come back, no more threads than its size, a call
left behind is counted until it ends, and a wake ends a wait."""

from __future__ import annotations

import threading

from components.core.contract import BulkPublishDetails
from components.core.errors import (
    TransientError,
)
from components.core.threads import Threads, stranded
from tests.unit.fakes import POOL

THROTTLED = TransientError("throttled")


def test_threads_give_the_answer_or_the_error():
    answer = BulkPublishDetails(POOL, "SUCCEEDED")
    threads = Threads(2)

    def fail() -> BulkPublishDetails:
        raise THROTTLED

    threads.start(1, lambda: answer)
    threads.start(2, fail)
    got: dict[int, tuple] = {}
    while len(got) < 2:
        got.update((token, (value, error)) for token, value, error in threads.wait(10))
    assert got[1] == (answer, None)
    assert got[2] == (None, THROTTLED)
    threads.close()


def test_threads_never_exceed_their_size_and_a_call_left_behind_is_counted_until_it_ends():
    release, entered = threading.Event(), threading.Semaphore(0)
    threads = Threads(2)

    def stuck() -> str:
        entered.release()
        release.wait(60)
        return "late"

    for token in range(1, 4):
        threads.start(token, stuck)
    assert entered.acquire(timeout=10) and entered.acquire(timeout=10)
    assert len(threads._threads) == 2 and threads._running == {1, 2}  # the third one waits
    assert threads.wait(0.01) == []  # the loop can stop waiting for them
    before = stranded()  # (other tests' calls may still be finishing: count from here)
    threads.close(abandoned=(1, 2, 3))
    assert stranded() == before + 2  # the two running; the third never started
    release.set()
    for _ in range(500):
        if stranded() <= before:
            break
        threading.Event().wait(0.01)
    assert stranded() <= before


def test_wake_ends_a_wait_at_once():
    threads = Threads(1)
    threads.wake()
    assert threads.wait(60) == []
    threads.close()
