"""The dynamic resource: its type token, its arguments and its typed, seeded outputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .contract import OUTPUTS
from .inputs import SPECS
from .provider import BulkPublishGateProvider


@dataclass
class BulkPublishGateArgs:
    """Arguments of a gate; each may be an Output. The fields are those of the inputs table
    (`components.inputs.GateInputs`), with the same names and defaults."""

    identity_pool_id: pulumi.Input[str] | None = None
    """The pool to watch, e.g. `us-east-1:0f5b6a1e-...`; or give `identity_pool_ids`."""
    identity_pool_ids: pulumi.Input[Sequence[str]] | None = None
    """Several pools, watched at once by this one gate (each in the region its id names, unless
    `region` is set); the gate opens only when every pool is open."""
    max_concurrency: pulumi.Input[int] = 8
    """With several pools: the most reads in flight at once (throttling slows them all)."""
    mode: str = "gate"
    """`gate` fails the deployment unless SUCCEEDED; `observe` only reports. Plain, not an Output:
    it decides the shape of the program (see `BulkPublishGate.when_open`)."""
    timeout_seconds: pulumi.Input[int] = 1800
    """The longest a deployment waits while IN_PROGRESS."""
    poll_interval_seconds: pulumi.Input[float] = 5.0
    """The first wait between reads; the backoff doubles it, with jitter."""
    max_poll_interval_seconds: pulumi.Input[float] = 30.0
    """The cap of the backoff."""
    wait_for_start: pulumi.Input[bool] = False
    """Wait while NOT_STARTED too (someone is about to start a bulk publish)."""
    region: pulumi.Input[str] | None = None
    """The region to call; default aws:region, else the pool id's prefix."""
    endpoint_url: pulumi.Input[str] | None = None
    """An endpoint instead of AWS's; default AWS_ENDPOINT_URL_COGNITO_SYNC, else AWS."""
    completed_after: pulumi.Input[str] | None = None
    """Freshness: a SUCCEEDED opens the gate only if it completed at or after this ISO-8601 UTC
    instant (e.g. `2026-11-23T12:00:00Z`); otherwise the pool is stale."""
    max_age_seconds: pulumi.Input[int] | None = None
    """Freshness: a SUCCEEDED opens the gate only if it completed at most this many seconds
    before the read; 0 or None: no age bound. With completed_after, the later bound wins."""
    start_bulk_publish: pulumi.Input[bool] = False
    """In create and update (never preview or refresh), call BulkPublish once when the pool is
    NOT_STARTED, FAILED or stale, then wait for it."""

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

    Type token: `pulumi-python:dynamic/cognito-sync:BulkPublishGate`.
    """

    identity_pool_id: pulumi.Output[str]
    """The pool."""
    bulk_publish_status: pulumi.Output[str]
    """NOT_STARTED, IN_PROGRESS, FAILED or SUCCEEDED, as last read."""
    bulk_publish_start_time: pulumi.Output[str | None]
    """ISO-8601 UTC start of the last bulk publish."""
    bulk_publish_complete_time: pulumi.Output[str | None]
    """ISO-8601 UTC completion; set when SUCCEEDED."""
    failure_message: pulumi.Output[str | None]
    """Why it failed; set when FAILED."""
    gate_open: pulumi.Output[bool]
    """True exactly when the status is SUCCEEDED and fresh."""
    gate_reason: pulumi.Output[str]
    """open, in_progress, failed, not_started or stale."""
    checked_at: pulumi.Output[str]
    """ISO-8601 UTC time of the read (several pools: the oldest of their reads)."""
    pools: pulumi.Output[dict[str, Any] | None]
    """Several pools: each pool id -> its own status, times, failure message, gate_open,
    gate_reason and checked_at. None for one pool."""
    timeout_seconds: pulumi.Output[int]
    """The wait's deadline, as given."""

    def __init__(
        self,
        name: str,
        args: BulkPublishGateArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(BulkPublishGateProvider(), name, args.as_props(), opts)
