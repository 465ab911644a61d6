"""The provider through the SDK's real provider server (`python -m pulumi.dynamic`) over gRPC,
against the emulator over HTTP: the engine's calls, in the engine's order, on the real wire."""

from __future__ import annotations

import base64
import json
import re
import threading

import pytest
from pulumi.runtime.proto import DiffResponse

from components.core.contract import STACK_OUTPUTS
from components.provider import BulkPublishGateProvider
from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator
from tests.support.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from tests.support.scenarios import FAILURE_MESSAGE, MISSING_POOL, pool, pool_id, provider_env

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
BLOB, BLOB_IS_SECRET = provider_blob(BulkPublishGateProvider())


def props(name: str | None = None, **changes) -> dict:
    return {
        "identity_pool_id": pool_id(name) if name else MISSING_POOL,
        "poll_interval_seconds": 0.02,
        "max_poll_interval_seconds": 0.1,
        "timeout_seconds": 30,
        **changes,
        PROVIDER_KEY: BLOB,
    }


@pytest.fixture
def server(start_server):
    return start_server()


def test_the_whole_life_cycle_as_the_engine_drives_it(emulator, server):
    emulator.backend.put_pool(pool("succeeded"))
    inputs, failures = server.check(props("succeeded"))
    assert failures == []
    assert inputs["mode"] == "gate"  # defaults are applied and kept in state

    id_, outs = server.create(inputs)
    assert id_ == pool_id("succeeded")
    assert outs["bulk_publish_status"] == "SUCCEEDED"
    assert outs["gate_open"] is True
    assert ISO.fullmatch(outs["bulk_publish_complete_time"])
    assert ISO.fullmatch(outs["checked_at"])
    assert "failure_message" not in outs  # None crosses as absent

    diff = server.diff(id_, outs, inputs)
    assert diff.changes == DiffResponse.DIFF_SOME
    assert list(diff.replaces) == []

    updated = server.update(id_, outs, inputs)
    kept = {k for k in STACK_OUTPUTS.values() if k not in ("failure_message", "pools")}
    assert set(updated) >= kept | set(inputs)

    read_id, read = server.read(id_, updated)
    assert (read_id, read["bulk_publish_status"]) == (id_, "SUCCEEDED")

    reads_before = emulator.backend.call_count("GetBulkPublishDetails")
    server.delete(id_, read)
    assert emulator.backend.call_count("GetBulkPublishDetails") == reads_before
    assert sum(emulator.backend.calls().values()) == reads_before


def test_a_new_pool_replaces_the_gate(server):
    diff = server.diff("x", props("succeeded"), props("failing"))
    assert list(diff.replaces) == ["identity_pool_id"]


def test_create_waits_through_in_progress_and_reports_progress(emulator, server):
    emulator.backend.put_pool(pool("publishing"))
    _, outs = server.create(props("publishing"))
    assert outs["bulk_publish_status"] == "SUCCEEDED"
    assert emulator.backend.call_count("GetBulkPublishDetails") == 3
    server.stop()
    progress = [line for line in server.stderr_lines if "IN_PROGRESS (waiting" in line]
    assert progress and pool_id("publishing") in progress[0]
    assert any("gate open" in line for line in server.stderr_lines)


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("failing", ["FAILED", FAILURE_MESSAGE, "start a new bulk publish"]),
        ("not-started", ["no bulk publish has been started", "aws cognito-sync bulk-publish"]),
        ("stuck", ["still IN_PROGRESS after", "Run `pulumi up` again", "timeoutSeconds"]),
    ],
)
def test_a_closed_gate_fails_create_with_what_to_do(emulator, server, name, fragments):
    emulator.backend.put_pool(pool(name))
    with pytest.raises(ProviderError) as failure:
        server.create(props(name, timeout_seconds=1 if name == "stuck" else 30))
    assert failure.value.message.startswith("components.core.errors.GateClosedError: ")
    for fragment in [pool_id(name), *fragments]:
        assert fragment in failure.value.message
    server.stop()
    assert any(line.startswith("bulk-publish-gate: error: ") for line in server.stderr_lines)


@pytest.mark.parametrize(("name", "status"), [("failing", "FAILED"), ("stuck", "IN_PROGRESS")])
def test_observe_mode_reports_without_failing(emulator, server, name, status):
    emulator.backend.put_pool(pool(name))
    _, outs = server.create(props(name, mode="observe", timeout_seconds=1))
    assert (outs["bulk_publish_status"], outs["gate_open"]) == (status, False)
    if status == "FAILED":
        assert outs["failure_message"] == FAILURE_MESSAGE


def test_read_never_fails_on_a_status(emulator, server):
    emulator.backend.put_pool(pool("failing", state="FAILED", failure_message=FAILURE_MESSAGE))
    _, outs = server.read(pool_id("failing"), props("failing"))
    assert outs["bulk_publish_status"] == "FAILED"


def test_unknown_pool_fails_naming_pool_and_region(server):
    with pytest.raises(ProviderError) as failure:
        server.create(props())
    assert "PoolNotFoundError" in failure.value.message
    assert f"identity pool {MISSING_POOL} in us-east-1 was not found" in failure.value.message


def test_bad_credentials_fail_naming_developer_credentials(emulator, start_server):
    emulator.backend.put_pool(pool("succeeded"))
    server = start_server(AWS_SECRET_ACCESS_KEY="not-the-secret")
    with pytest.raises(ProviderError) as failure:
        server.create(props("succeeded"))
    assert "AccessDeniedError" in failure.value.message
    assert "developer (IAM) credentials" in failure.value.message


@pytest.mark.parametrize(
    "kind", ["too-many-requests", "throttling", "internal-error", "service-unavailable"]
)
def test_faults_beyond_botocores_retries_are_retried_by_the_wait(emulator, server, kind):
    emulator.backend.put_pool(pool("succeeded"))
    emulator.backend.inject_fault(kind, operation="GetBulkPublishDetails", count=4)
    _, outs = server.create(props("succeeded"))
    assert outs["bulk_publish_status"] == "SUCCEEDED"
    assert emulator.backend.call_count("GetBulkPublishDetails") == 5


@pytest.mark.parametrize(
    ("config", "env", "field", "fragment"),
    [
        (
            {"aws:region": "eu-west-1"},
            {"AWS_ENDPOINT_URL_COGNITO_SYNC": ""},
            "aws:region",
            "set bulk-publish-gate:region to us-east-1",
        ),
        (
            {"aws:region": "sa-east-1"},
            {"AWS_ENDPOINT_URL_COGNITO_SYNC": ""},
            "aws:region",
            "no endpoint in 'sa-east-1'",
        ),
    ],
)
def test_check_refuses_regions_before_any_api_call(
    emulator, start_server, config, env, field, fragment
):
    server = start_server(config, **env)
    _, failures = server.check(props("succeeded"))
    assert [f.property for f in failures] == [field]
    assert fragment in failures[0].reason
    assert sum(emulator.backend.calls().values()) == 0


def test_check_names_every_bad_field(server):
    _, failures = server.check(
        props(identity_pool_id="us-east-1", mode="strict", timeout_seconds=-1)
    )
    assert {f.property for f in failures} == {"identity_pool_id", "mode", "timeout_seconds"}


def test_the_provider_blob_is_pickled_by_reference_small_and_not_secret():
    raw = base64.b64decode(BLOB)
    assert b"components.provider" in raw and b"BulkPublishGateProvider" in raw
    assert len(BLOB) < 1024
    assert BLOB_IS_SECRET is False


TEMP_KEY = {
    "access_key_id": "ASIATESTDEVELOPER001",
    "secret_access_key": "temporary-developer-secret-for-the-state-test",
    "session_token": "temporary-developer-session-token-for-the-state-test",
    "kind": "developer",
}


def test_no_credential_lands_in_any_property(manual_clock):
    seed = {"credentials": [TEMP_KEY], "pools": [pool("succeeded")]}
    env = {
        "AWS_ACCESS_KEY_ID": TEMP_KEY["access_key_id"],
        "AWS_SECRET_ACCESS_KEY": TEMP_KEY["secret_access_key"],
        "AWS_SESSION_TOKEN": TEMP_KEY["session_token"],
    }
    with Emulator(seed=seed, clock=manual_clock) as emulator:
        with ProviderServer(env=provider_env(emulator.url, **env)) as server:
            server.configure({"aws:region": "us-east-1"})
            inputs, _ = server.check(props("succeeded"))
            id_, outs = server.create(inputs)
            updated = server.update(id_, outs, inputs)
            _, read = server.read(id_, updated)
        assert emulator.backend.request_log()[-1]["access_key_id"] == TEMP_KEY["access_key_id"]
    assert outs["bulk_publish_status"] == "SUCCEEDED"
    state = json.dumps([inputs, outs, updated, read])
    for value in (*env.values(), DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY):
        assert value not in state
        assert value not in "\n".join(server.stderr_lines)


def test_four_worker_threads_at_once_are_safe(emulator, server):
    names = ["succeeded", "publishing", "failing", "not-started"]
    for name in names:
        emulator.backend.put_pool(pool(name))
    results: dict[str, object] = {}

    def create(name: str) -> None:
        try:
            results[name] = server.create(props(name, mode="observe"))[1]["bulk_publish_status"]
        except ProviderError as error:
            results[name] = error

    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {
        "succeeded": "SUCCEEDED",
        "publishing": "SUCCEEDED",
        "failing": "FAILED",
        "not-started": "NOT_STARTED",
    }
