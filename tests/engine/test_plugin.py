"""The provider plugin (`provider/`, package cognito-sync-gate) over gRPC as the engine drives
it: its info and schema, Check, Create, Read, the read-once function, Cancel, and the one
contract both faces keep: the same service answers give the dynamic resource and the plugin
the same outputs."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from components.core.contract import OUTPUTS
from components.provider import BulkPublishGateProvider
from components.schema import GATE, GO_IMPORT_BASE_PATH, PACKAGE, READ, VERSION
from tests.support.provider_server import (
    PLUGIN,
    PROVIDER_KEY,
    ProviderError,
    ProviderServer,
    provider_blob,
)
from tests.support.scenarios import FAILURE_MESSAGE, pool, pool_id, provider_env

pytestmark = pytest.mark.timeout(120)
URN = f"urn:pulumi:test::bulk-publish-gate::{GATE}::gate"
FAST = {"pollIntervalSeconds": 0.05, "maxPollIntervalSeconds": 0.2, "timeoutSeconds": 30}


@pytest.fixture
def plugin(emulator):
    server = ProviderServer(env=provider_env(emulator.url), serve=PLUGIN).start()
    server.configure({f"{PACKAGE}:region": "us-east-1"})
    yield server
    server.stop()


def test_the_plugin_says_its_version_and_its_schema(plugin):
    assert plugin.plugin_version() == VERSION
    schema = json.loads(plugin.get_schema())
    assert (schema["name"], schema["version"]) == (PACKAGE, VERSION)
    gate = schema["resources"][GATE]
    assert {o.stack for o in OUTPUTS} <= set(gate["properties"])
    assert all(p.get("description") for p in gate["properties"].values())
    assert "identityPoolIds" in gate["inputProperties"]
    assert set(schema["functions"]) == {READ}


def test_the_schema_names_each_sdk_outside_pulumis_own_and_at_the_plugins_version(plugin):
    language = json.loads(plugin.get_schema())["language"]
    assert language["nodejs"]["packageName"] == "@bulk-publish-gate/cognito-sync-gate"
    assert language["python"]["packageName"] == "pulumi_cognito_sync_gate"
    go_path = language["go"]["importBasePath"]
    assert go_path == GO_IMPORT_BASE_PATH and go_path.endswith("/sdk/go/cognitosyncgate")
    assert {name: said.get("respectSchemaVersion") for name, said in language.items()} == {
        "nodejs": True,
        "python": True,
        "go": True,
    }


def test_check_names_the_property_and_the_rule_before_any_call(plugin, emulator):
    _, failures = plugin.check({"identityPoolId": "nope", "timeoutSeconds": -1}, urn=URN)
    assert {f.property for f in failures} == {"identityPoolId", "timeoutSeconds"}
    assert any("must be at least 0" in f.reason for f in failures)
    inputs, failures = plugin.check({"identityPoolId": pool_id("succeeded")}, urn=URN)
    assert failures == []
    assert (inputs["mode"], inputs["timeoutSeconds"]) == ("gate", 1800)
    assert sum(emulator.backend.calls().values()) == 0


def create(server: ProviderServer, props: dict) -> dict:
    inputs, failures = server.check(props, urn=URN)
    assert failures == []
    return server.create(inputs)[1]


@pytest.mark.parametrize("name", ["succeeded", "publishing", "failing", "not-started"])
def test_both_faces_give_the_same_outputs_for_the_same_answers(emulator, plugin, name):
    # Each face on its own copy of the same scripted pool.
    ids = {
        face: pool_id(name)[:-1] + suffix for face, suffix in (("dynamic", "a"), ("plugin", "b"))
    }
    for each in ids.values():
        emulator.backend.put_pool(pool(name, identity_pool_id=each))
    ours = {"identityPoolId": ids["plugin"], "mode": "observe", **FAST}
    plugins = create(plugin, ours)
    with ProviderServer(env=provider_env(emulator.url)) as dynamic:
        dynamic.configure({"aws:region": "us-east-1"})
        blob, _ = provider_blob(BulkPublishGateProvider())
        props = {
            PROVIDER_KEY: blob,
            "identity_pool_id": ids["dynamic"],
            "mode": "observe",
            "poll_interval_seconds": 0.05,
            "max_poll_interval_seconds": 0.2,
            "timeout_seconds": 30,
        }
        inputs, _ = dynamic.check(props)
        _, dynamics = dynamic.create(inputs)
    for output in OUTPUTS:
        said = (dynamics.get(output.prop), plugins.get(output.stack))
        if output.stack == "identityPoolId":
            assert said == (props["identity_pool_id"], ours["identityPoolId"])
        elif output.stack == "checkedAt":
            assert all(value.endswith("Z") for value in said)
        else:
            assert said[0] == said[1], (output.stack, said)
    if name == "failing":
        assert plugins["failureMessage"] == FAILURE_MESSAGE


def test_gate_mode_fails_with_our_message_first(emulator, plugin):
    emulator.backend.put_pool(pool("failing"))
    with pytest.raises(ProviderError) as failure:
        create(plugin, {"identityPoolId": pool_id("failing"), **FAST})
    # gRPC's server says "Unexpected <class 'Exception'>: " first; then ours, before any trace.
    first = failure.value.details.split(": ", 1)[1].splitlines()[0]
    assert first.startswith(f"bulk publish of identity pool {pool_id('failing')}")
    assert "FAILED" in first


def test_the_read_once_function_never_waits_or_starts(emulator, plugin):
    emulator.backend.put_pool(pool("publishing"))
    outs, failures = plugin.invoke(READ, {"identityPoolId": pool_id("publishing")})
    assert failures == []
    assert (outs["bulkPublishStatus"], outs["gateReason"]) == ("IN_PROGRESS", "in_progress")
    assert emulator.backend.calls()["GetBulkPublishDetails"] == 1
    assert emulator.backend.call_count("BulkPublish") == 0


def test_refresh_reads_once_and_keeps_the_inputs(emulator, plugin):
    emulator.backend.put_pool(pool("succeeded"))
    outs = create(plugin, {"identityPoolId": pool_id("succeeded"), **FAST})
    _, refreshed = plugin.read(outs["identityPoolId"], outs, inputs=outs)
    assert refreshed["bulkPublishStatus"] == "SUCCEEDED"
    assert refreshed["timeoutSeconds"] == 30


def test_refresh_of_saved_inputs_that_break_a_rule_names_them_as_the_schema_does(emulator, plugin):
    emulator.backend.put_pool(pool("succeeded"))
    outs = create(plugin, {"identityPoolId": pool_id("succeeded"), **FAST})
    edited = {**outs, "timeoutSeconds": -1, "maxConcurrency": 0}
    with pytest.raises(ProviderError) as raised:
        plugin.read(outs["identityPoolId"], edited, inputs=edited)
    said = raised.value.details.strip().splitlines()[0]
    assert "timeoutSeconds must be at least 0" in said, said
    assert "maxConcurrency must be" in said, said
    assert "bulk-publish-gate:" not in said and "timeout_seconds" not in said, said


def test_cancel_ends_a_waiting_create_at_once(emulator, plugin):
    emulator.backend.put_pool(pool("stuck"))
    inputs, _ = plugin.check({"identityPoolId": pool_id("stuck"), **FAST, "timeoutSeconds": 600},
                             urn=URN)  # fmt: skip
    ended: list[ProviderError] = []

    def create_it() -> None:
        try:
            plugin.create(inputs)
        except ProviderError as error:
            ended.append(error)

    caller = threading.Thread(target=create_it)
    caller.start()
    while emulator.backend.call_count("GetBulkPublishDetails") < 3:
        assert caller.is_alive()
        threading.Event().wait(0.05)
    asked = time.monotonic()
    plugin.cancel()
    caller.join(timeout=10)
    latency = time.monotonic() - asked
    print(f"measured: Cancel ended the waiting Create after {latency:.3f}s")
    assert not caller.is_alive() and ended
    assert "cancelled by the Pulumi engine" in ended[0].details


def test_region_problems_name_the_plugins_own_setting(emulator):
    server = ProviderServer(env=provider_env(emulator.url, AWS_ENDPOINT_URL_COGNITO_SYNC=""),
                            serve=PLUGIN).start()  # fmt: skip
    try:
        server.configure({f"{PACKAGE}:region": "eu-west-1"})
        _, failures = server.check({"identityPoolId": pool_id("succeeded")}, urn=URN)
        _, refused = server.invoke(READ, {"identityPoolId": pool_id("succeeded")})
    finally:
        server.stop()
    assert [f.property for f in failures] == [f"{PACKAGE}:region"]
    assert "the pool lives in us-east-1" in failures[0].reason
    # The read-once function checks the same settings, and says which one.
    assert [f.property for f in refused] == [f"{PACKAGE}:region"]
    assert refused[0].reason.startswith(f"{PACKAGE}:region is 'eu-west-1': the pool lives in")


def test_check_without_a_pool_names_the_pool_settings_as_the_schema_does(plugin):
    _, failures = plugin.check({}, urn=URN)
    assert [f.property for f in failures] == ["identityPoolId"]
    assert "(or identityPoolIds, a list of several)" in failures[0].reason
    assert "_" not in failures[0].reason.replace("us-east-1:", "")


def secret(value: object) -> dict:
    """A value as the engine sends a secret (a provider that accepts secrets gets this)."""
    return {rpc._special_sig_key: rpc._special_secret_sig, "value": value}


def test_a_secret_endpoint_passes_check_and_create_and_is_kept(emulator, plugin):
    emulator.backend.put_pool(pool("succeeded"))
    props = {"identityPoolId": pool_id("succeeded"), **FAST, "endpointUrl": secret(emulator.url)}
    inputs, failures = plugin.check(props, urn=URN)
    assert failures == []
    assert inputs["endpointUrl"] == emulator.url
    _, outs = plugin.create({**inputs, "endpointUrl": secret(emulator.url)})
    assert (outs["endpointUrl"], outs["gateOpen"]) == (emulator.url, True)


def test_a_secret_endpoint_with_a_password_is_refused_without_it(plugin, emulator):
    url = "http://user:hunter2pass@127.0.0.1:1/"
    _, failures = plugin.check({"identityPoolId": pool_id("succeeded"),
                                "endpointUrl": secret(url)}, urn=URN)  # fmt: skip
    assert [f.property for f in failures] == ["endpointUrl"]
    assert "must not contain credentials" in failures[0].reason
    assert "hunter2pass" not in failures[0].reason
    assert sum(emulator.backend.calls().values()) == 0


POOL_ID = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
BAD_ARGUMENTS = [
    # (arguments, the failures' properties, what the first reason says)
    ({"identityPoolId": POOL_ID, "timeoutSeconds": -1}, ["timeoutSeconds"],
     "timeoutSeconds must be at least 0 and at most 86400 (got -1)"),
    ({"identityPoolId": POOL_ID, "completedAfter": "2999-01-01T00:00:00Z"}, ["completedAfter"],
     "completedAfter 2999-01-01T00:00:00Z is in the future"),
    ({"identityPoolId": POOL_ID, "endpointUrl": "http://user:hunter2pass@127.0.0.1:1/"},
     ["endpointUrl"], "endpointUrl must not contain credentials"),
    ({"identityPoolId": POOL_ID, "region": "mars"}, ["region"],
     "region must be an AWS region name"),
    ({}, ["identityPoolId"], "identityPoolId is required: the identity pool id"),
    ({"identityPoolID": POOL_ID}, ["identityPoolID", "identityPoolId"],
     f"identityPoolID is not an argument of {READ} (did you mean identityPoolId?); it takes "
     "identityPoolId, identityPoolIds, maxConcurrency, timeoutSeconds, region, endpointUrl, "
     "completedAfter, maxAgeSeconds"),
    ({"identityPoolId": POOL_ID, "startBulkPublish": True}, ["startBulkPublish"],
     f"startBulkPublish is not an argument of {READ}; it takes identityPoolId,"),
]  # fmt: skip


def test_the_read_once_function_defers_a_pool_list_with_an_element_not_known(emulator, plugin):
    outs, failures = plugin.invoke(READ, {"identityPoolIds": [POOL_ID, rpc.UNKNOWN]})
    assert failures == []
    assert isinstance(outs["bulkPublishStatus"], Unknown)  # not known in a preview either
    assert sum(emulator.backend.calls().values()) == 0


@pytest.mark.parametrize(("arguments", "named", "said"), BAD_ARGUMENTS)
def test_the_read_once_function_checks_its_arguments_as_the_gate_does(
    emulator, plugin, arguments, named, said
):
    outs, failures = plugin.invoke(READ, arguments)
    assert [f.property for f in failures] == named
    assert failures[0].reason.startswith(said), failures[0].reason
    for failure in failures:  # each face names its own settings: the function's camelCase
        assert not re.search(r"[a-z]_[a-z]", failure.reason), failure.reason
        assert "hunter2pass" not in failure.reason
    assert outs == {}


@pytest.mark.parametrize(
    ("config", "env", "field"),
    [
        ({f"{PACKAGE}:profile": "nobody"}, {}, f"{PACKAGE}:profile"),
        ({}, {"AWS_PROFILE": "nobody"}, "AWS_PROFILE"),
    ],
)
def test_a_missing_profile_is_blamed_on_the_plugins_own_setting(emulator, config, env, field):
    server = ProviderServer(env=provider_env(emulator.url, **env), serve=PLUGIN).start()
    try:
        server.configure({f"{PACKAGE}:region": "us-east-1", **config})
        _, failures = server.check({"identityPoolId": pool_id("succeeded")}, urn=URN)
    finally:
        server.stop()
    assert [f.property for f in failures] == [field]
    assert failures[0].reason.startswith("The config profile (nobody) could not be found")
    assert f"Set {PACKAGE}:profile (or AWS_PROFILE) to a profile" in failures[0].reason
    assert "aws:profile" not in failures[0].reason
    assert sum(emulator.backend.calls().values()) == 0
