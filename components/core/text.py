"""Text for people: outside text (the service's messages, our errors) made safe to print, store
and send (one line, no escapes, bounded in characters and in gRPC wire bytes), and the few
formats every message shares (instants, durations, quoted values, errors)."""

from __future__ import annotations

import math
import re
import reprlib
import unicodedata
from datetime import datetime
from typing import Any

SERVICE_TEXT_LIMIT = 1024
"""Characters of service text (a FailureMessage, an error message) kept; the rest is cut."""
ERROR_WIRE_LIMIT = 3072
"""Bytes an error message may take in gRPC's percent-encoded `grpc-message` trailer: gRPC's
metadata limits are 8 KiB (soft) and 16 KiB (hard), and the SDK sends our traceback (about
2 KiB) in the same trailer."""
USERINFO = re.compile(r"(?<=://)[^/\s\"'<>]*@")
"""The `user:password@` of a URL in a text (up to its last @), to be replaced by `***@`."""

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80


def clean_text(value: object, limit: int = SERVICE_TEXT_LIMIT) -> str:
    """Service text made safe to print and store: one line, no escapes or control characters
    (ANSI sequences removed, line breaks and tabs become spaces), at most `limit` characters."""
    text = _ESCAPES.sub("", str(value))
    kept = []
    for char in text:
        kind = unicodedata.category(char)
        if char.isspace() or kind in ("Zl", "Zp"):
            kept.append(" ")
        elif kind not in ("Cc", "Cs") and char not in _BIDI:
            kept.append(char)
    text = " ".join("".join(kept).split())
    if len(text) <= limit:
        return text
    marker = f" ...[{len(text)} characters, cut]"
    return text[: max(limit - len(marker), 0)] + marker


def wire_size(text: str) -> int:
    """Bytes `text` takes in a `grpc-message` trailer (printable ASCII but `%` as is, the rest
    as `%XX` per UTF-8 byte)."""
    return sum(1 if 0x20 <= b <= 0x7E and b != 0x25 else 3 for b in text.encode())


def bounded_message(text: str, limit: int = ERROR_WIRE_LIMIT) -> str:
    """`text` cut in the middle until it fits `limit` wire bytes: the head (which pool) and the
    tail (what to do) survive."""
    if wire_size(text) <= limit:
        return text
    marker = " ...[cut]... "
    budget = limit - wire_size(marker)
    head_budget, tail_budget = budget * 2 // 3, budget - budget * 2 // 3
    return _prefix(text, head_budget) + marker + _prefix(text[::-1], tail_budget)[::-1]


def _prefix(text: str, budget: int) -> str:
    used = 0
    for index, char in enumerate(text):
        used += wire_size(char)
        if used > budget:
            return text[:index]
    return text


def iso_utc(moment: datetime | None, fraction: bool = False) -> str | None:
    """A UTC datetime as `2026-11-23T12:00:00Z`, the year always four digits (`0001-...`); with
    `fraction`, microseconds when there are any. None stays None."""
    if moment is None:
        return None
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    return text + (f".{moment.microsecond:06d}Z" if fraction and moment.microsecond else "Z")


def format_duration(seconds: float) -> str:
    """`75.2` -> `1m15s`; `3725` -> `1h02m05s`."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{seconds:.1f}s" if seconds < 10 else f"{secs}s"


class LongNumber(float):
    """A number typed in more digits than a float or a readable int holds (`9` x 5000): as a
    value, an infinity (every range refuses it); in a message, its length, never `inf`."""

    said: str
    """`an integer of 5000 digits`, `a negative number of 400 digits`."""

    def __new__(cls, digits: str, kind: str = "number") -> LongNumber:
        negative = digits.startswith("-")
        number = super().__new__(cls, "-inf" if negative else "inf")
        size = len(digits.lstrip("-").split(".")[0].lstrip("0"))
        article = "a negative" if negative else "an" if kind[0] in "aeiou" else "a"
        number.said = f"{article} {kind} of {size} digits"
        return number


def shown(value: Any) -> str:
    """`value` as a message may quote it: short, and never raising (Python refuses to print an
    int of more than 4300 digits, and deep nesting exhausts the stack)."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 128:
        digits = int((value.bit_length() - 1) * math.log10(2)) + 1
        digits += 10**digits <= abs(value)
        return f"{'a negative' if value < 0 else 'an'} integer of {digits} digits"
    if isinstance(value, LongNumber):
        return value.said
    if isinstance(value, float):
        return f"{value:g}"
    try:
        return _SHORT.repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"


def describe(error: BaseException | None) -> str:
    """An error as `ClassName: message`, the message cleaned and bounded."""
    if error is None:
        return "unknown error"
    return f"{type(error).__name__}: {clean_text(error, 2 * SERVICE_TEXT_LIMIT)}"
