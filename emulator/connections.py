"""The connection loop: one selector thread reads every request whole, within the `Limits`; a
small pool of worker threads answers complete requests; kept-alive connections come back to the
loop. A client that is slow, idle or malformed therefore never holds a thread."""

from __future__ import annotations

import contextlib
import functools
import queue
import selectors
import socket
import threading
import time
import traceback
from collections.abc import Callable
from http.client import HTTPMessage

from emulator import wire
from emulator.errors import (
    InternalErrorException,
    RequestTimeoutException,
    ServiceError,
    ServiceUnavailableException,
)
from emulator.limits import Limits
from emulator.responses import Response, service_error
from emulator.workers import Workers

#: `answer(method, target, headers, body)`: the response, or None to drop the connection.
Answer = Callable[[str, str, HTTPMessage, bytes], Response | None]

#: How long a refused connection is drained after its error page, so the client reads the
#: page instead of a reset; then it is closed.
LINGER_SECONDS = 1.0
_BACKLOG = 256
_RECV_BYTES = 65536
_IDLE, _READING, _BUSY, _CLOSING = "idle", "reading", "busy", "closing"


class _Connection:
    """One client socket and what has arrived on it; owned by the loop or by one worker."""

    def __init__(self, sock: socket.socket, limits: Limits) -> None:
        self.sock = sock
        self.reader = wire.RequestReader(limits)
        self.state = _BUSY
        self.deadline = 0.0


class ConnectionServer:
    """Listens on `address` (OSError if taken) and serves until `stop`."""

    def __init__(
        self,
        address: tuple[str, int],
        answer: Answer,
        limits: Limits,
        log: Callable[[str], None],
    ) -> None:
        self._listener = socket.create_server(address, backlog=_BACKLOG)
        self._listener.setblocking(False)
        self.port: int = self._listener.getsockname()[1]
        self._answer, self._limits, self._log = answer, limits, log
        self._selector = selectors.DefaultSelector()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._returned: queue.SimpleQueue[_Connection] = queue.SimpleQueue()
        self._open: set[_Connection] = set()
        self._open_lock = threading.Lock()
        self._workers = Workers(limits.max_workers, f"emulator-worker:{self.port}")
        self._stopped = False

    def serve(self, ready: threading.Event) -> None:
        """The loop; returns soon after `stop` (call `close` then)."""
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._selector.register(self._wake_reader, selectors.EVENT_READ)
        ready.set()
        while not self._stopped:
            for key, _ in self._selector.select(self._next_timeout()):
                if key.fileobj is self._listener:
                    self._accept()
                elif key.fileobj is self._wake_reader:
                    self._take_back()
                elif key.data is not None and not self._stopped:
                    try:
                        self._on_readable(key.data)
                    except Exception as exc:  # a bug costs its connection, never the loop
                        self._log(f"(request) -> dropped: internal error {exc!r}")
                        self._close(key.data)
            self._expire(time.monotonic())

    def stop(self) -> None:
        """Make `serve` return."""
        self._stopped = True
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")

    def close(self) -> None:
        """After `serve` returned: end every connection, the workers and the listener."""
        with self._open_lock:
            connections, self._open = list(self._open), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)
            if connection.state != _BUSY:  # a worker closes its own
                connection.sock.close()
        self._workers.stop()
        while not self._returned.empty():
            self._returned.get_nowait().sock.close()
        for sock in (self._listener, self._wake_reader, self._wake_writer):
            sock.close()
        self._selector.close()

    # The loop's side

    def _next_timeout(self) -> float | None:
        deadlines = [k.data.deadline for k in self._selector.get_map().values() if k.data]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:  # nothing more to accept (or out of descriptors: retry later)
                return
            sock.setblocking(False)
            connection = _Connection(sock, self._limits)
            with self._open_lock:
                full = len(self._open) >= self._limits.max_connections
                if not full:
                    self._open.add(connection)
            if full:
                self._turn_away(sock)
            else:
                self._wait(connection, _IDLE)
                self._selector.register(sock, selectors.EVENT_READ, connection)

    def _turn_away(self, sock: socket.socket) -> None:
        limit = self._limits.max_connections
        error = ServiceUnavailableException(
            f"The emulator has {limit} connections open, its limit: retry later"
        )
        self._log(f"(new connection) -> {error.status} {error.code}: {error.message}")
        with contextlib.suppress(OSError):
            sock.recv(_RECV_BYTES)
        with contextlib.suppress(OSError):
            sock.send(wire.error_page(error))
            sock.shutdown(socket.SHUT_WR)
        sock.close()

    def _on_readable(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(_RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(connection)
        elif connection.state != _CLOSING:  # a closing connection's bytes are dropped
            if connection.state == _IDLE:
                self._wait(connection, _READING)
            connection.reader.buffer += data
            self._advance(connection)

    def _advance(self, connection: _Connection) -> None:
        """Hand the request to a worker once it is whole; refuse it as soon as it is bad."""
        try:
            request = connection.reader.next_request()
        except ServiceError as exc:
            self._refuse(connection, exc)
            return
        if connection.reader.continue_due():
            with contextlib.suppress(OSError):
                connection.sock.send(wire.CONTINUE)
        if request is None:
            return
        head, body = request
        connection.state = _BUSY
        self._selector.unregister(connection.sock)
        self._workers.submit(functools.partial(self._serve, connection, head, body))

    def _refuse(self, connection: _Connection, error: ServiceError) -> None:
        head = connection.reader.head
        what = f"{head.method} {head.target.split('?', 1)[0]}" if head else "(request)"
        self._log(f"{what} -> {error.status} {error.code}: {error.message}")
        page = wire.error_page(error, head_only=head is not None and head.method == "HEAD")
        with contextlib.suppress(OSError):
            connection.sock.send(page)  # best effort: a client that reads nothing loses it
            connection.sock.shutdown(socket.SHUT_WR)
        connection.reader = wire.RequestReader(self._limits)  # what still arrives is dropped
        self._wait(connection, _CLOSING)

    def _take_back(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_reader.recv(4096):
                pass
        while True:
            try:
                connection = self._returned.get_nowait()
            except queue.Empty:
                return
            connection.sock.setblocking(False)
            if connection.state == _CLOSING:
                self._wait(connection, _CLOSING)
            else:  # with a buffer, a pipelined request has begun to arrive
                self._wait(connection, _READING if connection.reader.buffer else _IDLE)
            try:
                self._selector.register(connection.sock, selectors.EVENT_READ, connection)
            except (OSError, ValueError):  # closed meanwhile by `close`
                self._discard(connection)
                continue
            if connection.state == _READING:
                self._advance(connection)

    def _expire(self, now: float) -> None:
        for key in list(self._selector.get_map().values()):
            connection = key.data
            if connection is None or connection.deadline > now:
                continue
            if connection.state == _READING:
                seconds = self._limits.request_timeout_seconds
                self._refuse(
                    connection,
                    RequestTimeoutException(
                        f"The request did not arrive whole within {seconds:g} seconds"
                    ),
                )
            else:  # idle (the keep-alive timeout needs no answer) or done lingering
                self._close(connection)

    def _close(self, connection: _Connection) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(connection.sock)
        self._discard(connection)

    def _wait(self, connection: _Connection, state: str) -> None:
        """Put a loop-owned connection in `state`, with that state's deadline from now."""
        limits = self._limits
        seconds = {
            _IDLE: limits.idle_timeout_seconds,
            _READING: limits.request_timeout_seconds,
            _CLOSING: LINGER_SECONDS,
        }[state]
        connection.state, connection.deadline = state, time.monotonic() + seconds

    # A worker's side

    def _serve(self, connection: _Connection, head: wire.RequestHead, body: bytes) -> None:
        try:
            response = self._answer(head.method, head.target, head.headers, body)
        except Exception:  # a bug: answer() renders every service error itself
            traceback.print_exc()
            response = service_error(InternalErrorException("An internal error occurred"))
        if response is None:
            self._discard(connection)
            return
        close = not head.keep_alive or self._stopped
        try:
            connection.sock.settimeout(self._limits.request_timeout_seconds)
            connection.sock.sendall(
                wire.render(response, head_only=head.method == "HEAD", close=close)
            )
            if close:
                connection.sock.shutdown(socket.SHUT_WR)
                connection.state = _CLOSING
        except OSError:  # gone, or not reading its answer within the request timeout
            self._discard(connection)
            return
        self._returned.put(connection)
        try:
            self._wake_writer.send(b"\0")
        except OSError:  # the server is closing
            self._discard(connection)

    # Both sides

    def _discard(self, connection: _Connection) -> None:
        """Close a connection that is not in the selector."""
        with self._open_lock:
            self._open.discard(connection)
        connection.sock.close()
