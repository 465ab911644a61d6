"""The bulk publish life cycle through boto3: scripts, outcomes, the 24-hour rule, streams."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from emulator import Emulator, ManualClock
from tests.emulator.support import POOL_ID, STREAMS, pool_spec

DAY = 24 * 3600


def _details(client):
    details = client.get_bulk_publish_details(IdentityPoolId=POOL_ID)
    details.pop("ResponseMetadata")
    return details


def _at(epoch):
    return datetime.fromtimestamp(epoch, UTC)


def _error_code(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_a_seconds_script_ends_at_its_scripted_time(emulator, sync_client, manual_clock):
    emulator.backend.put_pool(pool_spec(bulk_publish={"in_progress_seconds": 5}))
    start = manual_clock.now()
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    manual_clock.advance(4.9)
    assert _details(sync_client) == {
        "IdentityPoolId": POOL_ID,
        "BulkPublishStatus": "IN_PROGRESS",
        "BulkPublishStartTime": _at(start),
    }
    manual_clock.advance(60)
    details = _details(sync_client)
    assert details["BulkPublishStatus"] == "SUCCEEDED"
    assert details["BulkPublishCompleteTime"] == _at(start + 5)


def test_a_reads_script_completes_on_the_read_after_its_count(emulator, sync_client, manual_clock):
    emulator.backend.put_pool(pool_spec(bulk_publish={"in_progress_reads": 2}))
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    statuses = []
    for _ in range(4):
        manual_clock.advance(10)
        statuses.append(_details(sync_client)["BulkPublishStatus"])
    assert statuses == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED", "SUCCEEDED"]
    assert _details(sync_client)["BulkPublishCompleteTime"] == _at(manual_clock.now() - 10)


def test_only_detail_reads_advance_a_reads_script(emulator, sync_client, manual_clock):
    emulator.backend.put_pool(pool_spec(bulk_publish={"in_progress_reads": 1}))
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    for _ in range(3):
        sync_client.get_identity_pool_configuration(IdentityPoolId=POOL_ID)
        assert emulator.backend.describe_pool(POOL_ID).details.status == "IN_PROGRESS"
    assert [_details(sync_client)["BulkPublishStatus"] for _ in range(2)] == [
        "IN_PROGRESS",
        "SUCCEEDED",
    ]


def test_a_failed_outcome_carries_its_message(emulator, sync_client, manual_clock):
    script = {"in_progress_seconds": 3, "outcome": "FAILED", "failure_message": "Kinesis denied"}
    emulator.backend.put_pool(pool_spec(state="IN_PROGRESS", bulk_publish=script))
    start = manual_clock.now()
    manual_clock.advance(3)
    assert _details(sync_client) == {
        "IdentityPoolId": POOL_ID,
        "BulkPublishStatus": "FAILED",
        "BulkPublishStartTime": _at(start),
        "FailureMessage": "Kinesis denied",
    }
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    assert _details(sync_client)["BulkPublishStartTime"] == _at(start + 3)


def test_a_second_bulk_publish_while_in_progress_is_a_duplicate(emulator, sync_client):
    emulator.backend.put_pool(pool_spec(bulk_publish={"in_progress_seconds": 30}))
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    code, message = _error_code(lambda: sync_client.bulk_publish(IdentityPoolId=POOL_ID))
    assert code == "DuplicateRequestException" and "in progress" in message


def test_one_success_per_24_hours(emulator, sync_client, manual_clock):
    emulator.backend.put_pool(pool_spec())
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    assert _details(sync_client)["BulkPublishStatus"] == "SUCCEEDED"
    manual_clock.advance(DAY - 1)
    code, message = _error_code(lambda: sync_client.bulk_publish(IdentityPoolId=POOL_ID))
    assert code == "AlreadyStreamedException" and "24 hours" in message
    manual_clock.advance(1)
    assert sync_client.bulk_publish(IdentityPoolId=POOL_ID)["IdentityPoolId"] == POOL_ID
    assert _details(sync_client)["BulkPublishStartTime"] == _at(manual_clock.now())


def test_a_seeded_success_counts_toward_the_24_hours(emulator, sync_client, manual_clock):
    emulator.backend.put_pool(pool_spec(state="SUCCEEDED", completed_seconds_ago=DAY - 60))
    code, _ = _error_code(lambda: sync_client.bulk_publish(IdentityPoolId=POOL_ID))
    assert code == "AlreadyStreamedException"
    manual_clock.advance(DAY)
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)


def test_a_failure_does_not_block_the_next_bulk_publish(emulator, sync_client):
    emulator.backend.put_pool(pool_spec(state="FAILED", failure_message="seeded failure"))
    assert _details(sync_client)["FailureMessage"] == "seeded failure"
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    assert _details(sync_client)["BulkPublishStatus"] == "SUCCEEDED"


@pytest.mark.parametrize("streams", [None, {"RoleArn": STREAMS["RoleArn"]}])
def test_bulk_publish_needs_a_stream(emulator, sync_client, streams):
    emulator.backend.put_pool({"identity_pool_id": POOL_ID, "cognito_streams": streams})
    code, message = _error_code(lambda: sync_client.bulk_publish(IdentityPoolId=POOL_ID))
    assert code == "InvalidParameterException" and "No Cognito stream is configured" in message
    assert _details(sync_client)["BulkPublishStatus"] == "NOT_STARTED"


def test_a_disabled_stream_fails_the_bulk_publish_at_once(emulator, sync_client, manual_clock):
    disabled = {**STREAMS, "StreamingStatus": "DISABLED"}
    emulator.backend.put_pool(pool_spec(cognito_streams=disabled))
    assert sync_client.bulk_publish(IdentityPoolId=POOL_ID)["IdentityPoolId"] == POOL_ID
    details = _details(sync_client)
    assert details["BulkPublishStatus"] == "FAILED"
    assert details["BulkPublishStartTime"] == _at(manual_clock.now())
    assert "streaming is disabled" in details["FailureMessage"]
    assert "BulkPublishCompleteTime" not in details


def test_enabling_the_stream_lets_bulk_publish_run(emulator, sync_client):
    emulator.backend.put_pool(pool_spec(cognito_streams={**STREAMS, "StreamingStatus": "DISABLED"}))
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    sync_client.set_identity_pool_configuration(IdentityPoolId=POOL_ID, CognitoStreams=STREAMS)
    sync_client.bulk_publish(IdentityPoolId=POOL_ID)
    assert _details(sync_client)["BulkPublishStatus"] == "SUCCEEDED"


def test_reset_restarts_seeded_jobs_at_the_current_time(make_sync_client):
    clock = ManualClock(1_000_000.0)
    seed = {"pools": [pool_spec(state="IN_PROGRESS", bulk_publish={"in_progress_seconds": 5})]}
    with Emulator(seed=seed, clock=clock) as emu:
        client = make_sync_client(endpoint_url=emu.url)
        clock.advance(10)
        assert _details(client)["BulkPublishStatus"] == "SUCCEEDED"
        emu.backend.reset()
        assert _details(client)["BulkPublishStatus"] == "IN_PROGRESS"
        assert _details(client)["BulkPublishStartTime"] == _at(1_000_010.0)


def test_a_manual_clock_only_moves_forward():
    clock = ManualClock(100.0)
    assert clock.advance(2.5) == clock.now() == 102.5
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)
    assert clock.now() == 102.5
