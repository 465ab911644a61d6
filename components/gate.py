"""One gate run: read and wait, turn the result into plain outputs, and judge it (through the
verdict module)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .cognito_sync import (
    ENDPOINT_ENV_VARS,
    BulkPublishDetails,
    ClientSettings,
    CognitoSync,
    aws_config_problem,
    endpoint_override,
    region_of_pool,
    region_problem,
)
from .errors import GateClosedError, ReadsFailedError
from .inputs import GateInputs, Problem, region_name_problem, shown, url_problem
from .progress import ProgressReporter, format_duration, iso_utc
from .verdict import Seen, Verdict, judge
from .waiting import Pending, Reader, WaitPolicy, WaitResult, in_thread, wait_for_bulk_publish

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
    """What in the resolved AWS settings cannot work, found without calling AWS: the region
    called (a region name even with an endpoint override, and one with the API without), an
    endpoint from the environment, the profile and the retry settings (AWS_MAX_ATTEMPTS,
    AWS_RETRY_MODE, or the profile's max_attempts and retry_mode)."""
    settings = client_settings(inputs, aws, environ)
    problems: list[Problem] = []
    if region_name_problem(settings.region) is not None:
        # Even with an endpoint override: botocore signs for the region and refuses a bad one.
        source = (
            "bulk-publish-gate:region"
            if inputs.region
            else "aws:region"
            if aws.region
            else "the prefix of identity_pool_id"
        )
        reason = (
            f"the region the gate would call, {shown(settings.region)} ({source}), is not an "
            "AWS region name such as us-east-1: set bulk-publish-gate:region (or aws:region)"
        )
        problems.append(Problem("region", reason))
    else:
        overridden = settings.endpoint_url is not None
        reason = region_problem(settings.region, inputs.identity_pool_id, overridden=overridden)
        problems += [Problem("region", reason)] if reason else []
    if inputs.endpoint_url is None and settings.endpoint_url is not None:
        variable = next(name for name in ENDPOINT_ENV_VARS if environ.get(name))
        if (reason := url_problem(settings.endpoint_url)) is not None:
            problems.append(Problem(variable, f"environment variable {variable} {reason}"))
    if (found := aws_config_problem(settings.profile, environ)) is not None:
        problems.append(Problem(*found))
    return problems


@dataclass(frozen=True)
class Observation:
    """What one gate run saw."""

    inputs: GateInputs
    result: WaitResult
    checked_at: datetime
    """Wall-clock time (UTC) of the read whose answer `details` holds, not the end of the wait."""
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
    start: Callable[[Reader], Pending] = in_thread,
) -> Observation:
    """Read the pool and wait while the policy says so; API errors propagate as our errors.

    Each read runs on a worker thread (`start`), so the wait bounds its wall time.
    """
    settings = client_settings(inputs, aws)
    policy = WaitPolicy(
        timeout_seconds=inputs.timeout_seconds,
        poll_interval_seconds=inputs.poll_interval_seconds,
        max_poll_interval_seconds=inputs.max_poll_interval_seconds,
        wait_for_start=inputs.wait_for_start,
    )
    reporter = ProgressReporter(inputs.identity_pool_id, write)
    pool = inputs.identity_pool_id
    label = f"GetBulkPublishDetails for identity pool {pool} in {settings.region}"
    with client_factory(settings) as client:
        result = wait_for_bulk_publish(
            lambda: client.get_bulk_publish_details(inputs.identity_pool_id),
            policy,
            clock=clock,
            sleep=sleep,
            on_progress=reporter,
            start=start,
            label=label,
        )
    checked_at = now() - timedelta(seconds=max(result.elapsed - result.read_at, 0.0))
    observation = Observation(inputs, result, checked_at, settings.region)
    reporter.write(_summary(observation))
    return observation


def outputs(observation: Observation) -> dict[str, Any]:
    """All properties of the resource, inputs included, as plain wire-safe types."""
    details = observation.details
    computed = {
        "identity_pool_id": observation.inputs.identity_pool_id,
        "bulk_publish_status": details.status,
        "bulk_publish_start_time": iso_utc(details.start_time),
        "bulk_publish_complete_time": iso_utc(details.complete_time),
        "failure_message": details.failure_message if details.status == "FAILED" else None,
        "gate_open": observation.gate_open,
        "checked_at": iso_utc(observation.checked_at),
    }
    return {**observation.inputs.as_props(), **computed}


def seen(observation: Observation) -> Seen:
    """The observation as the verdict reads it."""
    details, result = observation.details, observation.result
    return Seen(
        identity_pool_id=observation.inputs.identity_pool_id,
        region=observation.region,
        status=details.status,
        start_time=details.start_time,
        failure_message=details.failure_message,
        timed_out=result.timed_out,
        elapsed=result.elapsed,
        timeout_seconds=observation.inputs.timeout_seconds,
        reads=result.reads,
        failed_reads=result.failed_reads,
        trailing_failures=result.trailing_failures,
        last_error=result.last_error,
        stale_seconds=max(result.elapsed - result.read_at, 0.0),
    )


def verdict(observation: Observation) -> Verdict:
    """Open or closed, why, and whether the status may be exported."""
    return judge(seen(observation))


def closed_reason(observation: Observation) -> str | None:
    """Why the gate stays closed, with what to do next; None when it is open."""
    return verdict(observation).message


def enforce(observation: Observation) -> None:
    """Raise what the run must fail with: no fresh status (either mode), or a closed gate."""
    judged = verdict(observation)
    if not judged.exportable:
        raise ReadsFailedError(judged.message)
    if not judged.open and observation.inputs.mode == "gate":
        raise GateClosedError(judged.message)


def _summary(observation: Observation) -> str:
    details, result, judged = observation.details, observation.result, verdict(observation)
    if not judged.exportable:
        outcome = "no fresh status"
    else:
        outcome = "gate open" if judged.open else "gate closed"
    late = " (timed out)" if result.timed_out else ""
    failed = f" ({judged.note})" if judged.note else ""
    return (
        f"bulk-publish-gate: {observation.inputs.identity_pool_id}: {details.status}{late} after "
        f"{format_duration(result.elapsed)} and {result.reads} read(s){failed}: {outcome}"
    )
