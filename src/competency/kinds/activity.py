"""``activity``: one of the ways to develop leadership (a course, mentoring, a secondment, ...)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import ClassVar, Literal

import attrs

from ..errors import Problem
from ..evidence import CheckContext, Contribution, EvidenceItem, ScoringContext
from ._shared import require_claims, require_text, resolved_claims

ActivityType = Literal[
    "course",
    "mentoring",
    "coaching",
    "networking",
    "action-learning",
    "qi-project",
    "on-the-job",
    "self-directed-learning",
    "secondment",
    "reading",
    "leadership-project",
    "new-role",
    "part-time-role",
]
Outcome = Literal["completed", "attended", "in-progress", "withdrawn"]


@attrs.frozen(kw_only=True)
class Activity(EvidenceItem):
    """A development activity and the competencies it claims to develop."""

    kind: ClassVar[str] = "activity"
    summary: ClassVar[str] = "a way of developing: course, mentoring, coaching, QI project, secondment, ..."

    type: ActivityType
    title: str
    start: datetime.date
    outcome: Outcome
    competencies: tuple[str, ...]
    end: datetime.date | None = None
    provider: str | None = None
    hours: float | None = None
    reflection: str | None = None
    #: The id of the learning-catalogue offer this activity took up, if any (``competency plan``
    #: then knows it is done without matching titles).
    offer: str | None = None

    def reference_date(self) -> datetime.date:
        return self.end or self.start

    def dates(self) -> Iterator[tuple[str, datetime.date]]:
        yield "start", self.start
        if self.end is not None:
            yield "end", self.end

    def references(self) -> Iterator[tuple[str, str]]:
        for index, reference in enumerate(self.competencies):
            yield f"competencies[{index}]", reference

    def referenced(self) -> tuple[str, ...]:
        return self.competencies

    def check(self, context: CheckContext) -> Iterator[Problem]:
        yield from require_text(self.title, "title")
        yield from require_claims(self.competencies, "competencies", context)
        if self.end is not None and self.end < self.start:
            yield Problem(f"{self.end.isoformat()} is before the start {self.start.isoformat()}", "end")
        if self.hours is not None and self.hours < 0:
            yield Problem(f"{self.hours:g} is negative", "hours")

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        config = context.config
        credit = (
            config.activity_credit.get(self.type, 0.0)
            * config.outcome_factor.get(self.outcome, 0.0)
            * config.hours_factor(self.hours)
        )
        # One piece of evidence is worth the same however many competencies it is tagged with.
        share = credit / max(len(self.competencies), 1)
        source, date, note = f"item:{self.id}", self.reference_date(), f"{self.type} ({self.outcome})"
        for _, resolved in resolved_claims(self.competencies, context):
            yield Contribution(
                competency=resolved.qualified, evidence=self.id, source=source, date=date, credit=share, note=note
            )
