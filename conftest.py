"""Hypothesis profiles for every test suite in the repository (the core's and both plugins').

``ci`` (the default) is derandomised with no deadline, so a landing never depends on luck or on a
busy machine; ``dev`` runs ten times the examples with fresh randomness: set HYPOTHESIS_PROFILE=dev
while developing and fix what it finds.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
