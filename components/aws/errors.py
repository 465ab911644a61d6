"""botocore's errors -> ours: the one mapping, used at the seam (`translated`), with messages a
user can act on. Only what may succeed a little later (throttling, 5xx, the network) is a
TransientError; settings that cannot work are ConfigurationErrors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore import exceptions as sdk

from ..core.errors import (
    AccessDeniedError,
    BulkPublishGateError,
    ConfigurationError,
    InvalidRequestError,
    PoolNotFoundError,
    ThrottledError,
    TransientError,
)
from ..core.text import USERINFO, clean_text

ACCESS_CODES = frozenset(
    {
        "NotAuthorizedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "IncompleteSignatureException",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
        "ExpiredTokenException",
        "ExpiredToken",
        "RequestExpired",
        "AccessDeniedException",
        "MissingAuthenticationTokenException",
    }
)
SLOW_DOWN_CODES = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "LimitExceededException",
        "RequestLimitExceeded",
    }
)
"""Throttling proper: the codes that ask the caller to slow down (not 5xx)."""
RETRY_CODES = SLOW_DOWN_CODES | {"ServiceUnavailableException", "InternalErrorException"}
CREDENTIAL_ERRORS = (
    sdk.NoCredentialsError,
    sdk.PartialCredentialsError,
    sdk.CredentialRetrievalError,
    sdk.TokenRetrievalError,
    sdk.SSOError,
)
NETWORK_ERRORS = (
    sdk.ConnectionError,  # EndpointConnectionError, ConnectTimeoutError, proxy (not SSL)
    sdk.HTTPClientError,  # ReadTimeoutError, ConnectionClosedError, ResponseStreamingError
    sdk.IncompleteReadError,
    sdk.CapacityNotAvailableError,  # standard mode's retry quota is empty for now
)
"""Worth another try a little later: the network, or the SDK's own retry budget."""
SETUP_ERRORS = (
    sdk.SSLError,  # a certificate that does not verify will not verify on the next try
    sdk.ConfigParseError,
    sdk.ConfigNotFound,
    sdk.InvalidConfigError,
    sdk.InvalidDefaultsMode,
    sdk.InvalidEndpointConfigurationError,
    sdk.InvalidProxiesConfigError,
    sdk.DataNotFoundError,  # UnknownServiceError: botocore too old for the service
    sdk.UnknownCredentialError,
    sdk.UnknownSignatureVersionError,
    sdk.MetadataRetrievalError,
    sdk.MissingDependencyException,
    sdk.ServiceNotInRegionError,
)
"""AWS SDK settings that cannot work; the message of botocore says which."""
PROFILE_FIX = (
    " (or AWS_PROFILE) to a profile in your AWS config file, or unset it to use the default "
    "credential chain."
)
"""What follows `Set <the profile setting>` when a profile does not exist."""


def error_code(error: BaseException) -> str | None:
    """The service's error code of a ClientError; None for anything without an answer (a
    dropped connection or a timeout has no `response`)."""
    response = getattr(error, "response", None)
    info = response.get("Error") if isinstance(response, dict) else None
    return info.get("Code") if isinstance(info, dict) else None


@contextmanager
def translated(operation: str, identity_pool_id: str, region: str) -> Iterator[None]:
    """Raise ours for whatever botocore raises inside (the service's message cleaned first)."""
    try:
        yield
    except Exception as error:
        _clean_service_message(error)
        mapped = map_error(
            error, identity_pool_id=identity_pool_id, region=region, operation=operation
        )
        raise mapped from error


def map_error(
    error: Exception, *, identity_pool_id: str, region: str, operation: str
) -> BulkPublishGateError:
    """One of our errors for what botocore raised; a URL's user and password never reach the
    message."""
    if isinstance(error, BulkPublishGateError):
        return error
    where = f"identity pool {identity_pool_id} in {region}"
    if isinstance(error, sdk.ClientError) and isinstance(getattr(error, "response", None), dict):
        return _from_client_error(error, where=where, operation=operation)
    said = USERINFO.sub("***@", str(error))
    if isinstance(error, sdk.BotoCoreError):
        return _from_sdk_error(error, said, where=where, operation=operation)
    return BulkPublishGateError(f"{operation} for {where} failed: {type(error).__name__}: {said}")


def _from_sdk_error(
    error: sdk.BotoCoreError, said: str, *, where: str, operation: str
) -> BulkPublishGateError:
    if isinstance(error, sdk.ProfileNotFound):
        return ConfigurationError(f"{said}. Set aws:profile{PROFILE_FIX}")
    if isinstance(error, CREDENTIAL_ERRORS):
        return ConfigurationError(
            f"no usable AWS credentials for {operation} on {where} ({said}). Credentials come "
            "from the standard chain: AWS_PROFILE or aws:profile, AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, SSO (run `aws sso login`), or an instance/container role."
        )
    if isinstance(error, sdk.InvalidRegionError | sdk.NoRegionError):
        return ConfigurationError(
            f"no valid region to call for {where} ({said}). Set bulk-publish-gate:region or "
            "aws:region to an AWS region name such as us-east-1."
        )
    if isinstance(error, sdk.BaseEndpointResolverError):
        return ConfigurationError(
            f"the AWS SDK found no endpoint for {operation} on {where} ({said}). Use a region "
            "where Cognito Sync exists, or set AWS_ENDPOINT_URL_COGNITO_SYNC."
        )
    if isinstance(error, sdk.InvalidMaxRetryAttemptsError):
        return ConfigurationError(
            f"{said} Set AWS_MAX_ATTEMPTS (or max_attempts in the AWS profile) to a whole "
            "number of at least 1, or unset it."
        )
    if isinstance(error, sdk.InvalidRetryModeError | sdk.InvalidRetryConfigurationError):
        return ConfigurationError(
            f"{said} Set AWS_RETRY_MODE (or retry_mode in the AWS profile) to legacy, standard "
            "or adaptive, or unset it."
        )
    if isinstance(error, sdk.ParamValidationError | sdk.ValidationError):
        return ConfigurationError(
            f"the AWS SDK refused the parameters of {operation} on {where} ({said}). Check "
            "bulk-publish-gate:identityPoolId."
        )
    if isinstance(error, SETUP_ERRORS):
        return ConfigurationError(
            f"{operation} for {where} cannot work with these AWS SDK settings: {said}"
        )
    if isinstance(error, NETWORK_ERRORS):
        return TransientError(f"could not complete {operation} for {where}: {said}")
    return BulkPublishGateError(
        f"{operation} for {where} failed in the AWS SDK: {type(error).__name__}: {said}"
    )


def _from_client_error(
    error: sdk.ClientError, *, where: str, operation: str
) -> BulkPublishGateError:
    info = error.response.get("Error") or {}
    code = info.get("Code") or "Unknown"
    message = info.get("Message") or "no message"
    status = int((error.response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    said = f"{code}: {message}"
    if code in ACCESS_CODES:
        return AccessDeniedError(
            f"Cognito Sync refused {operation} on {where} ({said}). This API accepts developer "
            "(IAM) credentials only, never Cognito Identity temporary user credentials: use an "
            f"IAM user or role allowed cognito-sync:{operation} on this pool "
            "(choose it with AWS_PROFILE or aws:profile)."
        )
    if code == "ResourceNotFoundException":
        return PoolNotFoundError(
            f"{where} was not found ({said}). Check bulk-publish-gate:identityPoolId and the "
            "region: a pool lives in the region its id starts with."
        )
    if code in RETRY_CODES or status == 429 or status >= 500:
        slow_down = status == 429 or code in SLOW_DOWN_CODES
        kind = ThrottledError if slow_down else TransientError
        return kind(f"Cognito Sync could not answer {operation} on {where} ({said})")
    if code == "InvalidParameterException":
        return InvalidRequestError(f"Cognito Sync rejected {operation} on {where} ({said})")
    return InvalidRequestError(
        f"Cognito Sync answered {operation} on {where} with HTTP {status} ({said})"
    )


def _clean_service_message(error: Exception) -> None:
    """Clean and bound the service's own error message before it reaches any of our messages."""
    response = getattr(error, "response", None)
    info = response.get("Error") if isinstance(response, dict) else None
    if isinstance(info, dict) and info.get("Message") is not None:
        info["Message"] = clean_text(info["Message"])
