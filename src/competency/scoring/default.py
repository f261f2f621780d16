"""The default scorer: weighted, recency-discounted judgements plus capped development credit.

The rules are documented in docs/scoring.md; each step below names the rule it implements.
"""

from __future__ import annotations

import datetime
import math
import operator
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

import attrs

from ..evidence import Contribution, EvidenceFile, ScoringContext
from ..framework import Competency, Framework, RoleProfile
from ..results import CompetencyResult, EvidenceWeight, ExcludedEvidence, FrameworkResult, Scorecard
from ..memo import IdentityMemo
from . import Scorer

# Scores are shown to two decimals and levels are read from the shown score, so that what a person
# sees is always consistent with the level they are given.
SCORE_DECIMALS = 2

_ID = operator.attrgetter("id")


def level_rank_for(score: float, top: int) -> int | None:
    """The level of a score: the nearest rank, halves rounding up (rule S5); None below 0.5."""
    return _shown_rank(round(score, SCORE_DECIMALS), top)


def _shown_rank(shown: float, top: int) -> int | None:
    """:func:`level_rank_for` of a score already rounded as it is shown (the scorer keeps only that)."""
    if shown < 0.5:
        return None
    return min(top, int(math.floor(shown + 0.5)))


class _Direct(NamedTuple):
    """A competency's result from its own evidence (rules S1-S5), before any roll-up."""

    #: As shown (rounded to SCORE_DECIMALS).
    score: float | None
    rank: int | None
    evidence: tuple[EvidenceWeight, ...]
    sources: int
    flags: tuple[str, ...]
    #: How many different evidence items the trail names.
    evidence_count: int


_NO_EVIDENCE = _Direct(None, None, (), 0, ("no-evidence",), 0)


@attrs.frozen(eq=False)
class _RolePlan:
    """What scoring a framework for one role needs besides the evidence: the role profile, each
    competency's target (level id and rank) by position, and the results of competencies with no
    evidence anywhere below them, which are the same for everyone and filled in as they are made."""

    profile: RoleProfile | None
    targets: tuple[tuple[str, int] | None, ...]
    empty: list[CompetencyResult | None]


@attrs.frozen(eq=False)
class _Plan:
    """A framework's tree laid out for scoring, made once per framework object (frameworks are
    immutable): competencies in tree order with their depths, parents and children by position."""

    framework: Framework
    nodes: tuple[Competency, ...]
    depths: tuple[int, ...]
    parents: tuple[int | None, ...]
    children: tuple[tuple[int, ...], ...]
    #: Qualified id of each competency (as contributions name them), and position by qualified id.
    qualified: tuple[str, ...]
    position: dict[str, int]
    #: The scale's top and proficient ranks.
    top: int
    proficient: int
    #: By role profile id (None: no role, or one the framework does not have, which score alike),
    #: so there are never more entries than the framework has roles.
    roles: dict[str | None, _RolePlan] = attrs.field(factory=dict)

    @classmethod
    def of(cls, framework: Framework) -> _Plan:
        nodes, depths = zip(*framework.walk()) if framework.competencies else ((), ())
        position = {c.id: i for i, c in enumerate(nodes)}
        parents = tuple(position.get(c.parent) if c.parent is not None else None for c in nodes)
        children: list[list[int]] = [[] for _ in nodes]
        for index, parent in enumerate(parents):
            if parent is not None:
                children[parent].append(index)  # tree order keeps each parent's children in document order
        qualified = tuple(framework.qualified(c.id) for c in nodes)
        return cls(
            framework, tuple(nodes), tuple(depths), parents, tuple(tuple(c) for c in children),
            qualified, {q: i for i, q in enumerate(qualified)}, framework.scale.top, framework.scale.proficient_rank,
        )

    def for_role(self, role: str | None) -> _RolePlan:
        """The plan for a role id (None for none)."""
        profile = self.framework.role(role) if role else None
        key = profile.id if profile is not None else None
        plan = self.roles.get(key)
        if plan is None:
            targets = profile.targets if profile is not None else {}
            scale = self.framework.scale
            plan = self.roles[key] = _RolePlan(
                profile,
                tuple(
                    (targets[c.id], scale.rank(targets[c.id]) or 0) if c.id in targets else None for c in self.nodes
                ),
                [None] * len(self.nodes),
            )
        return plan


_plan: IdentityMemo[Framework, _Plan] = IdentityMemo(_Plan.of)


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
        # Recency factors by date, shared by the frameworks: the items' dates are the same for each.
        recency: dict[datetime.date, float] = {}
        results = tuple(
            _FrameworkScoring(framework, by_competency, context, recency).result() for framework in frameworks
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
    def __init__(
        self,
        framework: Framework,
        contributions: dict[str, list[Contribution]],
        context: ScoringContext,
        recency: dict[datetime.date, float],
    ) -> None:
        self.framework = framework
        self.contributions = contributions
        self.context = context
        self.config = context.config
        self.trails = context.trails
        self.scale = framework.scale
        self.plan = plan = _plan(framework)
        self.top = plan.top
        self.proficient = plan.proficient
        self._recency_by_date = recency

    def result(self) -> FrameworkResult:
        plan = self.plan
        role = plan.for_role(self.context.role)
        # Only competencies with evidence and their ancestors need scoring: every other result
        # depends on the framework and the role alone, and is made once for everyone.
        scored = [False] * len(plan.nodes)
        for qualified in self.contributions:
            index = plan.position.get(qualified)
            while index is not None and not scored[index]:
                scored[index] = True
                index = plan.parents[index]
        empty = role.empty
        contributions = self.contributions
        results: list[CompetencyResult | None] = [None] * len(plan.nodes)
        for index in reversed(range(len(plan.nodes))):  # tree order reversed: children before parents
            if scored[index]:
                own = contributions.get(plan.qualified[index])
                direct = self._direct(own) if own else _NO_EVIDENCE
            elif empty[index] is None:
                direct = _NO_EVIDENCE
            else:
                results[index] = empty[index]
                continue
            children = plan.children[index]
            kids = [results[k] for k in children] if children else None
            result = self._result(plan.nodes[index], plan.depths[index], direct, kids, role.targets[index])  # type: ignore[arg-type]
            if not scored[index]:
                empty[index] = result
            results[index] = result
        notes: tuple[str, ...] = ()
        if self.context.role and role.profile is None:
            notes = (f"this framework has no role profile {self.context.role!r}: no targets to compare with",)
        return FrameworkResult(
            id=self.framework.id,
            version=self.framework.version,
            title=self.framework.title,
            role=self.context.role,
            role_title=role.profile.title if role.profile is not None else None,
            competencies=tuple(results),  # type: ignore[arg-type]
            notes=notes,
        )

    def _result(
        self,
        competency: Competency,
        depth: int,
        direct: _Direct,
        child_results: list[CompetencyResult] | None,
        target: tuple[str, int] | None,
    ) -> CompetencyResult:
        score, rank, trail, sources, flags, count = direct
        basis = "direct"
        if child_results:
            rolled = self._rollup(child_results, rank)
            if rolled is not None:
                basis, score, rank, trail, flags = "rollup", *rolled
                count = len(trail)  # ids are unique in a rolled-up trail
        if score is None:
            basis = "none"
        level = self.scale.levels[rank - 1] if rank else None
        gap = met = None
        if target is not None:
            achieved = rank or 0
            gap = max(0, target[1] - achieved)
            met = achieved >= target[1]
        return CompetencyResult(
            id=competency.id,
            title=competency.title,
            depth=depth,
            parent=competency.parent,
            score=score,  # already rounded as shown
            level=level.id if level is not None else None,
            level_label=level.label if level is not None else None,
            rank=rank,
            basis=basis,
            evidence_count=count,
            sources=sources,
            evidence=trail,
            flags=flags if len(flags) < 2 else tuple(sorted(flags)),  # each flag is added once
            target=target[0] if target is not None else None,
            target_rank=target[1] if target is not None else None,
            gap=gap,
            met=met,
        )

    def _direct(self, contributions: list[Contribution]) -> _Direct:
        """Rules S1-S4: weighted mean of judgements, capped credit, minimum independent sources."""
        config = self.config
        as_of = self.context.as_of
        by_date = self._recency_by_date
        weights: list[float] = []  # of the judgements, after recency
        products: list[float] = []  # each judgement times its weight
        credits: list[float] = []  # after recency
        self_only = True  # every judgement so far is the subject's own
        for c in contributions:
            date = c.date
            if date is None:
                factor = 1.0
            else:
                factor = by_date.get(date)  # type: ignore[assignment]
                if factor is None:
                    factor = by_date[date] = config.recency_factor((as_of - date).days)
            credits.append(c.credit * factor)
            value = c.value
            if value is not None:
                weight = c.weight * factor
                weights.append(weight)
                products.append(weight * value)
                if self_only:
                    source = c.source
                    self_only = source == "rater:self" or source.startswith("rater:self:")
        # fsum is exactly rounded, so no sum below depends on the order the evidence came in.
        total_weight = math.fsum(weights)
        credit = math.fsum(credits)
        flags: list[str] = []
        if weights and total_weight > 0:
            base = math.fsum(products) / total_weight
            if self_only:
                flags.append("self-rated-only")
        else:
            base = 1.0  # credit alone builds up from the lowest level
            flags.append("credit-only")
        if credit > config.credit_cap:
            flags.append("credit-capped")
        top = self.top
        # Rounded once, as shown: the level is read from the shown score (rule S5).
        score = round(min(float(top), base + min(config.credit_cap, credit)), SCORE_DECIMALS)
        sources = len({c.source for c in contributions})
        rank = _shown_rank(score, top)
        if sources < config.min_sources:
            flags.append("insufficient-evidence")
            rank = None
        if not self.trails:  # only levels will be read (ScoringContext.trails)
            return _Direct(score, rank, (), sources, tuple(flags), 0)
        trail, count = _direct_trail(contributions, weights, total_weight, credits)
        return _Direct(score, rank, trail, sources, tuple(flags), count)

    def _rollup(
        self, children: list[CompetencyResult], direct_rank: int | None
    ) -> tuple[float, int | None, tuple[EvidenceWeight, ...], tuple[str, ...]] | None:
        """Rule S6: the mean of the children's scores (no level counts 0), capped below proficient
        unless every child is proficient (Moodle's "all children proficient"). None when there is
        nothing to roll up or the direct result is better (rule S6's choice), so that the trail
        is only made for a roll-up that is used. The score comes rounded as shown."""
        if not any(c.score is not None for c in children):
            return None
        values = [c.score if c.rank is not None and c.score is not None else 0.0 for c in children]
        score = round(math.fsum(values) / len(children), SCORE_DECIMALS)
        rank = _shown_rank(score, self.top)
        proficient = self.proficient
        flags: tuple[str, ...] = ("rolled-up",)
        if rank is not None and rank >= proficient and not all(c.rank is not None and c.rank >= proficient for c in children):
            rank = proficient - 1 or None
            flags = ("rolled-up", "rollup-capped")
        if direct_rank is not None and (rank is None or rank <= direct_rank):
            return None
        if not self.trails:
            return score, rank, (), flags
        share = 1.0 / len(children)
        trail: dict[str, list[float]] = {}
        for child in children:
            if child.rank is None:
                continue
            for entry in child.evidence:
                slot = trail.get(entry.id)
                if slot is None:
                    slot = trail[entry.id] = [0.0, 0.0]
                slot[0] += share * entry.weight
                slot[1] += share * entry.credit
        # A sum that starts at 0.0 is never -0.0, so a zero needs no rounding.
        weights = tuple(
            EvidenceWeight(k, round(v[0], 4) if v[0] else 0.0, round(v[1], 4) if v[1] else 0.0, "via children")
            for k, v in sorted(trail.items())
        )
        return score, rank, weights, flags


def _direct_trail(
    contributions: list[Contribution], weights: list[float], total_weight: float, credits: list[float]
) -> tuple[tuple[EvidenceWeight, ...], int]:
    """Rule S8 for a direct result: each item's share of the judgements' weight and its credit, and
    how many different items the trail names. ``weights`` are the judgements' (in order) and
    ``credits`` every contribution's, after recency."""
    judged = [c for c in contributions if c.value is not None]
    if not judged:
        trail = []
    elif total_weight:
        trail = _trail([(c.evidence, w / total_weight, 0.0, c.note) for w, c in zip(weights, judged)])
    else:
        trail = _trail([(c.evidence, 0.0, 0.0, c.note) for c in judged])
    developing = [(c.evidence, 0.0, credit, c.note) for c, credit in zip(contributions, credits) if c.value is None]
    if developing:
        # Each part comes sorted by id; together they are sorted again (stably: an item that
        # both judges and credits the competency shows its judgement first).
        trail = sorted(trail + _trail(developing), key=_ID) if trail else _trail(developing)
    count = len(trail) if not developing or not judged else len({e.id for e in trail})
    return tuple(trail), count


def _trail(entries: list[tuple[str, float, float, str]]) -> list[EvidenceWeight]:
    """One entry per evidence item, sorted by id: its weights and credits summed in a fixed (sorted)
    order. Sorts ``entries`` in place."""
    if len(entries) > 1:
        entries.sort()
        unique = len({entry[0] for entry in entries}) == len(entries)
    else:
        unique = True
    if unique:  # the usual case: nothing to sum
        # A zero is shown as 0.0, never -0.0, as the sums below would give it.
        return [
            EvidenceWeight(evidence_id, round(weight, 4) if weight else 0.0, round(credit, 4) if credit else 0.0, note)
            for evidence_id, weight, credit, note in entries
        ]
    merged: dict[str, list[float | str]] = {}
    for evidence_id, weight, credit, note in entries:
        slot = merged.setdefault(evidence_id, [0.0, 0.0, note])
        slot[0] = float(slot[0]) + weight
        slot[1] = float(slot[1]) + credit
    return [EvidenceWeight(k, round(float(v[0]), 4), round(float(v[1]), 4), str(v[2])) for k, v in merged.items()]


DEFAULT_SCORER: Scorer = DefaultScorer()
