"""Benchmarks (`make bench`): print figures, assert nothing.

- the wait loop's own cost per read, on a fake clock (pure CPU);
- the emulator under 64 concurrent boto3 clients polling GetBulkPublishDetails;
- the gate through the SDK's provider server: cold start, Create latency, blob size, peak RSS;
- the project's own stack (status-only) through the real Pulumi engine: up and preview on a
  settled pool, and the gate's entry in state;
- gate-open latency and reads of the poll that follows the job vs doubling vs a fixed 5 s
  poller (`poll.py`, when present);
- one gate on N pools vs N single gates in one stack (`pools.py`, BPG_BENCH_POOLS, default 100),
  the thread bound (one gate on 1 and 8 pools) and what each pool's gate alone reads;
- a settled check: the gate's share of an up vs one AWS CLI process vs a warm boto3 call, and
  what Check and Diff load (`settled.py`);
- the gate's state entry for 1, 10 and 100 pools (`state.py`);
- the project's stack under the language host (typed `pulumi up`) beside the Automation API
  inline program: the gate's state entry and a settled `up` (`typed.py`);
- the deadline overrun against a trickling peer and one that never answers, and with client
  setup for pools in 1, 3 and 6 regions (`overrun.py`);
- the operator command on N pools: wall time, calls, threads, a throttled stretch, and one
  `--timeout` for all (`command.py`).
- 4, 12 and 64 gates at once in the provider plugin: wall time against each one's wait, and
  the read-once function's answer meanwhile (`waits_at_once.py`).

See benchmarks/README.md for the method of each figure and the latest figures.
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from components.core.contract import BulkPublishDetails
from components.provider import BulkPublishGateProvider
from emulator import Emulator
from tests.support.provider_server import PROVIDER_KEY, ProviderServer, provider_blob
from tests.support.scenarios import pool, pool_id, provider_env
from tests.unit.fakes import Plan, wait
from tools.engine import EngineEnvironment, emulator_aws, find_cli, project_copy

from .command import bench_command
from .overrun import bench_overrun, bench_setup_overrun
from .pools import bench_pools
from .settled import bench_settled
from .state import bench_state
from .support import emulator_client
from .typed import bench_typed
from .waits_at_once import bench_waits_at_once

try:
    from .poll import bench_poll
except ImportError:  # another engineer's module; the figures run without it
    bench_poll = None


def row(name: str, value: str) -> None:
    print(f"  {name:<52} {value}", flush=True)


def bench_wait_loop(reads: int = 200_000) -> None:
    answers = [BulkPublishDetails("p", "IN_PROGRESS")] * (reads - 1) + [
        BulkPublishDetails("p", "SUCCEEDED")
    ]
    iterator = iter(answers)

    class Instant:  # the scheduler's own cost per read: instant reads on a fake clock
        now = 0.0

        def read(self):
            return next(iterator)

        def sleep(self, seconds: float) -> None:
            self.now += seconds

    started = time.perf_counter()
    result = wait(Instant(), Plan(10**9, 1, 1))
    spent = time.perf_counter() - started
    row("wait loop: reads on a fake clock", f"{result.reads}")
    row("wait loop: cost per read", f"{spent / result.reads * 1e6:.2f} us")


def bench_emulator(clients: int = 64, seconds: float = 3.0) -> None:
    with Emulator() as emulator:
        emulator.backend.put_pool(pool("succeeded"))
        made = [emulator_client(emulator.url) for _ in range(clients)]
        latencies: list[float] = []
        errors: list[Exception] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def poll(client) -> None:
            mine = []
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    client.get_bulk_publish_details(IdentityPoolId=pool_id("succeeded"))
                except Exception as error:
                    errors.append(error)
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=poll, args=(client,)) for client in made]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    ordered = sorted(latencies) or [0.0]
    p50, p95 = statistics.median(ordered), ordered[int(len(ordered) * 0.95)]
    row(f"emulator: {clients} clients for {seconds:g}s, requests", f"{len(latencies)}")
    row("emulator: throughput", f"{len(latencies) / seconds:.0f} req/s")
    row("emulator: latency p50 / p95", f"{p50 * 1e3:.1f} / {p95 * 1e3:.1f} ms")
    row("emulator: errors", f"{len(errors)}")


def bench_provider_server(creates: int = 20) -> None:
    blob, secret = provider_blob(BulkPublishGateProvider())
    row(
        "provider blob: base64 bytes / pickled bytes",
        f"{len(blob)} / {len(base64.b64decode(blob))}",
    )
    row("provider blob: secret", f"{secret}")
    with Emulator() as emulator:
        emulator.backend.put_pool(pool("succeeded"))
        started = time.perf_counter()
        with ProviderServer(env=provider_env(emulator.url)) as server:
            server.configure({"aws:region": "us-east-1"})
            row(
                "provider server: cold start to ready",
                f"{(time.perf_counter() - started) * 1e3:.0f} ms",
            )
            props = {"identity_pool_id": pool_id("succeeded"), PROVIDER_KEY: blob}
            timings = []
            for _ in range(creates):
                started = time.perf_counter()
                server.create(props)
                timings.append(time.perf_counter() - started)
            peak = _peak_rss_kib(server._process.pid)
        row("provider server: first Create (SUCCEEDED pool)", f"{timings[0] * 1e3:.0f} ms")
        row(
            f"provider server: median of the next {creates - 1} Creates",
            f"{statistics.median(timings[1:]) * 1e3:.0f} ms",
        )
    row("provider server: peak RSS (VmHWM)", f"{peak / 1024:.0f} MiB" if peak else "n/a")


def bench_engine(ups: int = 3) -> None:
    """Method: the status-only stack of a temporary project copy, `up` ups+1 times and `preview`
    ups times through the Automation API, on a SUCCEEDED pool (one read each)."""
    cli = find_cli()
    if cli is None:
        row("real engine", "n/a: no pulumi on PATH and none built (`make engine`)")
        return
    from pulumi import automation as auto

    with tempfile.TemporaryDirectory() as scratch, Emulator() as emulator:
        emulator.backend.put_pool(pool("succeeded"))
        root = Path(scratch)
        engine = EngineEnvironment(
            cli, root / "home", root / "state", "bench", emulator_aws(emulator.url)
        )
        with engine.applied():
            stack = engine.stack("bench", project_copy(root / "project"))
            config = {
                "bulk-publish-gate:identityPoolId": pool_id("succeeded"),
                "bulk-publish-gate:publishCompletionParameter": "false",
                "aws:region": "us-east-1",
            }
            stack.set_all_config({k: auto.ConfigValue(v) for k, v in config.items()})
            first = _timed(stack.up)
            updates = [_timed(stack.up) for _ in range(ups)]
            previews = [_timed(stack.preview) for _ in range(ups)]
            resources = stack.export_stack().deployment["resources"]
    [gate] = [r for r in resources if r["type"].endswith("cognito-sync:BulkPublishGate")]
    row(f"real engine: {cli.version()} ({cli.origin})", "")
    row("real engine: first up (create, settled pool)", f"{first:.2f} s")
    row(f"real engine: median of {ups} more ups (update)", f"{statistics.median(updates):.2f} s")
    row(f"real engine: median of {ups} previews", f"{statistics.median(previews):.2f} s")
    row("real engine: the gate's state entry", f"{len(json.dumps(gate))} bytes")
    row("real engine: API calls in all", f"{sum(emulator.backend.calls().values())}")


def _timed(operation) -> float:
    started = time.perf_counter()
    operation()
    return time.perf_counter() - started


def _peak_rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> int:
    print("bulk-publish-gate benchmarks (figures only)", flush=True)
    bench_wait_loop()
    bench_emulator()
    bench_provider_server()
    bench_waits_at_once()
    bench_engine()
    if bench_poll is not None:
        bench_poll()
    bench_settled()
    bench_state()
    bench_typed()
    bench_overrun()
    bench_setup_overrun()
    bench_command()
    bench_pools()
    return 0


if __name__ == "__main__":
    sys.exit(main())
