"""`BulkPublishStatusReference` reads every output of the contract by its name."""

from __future__ import annotations

import pulumi

from components import reference
from components.core.contract import OUTPUTS


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
