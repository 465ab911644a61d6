"""Around the service: injected faults, per-operation call counters and the request log."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from emulator.errors import (
    ConcurrentModificationException,
    InternalErrorException,
    LimitExceededException,
    ServiceError,
    ServiceUnavailableException,
    ThrottlingException,
    TooManyRequestsException,
)

DROP_CONNECTION = "drop-connection"
DROP_ANSWER = "drop-answer"
"""The request is served (a BulkPublish starts), then the socket closed with no response."""
LATENCY = "latency"

#: Fault kinds answered with a service error: the error class and its message.
ERROR_FAULTS: dict[str, tuple[type[ServiceError], str]] = {
    "too-many-requests": (TooManyRequestsException, "Too many requests"),
    "throttling": (ThrottlingException, "Rate exceeded"),
    "limit-exceeded": (LimitExceededException, "Limit exceeded for this account"),
    "internal-error": (InternalErrorException, "An internal error occurred"),
    "service-unavailable": (ServiceUnavailableException, "Service unavailable, try again later"),
    "concurrent-modification": (
        ConcurrentModificationException,
        "The identity pool configuration was modified by another request",
    ),
}
FAULT_KINDS = (*ERROR_FAULTS, DROP_CONNECTION, DROP_ANSWER, LATENCY)
#: The request log keeps this many most recent requests.
REQUEST_LOG_LIMIT = 10_000


@dataclass(frozen=True)
class Fault:
    """One injected fault."""

    id: int
    """Identifies the fault in the control API's listing."""
    kind: str
    """One of FAULT_KINDS."""
    operation: str
    """The operation it applies to, or `*` for every operation."""
    remaining: int | None
    """How many more matching requests it hits; None until cleared."""
    latency_seconds: float = 0.0
    """For `latency`: how long to wait before serving normally."""

    def error(self) -> ServiceError | None:
        """The service error this fault answers with, if it is an error kind."""
        if self.kind not in ERROR_FAULTS:
            return None
        error_class, message = ERROR_FAULTS[self.kind]
        return error_class(message)

    def to_dict(self) -> dict[str, Any]:
        """A plain view for the control API."""
        return {
            "id": self.id,
            "kind": self.kind,
            "operation": self.operation,
            "count": self.remaining,
            "latency_seconds": self.latency_seconds,
        }


class FaultTable:
    """Faults in injection order; the first one matching a request is used (not locked:
    Traffic serialises access)."""

    def __init__(self, operations: tuple[str, ...]) -> None:
        self._operations = operations
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(
        self,
        kind: str,
        operation: str = "*",
        count: int | None = None,
        latency_seconds: float = 0.0,
    ) -> Fault:
        """Add a fault after validating it; raise ValueError naming the bad argument."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r} (known: {', '.join(FAULT_KINDS)})")
        if operation != "*" and operation not in self._operations:
            known = ", ".join(self._operations)
            raise ValueError(f"unknown operation {operation!r} (known: *, {known})")
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or count < 1
        ):
            raise ValueError(f"count must be a positive integer or null (got {count!r})")
        if (
            isinstance(latency_seconds, bool)
            or not isinstance(latency_seconds, int | float)
            or not 0 <= latency_seconds <= 600
        ):
            raise ValueError(
                f"latency_seconds must be a number from 0 to 600 (got {latency_seconds!r})"
            )
        if kind == LATENCY and latency_seconds == 0:
            raise ValueError("a latency fault needs latency_seconds > 0")
        fault = Fault(next(self._ids), kind, operation, count, float(latency_seconds))
        self._faults.append(fault)
        return fault

    def take(self, operation: str) -> Fault | None:
        """Use up one hit of the first fault matching `operation`, and return it."""
        for index, fault in enumerate(self._faults):
            if fault.operation in ("*", operation):
                if fault.remaining is None:
                    return fault
                if fault.remaining == 1:
                    del self._faults[index]
                else:
                    self._faults[index] = replace(fault, remaining=fault.remaining - 1)
                return fault
        return None

    def clear(self) -> int:
        """Remove every fault and return how many there were."""
        count = len(self._faults)
        self._faults.clear()
        return count

    def list(self) -> list[Fault]:
        """The active faults, in the order they match."""
        return list(self._faults)


class Traffic:
    """Faults, counters and the request log behind one lock; safe to call from threads."""

    def __init__(self, operations: tuple[str, ...], now: Callable[[], float]) -> None:
        self._operations = operations
        self._now = now
        self._lock = threading.Lock()
        self._faults = FaultTable(operations)
        self._calls: dict[str, int] = {}
        self._log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_LIMIT)

    def reset(self) -> None:
        """Clear faults, counters and the log."""
        with self._lock:
            self._faults.clear()
            self._calls.clear()
            self._log.clear()

    def inject_fault(
        self,
        kind: str,
        operation: str = "*",
        count: int | None = None,
        latency_seconds: float = 0.0,
    ) -> Fault:
        """Add a fault; raise ValueError naming a bad argument."""
        with self._lock:
            return self._faults.add(kind, operation, count, latency_seconds)

    def take_fault(self, operation: str) -> Fault | None:
        """Use up the fault (if any) that this request to `operation` gets."""
        with self._lock:
            return self._faults.take(operation)

    def clear_faults(self) -> int:
        """Remove every fault; return how many there were."""
        with self._lock:
            return self._faults.clear()

    def faults(self) -> list[Fault]:
        """The active faults, in matching order."""
        with self._lock:
            return self._faults.list()

    def count_call(self, operation: str) -> None:
        """Count one request routed to `operation`, faulted or not."""
        with self._lock:
            self._calls[operation] = self._calls.get(operation, 0) + 1

    def calls(self) -> dict[str, int]:
        """Every operation's call count, never-called operations included as 0."""
        with self._lock:
            return {op: self._calls.get(op, 0) for op in self._operations}

    def log_request(self, entry: dict[str, Any]) -> None:
        """Append one request to the log, stamped with the clock time."""
        with self._lock:
            self._log.append({"time": self._now(), **entry})

    def request_log(self) -> list[dict[str, Any]]:
        """The request log, oldest first (copies)."""
        with self._lock:
            return [dict(entry) for entry in self._log]
