"""Benchmark: many gates at once in the provider plugin (4, 12 and 64 Creates sent together over
gRPC, as the engine sends a stack's gates), each waiting WAIT seconds from its own first read (its
pool answers IN_PROGRESS to its first WAIT reads, 1 s apart, as a gate that starts its own
publish waits): the wall time against that wait, and how long the read-once function, sent while
they wait, takes to answer. Then the same gates from a YAML stack through the real engine: the
wall time of `pulumi up`, engine and plugin start included."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import yaml

from components.schema import GATE, PACKAGE, READ
from emulator import Emulator
from tests.support.provider_server import PLUGIN, ProviderServer
from tests.support.scenarios import provider_env
from tools.engine import EngineEnvironment, emulator_aws, find_cli
from tools.engine.paths import PROJECT_DIR

from .support import PASSPHRASE, bench_pool_id, in_progress_pool, method, row, succeeded_pool

COUNTS, WAIT, TARGET_OVER = (4, 12, 64), 5, 2.0
SETTINGS = {"pollIntervalSeconds": 1, "maxPollIntervalSeconds": 1, "timeoutSeconds": 60}
FUNCTION_AFTER = 2.5
"""The function is sent this long after the Creates: mid-wait, every gate waiting."""
URN = f"urn:pulumi:bench::bulk-publish-gate::{GATE}::gate"


def bench_waits_at_once() -> None:
    method(
        f"the provider plugin (`python provider`) over gRPC, warmed by one Create; N Creates "
        f"sent at once (a thread each), each on its own pool, IN_PROGRESS for its first {WAIT} "
        f"reads, then SUCCEEDED; poll 1 s (so each gate waits {WAIT} s from its first read); "
        "wall = Creates sent -> last Create answered; the read-once function sent "
        f"{FUNCTION_AFTER:g} s after the Creates, time to its answer; target: wall <= {WAIT} + "
        f"{TARGET_OVER:g} s"
    )
    with Emulator() as emulator:
        warm = bench_pool_id(0x70, 0)
        emulator.backend.put_pool(succeeded_pool(warm))
        with ProviderServer(env=provider_env(emulator.url), serve=PLUGIN) as server:
            server.configure({f"{PACKAGE}:region": "us-east-1"})
            _create(server, warm)
            for count in COUNTS:
                wall, function, failed = _round(server, emulator, count, warm)
                verdict = "met" if wall <= WAIT + TARGET_OVER else "NOT met"
                row(
                    f"plugin gates: {count} x {WAIT} s: wall / function",
                    f"{wall:.1f} s / {function:.2f} s{failed}: {verdict}",
                )
    bench_engine_waits()


def bench_engine_waits() -> None:
    cli = find_cli()
    if cli is None or shutil.which("pulumi-language-yaml", path=str(cli.path.parent)) is None:
        row("plugin gates through the engine", "n/a: no pulumi and YAML host (`make engine`)")
        return
    method(
        "the same gates and pools from a YAML stack (packages: this provider/), a fresh stack "
        "each, typed `pulumi up --yes --skip-preview`, wall time of the command; --parallel 64, "
        "and the engine's default (4 x CPUs) for comparison"
    )
    with tempfile.TemporaryDirectory() as scratch, Emulator() as emulator:
        root = Path(scratch)
        engine = EngineEnvironment(
            cli, root / "home", root / "state", PASSPHRASE, emulator_aws(emulator.url)
        )
        for count, parallel in [(count, "64") for count in COUNTS] + [(12, None)]:
            pools = [bench_pool_id(0x170 + count + (parallel is None), i) for i in range(count)]
            for pool in pools:
                emulator.backend.put_pool(_publishing(pool))
            project = root / f"gates-{count}-{parallel or 'default'}"
            wall, said = _engine_up(engine, project, pools, parallel)
            where = f"--parallel {parallel}" if parallel else "default --parallel"
            row(f"plugin gates via engine: {count} x {WAIT} s, {where}", f"{wall:.1f} s{said}")


def _engine_up(engine: EngineEnvironment, project: Path, pools: list[str], parallel):
    project.mkdir()
    kind = f"{PACKAGE}:BulkPublishGate"
    gates = {
        f"gate{index}": {"type": kind, "properties": {"identityPoolId": pool, **SETTINGS}}
        for index, pool in enumerate(pools)
    }
    packages = {PACKAGE: str(PROJECT_DIR / "provider")}
    program = {"name": project.name, "runtime": "yaml", "packages": packages, "resources": gates}
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(program, sort_keys=False))
    for args in (("stack", "init", "bench"), ("config", "set", f"{PACKAGE}:region", "us-east-1")):
        engine.pulumi(*args, cwd=project)
    more = ("--parallel", parallel) if parallel else ()
    started = time.monotonic()
    done = engine.pulumi("up", "--yes", "--skip-preview", "--non-interactive", *more, cwd=project)
    wall = time.monotonic() - started
    return wall, "" if done.returncode == 0 else f" (failed: {done.stdout[-300:]!r})"


def _round(server: ProviderServer, emulator: Emulator, count: int, function_pool: str):
    pools = [bench_pool_id(0x70 + count, index) for index in range(count)]
    errors: list[Exception] = []

    def create(pool: str) -> None:
        try:
            _create(server, pool)
        except Exception as error:  # a figure, not a test: count it
            errors.append(error)

    callers = [threading.Thread(target=create, args=(pool,)) for pool in pools]
    for pool in pools:
        emulator.backend.put_pool(_publishing(pool))
    started = time.monotonic()
    for caller in callers:
        caller.start()
    time.sleep(FUNCTION_AFTER)
    asked = time.monotonic()
    server.invoke(READ, {"identityPoolId": function_pool})
    function = time.monotonic() - asked
    for caller in callers:
        caller.join()
    failed = f" ({len(errors)} failed: {errors[0]})" if errors else ""
    return time.monotonic() - started, function, failed


def _create(server: ProviderServer, pool: str) -> None:
    inputs, _ = server.check({"identityPoolId": pool, **SETTINGS}, urn=URN)
    server.create(inputs)


def _publishing(pool: str) -> dict:
    """A pool whose publish answers IN_PROGRESS to its first WAIT reads, then SUCCEEDED."""
    script = {"in_progress_reads": WAIT, "outcome": "SUCCEEDED"}
    return {**in_progress_pool(pool, WAIT), "bulk_publish": script}
