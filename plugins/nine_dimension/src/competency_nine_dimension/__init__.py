"""The NHS Healthcare Leadership Model for competency: the framework, 360° feedback and self-assessment.

This module is the plugin the ``competency`` entry point names. It stays light: the framework file,
the attrs models and the aggregation are imported only when a hook runs, so ``competency --help``
does not pay for them. The 360 aggregation and its anonymity policy are in
:mod:`competency_nine_dimension.aggregate` (docs/360-aggregation.md); the evidence kinds ``360`` and
``self-assessment`` are in :mod:`competency_nine_dimension.feedback` and
:mod:`competency_nine_dimension.self_assessment` (docs/360-format.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from competency.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency import EvidenceItem, Framework

__version__ = "0.1.0"

#: The framework file shipped inside the package.
FRAMEWORK_FILE = "healthcare_leadership_model.toml"


@hookimpl
def register_frameworks(register: Callable[[Framework], None]) -> None:
    """Register the healthcare-leadership-model framework (nine dimensions on four levels)."""
    from importlib.resources import as_file, files

    from competency import load_framework

    with as_file(files(__name__).joinpath(FRAMEWORK_FILE)) as path:
        register(load_framework(path))


@hookimpl
def register_evidence_kinds(register: Callable[[type[EvidenceItem]], None]) -> None:
    """Register the ``360`` and ``self-assessment`` evidence kinds."""
    from .feedback import Feedback360
    from .self_assessment import SelfAssessment

    register(Feedback360)
    register(SelfAssessment)
