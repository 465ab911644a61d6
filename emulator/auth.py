"""SigV4 verification of incoming requests against the emulator's configured credentials."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator.errors import NotAuthorizedException

DEFAULT_ACCESS_KEY_ID = "AKIAEMULATORDEVKEY01"
DEFAULT_SECRET_ACCESS_KEY = "emulator-developer-secret-key-do-not-use-in-aws"  # noqa: S105
COGNITO_IDENTITY_ACCESS_KEY_ID = "ASIAEMULATORCOGNITO1"
COGNITO_IDENTITY_SECRET_ACCESS_KEY = "emulator-cognito-identity-secret"  # noqa: S105
COGNITO_IDENTITY_SESSION_TOKEN = "emulator-cognito-identity-session-token"  # noqa: S105

SERVICE_NAME = "cognito-sync"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
CREDENTIAL_KINDS = ("developer", "cognito-identity")
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_AUTH_RE = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})\s*"
)


@dataclass(frozen=True)
class Credential:
    """One access key the emulator accepts."""

    access_key_id: str
    """The key id clients sign with (it appears in the request log)."""
    secret_access_key: str
    """The signing secret; never logged."""
    session_token: str | None = None
    """When set, requests must carry exactly this `X-Amz-Security-Token`; never logged."""
    kind: str = "developer"
    """`developer` (IAM credentials, allowed) or `cognito-identity` (always refused)."""


DEFAULT_CREDENTIALS = (
    Credential(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY),
    Credential(
        COGNITO_IDENTITY_ACCESS_KEY_ID,
        COGNITO_IDENTITY_SECRET_ACCESS_KEY,
        COGNITO_IDENTITY_SESSION_TOKEN,
        kind="cognito-identity",
    ),
)


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs of a request, exactly as it arrived."""

    method: str
    raw_path: str
    """The request target as received, percent-encoding and query string included."""
    headers: Message
    body: bytes


def access_key_id_of(headers: Message) -> str | None:
    """The access key id a request claims to be signed with, without verifying anything."""
    match = _AUTH_RE.fullmatch(headers.get("Authorization", "").strip())
    return match["credential"].split("/", 1)[0] if match else None


def verify(
    request: SignedRequest,
    credentials: Mapping[str, Credential],
    wall_clock: Callable[[], float] = time.time,
) -> Credential:
    """Return the credential that validly signed `request`, or raise NotAuthorizedException."""
    header = request.headers.get("Authorization")
    if not header:
        raise _refuse("Missing Authorization header: requests must be signed with SigV4")
    match = _AUTH_RE.fullmatch(header.strip())
    if match is None:
        raise _refuse(
            "Malformed Authorization header: expected 'AWS4-HMAC-SHA256 "
            "Credential=..., SignedHeaders=..., Signature=...'"
        )
    key_id, date, region, service = _scope(match["credential"])
    amz_date = _check_date(request.headers.get("X-Amz-Date"), date, wall_clock())
    if service != SERVICE_NAME:
        raise _refuse(f"Credential should be scoped to service '{SERVICE_NAME}', not '{service}'")
    credential = credentials.get(key_id)
    if credential is None:
        raise _refuse(f"Unknown access key id '{key_id}': the security token is invalid")
    signed = match["signed"].split(";")
    expected = _signature(request, credential, signed, amz_date, region)
    if not hmac.compare_digest(expected, match["signature"]):
        raise _refuse(
            "Signature mismatch: the request signature we calculated does not match "
            "the signature you provided; check your secret access key and signing method"
        )
    _check_token(request.headers.get("X-Amz-Security-Token"), credential)
    if credential.kind != "developer":
        raise _refuse(
            "Cognito Identity temporary user credentials cannot call this API; "
            "use developer (IAM) credentials"
        )
    return credential


def _scope(credential: str) -> tuple[str, str, str, str]:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts):
        raise _refuse(
            f"Malformed Authorization header: credential scope '{credential}' is not "
            "'<access key id>/<date>/<region>/<service>/aws4_request'"
        )
    return parts[0], parts[1], parts[2], parts[3]


def _check_date(amz_date: str | None, scope_date: str, now: float) -> str:
    if not amz_date:
        raise _refuse("Missing X-Amz-Date header: SigV4 requests must carry their signing time")
    try:
        signed_at = calendar.timegm(time.strptime(amz_date, _AMZ_DATE))
    except ValueError:
        raise _refuse(f"Malformed X-Amz-Date '{amz_date}': expected YYYYMMDD'T'HHMMSS'Z'") from None
    if abs(now - signed_at) > MAX_CLOCK_SKEW_SECONDS:
        raise _refuse(
            f"Signature expired: X-Amz-Date {amz_date} is more than 15 minutes from "
            f"the server time {time.strftime(_AMZ_DATE, time.gmtime(now))}"
        )
    if amz_date[:8] != scope_date:
        raise _refuse(f"Credential scope date {scope_date} does not match X-Amz-Date {amz_date}")
    return amz_date


def _check_token(token: str | None, credential: Credential) -> None:
    if token == credential.session_token:
        return
    if credential.session_token is None:
        raise _refuse("Wrong session token: this access key takes no X-Amz-Security-Token")
    if token is None:
        raise _refuse("Wrong session token: X-Amz-Security-Token is missing for this access key")
    raise _refuse("Wrong session token: X-Amz-Security-Token does not match this access key")


def _signature(
    request: SignedRequest, credential: Credential, signed: list[str], amz_date: str, region: str
) -> str:
    host = request.headers.get("Host", "")
    aws_request = AWSRequest(method=request.method, url=f"http://{host}{request.raw_path}")
    for name in signed:
        values = request.headers.get_all(name)
        if not values:
            raise _refuse(f"Signature mismatch: signed header '{name}' is not in the request")
        for value in values:
            aws_request.headers[name] = value
    content_sha = request.headers.get("X-Amz-Content-SHA256")
    if content_sha is not None and content_sha != hashlib.sha256(request.body).hexdigest():
        raise _refuse("Signature mismatch: X-Amz-Content-SHA256 does not match the body")
    aws_request.data = request.body
    aws_request.context["timestamp"] = amz_date
    signer = SigV4Auth(
        Credentials(credential.access_key_id, credential.secret_access_key), SERVICE_NAME, region
    )
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)


def _refuse(message: str) -> NotAuthorizedException:
    """The service's answer to any request it will not authenticate."""
    return NotAuthorizedException(message)
