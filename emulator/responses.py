"""Wire format only: the REST-JSON requests and responses of Cognito Sync, and JSON helpers."""

from __future__ import annotations

import itertools
import json
import operator
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from emulator.errors import ERROR_TYPE_NAMESPACE, SerializationException, ServiceError
from emulator.models import Backend
from emulator.shapes import BulkPublishDetails, PoolConfiguration

_SET_CONFIGURATION_MEMBERS = ("PushSync", "CognitoStreams")
#: The deepest JSON body read (a real request nests three levels); deeper is refused unparsed.
MAX_JSON_DEPTH = 32
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_TWO_PER_OPENING = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


@dataclass(frozen=True)
class Response:
    """An HTTP response ready to send (Content-Length is added by the server)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error_code: str | None = None
    """The service error code, for the request log (not sent as such)."""


def json_response(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """A JSON response with the given status."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, (("Content-Type", "application/json"), *headers), body)


def success(payload: dict[str, Any]) -> Response:
    """A 200 service response."""
    return json_response(200, payload, (("x-amzn-RequestId", str(uuid.uuid4())),))


def service_error(error: ServiceError) -> Response:
    """A service error: the model's status, `x-amzn-ErrorType` and `{"message": ...}`."""
    headers = (
        ("x-amzn-ErrorType", f"{error.code}:{ERROR_TYPE_NAMESPACE}"),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    )
    response = json_response(error.status, {"message": error.message}, headers)
    return replace(response, error_code=error.code)


def read_json_object(body: bytes, what: str = "Request body") -> dict[str, Any]:
    """Decode a JSON object body (empty means `{}`), or raise SerializationException."""
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8")
        if _too_deep(text):
            raise SerializationException(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise SerializationException(f"{what} is not valid JSON: {exc}") from None
    except RecursionError:
        raise SerializationException(f"{what} is nested too deeply to read") from None
    if not isinstance(document, dict):
        raise SerializationException(f"{what} must be a JSON object")
    return document


def _too_deep(text: str) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than MAX_JSON_DEPTH, in linear
    time: escapes and strings removed, the depth is the highest running sum of +1 per opening
    and -1 per closing bracket (unbalanced brackets are left for the parser to name)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    doubled = itertools.accumulate(brackets.encode().translate(_TWO_PER_OPENING))
    depths = map(operator.sub, doubled, itertools.count(1))  # 2 * opened - seen = depth
    return next(filter(MAX_JSON_DEPTH.__lt__, depths), None) is not None  # stops at the first


def details_to_wire(details: BulkPublishDetails) -> dict[str, Any]:
    """GetBulkPublishDetails output; absent members omitted, times as epoch numbers."""
    out: dict[str, Any] = {
        "IdentityPoolId": details.identity_pool_id,
        "BulkPublishStatus": details.status,
    }
    if details.start_time is not None:
        out["BulkPublishStartTime"] = _epoch(details.start_time)
    if details.complete_time is not None:
        out["BulkPublishCompleteTime"] = _epoch(details.complete_time)
    if details.failure_message is not None:
        out["FailureMessage"] = details.failure_message
    return out


def configuration_to_wire(configuration: PoolConfiguration) -> dict[str, Any]:
    """Get/SetIdentityPoolConfiguration output; absent members omitted."""
    out: dict[str, Any] = {"IdentityPoolId": configuration.identity_pool_id}
    if configuration.push_sync is not None:
        out["PushSync"] = configuration.push_sync.to_dict()
    if configuration.cognito_streams is not None:
        out["CognitoStreams"] = configuration.cognito_streams.to_dict()
    return out


class CognitoSyncResponse:
    """Turns a routed request into a backend call and its result into the wire format."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._handlers: dict[str, Callable[[str, bytes], dict[str, Any]]] = {
            "GetBulkPublishDetails": self.get_bulk_publish_details,
            "BulkPublish": self.bulk_publish,
            "GetIdentityPoolConfiguration": self.get_identity_pool_configuration,
            "SetIdentityPoolConfiguration": self.set_identity_pool_configuration,
        }

    def dispatch(self, operation: str, pool_id: str, body: bytes) -> Response:
        """Serve one operation; raises ServiceError for the caller to render."""
        return success(self._handlers[operation](pool_id, body))

    def get_bulk_publish_details(self, pool_id: str, body: bytes) -> dict[str, Any]:
        return details_to_wire(self.backend.get_bulk_publish_details(pool_id))

    def bulk_publish(self, pool_id: str, body: bytes) -> dict[str, Any]:
        return {"IdentityPoolId": self.backend.bulk_publish(pool_id)}

    def get_identity_pool_configuration(self, pool_id: str, body: bytes) -> dict[str, Any]:
        return configuration_to_wire(self.backend.get_configuration(pool_id))

    def set_identity_pool_configuration(self, pool_id: str, body: bytes) -> dict[str, Any]:
        document = read_json_object(body)
        for key in document:
            if key not in _SET_CONFIGURATION_MEMBERS:
                raise SerializationException(
                    f"Unknown member {key!r} in the request body (allowed: PushSync, "
                    "CognitoStreams)"
                )
        configuration = self.backend.set_configuration(
            pool_id, document.get("PushSync"), document.get("CognitoStreams")
        )
        return configuration_to_wire(configuration)


def _epoch(seconds: float) -> float | int:
    rounded = round(seconds, 3)
    return int(rounded) if rounded.is_integer() else rounded
