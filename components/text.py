"""Text from outside (the service's messages, our errors) made safe to print, store and send:
one line, no escapes or control characters, bounded in characters and in gRPC wire bytes."""

from __future__ import annotations

import re
import unicodedata

SERVICE_TEXT_LIMIT = 1024
"""Characters of service text (a FailureMessage, an error message) kept; the rest is cut."""
ERROR_WIRE_LIMIT = 3072
"""Bytes an error message may take in gRPC's percent-encoded `grpc-message` trailer: gRPC's
metadata limits are 8 KiB (soft) and 16 KiB (hard), and the SDK sends our traceback (about
2 KiB) in the same trailer."""

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other escape
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


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
