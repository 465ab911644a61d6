"""The control API under /_emulator/: pools, faults, counters, request log, clock and reset."""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from typing import Any

from emulator.clock import ManualClock
from emulator.errors import SerializationException
from emulator.models import Backend, PoolSnapshot
from emulator.responses import Response, json_response, read_json_object
from emulator.seed import SeedError
from emulator.urls import CONTROL_ROUTES, NoRoute, resolve

Command = Callable[[Backend, dict[str, str], bytes], tuple[int, Any]]


class ControlError(Exception):
    """A control request that cannot be served: `status` 400 or 404, and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def handle(backend: Backend, method: str, path: str, body: bytes) -> Response:
    """Serve one control request; every failure is a JSON `{"error": ...}`."""
    try:
        match = resolve(CONTROL_ROUTES, method, path)
    except NoRoute as exc:
        known = ", ".join(f"{r.method} {r.template}" for r in CONTROL_ROUTES)
        reason = exc.describe("Unknown control command")
        return json_response(404, {"error": f"{reason}. Known commands: {known}"})
    try:
        status, payload = COMMANDS[match.name](backend, match.params, body)
    except ControlError as exc:
        return json_response(exc.status, {"error": exc.message})
    except (SeedError, ValueError) as exc:
        return json_response(400, {"error": str(exc)})
    except Exception as exc:
        traceback.print_exc()
        return json_response(500, {"error": f"the control command failed: {exc!r}"})
    return json_response(status, payload)


def pool_view(snapshot: PoolSnapshot) -> dict[str, Any]:
    """A pool as the control API shows it: seed-style keys plus the last bulk publish."""
    config, details = snapshot.configuration, snapshot.details
    return {
        "identity_pool_id": config.identity_pool_id,
        "cognito_streams": config.cognito_streams.to_dict() if config.cognito_streams else None,
        "push_sync": config.push_sync.to_dict() if config.push_sync else None,
        "bulk_publish": snapshot.script.to_dict(),
        "status": details.status,
        "start_time": details.start_time,
        "complete_time": details.complete_time,
        "failure_message": details.failure_message,
    }


def _json_body(body: bytes) -> dict[str, Any]:
    try:
        return read_json_object(body, "Control request body")
    except SerializationException as exc:
        raise ControlError(400, exc.message) from None


def _health(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    manual = isinstance(backend.clock, ManualClock)
    pools = len(backend.describe_pools())
    return 200, {
        "status": "ok",
        "pools": pools,
        "clock": "manual" if manual else "system",
        "now": backend.clock.now(),
    }


def _list_pools(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    return 200, {"pools": [pool_view(p) for p in backend.describe_pools()]}


def _put_pool(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    return 201, pool_view(backend.put_pool(_json_body(body)))


def _get_pool(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    pool_id = params["IdentityPoolId"]
    try:
        return 200, pool_view(backend.describe_pool(pool_id))
    except KeyError:
        raise ControlError(404, f"No identity pool {pool_id!r}") from None


def _delete_pool(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    pool_id = params["IdentityPoolId"]
    try:
        backend.delete_pool(pool_id)
    except KeyError:
        raise ControlError(404, f"No identity pool {pool_id!r}") from None
    return 200, {"deleted": pool_id}


def _list_faults(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    return 200, {"faults": [f.to_dict() for f in backend.traffic.faults()]}


def _add_fault(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    spec = _json_body(body)
    unknown = set(spec) - {"operation", "kind", "count", "latency_seconds"}
    if unknown:
        raise ControlError(
            400,
            f"Unknown fault field(s): {', '.join(sorted(unknown))} "
            "(allowed: operation, kind, count, latency_seconds)",
        )
    if "kind" not in spec:
        raise ControlError(400, "A fault needs a 'kind'")
    fault = backend.traffic.inject_fault(
        spec["kind"],
        spec.get("operation", "*"),
        spec.get("count"),
        spec.get("latency_seconds", 0.0),
    )
    return 201, fault.to_dict()


def _clear_faults(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    return 200, {"cleared": backend.traffic.clear_faults()}


def _calls(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    return 200, {"calls": backend.traffic.calls()}


def _requests(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    return 200, {"requests": backend.traffic.request_log()}


def _get_clock(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    manual = isinstance(backend.clock, ManualClock)
    return 200, {"now": backend.clock.now(), "manual": manual}


def _advance_clock(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    clock = backend.clock
    if not isinstance(clock, ManualClock):
        raise ControlError(
            400,
            "The clock cannot be advanced: this emulator runs on the system "
            "clock (only a ManualClock can be advanced)",
        )
    seconds = _json_body(body).get("advance_seconds")
    number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
    if not number or not math.isfinite(seconds) or seconds < 0:
        raise ControlError(400, f"'advance_seconds' must be a number >= 0 (got {seconds!r})")
    return 200, {"now": clock.advance(seconds)}


def _reset(backend: Backend, params: dict[str, str], body: bytes) -> tuple[int, Any]:
    backend.reset()
    return 200, {"reset": True}


COMMANDS: dict[str, Command] = {
    "health": _health,
    "list_pools": _list_pools,
    "put_pool": _put_pool,
    "get_pool": _get_pool,
    "delete_pool": _delete_pool,
    "list_faults": _list_faults,
    "add_fault": _add_fault,
    "clear_faults": _clear_faults,
    "calls": _calls,
    "requests": _requests,
    "get_clock": _get_clock,
    "advance_clock": _advance_clock,
    "reset": _reset,
}
