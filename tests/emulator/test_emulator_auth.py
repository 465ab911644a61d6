"""SigV4 as the service checks it: every refusal is a 403 NotAuthorizedException saying why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from emulator import (
    COGNITO_IDENTITY_ACCESS_KEY_ID,
    COGNITO_IDENTITY_SECRET_ACCESS_KEY,
    COGNITO_IDENTITY_SESSION_TOKEN,
    DEFAULT_ACCESS_KEY_ID,
    Emulator,
)
from tests.emulator.support import POOL_ID, RawClient, pool_path, pool_spec

DETAILS = pool_path(POOL_ID, "getBulkPublishDetails")
CONFIGURATION = pool_path(POOL_ID, "configuration")
TOKEN_KEY = {
    "access_key_id": "ASIATOKENKEY00000001",
    "secret_access_key": "token-key-secret",
    "session_token": "the-right-token",
}


@pytest.fixture
def token_emulator(manual_clock):
    """An emulator whose only developer key needs a session token."""
    seed = {"credentials": [TOKEN_KEY], "pools": [pool_spec()]}
    with Emulator(seed=seed, clock=manual_clock) as running:
        yield running


BOTO3_REFUSALS = [
    ({"access_key_id": "AKIAUNKNOWNKEY000000"}, "Unknown access key id 'AKIAUNKNOWNKEY000000'"),
    ({"secret_access_key": "not-the-secret"}, "Signature mismatch"),
    ({"session_token": "unexpected-token"}, "Wrong session token"),
    (
        {
            "access_key_id": COGNITO_IDENTITY_ACCESS_KEY_ID,
            "secret_access_key": COGNITO_IDENTITY_SECRET_ACCESS_KEY,
            "session_token": COGNITO_IDENTITY_SESSION_TOKEN,
        },
        "Cognito Identity temporary user credentials cannot call this API; "
        "use developer (IAM) credentials",
    ),
    (
        {
            "access_key_id": COGNITO_IDENTITY_ACCESS_KEY_ID,
            "secret_access_key": COGNITO_IDENTITY_SECRET_ACCESS_KEY,
            "session_token": "someone-elses-token",
        },
        "Wrong session token",
    ),
]


@pytest.mark.parametrize(("credentials", "reason"), BOTO3_REFUSALS)
def test_boto3_clients_with_bad_credentials_are_refused(
    emulator, make_sync_client, credentials, reason
):
    emulator.backend.put_pool(pool_spec())
    client = make_sync_client(total_max_attempts=1, **credentials)
    with pytest.raises(ClientError) as caught:
        client.get_bulk_publish_details(IdentityPoolId=POOL_ID)
    assert caught.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert reason in caught.value.response["Error"]["Message"]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-2", "ap-northeast-1"])
def test_any_region_is_accepted(emulator, make_sync_client, region):
    emulator.backend.put_pool(pool_spec())
    client = make_sync_client(region=region)
    assert client.get_bulk_publish_details(IdentityPoolId=POOL_ID)["IdentityPoolId"] == POOL_ID


@pytest.mark.parametrize(
    ("token", "status", "reason"),
    [
        ("the-right-token", 200, None),
        (None, 403, "X-Amz-Security-Token is missing"),
        ("the-wrong-token", 403, "X-Amz-Security-Token does not match"),
    ],
)
def test_a_key_with_a_token_needs_exactly_that_token(token_emulator, token, status, reason):
    raw = RawClient(token_emulator.url)
    signing = {**TOKEN_KEY, "session_token": token}
    response = raw.call("POST", DETAILS, **signing)
    assert response.status == status
    if reason:
        assert reason in response.json()["message"]


def _now_minus(minutes):
    return datetime.now(UTC) - timedelta(minutes=minutes)


def _tamper_body(raw):
    headers = raw.sign("POST", CONFIGURATION, b'{"CognitoStreams": {"StreamName": "orders"}}')
    return raw.send("POST", CONFIGURATION, b'{"CognitoStreams": {"StreamName": "stolen"}}', headers)


def _tamper_path(raw):
    other = pool_path("us-east-1:0000", "getBulkPublishDetails")
    return raw.send("POST", DETAILS, b"", raw.sign("POST", other))


def _tamper_method(raw):
    return raw.send("POST", CONFIGURATION, b"", raw.sign("GET", CONFIGURATION))


def _tamper_signed_header(raw):
    headers = raw.sign("POST", DETAILS)
    headers["Host"] = headers["Host"].replace("127.0.0.1", "localhost")
    return raw.send("POST", DETAILS, b"", headers)


def _drop_signed_header(raw):
    headers = raw.sign("POST", DETAILS)
    headers["Authorization"] = headers["Authorization"].replace(
        "SignedHeaders=host;x-amz-date", "SignedHeaders=host;x-amz-date;x-amz-target"
    )
    return raw.send("POST", DETAILS, b"", headers)


def _without(header):
    def send(raw):
        headers = raw.sign("POST", DETAILS)
        del headers[header]
        return raw.send("POST", DETAILS, b"", headers)

    return send


def _with_authorization(value):
    def send(raw):
        headers = {**raw.sign("POST", DETAILS), "Authorization": value}
        return raw.send("POST", DETAILS, b"", headers)

    return send


def _signed(minutes_ago: float | None = None, **signing):
    """A signed call; a signing time of `minutes_ago` is taken when it is sent, not when the
    table is built (the suite may run long after it was collected)."""
    if minutes_ago is None:
        return lambda raw: raw.call("POST", DETAILS, **signing)
    return lambda raw: raw.call("POST", DETAILS, when=_now_minus(minutes_ago), **signing)


RAW_REFUSALS = [
    ("tampered body", _tamper_body, "Signature mismatch"),
    ("tampered path", _tamper_path, "Signature mismatch"),
    ("tampered method", _tamper_method, "Signature mismatch"),
    ("tampered signed header", _tamper_signed_header, "Signature mismatch"),
    ("signed header not sent", _drop_signed_header, "signed header 'x-amz-target'"),
    ("no Authorization", _without("Authorization"), "Missing Authorization header"),
    ("no X-Amz-Date", _without("X-Amz-Date"), "Missing X-Amz-Date"),
    ("not SigV4", _with_authorization("Bearer abc"), "Malformed Authorization header"),
    (
        "bad scope",
        _with_authorization(
            f"AWS4-HMAC-SHA256 Credential={DEFAULT_ACCESS_KEY_ID}/us-east-1, "
            f"SignedHeaders=host, Signature={'0' * 64}"
        ),
        "credential scope",
    ),
    ("expired", _signed(minutes_ago=20), "Signature expired"),
    ("from the future", _signed(minutes_ago=-20), "Signature expired"),
    ("other service", _signed(service="cognito-identity"), "scoped to service 'cognito-sync'"),
    ("unknown key", _signed(access_key_id="AKIANOBODY0000000000"), "Unknown access key id"),
    ("wrong secret", _signed(secret_access_key="guess"), "Signature mismatch"),
    ("token without one", _signed(session_token="x"), "takes no X-Amz-Security-Token"),
]


@pytest.mark.parametrize(
    ("case", "send", "reason"), RAW_REFUSALS, ids=[case for case, _, _ in RAW_REFUSALS]
)
def test_raw_requests_are_refused_saying_why(emulator, raw, case, send, reason):
    emulator.backend.put_pool(pool_spec())
    response = send(raw)
    assert response.status == 403
    assert response.headers["x-amzn-ErrorType"].startswith("NotAuthorizedException:")
    assert reason in response.json()["message"]


def test_the_raw_signer_is_accepted_when_nothing_is_wrong(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    assert raw.call("POST", DETAILS).status == 200
    assert raw.call("POST", DETAILS, when=_now_minus(14)).status == 200


def test_the_date_window_uses_the_wall_clock_not_the_emulator_clock(emulator, raw, manual_clock):
    emulator.backend.put_pool(pool_spec())
    manual_clock.advance(365 * 24 * 3600)
    assert raw.call("POST", DETAILS).status == 200


def test_refused_requests_are_counted_and_logged_with_the_key_id(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    raw.call("POST", DETAILS, secret_access_key="guess")
    assert emulator.backend.call_count("GetBulkPublishDetails") == 1
    (entry,) = emulator.backend.request_log()
    assert entry["access_key_id"] == DEFAULT_ACCESS_KEY_ID
    assert (entry["status"], entry["error_code"]) == (403, "NotAuthorizedException")
