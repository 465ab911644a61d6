"""Hypothesis profiles: a fixed, derandomized run by default (`make test`, CI), so the suite
gives the same answer every time; a wider random search on request (`make fuzz`).

Select one with HYPOTHESIS_PROFILE (ci, dev, thorough); default: ci.
No example database is written, so the shared tree stays clean: a failure prints its seed
and the shrunk example, which `@reproduce_failure` or `--hypothesis-seed` replays.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None, database=None)
settings.register_profile("dev", max_examples=100, deadline=None, database=None)
settings.register_profile("thorough", max_examples=5000, deadline=None, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")
