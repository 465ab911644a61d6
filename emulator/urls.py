"""The routing table: which method and path is which service operation or control command."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote

CONTROL_PREFIX = "/_emulator"


@dataclass(frozen=True)
class Route:
    """One method and path template, e.g. `/identitypools/{IdentityPoolId}/bulkpublish`."""

    method: str
    template: str
    name: str
    """The operation name (service routes) or command name (control routes)."""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]*)", self.template)
        object.__setattr__(self, "pattern", re.compile(regex))


API_ROUTES = (
    Route("POST", "/identitypools/{IdentityPoolId}/getBulkPublishDetails", "GetBulkPublishDetails"),
    Route("POST", "/identitypools/{IdentityPoolId}/bulkpublish", "BulkPublish"),
    Route("GET", "/identitypools/{IdentityPoolId}/configuration", "GetIdentityPoolConfiguration"),
    Route("POST", "/identitypools/{IdentityPoolId}/configuration", "SetIdentityPoolConfiguration"),
)

CONTROL_ROUTES = (
    Route("GET", "/_emulator/health", "health"),
    Route("GET", "/_emulator/pools", "list_pools"),
    Route("POST", "/_emulator/pools", "put_pool"),
    Route("GET", "/_emulator/pools/{IdentityPoolId}", "get_pool"),
    Route("DELETE", "/_emulator/pools/{IdentityPoolId}", "delete_pool"),
    Route("GET", "/_emulator/faults", "list_faults"),
    Route("POST", "/_emulator/faults", "add_fault"),
    Route("DELETE", "/_emulator/faults", "clear_faults"),
    Route("GET", "/_emulator/calls", "calls"),
    Route("GET", "/_emulator/requests", "requests"),
    Route("GET", "/_emulator/clock", "get_clock"),
    Route("POST", "/_emulator/clock", "advance_clock"),
    Route("POST", "/_emulator/reset", "reset"),
)


@dataclass(frozen=True)
class Match:
    """A resolved route: its name and its URL-decoded path parameters."""

    name: str
    params: dict[str, str]


class NoRoute(LookupError):
    """Nothing is served at this method and path; `allowed` lists the path's methods, if any."""

    def __init__(self, method: str, path: str, allowed: tuple[str, ...]) -> None:
        self.method, self.path, self.allowed = method, path, allowed
        super().__init__(self.describe("No route for"))

    def describe(self, what: str) -> str:
        """`<what> <METHOD> <path>: <why>`, the why naming the allowed methods if any."""
        if self.allowed:
            return f"{what} {self.method} {self.path}: this path only accepts " + ", ".join(
                self.allowed
            )
        return f"{what} {self.method} {self.path}: unknown path"


def is_control(path: str) -> bool:
    """Whether a request path belongs to the control API (no AWS route starts like this)."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def resolve(routes: tuple[Route, ...], method: str, path: str) -> Match:
    """Find the route for `method` and the raw (still percent-encoded) `path`, or raise NoRoute."""
    allowed = []
    for route in routes:
        found = route.pattern.fullmatch(path)
        if found is None:
            continue
        if route.method == method:
            return Match(route.name, {k: unquote(v) for k, v in found.groupdict().items()})
        allowed.append(route.method)
    raise NoRoute(method, path, tuple(allowed))
