"""Benchmark: one gate on N pools vs N single gates in one stack, through the real engine (or
the SDK's provider server where no engine is here): wall time, API calls, peak threads; the
thread bound (one gate on 1 and on 8 pools); and what one gate ALONE on each pool reads."""

from __future__ import annotations

import os
import random
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from components import BulkPublishGateArgs, BulkPublishGateProvider, BulkPublishGateResource
from emulator import Emulator
from tests.support.provider_server import PROVIDER_KEY, ProviderServer, provider_blob
from tests.support.scenarios import provider_env
from tools.engine import emulator_aws, find_cli

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
POLL, MAX_POLL, TIMEOUT, MAX_CONCURRENCY = 1.0, 5.0, 600, 8
BOUND_SIZES, BOUND_WAIT = (1, 8), 10.0
"""The thread bound: one gate on the first 1 and 8 pools, each IN_PROGRESS this long."""
ALONE_READS_TARGET, WALL_TARGET = 1.1, (1.2, 2.0)


@dataclass(frozen=True)
class Run:
    seconds: float
    calls: int
    peak_threads: int | None
    lag: float | None = None
    """Seconds from the jobs' start to the run's first read (the engine's own start-up)."""


def _args(**pools) -> BulkPublishGateArgs:
    return BulkPublishGateArgs(
        **pools,
        poll_interval_seconds=POLL,
        max_poll_interval_seconds=MAX_POLL,
        timeout_seconds=TIMEOUT,
        max_concurrency=MAX_CONCURRENCY,
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
        f"just before the run, then SUCCEEDED; poll {POLL:g} s, max {MAX_POLL:g} s, "
        f"maxConcurrency {MAX_CONCURRENCY}; through the {through}; calls from the emulator's "
        "counters; threads: /proc/<pid>/status of the pulumi.dynamic process every 0.2 s"
    )
    if cli is None:
        row("many pools: real engine", "n/a: none found, so through the SDK's provider server")
    runner = _engine_runs(cli) if cli else _provider_server_runs()
    results: dict[str, Run] = {}
    with Emulator() as emulator:
        for size in BOUND_SIZES:
            if size < count:
                results[f"bound-{size}"] = _measured(
                    emulator, runner, "multi", ids[:size], [BOUND_WAIT] * size
                )
        results["multi"] = _measured(emulator, runner, "multi", ids, waits)
        results["singles"] = _measured(emulator, runner, "singles", ids, waits)
        alone_calls, alone_seconds = _alone(emulator, ids, waits, results["multi"].lag or 0.0)
    _report(count, waits, results, alone_calls, alone_seconds)


def _measured(emulator, runner, name: str, ids: list[str], waits: list[float]) -> Run:
    began = time.time()
    for pool, wait in zip(ids, waits, strict=True):  # every job starts afresh
        emulator.backend.put_pool(in_progress_pool(pool, wait))
    before = sum(emulator.backend.calls().values())
    seconds, peak = runner(name, ids, emulator)
    calls = sum(emulator.backend.calls().values()) - before
    return Run(seconds, calls, peak, _first_read(emulator, began))


def _first_read(emulator, since: float) -> float | None:
    times = [
        entry["time"]
        for entry in emulator.backend.request_log()
        if entry["time"] >= since and entry["operation"] == "GetBulkPublishDetails"
    ]
    return min(times) - since if times else None


def _report(
    count: int, waits: list[float], results: dict[str, Run], alone_calls: int, alone_s: float
) -> None:
    longest = max(waits)
    factor, plus = WALL_TARGET
    target = factor * longest + plus
    multi, singles = results["multi"], results["singles"]
    row("many pools: longest single wait", f"{longest:.1f} s (target: multi <= {target:.1f} s)")
    row("many pools: up / API calls / peak threads", "")
    labelled = [(f"one gate on {size} pool(s), {BOUND_WAIT:g} s jobs", f"bound-{size}")
                for size in BOUND_SIZES if f"bound-{size}" in results]  # fmt: skip
    labelled += [(f"one gate on all {count} pools", "multi"), (f"{count} single gates", "singles")]
    for label, key in labelled:
        run = results[key]
        threads = "n/a" if run.peak_threads is None else str(run.peak_threads)
        row(f"  {label}", f"{run.seconds:.1f} s / {run.calls} / {threads}")
    row(
        f"  {count} gates alone (run.observe, one thread each)",
        f"{alone_s:.1f} s / {alone_calls} / -",
    )
    if multi.lag is not None:
        row("many pools: the multi gate's first read after", f"{multi.lag:.1f} s (alone: the same)")
    met = "met" if multi.seconds <= target else "NOT met"
    said = f"{multi.seconds:.1f} s (target <= {target:.1f} s): {met}"
    row("many pools: multi wall time vs target", said)
    if alone_calls:
        ratio = multi.calls / alone_calls
        verdict = "met" if ratio <= ALONE_READS_TARGET else "NOT met"
        row(
            f"many pools: multi reads vs alone (target <= {ALONE_READS_TARGET:g}x)",
            f"{multi.calls} / {alone_calls} = {ratio:.2f}x: {verdict}",
        )
    one = results.get(f"bound-{BOUND_SIZES[0]}")
    if one and one.peak_threads is not None and multi.peak_threads is not None:
        bound = one.peak_threads + MAX_CONCURRENCY
        verdict = "met" if multi.peak_threads <= bound else "NOT met"
        row(
            "many pools: multi threads vs 1 pool + maxConcurrency",
            f"{multi.peak_threads} (target <= {one.peak_threads} + {MAX_CONCURRENCY} = "
            f"{bound}): {verdict}",
        )
    row("many pools: singles vs multi (wall time)", f"{singles.seconds / multi.seconds:.1f}x")


def _engine_runs(cli) -> Callable:
    def program(name: str, ids: list[str]) -> Callable[[], None]:
        def multi() -> None:
            pools = {"identity_pool_ids": ids} if len(ids) > 1 else {"identity_pool_id": ids[0]}
            BulkPublishGateResource("pools", _args(**pools))

        def singles() -> None:
            for index, pool in enumerate(ids):
                BulkPublishGateResource(f"gate-{index:03d}", _args(identity_pool_id=pool))

        return multi if name == "multi" else singles

    def run(name: str, ids: list[str], emulator) -> tuple[float, int | None]:
        with (
            tempfile.TemporaryDirectory() as scratch,
            engine_session(cli, Path(scratch), emulator) as session,
        ):
            stack = session.stack(f"{name}-{len(ids)}", program(name, ids))
            with ThreadSampler() as sampler:
                seconds = timed(stack.up)
        return seconds, sampler.peak

    return run


def _provider_server_runs() -> Callable:
    blob, _ = provider_blob(BulkPublishGateProvider())

    def props(**pools) -> dict:
        return {**_args(**pools).as_props(), PROVIDER_KEY: blob}

    def run(name: str, ids: list[str], emulator) -> tuple[float, int | None]:
        with ProviderServer(env=provider_env(emulator.url)) as server:
            server.configure({"aws:region": "us-east-1"})
            if name == "multi" and len(ids) > 1:
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


def _alone(emulator, ids: list[str], waits: list[float], lag: float) -> tuple[int, float]:
    """Each pool's single-pool gate by itself (`run.observe` on that pool, same settings), all
    at once on their own threads, so the whole takes one wait: (API calls, seconds). The jobs
    start afresh `lag` seconds before the first reads, as they did for the multi gate (whose
    first read came after the engine's start-up). One warm client serves every gate, so that
    100 client builds at once do not delay the first reads."""
    from components.aws.client import CognitoSync
    from components.aws.settings import AwsDefaults, ClientSettings
    from components.core.inputs import GateInputs
    from components.run import Io, observe

    saved = dict(os.environ)
    os.environ.update(emulator_aws(emulator.url))
    try:
        settings = ClientSettings("us-east-1", max_pool_connections=len(ids))
        client = CognitoSync(settings)
        io = Io(client=lambda _settings: _Kept(client))
        for pool, wait in zip(ids, waits, strict=True):
            emulator.backend.put_pool(in_progress_pool(pool, wait))
        before = sum(emulator.backend.calls().values())
        time.sleep(lag)

        def one(pool: str) -> None:
            inputs = GateInputs(
                identity_pool_id=pool, poll_interval_seconds=POLL,
                max_poll_interval_seconds=MAX_POLL, timeout_seconds=TIMEOUT,
                max_concurrency=MAX_CONCURRENCY,
            )  # fmt: skip
            observe(inputs, AwsDefaults(region="us-east-1"), write=lambda _line: None, io=io)

        threads = [threading.Thread(target=one, args=(pool,)) for pool in ids]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        client.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return sum(emulator.backend.calls().values()) - before, seconds


class _Kept:
    """The shared client, which a run's end does not close."""

    def __init__(self, client) -> None:
        self._client = client

    def get_bulk_publish_details(self, pool: str):
        return self._client.get_bulk_publish_details(pool)

    def bulk_publish(self, pool: str):
        return self._client.bulk_publish(pool)

    def close(self) -> None:
        """The benchmark closes the shared client once, at the end."""
