"""The model's data shapes (IdentityPoolId, CognitoStreams, PushSync, outputs) and constraints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

POOL_ID_MIN, POOL_ID_MAX = 1, 55
POOL_ID_PATTERN = r"[\w-]+:[0-9a-f-]+"
ROLE_ARN_MIN, ROLE_ARN_MAX = 20, 2048
ROLE_ARN_PATTERN = r"arn:aws:iam::\d+:role/.*"
STREAM_NAME_MIN, STREAM_NAME_MAX = 1, 128
APPLICATION_ARN_PATTERN = r"arn:aws:sns:[-0-9a-z]+:\d+:app/[A-Z_]+/[a-zA-Z0-9_.-]+"
STREAMING_STATUSES = ("ENABLED", "DISABLED")


class ShapeViolation(Exception):
    """A value broke a model constraint; `wrong_type` marks values that are not even the type."""

    def __init__(self, field: str, rule: str, value: Any, *, wrong_type: bool = False) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        self.wrong_type = wrong_type
        super().__init__(self.api_message())

    def api_message(self) -> str:
        """The message in the service's own validation style."""
        if self.wrong_type:
            return f"Value at '{self.field}' is invalid: {self.rule}"
        return (
            f"1 validation error detected: Value {_show(self.value)} at '{self.field}' "
            f"failed to satisfy constraint: {self.rule}"
        )


@dataclass(frozen=True)
class CognitoStreams:
    """The pool's Kinesis stream settings (`CognitoStreams` in the model)."""

    stream_name: str | None = None
    """The Kinesis stream bulk publish writes to; None when unset."""
    role_arn: str | None = None
    """The role Cognito assumes to write to the stream."""
    streaming_status: str | None = None
    """ENABLED or DISABLED; a DISABLED stream makes bulk publish fail."""

    def to_dict(self) -> dict[str, str]:
        """The model-named members that are set."""
        pairs = [
            ("StreamName", self.stream_name),
            ("RoleArn", self.role_arn),
            ("StreamingStatus", self.streaming_status),
        ]
        return {name: value for name, value in pairs if value is not None}


@dataclass(frozen=True)
class PushSync:
    """The pool's push-sync settings (`PushSync` in the model)."""

    application_arns: tuple[str, ...] | None = None
    """SNS platform application ARNs."""
    role_arn: str | None = None
    """The role Cognito assumes to send push notifications."""

    def to_dict(self) -> dict[str, Any]:
        """The model-named members that are set."""
        out: dict[str, Any] = {}
        if self.application_arns is not None:
            out["ApplicationArns"] = list(self.application_arns)
        if self.role_arn is not None:
            out["RoleArn"] = self.role_arn
        return out


@dataclass(frozen=True)
class BulkPublishDetails:
    """The last bulk publish of a pool, as GetBulkPublishDetails reports it."""

    identity_pool_id: str
    """The pool."""
    status: str
    """NOT_STARTED, IN_PROGRESS, FAILED or SUCCEEDED."""
    start_time: float | None = None
    """Epoch seconds the last bulk publish started; None if none ever did."""
    complete_time: float | None = None
    """Epoch seconds it completed; set only when SUCCEEDED."""
    failure_message: str | None = None
    """Why it failed; set only when FAILED."""


@dataclass(frozen=True)
class PoolConfiguration:
    """A pool's configuration, as Get/SetIdentityPoolConfiguration report it."""

    identity_pool_id: str
    """The pool."""
    push_sync: PushSync | None
    """Push-sync settings, or None when never set."""
    cognito_streams: CognitoStreams | None
    """Stream settings, or None when never set."""


def check_pool_id(value: Any, field: str = "IdentityPoolId") -> str:
    """Return `value` if it is a valid IdentityPoolId, else raise ShapeViolation."""
    return check_string(
        field, value, min_len=POOL_ID_MIN, max_len=POOL_ID_MAX, pattern=POOL_ID_PATTERN
    )


def parse_cognito_streams(obj: Any, field: str = "CognitoStreams") -> CognitoStreams:
    """Validate a model-named CognitoStreams object into the dataclass."""
    members = _members(obj, field, ("StreamName", "RoleArn", "StreamingStatus"))
    name, role, status = (members.get(k) for k in ("StreamName", "RoleArn", "StreamingStatus"))
    return CognitoStreams(
        stream_name=_optional(
            f"{field}.StreamName", name, min_len=STREAM_NAME_MIN, max_len=STREAM_NAME_MAX
        ),
        role_arn=_optional_role_arn(f"{field}.RoleArn", role),
        streaming_status=_optional(f"{field}.StreamingStatus", status, enum=STREAMING_STATUSES),
    )


def parse_push_sync(obj: Any, field: str = "PushSync") -> PushSync:
    """Validate a model-named PushSync object into the dataclass."""
    members = _members(obj, field, ("ApplicationArns", "RoleArn"))
    arns = members.get("ApplicationArns")
    if arns is not None:
        if not isinstance(arns, list):
            raise ShapeViolation(
                f"{field}.ApplicationArns", "expected a list", arns, wrong_type=True
            )
        arns = tuple(
            check_string(f"{field}.ApplicationArns[{i}]", arn, pattern=APPLICATION_ARN_PATTERN)
            for i, arn in enumerate(arns)
        )
    return PushSync(
        application_arns=arns,
        role_arn=_optional_role_arn(f"{field}.RoleArn", members.get("RoleArn")),
    )


def check_string(
    field: str,
    value: Any,
    *,
    min_len: int | None = None,
    max_len: int | None = None,
    pattern: str | None = None,
    enum: tuple[str, ...] | None = None,
) -> str:
    """Return `value` if it is a string meeting every given constraint, else raise."""
    if not isinstance(value, str):
        raise ShapeViolation(field, "expected a string", value, wrong_type=True)
    rule = None
    if min_len is not None and len(value) < min_len:
        rule = f"Member must have length greater than or equal to {min_len}"
    elif max_len is not None and len(value) > max_len:
        rule = f"Member must have length less than or equal to {max_len}"
    elif pattern is not None and re.fullmatch(pattern, value) is None:
        rule = f"Member must satisfy regular expression pattern: {pattern}"
    elif enum is not None and value not in enum:
        rule = f"Member must satisfy enum value set: [{', '.join(enum)}]"
    if rule is not None:
        raise ShapeViolation(field, rule, value)
    return value


def _optional(field: str, value: Any, **rules: Any) -> str | None:
    return None if value is None else check_string(field, value, **rules)


def _optional_role_arn(field: str, value: Any) -> str | None:
    return _optional(
        field, value, min_len=ROLE_ARN_MIN, max_len=ROLE_ARN_MAX, pattern=ROLE_ARN_PATTERN
    )


def _members(obj: Any, field: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ShapeViolation(field, "expected an object", obj, wrong_type=True)
    for key in obj:
        if key not in allowed:
            rule = f"unknown member {key!r} (allowed: {', '.join(allowed)})"
            raise ShapeViolation(field, rule, obj, wrong_type=True)
    return obj


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 80 else text[:77] + "..."
