"""Our error tree; it imports nothing, so any module may raise or catch these without loading
botocore (the botocore -> ours mapping lives at the seam, in `aws.errors`).

    BulkPublishGateError          every error raised on purpose; its message is for a user
    ├── ConfigurationError        settings that cannot work (credentials, profile, region...)
    ├── AccessDeniedError         Cognito Sync refused the caller
    ├── PoolNotFoundError         no such identity pool in that region
    ├── InvalidRequestError       Cognito Sync rejected a parameter
    ├── UnexpectedAnswerError     an answer outside the output contract
    ├── ReadsFailedError          the wait ended on failed calls: no fresh status (terminal)
    ├── GateClosedError           the bulk publish is not SUCCEEDED and fresh
    ├── CancelledError            the run was asked to stop (Ctrl-C, the engine gone)
    └── TransientError            worth another try inside the deadline (retryable)
        ├── ThrottledError        the service said to slow down
        └── ReadTimedOutError     a call still in flight at the deadline, abandoned
"""

from __future__ import annotations


class BulkPublishGateError(Exception):
    """Base of every error this project raises on purpose; its message is meant for a user."""

    retryable: bool = False
    """True when the same call may succeed if made again a little later."""
    throttled: bool = False
    """The service said to slow down (every pool of the run then waits a shared pause)."""


class ConfigurationError(BulkPublishGateError):
    """Settings that cannot work: no credentials, an unknown profile, a region without the API."""


class AccessDeniedError(BulkPublishGateError):
    """Cognito Sync refused the caller (NotAuthorized, a bad signature, expired credentials)."""


class PoolNotFoundError(BulkPublishGateError):
    """The identity pool does not exist in the region that was asked."""


class InvalidRequestError(BulkPublishGateError):
    """Cognito Sync rejected a parameter (InvalidParameterException and other 4xx answers)."""


class UnexpectedAnswerError(BulkPublishGateError):
    """Cognito Sync answered with something outside the output contract (an unknown, missing or
    non-string status): not retried, and never exported."""


class ReadsFailedError(BulkPublishGateError):
    """The wait ended on failed calls, so there is no fresh status to export or judge. Terminal:
    the wait already retried until its deadline."""


class GateClosedError(BulkPublishGateError):
    """The bulk publish is not SUCCEEDED, so the gate holds back what depends on it."""


class CancelledError(BulkPublishGateError):
    """The run was asked to stop before it settled (Ctrl-C, the engine gone, a signal)."""


class TransientError(BulkPublishGateError):
    """Throttling, a 5xx answer or a network failure: worth another try inside the deadline."""

    retryable = True


class ThrottledError(TransientError):
    """Throttling (TooManyRequests, Throttling, LimitExceeded, HTTP 429)."""

    throttled = True


class ReadTimedOutError(TransientError):
    """A call was still in flight when the run's hard bound came, and was abandoned."""
