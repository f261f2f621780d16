"""Interchange with other formats: CASE 1.1 (1EdTech Competencies and Academic Standards Exchange).

See docs/case.md for the mapping between CASE packages and frameworks.
"""

from __future__ import annotations

from .case import (
    CASE_NAMESPACE,
    DEFAULT_LAST_CHANGE,
    CaseImport,
    dumps_case,
    framework_from_case,
    framework_to_case,
    imported_toml,
    load_case,
    loads_case,
)

__all__ = [
    "CASE_NAMESPACE",
    "DEFAULT_LAST_CHANGE",
    "CaseImport",
    "dumps_case",
    "framework_from_case",
    "framework_to_case",
    "imported_toml",
    "load_case",
    "loads_case",
]
