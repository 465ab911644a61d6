"""Benchmark: how far past its deadline a gate's Create runs when the endpoint holds the read:
a peer that trickles its answer one byte a second (which no per-socket-read timeout ends), and
one that accepts the connection and never sends a byte; through the SDK's provider server. And
the same overrun of one run on pools in 1, 3 and 6 regions, client setup included, in a fresh
interpreter (a provider process's first Create) and again in that process (a later one)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from components.provider import BulkPublishGateProvider
from emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, Emulator
from tests.peer import ScriptedPeer
from tests.support.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from tests.support.scenarios import provider_env

from .support import method, row, succeeded_pool

ROOT = Path(__file__).resolve().parents[1]

RUNS, TIMEOUT, TARGET = 5, 1, 2.0
POOL = "us-east-1:0a000000-0000-4000-8000-0000000000aa"
TRICKLED = b" " * 40 + b'{"BulkPublishStatus": "SUCCEEDED"}'
"""40 s of one byte per second before a valid answer arrives."""


class SilentPeer:
    """Accepts every connection, reads what comes, never answers; closes them all on exit."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True, name="silent-peer")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> SilentPeer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._socket.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError, BlockingIOError):
                connection, _ = self._socket.accept()
                connection.setblocking(False)
                self._held.append(connection)
            for connection in self._held:  # drain, so the client's send never blocks
                with contextlib.suppress(OSError):
                    connection.recv(65536)


def bench_overrun() -> None:
    method(
        f"a timeoutSeconds={TIMEOUT} gate's Create (poll 0.05 s, max 0.1 s) through the SDK's "
        "provider server (`python -m pulumi.dynamic`), against a peer that trickles its answer "
        "one byte a second (tests/peer.py) and one that never answers; the Create's time minus "
        f"the timeout, {RUNS} runs each, one server for all: min / median / max"
    )
    blob, _ = provider_blob(BulkPublishGateProvider())
    with ProviderServer(env=provider_env("http://127.0.0.1:9")) as server:
        server.configure({"aws:region": "us-east-1"})
        for name, peer in (
            ("trickling peer", lambda: ScriptedPeer(TRICKLED, trickle=40)),
            ("peer that never answers", SilentPeer),
        ):
            overruns = []
            for _ in range(RUNS):
                with peer() as running:
                    overruns.append(_overrun(server, running.url, blob))
            worst = max(overruns)
            verdict = "met" if worst <= TARGET else "NOT met"
            row(
                f"overrun: {name} (target <= {TARGET:g} s)",
                f"{min(overruns):.2f} / {statistics.median(overruns):.2f} / {worst:.2f} s: "
                f"{verdict}",
            )


SETUP_RUNS, SETUP_REGIONS = 5, (1, 3, 6)
REGIONS = ("us-east-1", "eu-west-1", "ap-south-1", "us-west-2", "ap-northeast-1", "eu-central-1")
CHILD = """
import json, sys, time
from components.aws.settings import AwsDefaults
from components.run import observe
from components.core.inputs import GateInputs
regions, url = sys.argv[1].split(","), sys.argv[2]
pools = tuple(f"{r}:0a000000-0000-4000-8000-0000000000{i:02x}" for i, r in enumerate(regions))
inputs = GateInputs(identity_pool_ids=pools, endpoint_url=url, timeout_seconds=0, mode="observe")
runs = []
for _ in range(2):  # the first run imports boto3 and reads its models; the second finds them
    started = time.monotonic()
    observed = observe(inputs, AwsDefaults(), write=lambda _line: None)
    answered = sum(each.verdict is not None for each in observed.pools.values())
    runs.append((time.monotonic() - started, answered))
print(json.dumps(runs), flush=True)
"""
"""Two runs of `run.observe` (timeoutSeconds 0) on one pool per region, each timed from the call
to its return, with how many pools got a status; boto3 is first imported inside the first run,
as in a provider process."""


def bench_setup_overrun() -> None:
    method(
        "`run.observe`, timeoutSeconds=0, one pool in each of N regions (one client each), in "
        "a fresh interpreter that has imported the gate but not boto3: the run's time (the "
        "call to its return) minus the timeout, for the process's first run (cold) and its "
        f"second (warm), {SETUP_RUNS} processes per N: min / median / max; against a peer "
        "that never answers, then against the emulator with SUCCEEDED pools (and how many of "
        "the pools got their status, in all runs)"
    )
    for count in SETUP_REGIONS:
        runs = []
        for _ in range(SETUP_RUNS):
            with SilentPeer() as peer:
                runs.append(_child(count, peer.url))
        for name, figures in _cold_warm(runs):
            _setup_row(f"overrun: {count} region(s), {name}", figures, target=True)
    for count in SETUP_REGIONS:
        runs = []
        for _ in range(SETUP_RUNS):
            with Emulator() as emulator:
                for index, region in enumerate(REGIONS[:count]):
                    pool_id = f"{region}:0a000000-0000-4000-8000-0000000000{index:02x}"
                    emulator.backend.put_pool(succeeded_pool(pool_id))
                runs.append(_child(count, emulator.url))
        for name, figures in _cold_warm(runs):
            answered = sum(got for _, got in figures)
            _setup_row(
                f"settled: {count} region(s), {name}, answered {answered}/{count * SETUP_RUNS}",
                figures,
            )


def _child(count: int, url: str) -> list[tuple[float, int]]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET_ACCESS_KEY,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    argv = [sys.executable, "-c", CHILD, ",".join(REGIONS[:count]), url]
    done = subprocess.run(  # noqa: S603
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return [tuple(run) for run in json.loads(done.stdout.strip().splitlines()[-1])]


def _cold_warm(runs: list[list[tuple[float, int]]]) -> list[tuple[str, list[tuple[float, int]]]]:
    return [("cold", [run[0] for run in runs]), ("warm", [run[1] for run in runs])]


def _setup_row(name: str, figures: list[tuple[float, int]], target: bool = False) -> None:
    times = [took for took, _ in figures]
    worst = max(times)
    said = f"{min(times):.2f} / {statistics.median(times):.2f} / {worst:.2f} s"
    if target:
        name, said = (
            f"{name} (target <= {TARGET:g} s)",
            f"{said}: " + ("met" if worst <= TARGET else "NOT met"),
        )
    row(name, said)


def _overrun(server: ProviderServer, url: str, blob: str) -> float:
    props = {
        "identity_pool_id": POOL,
        "endpoint_url": url,
        "poll_interval_seconds": 0.05,
        "max_poll_interval_seconds": 0.1,
        "timeout_seconds": TIMEOUT,
        PROVIDER_KEY: blob,
    }
    started = time.monotonic()
    with contextlib.suppress(ProviderError):  # the gate fails: no status within the deadline
        server.create(props)
    return time.monotonic() - started - TIMEOUT


if __name__ == "__main__":  # `python -m benchmarks.overrun`: these figures alone
    bench_overrun()
    bench_setup_overrun()
