"""A pool list with an element computed by another resource, as the engine sends it in a
preview (the wire's unknown value inside the list), through both faces' real servers over gRPC:
Check defers it without an API call and still refuses a bad known element by its index; Diff
makes a replace of it, without failing."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown
from pulumi.runtime.proto import DiffResponse
from pulumi.runtime.rpc import UNKNOWN

from components.provider import BulkPublishGateProvider
from components.schema import GATE, PACKAGE
from tests.e2e.support import api_calls
from tests.support.provider_server import PLUGIN, PROVIDER_KEY, ProviderServer, provider_blob
from tests.support.scenarios import pool_id, provider_env

pytestmark = pytest.mark.timeout(120)
BLOB, _ = provider_blob(BulkPublishGateProvider())
URN = f"urn:pulumi:test::gate-yaml::{GATE}::gate"
POOLS = {"dynamic": "identity_pool_ids", "plugin": "identityPoolIds"}


class Face:
    """One face's server, and its own property names."""

    def __init__(self, name: str, server: ProviderServer) -> None:
        self.name, self.server = name, server
        self.pools = POOLS[name]

    def props(self, pools) -> dict:
        if self.name == "plugin":
            return {self.pools: pools, "timeoutSeconds": 30}
        return {self.pools: pools, "timeout_seconds": 30, PROVIDER_KEY: BLOB}

    def check(self, pools):
        return self.server.check(self.props(pools), urn=URN if self.name == "plugin" else "")


@pytest.fixture(params=["dynamic", "plugin"])
def face(request, emulator):
    name = request.param
    serve = {"serve": PLUGIN} if name == "plugin" else {}
    server = ProviderServer(env=provider_env(emulator.url), **serve).start()
    server.configure({f"{PACKAGE}:region" if name == "plugin" else "aws:region": "us-east-1"})
    yield Face(name, server)
    server.stop()


@pytest.mark.parametrize("pools", [[pool_id("succeeded"), UNKNOWN], UNKNOWN])
def test_check_defers_an_unknown_pool_and_calls_nothing(face, emulator, pools):
    inputs, failures = face.check(pools)
    assert failures == []
    said = inputs[face.pools]
    if isinstance(pools, list):  # the known element kept, the unknown one sent back unknown
        assert said[0] == pool_id("succeeded") and isinstance(said[1], Unknown)
    else:
        assert isinstance(said, Unknown)
    assert api_calls(emulator) == 0


@pytest.mark.parametrize(
    ("pools", "reason"),
    [
        ([UNKNOWN, "us-east-1"], "[1] 'us-east-1' must match"),
        (["nope", UNKNOWN], "[0] 'nope' must match"),
        ([pool_id("succeeded"), UNKNOWN, pool_id("succeeded")], "lists us-east-1:"),
    ],
)
def test_check_refuses_a_bad_known_element_by_its_index(face, emulator, pools, reason):
    _, failures = face.check(pools)
    assert [f.property for f in failures] == [face.pools]
    assert failures[0].reason.startswith(reason), failures[0].reason
    assert api_calls(emulator) == 0


@pytest.mark.parametrize("pools", [[pool_id("succeeded"), UNKNOWN], UNKNOWN])
def test_diff_with_an_unknown_pool_is_a_replace(face, pools):
    olds = face.props([pool_id("succeeded"), pool_id("failing")])
    diff = face.server.diff("x", olds, face.props(pools))
    assert diff.changes == DiffResponse.DIFF_SOME
    assert list(diff.replaces) == [face.pools]


def test_diff_of_the_same_known_pools_is_an_update(face):
    same = face.props([pool_id("succeeded"), pool_id("failing")])
    diff = face.server.diff("x", same, same)
    assert (diff.changes, list(diff.replaces)) == (DiffResponse.DIFF_SOME, [])
