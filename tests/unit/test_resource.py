"""`BulkPublishGateArgs` and the resource's outputs held to the tables field for field (names,
types, defaults, docs): a new input or output fails here until each surface says it."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap

import pytest

from components.core.contract import OUTPUTS
from components.core.inputs import DEFAULTS, SPECS
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
