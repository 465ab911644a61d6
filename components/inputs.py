"""The gate's inputs: their names, types, defaults and rules, checked before any API call."""

from __future__ import annotations

import ipaddress
import math
import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from .cognito_sync import IDENTITY_POOL_ID_MAX_LENGTH, IDENTITY_POOL_ID_PATTERN

MODES = ("gate", "observe")
MAX_TIMEOUT_SECONDS = 86_400
MAX_POLL_INTERVAL_SECONDS = 3_600
MAX_POOLS = 200
"""The most identity pools one gate watches."""
MAX_CONCURRENCY = 64
"""The most reads one gate has in flight at once (`max_concurrency`)."""
MAX_AGE_SECONDS = 366 * 86_400
"""The largest maxAgeSeconds: a year (and a day)."""
MIN_POLL_INTERVAL_SECONDS = 0.01
"""The shortest first interval: the backoff doubles it at most 32 times, so a smaller one
(1e-12 s) would never reach a sane delay and hammer the API."""
REGION_PATTERN = re.compile(r"[a-z]{2,8}(-[a-z]+)+-[0-9]+", re.ASCII)
"""us-east-1, us-gov-west-1, eusc-de-east-1...: lowercase ASCII words and a number."""
REGION_MAX_LENGTH = 63
"""botocore's limit: a region is one DNS label."""
HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)", re.ASCII)
PORT_PATTERN = re.compile(r"[0-9]{1,5}", re.ASCII)
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
URL_FIRST_CHAR, URL_LAST_CHAR = "!", "~"
"""Printable ASCII without space: anything else in a URL is a typo or an injection."""


@dataclass(frozen=True)
class GateInputs:
    """The validated inputs of one gate; field names are the resource's property names."""

    identity_pool_id: str
    """The pool to watch, e.g. `us-east-1:0f5b...`; "" when `identity_pool_ids` is set."""
    identity_pool_ids: tuple[str, ...] = ()
    """Several pools watched by one gate (instead of identity_pool_id), read concurrently."""
    max_concurrency: int = 8
    """With several pools: the most reads in flight at once."""
    mode: str = "gate"
    """`gate`: fail unless SUCCEEDED. `observe`: never fail on a status, only report it."""
    timeout_seconds: int = 1800
    """The longest a deployment waits while IN_PROGRESS."""
    poll_interval_seconds: float = 5.0
    """The first wait between reads."""
    max_poll_interval_seconds: float = 30.0
    """The cap of the backoff."""
    wait_for_start: bool = False
    """Wait while NOT_STARTED too, as if IN_PROGRESS."""
    region: str | None = None
    """The region to call; None: aws:region, else the pool id's prefix."""
    endpoint_url: str | None = None
    """An endpoint instead of AWS's; None: AWS_ENDPOINT_URL_COGNITO_SYNC, else AWS."""
    completed_after: str | None = None
    """A SUCCEEDED opens the gate only if it completed at or after this ISO-8601 UTC instant."""
    max_age_seconds: int = 0
    """A SUCCEEDED opens the gate only if it completed at most this many seconds before the read;
    0: no age bound (with completed_after too, the later bound wins)."""
    start_bulk_publish: bool = False
    """In create and update, start a bulk publish when the pool is NOT_STARTED, FAILED or stale."""

    def as_props(self) -> dict[str, Any]:
        """The inputs as plain resource properties (lists, not tuples, on the wire)."""
        props = {f.name: getattr(self, f.name) for f in fields(self)}
        props["identity_pool_ids"] = list(self.identity_pool_ids)
        return props

    @property
    def pools(self) -> tuple[str, ...]:
        """Every pool this gate watches, in the order given."""
        return self.identity_pool_ids or (self.identity_pool_id,)


@dataclass(frozen=True)
class Problem:
    """One input that breaks a rule."""

    field: str
    """The property name."""
    reason: str
    """The rule it breaks, said so that the fix is plain."""


def shown(value: Any) -> str:
    """`value` as a message may quote it: short, and never raising (Python refuses to print an
    int of more than 4300 digits, and deep nesting exhausts the stack)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 128:
        digits = int((value.bit_length() - 1) * math.log10(2)) + 1
        digits += 10**digits <= abs(value)
        return f"{'a negative' if value < 0 else 'an'} integer of {digits} digits"
    if isinstance(value, float):
        return f"{value:g}"
    try:
        return _SHORT.repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"


def _pool_id(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return (
            "is required: the identity pool id, e.g. us-east-1:0f5b6a1e-...-1a2b3c4d5e6f (or "
            "identity_pool_ids, a list of several)"
        )
    if len(value) > IDENTITY_POOL_ID_MAX_LENGTH:
        return f"must be at most {IDENTITY_POOL_ID_MAX_LENGTH} characters (got {len(value)})"
    if not IDENTITY_POOL_ID_PATTERN.fullmatch(value):
        return (
            f"{shown(value)} must match [\\w-]+:[0-9a-f-]+ (region, ':', then a lowercase "
            "hexadecimal GUID)"
        )
    return None


def _pool_ids(value: Any) -> str | None:
    if value in (None, (), []):
        return None
    if not isinstance(value, list | tuple):
        return f"must be a list of identity pool ids (got {shown(value)})"
    if len(value) > MAX_POOLS:
        return f"must hold at most {MAX_POOLS} pools (got {len(value)})"
    for index, pool in enumerate(value):
        if (reason := _pool_id(pool)) is not None:
            return f"[{index}] {reason}"
    seen = set()
    for pool in value:
        if pool in seen:
            return f"lists {pool} twice"
        seen.add(pool)
    return None


def _mode(value: Any) -> str | None:
    if isinstance(value, str) and value in MODES:
        return None
    return f"must be one of {', '.join(MODES)} (got {shown(value)})"


def _number(low: float, high: float, *, integer: bool = False):
    """A rule for numbers in [low, high]; infinities and huge ints get the range message."""

    def rule(value: Any) -> str | None:
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be {kind} (got {shown(value)})"
        if isinstance(value, float) and math.isnan(value):
            return f"must be {kind} (got nan)"
        # int and float compare exactly in Python, however big the int: no conversion here.
        if value < low or value > high:
            return f"must be at least {_plain(low)} and at most {_plain(high)} (got {shown(value)})"
        if integer and isinstance(value, float) and not value.is_integer():
            return f"must be {kind} (got {shown(value)})"
        return None

    return rule


def _plain(number: float) -> str:
    """`31622400`, `0.01`: no exponent in a message."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false (got {shown(value)})"


def _region(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and region_name_problem(value) is None:
        return None
    return f"must be an AWS region name such as us-east-1 (got {shown(value)})"


def region_name_problem(region: str) -> str | None:
    """Why `region` is not an AWS region name (lowercase ASCII, e.g. eu-west-1), or None."""
    if len(region) <= REGION_MAX_LENGTH and REGION_PATTERN.fullmatch(region):
        return None
    return f"{shown(region)} is not an AWS region name such as us-east-1"


def url_problem(value: Any) -> str | None:
    """Why `value` is not an endpoint botocore can use as given, or None.

    Accepted: `http(s)://host[:port][/]` in printable ASCII, where host is a DNS name, an
    IPv4 address or an IPv6 address in brackets and port is 1..65535. Refused, besides: any
    user or password (the message never quotes such a URL), a path, a query, a fragment.
    """
    expected = "must be an http:// or https:// URL such as http://127.0.0.1:4599"
    if not isinstance(value, str):
        return f"{expected} (got {shown(value)})"
    if "@" in value:
        return (
            "must not contain credentials (user:password@ or anything with @): AWS "
            "credentials come from the standard chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO...)"
        )
    if not all(URL_FIRST_CHAR <= ch <= URL_LAST_CHAR for ch in value):
        return f"must be printable ASCII with no spaces or control characters (got {shown(value)})"
    try:
        parts = urlsplit(value)
    except ValueError:
        return f"is not a valid URL (got {shown(value)})"
    if parts.scheme not in ("http", "https") or not value.lower().startswith(parts.scheme + "://"):
        return f"{expected} (got {shown(value)})"
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in value or "#" in value:
        return (
            "must be just scheme://host[:port], with no path, query or fragment "
            f"(got {shown(value)})"
        )
    return _netloc_problem(parts.netloc)


def _netloc_problem(netloc: str) -> str | None:
    host, port = netloc, None
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0 or (netloc[end + 1 :] and not netloc[end + 1 :].startswith(":")):
            return f"is not a valid URL (got {shown(netloc)})"
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        port = rest[1:] if rest else None
    elif ":" in netloc:
        host, port = netloc.rsplit(":", 1)
    if port is not None and not (PORT_PATTERN.fullmatch(port) and 1 <= int(port) <= 65535):
        return f"must have a port from 1 to 65535 (got {shown(port)})"
    if not _is_host(host):
        return (
            "must name a host: a DNS name, an IPv4 address or an IPv6 address in brackets "
            f"(got {shown(host)})"
        )
    return None


def _is_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return "%" not in host
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if not name or len(name) > 253 or not all(HOST_LABEL.fullmatch(label) for label in labels):
        return False
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return False
    return True


def _url(value: Any) -> str | None:
    return None if value is None else url_problem(value)


def parse_instant(value: Any) -> datetime | None:
    """An ISO-8601 UTC instant (`2026-11-23T12:00:00Z`, `...+00:00`), or None if it is not one."""
    if not isinstance(value, str) or not value.isascii() or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if "T" not in value or moment.tzinfo is None or moment.utcoffset().total_seconds() != 0:
        return None
    return moment.astimezone(UTC)


def _instant(value: Any) -> str | None:
    if value is None or parse_instant(value) is not None:
        return None
    return (
        "must be an ISO-8601 UTC instant with a time and a Z (or +00:00), such as "
        f"2026-11-23T12:00:00Z (got {shown(value)})"
    )


RULES: dict[str, Callable[[Any], str | None]] = {
    "identity_pool_id": _pool_id,
    "identity_pool_ids": _pool_ids,
    "max_concurrency": _number(1, MAX_CONCURRENCY, integer=True),
    "mode": _mode,
    "timeout_seconds": _number(0, MAX_TIMEOUT_SECONDS, integer=True),
    "poll_interval_seconds": _number(MIN_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS),
    "max_poll_interval_seconds": _number(MIN_POLL_INTERVAL_SECONDS, MAX_POLL_INTERVAL_SECONDS),
    "wait_for_start": _bool,
    "region": _region,
    "endpoint_url": _url,
    "completed_after": _instant,
    "max_age_seconds": _number(0, MAX_AGE_SECONDS, integer=True),
    "start_bulk_publish": _bool,
}
"""Each input and its rule; a rule returns why a value breaks it, or None."""


def validate(
    props: Mapping[str, Any], unknown: object = None, now: datetime | None = None
) -> tuple[GateInputs | None, list[Problem]]:
    """Apply defaults and every rule; the inputs when all pass, else every problem found.

    A value equal to `unknown` (a preview placeholder for a value not computed yet) skips its
    rule; the inputs are then None even when nothing known breaks a rule. With `now`, a
    completed_after in the future is refused too (no bulk publish can have completed then).
    """
    defaults = GateInputs(identity_pool_id="").as_props()
    values = {name: props.get(name) for name in RULES}
    values = {name: defaults[name] if v is None else v for name, v in values.items()}
    pending = {name for name, v in values.items() if unknown is not None and v == unknown}
    several = values["identity_pool_ids"] not in ((), [])
    skipped = pending | (
        {"identity_pool_id"} if several and not values["identity_pool_id"] else set()
    )
    problems = [
        Problem(name, reason)
        for name, rule in RULES.items()
        if name not in skipped and (reason := rule(values[name])) is not None
    ]
    if several and values["identity_pool_id"] and "identity_pool_id" not in pending:
        reason = "and identity_pool_ids are both set: give one pool, or a list of several"
        problems.append(Problem("identity_pool_id", reason))
    low, high = values["poll_interval_seconds"], values["max_poll_interval_seconds"]
    both_known = not pending & {"poll_interval_seconds", "max_poll_interval_seconds"}
    if not problems and both_known and high < low:
        reason = f"must be at least poll_interval_seconds ({high:g} < {low:g})"
        problems.append(Problem("max_poll_interval_seconds", reason))
    after = parse_instant(values["completed_after"])
    if after is not None and now is not None and after > now:
        reason = (
            f"{values['completed_after']} is in the future (now {now:%Y-%m-%dT%H:%M:%SZ}): no bulk "
            "publish can have completed then; use maxAgeSeconds for a moving bound"
        )
        problems.append(Problem("completed_after", reason))
    if problems or pending:
        return None, problems
    if after is not None:
        values["completed_after"] = f"{after:%Y-%m-%dT%H:%M:%S}" + (
            f".{after.microsecond:06d}Z" if after.microsecond else "Z"
        )
    values["max_age_seconds"] = int(values["max_age_seconds"])
    values["max_concurrency"] = int(values["max_concurrency"])
    values["identity_pool_ids"] = tuple(values["identity_pool_ids"])
    # Numbers cross the wire as floats: whole seconds become ints, intervals floats.
    values["timeout_seconds"] = int(values["timeout_seconds"])
    values["poll_interval_seconds"] = float(values["poll_interval_seconds"])
    values["max_poll_interval_seconds"] = float(values["max_poll_interval_seconds"])
    return GateInputs(**values), []
