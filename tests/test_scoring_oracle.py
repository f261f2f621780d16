"""The default scorer against a plain restatement of its rules (docs/scoring.md S3-S8).

The scorer is written to do as little work as it can (a trail is sorted only when it must be, a
rolled-up trail is made only when the roll-up is used, targets are laid out once per role); the
oracle below does everything the obvious way, as the scorer once did. On any contributions at all,
including ones no shipped kind makes (an item that both judges and credits a competency, zero
weights, repeated evidence ids), the two must give equal results.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs
from hypothesis import given
from hypothesis import strategies as st

from competency.evidence import (
    Contribution,
    EvidenceFile,
    EvidenceItem,
    ScoringContext,
    Subject,
)
from competency.framework import Competency, Framework
from competency.framework_io import framework_from_dict
from competency.references import Resolver
from competency.results import CompetencyResult, EvidenceWeight
from competency.scoring.config import ScoringConfig
from competency.scoring.default import DEFAULT_SCORER, SCORE_DECIMALS, level_rank_for

AS_OF = datetime.date(2026, 3, 1)

FRAMEWORK = framework_from_dict({
    "id": "tree",
    "version": "1",
    "title": "A small tree",
    "publisher": "tests",
    "source": "made up for the tests",
    "scale": {"proficient": "c", "levels": [{"id": i, "label": i.upper()} for i in "abcd"]},
    "competencies": [
        {"id": "x", "title": "X"},
        {"id": "p", "title": "P"},
        {"id": "c1", "title": "C1", "parent": "p"},
        {"id": "c2", "title": "C2", "parent": "p"},
        {"id": "g1", "title": "G1", "parent": "c2"},
        {"id": "g2", "title": "G2", "parent": "c2"},
    ],
    "roles": [
        {"id": "r", "title": "R", "targets": {"x": "c", "p": "b", "g1": "d"}},
        {"id": "s", "title": "S", "targets": {"c2": "a"}},
    ],
})


@attrs.frozen(kw_only=True)
class Given(EvidenceItem):
    """An item that contributes exactly what it is given."""

    kind: ClassVar[str] = "given"
    given: tuple[Contribution, ...] = ()

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        return iter(self.given)


# -- the oracle: the rules, the obvious way --------------------------------------------------------


def oracle_trail(entries: list[tuple[str, float, float, str]]) -> tuple[EvidenceWeight, ...]:
    merged: dict[str, list[Any]] = {}
    for evidence_id, weight, credit, note in sorted(entries):
        slot = merged.setdefault(evidence_id, [0.0, 0.0, note])
        slot[0] += weight
        slot[1] += credit
    return tuple(EvidenceWeight(k, round(v[0], 4), round(v[1], 4), v[2]) for k, v in merged.items())


def oracle_direct(contributions: list[Contribution], config: ScoringConfig, top: int) -> tuple[Any, ...]:
    if not contributions:
        return None, None, (), 0, ("no-evidence",)
    factors = [1.0 if c.date is None else config.recency_factor((AS_OF - c.date).days) for c in contributions]
    judged = [(c.weight * f, c) for c, f in zip(contributions, factors) if c.value is not None]
    credits = [c.credit * f for c, f in zip(contributions, factors)]
    total = math.fsum(w for w, _ in judged)
    credit = math.fsum(credits)
    flags = []
    if judged and total > 0:
        base = math.fsum(w * c.value for w, c in judged) / total  # type: ignore[operator]
        if all(c.source == "rater:self" or c.source.startswith("rater:self:") for _, c in judged):
            flags.append("self-rated-only")
    else:
        base = 1.0
        flags.append("credit-only")
    if credit > config.credit_cap:
        flags.append("credit-capped")
    score = min(float(top), base + min(config.credit_cap, credit))
    sources = len({c.source for c in contributions})
    rank = level_rank_for(score, top)
    if sources < config.min_sources:
        flags.append("insufficient-evidence")
        rank = None
    judging = [(c.evidence, (w / total) if total else 0.0, 0.0, c.note) for w, c in judged]
    developing = [(c.evidence, 0.0, cr, c.note) for c, cr in zip(contributions, credits) if c.value is None]
    trail = tuple(sorted(oracle_trail(judging) + oracle_trail(developing), key=lambda e: e.id))
    return score, rank, trail, sources, tuple(flags)


def oracle_rollup(children: list[CompetencyResult], framework: Framework) -> tuple[Any, ...] | None:
    if not any(c.score is not None for c in children):
        return None
    score = math.fsum(c.score if c.rank is not None and c.score is not None else 0.0 for c in children) / len(children)
    rank = level_rank_for(score, framework.scale.top)
    proficient = framework.scale.proficient_rank
    flags = ["rolled-up"]
    if rank is not None and rank >= proficient and not all(c.rank is not None and c.rank >= proficient for c in children):
        rank = proficient - 1 or None
        flags.append("rollup-capped")
    share = 1.0 / len(children)
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for child in children:
        if child.rank is not None:
            for entry in child.evidence:
                sums[entry.id][0] += share * entry.weight
                sums[entry.id][1] += share * entry.credit
    trail = tuple(EvidenceWeight(k, round(v[0], 4), round(v[1], 4), "via children") for k, v in sorted(sums.items()))
    return score, rank, trail, flags


def oracle(contributions: list[Contribution], role: str | None, config: ScoringConfig) -> list[CompetencyResult]:
    framework = FRAMEWORK
    by_competency: dict[str, list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_competency[c.competency].append(c)
    profile = framework.role(role) if role else None

    def result(competency: Competency, depth: int) -> list[CompetencyResult]:
        below = [r for child in framework.children(competency.id) for r in result(child, depth + 1)]
        kids = [r for r in below if r.parent == competency.id]
        score, rank, trail, sources, flags = oracle_direct(
            by_competency.get(framework.qualified(competency.id), []), config, framework.scale.top
        )
        basis = "direct"
        rolled = oracle_rollup(kids, framework) if kids else None
        if rolled is not None and (rank is None or rolled[1] is not None and rolled[1] > rank):
            basis, score, rank, trail, flags = "rollup", *rolled
        if score is None:
            basis = "none"
        level = framework.scale.level(rank) if rank else None
        target = target_rank = gap = met = None
        if profile is not None and competency.id in profile.targets:
            target = profile.targets[competency.id]
            target_rank = framework.scale.rank(target) or 0
            gap = max(0, target_rank - (rank or 0))
            met = (rank or 0) >= target_rank
        own = CompetencyResult(
            id=competency.id, title=competency.title, depth=depth, parent=competency.parent,
            score=None if score is None else round(score, SCORE_DECIMALS),
            level=level.id if level else None, level_label=level.label if level else None, rank=rank,
            basis=basis, evidence_count=len({e.id for e in trail}), sources=sources, evidence=trail,
            flags=tuple(sorted(set(flags))), target=target, target_rank=target_rank, gap=gap, met=met,
        )
        return [own, *below]

    return [r for root in framework.roots for r in result(root, 0)]


# -- random contributions ---------------------------------------------------------------------------

COMPETENCIES = st.sampled_from([FRAMEWORK.qualified(c.id) for c in FRAMEWORK.competencies] + ["other:thing"])
DATES = st.one_of(st.none(), st.dates(datetime.date(2020, 1, 1), AS_OF))
CONTRIBUTIONS = st.builds(
    Contribution,
    competency=COMPETENCIES,
    evidence=st.sampled_from(["a", "b", "c", "d"]),
    source=st.sampled_from(["rater:self", "rater:self:r1", "rater:peer:r2", "item:a", "item:b"]),
    date=DATES,
    value=st.one_of(st.none(), st.sampled_from([1.0, 2.0, 3.0, 4.0, 2.5])),
    credit=st.sampled_from([0.0, -0.0, 0.05, 0.1, 0.3, 0.4, 1e-9]),
    weight=st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.5, 1e-9]),
    note=st.sampled_from(["", "n1", "n2"]),
)
CONFIGS = st.builds(ScoringConfig, min_sources=st.integers(1, 3), credit_cap=st.sampled_from([0.0, 0.5, 5.0]))


def scorer_results(
    contributions: list[Contribution], role: str | None, config: ScoringConfig, trails: bool = True
) -> list[CompetencyResult]:
    # One item per evidence id, as in a file: an item's contributions are what it is given.
    items = tuple(
        Given(id=ident, given=tuple(c for c in contributions if c.evidence == ident))
        for ident in sorted({c.evidence for c in contributions})
    )
    evidence = EvidenceFile(Subject("s"), items)
    context = ScoringContext(Resolver.of([FRAMEWORK]), AS_OF, config, role, trails=trails)
    (framework,) = DEFAULT_SCORER.score(evidence, [FRAMEWORK], context).frameworks
    return list(framework.competencies)


@given(contributions=st.lists(CONTRIBUTIONS, max_size=14), role=st.sampled_from([None, "r", "s", "nobody"]), config=CONFIGS)
def test_the_scorer_agrees_with_the_rules_stated_plainly(
    contributions: list[Contribution], role: str | None, config: ScoringConfig
) -> None:
    # repr, not ==, so that a -0.0 where the rules give 0.0 (it would show in the JSON) is a difference.
    expected = oracle(contributions, role, config)
    assert repr(scorer_results(contributions, role, config)) == repr(expected)
    # Without trails, everything but the trails is the same.
    lean = [attrs.evolve(r, evidence=(), evidence_count=0) for r in expected]
    assert repr(scorer_results(contributions, role, config, trails=False)) == repr(lean)


def test_an_item_that_judges_and_credits_shows_its_judgement_first() -> None:
    both = [
        Contribution("tree:x", "a", "item:a", None, value=3.0),
        Contribution("tree:x", "a", "item:a", None, credit=0.2),
        Contribution("tree:x", "b", "item:b", None, value=2.0),
    ]
    (x, *_) = scorer_results(both, None, ScoringConfig())
    assert [(e.id, e.weight, e.credit) for e in x.evidence] == [("a", 0.5, 0.0), ("a", 0.0, 0.2), ("b", 0.5, 0.0)]
    assert x.evidence_count == 2
    assert [x, *_] == oracle(both, None, ScoringConfig())
