"""The one outbound seam: a Cognito Sync client and its two calls, GetBulkPublishDetails and
BulkPublish, with typed answers (UTC datetimes) and our errors (`errors.translated`).

boto3 is imported only when a client is built, so Check and Diff (every preview) never load it.
One client serves every pool of a region and every worker thread of a run: botocore clients
are thread-safe (sessions are not, and none is shared; only botocore's read-only model loader
is, so the JSON models are parsed once per process). BulkPublish goes out through a second
client that never retries: a retry of botocore's own would start a second publish when the
first one's answer was lost; the watch reads first, then retries.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from typing import Any

import botocore.session
from botocore.config import Config

from ..core.contract import BulkPublishDetails, StartOutcome, conform
from ..core.errors import ConfigurationError, InvalidRequestError
from .errors import error_code, translated
from .settings import ClientSettings, retry_problem, retry_settings

START_OUTCOMES = {
    "DuplicateRequestException": StartOutcome.ALREADY_RUNNING,
    "AlreadyStreamedException": StartOutcome.ALREADY_STREAMED,
}
"""BulkPublish's refusals that are outcomes, not errors."""
_LOADERS: dict[Any, Any] = {}
"""botocore's model loader per data path (AWS_DATA_PATH), shared by every session."""
_SETUP_LOCK = threading.Lock()
"""Clients are made one at a time (CPU work under the GIL anyway), so that the JSON models are
read and parsed once, not once per thread that sets a client up at the same time."""


class CognitoSync:
    """A Cognito Sync client for one region and endpoint."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        with translated("client setup", "(any)", settings.region):
            core = _session(settings.profile)
            config = _client_config(settings, core)
            core.get_credentials()  # (a credential_process or SSO may take its time: not locked)
            import boto3  # here, not at import: Check and Diff (every preview) never need it

            session = boto3.session.Session(botocore_session=core)
            once = config.merge(Config(retries={**config.retries, "total_max_attempts": 1}))
            with _SETUP_LOCK:  # the first client reads the models; the others find them parsed
                self._client, self._start = (
                    session.client(
                        "cognito-sync",
                        region_name=settings.region,
                        endpoint_url=settings.endpoint_url,
                        config=chosen,
                    )
                    for chosen in (config, once)  # reads: the retries in effect; BulkPublish: none
                )

    def get_bulk_publish_details(self, identity_pool_id: str) -> BulkPublishDetails:
        """Read the last bulk publish of a pool, with times in UTC."""
        region = self.settings.region
        with translated("GetBulkPublishDetails", identity_pool_id, region):
            answer = self._client.get_bulk_publish_details(IdentityPoolId=identity_pool_id)
        where = f"identity pool {identity_pool_id} in {region}"
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
            with translated("BulkPublish", identity_pool_id, self.settings.region):
                try:
                    self._start.bulk_publish(IdentityPoolId=identity_pool_id)
                except Exception as error:
                    if error_code(error) in START_OUTCOMES:
                        return START_OUTCOMES[error_code(error)]
                    raise
        except InvalidRequestError as error:
            if error_code(error.__cause__) != "InvalidParameterException":
                raise
            raise InvalidRequestError(
                f"{error} A bulk publish needs the pool's Cognito stream: set CognitoStreams "
                "(StreamName, RoleArn, StreamingStatus ENABLED) with "
                "SetIdentityPoolConfiguration, then run it again."
            ) from error.__cause__
        return StartOutcome.STARTED

    def close(self) -> None:
        """Release the connection pools."""
        self._client.close()
        self._start.close()

    def __enter__(self) -> CognitoSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _session(profile: str | None) -> botocore.session.Session:
    """A new botocore session (its own config and credentials) on the process's model loader."""
    core = botocore.session.Session(profile=profile)
    key = core.get_config_variable("data_path")
    with _SETUP_LOCK:
        loader = _LOADERS.setdefault(key, core.get_component("data_loader"))
    core.register_component("data_loader", loader)
    return core


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
        max_pool_connections=settings.max_pool_connections,
        user_agent_extra="bulk-publish-gate",
    )


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
