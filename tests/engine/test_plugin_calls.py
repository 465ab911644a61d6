"""The provider plugin over gRPC with more gates than a default thread pool has threads (6 on 2
cores): every gate waits at once, the read-once function is answered while they wait, and
Cancel ends every wait. Held by the emulator's own record of calls (their order), not by the
clock."""

from __future__ import annotations

import threading

import pytest

from components.schema import GATE, PACKAGE, READ
from tests.support.provider_server import PLUGIN, ProviderError, ProviderServer
from tests.support.scenarios import pool, pool_id, provider_env

pytestmark = pytest.mark.timeout(180)
URN = f"urn:pulumi:test::bulk-publish-gate::{GATE}::gate"
GATES = 16
"""More than min(32, CPUs + 4) on any machine with fewer than 12 CPUs."""
IN_PROGRESS_READS = 8
"""Each pool answers IN_PROGRESS this many times (0.5 s apart), then SUCCEEDED."""


def slow_pool(index: int) -> str:
    return f"us-east-1:0a000000-0000-4000-8000-{index:012x}"


@pytest.fixture
def plugin(emulator):
    server = ProviderServer(env=provider_env(emulator.url), serve=PLUGIN).start()
    server.configure({f"{PACKAGE}:region": "us-east-1"})
    yield server
    server.stop()


def reads(emulator) -> list[str]:
    """The pool of each GetBulkPublishDetails, in the order the emulator answered them."""
    log = emulator.backend.request_log()
    return [e["identity_pool_id"] for e in log if e["operation"] == "GetBulkPublishDetails"]


def settled_at(said: list[str], pools: list[str]) -> int:
    """The index of the first read that answered SUCCEEDED (a pool's IN_PROGRESS_READS + 1th)."""
    counts = dict.fromkeys(pools, 0)
    for index, each in enumerate(said):
        if each in counts:
            counts[each] += 1
            if counts[each] > IN_PROGRESS_READS:
                return index
    raise AssertionError("no pool settled")


def test_every_gate_waits_at_once_and_the_function_answers_meanwhile(plugin, emulator):
    pools = [slow_pool(index) for index in range(1, GATES + 1)]
    for each in pools:
        spec = {"bulk_publish": {"in_progress_reads": IN_PROGRESS_READS, "outcome": "SUCCEEDED"}}
        emulator.backend.put_pool(pool("publishing", identity_pool_id=each, **spec))
    emulator.backend.put_pool(pool("succeeded"))
    settings = {"pollIntervalSeconds": 0.5, "maxPollIntervalSeconds": 0.5, "timeoutSeconds": 120}
    outcomes: list[str] = []

    def create(each: str) -> None:
        inputs, _ = plugin.check({"identityPoolId": each, **settings}, urn=URN)
        outcomes.append(plugin.create(inputs)[1]["bulkPublishStatus"])

    callers = [threading.Thread(target=create, args=(each,)) for each in pools]
    for caller in callers:
        caller.start()
    while len(set(reads(emulator))) < 6:  # gates are waiting (as many as 6 threads allow)
        threading.Event().wait(0.02)
    outs, failures = plugin.invoke(READ, {"identityPoolId": pool_id("succeeded")})
    for caller in callers:
        caller.join()

    assert (outs["bulkPublishStatus"], failures) == ("SUCCEEDED", [])
    assert outcomes == ["SUCCEEDED"] * GATES
    said = reads(emulator)
    first_settled = settled_at(said, pools)
    waiting = {each for each in said[:first_settled] if each in pools}
    assert waiting == set(pools), f"{len(waiting)} of {GATES} gates read before one settled"
    assert said.index(pool_id("succeeded")) < first_settled, "the function waited for a gate"


def test_cancel_ends_every_waiting_gate(plugin, emulator):
    pools = [slow_pool(index) for index in range(1, GATES + 1)]
    for each in pools:
        emulator.backend.put_pool(pool("stuck", identity_pool_id=each))
    settings = {"pollIntervalSeconds": 0.2, "maxPollIntervalSeconds": 0.2, "timeoutSeconds": 600}
    ended: list[str] = []

    def create(each: str) -> None:
        inputs, _ = plugin.check({"identityPoolId": each, **settings}, urn=URN)
        try:
            plugin.create(inputs)
        except ProviderError as error:
            ended.append(error.details)

    callers = [threading.Thread(target=create, args=(each,)) for each in pools]
    for caller in callers:
        caller.start()
    while set(reads(emulator)) != set(pools):  # every gate is waiting (600 s each)
        threading.Event().wait(0.02)
    plugin.cancel()
    for caller in callers:  # (each would wait 600 s, past this test's timeout, without Cancel)
        caller.join()
    assert len(ended) == GATES
    assert all("cancelled by the Pulumi engine" in said for said in ended), ended[0]
