"""Scorers turn validated evidence into scorecards. The default scorer is a built-in plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ..evidence import EvidenceFile, ScoringContext
    from ..framework import Framework
    from ..results import Scorecard

__all__ = ["Scorer"]


@runtime_checkable
class Scorer(Protocol):
    """What a scorer plugin registers: a name, a one-line description and ``score``."""

    name: str
    description: str

    def score(self, evidence: EvidenceFile, frameworks: Sequence[Framework], context: ScoringContext) -> Scorecard:
        """Score ``evidence`` against each of ``frameworks`` (already chosen and validated).

        When ``context.trails`` is False only levels will be read: a scorer may then leave the
        results' evidence trails empty (and must not change anything else).
        """
        ...
