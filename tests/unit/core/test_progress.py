"""Progress lines of one pool: a line on each status change and a throttled heartbeat, and when
the reporter wants the next call."""

from __future__ import annotations

from datetime import UTC, datetime

from components.core.contract import BulkPublishDetails
from components.core.errors import TransientError
from components.core.progress import ProgressReporter
from components.core.watch import Progress

POOL = "us-east-1:0f5b6a1e"


STARTED = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def step(elapsed: float, status: str | None = "IN_PROGRESS", error=None) -> Progress:
    details = BulkPublishDetails(POOL, status, start_time=STARTED) if status else None
    return Progress(POOL, elapsed, 1, details, error, next_delay=5)


def test_lines_on_status_change_and_every_30_seconds_while_unchanged():
    lines: list[str] = []
    reporter = ProgressReporter(POOL, lines.append)
    for elapsed in (0, 5, 10, 29, 30, 45, 59.9, 60):
        reporter(step(elapsed))
    reporter(step(61, error=TransientError("throttled")))
    reporter(step(62, error=TransientError("throttled")))
    reporter(step(63, status="NOT_STARTED"))
    assert len(lines) == 5
    assert lines[0] == (
        f"bulk-publish-gate: {POOL}: IN_PROGRESS (waiting 0.0s, bulk publish started "
        "2026-11-23T12:00:00Z); next read in 5.0s"
    )
    assert "waiting 30s" in lines[1]
    assert "waiting 1m00s" in lines[2]
    assert "read failed after 1m01s (throttled); retrying" in lines[3]
    assert "NOT_STARTED" in lines[4]


def test_the_reporter_says_when_it_wants_the_next_call():
    lines: list[str] = []
    reporter = ProgressReporter(POOL, lines.append)
    assert reporter(Progress(POOL, 0, 0, None, None, 0.0, in_flight=0.0)) == 30  # quiet start
    assert lines == []
    assert reporter(Progress(POOL, 12, 0, None, None, 0.0, in_flight=12)) == 30
    assert lines == [
        f"bulk-publish-gate: {POOL}: still waiting for an answer after 12s (waiting 12s; "
        "last status: no answer yet)"
    ]
    assert reporter(Progress(POOL, 20, 0, None, None, 0.0, in_flight=20)) == 22
    assert len(lines) == 1
