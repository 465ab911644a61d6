"""A run as the resource's properties, in one place: for one pool its own outputs; for several,
top-level outputs that aggregate them and a `pools` map of each pool's own (README: "Several
pools in one gate"). Plain wire-safe types only (ISO strings, never datetimes)."""

from __future__ import annotations

from typing import Any

from .core.contract import POOL_OUTPUTS, STACK_OUTPUTS
from .core.inputs import GateInputs
from .core.text import iso_utc
from .core.verdict import aggregate_status
from .run import PoolRun, Run

FAILURE_MESSAGES_SHOWN = 3
"""Several pools: the top-level failureMessage quotes this many pools' own; `pools` has all."""


def pool_properties(each: PoolRun) -> dict[str, Any]:
    """One pool's outputs by property name; every value None but the pool id and gateOpen when
    there is no status."""
    details, judged = each.result.details, each.verdict
    props = dict.fromkeys(STACK_OUTPUTS.values())
    props.update(identity_pool_id=each.pool, gate_open=False)
    if details is None or judged is None:
        return props
    failed = details.status == "FAILED"
    props.update(
        bulk_publish_status=details.status,
        bulk_publish_start_time=iso_utc(details.start_time),
        bulk_publish_complete_time=iso_utc(details.complete_time),
        failure_message=details.failure_message if failed else None,
        gate_open=judged.open,
        gate_reason=judged.gate_reason if judged.exportable else None,
        checked_at=iso_utc(each.result.checked_at),
    )
    return props


def properties(observed: Run, inputs: GateInputs | None = None) -> dict[str, Any]:
    """All properties of the resource: its inputs (the run's, unless given: refresh runs with
    other settings than the resource's), then the outputs."""
    each = {pool: pool_properties(run) for pool, run in observed.pools.items()}
    computed = next(iter(each.values())) if len(each) == 1 else _aggregate(each, observed)
    return {**(inputs or observed.inputs).as_props(), **computed}


def _aggregate(each: dict[str, dict[str, Any]], observed: Run) -> dict[str, Any]:
    statuses = [props["bulk_publish_status"] for props in each.values()]
    starts = [p["bulk_publish_start_time"] for p in each.values() if p["bulk_publish_start_time"]]
    completes = [props["bulk_publish_complete_time"] for props in each.values()]
    failed = [f"{pool}: {p['failure_message']}" for pool, p in each.items() if p["failure_message"]]
    shown = "; ".join(failed[:FAILURE_MESSAGES_SHOWN])
    more = len(failed) - FAILURE_MESSAGES_SHOWN
    if more > 0:
        shown += f"; and {more} more pool(s) FAILED (see the pools output)"
    all_done = all(completes) and all(status == "SUCCEEDED" for status in statuses)
    return {
        "identity_pool_id": ",".join(each),
        "bulk_publish_status": aggregate_status(statuses),
        "bulk_publish_start_time": min(starts) if starts else None,
        "bulk_publish_complete_time": max(completes) if all_done else None,
        "failure_message": shown or None,
        "gate_open": observed.verdict.open,
        "gate_reason": observed.verdict.gate_reason,
        "checked_at": min(props["checked_at"] for props in each.values()),
        "pools": {pool: _record(props) for pool, props in each.items()},
    }


def _record(props: dict[str, Any]) -> dict[str, Any]:
    """One pool's entry of `pools`: short names (state grows with every pool), no None."""
    picked = {output.pool_key: props[output.prop] for output in POOL_OUTPUTS}
    return {key: value for key, value in picked.items() if value is not None}
