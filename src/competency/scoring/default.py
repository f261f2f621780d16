"""The default scorer: weighted, recency-discounted judgements plus capped development credit.

The rules are documented in docs/scoring.md; each step below names the rule it implements.
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from collections.abc import Sequence

import attrs

from ..evidence import Contribution, EvidenceFile, ScoringContext
from ..framework import Competency, Framework
from ..results import CompetencyResult, EvidenceWeight, ExcludedEvidence, FrameworkResult, Scorecard
from . import Scorer

# Scores are shown to two decimals and levels are read from the shown score, so that what a person
# sees is always consistent with the level they are given.
SCORE_DECIMALS = 2


def level_rank_for(score: float, top: int) -> int | None:
    """The level of a score: the nearest rank, halves rounding up (rule S5); None below 0.5."""
    shown = round(score, SCORE_DECIMALS)
    if shown < 0.5:
        return None
    return min(top, int(math.floor(shown + 0.5)))


@attrs.frozen
class _Direct:
    score: float | None
    rank: int | None
    evidence: tuple[EvidenceWeight, ...]
    sources: int
    flags: tuple[str, ...]


_NO_EVIDENCE = _Direct(None, None, (), 0, ("no-evidence",))

@attrs.frozen(eq=False)
class _Plan:
    """A framework's tree laid out for scoring, made once per framework object (frameworks are
    immutable): competencies in tree order with their depths, parents and children by position."""

    framework: Framework
    nodes: tuple[Competency, ...]
    depths: tuple[int, ...]
    parents: tuple[int | None, ...]
    children: tuple[tuple[int, ...], ...]
    #: Position of each competency by qualified id, as contributions name them.
    position: dict[str, int]
    #: Results of competencies with no evidence anywhere below them, by role: the same for everyone.
    empty: dict[str | None, list[CompetencyResult | None]] = attrs.field(factory=dict)

    @classmethod
    def of(cls, framework: Framework) -> _Plan:
        nodes, depths = zip(*framework.walk()) if framework.competencies else ((), ())
        position = {c.id: i for i, c in enumerate(nodes)}
        parents = tuple(position.get(c.parent) if c.parent is not None else None for c in nodes)
        children: list[list[int]] = [[] for _ in nodes]
        for index, parent in enumerate(parents):
            if parent is not None:
                children[parent].append(index)  # tree order keeps each parent's children in document order
        return cls(
            framework, tuple(nodes), tuple(depths), parents, tuple(tuple(c) for c in children),
            {framework.qualified(c.id): i for i, c in enumerate(nodes)},
        )


# Keyed by id() with the framework kept alive in the plan, so an id is never reused.
_PLANS: dict[int, _Plan] = {}


def _plan(framework: Framework) -> _Plan:
    plan = _PLANS.get(id(framework))
    if plan is None or plan.framework is not framework:
        plan = _PLANS[id(framework)] = _Plan.of(framework)
    return plan


class DefaultScorer:
    """Combines contributions per competency and rolls parents up from their children."""

    name = "default"
    description = "weighted, recency-discounted judgements plus capped development credit; Moodle-style roll-up"

    def score(self, evidence: EvidenceFile, frameworks: Sequence[Framework], context: ScoringContext) -> Scorecard:
        """Score the evidence against each framework (rules S1-S8 of docs/scoring.md)."""
        config = context.config
        excluded: list[ExcludedEvidence] = []
        included = []
        for item in evidence.evidence:
            date = item.reference_date()
            if date is not None and config.expired((context.as_of - date).days):
                excluded.append(
                    ExcludedEvidence(item.id, f"dated {date.isoformat()}, older than the {config.window_years:g}-year window")
                )
            else:
                included.append(item)
        by_competency: dict[str, list[Contribution]] = defaultdict(list)
        for item in included:
            for contribution in item.contributions(context):
                by_competency[contribution.competency].append(contribution)
        results = tuple(
            _FrameworkScoring(framework, by_competency, context).result() for framework in frameworks
        )
        analyses = tuple(a for a in (item.analyse(context) for item in included) if a is not None)
        return Scorecard(
            subject=evidence.subject,
            as_of=context.as_of,
            scorer=self.name,
            frameworks=results,
            excluded=tuple(sorted(excluded, key=lambda e: e.id)),
            analyses=tuple(sorted(analyses, key=lambda a: (a.evidence, a.kind))),
            source=evidence.source,
        )


class _FrameworkScoring:
    def __init__(self, framework: Framework, contributions: dict[str, list[Contribution]], context: ScoringContext) -> None:
        self.framework = framework
        self.contributions = contributions
        self.context = context
        self.scale = framework.scale
        self.role = framework.role(context.role) if context.role else None
        self._prefix = framework.qualified("")
        self._recency_by_date: dict[object, float] = {}

    def result(self) -> FrameworkResult:
        plan = _plan(self.framework)
        # Only competencies with evidence and their ancestors need scoring: every other result
        # depends on the framework and the role alone, and is made once for everyone.
        scored = [False] * len(plan.nodes)
        for qualified in self.contributions:
            index = plan.position.get(qualified)
            while index is not None and not scored[index]:
                scored[index] = True
                index = plan.parents[index]
        empty = plan.empty.setdefault(self.context.role, [None] * len(plan.nodes))
        results: list[CompetencyResult | None] = [None] * len(plan.nodes)
        for index in reversed(range(len(plan.nodes))):  # tree order reversed: children before parents
            if scored[index] or empty[index] is None:
                kids = [results[k] for k in plan.children[index]]
                direct = self._direct(plan.nodes[index]) if scored[index] else _NO_EVIDENCE
                result = self._result(plan.nodes[index], plan.depths[index], direct, kids)  # type: ignore[arg-type]
                if not scored[index]:
                    empty[index] = result
                results[index] = result
            else:
                results[index] = empty[index]
        notes: tuple[str, ...] = ()
        if self.context.role and self.role is None:
            notes = (f"this framework has no role profile {self.context.role!r}: no targets to compare with",)
        return FrameworkResult(
            id=self.framework.id,
            version=self.framework.version,
            title=self.framework.title,
            role=self.context.role,
            role_title=self.role.title if self.role else None,
            competencies=tuple(results),  # type: ignore[arg-type]
            notes=notes,
        )

    def _result(
        self, competency: Competency, depth: int, direct: _Direct, child_results: list[CompetencyResult]
    ) -> CompetencyResult:
        basis, score, rank, trail, flags = "direct", direct.score, direct.rank, direct.evidence, direct.flags
        if child_results:
            rolled = self._rollup(child_results)
            if rolled is not None and (rank is None or rolled[1] is not None and rolled[1] > rank):
                basis, score, rank, trail = "rollup", rolled[0], rolled[1], rolled[2]
                flags = tuple(rolled[3])
        if score is None:
            basis = "none"
        level = self.scale.levels[rank - 1] if rank else None
        target = target_rank = gap = met = None
        if self.role is not None and competency.id in self.role.targets:
            target = self.role.targets[competency.id]
            target_rank = self.scale.rank(target) or 0
            achieved = rank or 0
            gap = max(0, target_rank - achieved)
            met = achieved >= target_rank
        return CompetencyResult(
            id=competency.id,
            title=competency.title,
            depth=depth,
            parent=competency.parent,
            score=None if score is None else round(score, SCORE_DECIMALS),
            level=level.id if level is not None else None,
            level_label=level.label if level is not None else None,
            rank=rank,
            basis=basis,
            evidence_count=len({e.id for e in trail}),
            sources=direct.sources,
            evidence=trail,
            flags=tuple(sorted(set(flags))),
            target=target,
            target_rank=target_rank,
            gap=gap,
            met=met,
        )

    def _direct(self, competency: Competency) -> _Direct:
        """Rules S1-S4: weighted mean of judgements, capped credit, minimum independent sources."""
        contributions = self.contributions.get(self._prefix + competency.id)
        if not contributions:
            return _NO_EVIDENCE
        config = self.context.config
        by_date = self._recency_by_date
        judged: list[tuple[float, Contribution]] = []  # (weight after recency, judgement)
        credits: list[float] = []
        developing: list[tuple[str, float, float, str]] = []  # credit-only entries of the trail
        for c in contributions:
            factor = 1.0 if c.date is None else by_date.get(c.date) or self._recency(c)
            credits.append(c.credit * factor)
            if c.value is not None:
                judged.append((c.weight * factor, c))
            else:
                developing.append((c.evidence, 0.0, credits[-1], c.note))
        # fsum is exactly rounded, so no sum below depends on the order the evidence came in.
        total_weight = math.fsum(w for w, _ in judged)
        credit = math.fsum(credits)
        flags: list[str] = []
        if judged and total_weight > 0:
            base = math.fsum(w * c.value for w, c in judged) / total_weight  # type: ignore[operator]
            if all(c.source == "rater:self" or c.source.startswith("rater:self:") for _, c in judged):
                flags.append("self-rated-only")
        else:
            base = 1.0  # credit alone builds up from the lowest level
            flags.append("credit-only")
        if credit > config.credit_cap:
            flags.append("credit-capped")
        top = self.scale.top
        score = min(float(top), base + min(config.credit_cap, credit))
        sources = len({c.source for c in contributions})
        rank = level_rank_for(score, top)
        if sources < config.min_sources:
            flags.append("insufficient-evidence")
            rank = None
        judging = [(c.evidence, (w / total_weight) if total_weight else 0.0, 0.0, c.note) for w, c in judged]
        trail = _trail(judging) + _trail(developing) if developing else _trail(judging)
        if len(trail) > 1:
            trail = tuple(sorted(trail, key=operator.attrgetter("id")))
        return _Direct(score, rank, trail, sources, tuple(flags))

    def _recency(self, contribution: Contribution) -> float:
        date = contribution.date
        if date is None:
            return 1.0
        factor = self._recency_by_date.get(date)
        if factor is None:
            factor = self._recency_by_date[date] = self.context.config.recency_factor((self.context.as_of - date).days)
        return factor

    def _rollup(self, children: list[CompetencyResult]) -> tuple[float, int | None, tuple[EvidenceWeight, ...], list[str]] | None:
        """Rule S6: the mean of the children's scores (no level counts 0), capped below proficient
        unless every child is proficient (Moodle's "all children proficient")."""
        if not any(c.score is not None for c in children):
            return None
        values = [c.score if c.rank is not None and c.score is not None else 0.0 for c in children]
        score = math.fsum(values) / len(children)
        rank = level_rank_for(score, self.scale.top)
        proficient = self.scale.proficient_rank
        flags = ["rolled-up"]
        if rank is not None and rank >= proficient and not all(c.rank is not None and c.rank >= proficient for c in children):
            rank = proficient - 1 or None
            flags.append("rollup-capped")
        share = 1.0 / len(children)
        trail: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for child in children:
            if child.rank is None:
                continue
            for entry in child.evidence:
                trail[entry.id][0] += share * entry.weight
                trail[entry.id][1] += share * entry.credit
        weights = tuple(EvidenceWeight(k, round(v[0], 4), round(v[1], 4), "via children") for k, v in sorted(trail.items()))
        return score, rank, weights, flags


def _trail(entries: list[tuple[str, float, float, str]]) -> tuple[EvidenceWeight, ...]:
    """One entry per evidence item: its weights and credits summed in a fixed (sorted) order."""
    if len({entry[0] for entry in entries}) == len(entries):  # the usual case: nothing to sum
        # 0.0 + x as in the sums below, so that a -0.0 shows as 0.0 either way.
        return tuple(
            EvidenceWeight(evidence_id, round(0.0 + weight, 4), round(0.0 + credit, 4), note)
            for evidence_id, weight, credit, note in sorted(entries)
        )
    merged: dict[str, list[float | str]] = {}
    for evidence_id, weight, credit, note in sorted(entries):
        slot = merged.setdefault(evidence_id, [0.0, 0.0, note])
        slot[0] = float(slot[0]) + weight
        slot[1] = float(slot[1]) + credit
    return tuple(
        EvidenceWeight(k, round(float(v[0]), 4), round(float(v[1]), 4), str(v[2])) for k, v in merged.items()
    )


DEFAULT_SCORER: Scorer = DefaultScorer()
