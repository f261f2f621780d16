"""``rating``: a rater judges one or more competencies on the framework's scale."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar, Literal

import attrs

from ..errors import Problem
from ..evidence import CheckContext, Contribution, DatedItem, LevelValue, ScoringContext
from ..references import UnresolvedReference

RaterRole = Literal["self", "supervisor", "peer", "direct-report", "assessor", "patient", "other"]


@attrs.frozen(kw_only=True)
class Rating(DatedItem):
    """A judgement of competencies by one rater; ``ratings`` maps a competency to a level id or rank."""

    kind: ClassVar[str] = "rating"
    summary: ClassVar[str] = "a rater judges competencies on the framework's scale"

    rater: RaterRole
    ratings: Mapping[str, LevelValue]
    rater_id: str | None = None
    note: str | None = None

    def references(self) -> Iterator[tuple[str, str]]:
        for reference in self.ratings:
            yield f"ratings.{reference}", reference

    def referenced(self) -> Iterator[str]:
        return iter(self.ratings)

    def check(self, context: CheckContext) -> Iterator[Problem]:
        if not self.ratings:
            yield Problem("is empty: rate at least one competency", "ratings")
        resolver = context.resolver
        seen: dict[str, str] = {}
        for reference, value in self.ratings.items():
            try:
                resolved = resolver.resolve(reference)
            except UnresolvedReference:
                continue  # reported once, by the engine's reference check
            # "x" and "framework:x" are one competency: rating it twice would count the rater twice.
            first = seen.setdefault(resolved.qualified, reference)
            if first != reference:  # the keys of a table are all different
                yield Problem(f"rates the same competency as {first!r}", f"ratings.{reference}")
            try:
                resolver.level_rank(resolved.framework, value)
            except UnresolvedReference as exc:
                yield Problem(str(exc), f"ratings.{reference}")

    def source_key(self) -> str:
        """Ratings by the same rater are one source, however many there are."""
        return f"rater:{self.rater}:{self.rater_id}" if self.rater_id else f"rater:{self.rater}"

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        resolver = context.resolver
        weight = context.config.rater_weights.get(self.rater, 1.0)
        source = self.source_key()
        # Notes are read only in trails: without them (a cohort) the level's label is not looked up.
        rated = f"{self.rater} rating: " if context.trails else None
        for reference, value in self.ratings.items():
            resolved = resolver.resolve(reference)
            framework = resolved.framework
            rank = resolver.level_rank(framework, value)
            yield Contribution(
                competency=resolved.qualified,
                evidence=self.id,
                source=source,
                date=self.date,
                value=float(rank),
                weight=weight,
                note="" if rated is None else rated + framework.scale.level(rank).label,
            )
