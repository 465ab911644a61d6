"""Benchmark: how far past its deadline a gate's Create runs when the endpoint holds the read:
a peer that trickles its answer one byte a second (which no per-socket-read timeout ends), and
one that accepts the connection and never sends a byte; through the SDK's provider server."""

from __future__ import annotations

import contextlib
import socket
import statistics
import threading
import time

from components.provider import BulkPublishGateProvider
from harness.provider_server import PROVIDER_KEY, ProviderError, ProviderServer, provider_blob
from harness.scenarios import provider_env
from tests.peer import ScriptedPeer

from .support import method, row

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
