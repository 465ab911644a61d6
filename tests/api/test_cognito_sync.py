"""The API layer against the emulator over real HTTP: typed results, credentials chain,
profiles, retries and timeouts as users configure them, and errors mapped to ours."""

from __future__ import annotations

from datetime import UTC

import pytest

from components.aws.client import CognitoSync
from components.aws.settings import AwsDefaults, ClientSettings
from components.core.errors import (
    AccessDeniedError,
    ConfigurationError,
    PoolNotFoundError,
    TransientError,
)
from components.core.inputs import GateInputs
from components.properties import properties as outputs
from components.run import observe
from emulator import (
    COGNITO_IDENTITY_ACCESS_KEY_ID,
    COGNITO_IDENTITY_SECRET_ACCESS_KEY,
    COGNITO_IDENTITY_SESSION_TOKEN,
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
)
from tests.support.scenarios import FAILURE_MESSAGE, MISSING_POOL, pool, pool_id

READ = "GetBulkPublishDetails"


@pytest.fixture
def developer(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_ACCESS_KEY)


@pytest.fixture
def client(emulator, developer):
    with CognitoSync(ClientSettings("us-east-1", endpoint_url=emulator.url, read_timeout=2)) as c:
        yield c


@pytest.mark.parametrize(
    ("name", "status", "has_start", "has_complete", "failure"),
    [
        ("succeeded", "SUCCEEDED", True, True, None),
        ("not-started", "NOT_STARTED", False, False, None),
        ("publishing", "IN_PROGRESS", True, False, None),
    ],
)
def test_details_are_typed_with_utc_times(
    emulator, client, name, status, has_start, has_complete, failure
):
    emulator.backend.put_pool(pool(name))
    details = client.get_bulk_publish_details(pool_id(name))
    assert details.identity_pool_id == pool_id(name)
    assert details.status == status
    assert (details.start_time is not None, details.complete_time is not None) == (
        has_start,
        has_complete,
    )
    for moment in (details.start_time, details.complete_time):
        assert moment is None or moment.tzinfo is UTC
    assert details.failure_message == failure


def test_failed_details_carry_the_message(emulator, client):
    emulator.backend.put_pool(pool("failing", state="FAILED", failure_message=FAILURE_MESSAGE))
    details = client.get_bulk_publish_details(pool_id("failing"))
    assert (details.status, details.failure_message) == ("FAILED", FAILURE_MESSAGE)


def test_unknown_pool_is_pool_not_found(client):
    with pytest.raises(PoolNotFoundError, match=f"{MISSING_POOL} in us-east-1 was not found"):
        client.get_bulk_publish_details(MISSING_POOL)


def test_cognito_identity_credentials_are_refused_with_advice(emulator, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", COGNITO_IDENTITY_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", COGNITO_IDENTITY_SECRET_ACCESS_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", COGNITO_IDENTITY_SESSION_TOKEN)
    emulator.backend.put_pool(pool("succeeded"))
    client = CognitoSync(ClientSettings("us-east-1", endpoint_url=emulator.url))
    with client, pytest.raises(AccessDeniedError, match="developer \\(IAM\\) credentials only"):
        client.get_bulk_publish_details(pool_id("succeeded"))


def test_no_credentials_names_the_standard_chain(emulator):
    client = CognitoSync(ClientSettings("us-east-1", endpoint_url=emulator.url))
    with client, pytest.raises(ConfigurationError, match="standard chain"):
        client.get_bulk_publish_details(pool_id("succeeded"))


def test_a_named_profile_supplies_credentials(emulator, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.write_text(
        "[profile emulator]\n"
        f"aws_access_key_id = {DEFAULT_ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {DEFAULT_SECRET_ACCESS_KEY}\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    emulator.backend.put_pool(pool("succeeded"))
    settings = ClientSettings("us-east-1", profile="emulator", endpoint_url=emulator.url)
    with CognitoSync(settings) as client:
        assert client.get_bulk_publish_details(pool_id("succeeded")).status == "SUCCEEDED"
    with pytest.raises(ConfigurationError, match="profile \\(missing\\) could not be found"):
        CognitoSync(ClientSettings("us-east-1", profile="missing", endpoint_url=emulator.url))


def test_the_standard_endpoint_variable_is_honoured(emulator, developer, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_SYNC", emulator.url)
    emulator.backend.put_pool(pool("succeeded"))
    with CognitoSync(ClientSettings("us-east-1")) as client:
        assert client.get_bulk_publish_details(pool_id("succeeded")).status == "SUCCEEDED"
    assert emulator.backend.call_count(READ) == 1


@pytest.mark.parametrize(
    ("env", "calls"), [({}, 3), ({"AWS_MAX_ATTEMPTS": "1"}, 1), ({"AWS_MAX_ATTEMPTS": "2"}, 2)]
)
def test_botocore_retries_are_standard_mode_and_bounded_unless_the_user_says(
    emulator, client, monkeypatch, env, calls
):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    emulator.backend.put_pool(pool("succeeded"))
    emulator.backend.inject_fault("throttling")
    with CognitoSync(ClientSettings("us-east-1", endpoint_url=emulator.url)) as fresh:
        with pytest.raises(TransientError, match="ThrottlingException"):
            fresh.get_bulk_publish_details(pool_id("succeeded"))
        with pytest.raises(TransientError, match="ThrottlingException"):
            fresh.bulk_publish(pool_id("succeeded"))
    assert emulator.backend.call_count(READ) == calls
    assert emulator.backend.call_count("BulkPublish") == 1  # never re-sent by botocore


def test_the_read_timeout_is_enforced(emulator, developer):
    emulator.backend.put_pool(pool("succeeded"))
    emulator.backend.inject_fault("latency", operation=READ, latency_seconds=1.0)
    settings = ClientSettings("us-east-1", endpoint_url=emulator.url, read_timeout=0.2)
    with CognitoSync(settings) as client, pytest.raises(TransientError, match="Read timeout"):
        client.get_bulk_publish_details(pool_id("succeeded"))


def test_a_dropped_connection_is_transient(emulator, client):
    emulator.backend.put_pool(pool("succeeded"))
    emulator.backend.inject_fault("drop-connection", operation=READ)
    with pytest.raises(TransientError):
        client.get_bulk_publish_details(pool_id("succeeded"))


def test_observe_waits_and_judges_against_the_emulator(emulator, developer):
    emulator.backend.put_pool(pool("failing"))
    inputs = GateInputs(
        pool_id("failing"),
        endpoint_url=emulator.url,
        poll_interval_seconds=0.01,
        max_poll_interval_seconds=0.02,
    )
    lines: list[str] = []
    observation = observe(inputs, AwsDefaults(region="us-east-1"), write=lines.append)
    assert outputs(observation)["bulk_publish_status"] == "FAILED"
    assert only(observation).reads == 2
    assert FAILURE_MESSAGE in observation.verdict.message
    assert "IN_PROGRESS" in lines[0] and lines[-1].endswith("gate closed (failed)")


def only(observation):
    """The one pool's wait of a run."""
    (each,) = observation.pools.values()
    return each.result
