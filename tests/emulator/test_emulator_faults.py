"""Injected faults as boto3 sees them, call counters, the request log, and 64 clients at once."""

from __future__ import annotations

import json
import threading

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from emulator import (
    COGNITO_IDENTITY_ACCESS_KEY_ID,
    COGNITO_IDENTITY_SECRET_ACCESS_KEY,
    COGNITO_IDENTITY_SESSION_TOKEN,
    DEFAULT_SECRET_ACCESS_KEY,
    FAULT_KINDS,
)
from tests.emulator.support import OTHER_POOL_ID, POOL_ID, pool_spec

READ = "GetBulkPublishDetails"
ERROR_KINDS = [
    ("too-many-requests", "TooManyRequestsException", 429),
    ("throttling", "ThrottlingException", 400),
    ("limit-exceeded", "LimitExceededException", 400),
    ("internal-error", "InternalErrorException", 500),
    ("service-unavailable", "ServiceUnavailableException", 503),
]


@pytest.fixture
def pool(emulator):
    emulator.backend.put_pool(pool_spec())
    return POOL_ID


def _read(client):
    return client.get_bulk_publish_details(IdentityPoolId=POOL_ID)


def test_every_fault_kind_is_tested():
    tested = {kind for kind, _, _ in ERROR_KINDS} | {
        "drop-connection",
        "drop-answer",
        "latency",
        "concurrent-modification",
    }
    assert tested == set(FAULT_KINDS)


@pytest.mark.parametrize(("kind", "code", "status"), ERROR_KINDS)
def test_a_short_fault_is_retried_away(emulator, make_sync_client, pool, kind, code, status):
    emulator.backend.inject_fault(kind, operation=READ, count=1)
    client = make_sync_client(total_max_attempts=2)
    response = _read(client)
    assert response["BulkPublishStatus"] == "NOT_STARTED"
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert emulator.backend.call_count(READ) == 2


@pytest.mark.parametrize(("kind", "code", "status"), ERROR_KINDS)
def test_a_fault_outlasting_the_attempts_fails_the_call(
    emulator, make_sync_client, pool, kind, code, status
):
    emulator.backend.inject_fault(kind, operation=READ, count=2)
    client = make_sync_client(total_max_attempts=2)
    with pytest.raises(ClientError) as caught:
        _read(client)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert emulator.backend.call_count(READ) == 2
    assert _read(client)["BulkPublishStatus"] == "NOT_STARTED"


def test_a_dropped_connection_is_a_connection_error(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("drop-connection", operation=READ, count=1)
    with pytest.raises(ConnectionClosedError):
        _read(make_sync_client(total_max_attempts=1))
    assert _read(make_sync_client(total_max_attempts=1))["IdentityPoolId"] == POOL_ID
    (dropped, served) = emulator.backend.request_log()
    assert (dropped["status"], dropped["fault"]) == (None, "drop-connection")
    assert (served["status"], served["fault"]) == (200, None)


def test_a_dropped_connection_is_retried_away(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("drop-connection", operation=READ, count=1)
    assert _read(make_sync_client(total_max_attempts=2))["IdentityPoolId"] == POOL_ID
    assert emulator.backend.call_count(READ) == 2


def test_a_dropped_answer_comes_after_the_work(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("drop-answer", operation="BulkPublish", count=1)
    client = make_sync_client(total_max_attempts=1)
    with pytest.raises(ConnectionClosedError):
        client.bulk_publish(IdentityPoolId=POOL_ID)
    assert _read(client)["BulkPublishStatus"] == "SUCCEEDED"  # it started (and, at 0 s, ended)
    assert [(e["status"], e["fault"]) for e in emulator.backend.request_log()] == [
        (None, "drop-answer"),
        (200, None),
    ]


def test_latency_beyond_the_read_timeout_is_a_read_timeout(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("latency", operation=READ, count=1, latency_seconds=2)
    with pytest.raises(ReadTimeoutError):
        _read(make_sync_client(total_max_attempts=1, read_timeout=0.3))


def test_latency_within_the_read_timeout_serves_normally(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("latency", operation=READ, latency_seconds=0.05)
    client = make_sync_client(total_max_attempts=1)
    assert [_read(client)["BulkPublishStatus"] for _ in range(2)] == ["NOT_STARTED"] * 2
    assert [entry["fault"] for entry in emulator.backend.request_log()] == ["latency"] * 2


def test_faults_are_scoped_to_their_operation(emulator, sync_client, pool):
    emulator.backend.inject_fault("internal-error", operation="BulkPublish")
    assert _read(sync_client)["BulkPublishStatus"] == "NOT_STARTED"
    sync_client.get_identity_pool_configuration(IdentityPoolId=POOL_ID)
    assert emulator.backend.calls() == {
        "GetBulkPublishDetails": 1,
        "BulkPublish": 0,
        "GetIdentityPoolConfiguration": 1,
        "SetIdentityPoolConfiguration": 0,
    }


def test_a_wildcard_fault_without_count_lasts_until_cleared(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("throttling")
    client = make_sync_client(total_max_attempts=1)
    for call in (_read, lambda c: c.bulk_publish(IdentityPoolId=POOL_ID)) * 2:
        with pytest.raises(ClientError, match="ThrottlingException"):
            call(client)
    assert emulator.backend.clear_faults() == 1
    assert _read(client)["BulkPublishStatus"] == "NOT_STARTED"


def test_faults_come_before_authentication(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("service-unavailable", count=1)
    client = make_sync_client(total_max_attempts=1, secret_access_key="wrong")
    with pytest.raises(ClientError, match="ServiceUnavailableException"):
        _read(client)
    with pytest.raises(ClientError, match="NotAuthorizedException"):
        _read(client)


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ({"kind": "meteor-strike"}, "unknown fault kind 'meteor-strike'"),
        ({"kind": "throttling", "operation": "ListDatasets"}, "unknown operation 'ListDatasets'"),
        ({"kind": "throttling", "count": 0}, "count must be a positive integer"),
        ({"kind": "latency"}, "latency fault needs latency_seconds > 0"),
        ({"kind": "latency", "latency_seconds": -1}, "latency_seconds must be a number"),
    ],
)
def test_bad_faults_are_refused(emulator, arguments, fragment):
    with pytest.raises(ValueError, match=fragment):
        emulator.backend.inject_fault(**arguments)


def test_counters_count_every_routed_request(emulator, make_sync_client, pool):
    emulator.backend.inject_fault("internal-error", operation="BulkPublish", count=1)
    client = make_sync_client(total_max_attempts=1)
    with pytest.raises(ClientError):
        client.bulk_publish(IdentityPoolId=POOL_ID)
    client.bulk_publish(IdentityPoolId=POOL_ID)
    _read(client)
    for pool_id in (OTHER_POOL_ID, "bad"):
        with pytest.raises(ClientError):
            client.get_bulk_publish_details(IdentityPoolId=pool_id)
    assert emulator.backend.call_count("BulkPublish") == 2
    assert emulator.backend.call_count(READ) == 3
    assert [entry["status"] for entry in emulator.backend.request_log()] == [
        500,
        200,
        200,
        404,
        400,
    ]


def test_the_request_log_never_holds_secrets_or_tokens(emulator, make_sync_client, raw, pool):
    make_sync_client().bulk_publish(IdentityPoolId=POOL_ID)
    cognito = make_sync_client(
        total_max_attempts=1,
        access_key_id=COGNITO_IDENTITY_ACCESS_KEY_ID,
        secret_access_key=COGNITO_IDENTITY_SECRET_ACCESS_KEY,
        session_token=COGNITO_IDENTITY_SESSION_TOKEN,
    )
    with pytest.raises(ClientError):
        _read(cognito)
    log = emulator.backend.request_log()
    assert [e["access_key_id"] for e in log][-1] == COGNITO_IDENTITY_ACCESS_KEY_ID
    over_http = raw.control("GET", "requests").body.decode()
    for text in (json.dumps(log), over_http):
        for secret in (
            DEFAULT_SECRET_ACCESS_KEY,
            COGNITO_IDENTITY_SECRET_ACCESS_KEY,
            COGNITO_IDENTITY_SESSION_TOKEN,
        ):
            assert secret not in text
    assert set(log[0]) >= {
        "time",
        "operation",
        "identity_pool_id",
        "access_key_id",
        "status",
        "fault",
    }


def test_64_clients_polling_at_once(emulator, make_sync_client, pool):
    clients = [make_sync_client() for _ in range(64)]
    start = threading.Barrier(len(clients))
    errors: list[Exception] = []
    statuses: list[str] = []

    def poll(client):
        try:
            start.wait(timeout=10)
            for _ in range(5):
                statuses.append(_read(client)["BulkPublishStatus"])
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=poll, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert statuses == ["NOT_STARTED"] * 320
    assert emulator.backend.call_count(READ) == 320
