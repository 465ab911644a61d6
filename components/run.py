"""One gate run, on one pool or many: inputs -> one watch per pool -> the scheduler -> a `Run`
that carries each pool's verdict and the gate's, judged once; and `enforce`, what a run must
fail with. The single-pool gate, the multi-pool gate and the operator command all run here."""

from __future__ import annotations

import os
import random as _random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from .aws.clients import Clients
from .aws.settings import AwsDefaults, ClientSettings, client_settings
from .core.contract import WatchResult
from .core.errors import BulkPublishGateError, CancelledError, GateClosedError, ReadsFailedError
from .core.inputs import GateInputs
from .core.policy import WaitPolicy
from .core.progress import PoolsSummary, ProgressReporter
from .core.scheduler import READ_MARGIN_SECONDS, Runner, Stop, drive
from .core.text import bounded_message, format_duration, iso_utc
from .core.verdict import Verdict, aggregate, freshness_bound, judge
from .core.watch import Kind, Watch


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _default_client(settings: ClientSettings) -> Any:
    from .aws.client import CognitoSync  # boto3 only when a run calls AWS

    return CognitoSync(settings)


@dataclass(frozen=True)
class Io:
    """What a run does to the world, each part injectable (tests pass fakes)."""

    client: Callable[[ClientSettings], Any] = _default_client
    """Builds the client of one region and endpoint (get_bulk_publish_details, bulk_publish), on
    the worker thread of the first call that needs it, inside the run's deadline."""
    clock: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = _utc_now
    """The wall clock, UTC: checkedAt, the freshness bound, a job's age."""
    random: Callable[[], float] = _random.random
    runner: Callable[[int], Runner] | None = None
    """Builds the runner of the calls, given how many may be in flight (default: threads)."""
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)


@dataclass(frozen=True)
class PoolRun:
    """One pool of a run: what its wait saw and its verdict."""

    pool: str
    region: str
    result: WatchResult
    verdict: Verdict | None
    """None when there is no status (`result.error` says why)."""


@dataclass(frozen=True)
class Run:
    """A gate run: each pool's, and the gate's verdict (for one pool, that pool's)."""

    inputs: GateInputs
    pools: dict[str, PoolRun]
    verdict: Verdict | None
    """The aggregate; None when a pool has no status."""
    elapsed: float
    bound: datetime | None = None
    """The freshness bound at the time of the run (completedAfter, maxAgeSeconds)."""

    @property
    def failures(self) -> dict[str, BulkPublishGateError]:
        """The pools with no status, and why."""
        return {pool: each.result.error for pool, each in self.pools.items() if each.result.error}


def observe(
    inputs: GateInputs,
    aws: AwsDefaults,
    *,
    allow_start: bool = False,
    once: bool = False,
    write: Callable[[str], None] | None = None,
    stop: Stop | None = None,
    io: Io = Io(),
) -> Run:
    """Read every pool and wait while its status says so, all under one deadline; with
    `allow_start` (create and update, never preview or refresh) and startBulkPublish, a pool
    that is NOT_STARTED, FAILED or stale gets a BulkPublish, then is waited on. With `once`
    (refresh, `status`), each pool's first answer is its status: no status is waited on.
    The clock starts first: client setup counts inside the deadline."""
    began = io.clock()
    bound = freshness_bound(inputs.completed_after, inputs.max_age_seconds, io.now())
    policy = WaitPolicy(
        poll_interval_seconds=inputs.poll_interval_seconds,
        max_poll_interval_seconds=inputs.max_poll_interval_seconds,
        wait_for_start=inputs.wait_for_start,
        fresh_after=bound,
        start=allow_start and inputs.start_bulk_publish and not once,
        once=once,
    )
    settings = {pool: client_settings(inputs, aws, pool, io.environ) for pool in inputs.pools}
    watches = [
        Watch(pool, policy, label=_label(pool, settings[pool]), random=io.random, wall=io.now)
        for pool in inputs.pools
    ]
    clients = Clients(io.client)
    several = len(watches) > 1
    sink = (
        PoolsSummary(inputs.pools, write) if several else ProgressReporter(inputs.pools[0], write)
    )

    def call(watch: Watch, kind: Kind) -> Callable[[], Any]:
        wanted = settings[watch.pool]
        if kind is Kind.START:
            return lambda: clients.get(wanted).bulk_publish(watch.pool)
        return lambda: clients.get(wanted).get_bulk_publish_details(watch.pool)

    try:
        drive(
            watches, call, timeout=inputs.timeout_seconds, readers=inputs.max_concurrency,
            runner=io.runner(inputs.max_concurrency) if io.runner else None, clock=io.clock,
            random=io.random, on_progress=sink, stop=stop,
        )  # fmt: skip
    finally:
        clients.close()
    results = [_set_up(w.result(), settings[w.pool], clients, inputs) for w in watches]
    pools = {r.pool: _judged(r, settings[r.pool].region, inputs, bound) for r in results}
    judged = [each.verdict for each in pools.values()]
    verdict = None if None in judged else judged[0] if not several else aggregate(
        {pool: each.verdict for pool, each in pools.items()}
    )  # fmt: skip
    observed = Run(inputs, pools, verdict, io.clock() - began, bound)
    sink.write(summary(observed))
    return observed


def _label(pool: str, settings: ClientSettings) -> str:
    return f"GetBulkPublishDetails for identity pool {pool} in {settings.region}"


def _set_up(
    result: WatchResult, settings: ClientSettings, clients: Clients, inputs: GateInputs
) -> WatchResult:
    """A pool with no answer because its client was still being set up at the run's end says
    so (not that a call did not answer: none was made)."""
    if result.reads or not isinstance(result.error, ReadsFailedError):
        return result
    if not clients.unfinished(settings):
        return result
    return replace(
        result,
        error=ReadsFailedError(
            f"gave up after {format_duration(result.elapsed)} without one successful read of "
            f"{_label(result.pool, settings)}: setting up its client (boto3, the AWS profile "
            "and credentials) had not finished by the run's deadline, timeoutSeconds="
            f"{inputs.timeout_seconds}, plus its {READ_MARGIN_SECONDS:g}s margin; raise "
            "timeoutSeconds, or check what the AWS credentials come from (a credential_process "
            "or SSO login that does not answer)"
        ),
    )


def _judged(result: WatchResult, region: str, inputs: GateInputs, bound) -> PoolRun:
    if result.details is None or result.error is not None:
        return PoolRun(result.pool, region, result, None)
    judged = judge(result, region, inputs.timeout_seconds, bound)
    return PoolRun(result.pool, region, result, judged)


def enforce(observed: Run, fail_closed: bool = True) -> None:
    """Raise what the run must fail with: a pool with no status (both modes), no fresh status
    (both modes), or, with `fail_closed` (gate mode), a closed gate."""
    if failures := observed.failures:
        raise _failed(failures, len(observed.pools))
    judged = observed.verdict
    if not judged.exportable:
        raise ReadsFailedError(judged.message)
    if fail_closed and not judged.open:
        raise GateClosedError(judged.message)


def _failed(failures: dict[str, BulkPublishGateError], total: int) -> BulkPublishGateError:
    if total == 1:
        return next(iter(failures.values()))
    lines = "\n".join(f"  - {pool}: {type(e).__name__}: {e}" for pool, e in failures.items())
    kinds = {type(e) for e in failures.values()}
    kind = kinds.pop() if len(kinds) == 1 else BulkPublishGateError
    return kind(
        bounded_message(f"{len(failures)} of {total} identity pools could not be read:\n{lines}")
    )


def summary(observed: Run) -> str:
    """The run's last progress line: what it saw, after how long, and the verdict."""
    judged = observed.verdict
    if len(observed.pools) == 1:
        each = next(iter(observed.pools.values()))
        status = each.result.details.status if each.result.details else "no answer"
        late = " (timed out)" if each.result.timed_out else ""
        note = f" ({each.verdict.note})" if each.verdict and each.verdict.note else ""
        return (
            f"bulk-publish-gate: {each.pool}: {status}{late} after "
            f"{format_duration(each.result.elapsed)} and {each.result.reads} read(s){note}: "
            f"{_outcome(judged, observed.failures)}"
        )
    opened = sum(bool(each.verdict and each.verdict.open) for each in observed.pools.values())
    reads = sum(each.result.reads for each in observed.pools.values())
    checked = [each.result.checked_at for each in observed.pools.values() if each.result.checked_at]
    oldest = f", oldest read {iso_utc(min(checked))}" if checked else ""
    return (
        f"bulk-publish-gate: {len(observed.pools)} pools: {opened} open after "
        f"{format_duration(observed.elapsed)} and {reads} read(s){oldest}: "
        f"{_outcome(judged, observed.failures)}"
    )


def _outcome(judged: Verdict | None, failures: dict[str, BulkPublishGateError]) -> str:
    if failures and all(isinstance(e, CancelledError) for e in failures.values()):
        return "cancelled"
    if judged is None:
        return "error (no status)"
    if not judged.exportable:
        return "no fresh status"
    return "gate open" if judged.open else f"gate closed ({judged.gate_reason})"
