"""Cognito Sync state and rules: identity pools, their configuration and bulk publish jobs."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from emulator.auth import Credential
from emulator.clock import Clock
from emulator.errors import (
    AlreadyStreamedException,
    DuplicateRequestException,
    InvalidParameterException,
    ResourceNotFoundException,
    SerializationException,
)
from emulator.seed import PoolSpec, Script, Seed, parse_pool
from emulator.shapes import (
    BulkPublishDetails,
    CognitoStreams,
    PoolConfiguration,
    PushSync,
    ShapeViolation,
    check_pool_id,
    parse_cognito_streams,
    parse_push_sync,
)
from emulator.traffic import Fault, Traffic

OPERATIONS = (
    "GetBulkPublishDetails",
    "BulkPublish",
    "GetIdentityPoolConfiguration",
    "SetIdentityPoolConfiguration",
)
#: One successful bulk publish per 24 hours.
STREAM_COOLDOWN_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PoolSnapshot:
    """Everything about a pool, for the control API (reading it counts as no poll)."""

    configuration: PoolConfiguration
    """The pool's configuration."""
    script: Script
    """The script its bulk publishes follow."""
    details: BulkPublishDetails
    """Its last bulk publish."""


@dataclass
class BulkPublishJob:
    """One bulk publish. Like moto's managed state it advances through its transitions
    (IN_PROGRESS, then the scripted outcome) only when it is looked at."""

    started_at: float
    script: Script
    status: str = "IN_PROGRESS"
    completed_at: float | None = None
    failure_message: str | None = None
    reads: int = 0

    def advance(self, now: float, is_read: bool) -> None:
        """Apply the transitions due at `now`; a GetBulkPublishDetails read passes is_read."""
        if self.status != "IN_PROGRESS":
            return
        if self.script.in_progress_reads is None:
            end = self.started_at + (self.script.in_progress_seconds or 0.0)
            if now >= end:
                self.finish(end, self.script.outcome, self.script.failure_message)
        elif is_read:
            if self.reads >= self.script.in_progress_reads:
                self.finish(now, self.script.outcome, self.script.failure_message)
            else:
                self.reads += 1

    def finish(self, at: float, outcome: str, message: str | None) -> None:
        """End the job with `outcome` at epoch second `at`."""
        self.status, self.completed_at = outcome, at
        self.failure_message = message if outcome == "FAILED" else None


@dataclass
class Pool:
    """An identity pool's mutable state."""

    identity_pool_id: str
    script: Script
    push_sync: PushSync | None = None
    cognito_streams: CognitoStreams | None = None
    job: BulkPublishJob | None = None

    def details(self) -> BulkPublishDetails:
        """The last bulk publish as GetBulkPublishDetails shows it (no transition applied)."""
        job = self.job
        if job is None:
            return BulkPublishDetails(self.identity_pool_id, "NOT_STARTED")
        succeeded = job.status == "SUCCEEDED"
        return BulkPublishDetails(
            self.identity_pool_id,
            job.status,
            start_time=job.started_at,
            complete_time=job.completed_at if succeeded else None,
            failure_message=job.failure_message if job.status == "FAILED" else None,
        )

    def configuration(self) -> PoolConfiguration:
        """The pool's current configuration."""
        return PoolConfiguration(self.identity_pool_id, self.push_sync, self.cognito_streams)


class Backend:
    """All emulator state behind one lock; every public method is safe to call from threads."""

    def __init__(self, seed: Seed, clock: Clock) -> None:
        self.clock = clock
        self.credentials: dict[str, Credential] = {c.access_key_id: c for c in seed.credentials}
        """The access keys requests may be signed with, by access key id (fixed by the seed)."""
        self.traffic = Traffic(OPERATIONS, clock.now)
        """Faults, call counters and the request log."""
        self._seed = seed
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Back to the seed (pools re-created at the current clock time); faults, counters and
        the request log are cleared."""
        with self._lock:
            self._pools: dict[str, Pool] = {}
            for spec in self._seed.pools:
                self._add_pool(spec)
        self.traffic.reset()

    # -- pools (seed schema) ---------------------------------------------------------------
    def put_pool(self, spec: dict[str, Any]) -> PoolSnapshot:
        """Create or replace a pool from a seed pool entry; raise SeedError if it is invalid."""
        parsed = parse_pool(spec)
        with self._lock:
            self._add_pool(parsed)
            return self.describe_pool(parsed.identity_pool_id)

    def delete_pool(self, pool_id: str) -> None:
        """Forget a pool; raise KeyError if there is none."""
        with self._lock:
            del self._pools[pool_id]

    def describe_pool(self, pool_id: str) -> PoolSnapshot:
        """Everything about one pool; raise KeyError if there is none. Counts as no read."""
        with self._lock:
            pool = self._pools[pool_id]
            if pool.job is not None:
                pool.job.advance(self.clock.now(), is_read=False)
            return PoolSnapshot(pool.configuration(), pool.script, pool.details())

    def describe_pools(self) -> list[PoolSnapshot]:
        """Every pool, in insertion order."""
        with self._lock:
            return [self.describe_pool(pool_id) for pool_id in self._pools]

    def _add_pool(self, spec: PoolSpec) -> None:
        pool = Pool(spec.identity_pool_id, spec.script, spec.push_sync, spec.cognito_streams)
        now = self.clock.now()
        if spec.state == "IN_PROGRESS":
            pool.job = BulkPublishJob(now, spec.script)
        elif spec.state in ("SUCCEEDED", "FAILED"):
            completed = now - spec.completed_seconds_ago
            started = completed - (spec.script.in_progress_seconds or 0.0)
            pool.job = BulkPublishJob(started, spec.script)
            message = spec.failure_message or spec.script.failure_message or "Bulk publish failed"
            pool.job.finish(completed, spec.state, message)
        self._pools[spec.identity_pool_id] = pool

    # -- the service's operations ------------------------------------------------------------
    def get_bulk_publish_details(self, pool_id: str) -> BulkPublishDetails:
        """GetBulkPublishDetails: the last bulk publish; this read advances reads-based jobs."""
        with self._lock:
            pool = self._pool(pool_id)
            if pool.job is not None:
                pool.job.advance(self.clock.now(), is_read=True)
            return pool.details()

    def bulk_publish(self, pool_id: str) -> str:
        """BulkPublish: start a bulk publish following the pool's script; return the pool id."""
        with self._lock:
            pool = self._pool(pool_id)
            now = self.clock.now()
            job = pool.job
            if job is not None:
                job.advance(now, is_read=False)
                if job.status == "IN_PROGRESS":
                    raise DuplicateRequestException(
                        f"A bulk publish is already in progress for identity pool {pool_id}"
                    )
                if job.status == "SUCCEEDED" and now - job.completed_at < STREAM_COOLDOWN_SECONDS:
                    raise AlreadyStreamedException(
                        f"Identity pool {pool_id} was already bulk published in the last 24 "
                        "hours; one successful bulk publish is allowed per 24 hours"
                    )
            streams = pool.cognito_streams
            if streams is None or streams.stream_name is None:
                raise InvalidParameterException(
                    f"No Cognito stream is configured for identity pool {pool_id}: set "
                    "CognitoStreams with SetIdentityPoolConfiguration first"
                )
            pool.job = BulkPublishJob(now, pool.script)
            if streams.streaming_status == "DISABLED":
                pool.job.finish(
                    now,
                    "FAILED",
                    "Bulk publish failed: streaming is disabled "
                    f"(StreamingStatus is DISABLED) for stream {streams.stream_name}",
                )
            return pool_id

    def get_configuration(self, pool_id: str) -> PoolConfiguration:
        """GetIdentityPoolConfiguration."""
        with self._lock:
            return self._pool(pool_id).configuration()

    def set_configuration(
        self, pool_id: str, push_sync: Any = None, cognito_streams: Any = None
    ) -> PoolConfiguration:
        """SetIdentityPoolConfiguration: validate the model-named members and replace those
        given; return the resulting configuration."""
        try:
            push = None if push_sync is None else parse_push_sync(push_sync)
            streams = None if cognito_streams is None else parse_cognito_streams(cognito_streams)
        except ShapeViolation as exc:
            error = SerializationException if exc.wrong_type else InvalidParameterException
            raise error(exc.api_message()) from None
        with self._lock:
            pool = self._pool(pool_id)
            if push is not None:
                pool.push_sync = push
            if streams is not None:
                pool.cognito_streams = streams
            return pool.configuration()

    def _pool(self, pool_id: str) -> Pool:
        try:
            check_pool_id(pool_id)
        except ShapeViolation as exc:
            raise InvalidParameterException(exc.api_message()) from None
        pool = self._pools.get(pool_id)
        if pool is None:
            raise ResourceNotFoundException(f"IdentityPool '{pool_id}' not found.")
        return pool

    # -- faults, counters, request log ------------------------------------------------------
    # The in-process API for tests; the server and control API use `traffic` directly.
    def inject_fault(
        self,
        kind: str,
        operation: str = "*",
        count: int | None = None,
        latency_seconds: float = 0.0,
    ) -> Fault:
        """Make the next `count` requests to `operation` (`*`: any) get the fault `kind`;
        count None: until cleared. Raise ValueError naming a bad argument."""
        return self.traffic.inject_fault(kind, operation, count, latency_seconds)

    def clear_faults(self) -> int:
        """Remove every fault; return how many there were."""
        return self.traffic.clear_faults()

    def call_count(self, operation: str) -> int:
        """How many requests were routed to `operation`, faulted ones included."""
        return self.traffic.calls().get(operation, 0)

    def calls(self) -> dict[str, int]:
        """Every operation's call count."""
        return self.traffic.calls()

    def request_log(self) -> list[dict[str, Any]]:
        """The request log, oldest first."""
        return self.traffic.request_log()
