"""The one outbound seam: a Cognito Sync client and its two calls, GetBulkPublishDetails and
BulkPublish, with typed answers (UTC datetimes) and our errors (`aws_errors.translated`).

boto3 is imported only when a client is built, so Check and Diff (every preview) never load it.
One client serves every pool of a region and every worker thread of a run: botocore clients
are thread-safe (sessions are not, and none is shared; only botocore's model loader is, once it
is warm: `_with_shared_models`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import botocore.loaders
import botocore.session
from botocore.config import Config

from .aws_errors import error_code, translated
from .aws_settings import ClientSettings, retry_problem, retry_settings
from .contract import BulkPublishDetails, StartOutcome, conform
from .errors import ConfigurationError, InvalidRequestError

START_OUTCOMES = {
    "DuplicateRequestException": StartOutcome.ALREADY_RUNNING,
    "AlreadyStreamedException": StartOutcome.ALREADY_STREAMED,
}
"""BulkPublish's refusals that are outcomes, not errors."""
T = TypeVar("T")


class CognitoSync:
    """A Cognito Sync client for one region and endpoint."""

    def __init__(self, settings: ClientSettings) -> None:
        self.settings = settings
        with translated("client setup", "(any)", settings.region):
            core = botocore.session.Session(profile=settings.profile)
            import boto3  # here, not at import: Check and Diff (every preview) never need it

            session = boto3.session.Session(botocore_session=core)
            self._client = _with_shared_models(core, lambda: session.client(
                "cognito-sync",
                region_name=settings.region,
                endpoint_url=settings.endpoint_url,
                config=_client_config(settings, core),
            ))  # fmt: skip

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
                    self._client.bulk_publish(IdentityPoolId=identity_pool_id)
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
        max_pool_connections=settings.max_pool_connections,
        user_agent_extra="bulk-publish-gate",
    )


_loaders: dict[Any, botocore.loaders.Loader] = {}
"""botocore's model loader of each data path, warm, shared by every client of the process."""
_loading = threading.Lock()


def _with_shared_models(core: botocore.session.Session, build: Callable[[], T]) -> T:
    """`build()` with the session on the process's shared model loader: botocore then parses its
    JSON (endpoints, the service model) once per process, not once per client (100-250 ms of CPU
    each: 64 gates of one plugin process spent 10 s building their clients). The first build of
    a data path runs alone, since the loader fills its cache in place; later ones only read it."""
    path = core.get_config_variable("data_path")
    loader = _loaders.get(path)
    if loader is not None:
        core.register_component("data_loader", loader)
        return build()
    with _loading:
        loader = _loaders.get(path) or botocore.loaders.create_loader(path)
        core.register_component("data_loader", loader)
        built = build()
        _loaders[path] = loader
        return built


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
