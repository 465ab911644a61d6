"""`make engine`'s rule for the stand-in: a `pulumi-language-python` on PATH (a real Pulumi
install) wins, so the stand-in is neither built nor installed, and a stale copy in .tools/bin
(which the tests and `make up` put first on PATH) is removed. No Go needed."""

from __future__ import annotations

import os

from tools.engine import gotool, hosts


def fake_tool(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def test_a_host_on_path_wins_and_a_stale_stand_in_is_removed(tmp_path, monkeypatch):
    bin_dir = tmp_path / ".tools" / "bin"
    for name in ("pulumi-language-python", "pulumi-language-python-exec"):
        fake_tool(bin_dir, name)
    (bin_dir / hosts.PYTHON_HOST.stamp).write_text("old-key\n")
    real = fake_tool(tmp_path / "real-install", "pulumi-language-python")
    monkeypatch.setattr(gotool, "BIN_DIR", bin_dir)
    monkeypatch.setattr(hosts, "BIN_DIR", bin_dir)
    monkeypatch.setattr(hosts, "HOSTS", (hosts.PYTHON_HOST,))
    monkeypatch.setattr(hosts, "require_go", lambda: None)
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), str(real.parent)]))

    built = hosts.build_hosts(log=lambda line: None)

    assert [(h.name, h.path, h.origin) for h in built] == [("pulumi-language-python", real, "PATH")]
    assert sorted(p.name for p in bin_dir.iterdir()) == []
    assert [(h.path, h.origin) for h in hosts.find_hosts()] == [(real, "PATH")]


def test_our_own_build_in_tools_bin_is_not_a_host_on_path(tmp_path, monkeypatch):
    bin_dir = tmp_path / ".tools" / "bin"
    fake_tool(bin_dir, "pulumi-language-python")
    monkeypatch.setattr(hosts, "BIN_DIR", bin_dir)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert hosts.on_path("pulumi-language-python") is None
