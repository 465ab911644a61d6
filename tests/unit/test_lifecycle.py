"""The lifecycle both faces share, with values not known yet (a preview: a pool computed by
another resource): Check passes a list with an unknown element through, and Diff makes a
replace of it without failing."""

from __future__ import annotations

import pytest

from components import lifecycle
from components.aws.settings import AwsDefaults

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


OTHER = "eu-west-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e70"


UNKNOWN = "<unknown>"


AWS = AwsDefaults(region="us-east-1")


def test_check_passes_the_list_through_with_its_unknown_element():
    news = {"identity_pool_ids": [POOL, UNKNOWN], "timeout_seconds": 60}
    assert lifecycle.check(news, AWS, UNKNOWN) == (news, [])


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
