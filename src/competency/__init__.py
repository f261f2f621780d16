"""competency: an engine for competency frameworks, evidence and explainable scoring.

The public API is re-exported here and imported lazily, so that ``competency --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .checks.base import EvidenceCheck
    from .engine import Engine, EvidenceSource
    from .errors import CompetencyError, ConfigurationError, InvalidInput, PluginConflict, Problem
    from .evidence import (
        Analysis,
        CheckContext,
        Contribution,
        EvidenceFile,
        EvidenceItem,
        LevelValue,
        ScoringContext,
        Subject,
    )
    from .evidence_io import Validation
    from .exporters.base import Exporter, UnsupportedDocument
    from .framework import Competency, CrossCuttingGroup, Framework, Level, Link, Quality, RoleProfile, Scale
    from .framework_io import check_framework, dump_framework, framework_from_dict, load_framework
    from .hookspecs import hookimpl
    from .plugins import PluginFailure
    from .results import CompetencyResult, EvidenceWeight, ExcludedEvidence, FrameworkResult, Scorecard, ScoreReport
    from .scoring import Scorer
    from .scoring.config import ScoringConfig

_EXPORTS = {
    "Engine": "engine", "EvidenceSource": "engine",
    "CompetencyError": "errors", "ConfigurationError": "errors", "InvalidInput": "errors",
    "PluginConflict": "errors", "Problem": "errors",
    "Analysis": "evidence", "CheckContext": "evidence", "Contribution": "evidence", "EvidenceFile": "evidence",
    "EvidenceItem": "evidence", "LevelValue": "evidence", "ScoringContext": "evidence", "Subject": "evidence",
    "Validation": "evidence_io", "Exporter": "exporters.base", "UnsupportedDocument": "exporters.base",
    "EvidenceCheck": "checks.base",
    "Competency": "framework", "CrossCuttingGroup": "framework", "Framework": "framework", "Level": "framework",
    "Link": "framework", "Quality": "framework", "RoleProfile": "framework", "Scale": "framework",
    "check_framework": "framework_io", "dump_framework": "framework_io", "framework_from_dict": "framework_io",
    "load_framework": "framework_io", "hookimpl": "hookspecs", "PluginFailure": "plugins",
    "CompetencyResult": "results", "EvidenceWeight": "results", "ExcludedEvidence": "results",
    "FrameworkResult": "results", "Scorecard": "results", "ScoreReport": "results",
    "Scorer": "scoring", "ScoringConfig": "scoring.config",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'competency' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
