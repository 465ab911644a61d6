"""The in-process `Emulator` handle: starts and stops the server, and answers each request."""

from __future__ import annotations

import contextlib
import threading
import traceback
from typing import Any, TextIO

from emulator import auth, control
from emulator.clock import Clock, SystemClock
from emulator.connections import ConnectionServer
from emulator.errors import InternalErrorException, ServiceError, UnknownOperationException
from emulator.limits import Limits
from emulator.models import Backend
from emulator.responses import CognitoSyncResponse, Response, service_error
from emulator.seed import load_seed
from emulator.traffic import DROP_ANSWER, DROP_CONNECTION, LATENCY
from emulator.urls import API_ROUTES, NoRoute, is_control, resolve


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
        limits: Limits | None = None,
    ) -> None:
        """`seed`: None, a dict or a JSON file path (SeedError if invalid); `clock`: defaults to
        SystemClock; `log_stream`: where to write one line per request (None: nowhere);
        `limits`: what one client may cost (body and head sizes, timeouts, connections,
        worker threads), `Limits()` by default."""
        self.clock = clock or SystemClock()
        self.backend = Backend(load_seed(seed), self.clock)
        self.host, self.port = host, port
        self.limits = limits or Limits()
        self._log_stream = log_stream
        self._responder = CognitoSyncResponse(self.backend)
        self._server: ConnectionServer | None = None
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
        self._server = ConnectionServer(
            (self.host, self.port), self.answer, self.limits, self.log_line
        )
        self.port = self._server.port
        self._thread = threading.Thread(target=self._run, name=f"emulator:{self.port}", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        assert self._server is not None
        self._server.serve(self._ready)

    def stop(self) -> None:
        """Stop serving, close every connection and the socket, and join the thread."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.stop()
        if self._thread is not None:
            self._thread.join(10)
        server.close()
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
            elif fault.kind != DROP_ANSWER:
                return service_error(fault.error())
        response = self._served(operation, target, headers, body, entry)
        if fault is not None and fault.kind == DROP_ANSWER:
            return None  # the work is done; its answer is lost on the way back
        return response

    def _served(
        self, operation: str, target: str, headers: Any, body: bytes, entry: dict[str, Any]
    ) -> Response:
        try:
            signed = auth.SignedRequest(entry["method"], target, headers, body)
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
            with contextlib.suppress(OSError, ValueError):  # a closed stream must not stop us
                print(f"emulator: {line}", file=self._log_stream, flush=True)
