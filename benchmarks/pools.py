"""Benchmark: one gate on N pools vs N single gates in one stack, through the real engine (or
the SDK's provider server where no engine is here): wall time, API calls, peak threads."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from components import BulkPublishGateArgs, BulkPublishGateProvider, BulkPublishGateResource
from emulator import Emulator
from harness.engine import find_cli
from harness.provider_server import PROVIDER_KEY, ProviderServer, provider_blob
from harness.scenarios import provider_env

from .support import (
    ThreadSampler,
    bench_pool_id,
    engine_session,
    env_int,
    in_progress_pool,
    method,
    row,
    timed,
)

DEFAULT_POOLS = 100
WAITS = (5.0, 60.0)
POLL, MAX_POLL, TIMEOUT = 1.0, 5.0, 600


@dataclass(frozen=True)
class Run:
    seconds: float
    calls: int
    peak_threads: int | None


def _args(**pools) -> BulkPublishGateArgs:
    return BulkPublishGateArgs(
        **pools,
        poll_interval_seconds=POLL,
        max_poll_interval_seconds=MAX_POLL,
        timeout_seconds=TIMEOUT,
    )


def bench_pools() -> None:
    count = env_int("BPG_BENCH_POOLS", DEFAULT_POOLS)
    seed = env_int("BPG_BENCH_SEED", 10)
    rng = random.Random(seed)
    waits = [rng.uniform(*WAITS) for _ in range(count)]
    ids = [bench_pool_id(1, index) for index in range(count)]
    cli = None if os.environ.get("BPG_BENCH_NO_ENGINE") else find_cli()
    through = f"real engine {cli.version()} ({cli.origin})" if cli else "SDK provider server"
    method(
        f"{count} pools (BPG_BENCH_POOLS), each IN_PROGRESS for U[5, 60) s (seed {seed}) from "
        f"just before the run, then SUCCEEDED; poll {POLL:g} s, max {MAX_POLL:g} s; through the "
        f"{through}; calls from the emulator's counters; threads: /proc/<pid>/status of the "
        "pulumi.dynamic process every 0.2 s"
    )
    if cli is None:
        row("many pools: real engine", "n/a: none found, so through the SDK's provider server")
    runner = _engine_runs(cli, ids) if cli else _provider_server_runs(ids)
    with Emulator() as emulator:
        results = {}
        for name in ("multi", "singles"):
            for pool, wait in zip(ids, waits, strict=True):  # every job starts afresh
                emulator.backend.put_pool(in_progress_pool(pool, wait))
            before = sum(emulator.backend.calls().values())
            seconds, peak = runner(name, emulator)
            calls = sum(emulator.backend.calls().values()) - before
            results[name] = Run(seconds, calls, peak)
    longest = max(waits)
    target = 1.2 * longest + 2
    multi, singles = results["multi"], results["singles"]
    row("many pools: longest single wait", f"{longest:.1f} s (target: multi <= {target:.1f} s)")
    row("many pools: up / API calls / peak threads", "")
    for label, run in (("one gate on all pools", multi), (f"{count} single gates", singles)):
        threads = "n/a" if run.peak_threads is None else str(run.peak_threads)
        row(f"  {label}", f"{run.seconds:.1f} s / {run.calls} / {threads}")
    met = "met" if multi.seconds <= target else "NOT met"
    row(
        "many pools: multi vs target / vs singles", f"{met}; {singles.seconds / multi.seconds:.1f}x"
    )


def _engine_runs(cli, ids: list[str]) -> Callable:
    scratch = tempfile.TemporaryDirectory()

    def programs(name: str) -> Callable[[], None]:
        def multi() -> None:
            BulkPublishGateResource("pools", _args(identity_pool_ids=ids))

        def singles() -> None:
            for index, pool in enumerate(ids):
                BulkPublishGateResource(f"gate-{index:03d}", _args(identity_pool_id=pool))

        return multi if name == "multi" else singles

    def run(name: str, emulator) -> tuple[float, int | None]:
        root = Path(scratch.name) / name
        with engine_session(cli, root, emulator) as session:
            stack = session.stack(name, programs(name))
            with ThreadSampler() as sampler:
                seconds = timed(stack.up)
        if name == "singles":
            scratch.cleanup()
        return seconds, sampler.peak

    return run


def _provider_server_runs(ids: list[str]) -> Callable:
    blob, _ = provider_blob(BulkPublishGateProvider())

    def props(**pools) -> dict:
        return {**_args(**pools).as_props(), PROVIDER_KEY: blob}

    def run(name: str, emulator) -> tuple[float, int | None]:
        with ProviderServer(env=provider_env(emulator.url)) as server:
            server.configure({"aws:region": "us-east-1"})
            if name == "multi":
                requests = [props(identity_pool_ids=ids)]
            else:
                requests = [props(identity_pool_id=pool) for pool in ids]
            checked = [server.check(each)[0] for each in requests]
            # As the engine would send them: every Create at once, the server's own worker
            # pool deciding how many run.
            sampler = ThreadSampler(pid=server._process.pid)
            with sampler, ThreadPoolExecutor(len(checked)) as pool:
                seconds = timed(lambda: list(pool.map(server.create, checked)))
        return seconds, sampler.peak

    return run
