"""Scoring results: plain, immutable values that exporters render and embedders read."""

from __future__ import annotations

import datetime
from typing import ClassVar

import attrs

from .evidence import Analysis, Subject

#: Bumped whenever the JSON document changes incompatibly.
SCHEMA_VERSION = 1


@attrs.frozen
class EvidenceWeight:
    """One evidence item's part in a competency's result, so that every level can be explained."""

    id: str
    #: The item's share of the weighted mean of judgements (0 to 1).
    weight: float
    #: The development credit, in scale points, the item adds (before the cap).
    credit: float = 0.0
    note: str = ""


@attrs.frozen
class CompetencyResult:
    """The result for one competency: score, level, the evidence behind it, and the gap to target."""

    id: str
    title: str
    depth: int
    parent: str | None
    score: float | None
    level: str | None
    level_label: str | None
    rank: int | None
    basis: str
    evidence_count: int
    sources: int
    evidence: tuple[EvidenceWeight, ...]
    flags: tuple[str, ...] = ()
    target: str | None = None
    target_rank: int | None = None
    gap: int | None = None
    met: bool | None = None


@attrs.frozen
class FrameworkResult:
    """All competencies of one framework for one subject and role."""

    id: str
    version: str
    title: str
    role: str | None
    role_title: str | None
    competencies: tuple[CompetencyResult, ...]
    notes: tuple[str, ...] = ()

    def result(self, competency_id: str) -> CompetencyResult | None:
        """The result for a competency id, or None."""
        return next((r for r in self.competencies if r.id == competency_id), None)


@attrs.frozen
class ExcludedEvidence:
    """An evidence item that the scorer left out, and why."""

    id: str
    reason: str


@attrs.frozen
class Scorecard:
    """One subject's results against one or more frameworks, as of a date."""

    subject: Subject
    as_of: datetime.date
    scorer: str
    frameworks: tuple[FrameworkResult, ...]
    excluded: tuple[ExcludedEvidence, ...] = ()
    analyses: tuple[Analysis, ...] = ()
    source: str = ""
    schema_version: int = SCHEMA_VERSION

    def framework(self, framework_id: str) -> FrameworkResult | None:
        """The result for a framework id, or None."""
        return next((f for f in self.frameworks if f.id == framework_id), None)


@attrs.frozen
class ScoreReport:
    """The document ``competency score`` exports: scorecards for one or more subjects."""

    #: Names the document in its JSON form (``"kind": "scores"``).
    document_kind: ClassVar[str] = "scores"

    as_of: datetime.date
    scorecards: tuple[Scorecard, ...]
    schema_version: int = SCHEMA_VERSION
