"""``attainment``: a certificate or award, optionally attesting a level."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import attrs

from ..errors import Problem
from ..evidence import CheckContext, Contribution, LevelValue, ScoringContext
from ..references import UnresolvedReference
from ._shared import DatedClaims, require_claims, require_text, resolved_claims


@attrs.frozen(kw_only=True)
class Attainment(DatedClaims):
    """A certificate or award. With a ``level`` it is an external judgement; without, development credit."""

    kind: ClassVar[str] = "attainment"
    summary: ClassVar[str] = "a certificate or award, optionally attesting a level"

    title: str
    awarded_by: str | None = None
    level: LevelValue | None = None

    def check(self, context: CheckContext) -> Iterator[Problem]:
        yield from require_text(self.title, "title")
        yield from require_claims(self.competencies, "competencies", context)
        if self.level is None:
            return
        for index, resolved in resolved_claims(self.competencies, context):
            try:
                context.resolver.level_rank(resolved.framework, self.level)
            except UnresolvedReference as exc:
                yield Problem(f"{exc} for {self.competencies[index]!r}", "level")

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        config = context.config
        share = config.attainment_credit / max(len(self.competencies), 1)
        for _, resolved in resolved_claims(self.competencies, context):
            if self.level is None:
                yield Contribution(
                    competency=resolved.qualified, evidence=self.id, source=f"item:{self.id}",
                    date=self.date, credit=share, note="award",
                )
                continue
            rank = context.resolver.level_rank(resolved.framework, self.level)
            yield Contribution(
                competency=resolved.qualified, evidence=self.id, source=f"item:{self.id}",
                date=self.date, value=float(rank), weight=config.attainment_weight,
                note=f"award attesting {resolved.framework.scale.level(rank).label}",
            )
