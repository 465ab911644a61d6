"""The control API over HTTP, and the in-process server's start/stop contract."""

from __future__ import annotations

import http.client
import socket
import time
from urllib.parse import quote

import pytest

from emulator import Emulator, SystemClock
from tests.emulator.support import (
    MISSING_POOL_ID,
    POOL_ID,
    STREAMS,
    RawClient,
    pool_path,
    pool_spec,
)

ENCODED = quote(POOL_ID, safe="")


def test_health(raw, manual_clock):
    response = raw.control("GET", "health")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "pools": 0,
        "clock": "manual",
        "now": manual_clock.now(),
    }


def test_pools_are_created_listed_read_and_deleted(raw, manual_clock):
    created = raw.control("POST", "pools", pool_spec(state="SUCCEEDED", completed_seconds_ago=10))
    assert created.status == 201
    assert created.json() == {
        "identity_pool_id": POOL_ID,
        "cognito_streams": STREAMS,
        "push_sync": None,
        "bulk_publish": {"outcome": "SUCCEEDED", "in_progress_seconds": 0.0},
        "status": "SUCCEEDED",
        "start_time": manual_clock.now() - 10,
        "complete_time": manual_clock.now() - 10,
        "failure_message": None,
    }
    assert [p["identity_pool_id"] for p in raw.control("GET", "pools").json()["pools"]] == [POOL_ID]
    assert raw.control("GET", f"pools/{ENCODED}").json() == created.json()
    assert raw.control("DELETE", f"pools/{ENCODED}").json() == {"deleted": POOL_ID}
    assert raw.control("GET", "pools").json() == {"pools": []}


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_an_unknown_pool_is_404(raw, method):
    response = raw.control(method, f"pools/{quote(MISSING_POOL_ID, safe='')}")
    assert response.status == 404
    assert response.json() == {"error": f"No identity pool '{MISSING_POOL_ID}'"}


@pytest.mark.parametrize(
    ("method", "command", "body", "fragment"),
    [
        ("POST", "pools", b'{"identity_pool_id": ', "Control request body is not valid JSON"),
        ("POST", "pools", b'{"identity_pool_id": "x"}', "$.identity_pool_id: Member must"),
        ("POST", "faults", b'{"kind": "gremlins"}', "unknown fault kind 'gremlins'"),
        ("POST", "faults", b'{"operation": "BulkPublish"}', "A fault needs a 'kind'"),
        ("POST", "faults", b'{"kind": "throttling", "times": 2}', "Unknown fault field(s): times"),
        ("POST", "clock", b'{"advance_seconds": -5}', "'advance_seconds' must be a number >= 0"),
        ("POST", "clock", b"{}", "'advance_seconds' must be a number >= 0 (got None)"),
    ],
)
def test_bad_control_requests_are_400_naming_the_problem(raw, method, command, body, fragment):
    response = raw.send(method, f"/_emulator/{command}", body)
    assert response.status == 400
    assert fragment in response.json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "fragment"),
    [
        ("GET", "/_emulator/explode", "Unknown control command GET /_emulator/explode"),
        ("GET", "/_emulator", "Unknown control command GET /_emulator: unknown path"),
        ("PUT", "/_emulator/faults", "only accepts GET, POST, DELETE"),
        ("GET", "/_emulator/reset", "only accepts POST"),
    ],
)
def test_unknown_control_commands_are_404_with_the_known_ones(raw, method, path, fragment):
    response = raw.send(method, path)
    assert response.status == 404
    error = response.json()["error"]
    assert fragment in error and "POST /_emulator/reset" in error


def test_faults_over_http(emulator, raw):
    emulator.backend.put_pool(pool_spec())
    fault = {"operation": "GetBulkPublishDetails", "kind": "internal-error", "count": 2}
    added = raw.control("POST", "faults", fault)
    assert added.status == 201
    assert added.json() == {**fault, "id": 1, "latency_seconds": 0.0}
    assert raw.call("POST", pool_path(POOL_ID, "getBulkPublishDetails")).status == 500
    assert raw.control("GET", "faults").json()["faults"][0]["count"] == 1
    assert raw.control("DELETE", "faults").json() == {"cleared": 1}
    assert raw.call("POST", pool_path(POOL_ID, "getBulkPublishDetails")).status == 200


def test_calls_and_requests_over_http(emulator, raw, manual_clock):
    emulator.backend.put_pool(pool_spec())
    raw.call("POST", pool_path(POOL_ID, "bulkpublish"))
    assert raw.control("GET", "calls").json()["calls"]["BulkPublish"] == 1
    (entry,) = raw.control("GET", "requests").json()["requests"]
    assert entry["time"] == manual_clock.now()
    assert (entry["operation"], entry["identity_pool_id"], entry["status"]) == (
        "BulkPublish",
        POOL_ID,
        200,
    )


def test_the_clock_advances_over_http(emulator, raw, manual_clock):
    start = manual_clock.now()
    response = raw.control("POST", "clock", {"advance_seconds": 86400})
    assert response.json() == {"now": start + 86400}
    assert manual_clock.now() == start + 86400
    assert raw.control("GET", "clock").json() == {"now": start + 86400, "manual": True}


def test_a_system_clock_cannot_be_advanced():
    with Emulator(clock=SystemClock()) as emu:
        response = RawClient(emu.url).control("POST", "clock", {"advance_seconds": 1})
    assert response.status == 400
    assert "runs on the system clock" in response.json()["error"]


def test_reset_goes_back_to_the_seed(raw_seeded):
    emu, raw = raw_seeded
    raw.control("POST", "pools", pool_spec("us-east-1:0000-1111"))
    raw.control(
        "POST", "faults", {"kind": "throttling", "operation": "SetIdentityPoolConfiguration"}
    )
    raw.call("POST", pool_path(POOL_ID, "bulkpublish"))
    raw.call("POST", pool_path(POOL_ID, "getBulkPublishDetails"))
    assert emu.backend.describe_pool(POOL_ID).details.status == "IN_PROGRESS"
    assert raw.control("POST", "reset").json() == {"reset": True}
    pools = raw.control("GET", "pools").json()["pools"]
    assert [(p["identity_pool_id"], p["status"]) for p in pools] == [(POOL_ID, "NOT_STARTED")]
    assert raw.control("GET", "faults").json() == {"faults": []}
    assert raw.control("GET", "requests").json() == {"requests": []}
    assert set(raw.control("GET", "calls").json()["calls"].values()) == {0}


@pytest.fixture
def raw_seeded(manual_clock):
    seed = {"pools": [pool_spec(bulk_publish={"in_progress_reads": 3})]}
    with Emulator(seed=seed, clock=manual_clock) as emu:
        yield emu, RawClient(emu.url)


def test_stop_closes_the_port_and_joins_the_thread(manual_clock):
    emu = Emulator(clock=manual_clock)
    with pytest.raises(RuntimeError, match="not started"):
        _ = emu.url
    emu.start()
    host, port, thread = emu.host, emu.port, emu._thread
    idle = http.client.HTTPConnection(host, port, timeout=5)
    idle.request("GET", "/_emulator/health")
    assert idle.getresponse().read()
    emu.stop()
    emu.stop()
    assert not thread.is_alive()
    assert idle.sock.recv(1) == b""
    idle.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, port), timeout=2).close()


def _eventually(condition, deadline_seconds=5.0):
    """Poll `condition` until it holds; fail if it still does not after the deadline."""
    deadline = time.monotonic() + deadline_seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the condition never held")
        time.sleep(0.01)


def test_stop_interrupts_an_injected_latency(manual_clock):
    emu = Emulator(seed={"pools": [pool_spec()]}, clock=manual_clock).start()
    emu.backend.inject_fault("latency", latency_seconds=600)
    path = pool_path(POOL_ID, "getBulkPublishDetails")
    connection = http.client.HTTPConnection(emu.host, emu.port, timeout=5)
    connection.request("POST", path, b"", RawClient(emu.url).sign("POST", path))
    _eventually(lambda: emu.backend.call_count("GetBulkPublishDetails") == 1)
    emu.stop()
    _eventually(emu.backend.request_log)
    (entry,) = emu.backend.request_log()
    assert (entry["fault"], entry["status"]) == ("latency", None)
    with pytest.raises(http.client.RemoteDisconnected):
        connection.getresponse()
    connection.close()
