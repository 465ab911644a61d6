"""Benchmark: the size of the gate's entry in the stack's state for 1, 10 and 100 pools, split
into what our code controls and the engine's own metadata."""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

from components import BulkPublishGateArgs, BulkPublishGateResource
from emulator import Emulator
from tools.engine import find_cli

from .support import bench_pool_id, engine_session, method, row, succeeded_pool

SIZES = (1, 10, 100)
OURS = ("inputs", "outputs", "propertyDependencies")
ENGINE_METADATA = ("stackTrace", "sourcePosition")
GATE_TYPE = "pulumi-python:dynamic/cognito-sync:BulkPublishGate"
ONE_POOL_TARGET, PER_POOL_TARGET = 1536, 400


def bench_state() -> None:
    method(
        "one stack per size through the real engine, SUCCEEDED pools (1: identity_pool_id; "
        "10, 100: identity_pool_ids), `up`, then len(json.dumps(...)) of the gate's entry in "
        "export_stack().deployment['resources']; ours = inputs + outputs + propertyDependencies "
        "(inputs include the SDK's __provider blob)"
    )
    cli = find_cli()
    if cli is None:
        row("state: real engine", "n/a: no pulumi on PATH and none built (`make engine`)")
        return
    entries = {}
    with (
        tempfile.TemporaryDirectory() as scratch,
        Emulator() as emulator,
        engine_session(cli, Path(scratch), emulator) as session,
    ):
        for count in SIZES:
            ids = [bench_pool_id(2, index) for index in range(count)]
            for each in ids:
                emulator.backend.put_pool(succeeded_pool(each))
            pools = {"identity_pool_id": ids[0]} if count == 1 else {"identity_pool_ids": ids}

            def program(pools=pools) -> None:
                BulkPublishGateResource("gate", BulkPublishGateArgs(**pools))

            stack = session.stack(f"state-{count}", program)
            stack.up()
            entries[count] = gate_entry(stack)
    row("state: bytes for N pools: whole / ours / engine metadata", "")
    ours = {}
    for count, entry in entries.items():
        whole, ours[count], metadata = entry_sizes(entry)
        row(f"  {count}", f"{whole} / {ours[count]} / {metadata}")
    one = ours[1]
    row(
        f"state: ours for one pool (target < {ONE_POOL_TARGET})",
        f"{one} bytes: {'met' if one < ONE_POOL_TARGET else 'NOT met'}",
    )
    for low, high in itertools.pairwise(SIZES):
        per_pool = (ours[high] - ours[low]) / (high - low)
        verdict = "met" if per_pool <= PER_POOL_TARGET else "NOT met"
        row(
            f"state: ours per further pool, {low}->{high} (target <={PER_POOL_TARGET})",
            f"{per_pool:.0f} bytes: {verdict}",
        )
    whole_one = _size(entries[1])
    row(
        f"state: whole entry, one pool (target < {ONE_POOL_TARGET})",
        f"{whole_one} bytes: {'met' if whole_one < ONE_POOL_TARGET else 'NOT met'}",
    )


def gate_entry(stack) -> dict:
    """The one gate resource's entry in the stack's exported state."""
    resources = stack.export_stack().deployment["resources"]
    [entry] = [r for r in resources if r["type"] == GATE_TYPE]
    return entry


def entry_sizes(entry: dict) -> tuple[int, int, int]:
    """Bytes of the entry as JSON: the whole, ours (OURS) and the engine's (ENGINE_METADATA)."""
    ours = _size({key: entry[key] for key in OURS if key in entry})
    metadata = _size({key: entry[key] for key in ENGINE_METADATA if key in entry})
    return _size(entry), ours, metadata


def _size(value) -> int:
    return len(json.dumps(value))
