"""Typed Cognito Sync service errors: each carries its wire code, HTTP status and message."""

from __future__ import annotations

from typing import ClassVar

#: The namespace the real service appends to `x-amzn-ErrorType` (botocore trims it at `:`).
ERROR_TYPE_NAMESPACE = "http://internal.amazon.com/coral/com.amazonaws.cognito.sync.model/"


class ServiceError(Exception):
    """An error the service answers with: `code` and `status` come from the botocore model."""

    code: ClassVar[str] = "ServiceError"
    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAuthorizedException(ServiceError):
    """The request's credentials or signature were refused."""

    code = "NotAuthorizedException"
    status = 403


class InvalidParameterException(ServiceError):
    """A parameter broke one of the model's constraints."""

    code = "InvalidParameterException"
    status = 400


class ResourceNotFoundException(ServiceError):
    """The identity pool does not exist."""

    code = "ResourceNotFoundException"
    status = 404


class InternalErrorException(ServiceError):
    """The service failed; clients retry it as a transient error."""

    code = "InternalErrorException"
    status = 500


class DuplicateRequestException(ServiceError):
    """A bulk publish is already IN_PROGRESS."""

    code = "DuplicateRequestException"
    status = 400


class AlreadyStreamedException(ServiceError):
    """A bulk publish succeeded less than 24 hours ago."""

    code = "AlreadyStreamedException"
    status = 400


class TooManyRequestsException(ServiceError):
    """Throttled (HTTP 429)."""

    code = "TooManyRequestsException"
    status = 429


class ConcurrentModificationException(ServiceError):
    """The configuration was changed by another request at the same time."""

    code = "ConcurrentModificationException"
    status = 400


class LimitExceededException(ServiceError):
    """An account limit was hit; botocore's standard retry mode treats it as throttling."""

    code = "LimitExceededException"
    status = 400


class ThrottlingException(ServiceError):
    """Generic AWS throttling (not in this service's model, but sent by the AWS front end)."""

    code = "ThrottlingException"
    status = 400


class ServiceUnavailableException(ServiceError):
    """The AWS front end is unavailable (HTTP 503)."""

    code = "ServiceUnavailableException"
    status = 503


class SerializationException(ServiceError):
    """The request body could not be read as the operation's input."""

    code = "SerializationException"
    status = 400


class UnknownOperationException(ServiceError):
    """No operation is served at this method and path."""

    code = "UnknownOperationException"
    status = 404


class BadRequestException(ServiceError):
    """The request is not well-formed HTTP/1.1 (request line, headers, framing or Host)."""

    code = "BadRequestException"
    status = 400


class RequestTimeoutException(ServiceError):
    """The request did not arrive whole within the server's request timeout."""

    code = "RequestTimeoutException"
    status = 408


class LengthRequiredException(ServiceError):
    """The body is not framed by a Content-Length (chunked bodies are not read)."""

    code = "LengthRequiredException"
    status = 411


class RequestEntityTooLargeException(ServiceError):
    """The body is over the server's size limit; it is not read."""

    code = "RequestEntityTooLargeException"
    status = 413


class RequestHeaderFieldsTooLargeException(ServiceError):
    """The request line and headers are over the server's size limit."""

    code = "RequestHeaderFieldsTooLargeException"
    status = 431
