"""The hand-written surfaces held to the tables field for field: `BulkPublishGateArgs` and the
resource's outputs (names, types, defaults, docs), `BulkPublishStatusReference`'s reads, and
the stack config reader's key names and defaults. A new input or output fails here until each
surface has it, in the table's words."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap

import pulumi
import pytest

from components import reference
from components.config import PUBLISH_PARAMETER_KEY, STACK_KEYS, read_stack_config
from components.core.contract import OUTPUTS
from components.core.inputs import DEFAULTS, NAMESPACE, SPECS
from components.docs import sentence
from components.resource import BulkPublishGateArgs, BulkPublishGateResource

ARG_TYPES = {"text": "str", "instant": "str", "list": "Sequence[str]", "int": "int",
             "decimal": "float", "bool": "bool"}  # fmt: skip
"""Each kind of input as a Python type (an instant crosses the wire as ISO-8601 text)."""
OUTPUT_TYPES = {"string": "str", "boolean": "bool", "pools": "dict"}


def attribute_docs(cls: type) -> dict[str, str]:
    """Each annotated attribute's docstring (the string right below it), spaces collapsed."""
    body = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0].body
    return {
        node.target.id: " ".join(after.value.value.split())
        for node, after in itertools.pairwise(body)
        if isinstance(node, ast.AnnAssign)
        and isinstance(after, ast.Expr)
        and isinstance(after.value, ast.Constant)
        and isinstance(after.value.value, str)
    }


def test_the_args_are_the_inputs_table_in_its_order():
    names = [field.name for field in BulkPublishGateArgs.__dataclass_fields__.values()]
    assert names == list(SPECS)


@pytest.mark.parametrize("name", list(SPECS))
def test_each_argument_has_the_tables_type_default_and_doc(name):
    field = BulkPublishGateArgs.__dataclass_fields__[name]
    typed = ARG_TYPES[SPECS[name].kind]
    assert field.type == typed or f"[{typed}]" in field.type, (name, field.type)
    # None stands for an empty default (unset); any other default is the table's own.
    unset = DEFAULTS[name] in (None, "", ())
    assert field.default == DEFAULTS[name] or (unset and field.default is None), name
    doc = attribute_docs(BulkPublishGateArgs).get(name, "")
    assert doc.startswith(sentence(SPECS[name].doc)), f"{name}: {doc!r}"


def test_the_resource_declares_every_output_with_its_type_and_doc():
    annotations = inspect.get_annotations(BulkPublishGateResource)
    docs = attribute_docs(BulkPublishGateResource)
    for output in OUTPUTS:
        typed = f"pulumi.Output[{OUTPUT_TYPES[output.kind]}"
        assert annotations.get(output.prop, "").startswith(typed), output.prop
        assert docs.get(output.prop) == output.doc, output.prop
    for name in set(annotations) - {output.prop for output in OUTPUTS}:
        assert name in SPECS, f"{name} is neither an output nor an input"
        assert f"[{ARG_TYPES[SPECS[name].kind]}]" in annotations[name], name
        assert docs.get(name) == sentence(SPECS[name].doc), name


class _Read:
    """A stack output read by name; `apply` keeps the name (the check it adds is not run)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def apply(self, _check):
        return self


class _FakeReference:
    def __init__(self, _name: str, opts=None) -> None:
        pass

    def get_output(self, name: str) -> _Read:
        return _Read(name)


def test_the_stack_reference_reads_every_output_by_its_name(monkeypatch):
    monkeypatch.setattr(pulumi, "StackReference", _FakeReference)
    producer = reference.BulkPublishStatusReference("organization/bulk-publish-gate/prod")
    read = {name: value.name for name, value in vars(producer).items() if isinstance(value, _Read)}
    assert read == {output.prop: output.stack for output in OUTPUTS}


class FakeConfig:
    name = NAMESPACE

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"
BAD = {"identity_pool_id": "nope", "mode": "strict", "region": "x", "endpoint_url": "ftp://x"}
"""A value that breaks each text input's rule; every other kind is broken by `x`."""


@pytest.mark.parametrize("name", list(SPECS))
def test_the_config_reader_names_each_key_as_the_table_does(name):
    key = SPECS[name].config
    with pytest.raises(pulumi.RunError) as error:
        read_stack_config(
            FakeConfig({"identityPoolId": POOL, key: BAD.get(name, "x")}), "us-east-1"
        )
    assert f"\n  - {NAMESPACE}:{key} " in str(error.value)


@pytest.mark.parametrize(
    ("key", "raw"), [("completionParameterName", "a b"), (PUBLISH_PARAMETER_KEY, "x")]
)
def test_the_config_reader_names_the_stacks_own_keys(key, raw):
    assert key in STACK_KEYS
    with pytest.raises(pulumi.RunError) as error:
        read_stack_config(FakeConfig({"identityPoolId": POOL, key: raw}), "us-east-1")
    assert f"\n  - {NAMESPACE}:{key} " in str(error.value)


def test_the_stacks_own_keys_default_as_their_table_says():
    settings = read_stack_config(FakeConfig({"identityPoolId": POOL}), "us-east-1")
    assert settings.publish_completion_parameter is STACK_KEYS[PUBLISH_PARAMETER_KEY][1]
    assert STACK_KEYS["completionParameterName"][1] == ""  # derived from the pools instead
