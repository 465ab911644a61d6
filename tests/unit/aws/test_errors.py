"""botocore errors -> our error tree: the right class, retryability and an actionable message."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    CapacityNotAvailableError,
    ClientError,
    ConfigParseError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
    InvalidMaxRetryAttemptsError,
    InvalidRegionError,
    InvalidRetryModeError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    ProfileNotFound,
    ReadTimeoutError,
    ResponseStreamingError,
    SSLError,
    UnknownEndpointError,
    UnknownServiceError,
    WaiterError,
)

from components.aws.errors import map_error
from components.core.errors import (
    AccessDeniedError,
    BulkPublishGateError,
    ConfigurationError,
    InvalidRequestError,
    PoolNotFoundError,
    ThrottledError,
    TransientError,
)

POOL = "us-east-1:0f5b6a1e"


def client_error(code: str, status: int, message: str = "said the service") -> ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "GetBulkPublishDetails")


CASES = [
    (client_error("NotAuthorizedException", 403), AccessDeniedError, "developer (IAM) credentials"),
    (client_error("UnrecognizedClientException", 403), AccessDeniedError, "aws:profile"),
    (client_error("InvalidSignatureException", 403), AccessDeniedError, "IAM"),
    (client_error("ExpiredTokenException", 400), AccessDeniedError, "IAM"),
    (client_error("ResourceNotFoundException", 404), PoolNotFoundError, "was not found"),
    (client_error("InvalidParameterException", 400), InvalidRequestError, "rejected"),
    (client_error("TooManyRequestsException", 429), ThrottledError, "TooManyRequests"),
    (client_error("ThrottlingException", 400), ThrottledError, "Throttling"),
    (client_error("LimitExceededException", 400), ThrottledError, "LimitExceeded"),
    (client_error("InternalErrorException", 500), TransientError, "InternalError"),
    (client_error("ServiceUnavailableException", 503), TransientError, "ServiceUnavailable"),
    (client_error("Whatever", 502), TransientError, "Whatever"),
    (client_error("SomethingNew", 409), InvalidRequestError, "HTTP 409"),
    (EndpointConnectionError(endpoint_url="https://x"), TransientError, "could not complete"),
    (ConnectionClosedError(endpoint_url="https://x"), TransientError, "closed"),
    (ReadTimeoutError(endpoint_url="https://x"), TransientError, "Read timeout"),
    (NoCredentialsError(), ConfigurationError, "standard chain"),
    (ProfileNotFound(profile="nope"), ConfigurationError, "aws:profile"),
    (ValueError("odd"), BulkPublishGateError, "ValueError: odd"),
    # Only what may succeed a little later is transient.
    (ConnectTimeoutError(endpoint_url="https://x"), TransientError, "Connect timeout"),
    (HTTPClientError(error="reset"), TransientError, "reset"),
    (IncompleteReadError(actual_bytes=1, expected_bytes=2), TransientError, "1 read"),
    (ResponseStreamingError(error="gone"), TransientError, "gone"),
    (CapacityNotAvailableError(), TransientError, "capacity"),
    # Settings that cannot work are configuration errors, with the fix.
    (InvalidRegionError(region_name="a_b"), ConfigurationError, "bulk-publish-gate:region"),
    (NoRegionError(), ConfigurationError, "aws:region"),
    (
        UnknownEndpointError(service_name="cognito-sync", region_name="xx-1"),
        ConfigurationError,
        "AWS_ENDPOINT_URL_COGNITO_SYNC",
    ),
    (
        InvalidMaxRetryAttemptsError(provided_max_attempts=0, min_value=1),
        ConfigurationError,
        "AWS_MAX_ATTEMPTS",
    ),
    (
        InvalidRetryModeError(provided_retry_mode="bogus", valid_modes="legacy"),
        ConfigurationError,
        "AWS_RETRY_MODE",
    ),
    (ParamValidationError(report="Invalid length"), ConfigurationError, "Invalid length"),
    (SSLError(endpoint_url="https://x", error="bad cert"), ConfigurationError, "bad cert"),
    (ConfigParseError(path="~/.aws/config"), ConfigurationError, "~/.aws/config"),
    (UnknownServiceError(service_name="x", known_service_names="y"), ConfigurationError, "x"),
    (WaiterError(name="w", reason="r", last_response={}), BulkPublishGateError, "WaiterError"),
]


@pytest.mark.parametrize(("error", "kind", "fragment"), CASES)
def test_each_botocore_error_maps_to_one_of_ours(error, kind, fragment):
    mapped = map_error(error, identity_pool_id=POOL, region="us-east-1", operation="Op")
    assert type(mapped) is kind
    assert mapped.retryable is issubclass(kind, TransientError)
    assert fragment in str(mapped)


@pytest.mark.parametrize("code", ["NotAuthorizedException", "ResourceNotFoundException"])
def test_messages_name_the_pool_and_region(code):
    mapped = map_error(
        client_error(code, 400), identity_pool_id=POOL, region="eu-west-1", operation="Op"
    )
    assert POOL in str(mapped)
    assert "eu-west-1" in str(mapped)
    assert "said the service" in str(mapped)


def test_our_own_errors_pass_through_unchanged():
    error = PoolNotFoundError("x")
    assert map_error(error, identity_pool_id=POOL, region="r", operation="Op") is error


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="http://me:hunter2@h:1/x"),
        SSLError(endpoint_url="https://me:hunter2@h", error="bad"),
        ValueError("Invalid endpoint: http://me:hunter2@h"),
    ],
)
def test_credentials_in_a_url_never_reach_the_message(error):
    mapped = map_error(error, identity_pool_id=POOL, region="us-east-1", operation="Op")
    assert "hunter2" not in str(mapped)
    assert "h" in str(mapped)
