"""The dynamic resource: its type token, its arguments and its typed, seeded outputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .core.contract import OUTPUTS
from .core.inputs import SPECS
from .provider import BulkPublishGateProvider


@dataclass
class BulkPublishGateArgs:
    """Arguments of a gate; each may be an Output. The fields are those of the inputs table
    (`components.core.inputs.GateInputs`), with the same names, defaults (None where the table's is
    empty: unset) and docs; tests/unit/test_resource.py holds them there."""

    identity_pool_id: pulumi.Input[str] | None = None
    """The identity pool to watch, such as us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f;
    required, unless several pools are given instead."""
    identity_pool_ids: pulumi.Input[Sequence[str]] | None = None
    """Several identity pools watched at once by one gate, instead of one pool: each in the
    region its id names (unless a region is set); the gate opens only when every pool is
    open."""
    max_concurrency: pulumi.Input[int] = 8
    """With several pools, the most calls in flight at once; throttling slows them all."""
    mode: str = "gate"
    """How the gate acts on the status: gate fails the deployment unless it is SUCCEEDED and
    fresh; observe never fails, it only exports the status. Plain, not an Output: it decides the
    shape of the program (see `BulkPublishGate.when_open`)."""
    timeout_seconds: pulumi.Input[int] = 1800
    """The longest to wait while a bulk publish is IN_PROGRESS, in whole seconds (0: read once);
    failed reads are retried within it."""
    poll_interval_seconds: pulumi.Input[float] = 5.0
    """The first delay between reads, in seconds (a plain decimal such as 5 or 0.5); the backoff
    doubles it, with jitter."""
    max_poll_interval_seconds: pulumi.Input[float] = 30.0
    """The cap of the delay between reads, in seconds; at least the first delay."""
    wait_for_start: pulumi.Input[bool] = False
    """Wait while the status is NOT_STARTED (or stale) too, for a bulk publish another pipeline
    is about to start."""
    region: pulumi.Input[str] | None = None
    """The region to call for every pool (default: with one pool, aws:region where set; else the
    region each pool id starts with); a region name even with another endpoint."""
    endpoint_url: pulumi.Input[str] | None = None
    """A Cognito Sync endpoint to call instead of AWS's (default: AWS_ENDPOINT_URL_COGNITO_SYNC,
    else AWS)."""
    completed_after: pulumi.Input[str] | None = None
    """Freshness: a SUCCEEDED that completed before this ISO-8601 UTC instant (such as
    2026-11-23T12:00:00Z) is stale; not in the future."""
    max_age_seconds: pulumi.Input[int] = 0
    """Freshness: a SUCCEEDED that completed more than this many seconds before the read is
    stale (0: no bound); with an instant bound too, the later one wins."""
    start_bulk_publish: pulumi.Input[bool] = False
    """In create and update only (never preview or refresh), start a bulk publish when the pool
    is NOT_STARTED, FAILED or stale, then wait for it; needs cognito-sync:BulkPublish."""

    def as_props(self) -> dict[str, pulumi.Input]:
        """The arguments as resource properties (the inputs table's fields), with every output
        seeded so that it exists."""
        inputs = {name: getattr(self, name) for name in SPECS}
        seeds = {output.prop: None for output in OUTPUTS if output.prop not in inputs}
        return {**seeds, **inputs}


class BulkPublishGateResource(
    pulumi.dynamic.Resource, module="cognito-sync", name="BulkPublishGate"
):
    """Reads the last bulk publish of a pool during `pulumi up`, waits while IN_PROGRESS and,
    in gate mode, fails unless SUCCEEDED.

    Type token: `pulumi-python:dynamic/cognito-sync:BulkPublishGate`. Its outputs are those of
    `contract.OUTPUTS` (and an input, timeout_seconds), with the table's docs; a test holds them.
    """

    identity_pool_id: pulumi.Output[str]
    """The pool (several: the pools joined with `,`)."""
    bulk_publish_status: pulumi.Output[str]
    """NOT_STARTED, IN_PROGRESS, FAILED or SUCCEEDED, as last read (several pools: the first of
    FAILED, IN_PROGRESS, NOT_STARTED that any pool shows, else SUCCEEDED)."""
    bulk_publish_start_time: pulumi.Output[str | None]
    """ISO-8601 UTC start of the last bulk publish (several pools: the earliest)."""
    bulk_publish_complete_time: pulumi.Output[str | None]
    """ISO-8601 UTC completion, set when SUCCEEDED (several pools: the latest, once all
    SUCCEEDED)."""
    failure_message: pulumi.Output[str | None]
    """Why the last bulk publish FAILED; set only then (several pools: the first three failed
    pools' and a count)."""
    gate_open: pulumi.Output[bool]
    """True exactly when the status is SUCCEEDED and fresh (several pools: when every pool
    is)."""
    gate_reason: pulumi.Output[str]
    """open, or why the gate is closed: in_progress (still running at the deadline), failed,
    not_started, stale (SUCCEEDED before the freshness bound)."""
    checked_at: pulumi.Output[str]
    """ISO-8601 UTC time of the read (several pools: the oldest of their reads)."""
    pools: pulumi.Output[dict[str, Any] | None]
    """Several pools only: each pool id and its own status, startTime, completeTime,
    failureMessage, gateOpen, gateReason, checkedAt."""
    timeout_seconds: pulumi.Output[int]
    """The longest to wait while a bulk publish is IN_PROGRESS, in whole seconds (0: read once);
    failed reads are retried within it."""

    def __init__(
        self,
        name: str,
        args: BulkPublishGateArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(BulkPublishGateProvider(), name, args.as_props(), opts)
