"""Emulator test helpers: a SigV4-signing raw HTTP client, pool ids and pool specs."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY

POOL_ID = "us-east-1:6d1c1d6e-8a7b-4a51-9b57-1a2b3c4d5e6f"
OTHER_POOL_ID = "eu-west-1:0b1c2d3e-0000-4000-8000-00000000abcd"
MISSING_POOL_ID = "us-east-1:00000000-0000-4000-8000-0000000000ff"
STREAMS = {
    "StreamName": "orders",
    "RoleArn": "arn:aws:iam::123456789012:role/cognito-streams",
    "StreamingStatus": "ENABLED",
}
ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.cognito.sync.model/"


def pool_spec(pool_id: str = POOL_ID, **fields: Any) -> dict[str, Any]:
    """A seed pool entry with a configured, enabled stream; `fields` override."""
    return {"identity_pool_id": pool_id, "cognito_streams": dict(STREAMS), **fields}


def pool_path(pool_id: str, suffix: str) -> str:
    """The request path botocore builds for `pool_id` (the `:` percent-encoded)."""
    return f"/identitypools/{quote(pool_id, safe='')}/{suffix}"


@dataclass
class RawResponse:
    """What came back over the wire, untouched."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class RawClient:
    """Speaks HTTP/1.1 to an emulator without botocore, and signs with SigV4 when asked."""

    def __init__(self, url: str) -> None:
        self.host = urlsplit(url).netloc

    def sign(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        access_key_id: str = DEFAULT_ACCESS_KEY_ID,
        secret_access_key: str = DEFAULT_SECRET_ACCESS_KEY,
        session_token: str | None = None,
        region: str = "us-east-1",
        service: str = "cognito-sync",
        when: datetime | None = None,
    ) -> dict[str, str]:
        """The headers of a request signed the way botocore signs it, at `when` (default now)."""
        request = AWSRequest(method=method, url=f"http://{self.host}{path}", data=body)
        timestamp = (when or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        request.context["timestamp"] = timestamp
        request.headers["X-Amz-Date"] = timestamp
        if session_token is not None:
            request.headers["X-Amz-Security-Token"] = session_token
        signer = SigV4Auth(Credentials(access_key_id, secret_access_key), service, region)
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signed = signer.signed_headers(signer.headers_to_sign(request))
        headers = {"Host": self.host, **dict(request.headers.items())}
        headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={signer.scope(request)}, "
            f"SignedHeaders={signed}, Signature={signature}"
        )
        return headers

    def send(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> RawResponse:
        """Send exactly this request on a fresh connection."""
        connection = http.client.HTTPConnection(self.host, timeout=5)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return RawResponse(response.status, response.headers, response.read())
        finally:
            connection.close()

    def call(self, method: str, path: str, body: bytes = b"", **signing: Any) -> RawResponse:
        """Sign (keyword arguments as for `sign`) and send."""
        return self.send(method, path, body, self.sign(method, path, body, **signing))

    def control(self, method: str, command: str, payload: Any = None) -> RawResponse:
        """A control API request: `command` is the path under /_emulator/."""
        body = b"" if payload is None else json.dumps(payload).encode()
        return self.send(method, f"/_emulator/{command}", body)
