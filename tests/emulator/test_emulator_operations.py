"""Every operation through boto3 over real HTTP: typed results, and every modelled error."""

from __future__ import annotations

from datetime import UTC, datetime

import botocore.session
import pytest
from botocore.exceptions import ClientError

from tests.emulator.support import MISSING_POOL_ID, POOL_ID, STREAMS, pool_spec

CALLS = {
    "GetBulkPublishDetails": lambda c, pid: c.get_bulk_publish_details(IdentityPoolId=pid),
    "BulkPublish": lambda c, pid: c.bulk_publish(IdentityPoolId=pid),
    "GetIdentityPoolConfiguration": lambda c, pid: c.get_identity_pool_configuration(
        IdentityPoolId=pid
    ),
    "SetIdentityPoolConfiguration": lambda c, pid: c.set_identity_pool_configuration(
        IdentityPoolId=pid, CognitoStreams=STREAMS
    ),
}

# How to provoke each error: a pool state, a bad id, bad credentials or an injected fault.
PROVOKE = {
    "NotAuthorizedException": {"access_key_id": "AKIAUNKNOWNKEY000000"},
    "InvalidParameterException": {"pool_id": "not-a-pool-id"},
    "ResourceNotFoundException": {"pool_id": MISSING_POOL_ID},
    "InternalErrorException": {"fault": "internal-error"},
    "DuplicateRequestException": {
        "pool": {"state": "IN_PROGRESS", "bulk_publish": {"in_progress_reads": 5}}
    },
    "AlreadyStreamedException": {"pool": {"state": "SUCCEEDED", "completed_seconds_ago": 60}},
    "TooManyRequestsException": {"fault": "too-many-requests"},
    "ConcurrentModificationException": {"fault": "concurrent-modification"},
}
STATUS = {
    "NotAuthorizedException": 403,
    "InvalidParameterException": 400,
    "ResourceNotFoundException": 404,
    "InternalErrorException": 500,
    "DuplicateRequestException": 400,
    "AlreadyStreamedException": 400,
    "TooManyRequestsException": 429,
    "ConcurrentModificationException": 400,
}


def _model():
    loader = botocore.session.get_session().get_component("data_loader")
    return loader.load_service_model("cognito-sync", "service-2")


MODELLED_ERRORS = [
    (operation, error["shape"])
    for operation in CALLS
    for error in _model()["operations"][operation]["errors"]
]


def test_the_tables_cover_the_model():
    shapes = _model()["shapes"]
    assert set(PROVOKE) == {code for _, code in MODELLED_ERRORS}
    assert {code: shapes[code]["error"]["httpStatusCode"] for code in STATUS} == STATUS


@pytest.mark.parametrize(("operation", "code"), MODELLED_ERRORS)
def test_every_modelled_error_reaches_boto3(emulator, make_sync_client, operation, code):
    how = PROVOKE[code]
    emulator.backend.put_pool(pool_spec(**how.get("pool", {})))
    if "fault" in how:
        emulator.backend.inject_fault(how["fault"], operation=operation)
    client = make_sync_client(
        total_max_attempts=1, **{k: v for k, v in how.items() if k == "access_key_id"}
    )
    with pytest.raises(ClientError) as caught:
        CALLS[operation](client, how.get("pool_id", POOL_ID))
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == STATUS[code]
    assert caught.value.response["Error"]["Message"]


def test_get_bulk_publish_details_is_typed(emulator, sync_client, manual_clock):
    emulator.backend.put_pool(pool_spec(state="SUCCEEDED", completed_seconds_ago=90))
    details = sync_client.get_bulk_publish_details(IdentityPoolId=POOL_ID)
    assert details["IdentityPoolId"] == POOL_ID
    assert details["BulkPublishStatus"] == "SUCCEEDED"
    complete = details["BulkPublishCompleteTime"]
    assert isinstance(complete, datetime) and isinstance(details["BulkPublishStartTime"], datetime)
    assert complete.astimezone(UTC) == datetime.fromtimestamp(manual_clock.now() - 90, UTC)
    assert "FailureMessage" not in details


def test_a_pool_that_never_published_reports_only_its_status(emulator, sync_client):
    emulator.backend.put_pool(pool_spec())
    details = sync_client.get_bulk_publish_details(IdentityPoolId=POOL_ID)
    details.pop("ResponseMetadata")
    assert details == {"IdentityPoolId": POOL_ID, "BulkPublishStatus": "NOT_STARTED"}


def test_bulk_publish_returns_the_pool_id(emulator, sync_client):
    emulator.backend.put_pool(pool_spec())
    assert sync_client.bulk_publish(IdentityPoolId=POOL_ID)["IdentityPoolId"] == POOL_ID
    status = sync_client.get_bulk_publish_details(IdentityPoolId=POOL_ID)["BulkPublishStatus"]
    assert status == "SUCCEEDED"


def test_configuration_round_trips(emulator, sync_client):
    emulator.backend.put_pool({"identity_pool_id": POOL_ID})
    empty = sync_client.get_identity_pool_configuration(IdentityPoolId=POOL_ID)
    assert "CognitoStreams" not in empty and "PushSync" not in empty
    push = {
        "ApplicationArns": ["arn:aws:sns:us-east-1:123456789012:app/GCM/orders"],
        "RoleArn": "arn:aws:iam::123456789012:role/push",
    }
    result = sync_client.set_identity_pool_configuration(
        IdentityPoolId=POOL_ID, PushSync=push, CognitoStreams=STREAMS
    )
    assert (result["PushSync"], result["CognitoStreams"]) == (push, STREAMS)
    disabled = {**STREAMS, "StreamingStatus": "DISABLED"}
    sync_client.set_identity_pool_configuration(IdentityPoolId=POOL_ID, CognitoStreams=disabled)
    stored = sync_client.get_identity_pool_configuration(IdentityPoolId=POOL_ID)
    assert stored["IdentityPoolId"] == POOL_ID
    assert (stored["PushSync"], stored["CognitoStreams"]) == (push, disabled)


LONG_ROLE = "arn:aws:iam::123456789012:role/" + "r" * 2020
BAD_CONFIGURATIONS = [
    (
        {"CognitoStreams": {**STREAMS, "StreamName": "s" * 129}},
        "CognitoStreams.StreamName",
        "length less than or equal to 128",
    ),
    (
        {"CognitoStreams": {**STREAMS, "RoleArn": "arn:aws:iam::123:user/streams"}},
        "CognitoStreams.RoleArn",
        r"pattern: arn:aws:iam::\d+:role/.*",
    ),
    (
        {"CognitoStreams": {**STREAMS, "RoleArn": LONG_ROLE}},
        "CognitoStreams.RoleArn",
        "length less than or equal to 2048",
    ),
    (
        {"CognitoStreams": {**STREAMS, "StreamingStatus": "PAUSED"}},
        "CognitoStreams.StreamingStatus",
        "enum value set: [ENABLED, DISABLED]",
    ),
    (
        {"PushSync": {"RoleArn": "arn:aws:iam::123456789012:group/push"}},
        "PushSync.RoleArn",
        "regular expression pattern",
    ),
    (
        {"PushSync": {"ApplicationArns": ["arn:aws:sns:us-east-1:123:topic/orders"]}},
        "PushSync.ApplicationArns[0]",
        "regular expression pattern: arn:aws:sns:",
    ),
]


@pytest.mark.parametrize(("members", "field", "rule"), BAD_CONFIGURATIONS)
def test_invalid_configuration_names_the_field(emulator, sync_client, members, field, rule):
    emulator.backend.put_pool(pool_spec())
    with pytest.raises(ClientError) as caught:
        sync_client.set_identity_pool_configuration(IdentityPoolId=POOL_ID, **members)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert f"at '{field}'" in error["Message"] and rule in error["Message"]
    stored = sync_client.get_identity_pool_configuration(IdentityPoolId=POOL_ID)
    assert stored["CognitoStreams"] == STREAMS


@pytest.mark.parametrize(
    ("pool_id", "rule"),
    [
        ("us-east-1:" + "a" * 46, "length less than or equal to 55"),
        ("us-east-1_6d1c1d6e", r"pattern: [\w-]+:[0-9a-f-]+"),
        ("us-east-1:6D1C1D6E", r"pattern: [\w-]+:[0-9a-f-]+"),
        ("us-east-1:6d1c:1d6e", r"pattern: [\w-]+:[0-9a-f-]+"),
    ],
)
def test_malformed_pool_ids_are_invalid_parameters(emulator, sync_client, pool_id, rule):
    with pytest.raises(ClientError) as caught:
        sync_client.get_bulk_publish_details(IdentityPoolId=pool_id)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidParameterException"
    assert "'IdentityPoolId'" in error["Message"] and rule in error["Message"]


def test_an_unknown_pool_is_named(emulator, sync_client):
    with pytest.raises(ClientError) as caught:
        sync_client.get_identity_pool_configuration(IdentityPoolId=MISSING_POOL_ID)
    assert MISSING_POOL_ID in caught.value.response["Error"]["Message"]
