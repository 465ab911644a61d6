"""The rules of the gate's input values, and how a value typed as text (stack config, the
operator command's options) is read: one parser for both, so they accept the same words."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .names import pool_id_problem, region_name_problem, url_problem
from .text import LongNumber, shown

MODES = ("gate", "observe")
MAX_TIMEOUT_SECONDS = 86_400
MAX_POLL_INTERVAL_SECONDS = 3_600
MIN_POLL_INTERVAL_SECONDS = 0.01
"""The shortest first interval: the backoff doubles it at most 32 times, so a smaller one
(1e-12 s) would never reach a sane delay and hammer the API."""
MAX_POOLS = 200
"""The most identity pools one gate watches."""
MAX_CONCURRENCY = 64
"""The most calls one gate has in flight at once (`max_concurrency`)."""
MAX_AGE_SECONDS = 366 * 86_400
"""The largest maxAgeSeconds: a year (and a day)."""
WHOLE_NUMBER = re.compile(r"-?[0-9]+", re.ASCII)
DECIMAL_NUMBER = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)
"""Numbers typed as text (stack config, the command's options) are plain ASCII decimals: no
spaces, `_`, exponent, sign `+`, other digits, inf or nan."""


# The rules: each returns why a value breaks it, or None.


def pool_ids_rule(value: Any, unknown: object = None) -> str | None:
    """Elements equal to `unknown` (not computed yet: a preview) are skipped; the others are
    checked, each named by its index."""
    if value in (None, (), []):
        return None
    if not isinstance(value, list | tuple):
        return f"must be a list of identity pool ids (got {shown(value)})"
    if len(value) > MAX_POOLS:
        return f"must hold at most {MAX_POOLS} pools (got {len(value)})"
    known = [(i, pool) for i, pool in enumerate(value) if unknown is None or pool != unknown]
    for index, pool in known:
        if (reason := pool_id_problem(pool)) is not None:
            return f"[{index}] {reason}"
    pools = [pool for _, pool in known]
    if len(set(pools)) < len(pools):
        twice = next(pool for index, pool in enumerate(pools) if pool in pools[:index])
        return f"lists {twice} twice"
    return None


def mode_rule(value: Any) -> str | None:
    if isinstance(value, str) and value in MODES:
        return None
    return f"must be one of {', '.join(MODES)} (got {shown(value)})"


def number_rule(low: float, high: float, *, integer: bool = False) -> Callable[[Any], str | None]:
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

    rule.bounds = (low, high)  # type: ignore[attr-defined] # the reference's range (docs.py)
    return rule


def _plain(number: float) -> str:
    """`31622400`, `0.01`: no exponent in a message."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def bool_rule(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false (got {shown(value)})"


def region_rule(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and region_name_problem(value) is None):
        return None
    return f"must be an AWS region name such as us-east-1 (got {shown(value)})"


def url_rule(value: Any) -> str | None:
    return None if value is None else url_problem(value)


def parse_instant(value: Any) -> datetime | None:
    """An ISO-8601 UTC instant (`2026-11-23T12:00:00Z`, `...+00:00`), or None if it is not one."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None and not value.utcoffset() else None
    if not isinstance(value, str) or not value.isascii() or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if "T" not in value or moment.tzinfo is None or moment.utcoffset().total_seconds() != 0:
        return None
    return moment.astimezone(UTC)


def instant_rule(value: Any) -> str | None:
    if value is None or parse_instant(value) is not None:
        return None
    return (
        "must be an ISO-8601 UTC instant with a time and a Z (or +00:00), such as "
        f"2026-11-23T12:00:00Z (got {shown(value)})"
    )


def parse_text(kind: str, raw: str) -> Any:
    """The typed value of text of this kind (text, list, int, decimal, bool, instant); None
    when empty means unset. Ranges are the rules' job; a ValueError says what the text must
    look like."""
    if kind in ("text", "instant"):
        return raw or None
    if kind == "list":
        return _list(raw)
    if kind == "bool":
        if raw.isascii() and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise ValueError(f"must be true or false (got {shown(raw)})")
    if kind == "int":
        if not WHOLE_NUMBER.fullmatch(raw):
            raise ValueError(
                f"must be a whole number in plain digits 0-9, such as 1800 (got {shown(raw)})"
            )
        # More digits than any range allows: Python's int() refuses over 4300 of them.
        return int(raw) if len(raw) <= 400 else LongNumber(raw, "integer")
    if not DECIMAL_NUMBER.fullmatch(raw):
        raise ValueError(
            "must be a number in plain digits 0-9 with an optional decimal point, such as 5 "
            f"or 0.5 (got {shown(raw)})"
        )
    return number if math.isfinite(number := float(raw)) else LongNumber(raw)


def _list(raw: str) -> list[str] | None:
    if raw in ("", "[]"):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(
            "must be a list of identity pool ids (in Pulumi.<stack>.yaml, a YAML list; "
            f"with the CLI, `pulumi config set --path '...[0]' <id>`) (got {shown(raw)})"
        )
    return value
