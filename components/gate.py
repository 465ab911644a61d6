"""One gate run: read and wait, turn the result into plain outputs, and judge it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .cognito_sync import (
    BulkPublishDetails,
    ClientSettings,
    CognitoSync,
    endpoint_override,
    region_of_pool,
    region_problem,
)
from .inputs import GateInputs, Problem
from .progress import ProgressReporter, format_duration, iso_utc
from .waiting import WaitPolicy, WaitResult, wait_for_bulk_publish

OUTPUT_KEYS = (
    "identity_pool_id",
    "bulk_publish_status",
    "bulk_publish_start_time",
    "bulk_publish_complete_time",
    "failure_message",
    "gate_open",
    "checked_at",
)
"""The properties a gate computes, besides its inputs."""


@dataclass(frozen=True)
class AwsDefaults:
    """The stack-wide AWS settings the provider receives in configure(); never credentials."""

    region: str | None = None
    """`aws:region`."""
    profile: str | None = None
    """`aws:profile`."""


def client_settings(
    inputs: GateInputs, aws: AwsDefaults, environ: Mapping[str, str] = os.environ
) -> ClientSettings:
    """Region: the gate's own, else aws:region, else the pool id's prefix."""
    region = inputs.region or aws.region or region_of_pool(inputs.identity_pool_id)
    return ClientSettings(
        region=region,
        profile=aws.profile or None,
        endpoint_url=endpoint_override(inputs.endpoint_url, environ),
    )


def settings_problems(
    inputs: GateInputs, aws: AwsDefaults, environ: Mapping[str, str] = os.environ
) -> list[Problem]:
    """What in the resolved AWS settings cannot work, found without calling AWS."""
    settings = client_settings(inputs, aws, environ)
    reason = region_problem(
        settings.region, inputs.identity_pool_id, overridden=settings.endpoint_url is not None
    )
    return [Problem("region", reason)] if reason else []


@dataclass(frozen=True)
class Observation:
    """What one gate run saw."""

    inputs: GateInputs
    result: WaitResult
    checked_at: datetime
    """Wall-clock time of the last read, in UTC."""
    region: str
    """The region that was called."""

    @property
    def details(self) -> BulkPublishDetails:
        return self.result.details

    @property
    def gate_open(self) -> bool:
        return self.details.status == "SUCCEEDED"


def observe(
    inputs: GateInputs,
    aws: AwsDefaults,
    *,
    client_factory: Callable[[ClientSettings], CognitoSync] = CognitoSync,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    write: Callable[[str], None] | None = None,
) -> Observation:
    """Read the pool and wait while the policy says so; API errors propagate as our errors."""
    settings = client_settings(inputs, aws)
    policy = WaitPolicy(
        timeout_seconds=inputs.timeout_seconds,
        poll_interval_seconds=inputs.poll_interval_seconds,
        max_poll_interval_seconds=inputs.max_poll_interval_seconds,
        wait_for_start=inputs.wait_for_start,
    )
    reporter = ProgressReporter(inputs.identity_pool_id, write)
    with client_factory(settings) as client:
        result = wait_for_bulk_publish(
            lambda: client.get_bulk_publish_details(inputs.identity_pool_id),
            policy,
            clock=clock,
            sleep=sleep,
            on_progress=reporter,
        )
    reporter.write(_summary(inputs, result))
    return Observation(inputs, result, now(), settings.region)


def outputs(observation: Observation) -> dict[str, Any]:
    """All properties of the resource, inputs included, as plain wire-safe types."""
    details = observation.details
    computed = {
        "identity_pool_id": observation.inputs.identity_pool_id,
        "bulk_publish_status": details.status,
        "bulk_publish_start_time": iso_utc(details.start_time),
        "bulk_publish_complete_time": iso_utc(details.complete_time),
        "failure_message": details.failure_message,
        "gate_open": observation.gate_open,
        "checked_at": iso_utc(observation.checked_at),
    }
    return {**observation.inputs.as_props(), **computed}


def closed_reason(observation: Observation) -> str | None:
    """Why the gate stays closed, with what to do next; None when it is open."""
    if observation.gate_open:
        return None
    details, result = observation.details, observation.result
    pool, region = observation.inputs.identity_pool_id, observation.region
    head = f"bulk publish of identity pool {pool} ({region})"
    waited = format_duration(result.elapsed)
    started = iso_utc(details.start_time)
    since = f", started {started}" if started else ""
    start_cmd = f"aws cognito-sync bulk-publish --identity-pool-id {pool} --region {region}"
    held = "The gate is closed: resources that depend on it were not deployed."
    if result.timed_out:
        return (
            f"{head} is still {details.status} after {waited}{since} "
            f"(timeoutSeconds={observation.inputs.timeout_seconds}). {held} Run `pulumi up` "
            "again to keep waiting, or raise bulk-publish-gate:timeoutSeconds."
        )
    if details.status == "FAILED":
        return (
            f"{head} FAILED{since}: {details.failure_message or 'no failure message'}. {held} "
            f"Fix the cause, start a new bulk publish (`{start_cmd}`), then run `pulumi up` again."
        )
    if details.status == "NOT_STARTED":
        return (
            f"no bulk publish has been started for identity pool {pool} ({region}). {held} "
            f"Start one (`{start_cmd}`) and run `pulumi up` again, or set "
            "bulk-publish-gate:waitForStart to wait for one."
        )
    return f"{head} reports status {details.status!r}; the gate opens only on SUCCEEDED. {held}"


def _summary(inputs: GateInputs, result: WaitResult) -> str:
    details = result.details
    verdict = "gate open" if details.status == "SUCCEEDED" else "gate closed"
    late = " (timed out)" if result.timed_out else ""
    return (
        f"bulk-publish-gate: {inputs.identity_pool_id}: {details.status}{late} after "
        f"{format_duration(result.elapsed)} and {result.reads} read(s): {verdict}"
    )
