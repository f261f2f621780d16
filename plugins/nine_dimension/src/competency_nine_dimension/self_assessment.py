"""``self-assessment``: the subject's own view of each dimension, its level and its importance to the role.

The format is documented in docs/360-format.md. A level may be ``insufficient``: below Essential, the
lowest level of the model, which the scorer takes as the value 0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from competency import Analysis, AnalysisContent, CheckContext, Contribution, DatedItem, LevelValue, Problem, ScoringContext

from .dimensions import (
    INSUFFICIENT,
    answer_problems,
    dimension_id,
    dimensions,
    empty_mapping,
    framework_of,
    performance_rank,
    qualify,
)
from .feedback import SELF_SOURCE, SELF_WEIGHT
from .figures import self_assessment_charts, self_assessment_tables
from .text import self_assessment_lines

if TYPE_CHECKING:
    from competency import Framework


@attrs.frozen(kw_only=True)
class SelfAssessment(DatedItem):
    """A self-assessment: ``performance`` (dimension = level id, rank or ``insufficient``), ``importance``
    (dimension = 1..5) and optional ``comments``."""

    kind: ClassVar[str] = "self-assessment"
    summary: ClassVar[str] = "a self-assessment on the Healthcare Leadership Model: level and importance per dimension"

    performance: Mapping[str, LevelValue]
    importance: Mapping[str, int] = attrs.field(factory=empty_mapping)
    comments: Mapping[str, str] = attrs.field(factory=empty_mapping)
    note: str | None = None

    def references(self) -> Iterator[tuple[str, str]]:
        for section in ("performance", "importance", "comments"):
            for key in getattr(self, section):
                yield f"{section}.{key}", qualify(key)

    def referenced(self) -> set[str]:
        return {qualify(key) for key in (*self.performance, *self.importance, *self.comments)}

    def check(self, context: CheckContext) -> Iterator[Problem]:
        if not self.performance:
            yield Problem(f'is empty: assess at least one dimension (a level, its rank, or "{INSUFFICIENT}")', "performance")
        yield from answer_problems(
            self.performance, self.importance, self.comments, ("performance", "importance", "comments"),
            extra=INSUFFICIENT, framework=framework_of(context), context=context,
        )
        if self.note is not None and not self.note.strip():
            yield Problem("must not be empty: write a note or leave the key out", "note")

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        """A self judgement per dimension assessed: its rank, or 0 for insufficient."""
        framework = framework_of(context)
        if framework is None:
            return
        weight = context.config.rater_weights.get("self", SELF_WEIGHT)
        note = ""  # read only in trails (ScoringContext.trails)
        for dim, rank in self.ranks(framework).items():
            if context.trails:
                label = "insufficient (below the lowest level)" if rank == 0 else framework.scale.level(rank).label
                note = f"self-assessment: {label}"
            yield Contribution(
                competency=framework.qualified(dim), evidence=self.id, source=SELF_SOURCE, date=self.date,
                value=float(rank), weight=weight, note=note,
            )

    def analyse(self, context: ScoringContext) -> Analysis | None:
        framework = framework_of(context)
        if framework is None:
            return None
        role = context.role

        def build() -> AnalysisContent:
            data = self.analysis_data(framework, role)
            return AnalysisContent(
                data, tuple(self_assessment_lines(data)), self_assessment_tables(data), self_assessment_charts(data)
            )

        return Analysis(
            kind=self.kind,
            evidence=self.id,
            title=f"Self-assessment on the Healthcare Leadership Model, {self.date.isoformat()}",
            build=build,
            date=self.date,
        )

    # -- helpers -------------------------------------------------------------------------------------

    def ranks(self, framework: Framework) -> dict[str, int]:
        """Each assessed dimension's rank (0 for insufficient), for a valid item."""
        out = {}
        for key, value in self.performance.items():
            rank = performance_rank(framework.scale, value, extra=INSUFFICIENT)
            out[dimension_id(key)] = 0 if rank is None else rank
        return out

    def analysis_data(self, framework: Framework, role_id: str | None) -> dict[str, Any]:
        """Level, importance, target, shortfall and priority per dimension, in the model's order."""
        scale = framework.scale
        ranks = self.ranks(framework)
        importance = {dimension_id(k): v for k, v in self.importance.items()}
        comments = {dimension_id(k): v for k, v in self.comments.items()}
        role = framework.role(role_id) if role_id else None
        titles = {c.id: c.title for c in framework.competencies}
        rows: list[dict[str, Any]] = []
        for order, dim in enumerate(dimensions(framework)):
            rank = ranks.get(dim)
            target = scale.rank(role.targets[dim]) if role is not None and dim in role.targets else None
            shortfall = None if rank is None or target is None else max(0, target - rank)
            weight = importance.get(dim)
            rows.append({
                "id": dim,
                "title": titles[dim],
                "performance": None if rank is None else (INSUFFICIENT if rank == 0 else scale.level(rank).id),
                "rank": rank,
                "label": None if rank is None else ("Insufficient" if rank == 0 else scale.level(rank).label),
                "importance": weight,
                "comment": comments.get(dim),
                "target": target,
                "target_label": None if target is None else scale.level(target).label,
                "shortfall": shortfall,
                "priority": None if shortfall is None or weight is None else weight * shortfall,
                "_order": order,
            })
        short = [r for r in rows if r["shortfall"]]
        short.sort(key=lambda r: (r["priority"] is None, -(r["priority"] or 0), r["_order"]))
        for row in rows:
            del row["_order"]
        return {
            "evidence": self.id,
            "date": self.date.isoformat(),
            "note": self.note,
            "framework": {"id": framework.id, "title": framework.title, "version": framework.version},
            "role": role_id,
            "role_title": role.title if role else None,
            "levels": [{"rank": i, "id": lv.id, "label": lv.label} for i, lv in enumerate(scale.levels, start=1)],
            "importance_scale": {"minimum": 1, "maximum": 5, "labels": {"1": "not important", "5": "essential to the role"}},
            "dimensions": rows,
            "priorities": [
                {"dimension": r["id"], "shortfall": r["shortfall"], "importance": r["importance"], "priority": r["priority"]}
                for r in short
            ],
            "radar": [
                {"dimension": r["id"], "title": r["title"], "self": r["rank"], "target": r["target"]} for r in rows
            ],
        }
