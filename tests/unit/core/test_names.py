"""What AWS names may be: an SSM parameter name, a region with the API."""

from __future__ import annotations

import pytest

from components.core.names import parameter_name_problem, region_problem


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("/a/us-east-1:abc", "only letters, digits and _.-/"),
        ("has space", "only letters"),
        ("a/b", "must start with /"),
        ("/aws/thing", "must not start with aws or ssm"),
        ("SSMthing", "must not start with aws or ssm"),
        ("/" + "/".join("x" * 16), "15 levels"),
        ("/" + "x" * 1011, "at most 1011"),
    ],
)
def test_bad_parameter_names_are_refused_with_the_rule(name, fragment):
    assert fragment in parameter_name_problem(name)


def test_pool_in_a_region_without_the_api_is_refused_unless_overridden():
    pool = "sa-east-1:0f5b6a1e"
    assert "no endpoint in 'sa-east-1'" in region_problem("sa-east-1", pool, overridden=False)
    assert region_problem("sa-east-1", pool, overridden=True) is None
