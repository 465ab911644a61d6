"""The limits of what one client may cost the emulator's server: sizes, times, connections."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    """What one client may cost the server. Every field must be a number > 0."""

    max_body_bytes: int = 1024 * 1024
    """The largest Content-Length accepted; above it 413, and the body is not read. A real
    Cognito Sync request body is well under 4 KiB."""
    max_head_bytes: int = 32 * 1024
    """The longest request line plus headers; above it 431."""
    request_timeout_seconds: float = 10.0
    """From a request's first byte to its last byte: a slower client gets 408 and is closed,
    however steadily it trickles."""
    idle_timeout_seconds: float = 5.0
    """How long a connection may stay open with no request under way (a new connection, or a
    kept-alive one between requests); then it is closed without a word."""
    max_connections: int = 256
    """Open connections at once, in any state; one more gets 503 and is closed."""
    max_workers: int = 32
    """Threads that answer complete requests. A connection still sending holds no thread."""

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            whole = spec.type == "int"
            kinds = int if whole else (int, float)
            if isinstance(value, bool) or not isinstance(value, kinds) or not value > 0:
                kind = "an integer" if whole else "a number"
                raise ValueError(f"Limits.{spec.name} must be {kind} > 0 (got {value!r})")
            if not math.isfinite(value):
                raise ValueError(f"Limits.{spec.name} must be finite (got {value!r})")
