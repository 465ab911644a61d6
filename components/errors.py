"""Our error tree, and the one function that turns botocore's errors into it."""

from __future__ import annotations

import re

from botocore.exceptions import (
    BaseEndpointResolverError,
    BotoCoreError,
    CapacityNotAvailableError,
    ClientError,
    ConfigNotFound,
    ConfigParseError,
    CredentialRetrievalError,
    DataNotFoundError,
    HTTPClientError,
    IncompleteReadError,
    InvalidConfigError,
    InvalidDefaultsMode,
    InvalidEndpointConfigurationError,
    InvalidMaxRetryAttemptsError,
    InvalidProxiesConfigError,
    InvalidRegionError,
    InvalidRetryConfigurationError,
    InvalidRetryModeError,
    MetadataRetrievalError,
    MissingDependencyException,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ServiceNotInRegionError,
    SSLError,
    SSOError,
    TokenRetrievalError,
    UnknownCredentialError,
    UnknownSignatureVersionError,
    ValidationError,
)
from botocore.exceptions import ConnectionError as SdkConnectionError


class BulkPublishGateError(Exception):
    """Base of every error this project raises on purpose; its message is meant for a user."""

    retryable: bool = False
    """True when the same call may succeed if made again a little later."""


class ConfigurationError(BulkPublishGateError):
    """Settings that cannot work: no credentials, an unknown profile, a region without the API."""


class AccessDeniedError(BulkPublishGateError):
    """Cognito Sync refused the caller (NotAuthorized, a bad signature, expired credentials)."""


class PoolNotFoundError(BulkPublishGateError):
    """The identity pool does not exist in the region that was asked."""


class InvalidRequestError(BulkPublishGateError):
    """Cognito Sync rejected a parameter (InvalidParameterException and other 4xx answers)."""


class TransientError(BulkPublishGateError):
    """Throttling, a 5xx answer or a network failure: worth another try inside the deadline."""

    retryable = True
    throttled: bool = False
    """The service said to slow down (a gate on many pools then slows every pool's reads)."""


class ThrottledError(TransientError):
    """Throttling (TooManyRequests, Throttling, LimitExceeded, HTTP 429)."""

    throttled = True


class GateClosedError(BulkPublishGateError):
    """The bulk publish is not SUCCEEDED, so the gate holds back what depends on it."""


_ACCESS_CODES = frozenset(
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
_SLOW_DOWN_CODES = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "LimitExceededException"}
    | {"RequestLimitExceeded"}
)
"""Throttling proper: the codes that ask the caller to slow down (not 5xx)."""
_THROTTLING_CODES = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "LimitExceededException",
        "RequestLimitExceeded",
        "ServiceUnavailableException",
        "InternalErrorException",
    }
)
_CREDENTIAL_ERRORS = (
    NoCredentialsError,
    PartialCredentialsError,
    CredentialRetrievalError,
    TokenRetrievalError,
    SSOError,
)
_NETWORK_ERRORS = (
    SdkConnectionError,  # EndpointConnectionError, ConnectTimeoutError, proxy (not SSL)
    HTTPClientError,  # ReadTimeoutError, ConnectionClosedError, ResponseStreamingError
    IncompleteReadError,
    CapacityNotAvailableError,  # standard mode's retry quota is empty for now
)
"""Worth another try a little later: the network, or the SDK's own retry budget."""
_SETUP_ERRORS = (
    SSLError,  # a certificate that does not verify will not verify on the next try
    ConfigParseError,
    ConfigNotFound,
    InvalidConfigError,
    InvalidDefaultsMode,
    InvalidEndpointConfigurationError,
    InvalidProxiesConfigError,
    DataNotFoundError,  # UnknownServiceError: botocore too old for the service
    UnknownCredentialError,
    UnknownSignatureVersionError,
    MetadataRetrievalError,
    MissingDependencyException,
    ServiceNotInRegionError,
)
"""AWS SDK settings that cannot work; the message of botocore says which."""
USERINFO = re.compile(r"(?<=://)[^/\s\"'<>]*@")
"""The `user:password@` of a URL in a text (up to its last @), to be replaced by `***@`."""


def map_error(
    error: Exception, *, identity_pool_id: str, region: str, operation: str
) -> BulkPublishGateError:
    """Turn what botocore raised into one of our errors, with a message a user can act on.

    Only what may succeed a little later (throttling, 5xx, the network) is a TransientError;
    settings that cannot work are ConfigurationErrors. A URL's user and password never reach
    the message.
    """
    if isinstance(error, BulkPublishGateError):
        return error
    where = f"identity pool {identity_pool_id} in {region}"
    if isinstance(error, ClientError):
        return _from_client_error(error, where=where, operation=operation)
    said = USERINFO.sub("***@", str(error))
    if isinstance(error, BotoCoreError):
        return _from_sdk_error(error, said, where=where, operation=operation)
    return BulkPublishGateError(f"{operation} for {where} failed: {type(error).__name__}: {said}")


def _from_sdk_error(
    error: BotoCoreError, said: str, *, where: str, operation: str
) -> BulkPublishGateError:
    if isinstance(error, ProfileNotFound):
        return ConfigurationError(
            f"{said}. Set aws:profile (or AWS_PROFILE) to a profile in your AWS config file, "
            "or unset it to use the default credential chain."
        )
    if isinstance(error, _CREDENTIAL_ERRORS):
        return ConfigurationError(
            f"no usable AWS credentials for {operation} on {where} ({said}). Credentials come "
            "from the standard chain: AWS_PROFILE or aws:profile, AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY, SSO (run `aws sso login`), or an instance/container role."
        )
    if isinstance(error, InvalidRegionError | NoRegionError):
        return ConfigurationError(
            f"no valid region to call for {where} ({said}). Set bulk-publish-gate:region or "
            "aws:region to an AWS region name such as us-east-1."
        )
    if isinstance(error, BaseEndpointResolverError):
        return ConfigurationError(
            f"the AWS SDK found no endpoint for {operation} on {where} ({said}). Use a region "
            "where Cognito Sync exists, or set AWS_ENDPOINT_URL_COGNITO_SYNC."
        )
    if isinstance(error, InvalidMaxRetryAttemptsError):
        return ConfigurationError(
            f"{said} Set AWS_MAX_ATTEMPTS (or max_attempts in the AWS profile) to a whole "
            "number of at least 1, or unset it."
        )
    if isinstance(error, InvalidRetryModeError | InvalidRetryConfigurationError):
        return ConfigurationError(
            f"{said} Set AWS_RETRY_MODE (or retry_mode in the AWS profile) to legacy, standard "
            "or adaptive, or unset it."
        )
    if isinstance(error, ParamValidationError | ValidationError):
        return ConfigurationError(
            f"the AWS SDK refused the parameters of {operation} on {where} ({said}). Check "
            "bulk-publish-gate:identityPoolId."
        )
    if isinstance(error, _SETUP_ERRORS):
        return ConfigurationError(
            f"{operation} for {where} cannot work with these AWS SDK settings: {said}"
        )
    if isinstance(error, _NETWORK_ERRORS):
        return TransientError(f"could not complete {operation} for {where}: {said}")
    return BulkPublishGateError(
        f"{operation} for {where} failed in the AWS SDK: {type(error).__name__}: {said}"
    )


def _from_client_error(error: ClientError, *, where: str, operation: str) -> BulkPublishGateError:
    info = error.response.get("Error", {})
    code = info.get("Code") or "Unknown"
    message = info.get("Message") or "no message"
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    said = f"{code}: {message}"
    if code in _ACCESS_CODES:
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
    if code in _THROTTLING_CODES or status == 429 or status >= 500:
        slow_down = status == 429 or code in _SLOW_DOWN_CODES
        kind = ThrottledError if slow_down else TransientError
        return kind(f"Cognito Sync could not answer {operation} on {where} ({said})")
    if code == "InvalidParameterException":
        return InvalidRequestError(f"Cognito Sync rejected {operation} on {where} ({said})")
    return InvalidRequestError(
        f"Cognito Sync answered {operation} on {where} with HTTP {status} ({said})"
    )


class UnexpectedAnswerError(BulkPublishGateError):
    """Cognito Sync answered with something outside the output contract (an unknown, missing or
    non-string status): not retried, and never exported."""


class ReadTimedOutError(TransientError):
    """A read did not finish within the wait's deadline plus its margin, and was abandoned."""


class ReadsFailedError(TransientError):
    """The wait ended on failed reads, so there is no fresh status to export or judge."""
