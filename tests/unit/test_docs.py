"""docs/reference/ and Pulumi.yaml's config section are what `make docs` writes from the tables
today: a stale page fails here, by name, with the command that writes it again; Pulumi.yaml
declares every key with the code's defaults, in the tables' words."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from components import docs
from components.config import STACK_KEYS
from components.core.inputs import SPECS, GateInputs
from components.docs import pulumi_config, sentence

HINT = "run `make docs` (python -m components.docs docs/reference) and commit docs/reference/"


def test_the_reference_is_what_make_docs_writes(tmp_path):
    written = {path.name: path.read_text(encoding="utf-8") for path in docs.write(tmp_path)}
    kept = {path.name: path.read_text(encoding="utf-8") for path in docs.REFERENCE.glob("*")}
    stale = sorted(name for name, text in written.items() if kept.get(name) != text)
    assert not stale, f"stale in docs/reference/: {', '.join(stale)}; {HINT}"
    unwritten = sorted(set(kept) - set(written))
    assert not unwritten, f"docs/reference/{', '.join(unwritten)} is not written by make docs"


def test_the_reference_does_not_depend_on_the_terminal_or_the_run(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    wide = {name: page() for name, page in docs.PAGES.items()}
    monkeypatch.setenv("COLUMNS", "40")
    assert {name: page() for name, page in docs.PAGES.items()} == wide


def test_a_changed_table_makes_the_reference_stale(monkeypatch):
    committed = (docs.REFERENCE / "inputs.md").read_text(encoding="utf-8")
    changed = dataclasses.replace(SPECS["mode"], doc="a meaning that nobody wrote down")
    monkeypatch.setitem(SPECS, "mode", changed)
    assert docs.inputs_page() != committed
    assert "A meaning that nobody wrote down." in docs.inputs_page()


def test_every_rule_says_what_it_accepts():
    assert all(docs.value_range(spec) for spec in SPECS.values())
    assert docs.value_range(SPECS["timeout_seconds"]) == "0 to 86400"
    assert docs.value_range(SPECS["poll_interval_seconds"]) == "0.01 to 3600"


def test_pulumi_yaml_keeps_what_is_not_its_config_section():
    text = "name: x\nconfig:\n  old:\n    type: string\n\nplugins:\n  providers: []\n"
    written = docs.pulumi_yaml(text)
    assert written.startswith("name: x\nconfig:\n")
    assert written.endswith("\nplugins:\n  providers: []\n")
    assert "  old:" not in written
    assert docs.pulumi_yaml(written) == written


def test_pulumi_yaml_declares_every_key_with_the_code_defaults():
    project = yaml.safe_load((Path(__file__).parents[2] / "Pulumi.yaml").read_text())
    declared = project["config"]
    defaults = GateInputs(identity_pool_id="").as_props()
    types = {"text": "string", "instant": "string", "decimal": "string", "list": "array",
             "int": "integer", "bool": "boolean"}  # fmt: skip
    assert set(declared) == {spec.config for spec in SPECS.values()} | set(STACK_KEYS)
    for prop, spec in SPECS.items():
        key = spec.config
        assert declared[key]["type"] == types[spec.kind], key
        assert key in declared, key
        if declared[key].get("default") in ("", []):
            assert defaults[prop] in (None, "", [], ()), key  # optional: the CLI needs a default
        elif "default" in declared[key]:
            assert str(declared[key]["default"]).lower() == str(
                defaults[prop]
            ).lower().removesuffix(".0")
        else:
            assert defaults[prop] in (None, ""), key


NAMES = {spec.config: name for name, spec in SPECS.items()}


@pytest.mark.parametrize("key", list(pulumi_config()))
def test_pulumi_yaml_says_each_key_in_the_tables_words(key):
    # Type, default and description, as `make docs` writes them from the inputs table (and
    # config.STACK_KEYS): a description edited in Pulumi.yaml alone fails here.
    declared = yaml.safe_load((Path(__file__).parents[2] / "Pulumi.yaml").read_text())["config"]
    assert declared.get(key) == pulumi_config()[key], f"Pulumi.yaml's {key}: run `make docs`"
    assert declared[key]["description"].startswith(
        sentence(SPECS[NAMES[key]].doc) if key in NAMES else sentence(STACK_KEYS[key][2])
    )
