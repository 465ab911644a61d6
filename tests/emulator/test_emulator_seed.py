"""Seed validation: every broken seed is a SeedError naming the JSON path and the rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from emulator import DEFAULT_ACCESS_KEY_ID, Emulator, ManualClock, SeedError
from emulator.seed import load_seed
from tests.emulator.support import POOL_ID, STREAMS, pool_spec

EXAMPLE_SEED = Path(__file__).resolve().parents[2] / "examples" / "emulator-seed.json"
GOOD_KEY = {"access_key_id": "AKIAOTHER", "secret_access_key": "s"}


def _pools(*entries):
    return {"pools": list(entries)}


BAD_SEEDS = [
    ([], "$: must be an object"),
    ({"pool": []}, "$.pool: unknown key (allowed: credentials, pools)"),
    ({"pools": {}}, "$.pools: must be a list"),
    ({"credentials": []}, "$.credentials: must not be empty"),
    ({"credentials": [{"access_key_id": "A"}]}, "$.credentials[0].secret_access_key: required"),
    (
        {"credentials": [{**GOOD_KEY, "kind": "root"}]},
        "$.credentials[0].kind: must be one of developer, cognito-identity (got 'root')",
    ),
    (
        {"credentials": [{**GOOD_KEY, "session_token": 7}]},
        "$.credentials[0].session_token: must be a non-empty string",
    ),
    ({"credentials": [GOOD_KEY, GOOD_KEY]}, "$.credentials: duplicate access_key_id 'AKIAOTHER'"),
    (_pools({}), "$.pools[0].identity_pool_id: required"),
    (
        _pools({"identity_pool_id": "pool"}),
        r"$.pools[0].identity_pool_id: Member must satisfy regular expression pattern: [\w-]+:",
    ),
    (
        _pools({"identity_pool_id": "us-east-1:" + "0" * 50}),
        "$.pools[0].identity_pool_id: Member must have length less than or equal to 55",
    ),
    (_pools(pool_spec(), pool_spec()), f"$.pools: duplicate identity_pool_id '{POOL_ID}'"),
    (_pools(pool_spec(sate="SUCCEEDED")), "$.pools[0].sate: unknown key"),
    (
        _pools(pool_spec(state="DONE")),
        "$.pools[0].state: must be one of NOT_STARTED, IN_PROGRESS, SUCCEEDED, FAILED",
    ),
    (
        _pools(pool_spec(completed_seconds_ago=5)),
        "$.pools[0].completed_seconds_ago: only allowed when state is SUCCEEDED or FAILED",
    ),
    (
        _pools(pool_spec(state="SUCCEEDED", completed_seconds_ago=-1)),
        "$.pools[0].completed_seconds_ago: must be a finite number >= 0 (got -1)",
    ),
    (
        _pools(pool_spec(state="SUCCEEDED", failure_message="x")),
        "$.pools[0].failure_message: only allowed when state is FAILED",
    ),
    (
        _pools(pool_spec(cognito_streams={**STREAMS, "RoleArn": "arn:aws:iam::1:user/streams"})),
        r"$.pools[0].cognito_streams.RoleArn: Member must satisfy regular expression pattern",
    ),
    (
        _pools(pool_spec(cognito_streams={**STREAMS, "StreamingStatus": "ON"})),
        "$.pools[0].cognito_streams.StreamingStatus: Member must satisfy enum value set",
    ),
    (
        _pools(pool_spec(cognito_streams={"Stream": "orders"})),
        "$.pools[0].cognito_streams: unknown member 'Stream'",
    ),
    (
        _pools(pool_spec(push_sync={"ApplicationArns": ["arn:aws:sns:x"]})),
        "$.pools[0].push_sync.ApplicationArns[0]: Member must satisfy regular expression",
    ),
    (
        _pools(pool_spec(bulk_publish={"outcome": "SUCCEEDED"})),
        "$.pools[0].bulk_publish: needs exactly one of in_progress_seconds, in_progress_reads "
        "(got 0)",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_seconds": 1, "in_progress_reads": 1})),
        "needs exactly one of in_progress_seconds, in_progress_reads (got 2)",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_seconds": "5"})),
        "$.pools[0].bulk_publish.in_progress_seconds: must be a finite number >= 0",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_seconds": float("nan")})),
        "$.pools[0].bulk_publish.in_progress_seconds: must be a finite number >= 0",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_reads": 1.5})),
        "$.pools[0].bulk_publish.in_progress_reads: must be an integer >= 0 (got 1.5)",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_reads": True})),
        "$.pools[0].bulk_publish.in_progress_reads: must be an integer >= 0 (got True)",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_reads": 1, "outcome": "FAILED"})),
        "$.pools[0].bulk_publish.failure_message: required when outcome is FAILED",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_reads": 1, "failure_message": "x"})),
        "$.pools[0].bulk_publish.failure_message: only allowed when outcome is FAILED",
    ),
    (
        _pools(pool_spec(bulk_publish={"in_progress_reads": 1, "outcome": "DONE"})),
        "$.pools[0].bulk_publish.outcome: must be one of SUCCEEDED, FAILED (got 'DONE')",
    ),
]


@pytest.mark.parametrize(("seed", "message"), BAD_SEEDS)
def test_bad_seeds_name_the_path_and_the_rule(seed, message):
    with pytest.raises(SeedError) as caught:
        load_seed(seed)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_put_pool_validates_like_a_seed(emulator):
    with pytest.raises(SeedError, match=r"^\$\.state: must be one of"):
        emulator.backend.put_pool(pool_spec(state="DONE"))


def test_an_unreadable_seed_file_is_named(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(SeedError, match=r"cannot read seed file .*missing\.json"):
        Emulator(seed=str(missing))


def test_a_seed_file_that_is_not_json_is_named(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"pools": [')
    with pytest.raises(SeedError, match=r"broken.json' is not valid JSON: .*line 1"):
        Emulator(seed=broken)


def test_defaults_are_the_two_documented_credential_sets():
    seed = load_seed(None)
    assert [(c.access_key_id, c.kind) for c in seed.credentials] == [
        (DEFAULT_ACCESS_KEY_ID, "developer"),
        ("ASIAEMULATORCOGNITO1", "cognito-identity"),
    ]
    assert seed.pools == ()


def test_seeded_credentials_replace_the_defaults(make_sync_client, manual_clock):
    seed = {"credentials": [GOOD_KEY], "pools": [pool_spec()]}
    with Emulator(seed=seed, clock=manual_clock) as emu:
        ours = make_sync_client(
            endpoint_url=emu.url, access_key_id="AKIAOTHER", secret_access_key="s"
        )
        assert ours.get_bulk_publish_details(IdentityPoolId=POOL_ID)["IdentityPoolId"] == POOL_ID
        default = make_sync_client(endpoint_url=emu.url, total_max_attempts=1)
        with pytest.raises(ClientError, match="Unknown access key id"):
            default.get_bulk_publish_details(IdentityPoolId=POOL_ID)


def test_the_example_seed_covers_every_documented_case(make_sync_client):
    document = json.loads(EXAMPLE_SEED.read_text())
    clock = ManualClock(1_800_000_000.0)
    with Emulator(seed=EXAMPLE_SEED, clock=clock) as emu:
        client = make_sync_client(endpoint_url=emu.url)
        ids = [pool["identity_pool_id"] for pool in document["pools"]]

        def statuses():
            return [
                client.get_bulk_publish_details(IdentityPoolId=pool_id)["BulkPublishStatus"]
                for pool_id in ids
            ]

        assert statuses() == [
            "SUCCEEDED",
            "IN_PROGRESS",
            "IN_PROGRESS",
            "NOT_STARTED",
            "NOT_STARTED",
            "NOT_STARTED",
        ]
        clock.advance(5)
        for pool_id in ids[3:5]:
            client.bulk_publish(IdentityPoolId=pool_id)
        assert statuses() == [
            "SUCCEEDED",
            "SUCCEEDED",
            "FAILED",
            "IN_PROGRESS",
            "FAILED",
            "NOT_STARTED",
        ]
        failed = client.get_bulk_publish_details(IdentityPoolId=ids[2])
        assert "denied" in failed["FailureMessage"]
        with pytest.raises(ClientError, match="No Cognito stream is configured"):
            client.bulk_publish(IdentityPoolId=ids[5])
