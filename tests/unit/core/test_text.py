"""Text for people: service text cleaned and cut, messages bounded for the wire, durations and
instants as they are shown."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from components.core.text import (
    ERROR_WIRE_LIMIT,
    SERVICE_TEXT_LIMIT,
    bounded_message,
    clean_text,
    format_duration,
    iso_utc,
    wire_size,
)

POOL = "us-east-1:0f5b6a1e-8a7b-4a51-9b57-1a2b3c4d5e6f"


# raw service text -> what may reach an error, a progress line or state
CLEANED = [
    ("plain text", "plain text"),
    ("\x1b[1;31mALERT\x1b[0m done", "ALERT done"),
    ("title\x1b]0;pwned\x07 after", "title after"),
    ("link \x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\", "link text"),
    ("a\x9b2Jb", "ab"),
    ("bell\x07 back\x08space", "bell backspace"),
    ("two\r\nlines\tand\x0btabs", "two lines and tabs"),
    ("bidi \u202eevil\u202c ok", "bidi evil ok"),
    ("para\u2028sep", "para sep"),
    ("nul\x00byte\x7f", "nulbyte"),
    ("   padded   ", "padded"),
    ("ünïcödé 日本 ✓", "ünïcödé 日本 ✓"),
]


@pytest.mark.parametrize(("raw", "clean"), CLEANED)
def test_service_text_is_stripped_of_escapes_and_control_characters(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("size", [SERVICE_TEXT_LIMIT - 1, SERVICE_TEXT_LIMIT, 15 * 1024, 10**6])
def test_service_text_is_cut_to_the_limit_saying_so(size):
    text = clean_text("\x1b[31m" + "é" * size)
    assert len(text) <= SERVICE_TEXT_LIMIT
    assert text.startswith("é")
    assert ("characters, cut]" in text) == (size > SERVICE_TEXT_LIMIT)
    assert not any(unicodedata.category(c) == "Cc" for c in text)


@pytest.mark.parametrize(
    ("text", "size"), [("abc", 3), ("100%", 6), ("é", 6), ("日", 9), ("\n", 3), ("😀", 12)]
)
def test_wire_size_counts_grpc_percent_encoding(text, size):
    assert wire_size(text) == size


@pytest.mark.parametrize("filler", ["x", "%", "日", "😀"])
def test_bounded_messages_keep_the_pool_and_the_advice(filler):
    message = f"bulk publish of identity pool {POOL} FAILED: {filler * 20000}. Fix the cause."
    bounded = bounded_message(message)
    assert wire_size(bounded) <= ERROR_WIRE_LIMIT
    assert bounded.startswith(f"bulk publish of identity pool {POOL} FAILED: ")
    assert bounded.endswith(". Fix the cause.")
    assert "...[cut]..." in bounded
    assert bounded_message("short") == "short"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.25, "0.2s"), (9.96, "10.0s"), (12, "12s"), (75.2, "1m15s"), (3725, "1h02m05s")],
)
def test_durations_read_like_a_clock(seconds, text):
    assert format_duration(seconds) == text


def test_iso_utc_is_second_precision_with_z():
    assert iso_utc(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert iso_utc(None) is None


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),  # a common "no bound" value
        (datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), "0999-12-31T23:59:59Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC), "2026-01-02T03:04:05.000678Z"),
    ],
)
def test_instants_keep_four_digit_years_and_read_back_as_themselves(moment, text):
    assert iso_utc(moment, fraction=True) == text
    assert datetime.fromisoformat(text) == moment
