"""Fixtures of the emulator tests (helpers live in tests/emulator/support.py)."""

from __future__ import annotations

import pytest

from emulator import Emulator
from tests.emulator.support import RawClient


@pytest.fixture
def raw(emulator: Emulator) -> RawClient:
    """A raw HTTP client for the `emulator` fixture."""
    return RawClient(emulator.url)
