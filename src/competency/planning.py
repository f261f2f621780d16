"""Development plans: which catalogue offers best cover a person's largest gaps (docs/planning.md).

The plan is computed from a scorecard (the gaps to the role's targets), the evidence (what has been
done already) and the catalogues. It is a pure function of those: no clock, no randomness, and the
result does not depend on the order of offers, catalogues or evidence items.

In short, with ``open(c)`` the part of the gap in competency ``c`` that no chosen offer has addressed
yet (at first the gap itself):

* an offer *covers* ``c`` if it develops ``c`` or an ancestor of ``c``, and suits the person's current
  level in ``c``'s framework;
* its value is ``sum(open(c) ** 2)`` over the competencies it covers;
* the plan picks the offer of highest value, ties going to the cheaper, then the shorter, then the
  smaller id; every competency it covers has its ``open`` lowered by one level; and again, until the
  limit is reached or no offer covers an open gap.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs

from .catalogue import Catalogue, Offer, contains_phrase
from .evidence import EvidenceFile, EvidenceItem, Subject
from .framework import QUALIFIER, Framework
from .results import CompetencyResult, FrameworkResult, Scorecard
from .scoring.default import level_rank_for

#: Bumped whenever the plan's JSON document changes incompatibly.
PLAN_SCHEMA_VERSION = 1
#: How many offers a plan lists unless asked otherwise.
DEFAULT_LIMIT = 5

#: Outcomes of an activity that show an offer was done, or is under way; "withdrawn" shows neither.
DONE_OUTCOMES = frozenset({"completed", "attended"})
UNDER_WAY_OUTCOMES = frozenset({"in-progress"})


@attrs.frozen
class Gap:
    """A competency where the person is below the role's target."""

    framework: str
    competency: str
    title: str
    #: The level reached (id and label), or None when the evidence gives none.
    level: str | None
    level_label: str | None
    target: str
    target_label: str
    #: Target rank minus achieved rank (no level counts 0), as in the scorecard.
    gap: int
    #: The rank that level ranges are judged against: the level reached; with no level, the level the
    #: score reads as (S5), and the lowest level if there is no score.
    current_rank: int

    @property
    def qualified(self) -> str:
        """``framework-id:competency-id``."""
        return f"{self.framework}{QUALIFIER}{self.competency}"


@attrs.frozen
class CoveredGap:
    """One gap an offer covers, and how much of it was still open when the offer was chosen."""

    framework: str
    competency: str
    title: str
    gap: int
    open: int


@attrs.frozen
class Recommendation:
    """One offer in the plan, in order, with the reason it was chosen."""

    position: int
    catalogue: str
    offer: str
    title: str
    kind: str
    provider: str
    format: str | None
    hours: float | None
    duration: str | None
    cost: float | None
    url: str | None
    source: str | None
    audience: str | None
    notes: str | None
    #: Sum of the squares of the open gaps it covers, when it was chosen.
    value: int
    covers: tuple[CoveredGap, ...]
    explanation: str


@attrs.frozen
class DoneOffer:
    """An offer left out because the evidence shows it done (or under way)."""

    catalogue: str
    offer: str
    title: str
    #: ``done`` or ``under-way``.
    status: str
    evidence: str
    reason: str


@attrs.frozen
class CatalogueRef:
    """Which catalogue a plan drew on."""

    id: str
    title: str
    publisher: str
    source: str
    version: str = ""


@attrs.frozen
class PlanReport:
    """The document ``competency plan`` exports: one person's gaps and the offers chosen for them."""

    #: Names the document in its JSON form (``"kind": "plan"``).
    document_kind: ClassVar[str] = "plan"

    subject: Subject
    as_of: datetime.date
    role: str | None
    #: The evidence file the plan was made from.
    source: str
    catalogues: tuple[CatalogueRef, ...]
    #: Every gap to the role's targets, largest first.
    gaps: tuple[Gap, ...]
    recommendations: tuple[Recommendation, ...]
    #: Offers left out because the evidence shows them done or under way.
    done: tuple[DoneOffer, ...]
    #: Gaps that no recommended offer covers.
    uncovered: tuple[Gap, ...]
    #: How many offers were weighed (after leaving out what is done and what is for other roles).
    offers_considered: int
    limit: int | None
    notes: tuple[str, ...] = ()
    schema_version: int = PLAN_SCHEMA_VERSION


# -- gaps ---------------------------------------------------------------------------------------------------


def find_gaps(scorecard: Scorecard, frameworks: Iterable[Framework]) -> tuple[Gap, ...]:
    """Every competency below its role target, largest gap first (then framework, then tree order)."""
    by_id = {f.id: f for f in frameworks}
    gaps: list[tuple[int, str, int, Gap]] = []
    for result in scorecard.frameworks:
        framework = by_id.get(result.id)
        if framework is None:
            continue
        scale = framework.scale
        for order, comp in enumerate(result.competencies):
            if comp.target is None or not comp.gap:
                continue
            target_rank = comp.target_rank or scale.rank(comp.target) or 0
            gap = Gap(
                framework=result.id,
                competency=comp.id,
                title=comp.title,
                level=comp.level,
                level_label=comp.level_label,
                target=comp.target,
                target_label=scale.level(target_rank).label if target_rank else comp.target,
                gap=comp.gap,
                current_rank=_current_rank(comp, scale.top),
            )
            gaps.append((-comp.gap, result.id, order, gap))
    return tuple(g for *_, g in sorted(gaps, key=lambda t: t[:3]))


def _current_rank(result: CompetencyResult, top: int) -> int:
    if result.rank:
        return result.rank
    if result.score is not None:
        return max(1, level_rank_for(result.score, top) or 1)
    return 1


def _ancestors(result: FrameworkResult) -> dict[str, tuple[str, ...]]:
    parents = {c.id: c.parent for c in result.competencies}
    out: dict[str, tuple[str, ...]] = {}
    for comp_id in parents:
        chain: list[str] = []
        node = parents.get(comp_id)
        while node is not None and node not in chain and node != comp_id:
            chain.append(node)
            node = parents.get(node)
        out[comp_id] = tuple(chain)
    return out


# -- what the evidence shows is done -------------------------------------------------------------------------


def offer_status(offer: Offer, catalogue_id: str, evidence: EvidenceFile) -> tuple[str, EvidenceItem, str] | None:
    """``(status, item, reason)`` if the evidence shows ``offer`` done or under way, else None.

    The rule (docs/planning.md): an item names the offer explicitly (an ``offer`` field equal to the
    offer id or ``catalogue-id:offer-id``); or an ``activity`` of the offer's kind whose title
    contains the offer's title or one of its aliases; or an ``attainment`` whose title or awarding body
    contains one. Completed and attended activities and attainments are *done*; an activity in progress
    is *under way*; a withdrawn one shows nothing.
    """
    best: tuple[int, str, EvidenceItem, str] | None = None
    for item in evidence.evidence:
        found = _match(offer, catalogue_id, item)
        if found is None:
            continue
        status, reason = found
        key = (0 if status == "done" else 1, item.id)
        if best is None or key < best[:2]:
            best = (*key, item, reason)
    if best is None:
        return None
    return ("done" if best[0] == 0 else "under-way"), best[2], best[3]


def _match(offer: Offer, catalogue_id: str, item: EvidenceItem) -> tuple[str, str] | None:
    outcome = getattr(item, "outcome", None)
    if outcome is not None and outcome not in DONE_OUTCOMES | UNDER_WAY_OUTCOMES:
        return None
    status = "under-way" if outcome in UNDER_WAY_OUTCOMES else "done"
    verb = "is in progress" if status == "under-way" else (f"was {outcome}" if outcome else "was awarded")
    explicit = getattr(item, "offer", None)
    if isinstance(explicit, str) and explicit in (offer.id, f"{catalogue_id}{QUALIFIER}{offer.id}"):
        return status, f"{item.kind} {item.id!r} names it and {verb}"
    names = (offer.title, *offer.aliases)
    if item.kind == "activity" and getattr(item, "type", None) == offer.kind:
        title = getattr(item, "title", "") or ""
        for name in names:
            if contains_phrase(title, name):
                return status, f"{offer.kind} {item.id!r} ({name!r}) {verb}"
    if item.kind == "attainment":
        texts = [getattr(item, "title", "") or "", getattr(item, "awarded_by", "") or ""]
        for name in names:
            if any(contains_phrase(text, name) for text in texts):
                return "done", f"award {item.id!r} ({name!r})"
    return None


# -- ranking -------------------------------------------------------------------------------------------------


@attrs.frozen
class _Candidate:
    catalogue: str
    offer: Offer
    covers: tuple[str, ...]  # qualified ids of the gaps it covers

    def tie_key(self) -> tuple[object, ...]:
        cost = (0, self.offer.cost) if self.offer.cost is not None else (1, 0.0)
        hours = (0, self.offer.hours) if self.offer.hours is not None else (1, 0.0)
        return (cost, hours, self.offer.id, self.catalogue)


def _covered_by(offer: Offer, gaps: Sequence[Gap], ancestors: dict[str, dict[str, tuple[str, ...]]], frameworks: dict[str, Framework]) -> tuple[str, ...]:
    develops = set(offer.develops)
    covered = []
    for gap in gaps:
        names = (gap.competency, *ancestors.get(gap.framework, {}).get(gap.competency, ()))
        if not any(f"{gap.framework}{QUALIFIER}{name}" in develops for name in names):
            continue
        levels = offer.suits.get(gap.framework)
        framework = frameworks.get(gap.framework)
        if levels is not None and framework is not None:
            low = framework.scale.rank(levels.low) or 1
            high = framework.scale.rank(levels.high) or framework.scale.top
            if not low <= gap.current_rank <= high:
                continue
        covered.append(gap.qualified)
    return tuple(covered)


def make_plan(
    evidence: EvidenceFile,
    scorecard: Scorecard,
    catalogues: Iterable[Catalogue],
    frameworks: Iterable[Framework],
    *,
    limit: int | None = DEFAULT_LIMIT,
) -> PlanReport:
    """The plan for one person: ranked offers for the gaps in ``scorecard`` (see the module docstring).

    ``frameworks`` give the scales that level ranges are read on (pass ``engine.frameworks()``);
    ``limit`` caps the number of offers (None: as many as keep covering open gaps).
    """
    framework_map = {f.id: f for f in frameworks}
    catalogue_list = sorted(catalogues, key=lambda c: c.id)
    gaps = find_gaps(scorecard, framework_map.values())
    gap_by_id = {g.qualified: g for g in gaps}
    ancestors = {r.id: _ancestors(r) for r in scorecard.frameworks}

    role = next((r.role for r in scorecard.frameworks if r.role), None)
    done: list[DoneOffer] = []
    candidates: list[_Candidate] = []
    for catalogue in catalogue_list:
        for offer in catalogue.offers:
            status = offer_status(offer, catalogue.id, evidence)
            if status is not None:
                state, item, reason = status
                done.append(DoneOffer(catalogue.id, offer.id, offer.title, state, item.id, reason))
                continue
            if offer.roles and role not in offer.roles:
                continue
            covers = _covered_by(offer, gaps, ancestors, framework_map)
            candidates.append(_Candidate(catalogue.id, offer, covers))

    open_gap = {g.qualified: g.gap for g in gaps}
    chosen: list[Recommendation] = []
    remaining = [c for c in candidates if c.covers]
    while remaining and (limit is None or len(chosen) < limit):
        best: tuple[tuple[object, ...], _Candidate, int] | None = None
        for candidate in remaining:
            value = sum(open_gap[k] ** 2 for k in candidate.covers)
            if value <= 0:
                continue
            key = (-value, *candidate.tie_key())
            if best is None or key < best[0]:
                best = (key, candidate, value)
        if best is None:
            break
        _, pick, value = best
        remaining.remove(pick)
        covered = tuple(
            CoveredGap(gap_by_id[k].framework, gap_by_id[k].competency, gap_by_id[k].title, gap_by_id[k].gap, open_gap[k])
            for k in pick.covers
            if open_gap[k] > 0
        )
        covered = tuple(sorted(covered, key=lambda c: (-c.open, c.framework, _order(gaps, c))))
        chosen.append(_recommendation(len(chosen) + 1, pick, value, covered))
        for k in pick.covers:
            open_gap[k] = max(0, open_gap[k] - 1)

    covered_ids = {f"{c.framework}{QUALIFIER}{c.competency}" for r in chosen for c in r.covers}
    notes = tuple(note for result in scorecard.frameworks for note in result.notes)
    return PlanReport(
        subject=scorecard.subject,
        as_of=scorecard.as_of,
        role=role,
        source=scorecard.source or evidence.source,
        catalogues=tuple(CatalogueRef(c.id, c.title, c.publisher, c.source, c.version) for c in catalogue_list),
        gaps=gaps,
        recommendations=tuple(chosen),
        done=tuple(sorted(done, key=lambda d: (d.catalogue, d.offer))),
        uncovered=tuple(g for g in gaps if g.qualified not in covered_ids),
        offers_considered=len(candidates),
        limit=limit,
        notes=notes,
    )


def _order(gaps: Sequence[Gap], covered: CoveredGap) -> int:
    return next(i for i, g in enumerate(gaps) if g.framework == covered.framework and g.competency == covered.competency)


def _recommendation(position: int, pick: _Candidate, value: int, covered: tuple[CoveredGap, ...]) -> Recommendation:
    offer = pick.offer
    return Recommendation(
        position=position,
        catalogue=pick.catalogue,
        offer=offer.id,
        title=offer.title,
        kind=offer.kind,
        provider=offer.provider,
        format=offer.format,
        hours=offer.hours,
        duration=offer.duration,
        cost=offer.cost,
        url=offer.url,
        source=offer.source,
        audience=offer.audience,
        notes=offer.notes,
        value=value,
        covers=covered,
        explanation=explain(covered),
    )


def _levels(n: int) -> str:
    return f"{n} level{'s' if n != 1 else ''}"


def explain(covered: Sequence[CoveredGap]) -> str:
    """``covers gaps in Vision and direction (2 levels) and Engaging the team (1 level)``.

    A gap that an offer earlier in the plan already covers in part says how much is left:
    ``(1 level left of 2)``.
    """
    parts = []
    for c in covered:
        amount = _levels(c.open) if c.open == c.gap else f"{_levels(c.open)} left of {c.gap}"
        parts.append(f"{c.title} ({amount})")
    if not parts:
        return "covers no open gap"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"covers {'gaps' if len(parts) > 1 else 'the gap'} in {listed}"


__all__ = [
    "DEFAULT_LIMIT",
    "PLAN_SCHEMA_VERSION",
    "CatalogueRef",
    "CoveredGap",
    "DoneOffer",
    "Gap",
    "PlanReport",
    "Recommendation",
    "explain",
    "find_gaps",
    "make_plan",
    "offer_status",
]

# The plan's text rendering registers itself with the text exporter (functools.singledispatch) when
# its module is imported; importing it here means any holder of a PlanReport can export it as text.
from . import planning_render as _planning_render  # noqa: E402,F401
