"""A run as the resource's properties: one pool's own outputs, and for several pools the
aggregate and the `pools` map, with the aggregate's failure message bounded."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from components.core.contract import POOL_OUTPUTS, STACK_OUTPUTS, BulkPublishDetails, WatchResult
from components.core.inputs import GateInputs
from components.core.verdict import aggregate, judge
from components.properties import FAILURE_MESSAGES_SHOWN, properties
from components.run import PoolRun, Run

START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def pool_run(pool: str, status: str, minutes: int = 0, message: str | None = None) -> PoolRun:
    start = START + timedelta(minutes=minutes)
    complete = start + timedelta(minutes=5) if status == "SUCCEEDED" else None
    details = BulkPublishDetails(pool, status, start, complete, message)
    result = WatchResult(pool, details, False, 1.0, 1, checked_at=START + timedelta(hours=1))
    return PoolRun(pool, "us-east-1", result, judge(result, "us-east-1", 60))


def run_of(*pools: PoolRun) -> Run:
    ids = tuple(each.pool for each in pools)
    inputs = GateInputs(ids[0]) if len(ids) == 1 else GateInputs(identity_pool_ids=ids)
    verdicts = {each.pool: each.verdict for each in pools}
    verdict = pools[0].verdict if len(pools) == 1 else aggregate(verdicts)
    return Run(inputs, {each.pool: each for each in pools}, verdict, 1.0)


def pool_id(index: int) -> str:
    return f"us-east-1:0a000000-0000-4000-8000-{index:012x}"


def test_one_pool_has_every_output_and_no_pools_map():
    props = properties(run_of(pool_run(pool_id(1), "SUCCEEDED")))
    assert set(STACK_OUTPUTS.values()) <= set(props)
    assert props["pools"] is None
    assert (props["bulk_publish_status"], props["gate_open"], props["gate_reason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    assert props["bulk_publish_complete_time"] == "2026-11-23T12:05:00Z"
    assert props["checked_at"] == "2026-11-23T13:00:00Z"


def test_several_pools_aggregate_by_the_stated_precedence():
    runs = [
        pool_run(pool_id(1), "SUCCEEDED", minutes=3),
        pool_run(pool_id(2), "IN_PROGRESS", minutes=1),
        pool_run(pool_id(3), "FAILED", minutes=2, message="denied"),
    ]
    props = properties(run_of(*runs))
    assert props["identity_pool_id"] == ",".join(pool_id(i) for i in (1, 2, 3))
    assert (props["bulk_publish_status"], props["gate_open"], props["gate_reason"]) == (
        "FAILED",
        False,
        "failed",
    )
    assert props["bulk_publish_start_time"] == "2026-11-23T12:01:00Z"  # the earliest
    assert props["bulk_publish_complete_time"] is None  # not all SUCCEEDED
    assert props["failure_message"] == f"{pool_id(3)}: denied"
    record = props["pools"][pool_id(3)]
    assert set(record) <= {output.pool_key for output in POOL_OUTPUTS}
    assert (record["status"], record["gateReason"], record["failureMessage"]) == (
        "FAILED",
        "failed",
        "denied",
    )
    assert "failureMessage" not in props["pools"][pool_id(1)]  # no None in a record


@pytest.mark.parametrize("count", [FAILURE_MESSAGES_SHOWN + 1, 200])
def test_the_aggregate_failure_message_is_bounded_and_each_pool_keeps_its_own(count):
    message = "x" * 1000
    runs = [pool_run(pool_id(i), "FAILED", message=message) for i in range(count)]
    props = properties(run_of(*runs))
    aggregate_message = props["failure_message"]
    shown = FAILURE_MESSAGES_SHOWN
    assert aggregate_message.count(message) == shown
    assert aggregate_message.endswith(f"; and {count - shown} more pool(s) FAILED (see the pools "
                                      "output)")  # fmt: skip
    assert len(aggregate_message) < (len(pool_id(0)) + 2 + len(message) + 2) * shown + 80
    assert all(props["pools"][pool_id(i)]["failureMessage"] == message for i in range(count))
    # The stack output stays the same size whatever the number of pools (it was 215 KB at 200).
    assert len(json.dumps(props["failure_message"])) < 3 * 1024 + 200
