"""The dynamic provider with the SDK's unknown values (a preview): Check defers them, Diff makes
a replace of unknown pools."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown

from components.provider import BulkPublishGateProvider

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


OTHER = "eu-west-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e70"


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


@pytest.mark.parametrize("news", [[POOL, Unknown()], Unknown()])
def test_the_dynamic_providers_diff_of_unknown_pools_is_a_replace(news):
    result = BulkPublishGateProvider().diff("x", {"identity_pool_ids": [POOL, OTHER]}, {
        "identity_pool_ids": news
    })  # fmt: skip
    assert (result.changes, result.replaces) == (True, ["identity_pool_ids"])
