"""``reflection``: a written reflection on practice, tagged with what it is about."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import attrs

from ..errors import Problem
from ..evidence import CheckContext, Contribution, ScoringContext
from ._shared import DatedClaims, require_claims, require_text, resolved_claims


@attrs.frozen(kw_only=True)
class Reflection(DatedClaims):
    """A reflection on practice; it earns a little development credit, never a level by itself."""

    kind: ClassVar[str] = "reflection"
    summary: ClassVar[str] = "a written reflection on practice"

    text: str
    title: str | None = None

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
