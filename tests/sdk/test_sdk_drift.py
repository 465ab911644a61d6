"""sdk/ is what `make sdk` writes from the plugin's schema today, with the names and the version
the schema gives; the generator refuses a bad request with a clear message."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from components.schema import GO_IMPORT_BASE_PATH, LANGUAGE, VERSION
from tools.engine import pinned_version
from tools.engine.sdkgen import LANGUAGES, SDK_DIR, generate

pytestmark = pytest.mark.timeout(600)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def drift(committed: Path, fresh: Path) -> list[str]:
    """What differs, one line per file, named as under the repository's root."""
    old, new = files(committed), files(fresh)
    said = {path: "missing" for path in new.keys() - old.keys()}
    said |= {path: "not generated any more" for path in old.keys() - new.keys()}
    said |= {path: "differs" for path in old.keys() & new.keys() if old[path] != new[path]}
    return [f"sdk/{path}: {why}" for path, why in sorted(said.items())]


def test_the_committed_sdks_are_what_make_sdk_writes(sdkgen, go, tmp_path):
    generate(tmp_path / "sdk", log=lambda line: None)
    assert sorted(p.name for p in (tmp_path / "sdk").iterdir()) == sorted(LANGUAGES)
    stale = drift(SDK_DIR, tmp_path / "sdk")
    assert not stale, "sdk/ is stale: run `make sdk` and commit it:\n" + "\n".join(stale)


def test_the_drift_check_names_each_stale_file(tmp_path):
    committed, fresh = tmp_path / "committed", tmp_path / "fresh"
    for root, text in ((committed, "old"), (fresh, "new")):
        (root / "go").mkdir(parents=True)
        (root / "go" / "go.mod").write_text(text)
    (committed / "go" / "gone.go").write_text("")
    (fresh / "go" / "new.go").write_text("")
    assert drift(committed, fresh) == [
        "sdk/go/go.mod: differs",
        "sdk/go/gone.go: not generated any more",
        "sdk/go/new.go: missing",
    ]


def test_each_sdk_has_the_schemas_names_and_version():
    package = json.loads((SDK_DIR / "nodejs" / "package.json").read_text())
    assert (package["name"], package["version"]) == (LANGUAGE["nodejs"]["packageName"], VERSION)
    assert package["pulumi"] == {"resource": True, "name": "cognito-sync-gate", "version": VERSION}
    python = LANGUAGE["python"]["packageName"]
    setup = (SDK_DIR / "python" / "setup.py").read_text()
    assert f'VERSION = "{VERSION}"' in setup and f"setup(name='{python}'" in setup
    plugin = json.loads((SDK_DIR / "python" / python / "pulumi-plugin.json").read_text())
    assert plugin["version"] == VERSION
    go_mod = (SDK_DIR / "go" / "go.mod").read_text()
    module, package_dir = GO_IMPORT_BASE_PATH.rsplit("/", 1)
    assert go_mod.startswith(f"module {module}\n")
    required = re.search(r"github\.com/pulumi/pulumi/sdk/v3 (v\S+)", go_mod)
    assert required and required.group(1) == pinned_version()
    assert (SDK_DIR / "go" / "go.sum").is_file()
    utilities = (SDK_DIR / "go" / package_dir / "internal" / "pulumiUtilities.go").read_text()
    assert f'semver.MustParse("{VERSION}")' in utilities


@pytest.mark.parametrize(
    ("args", "schema", "code", "said"),
    [
        (["-out", "OUT"], "{not json", 1, "the schema is not a package schema in JSON"),
        (["-out", "OUT"], '{"name": "x", "resources": 3}', 1, "the schema is not a package schema"),
        (["-out", "OUT"], '{"name": "x", "version": "nope"}', 1, "does not bind: #/version"),
        (["-out", "OUT", "csharp"], "{}", 2, 'no generator for "csharp"'),
        ([], "{}", 2, "-out is required"),
    ],
)
def test_the_generator_refuses_a_bad_request_with_a_clear_message(
    sdkgen, tmp_path, args, schema, code, said
):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    done = subprocess.run(
        [str(sdkgen), *args], input=schema, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (code, "")
    assert done.stderr.startswith("pulumi-sdkgen: ") and said in done.stderr, done.stderr
    assert "goroutine" not in done.stderr
    assert not (tmp_path / "out").exists()
