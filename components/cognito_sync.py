"""The one outbound seam: builds the Cognito Sync client and reads bulk-publish details."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

import botocore.session
from botocore.config import Config

from .errors import ConfigurationError, InvalidRequestError, map_error
from .text import clean_text
from .verdict import conform

COGNITO_SYNC_REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
    }
)
"""The regions where `cognito-sync.<region>.amazonaws.com` exists."""

ENDPOINT_ENV_VARS = ("AWS_ENDPOINT_URL_COGNITO_SYNC", "AWS_ENDPOINT_URL")
"""The standard endpoint overrides, read by botocore itself; most specific first."""

IDENTITY_POOL_ID_MAX_LENGTH = 55
IDENTITY_POOL_ID_PATTERN = re.compile(r"[\w-]+:[0-9a-f-]+", re.ASCII)
"""Must match the whole id (the service model's pattern; botocore checks only the length)."""

DEFAULT_MAX_ATTEMPTS = 3
"""botocore's own default for the standard retry mode: one call and two retries."""


@dataclass(frozen=True)
class ClientSettings:
    """Everything needed to build a Cognito Sync client; secrets never pass through here."""

    region: str
    """The region to call and to sign for."""
    profile: str | None = None
    """A named profile of the AWS config files; None uses the default chain (AWS_PROFILE...)."""
    endpoint_url: str | None = None
    """An explicit endpoint; None lets botocore apply AWS_ENDPOINT_URL_COGNITO_SYNC or AWS's."""
    connect_timeout: float = 5.0
    """Seconds to open a connection."""
    read_timeout: float = 15.0
    """Seconds to wait for an answer on an open connection."""


@dataclass(frozen=True)
class BulkPublishDetails:
    """What GetBulkPublishDetails says about the last bulk publish of a pool."""

    identity_pool_id: str
    """The pool that was asked about."""
    status: str
    """NOT_STARTED, IN_PROGRESS, FAILED or SUCCEEDED."""
    start_time: datetime | None = None
    """When the last bulk publish started, in UTC."""
    complete_time: datetime | None = None
    """When it completed, in UTC; set when SUCCEEDED."""
    failure_message: str | None = None
    """Why it failed; set only when FAILED, cleaned and cut to SERVICE_TEXT_LIMIT characters."""


class StartOutcome(Enum):
    """What BulkPublish answered."""

    STARTED = "started"
    """A new bulk publish is IN_PROGRESS."""
    ALREADY_RUNNING = "already_running"
    """DuplicateRequestException: one is IN_PROGRESS already; wait on it."""
    ALREADY_STREAMED = "already_streamed"
    """AlreadyStreamedException: one SUCCEEDED in the last 24 hours; none may start yet."""


_START_OUTCOMES = {
    "DuplicateRequestException": StartOutcome.ALREADY_RUNNING,
    "AlreadyStreamedException": StartOutcome.ALREADY_STREAMED,
}


def region_of_pool(identity_pool_id: str) -> str:
    """The region an identity pool id names before its `:`."""
    return identity_pool_id.split(":", 1)[0]


def endpoint_override(explicit: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The endpoint that replaces AWS's: the explicit one, else the standard variables."""
    if explicit:
        return explicit
    return next((environ[name] for name in ENDPOINT_ENV_VARS if environ.get(name)), None)


def region_problem(region: str, identity_pool_id: str, overridden: bool) -> str | None:
    """Why calling Cognito Sync in `region` for this pool cannot work, or None when it can."""
    if overridden:
        return None
    if region not in COGNITO_SYNC_REGIONS:
        return (
            f"Cognito Sync has no endpoint in {region!r}; it exists in "
            f"{', '.join(sorted(COGNITO_SYNC_REGIONS))} (or set AWS_ENDPOINT_URL_COGNITO_SYNC)"
        )
    home = region_of_pool(identity_pool_id)
    if home in COGNITO_SYNC_REGIONS and home != region:
        return (
            f"the pool lives in {home} (its id starts with it) but the gate would call {region}; "
            f"set bulk-publish-gate:region to {home}"
        )
    return None


class CognitoSync:
    """A Cognito Sync client for one caller thread: boto3 sessions are not thread-safe."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        try:
            core = botocore.session.Session(profile=settings.profile)
            import boto3  # here, not at import: Check and Diff (every preview) never need it

            session = boto3.session.Session(botocore_session=core)
            self._client = session.client(
                "cognito-sync",
                region_name=settings.region,
                endpoint_url=settings.endpoint_url,
                config=_client_config(settings, core),
            )
        except Exception as error:
            raise map_error(
                error, identity_pool_id="(any)", region=settings.region, operation="client setup"
            ) from error

    def get_bulk_publish_details(self, identity_pool_id: str) -> BulkPublishDetails:
        """Read the last bulk publish of a pool, with times in UTC."""
        try:
            answer = self._client.get_bulk_publish_details(IdentityPoolId=identity_pool_id)
        except Exception as error:
            _clean_service_message(error)
            raise map_error(
                error,
                identity_pool_id=identity_pool_id,
                region=self.settings.region,
                operation="GetBulkPublishDetails",
            ) from error
        where = f"identity pool {identity_pool_id} in {self.settings.region}"
        status, failure_message = conform(
            answer.get("BulkPublishStatus"), answer.get("FailureMessage"), where
        )
        # The outputs name the pool that was asked about; the answer's IdentityPoolId is ignored.
        return BulkPublishDetails(
            identity_pool_id=identity_pool_id,
            status=status,
            start_time=_utc(answer.get("BulkPublishStartTime")),
            complete_time=_utc(answer.get("BulkPublishCompleteTime")),
            failure_message=failure_message,
        )

    def bulk_publish(self, identity_pool_id: str) -> StartOutcome:
        """Start a bulk publish of the pool. A publish already running (DuplicateRequest) and a
        success within the last 24 hours (AlreadyStreamed) are outcomes, not errors."""
        try:
            self._client.bulk_publish(IdentityPoolId=identity_pool_id)
        except Exception as error:
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code in _START_OUTCOMES:
                return _START_OUTCOMES[code]
            _clean_service_message(error)
            mapped = map_error(
                error,
                identity_pool_id=identity_pool_id,
                region=self.settings.region,
                operation="BulkPublish",
            )
            if code == "InvalidParameterException":
                mapped = InvalidRequestError(
                    f"{mapped} A bulk publish needs the pool's Cognito stream: set CognitoStreams "
                    "(StreamName, RoleArn, StreamingStatus ENABLED) with "
                    "SetIdentityPoolConfiguration, then run it again."
                )
            raise mapped from error
        return StartOutcome.STARTED

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    def __enter__(self) -> CognitoSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _client_config(settings: ClientSettings, core: botocore.session.Session) -> Config:
    """Timeouts always; retries in the user's mode and count if they set them, else standard x3.

    A retry setting that cannot work is a ConfigurationError naming it, before any call.
    """
    scoped = core.get_scoped_config()
    problem = retry_problem(scoped, os.environ, settings.profile)
    if problem is not None:
        raise ConfigurationError(f"{problem[0]} {problem[1]}")
    mode, attempts = retry_settings(scoped, os.environ)
    return Config(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retries={"mode": mode, "total_max_attempts": attempts},
        user_agent_extra="bulk-publish-gate",
    )


def aws_config_problem(
    profile: str | None, environ: Mapping[str, str] = os.environ
) -> tuple[str, str] | None:
    """(setting, why) when the profile or the retry settings cannot work, else None.

    Reads the AWS config files (botocore finds AWS_PROFILE and AWS_CONFIG_FILE in os.environ)
    and calls nothing.
    """
    try:
        scoped = botocore.session.Session(profile=profile).get_scoped_config()
    except Exception as error:
        mapped = map_error(
            error, identity_pool_id="(any)", region="(any)", operation="reading the AWS config"
        )
        return "aws:profile", str(mapped)
    return retry_problem(scoped, environ, profile)


RETRY_MODES = ("legacy", "standard", "adaptive")
"""botocore's retry modes (AWS_RETRY_MODE, retry_mode in a profile)."""
MAX_ATTEMPTS_LIMIT = 100
"""The most attempts per call we accept (AWS_MAX_ATTEMPTS, max_attempts in a profile)."""
_ATTEMPTS_PATTERN = re.compile(r"[0-9]{1,3}", re.ASCII)


def retry_settings(scoped: Mapping[str, object], environ: Mapping[str, str]) -> tuple[str, int]:
    """(mode, total attempts): the environment's, else the profile's, else standard x3.

    Call `retry_problem` first: this assumes the values are valid.
    """
    mode, attempts = _retry_sources(scoped, environ)
    return (mode[1] or "standard", int(attempts[1] or DEFAULT_MAX_ATTEMPTS))


def retry_problem(
    scoped: Mapping[str, object], environ: Mapping[str, str], profile: str | None = None
) -> tuple[str, str] | None:
    """(setting, why) for the first retry setting in effect that cannot work, or None.

    The setting is the environment variable, or `aws:profile` for a value of the AWS config
    file; the reason says the rule and the value (a retry setting is never a secret).
    """
    named = profile or environ.get("AWS_PROFILE") or "default"
    mode, attempts = _retry_sources(scoped, environ)
    for (source, value), rule in ((attempts, _attempts_rule), (mode, _mode_rule)):
        reason = None if value is None else rule(value)
        if reason is None:
            continue
        got = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        if source.startswith("AWS_"):
            return source, f"must be {reason} (got {got}), or unset"
        where = f"{source} of profile {named} in the AWS config file"
        return "aws:profile", f"{where} must be {reason} (got {got})"
    return None


def _retry_sources(
    scoped: Mapping[str, object], environ: Mapping[str, str]
) -> tuple[tuple[str, object], tuple[str, object]]:
    """((source, mode), (source, attempts)): the variable when set and not empty, else the
    profile's key; a value of None is unset."""

    def pick(variable: str, key: str) -> tuple[str, object]:
        if environ.get(variable):
            return variable, environ[variable]
        value = scoped.get(key)
        return key, None if value in ("", None) else value

    return pick("AWS_RETRY_MODE", "retry_mode"), pick("AWS_MAX_ATTEMPTS", "max_attempts")


def _attempts_rule(value: object) -> str | None:
    digits = isinstance(value, str) and _ATTEMPTS_PATTERN.fullmatch(value) is not None
    if digits and 1 <= int(value) <= MAX_ATTEMPTS_LIMIT:
        return None
    return f"a whole number from 1 to {MAX_ATTEMPTS_LIMIT}"


def _mode_rule(value: object) -> str | None:
    return None if value in RETRY_MODES else f"one of {', '.join(RETRY_MODES)}"


def _clean_service_message(error: Exception) -> None:
    """Clean and bound the service's own error message before it reaches any of our messages."""
    info = getattr(error, "response", None)
    info = info.get("Error") if isinstance(info, dict) else None
    if isinstance(info, dict) and info.get("Message") is not None:
        info["Message"] = clean_text(info["Message"])


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
