"""One gate run: read and wait, turn the result into plain outputs, and judge it (through the
verdict module)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .cognito_sync import (
    ENDPOINT_ENV_VARS,
    BulkPublishDetails,
    ClientSettings,
    CognitoSync,
    StartOutcome,
    aws_config_problem,
    endpoint_override,
    region_of_pool,
    region_problem,
)
from .errors import GateClosedError, ReadsFailedError, ReadTimedOutError
from .inputs import GateInputs, Problem, parse_instant, region_name_problem, shown, url_problem
from .progress import ProgressReporter, format_duration, iso_utc
from .verdict import (
    Action,
    Seen,
    Verdict,
    freshness_bound,
    is_stale,
    judge,
    next_start_after,
    should_start,
)
from .waiting import Pending, Reader, WaitPolicy, WaitResult, in_thread, wait_for_bulk_publish

OUTPUT_KEYS = (
    "identity_pool_id",
    "bulk_publish_status",
    "bulk_publish_start_time",
    "bulk_publish_complete_time",
    "failure_message",
    "gate_open",
    "gate_reason",
    "checked_at",
    "pools",
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
    bound: datetime | None = None
    """The freshness bound at the time of the run (completedAfter, maxAgeSeconds)."""
    started: StartOutcome | None = None
    """What BulkPublish answered, when this run called it (startBulkPublish)."""

    @property
    def details(self) -> BulkPublishDetails:
        return self.result.details

    @property
    def gate_open(self) -> bool:
        return verdict(self).open


def observe(
    inputs: GateInputs,
    aws: AwsDefaults,
    *,
    allow_start: bool = False,
    client_factory: Callable[[ClientSettings], CognitoSync] = CognitoSync,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    write: Callable[[str], None] | None = None,
    start: Callable[[Reader], Pending] = in_thread,
    reporter: ProgressReporter | None = None,
) -> Observation:
    """Read the pool and wait while the policy says so; API errors propagate as our errors.

    Each read runs on a worker thread (`start`), so the wait bounds its wall time. With
    `allow_start` (create and update, never preview or refresh) and startBulkPublish, a pool
    that is NOT_STARTED, FAILED or stale gets one BulkPublish call, then is waited on. A given
    `reporter` (a gate on many pools) replaces the pool's own progress lines and summary.
    """
    settings = client_settings(inputs, aws)
    bound = freshness_bound(parse_instant(inputs.completed_after), inputs.max_age_seconds, now())
    policy = WaitPolicy(
        timeout_seconds=inputs.timeout_seconds,
        poll_interval_seconds=inputs.poll_interval_seconds,
        max_poll_interval_seconds=inputs.max_poll_interval_seconds,
        wait_for_start=inputs.wait_for_start,
        fresh_after=bound,
    )
    quiet = reporter is not None
    reporter = reporter or ProgressReporter(inputs.identity_pool_id, write)
    pool = inputs.identity_pool_id
    label = f"GetBulkPublishDetails for identity pool {pool} in {settings.region}"
    started: StartOutcome | None = None
    with client_factory(settings) as client:

        def wait(how: WaitPolicy) -> WaitResult:
            read = lambda: client.get_bulk_publish_details(pool)  # noqa: E731
            return wait_for_bulk_publish(
                read, how, clock=clock, sleep=sleep, on_progress=reporter, start=start,
                label=label,
            )  # fmt: skip

        if allow_start and inputs.start_bulk_publish:
            result, started = _start_then_wait(wait, client, inputs, policy, start, reporter, clock)
        else:
            result = wait(policy)
    checked_at = now() - timedelta(seconds=max(result.elapsed - result.read_at, 0.0))
    observation = Observation(inputs, result, checked_at, settings.region, bound, started)
    if not quiet:
        reporter.write(_summary(observation))
    return observation


def _start_then_wait(
    wait: Callable[[WaitPolicy], WaitResult],
    client: CognitoSync,
    inputs: GateInputs,
    policy: WaitPolicy,
    start: Callable[[Reader], Pending],
    reporter: ProgressReporter,
    clock: Callable[[], float],
) -> tuple[WaitResult, StartOutcome | None]:
    """One read (failed reads retried); BulkPublish if it says so (NOT_STARTED, FAILED, stale);
    then the rest of the wait. A publish already running or settled fresh is only waited on.
    One deadline for the whole: no call outlives it plus the read margin."""
    began = clock()
    end = began + policy.timeout_seconds + policy.read_margin_seconds
    first = wait(replace(policy, first_answer=True))
    details = first.details
    stale = is_stale(details.status, details.complete_time, policy.fresh_after)
    outcome, how = None, policy
    if first.trailing_failures:
        return first, None
    if should_start(details.status, stale):
        outcome = _start(client, inputs, end - clock(), start, reporter, details)
        if outcome is StartOutcome.ALREADY_STREAMED:
            return replace(first, elapsed=clock() - began), outcome
        if outcome is StartOutcome.STARTED:
            how = replace(
                policy,
                awaiting_new_publish=True,
                previous_start=details.start_time,
                previous_status=details.status,
            )
    elif policy.action_on(details) is Action.STOP:
        return first, None
    left = end - clock()
    rest = max(left - policy.read_margin_seconds, 0.0)
    margin = min(policy.read_margin_seconds, max(left, 0.0))
    second = wait(replace(how, timeout_seconds=rest, read_margin_seconds=margin))
    return _joined(first, second, clock() - began), outcome


def _start(
    client: CognitoSync,
    inputs: GateInputs,
    seconds: float,
    start: Callable[[Reader], Pending],
    reporter: ProgressReporter,
    details: BulkPublishDetails,
) -> StartOutcome:
    """One BulkPublish call, bounded by the `seconds` left to the run, and a progress line
    saying what came of it."""
    pool = inputs.identity_pool_id
    reporter.write(
        f"bulk-publish-gate: {pool}: {details.status} and startBulkPublish is set: calling "
        "BulkPublish"
    )
    pending = start(lambda: client.bulk_publish(pool))
    if not pending.wait(max(seconds, 0.0)):
        raise ReadTimedOutError(
            f"BulkPublish for identity pool {pool} did not answer within the {seconds:.3g}s left "
            "to the run (timeoutSeconds plus the read margin); run `pulumi up` again "
            "(a run during a publish never starts a second one)"
        )
    outcome = pending.result()
    said = {
        StartOutcome.STARTED: "started a bulk publish; waiting for it",
        StartOutcome.ALREADY_RUNNING: "a bulk publish is already running (DuplicateRequest); "
        "waiting for it",
        StartOutcome.ALREADY_STREAMED: "BulkPublish refused: one already succeeded within the "
        "last 24 hours (AlreadyStreamed)",
    }[outcome]
    reporter.write(f"bulk-publish-gate: {pool}: {said}")
    return outcome


def _joined(first: WaitResult, second: WaitResult, elapsed: float) -> WaitResult:
    """The two waits of a run (one read, then the rest) as one: counts added, times from the
    run's start."""
    return replace(
        second,
        elapsed=elapsed,
        reads=first.reads + second.reads,
        failed_reads=first.failed_reads + second.failed_reads,
        last_error=second.last_error or first.last_error,
        read_at=elapsed - (second.elapsed - second.read_at),
    )


def outputs(observation: Observation) -> dict[str, Any]:
    """All properties of the resource, inputs included, as plain wire-safe types."""
    details, judged = observation.details, verdict(observation)
    computed = {
        "identity_pool_id": observation.inputs.identity_pool_id,
        "bulk_publish_status": details.status,
        "bulk_publish_start_time": iso_utc(details.start_time),
        "bulk_publish_complete_time": iso_utc(details.complete_time),
        "failure_message": details.failure_message if details.status == "FAILED" else None,
        "gate_open": judged.open,
        "gate_reason": judged.gate_reason,
        "checked_at": iso_utc(observation.checked_at),
        "pools": None,
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
        complete_time=details.complete_time,
        bound=observation.bound,
        started=observation.started is not None,
        next_start=next_start_after(details.complete_time)
        if observation.started is StartOutcome.ALREADY_STREAMED
        else None,
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
