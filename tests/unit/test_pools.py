"""Many pools: the aggregate verdict and status (pure tables), the shared throttle on a fake
clock, the bounded concurrency of reads, and the one progress line for many pools."""

from __future__ import annotations

import threading
import time

import pytest

from components.cognito_sync import BulkPublishDetails
from components.errors import ThrottledError, TransientError
from components.pools import SharedClient, SharedThrottle
from components.progress import PoolsSummary
from components.verdict import Reason, Verdict, aggregate, aggregate_status
from components.waiting import Progress

OPEN = Verdict(True, None, None, True)


def closed(reason: Reason, exportable: bool = True) -> Verdict:
    return Verdict(False, reason, f"closed: {reason.value}", exportable)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["SUCCEEDED", "SUCCEEDED"], "SUCCEEDED"),
        (["SUCCEEDED", "IN_PROGRESS"], "IN_PROGRESS"),
        (["NOT_STARTED", "SUCCEEDED"], "NOT_STARTED"),
        (["IN_PROGRESS", "NOT_STARTED"], "IN_PROGRESS"),
        (["IN_PROGRESS", "FAILED", "SUCCEEDED"], "FAILED"),
    ],
)
def test_the_top_level_status_is_the_least_settled_by_precedence(statuses, expected):
    assert aggregate_status(statuses) == expected


@pytest.mark.parametrize(
    ("verdicts", "open_", "reason"),
    [
        ({"a": OPEN, "b": OPEN}, True, "open"),
        ({"a": OPEN, "b": closed(Reason.STALE)}, False, "stale"),
        ({"a": closed(Reason.STALE), "b": closed(Reason.IN_PROGRESS)}, False, "in_progress"),
        ({"a": closed(Reason.IN_PROGRESS), "b": closed(Reason.FAILED)}, False, "failed"),
        ({"a": closed(Reason.FAILED), "b": closed(Reason.READS_FAILING, False)}, False, None),
    ],
)
def test_the_gate_opens_only_when_every_pool_is_open(verdicts, open_, reason):
    judged = aggregate(verdicts)
    assert judged.open is open_
    if reason is not None:
        assert judged.gate_reason == reason
    else:
        assert judged.reason is Reason.READS_FAILING
        assert judged.exportable is False


def test_a_closed_aggregate_names_each_pool_that_is_not_open_with_its_reason():
    judged = aggregate({"p1": OPEN, "p2": closed(Reason.FAILED), "p3": closed(Reason.STALE)})
    assert judged.message.startswith("2 of 3 identity pools are not open")
    assert "p2 (failed): closed: failed" in judged.message
    assert "p3 (stale): closed: stale" in judged.message
    assert "p1" not in judged.message


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_throttled_read_makes_every_pool_wait_and_the_pause_grows_then_resets():
    fake = FakeClock()
    throttle = SharedThrottle(fake.clock, fake.sleep, random=lambda: 1.0)
    throttle.before_read()
    assert fake.slept == []
    throttle.after_read(ThrottledError("slow down"))
    throttle.before_read()  # any pool's next read
    throttle.after_read(ThrottledError("slow down"))
    throttle.before_read()
    assert fake.slept == [0.5, 1.0]
    throttle.after_read(TransientError("a 500 is not throttling"))
    throttle.after_read(None)
    throttle.after_read(ThrottledError("slow down"))
    throttle.before_read()
    assert fake.slept == [0.5, 1.0, 0.5]


class SlowClient:
    """Counts the reads in flight at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0

    def get_bulk_publish_details(self, pool: str) -> BulkPublishDetails:
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(0.02)
        with self.lock:
            self.in_flight -= 1
        return BulkPublishDetails(pool, "SUCCEEDED")


@pytest.mark.parametrize("slots", [1, 3])
def test_reads_in_flight_never_exceed_max_concurrency(slots):
    client = SlowClient()
    shared = SharedClient(client, threading.Semaphore(slots), SharedThrottle())
    threads = [
        threading.Thread(target=shared.get_bulk_publish_details, args=(f"p{i}",)) for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.peak == slots


def step(elapsed: float, status: str | None) -> Progress:
    details = BulkPublishDetails("p", status) if status else None
    return Progress(elapsed, 1, details, None, 1.0)


def test_many_pools_print_one_summary_line_on_each_change_of_the_counts():
    lines: list[str] = []
    summary = PoolsSummary(("a", "b", "c"), lines.append, heartbeat_seconds=30)
    a, b, c = (summary.tracker(p) for p in "abc")
    a(step(0.0, None))  # the first call starts the heartbeat quietly
    a(step(1.0, "IN_PROGRESS"))
    b(step(1.0, "IN_PROGRESS"))
    c(step(1.0, "SUCCEEDED"))
    c(step(2.0, "SUCCEEDED"))  # nothing changed: no line
    a(step(3.0, "SUCCEEDED"))
    assert lines == [
        "bulk-publish-gate: 3 pools: 1 IN_PROGRESS, 2 no answer yet (waiting 1.0s)",
        "bulk-publish-gate: 3 pools: 2 IN_PROGRESS, 1 no answer yet (waiting 1.0s)",
        "bulk-publish-gate: 3 pools: 2 IN_PROGRESS, 1 SUCCEEDED (waiting 1.0s)",
        "bulk-publish-gate: 3 pools: 1 IN_PROGRESS, 2 SUCCEEDED (waiting 3.0s)",
    ]
    assert a(step(40.0, "SUCCEEDED")) == 30  # the heartbeat came due: a line, and 30 s again
    assert len(lines) == 5
