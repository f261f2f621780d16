"""Quality improvement skills for competency: the qi-skills framework and the ``qi-project`` evidence kind.

This module is the plugin the ``competency`` entry point names. It stays light: the framework file,
attrs models and the analysis are imported only when a hook runs, so ``competency --help`` does not
pay for them. The analysis of measures is :mod:`competency_qi_skills.analysis`; the evidence format
and the scoring rules are documented in docs/qi-project-format.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from competency.hookspecs import hookimpl

if TYPE_CHECKING:
    from competency import EvidenceItem, Framework

__version__ = "0.1.0"

#: The framework file shipped inside the package.
FRAMEWORK_FILE = "qi_skills.toml"


@hookimpl
def register_frameworks(register: Callable[[Framework], None]) -> None:
    """Register the qi-skills framework (the five QI method areas on a four-level scale)."""
    from importlib.resources import as_file, files

    from competency import load_framework

    with as_file(files(__name__).joinpath(FRAMEWORK_FILE)) as path:
        register(load_framework(path))


@hookimpl
def register_evidence_kinds(register: Callable[[type[EvidenceItem]], None]) -> None:
    """Register the ``qi-project`` evidence kind."""
    from .project import QIProject

    register(QIProject)
