"""The plugin's requests: every field it reads from a request is one the SDK's request type has
(the plugin's Update once read `request.new_inputs`, which only CheckRequest and DiffRequest
have, and every second deployment of a plugin gate failed on it); an unknown element of a list
is read as unknown."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest
from pulumi.provider.experimental import provider as sdk
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime.rpc import UNKNOWN as WIRE_UNKNOWN

from components import plugin


def _fields(cls: type) -> set[str]:
    """The attributes `cls.__init__` sets on self."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls.__init__)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }


def _reads() -> list[tuple[str, str, str]]:
    """(method, request type, field) for every `request.<field>` the plugin's methods read."""
    tree = ast.parse(inspect.getsource(plugin.GateProvider))
    found = []
    for method in ast.walk(tree):
        if not isinstance(method, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for arg in method.args.args:
            note = arg.annotation
            if not (isinstance(note, ast.Attribute) and note.attr.endswith("Request")):
                continue
            for node in ast.walk(method):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == arg.arg
                ):
                    found.append((method.name, note.attr, node.attr))
    return found


READS = _reads()


def test_the_plugin_reads_requests_of_every_lifecycle_call():
    methods = {method for method, _, _ in READS}
    assert {"check", "diff", "create", "update", "read", "invoke", "configure"} <= methods


@pytest.mark.parametrize(("method", "request_type", "field"), READS)
def test_each_field_read_is_one_the_sdk_request_type_sets(method, request_type, field):
    fields = _fields(getattr(sdk, request_type))
    assert field in fields, f"{method} reads {request_type}.{field}; it has {sorted(fields)}"


POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


def test_the_plugin_reads_an_unknown_element_of_a_list_as_unknown():
    for unknown in (PropertyValue(WIRE_UNKNOWN), PropertyValue(Computed())):
        said = plugin.local({"identityPoolIds": PropertyValue([PropertyValue(POOL), unknown])})
        assert said == {"identity_pool_ids": [POOL, plugin.UNKNOWN]}
    back = plugin.wire({"identity_pool_ids": [POOL, plugin.UNKNOWN]})["identityPoolIds"]
    assert [item.value for item in back.value] == [POOL, WIRE_UNKNOWN]
