"""The wire format pinned with raw HTTP: status, headers, JSON bodies, routing answers."""

from __future__ import annotations

import http.client
import json
import re
import uuid

import pytest

from tests.emulator.support import (
    ERROR_TYPE_SUFFIX,
    MISSING_POOL_ID,
    POOL_ID,
    STREAMS,
    pool_path,
    pool_spec,
)

DETAILS = pool_path(POOL_ID, "getBulkPublishDetails")
CONFIGURATION = pool_path(POOL_ID, "configuration")


def _assert_request_id(response):
    assert uuid.UUID(response.headers["x-amzn-RequestId"]).version == 4


def test_success_is_json_with_a_request_id_and_epoch_numbers(emulator, raw, manual_clock):
    emulator.backend.put_pool(pool_spec(state="SUCCEEDED", completed_seconds_ago=1.5))
    response = raw.call("POST", DETAILS)
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert int(response.headers["Content-Length"]) == len(response.body)
    _assert_request_id(response)
    body = response.json()
    assert body == {
        "IdentityPoolId": POOL_ID,
        "BulkPublishStatus": "SUCCEEDED",
        "BulkPublishStartTime": manual_clock.now() - 1.5,
        "BulkPublishCompleteTime": manual_clock.now() - 1.5,
    }
    assert re.search(rb'"BulkPublishCompleteTime":\d+(\.\d+)?[,}]', response.body)


def test_each_response_has_its_own_request_id(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    first, second = raw.call("POST", DETAILS), raw.call("POST", DETAILS)
    assert first.headers["x-amzn-RequestId"] != second.headers["x-amzn-RequestId"]


def test_errors_carry_the_type_header_and_a_json_message(raw):
    response = raw.call("POST", pool_path(MISSING_POOL_ID, "getBulkPublishDetails"))
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException" + ERROR_TYPE_SUFFIX
    assert response.headers["Content-Type"] == "application/json"
    _assert_request_id(response)
    assert response.json() == {"message": f"IdentityPool '{MISSING_POOL_ID}' not found."}


def test_the_pool_id_is_url_decoded_from_the_path(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    response = raw.call("GET", CONFIGURATION)
    assert "%3A" in CONFIGURATION
    assert response.json() == {"IdentityPoolId": POOL_ID, "CognitoStreams": STREAMS}


@pytest.mark.parametrize(
    ("method", "path", "fragments"),
    [
        ("GET", "/identitypools", ["GET /identitypools", "unknown path"]),
        ("POST", "/", ["POST /", "unknown path"]),
        ("POST", pool_path(POOL_ID, "datasets"), ["POST /identitypools/", "unknown path"]),
        ("GET", DETAILS, ["GET /identitypools/", "only accepts POST"]),
        ("DELETE", CONFIGURATION, ["DELETE /identitypools/", "only accepts GET, POST"]),
        ("PUT", pool_path(POOL_ID, "bulkpublish"), ["PUT", "only accepts POST"]),
    ],
)
def test_unknown_routes_are_unknown_operations(raw, method, path, fragments):
    response = raw.call(method, path)
    assert response.status == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException" + ERROR_TYPE_SUFFIX
    _assert_request_id(response)
    message = response.json()["message"]
    assert all(fragment in message for fragment in fragments), message


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"CognitoStreams": ', "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b'["CognitoStreams"]', "must be a JSON object"),
        (b'{"Streams": {}}', "Unknown member 'Streams'"),
        (b'{"CognitoStreams": {"StreamName": 5}}', "CognitoStreams.StreamName"),
        (b'{"PushSync": {"ApplicationArns": "arn"}}', "PushSync.ApplicationArns"),
    ],
)
def test_unreadable_bodies_are_serialization_errors(emulator, raw, body, fragment):
    emulator.backend.put_pool(pool_spec())
    response = raw.call("POST", CONFIGURATION, body)
    assert response.status == 400
    assert response.headers["x-amzn-ErrorType"] == "SerializationException" + ERROR_TYPE_SUFFIX
    assert fragment in response.json()["message"]


def test_an_empty_configuration_body_changes_nothing(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    response = raw.call("POST", CONFIGURATION, b"")
    assert response.status == 200
    assert response.json()["CognitoStreams"] == STREAMS


def test_connections_are_kept_alive(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    connection = http.client.HTTPConnection(raw.host, timeout=5)
    sockets = []
    try:
        for _ in range(3):
            connection.request("POST", DETAILS, body=b"", headers=raw.sign("POST", DETAILS))
            sockets.append(connection.sock)
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["BulkPublishStatus"] == "NOT_STARTED"
    finally:
        connection.close()
    assert sockets[0] is sockets[1] is sockets[2]
    assert emulator.backend.call_count("GetBulkPublishDetails") == 3
