"""``reflection``: a written reflection on practice, tagged with what it is about."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import ClassVar

import attrs

from ..errors import Problem
from ..evidence import CheckContext, Contribution, EvidenceItem, ScoringContext
from ._shared import require_claims, require_text, resolved_claims


@attrs.frozen(kw_only=True)
class Reflection(EvidenceItem):
    """A reflection on practice; it earns a little development credit, never a level by itself."""

    kind: ClassVar[str] = "reflection"
    summary: ClassVar[str] = "a written reflection on practice"

    date: datetime.date
    text: str
    competencies: tuple[str, ...]
    title: str | None = None

    def reference_date(self) -> datetime.date:
        return self.date

    def dates(self) -> Iterator[tuple[str, datetime.date]]:
        yield "date", self.date

    def references(self) -> Iterator[tuple[str, str]]:
        for index, reference in enumerate(self.competencies):
            yield f"competencies[{index}]", reference

    def check(self, context: CheckContext) -> Iterator[Problem]:
        yield from require_text(self.text, "text")
        yield from require_claims(self.competencies, "competencies", context)

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        share = context.config.reflection_credit / max(len(self.competencies), 1)
        for _, resolved in resolved_claims(self.competencies, context):
            yield Contribution(
                competency=resolved.qualified,
                evidence=self.id,
                source=f"item:{self.id}",
                date=self.date,
                credit=share,
                note="reflection",
            )
