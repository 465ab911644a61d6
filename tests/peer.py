"""A scripted HTTP peer for the API layer and the provider: answers every request with a
given JSON body, optionally trickling it one byte per `trickle_seconds` (a peer that defeats a
per-socket-read timeout). Standard library only; one thread per connection; stops cleanly."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from typing import Any


class ScriptedPeer:
    """`with ScriptedPeer(body, trickle=20) as peer:` serves on `peer.url`.

    Every request gets `status` and `body` (a dict sent as JSON, or bytes). With `trickle`,
    that many bytes of the body (after the headers) go one per `trickle_seconds`, then the rest;
    the first `fast` requests are answered at once.
    """

    def __init__(
        self,
        body: dict[str, Any] | bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        trickle: int = 0,
        trickle_seconds: float = 1.0,
        fast: int = 0,
    ) -> None:
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.status, self.headers = status, headers or {}
        self.trickle, self.trickle_seconds, self.fast = trickle, trickle_seconds, fast
        self.requests = 0
        self._stop = threading.Event()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def __enter__(self) -> ScriptedPeer:
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._socket.close()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        self._socket.settimeout(0.1)  # so that a stop is seen without a connection
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(30)
            self._spawn(self._serve, connection)

    def _serve(self, connection: socket.socket) -> None:
        # OSError: the client gave up (an abandoned read): nothing to do
        with connection, contextlib.suppress(OSError):
            self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                return
            received += chunk
        self.requests += 1
        trickle = self.trickle if self.requests > self.fast else 0
        head = [f"HTTP/1.1 {self.status} Scripted", "Content-Type: application/json"]
        head += [f"{name}: {value}" for name, value in self.headers.items()]
        head += [f"Content-Length: {len(self.body)}", "Connection: close", "", ""]
        connection.sendall("\r\n".join(head).encode())
        for index in range(min(trickle, len(self.body))):
            if self._stop.wait(self.trickle_seconds):
                return
            connection.sendall(self.body[index : index + 1])
        connection.sendall(self.body[trickle:])
