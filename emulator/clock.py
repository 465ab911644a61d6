"""Clocks the emulator reads its time from: the wall clock, or one that tests move by hand."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Anything with `now()` in epoch seconds."""

    def now(self) -> float: ...


class SystemClock:
    """The real wall clock, in epoch seconds."""

    def now(self) -> float:
        """Return the current time in epoch seconds."""
        return time.time()


class ManualClock:
    """A clock that stands still until `advance` moves it; safe to share between threads."""

    def __init__(self, start: float) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the clock's current time in epoch seconds."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` (never backward) and return the new time."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward (got advance of {seconds} seconds)")
        with self._lock:
            self._now += float(seconds)
            return self._now
