"""The gate's inputs: their names, types, defaults and rules, checked before any API call."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from .cognito_sync import IDENTITY_POOL_ID_MAX_LENGTH, IDENTITY_POOL_ID_PATTERN

MODES = ("gate", "observe")
MAX_TIMEOUT_SECONDS = 86_400
MAX_POLL_INTERVAL_SECONDS = 3_600
REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


@dataclass(frozen=True)
class GateInputs:
    """The validated inputs of one gate; field names are the resource's property names."""

    identity_pool_id: str
    """The pool to watch, e.g. `us-east-1:0f5b...`."""
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

    def as_props(self) -> dict[str, Any]:
        """The inputs as plain resource properties."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Problem:
    """One input that breaks a rule."""

    field: str
    """The property name."""
    reason: str
    """The rule it breaks, said so that the fix is plain."""


def _pool_id(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return "is required: the identity pool id, e.g. us-east-1:0f5b6a1e-...-1a2b3c4d5e6f"
    if len(value) > IDENTITY_POOL_ID_MAX_LENGTH:
        return f"must be at most {IDENTITY_POOL_ID_MAX_LENGTH} characters (got {len(value)})"
    if not IDENTITY_POOL_ID_PATTERN.fullmatch(value):
        return (
            f"{value!r} must match [\\w-]+:[0-9a-f-]+ (region, ':', then a lowercase "
            "hexadecimal GUID)"
        )
    return None


def _mode(value: Any) -> str | None:
    return None if value in MODES else f"must be one of {', '.join(MODES)} (got {value!r})"


def _number(low: float, high: float, *, integer: bool = False, low_open: bool = False):
    def rule(value: Any) -> str | None:
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return f"must be {kind} (got {value!r})"
        if integer and value != int(value):
            return f"must be {kind} (got {value!r})"
        if value < low or (low_open and value == low) or value > high:
            lower = f"more than {low:g}" if low_open else f"at least {low:g}"
            return f"must be {lower} and at most {high:g} (got {value:g})"
        return None

    return rule


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false (got {value!r})"


def _region(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and REGION_PATTERN.fullmatch(value):
        return None
    return f"must be an AWS region name such as us-east-1 (got {value!r})"


def _url(value: Any) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http:// or https:// URL (got {value!r})"
    return None


RULES: dict[str, Callable[[Any], str | None]] = {
    "identity_pool_id": _pool_id,
    "mode": _mode,
    "timeout_seconds": _number(0, MAX_TIMEOUT_SECONDS, integer=True),
    "poll_interval_seconds": _number(0, MAX_POLL_INTERVAL_SECONDS, low_open=True),
    "max_poll_interval_seconds": _number(0, MAX_POLL_INTERVAL_SECONDS, low_open=True),
    "wait_for_start": _bool,
    "region": _region,
    "endpoint_url": _url,
}
"""Each input and its rule; a rule returns why a value breaks it, or None."""


def validate(
    props: Mapping[str, Any], unknown: object = None
) -> tuple[GateInputs | None, list[Problem]]:
    """Apply defaults and every rule; the inputs when all pass, else every problem found.

    A value equal to `unknown` (a preview placeholder for a value not computed yet) skips its
    rule; the inputs are then None even when nothing known breaks a rule.
    """
    defaults = GateInputs(identity_pool_id="").as_props()
    values = {name: props.get(name) for name in RULES}
    values = {name: defaults[name] if v is None else v for name, v in values.items()}
    pending = {name for name, v in values.items() if unknown is not None and v == unknown}
    problems = [
        Problem(name, reason)
        for name, rule in RULES.items()
        if name not in pending and (reason := rule(values[name])) is not None
    ]
    low, high = values["poll_interval_seconds"], values["max_poll_interval_seconds"]
    both_known = not pending & {"poll_interval_seconds", "max_poll_interval_seconds"}
    if not problems and both_known and high < low:
        reason = f"must be at least poll_interval_seconds ({high:g} < {low:g})"
        problems.append(Problem("max_poll_interval_seconds", reason))
    if problems or pending:
        return None, problems
    values["timeout_seconds"] = int(values["timeout_seconds"])
    return GateInputs(**values), []
