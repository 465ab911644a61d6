"""Freshness and startBulkPublish through the SDK's real provider server over gRPC, against the
emulator over HTTP: Check refuses bad bounds before any call, Create/Update start a publish and
open, a stale success is exported (observe) or refused naming the bound (gate), and Read
(refresh) never starts one."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from components.provider import BulkPublishGateProvider
from emulator import Emulator, ManualClock
from tests.support.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from tests.support.scenarios import pool, pool_id, provider_env

BLOB, _ = provider_blob(BulkPublishGateProvider())
PUBLISH = "BulkPublish"
DAY = 86_400
SCRIPT = {"in_progress_reads": 2, "outcome": "SUCCEEDED"}


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    """The emulator's clock, standing at the real time: the provider's bounds use the real now."""
    return ManualClock(time.time())


@pytest.fixture(scope="module")
def emulator(clock):
    with Emulator(clock=clock) as running:
        yield running


@pytest.fixture(scope="module")
def server(emulator):
    with ProviderServer(env=provider_env(emulator.url)) as running:
        running.configure({"aws:region": "us-east-1"})
        yield running


@pytest.fixture(autouse=True)
def _fresh_emulator(emulator):
    emulator.backend.reset()  # no pools, counters cleared


def props(name: str, **changes) -> dict:
    return {
        "identity_pool_id": pool_id(name),
        "poll_interval_seconds": 0.02,
        "max_poll_interval_seconds": 0.1,
        "timeout_seconds": 30,
        **changes,
        PROVIDER_KEY: BLOB,
    }


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def calls(emulator) -> int:
    return sum(emulator.backend.calls().values())


def future() -> str:
    return iso(datetime.now(UTC) + timedelta(days=1))


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"completed_after": "yesterday"}, "completed_after", "ISO-8601 UTC instant"),
        ({"completed_after": "2026-11-23"}, "completed_after", "with a time and a Z"),
        ({"completed_after": "2026-13-01T00:00:00Z"}, "completed_after", "ISO-8601"),
        ({"completed_after": "2026-11-23T12:00:00+01:00"}, "completed_after", "UTC"),
        ({"completed_after": "2026-11-23T12:00:00"}, "completed_after", "a Z"),
        ({"completed_after": 1_700_000_000}, "completed_after", "ISO-8601"),
        ({"completed_after": future}, "completed_after", "is in the future"),
        ({"max_age_seconds": -1}, "max_age_seconds", "at least 0"),
        ({"max_age_seconds": 1.5}, "max_age_seconds", "whole number"),
        ({"start_bulk_publish": "yes"}, "start_bulk_publish", "true or false"),
    ],
)
def test_check_refuses_bad_bounds_naming_the_field_with_no_api_call(
    emulator, server, changes, field, fragment
):
    emulator.backend.put_pool(pool("succeeded"))
    values = {key: value() if callable(value) else value for key, value in changes.items()}
    _, failures = server.check(props("succeeded", **values))
    assert [f.property for f in failures] == [field]
    assert fragment in failures[0].reason
    assert calls(emulator) == 0


def test_check_keeps_good_bounds_in_state(emulator, server):
    after = iso(datetime.now(UTC) - timedelta(hours=1))
    inputs, failures = server.check(
        props("succeeded", completed_after=after, max_age_seconds=3600, start_bulk_publish=True)
    )
    assert failures == []
    assert (inputs["completed_after"], inputs["max_age_seconds"]) == (after, 3600)
    assert inputs["start_bulk_publish"] is True
    assert calls(emulator) == 0


@pytest.mark.parametrize(
    ("spec", "changes"),
    [
        (pool("not-started", bulk_publish=SCRIPT), {}),
        (pool("succeeded", completed_seconds_ago=2 * DAY, bulk_publish=SCRIPT),
         {"max_age_seconds": DAY}),
    ],
    ids=["not-started", "stale"],
)  # fmt: skip
def test_create_with_start_bulk_publish_starts_waits_and_opens(emulator, server, spec, changes):
    emulator.backend.put_pool(spec)
    name = "not-started" if spec["identity_pool_id"] == pool_id("not-started") else "succeeded"
    inputs, failures = server.check(props(name, start_bulk_publish=True, **changes))
    assert failures == []
    _, outs = server.create(inputs)
    assert (outs["bulk_publish_status"], outs["gate_open"], outs["gate_reason"]) == (
        "SUCCEEDED",
        True,
        "open",
    )
    assert emulator.backend.call_count(PUBLISH) == 1
    assert emulator.backend.call_count("GetBulkPublishDetails") == 4


def test_update_during_a_publish_starts_nothing_new(emulator, server):
    emulator.backend.put_pool(pool("publishing"))
    inputs, _ = server.check(props("publishing", start_bulk_publish=True))
    outs = server.update(pool_id("publishing"), inputs, inputs)
    assert (outs["gate_reason"], emulator.backend.call_count(PUBLISH)) == ("open", 0)


STALE = pool("succeeded", completed_seconds_ago=2 * DAY)


def test_observe_mode_exports_a_stale_success_as_closed(emulator, server):
    emulator.backend.put_pool(STALE)
    inputs, _ = server.check(props("succeeded", mode="observe", max_age_seconds=DAY))
    _, outs = server.create(inputs)
    assert (outs["bulk_publish_status"], outs["gate_open"], outs["gate_reason"]) == (
        "SUCCEEDED",
        False,
        "stale",
    )
    assert emulator.backend.call_count(PUBLISH) == 0


def test_gate_mode_on_a_stale_success_fails_naming_the_bound(emulator, clock, server):
    emulator.backend.put_pool(STALE)
    bound = iso(datetime.now(UTC) - timedelta(days=1))
    inputs, _ = server.check(props("succeeded", completed_after=bound))
    with pytest.raises(ProviderError) as failure:
        server.create(inputs)
    message = failure.value.message
    assert message.startswith("components.core.errors.GateClosedError: ")
    completed = iso(datetime.fromtimestamp(clock.now() - 2 * DAY, UTC))
    for fragment in (
        pool_id("succeeded"),
        f"SUCCEEDED at {completed}",
        f"freshness bound {bound}",
        "startBulkPublish",
    ):
        assert fragment in message
    assert emulator.backend.call_count(PUBLISH) == 0


def test_already_streamed_fails_gate_mode_with_the_earliest_next_start(emulator, clock, server):
    emulator.backend.put_pool(pool("succeeded", completed_seconds_ago=3 * 3600))
    bound = iso(datetime.now(UTC) - timedelta(hours=1))
    inputs, _ = server.check(props("succeeded", completed_after=bound, start_bulk_publish=True))
    with pytest.raises(ProviderError) as failure:
        server.create(inputs)
    next_start = iso(datetime.fromtimestamp(clock.now() - 3 * 3600 + DAY, UTC))
    assert f"may start at {next_start} at the earliest" in failure.value.message
    assert emulator.backend.call_count(PUBLISH) == 1


@pytest.mark.parametrize(
    "spec", [pool("not-started", bulk_publish=SCRIPT), STALE], ids=["not-started", "stale"]
)
def test_read_never_calls_bulk_publish(emulator, server, spec):
    emulator.backend.put_pool(spec)
    name = "not-started" if spec is not STALE else "succeeded"
    inputs, _ = server.check(props(name, start_bulk_publish=True, max_age_seconds=DAY))
    _, outs = server.read(pool_id(name), inputs)
    assert emulator.backend.call_count(PUBLISH) == 0
    assert emulator.backend.call_count("GetBulkPublishDetails") == 1
    assert outs["gate_reason"] == ("not_started" if name == "not-started" else "stale")
    assert outs["start_bulk_publish"] is True  # the inputs are kept
