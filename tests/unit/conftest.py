"""Hypothesis profiles: a fixed, derandomized run when CI is set; more examples on request.

Select one with HYPOTHESIS_PROFILE (ci, dev, thorough); default: ci under CI, else dev.
No example database is written, so the shared tree stays clean: a failure prints its seed
and the shrunk example, which `@reproduce_failure` or `--hypothesis-seed` replays.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, max_examples=100, deadline=None, database=None)
settings.register_profile("dev", max_examples=100, deadline=None, database=None)
settings.register_profile("thorough", max_examples=5000, deadline=None, database=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
