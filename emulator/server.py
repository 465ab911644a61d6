"""The threaded HTTP server and the in-process `Emulator` handle that starts and stops it."""

from __future__ import annotations

import contextlib
import selectors
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from emulator import auth, control
from emulator.clock import Clock, SystemClock
from emulator.errors import InternalErrorException, ServiceError, UnknownOperationException
from emulator.models import Backend
from emulator.responses import CognitoSyncResponse, Response, service_error
from emulator.seed import load_seed
from emulator.traffic import DROP_CONNECTION, LATENCY
from emulator.urls import API_ROUTES, NoRoute, is_control, resolve


class _Server(ThreadingHTTPServer):
    """One thread per connection; remembers open connections so `stop` can close them."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._stopped = False
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(address, _Handler)  # on failure it calls server_close()

    def serve_until_stopped(self, ready: threading.Event) -> None:
        """Accept connections until `stop_serving`, which wakes the loop at once (no polling)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            ready.set()
            while not self._stopped:
                for key, _ in selector.select():
                    if key.fileobj is self and not self._stopped:
                        self.handle_request()

    def stop_serving(self) -> None:
        """Make `serve_until_stopped` return."""
        self._stopped = True
        self._wake_writer.send(b"\0")

    def server_close(self) -> None:
        super().server_close()
        self._wake_reader.close()
        self._wake_writer.close()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut down every open connection so idle keep-alive threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, lets the emulator answer it, and writes the answer (or nothing)."""

    protocol_version = "HTTP/1.1"
    timeout = 300
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _serve(self) -> None:
        length = self.headers.get("Content-Length", "0")
        if not length.isdigit() or "Transfer-Encoding" in self.headers:
            self.close_connection = True
            self.send_error(411, "A Content-Length request body is required")
            return
        body = self.rfile.read(int(length))
        response = self.server.emulator.answer(self.command, self.path, self.headers, body)
        if response is None:
            self.close_connection = True
            return
        self.send_response_only(response.status)
        self.send_header("Date", self.date_time_string())
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        self.server.emulator.log_line(format % args)


class Emulator:
    """A local Cognito Sync endpoint on a real HTTP port; a context manager."""

    def __init__(
        self,
        seed: Any = None,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_stream: TextIO | None = None,
    ) -> None:
        """`seed`: None, a dict or a JSON file path (SeedError if invalid); `clock`: defaults to
        SystemClock; `log_stream`: where to write one line per request (None: nowhere)."""
        self.clock = clock or SystemClock()
        self.backend = Backend(load_seed(seed), self.clock)
        self.host, self.port = host, port
        self._log_stream = log_stream
        self._responder = CognitoSyncResponse(self.backend)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        """`http://host:port` once started."""
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> Emulator:
        """Listen (OSError if the port is taken) and return once connections are accepted."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._run, name=f"emulator:{self.port}", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        assert self._server is not None
        self._server.serve_until_stopped(self._ready)

    def stop(self) -> None:
        """Stop serving, close every connection and the socket, and join the thread."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.stop_serving()
        if self._thread is not None:
            self._thread.join(10)
        server.close_connections()
        server.server_close()
        self._ready.clear()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def answer(self, method: str, target: str, headers: Any, body: bytes) -> Response | None:
        """The response to one request, or None to drop the connection without one."""
        path = target.split("?", 1)[0]
        if is_control(path):
            response = control.handle(self.backend, method, path, body)
            self.log_line(f"{method} {path} -> {response.status}")
            return response
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "operation": None,
            "identity_pool_id": None,
            "access_key_id": auth.access_key_id_of(headers),
            "fault": None,
        }
        response = self._answer_api(method, target, headers, body, entry)
        entry["status"] = response.status if response else None
        entry["error_code"] = response.error_code if response else None
        self.backend.traffic.log_request(entry)
        outcome = [entry["status"] or "dropped", entry["operation"], entry["error_code"]]
        if entry["fault"]:
            outcome.append(f"(fault: {entry['fault']})")
        self.log_line(f"{method} {path} -> " + " ".join(str(p) for p in outcome if p))
        return response

    def _answer_api(
        self, method: str, target: str, headers: Any, body: bytes, entry: dict[str, Any]
    ) -> Response | None:
        try:
            match = resolve(API_ROUTES, method, entry["path"])
        except NoRoute as exc:
            return service_error(UnknownOperationException(exc.describe("No operation for")))
        operation = entry["operation"] = match.name
        entry["identity_pool_id"] = match.params["IdentityPoolId"]
        traffic = self.backend.traffic
        traffic.count_call(operation)
        fault = traffic.take_fault(operation)
        if fault is not None:
            entry["fault"] = fault.kind
            if fault.kind == DROP_CONNECTION:
                return None
            if fault.kind == LATENCY:
                if self._stopping.wait(fault.latency_seconds):
                    return None
            else:
                return service_error(fault.error())
        try:
            signed = auth.SignedRequest(method, target, headers, body)
            auth.verify(signed, self.backend.credentials)
            return self._responder.dispatch(operation, entry["identity_pool_id"], body)
        except ServiceError as exc:
            return service_error(exc)
        except Exception:
            traceback.print_exc()
            return service_error(InternalErrorException("An internal error occurred"))

    def log_line(self, line: str) -> None:
        """Write one log line to the log stream, if there is one."""
        if self._log_stream is not None:
            print(f"emulator: {line}", file=self._log_stream, flush=True)
