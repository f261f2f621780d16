"""competency: an engine for competency frameworks, evidence and explainable scoring.

The public API is re-exported here and imported lazily, so that ``competency --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .catalogue import (
        Catalogue as Catalogue,
        Offer as Offer,
    )
    from .checks.base import (
        EvidenceCheck as EvidenceCheck,
    )
    from .engine import (
        Engine as Engine,
        EvidenceSource as EvidenceSource,
    )
    from .errors import (
        CompetencyError as CompetencyError,
        ConfigurationError as ConfigurationError,
        InvalidInput as InvalidInput,
        PluginConflict as PluginConflict,
        Problem as Problem,
    )
    from .evidence import (
        Analysis as Analysis,
        AnalysisContent as AnalysisContent,
        CheckContext as CheckContext,
        Contribution as Contribution,
        DatedItem as DatedItem,
        EvidenceFile as EvidenceFile,
        EvidenceItem as EvidenceItem,
        LevelValue as LevelValue,
        ScoringContext as ScoringContext,
        Subject as Subject,
    )
    from .evidence_io import (
        Validation as Validation,
    )
    from .exporters.base import (
        Exporter as Exporter,
        UnsupportedDocument as UnsupportedDocument,
    )
    from .framework import (
        Competency as Competency,
        CrossCuttingGroup as CrossCuttingGroup,
        Framework as Framework,
        Level as Level,
        Link as Link,
        Quality as Quality,
        RoleProfile as RoleProfile,
        Scale as Scale,
    )
    from .framework_io import (
        check_framework as check_framework,
        dump_framework as dump_framework,
        framework_from_dict as framework_from_dict,
        load_framework as load_framework,
    )
    from .hookspecs import (
        hookimpl as hookimpl,
    )
    from .plugins import (
        PluginFailure as PluginFailure,
    )
    from .results import (
        CompetencyResult as CompetencyResult,
        EvidenceWeight as EvidenceWeight,
        ExcludedEvidence as ExcludedEvidence,
        FrameworkResult as FrameworkResult,
        Scorecard as Scorecard,
        ScoreReport as ScoreReport,
    )
    from .scoring import (
        Scorer as Scorer,
    )
    from .scoring.config import (
        ScoringConfig as ScoringConfig,
    )

_EXPORTS = {
    "Engine": "engine", "EvidenceSource": "engine",
    "CompetencyError": "errors", "ConfigurationError": "errors", "InvalidInput": "errors",
    "PluginConflict": "errors", "Problem": "errors",
    "Analysis": "evidence", "AnalysisContent": "evidence", "CheckContext": "evidence", "Contribution": "evidence", "DatedItem": "evidence", "EvidenceFile": "evidence",
    "EvidenceItem": "evidence", "LevelValue": "evidence", "ScoringContext": "evidence", "Subject": "evidence",
    "Validation": "evidence_io", "Exporter": "exporters.base", "UnsupportedDocument": "exporters.base",
    "EvidenceCheck": "checks.base", "Catalogue": "catalogue", "Offer": "catalogue",
    "Competency": "framework", "CrossCuttingGroup": "framework", "Framework": "framework", "Level": "framework",
    "Link": "framework", "Quality": "framework", "RoleProfile": "framework", "Scale": "framework",
    "check_framework": "framework_io", "dump_framework": "framework_io", "framework_from_dict": "framework_io",
    "load_framework": "framework_io", "hookimpl": "hookspecs", "PluginFailure": "plugins",
    "CompetencyResult": "results", "EvidenceWeight": "results", "ExcludedEvidence": "results",
    "FrameworkResult": "results", "Scorecard": "results", "ScoreReport": "results",
    "Scorer": "scoring", "ScoringConfig": "scoring.config",
}

__all__ = [
    "__version__",
    "Analysis",
    "AnalysisContent",
    "Catalogue",
    "CheckContext",
    "Competency",
    "CompetencyError",
    "CompetencyResult",
    "ConfigurationError",
    "Contribution",
    "DatedItem",
    "CrossCuttingGroup",
    "Engine",
    "EvidenceCheck",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceSource",
    "EvidenceWeight",
    "ExcludedEvidence",
    "Exporter",
    "Framework",
    "FrameworkResult",
    "InvalidInput",
    "Level",
    "LevelValue",
    "Link",
    "Offer",
    "PluginConflict",
    "PluginFailure",
    "Problem",
    "Quality",
    "RoleProfile",
    "Scale",
    "ScoreReport",
    "Scorecard",
    "Scorer",
    "ScoringConfig",
    "ScoringContext",
    "Subject",
    "UnsupportedDocument",
    "Validation",
    "check_framework",
    "dump_framework",
    "framework_from_dict",
    "hookimpl",
    "load_framework",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'competency' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
