"""A sample plugin: the evidence kind ``journal-club`` (presenting a paper to colleagues)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import ClassVar

import attrs

from competency import Analysis, AnalysisContent, CheckContext, Contribution, EvidenceItem, Problem, ScoringContext, hookimpl

#: How many times an analysis's content was built (deferred analyses are built only when read).
BUILDS: list[str] = []


@attrs.frozen(kw_only=True)
class JournalClub(EvidenceItem):
    """Presented a paper at a journal club; earns development credit for what it claims."""

    kind: ClassVar[str] = "journal-club"
    summary: ClassVar[str] = "presented a paper at a journal club"

    date: datetime.date
    paper: str
    competencies: tuple[str, ...]
    attendees: int | None = None

    def reference_date(self) -> datetime.date:
        return self.date

    def dates(self) -> Iterator[tuple[str, datetime.date]]:
        yield "date", self.date

    def references(self) -> Iterator[tuple[str, str]]:
        for index, reference in enumerate(self.competencies):
            yield f"competencies[{index}]", reference

    def check(self, context: CheckContext) -> Iterator[Problem]:
        if not self.paper.strip():
            yield Problem("must not be empty", "paper")
        if self.attendees is not None and self.attendees < 1:
            yield Problem(f"{self.attendees} is not a number of people", "attendees")

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        for reference in self.competencies:
            resolved = context.resolver.resolve(reference)
            yield Contribution(
                competency=resolved.qualified,
                evidence=self.id,
                source=f"item:{self.id}",
                date=self.date,
                credit=0.2 / len(self.competencies),
                note="journal club",
            )

    def analyse(self, context: ScoringContext) -> Analysis:
        def build() -> AnalysisContent:
            BUILDS.append(self.id)
            return AnalysisContent({"paper": self.paper}, (f"presented {self.paper}",))

        return Analysis(self.kind, self.id, f"Journal club: {self.paper}", build=build, status="presented", date=self.date)


@hookimpl
def register_evidence_kinds(register: Callable[[type[EvidenceItem]], None]) -> None:
    register(JournalClub)
