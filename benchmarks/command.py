"""Benchmark: the operator command (`python -m components wait POOL...`) on many pools against
the emulator: wall time, API calls, peak threads of its process; a throttled stretch, against
the same run unthrottled (is the pause shared by every pool?); and whether `--timeout` is the
whole command's."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from emulator import Emulator
from tools.engine import clean_environ, emulator_aws
from tools.engine.paths import PROJECT_DIR

from .support import ThreadSampler, bench_pool_id, env_int, in_progress_pool, method, row

DEFAULT_POOLS = 100
WAITS = (5.0, 60.0)
POLL, MAX_POLL, TIMEOUT = 1.0, 5.0, 600
CONCURRENCY = ["--max-concurrency", "8"]
"""The command's calls in flight (the old command had no such option: 8 pools at a time)."""
THROTTLED = (10.0, 20.0)
"""Seconds after the command starts: GetBulkPublishDetails answers ThrottlingException."""
THROTTLED_TIMEOUT = 45
WINDOWS = {"before": (4.0, 10.0), "during": THROTTLED, "after": (20.0, 30.0), "later": (30.0, 45.0)}
SHORT_TIMEOUT = 2
NEVER = 10.0**6


@dataclass
class Outcome:
    seconds: float
    code: int
    calls: int
    peak_threads: int | None
    began: float
    """The emulator's clock when the command started."""
    log: list[dict]


def bench_command() -> None:
    count = env_int("BPG_BENCH_POOLS", DEFAULT_POOLS)
    seed = env_int("BPG_BENCH_SEED", 10)
    rng = random.Random(seed)
    waits = [rng.uniform(*WAITS) for _ in range(count)]
    ids = [bench_pool_id(3, index) for index in range(count)]
    flags = " ".join(CONCURRENCY)
    method(
        f"`python -m components wait POOL x{count} {flags} --poll-interval {POLL:g} "
        f"--max-poll-interval {MAX_POLL:g}` against the emulator, each job IN_PROGRESS for "
        f"U[5, 60) s (seed {seed}) from just before the command; calls from the emulator's "
        "counters and request log; threads: /proc/<pid>/status of the command every 0.2 s"
    )
    with Emulator() as emulator:
        plain = _command(emulator, ids, waits, TIMEOUT)
        throttled = _command(emulator, ids, waits, THROTTLED_TIMEOUT, throttle=THROTTLED)
        stuck = _command(emulator, ids, [NEVER] * count, SHORT_TIMEOUT)
    row(f"command: --timeout {TIMEOUT}: wall/exit/calls/threads", _said(plain))
    _throttle_report(plain, throttled, ids, waits)
    row(
        f"command: --timeout {SHORT_TIMEOUT}, jobs never ending: wall / exit",
        f"{stuck.seconds:.1f} s / {stuck.code}",
    )


def _said(outcome: Outcome) -> str:
    threads = "n/a" if outcome.peak_threads is None else str(outcome.peak_threads)
    return f"{outcome.seconds:.1f} s / {outcome.code} / {outcome.calls} / {threads}"


def _command(
    emulator, ids, waits, timeout: int, throttle: tuple[float, float] | None = None
) -> Outcome:
    command = [sys.executable, "-m", "components", "wait", *ids, *CONCURRENCY]
    command += ["--poll-interval", f"{POLL:g}", "--max-poll-interval", f"{MAX_POLL:g}"]
    command += ["--timeout", str(timeout)]
    env = {**clean_environ(), **emulator_aws(emulator.url)}
    before = sum(emulator.backend.calls().values())
    began = time.time()
    for pool, wait in zip(ids, waits, strict=True):
        emulator.backend.put_pool(in_progress_pool(pool, wait))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=err)  # noqa: S603
        with ThreadSampler(pid=process.pid) as sampler:
            if throttle:
                _schedule(emulator, began, throttle)
            code = process.wait()
        seconds = time.perf_counter() - started
    emulator.backend.clear_faults()
    log = [entry for entry in emulator.backend.request_log() if entry["time"] >= began]
    calls = sum(emulator.backend.calls().values()) - before
    return Outcome(seconds, code, calls, sampler.peak, began, log)


def _schedule(emulator, began: float, stretch: tuple[float, float]) -> None:
    def run() -> None:
        time.sleep(max(began + stretch[0] - time.time(), 0.0))
        emulator.backend.inject_fault("throttling", operation="GetBulkPublishDetails")
        time.sleep(max(began + stretch[1] - time.time(), 0.0))
        emulator.backend.clear_faults()

    threading.Thread(target=run, daemon=True, name="throttle").start()


def _throttle_report(plain: Outcome, throttled: Outcome, ids, waits) -> None:
    low, high = THROTTLED
    method(
        f"the same command and jobs with --timeout {THROTTLED_TIMEOUT}, GetBulkPublishDetails "
        f"answering ThrottlingException from {low:g} s to {high:g} s after the command started "
        "(botocore's standard retries included); calls per second in each window, against the "
        "unthrottled run above; `pools` = pools whose job runs past every window"
    )
    row("command: throttled run: wall/exit/calls/threads", _said(throttled))
    busy = {pool for pool, wait in zip(ids, waits, strict=True) if wait > WINDOWS["later"][1]}
    row("command: calls/s, window: unthrottled / throttled", "")
    for name, (start, end) in WINDOWS.items():
        rates = [_rate(run, start, end) for run in (plain, throttled)]
        row(f"  {name} [{start:g}, {end:g}) s", f"{rates[0]:.1f} / {rates[1]:.1f}")
    refused = sum(1 for entry in throttled.log if entry.get("error_code") == "ThrottlingException")
    row("command: throttled answers", f"{refused}")
    row("command: the last throttled answer / next call, at", _resumed(throttled))
    per_pool = {
        name: _per_pool(throttled, start, end, busy) for name, (start, end) in WINDOWS.items()
    }
    control = _per_pool(plain, *THROTTLED, busy)
    dropped = sum(per_pool["during"][pool] < control[pool] for pool in busy)
    row(
        f"command: pools ({len(busy)}): calls/s per pool, median",
        " / ".join(
            f"{name} {statistics.median(per_pool[name].values() or [0]):.2f}" for name in WINDOWS
        ),
    )
    row(
        "command: pools whose calls dropped while throttled",
        f"{dropped} of {len(busy)} (during, vs the same window unthrottled)",
    )


def _rate(outcome: Outcome, start: float, end: float) -> float:
    calls = sum(
        1
        for entry in outcome.log
        if start <= entry["time"] - outcome.began < end
        and entry["operation"] == "GetBulkPublishDetails"
    )
    return calls / (end - start)


def _resumed(outcome: Outcome) -> str:
    """When the last throttled answer came, and the first call after it (seconds from the
    command's start): how long the pause held every pool once the throttling was over."""
    refused = [e["time"] for e in outcome.log if e.get("error_code") == "ThrottlingException"]
    if not refused:
        return "n/a (no throttled answer)"
    last = max(refused)
    later = [e["time"] for e in outcome.log if e["time"] > last and not e.get("error_code")]
    after = f"{min(later) - outcome.began:.1f} s" if later else "none"
    return f"{last - outcome.began:.1f} s / {after}"


def _per_pool(outcome: Outcome, start: float, end: float, pools: set[str]) -> dict[str, float]:
    counted: dict[str, int] = defaultdict(int)
    for entry in outcome.log:
        if (
            start <= entry["time"] - outcome.began < end
            and entry["operation"] == "GetBulkPublishDetails"
        ):
            counted[entry["identity_pool_id"]] += 1
    return {pool: counted[pool] / (end - start) for pool in pools}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    bench_command()
