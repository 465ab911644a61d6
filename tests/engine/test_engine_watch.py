"""The provider process never outlives its engine: the SDK's real provider server, given a
stand-in engine address, stops a waiting gate and exits as soon as that address stops
answering; while it answers, nothing changes."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from components.engine_watch import engine_address, in_dynamic_provider
from components.provider import BulkPublishGateProvider
from tests.support.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from tests.support.scenarios import pool, pool_id, provider_env

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def engine():
    """A stand-in for the engine's address: a socket that accepts, until the test closes it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield listener
    listener.close()


def props(name: str, **changes) -> dict:
    blob, _ = provider_blob(BulkPublishGateProvider())
    return {
        PROVIDER_KEY: blob,
        "identity_pool_id": pool_id(name),
        "poll_interval_seconds": 0.05,
        "max_poll_interval_seconds": 0.2,
        "timeout_seconds": 600,
        **changes,
    }


def started(emulator, engine) -> ProviderServer:
    port = engine.getsockname()[1]
    server = ProviderServer(env=provider_env(emulator.url), engine=f"127.0.0.1:{port}").start()
    server.configure({"aws:region": "us-east-1"})
    return server


def test_a_wait_stops_and_the_process_ends_when_the_engine_is_gone(emulator, engine):
    emulator.backend.put_pool(pool("stuck"))
    server = started(emulator, engine)
    outcome: list[BaseException] = []

    def create() -> None:
        try:
            server.create(props("stuck"))
        except ProviderError as error:
            outcome.append(error)

    caller = threading.Thread(target=create)
    caller.start()
    try:
        while emulator.backend.call_count("GetBulkPublishDetails") < 3:  # the gate is waiting
            assert caller.is_alive()
            threading.Event().wait(0.05)
        engine.close()
        gone = time.monotonic()
        assert server.process.wait(timeout=20) == 1
        print(f"measured: the provider process ended {time.monotonic() - gone:.2f}s after")
        caller.join(timeout=20)
        assert outcome and not caller.is_alive()  # the Create did not go on to its deadline
        reads = emulator.backend.call_count("GetBulkPublishDetails")
        assert any("the Pulumi engine is gone" in line for line in server.stderr_lines)
    finally:
        server.stop()
    threading.Event().wait(1.0)  # nothing reads any more: the process is gone
    assert emulator.backend.call_count("GetBulkPublishDetails") == reads


def test_while_the_engine_answers_the_provider_works_as_ever(emulator, engine):
    emulator.backend.put_pool(pool("publishing", bulk_publish={"in_progress_reads": 12}))
    server = started(emulator, engine)
    try:
        _, outs = server.create(props("publishing"))  # about 2 s: several looks at the engine
        assert outs["bulk_publish_status"] == "SUCCEEDED"
        assert server.process.poll() is None
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["x/pulumi/dynamic/__main__.py", "127.0.0.1:40123"], ("127.0.0.1", 40123)),
        (["x/pulumi/dynamic/__main__.py", "[::1]:40123"], ("::1", 40123)),
        (["x/pulumi/dynamic/__main__.py", "127.0.0.1:0"], None),
        (["x/pulumi/dynamic/__main__.py"], None),
    ],
)
def test_the_engine_address_is_the_servers_argument(argv, expected):
    assert engine_address(argv) == expected
    assert in_dynamic_provider(argv)


def test_only_the_dynamic_provider_process_watches_an_engine():
    assert not in_dynamic_provider(["/usr/bin/pytest"])
    assert not in_dynamic_provider([])
