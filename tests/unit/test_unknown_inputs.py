"""Values not known yet (a preview: a pool computed by another resource) on both faces: a list
with an unknown element is deferred as a wholly unknown value is, its known elements are still
checked, each named by its index, and Diff makes a replace of it without failing."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN as WIRE_UNKNOWN

from components import lifecycle, plugin
from components.aws.settings import AwsDefaults
from components.core.inputs import validate
from components.core.rules import MAX_POOLS
from components.provider import BulkPublishGateProvider

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
OTHER = "eu-west-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e70"
UNKNOWN = "<unknown>"
AWS = AwsDefaults(region="us-east-1")

DEFERRED = [
    [POOL, UNKNOWN],
    [UNKNOWN, POOL],
    [UNKNOWN],
    [UNKNOWN, UNKNOWN],  # two unknowns are not "listed twice": they may differ
    [POOL, UNKNOWN, OTHER],
]


@pytest.mark.parametrize("pools", DEFERRED)
def test_a_list_with_an_unknown_element_is_deferred(pools):
    assert validate({"identity_pool_ids": pools}, unknown=UNKNOWN) == (None, [])


REFUSED = [
    # (pools, the reason's start): the known elements keep their index and their rule
    (["nope", UNKNOWN], "[0] 'nope' must match"),
    ([UNKNOWN, "nope"], "[1] 'nope' must match"),
    ([POOL, UNKNOWN, 42], "[2] must be a string"),
    ([UNKNOWN, POOL, ""], "[2] must not be empty"),
    ([POOL, UNKNOWN, POOL], f"lists {POOL} twice"),
    ([UNKNOWN] + [POOL] * MAX_POOLS, f"must hold at most {MAX_POOLS} pools (got 201)"),
]


@pytest.mark.parametrize(("pools", "reason"), REFUSED)
def test_a_bad_known_element_beside_an_unknown_one_is_refused_by_its_index(pools, reason):
    inputs, problems = validate({"identity_pool_ids": pools}, unknown=UNKNOWN)
    assert inputs is None
    assert [(p.field, p.said()[: len(reason)]) for p in problems] == [("identity_pool_ids", reason)]


def test_without_a_placeholder_an_element_is_checked_as_it_is():
    inputs, problems = validate({"identity_pool_ids": [POOL, UNKNOWN]})
    assert inputs is None
    assert problems[0].said().startswith("[1] '<unknown>' must match")


def test_other_inputs_are_still_checked_beside_an_unknown_pool():
    _, problems = validate({"identity_pool_ids": [POOL, UNKNOWN], "mode": "bad"}, unknown=UNKNOWN)
    assert [p.field for p in problems] == ["mode"]
    _, problems = validate(
        {"identity_pool_ids": [POOL, UNKNOWN], "identity_pool_id": POOL}, unknown=UNKNOWN
    )
    assert [p.field for p in problems] == ["identity_pool_id"]  # both set, as when known


def test_check_passes_the_list_through_with_its_unknown_element():
    news = {"identity_pool_ids": [POOL, UNKNOWN], "timeout_seconds": 60}
    assert lifecycle.check(news, AWS, UNKNOWN) == (news, [])


def test_the_dynamic_providers_check_defers_the_sdks_unknown_objects():
    # What the SDK's dynamic-provider server gives for the engine's unknowns in a preview.
    provider = BulkPublishGateProvider()
    for news in (
        {"identity_pool_ids": [POOL, Unknown()]},
        {"identity_pool_ids": Unknown()},
        {"identity_pool_id": Unknown()},
    ):
        result = provider.check({}, news)
        assert result.failures == [], news
    result = provider.check({}, {"identity_pool_ids": ["nope", Unknown()]})
    assert [(f.property, f.reason[:3]) for f in result.failures] == [("identity_pool_ids", "[0]")]


def test_the_plugin_reads_an_unknown_element_of_a_list_as_unknown():
    for unknown in (PropertyValue(WIRE_UNKNOWN), PropertyValue(Computed())):
        said = plugin.local({"identityPoolIds": PropertyValue([PropertyValue(POOL), unknown])})
        assert said == {"identity_pool_ids": [POOL, plugin.UNKNOWN]}
    back = plugin.wire({"identity_pool_ids": [POOL, plugin.UNKNOWN]})["identityPoolIds"]
    assert [item.value for item in back.value] == [POOL, WIRE_UNKNOWN]


REPLACES = [
    # (old pools, new pools, what the diff replaces)
    ([POOL, OTHER], [POOL, OTHER], []),
    ([POOL, OTHER], [POOL, UNKNOWN], ["identity_pool_ids"]),
    ([POOL, OTHER], UNKNOWN, ["identity_pool_ids"]),
    ([POOL], [UNKNOWN], ["identity_pool_ids"]),
]


@pytest.mark.parametrize(("olds", "news", "moved"), REPLACES)
def test_diff_replaces_a_gate_whose_pools_are_not_known_yet(olds, news, moved):
    assert lifecycle.replaces({"identity_pool_ids": olds}, {"identity_pool_ids": news}) == moved


def test_diff_of_an_unknown_single_pool_replaces_it():
    assert lifecycle.replaces({"identity_pool_id": POOL}, {"identity_pool_id": UNKNOWN}) == [
        "identity_pool_id"
    ]


@pytest.mark.parametrize("news", [[POOL, Unknown()], Unknown()])
def test_the_dynamic_providers_diff_of_unknown_pools_is_a_replace(news):
    result = BulkPublishGateProvider().diff("x", {"identity_pool_ids": [POOL, OTHER]}, {
        "identity_pool_ids": news
    })  # fmt: skip
    assert (result.changes, result.replaces) == (True, ["identity_pool_ids"])
