"""One gate on many pools: the one wait runs for every pool at once, inside one provider call,
under one deadline, with the reads in flight bounded and throttling shared across the pools;
the pools' verdicts are aggregated by the one verdict module.

Why one resource: the engine's provider process has four worker threads, so separate gates
wait in groups of four and stall every other dynamic resource's Check and Diff behind them.
"""

from __future__ import annotations

import random as _random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from . import gate
from .cognito_sync import ClientSettings, CognitoSync, region_of_pool
from .errors import BulkPublishGateError, GateClosedError, ReadsFailedError, TransientError
from .inputs import GateInputs
from .progress import PoolsSummary, format_duration, iso_utc
from .text import bounded_message
from .verdict import Verdict, aggregate, aggregate_status

THROTTLE_BASE_SECONDS = 0.5
THROTTLE_CAP_SECONDS = 30.0


class SharedThrottle:
    """When the API throttles one pool's read, every pool's next read waits: a pause that
    doubles (with equal jitter) with each throttled read in a row, and resets on success."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._clock, self._sleep, self._random = clock, sleep, random
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._streak = 0

    def before_read(self) -> None:
        """Wait out the current pause, if any (this runs on the read's bounded thread)."""
        with self._lock:
            pause = self._resume_at - self._clock()
        if pause > 0:
            self._sleep(pause)

    def after_read(self, error: BaseException | None) -> None:
        with self._lock:
            if error is None:
                self._streak = 0
            elif isinstance(error, TransientError) and error.throttled:
                base = min(THROTTLE_CAP_SECONDS, THROTTLE_BASE_SECONDS * 2 ** min(self._streak, 16))
                self._streak += 1
                pause = base / 2 + self._random() * base / 2
                self._resume_at = max(self._resume_at, self._clock() + pause)


class SharedClient:
    """One region's client for every pool thread (boto3 clients are thread-safe; sessions are
    not, and none is shared): at most `slots` calls in flight, and the shared throttle."""

    def __init__(self, client: CognitoSync, slots: threading.Semaphore, throttle: SharedThrottle):
        self._client, self._slots, self._throttle = client, slots, throttle

    def get_bulk_publish_details(self, identity_pool_id: str):
        self._throttle.before_read()
        with self._slots:
            try:
                answer = self._client.get_bulk_publish_details(identity_pool_id)
            except BaseException as error:
                self._throttle.after_read(error)
                raise
        self._throttle.after_read(None)
        return answer

    def bulk_publish(self, identity_pool_id: str):
        with self._slots:
            return self._client.bulk_publish(identity_pool_id)

    def __enter__(self) -> SharedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        """The real client outlives each pool's wait; `observe_pools` closes it."""


@dataclass(frozen=True)
class PoolsObservation:
    """What one gate run on several pools saw."""

    inputs: GateInputs
    observations: dict[str, gate.Observation]
    """Each pool's own observation, in the order given."""
    verdict: Verdict
    """The aggregate: open only when every pool is open."""


def pool_inputs(inputs: GateInputs, pool: str) -> GateInputs:
    """One pool's inputs: the gate's settings, and the pool's own region (its id's prefix)
    unless bulk-publish-gate:region names one for all."""
    region = inputs.region or region_of_pool(pool)
    return replace(inputs, identity_pool_id=pool, identity_pool_ids=(), region=region)


def observe_pools(
    inputs: GateInputs,
    aws: gate.AwsDefaults,
    *,
    allow_start: bool = False,
    client_factory: Callable[[ClientSettings], Any] = CognitoSync,
    write: Callable[[str], None] | None = None,
    throttle: SharedThrottle | None = None,
    **wait_options: Any,
) -> PoolsObservation:
    """Every pool's wait at once (one thread each, mostly asleep), the reads bounded by
    `max_concurrency`; a pool whose read raises (no such pool, no access) fails the run after
    the others have finished, naming each such pool."""
    pools = {pool: pool_inputs(inputs, pool) for pool in inputs.pools}
    summary = PoolsSummary(inputs.pools, write)
    slots, throttle = threading.Semaphore(inputs.max_concurrency), throttle or SharedThrottle()
    clients: dict[ClientSettings, Any] = {}
    for each in pools.values():
        settings = gate.client_settings(each, aws)
        if settings not in clients:
            clients[settings] = client_factory(settings)
    shared = {key: SharedClient(client, slots, throttle) for key, client in clients.items()}

    def observe_one(pool: str) -> gate.Observation:
        return gate.observe(
            pools[pool],
            aws,
            allow_start=allow_start,
            client_factory=lambda settings: shared[settings],
            reporter=summary.tracker(pool),
            **wait_options,
        )

    try:
        with ThreadPoolExecutor(len(pools), thread_name_prefix="bulk-publish-gate-pool") as run:
            futures = {pool: run.submit(observe_one, pool) for pool in pools}
        failures = {pool: f.exception() for pool, f in futures.items() if f.exception()}
    finally:
        for client in clients.values():
            client.close()
    if failures:
        raise _failed(failures, len(pools))
    observations = {pool: futures[pool].result() for pool in pools}
    judged = aggregate({pool: gate.verdict(o) for pool, o in observations.items()})
    summary.write(_summary(observations, judged))
    return PoolsObservation(inputs, observations, judged)


def outputs(observed: PoolsObservation) -> dict[str, Any]:
    """The resource's properties: the inputs, a `pools` map of each pool's own outputs, and
    top-level outputs that aggregate them (see README: several pools)."""
    each = {pool: gate.outputs(o) for pool, o in observed.observations.items()}
    statuses = [o["bulk_publish_status"] for o in each.values()]
    starts = [o["bulk_publish_start_time"] for o in each.values() if o["bulk_publish_start_time"]]
    completes = [o["bulk_publish_complete_time"] for o in each.values()]
    failed = [f"{pool}: {o['failure_message']}" for pool, o in each.items() if o["failure_message"]]
    everyone_done = all(completes) and all(s == "SUCCEEDED" for s in statuses)
    computed = {
        "identity_pool_id": ",".join(each),
        "bulk_publish_status": aggregate_status(statuses),
        "bulk_publish_start_time": min(starts) if starts else None,
        "bulk_publish_complete_time": max(completes) if everyone_done else None,
        "failure_message": "; ".join(failed) or None,
        "gate_open": observed.verdict.open,
        "gate_reason": observed.verdict.gate_reason,
        "checked_at": min(o["checked_at"] for o in each.values()),
        "pools": {pool: _pool_entry(o) for pool, o in each.items()},
    }
    return {**observed.inputs.as_props(), **computed}


POOL_OUTPUT_KEYS = {
    "status": "bulk_publish_status",
    "startTime": "bulk_publish_start_time",
    "completeTime": "bulk_publish_complete_time",
    "failureMessage": "failure_message",
    "gateOpen": "gate_open",
    "gateReason": "gate_reason",
    "checkedAt": "checked_at",
}
"""What the `pools` output holds for each pool (short names: state grows with every pool), and
the property behind each; a None value is left out, as top-level outputs are."""


def _pool_entry(each: dict[str, Any]) -> dict[str, Any]:
    picked = {name: each[prop] for name, prop in POOL_OUTPUT_KEYS.items()}
    return {name: value for name, value in picked.items() if value is not None}


def enforce(observed: PoolsObservation) -> None:
    """As `gate.enforce`, for the aggregate: no fresh status anywhere fails both modes."""
    judged = observed.verdict
    if not judged.exportable:
        raise ReadsFailedError(judged.message)
    if not judged.open and observed.inputs.mode == "gate":
        raise GateClosedError(judged.message)


def _failed(failures: dict[str, BaseException], total: int) -> BaseException:
    ours = {p: e for p, e in failures.items() if isinstance(e, BulkPublishGateError)}
    if len(ours) < len(failures):  # a bug, not a verdict: let its traceback speak
        return next(e for e in failures.values() if not isinstance(e, BulkPublishGateError))
    lines = "\n".join(f"  - {pool}: {type(e).__name__}: {e}" for pool, e in ours.items())
    kind = type(next(iter(ours.values()))) if len({type(e) for e in ours.values()}) == 1 else None
    message = bounded_message(f"{len(ours)} of {total} identity pools could not be read:\n{lines}")
    return (kind or BulkPublishGateError)(message)


def _summary(observations: dict[str, gate.Observation], judged: Verdict) -> str:
    opened = sum(gate.verdict(o).open for o in observations.values())
    longest = max(o.result.elapsed for o in observations.values())
    reads = sum(o.result.reads for o in observations.values())
    outcome = "gate open" if judged.open else f"gate closed ({judged.gate_reason})"
    checked = min(iso_utc(o.checked_at) for o in observations.values())
    return (
        f"bulk-publish-gate: {len(observations)} pools: {opened} open after "
        f"{format_duration(longest)} and {reads} read(s), oldest read {checked}: {outcome}"
    )
