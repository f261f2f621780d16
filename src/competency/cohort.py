"""Cohort analysis: many people's scorecards aggregated into counts, with small-number suppression.

A cohort run scores every evidence file and keeps only counters: each scorecard is reduced to a
:class:`PersonSummary` (a level and a target per competency, and the status of each analysis), which
:class:`CohortAccumulator` adds to counts keyed by framework, role, competency and level. Nothing
per person is kept, so memory does not grow with the number of people (bad files are listed, so the
list of them does).

:meth:`CohortAccumulator.report` turns the counts into a :class:`CohortReport`, the document the
exporters render, after small-number suppression (docs/cohort.md): no published count of people is
below ``min_cell``, and no suppressed figure can be worked out from the published ones, alone or
combined (an exact linear-algebra audit backs up the usual complementary suppression).

>>> report = run_cohort(Engine(), [Path("examples")], as_of=datetime.date(2026, 11, 26))
"""

from __future__ import annotations

import datetime
import itertools
import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import attrs

from .memo import IdentityMemo
from .results import SCHEMA_VERSION

if TYPE_CHECKING:
    from .engine import Engine
    from .framework import Framework
    from .parallel import EngineSpec
    from .results import Scorecard
    from .scoring.config import ScoringConfig

#: The default least count of people a published cell may show.
DEFAULT_MIN_CELL = 5
#: The threshold may be raised but never set below this: a cell of one or two is a person.
MIN_CELL_FLOOR = 3
#: How many training needs each list shows.
DEFAULT_TOP_NEEDS = 10
#: How many problems of one bad file the report keeps (the rest are counted).
MAX_PROBLEMS_PER_FILE = 20

#: Group keys that are not role ids (role ids are slugs, so these cannot clash with one).
ALL = "(all)"
NO_ROLE = "(no role)"
POOLED = "(other roles)"


# -- what one person contributes ------------------------------------------------------------------


@attrs.frozen
class FrameworkSummary:
    """One person's levels in one framework: ranks and target ranks per competency, in the
    framework's tree order (``Framework.walk``); 0 is "no level" and "no target"."""

    id: str
    ranks: tuple[int, ...]
    targets: tuple[int, ...]


@attrs.frozen
class PersonSummary:
    """The little that a cohort needs of one scorecard (what a worker process sends back)."""

    source: str
    role: str | None
    frameworks: tuple[FrameworkSummary, ...]
    #: (analysis kind, status) once per kind: the status of the person's latest analysis of it.
    analyses: tuple[tuple[str, str], ...] = ()


def _order(framework: Framework) -> tuple[str, ...]:
    return tuple(c.id for c, _ in framework.walk())


_ORDERS: IdentityMemo[Framework, tuple[str, ...]] = IdentityMemo(_order)


def competency_order(framework: Framework) -> tuple[str, ...]:
    """The framework's competency ids in tree order (remembered per framework object)."""
    return _ORDERS(framework)


def summarise(card: Scorecard, frameworks: Mapping[str, Framework]) -> PersonSummary:
    """Reduce a scorecard to its :class:`PersonSummary`."""
    summaries = []
    for result in card.frameworks:
        framework = frameworks.get(result.id)
        if framework is None:
            continue
        by_id = {r.id: r for r in result.competencies}
        ranks, targets = [], []
        for competency_id in competency_order(framework):
            found = by_id.get(competency_id)
            ranks.append((found.rank or 0) if found is not None else 0)
            targets.append((found.target_rank or 0) if found is not None else 0)
        summaries.append(FrameworkSummary(result.id, tuple(ranks), tuple(targets)))
    latest: dict[str, tuple[tuple[str, str], str]] = {}
    for analysis in card.analyses:  # status and date only: a deferred analysis is never built here
        key = (analysis.date.isoformat() if analysis.date is not None else "", analysis.evidence)
        if analysis.kind not in latest or key > latest[analysis.kind][0]:
            latest[analysis.kind] = (key, analysis.status)
    role = card.frameworks[0].role if card.frameworks else card.subject.role
    return PersonSummary(
        source=card.source,
        role=role,
        frameworks=tuple(summaries),
        analyses=tuple(sorted((kind, status) for kind, (_, status) in latest.items())),
    )


# -- the document ---------------------------------------------------------------------------------


@attrs.frozen
class LevelColumn:
    """A column of the distribution: rank 0 is "no level" (none reached, or too little evidence)."""

    rank: int
    id: str
    label: str


@attrs.frozen
class GroupInfo:
    """A group of people in a framework's breakdown: one role, people with no role, or roles pooled
    because each has fewer than ``min_cell`` people (``roles`` lists them; ``""`` is no role)."""

    key: str
    title: str
    roles: tuple[str, ...]
    people: int


@attrs.frozen
class Distribution:
    """One competency's figures for one group (or ``(all)``); ``None`` is a suppressed figure.

    ``counts[0]`` is people with no level, ``counts[r]`` people at rank ``r``. ``met`` and
    ``below_target`` count people with a target who meet it or not; ``levels_short`` sums the gaps
    of those below target; ``share_met`` = met / (met + below_target). ``targets`` says whether
    anyone here has a target for the competency (if not, those four are always ``None``).
    """

    group: str
    people: int | None
    counts: tuple[int | None, ...]
    targets: bool = False
    met: int | None = None
    below_target: int | None = None
    levels_short: int | None = None
    share_met: float | None = None


@attrs.frozen
class CompetencyCohort:
    """A competency's distribution over levels, for everyone and by group."""

    id: str
    title: str
    depth: int
    parent: str | None
    all: Distribution
    by_group: tuple[Distribution, ...]


@attrs.frozen
class TrainingNeed:
    """A competency people are below target on: how many, and by how many levels in total."""

    competency: str
    title: str
    below_target: int
    levels_short: int | None
    mean_gap: float | None


@attrs.frozen
class NeedsList:
    """The top training needs of a group (``(all)`` for everyone), largest first."""

    group: str
    title: str
    needs: tuple[TrainingNeed, ...]


@attrs.frozen
class FrameworkCohort:
    """A framework's cohort figures: groups, per-competency distributions and training needs."""

    id: str
    version: str
    title: str
    people: int | None
    levels: tuple[LevelColumn, ...]
    groups: tuple[GroupInfo, ...]
    competencies: tuple[CompetencyCohort, ...]
    training_needs: tuple[NeedsList, ...]
    #: How many figures were suppressed (primary and complementary).
    suppressed: int = 0
    notes: tuple[str, ...] = ()


@attrs.frozen
class StatusCount:
    """People whose latest analysis of a kind has this status (``None``: suppressed)."""

    status: str
    people: int | None


@attrs.frozen
class Participation:
    """How many people have an analysis of a kind (a 360, say), by its status, and how many have none."""

    kind: str
    statuses: tuple[StatusCount, ...]
    without: int | None


@attrs.frozen
class BadFile:
    """A file that could not be scored, with its errors."""

    source: str
    problems: tuple[str, ...]


@attrs.frozen
class CohortReport:
    """The document ``competency cohort`` exports (``"kind": "cohort"``).

    It is complete for every file that could be scored; ``bad_files`` lists the others with their
    errors, and ``complete`` is false when there are any.
    """

    document_kind: ClassVar[str] = "cohort"

    as_of: datetime.date
    scorer: str
    role: str | None
    min_cell: int
    files: int
    scored: int
    frameworks: tuple[FrameworkCohort, ...]
    participation: tuple[Participation, ...]
    bad_files: tuple[BadFile, ...]
    schema_version: int = SCHEMA_VERSION

    @property
    def complete(self) -> bool:
        """True when every file was scored."""
        return not self.bad_files


# -- accumulating ---------------------------------------------------------------------------------


class CohortAccumulator:
    """Adds up :class:`PersonSummary` values into counters; its size does not grow with people."""

    def __init__(self, frameworks: Iterable[Framework]) -> None:
        self._frameworks = {f.id: f for f in frameworks}
        self.files = 0
        self.scored = 0
        self._bad: list[BadFile] = []
        # framework id -> Counter[(role, competency index, rank, target rank)]
        self._counts: dict[str, Counter[tuple[str | None, int, int, int]]] = {}
        # framework id -> Counter[role]
        self._people: dict[str, Counter[str | None]] = {}
        # analysis kind -> Counter[status]
        self._analyses: dict[str, Counter[str]] = {}

    def add(self, summary: PersonSummary) -> None:
        """Count one scored person."""
        self.files += 1
        self.scored += 1
        role = summary.role
        for framework in summary.frameworks:
            if framework.id not in self._frameworks:
                continue
            counts = self._counts.get(framework.id)
            if counts is None:
                counts = self._counts[framework.id] = Counter()
                self._people[framework.id] = Counter()
            self._people[framework.id][role] += 1
            # (role, competency index, rank, target rank) for each competency, counted in one call.
            counts.update(zip(itertools.repeat(role), itertools.count(), framework.ranks, framework.targets))
        for kind, status in summary.analyses:
            self._analyses.setdefault(kind, Counter())[status] += 1

    def add_bad(self, source: str, problems: Sequence[str]) -> None:
        """List a file that could not be scored (at most :data:`MAX_PROBLEMS_PER_FILE` problems kept)."""
        self.files += 1
        kept = tuple(problems[:MAX_PROBLEMS_PER_FILE])
        if len(problems) > MAX_PROBLEMS_PER_FILE:
            kept += (f"... and {len(problems) - MAX_PROBLEMS_PER_FILE} more problems",)
        self._bad.append(BadFile(source, kept or ("could not be scored",)))

    @property
    def bad(self) -> int:
        """How many files could not be scored."""
        return len(self._bad)

    def state_size(self) -> int:
        """How many counters the accumulator holds (bounded by frameworks, roles, competencies and
        levels, never by people)."""
        return (
            sum(len(c) for c in self._counts.values())
            + sum(len(c) for c in self._people.values())
            + sum(len(c) for c in self._analyses.values())
        )

    def report(
        self,
        *,
        as_of: datetime.date,
        min_cell: int = DEFAULT_MIN_CELL,
        role: str | None = None,
        scorer: str = "default",
        top: int = DEFAULT_TOP_NEEDS,
    ) -> CohortReport:
        """The suppressed cohort document (``role`` is the ``--role`` the cohort was scored with)."""
        check_min_cell(min_cell)
        frameworks = tuple(
            _framework_cohort(self._frameworks[fid], self._people[fid], self._counts[fid], min_cell, top)
            for fid in sorted(self._counts)
        )
        participation = tuple(
            _participation(kind, statuses, self.scored, min_cell) for kind, statuses in sorted(self._analyses.items())
        )
        return CohortReport(
            as_of=as_of,
            scorer=scorer,
            role=role,
            min_cell=min_cell,
            files=self.files,
            scored=self.scored,
            frameworks=frameworks,
            participation=participation,
            bad_files=tuple(self._bad),
        )


def check_min_cell(min_cell: int) -> None:
    """Refuse a threshold below :data:`MIN_CELL_FLOOR` (``ValueError``)."""
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < MIN_CELL_FLOOR:
        raise ValueError(f"the least cell size must be an integer of at least {MIN_CELL_FLOOR}, not {min_cell!r}")


# -- suppression ----------------------------------------------------------------------------------

Key = Hashable


@attrs.frozen
class Figure:
    """A figure that may be published: its value and the linear function of the table's atoms it is.

    ``priority`` orders complementary suppression (lower is given up first: derived figures before
    the distribution's cells); a ``fixed`` figure is always published (its line is checked instead);
    ``count`` figures count people, so the threshold applies to them.
    """

    key: Key
    value: int
    vector: tuple[int, ...]
    priority: int = 0
    fixed: bool = False
    count: bool = True


@attrs.frozen
class Line:
    """A published total and the figures that add up to it (a row, a column or a margin)."""

    total: Key
    parts: tuple[Key, ...]


def suppress(
    figures: Sequence[Figure],
    lines: Sequence[Line],
    min_cell: int,
    ties: Sequence[tuple[Key, Key]] = (),
) -> frozenset[Key]:
    """The keys of the figures to suppress (docs/cohort.md, "Suppression").

    1. *Primary*: every count below ``min_cell`` (zero included).
    2. *Lines*: a line whose total is published must have no suppressed part, or at least two whose
       sum is at least ``min_cell`` (so neither can be had by subtraction, nor narrowed to a small
       range); otherwise the smallest published part is suppressed too.
    3. *Ties*: ``(a, b)``: if ``a`` is suppressed, so is ``b``.
    4. *Audit*: no suppressed figure may be a linear combination of published ones (exact
       arithmetic); if one is, the published figure whose loss undoes that, given up first by
       priority and then by size, is suppressed, and everything is checked again.
    """
    by_key = {f.key: f for f in figures}
    hidden = {f.key for f in figures if f.count and not f.fixed and f.value < min_cell}
    while True:
        changed = _apply_lines(by_key, lines, hidden, min_cell)
        for a, b in ties:
            if a in hidden and b not in hidden and not by_key[b].fixed:
                hidden.add(b)
                changed = True
        if changed:
            continue
        if not _audit(figures, hidden):
            return frozenset(hidden)


def _apply_lines(by_key: Mapping[Key, Figure], lines: Sequence[Line], hidden: set[Key], min_cell: int) -> bool:
    changed = False
    for line in lines:
        if line.total in hidden:
            continue
        parts = [by_key[p] for p in line.parts]
        gone = [p for p in parts if p.key in hidden]
        if not gone or (len(gone) >= 2 and sum(p.value for p in gone) >= min_cell):
            continue
        candidates = sorted((p for p in parts if p.key not in hidden and not p.fixed), key=lambda p: (p.value, p.priority))
        if candidates:
            hidden.add(candidates[0].key)
        elif not by_key[line.total].fixed:
            hidden.add(line.total)
        else:
            continue
        changed = True
    return changed


# Exact linear algebra modulo a large prime: coefficients are small integers, so a rank found
# modulo p equals the rank over the rationals except with negligible probability (p ~ 2.3e18).
_P = (1 << 61) - 1


def _reduce(vector: list[int], basis: dict[int, list[int]], order: list[int]) -> list[int]:
    for pivot in order:
        factor = vector[pivot]
        if factor:
            row = basis[pivot]
            vector = [(a - factor * b) % _P for a, b in zip(vector, row)]
    return vector


def _echelon(vectors: Iterable[Sequence[int]]) -> tuple[dict[int, list[int]], list[int]]:
    basis: dict[int, list[int]] = {}
    order: list[int] = []
    for raw in vectors:
        _extend(basis, order, raw)
    return basis, order


def _extend(basis: dict[int, list[int]], order: list[int], raw: Sequence[int]) -> None:
    """Add a vector to an echelon basis (nothing if it is already in its span)."""
    vector = _reduce([v % _P for v in raw], basis, order)
    pivot = next((i for i, v in enumerate(vector) if v), None)
    if pivot is None:
        return
    inverse = pow(vector[pivot], _P - 2, _P)
    basis[pivot] = [(v * inverse) % _P for v in vector]
    order.append(pivot)
    order.sort()


def determined(figures: Sequence[Figure], hidden: Iterable[Key]) -> list[Key]:
    """The hidden figures that are linear combinations of the published ones (so not hidden at all)."""
    gone = set(hidden)
    basis, order = _echelon(f.vector for f in figures if f.key not in gone)
    return [f.key for f in figures if f.key in gone and not any(_reduce(list(f.vector), basis, order))]


def _follows(figures: Sequence[Figure], hidden: set[Key], target: Figure) -> bool:
    basis, order = _echelon(f.vector for f in figures if f.key not in hidden)
    return not any(_reduce(list(target.vector), basis, order))


def _essential(published: Sequence[Figure], target: Figure) -> set[Key]:
    """The published figures without which ``target`` (a combination of them) could not be worked out.

    One elimination instead of one per figure: with the published vectors as the rows of A, the
    ways of working out the target are the solutions x of xA = target, that is one solution x0 plus
    any combination of rows that sums to zero (the left null space). Figure c is needed by every
    way exactly when x0 uses it and no zero-sum combination involves it.
    """
    size = len(published)
    basis: dict[int, tuple[list[int], list[int]]] = {}  # pivot -> (reduced row, the rows it is made of)
    order: list[int] = []
    in_zero_sum = [False] * size
    for index, figure in enumerate(published):
        made_of = [0] * size
        made_of[index] = 1
        vector = [v % _P for v in figure.vector]
        for done in order:
            factor = vector[done]
            if factor:
                row, parts = basis[done]
                vector = [(a - factor * b) % _P for a, b in zip(vector, row)]
                made_of = [(a - factor * b) % _P for a, b in zip(made_of, parts)]
        pivot = next((i for i, v in enumerate(vector) if v), None)
        if pivot is None:  # this row and those it was reduced by sum to zero
            in_zero_sum = [seen or bool(v) for seen, v in zip(in_zero_sum, made_of)]
            continue
        inverse = pow(vector[pivot], _P - 2, _P)
        basis[pivot] = ([(v * inverse) % _P for v in vector], [(v * inverse) % _P for v in made_of])
        order.append(pivot)
        order.sort()
    remainder = [v % _P for v in target.vector]
    solution = [0] * size  # remainder = target - solution . A, so solution ends as x0
    for pivot in order:
        factor = remainder[pivot]
        if factor:
            row, parts = basis[pivot]
            remainder = [(a - factor * b) % _P for a, b in zip(remainder, row)]
            solution = [(a + factor * b) % _P for a, b in zip(solution, parts)]
    assert not any(remainder), "the target does not follow from the published figures"
    return {f.key for f, used, free in zip(published, solution, in_zero_sum) if used and not free}


def _audit(figures: Sequence[Figure], hidden: set[Key]) -> bool:
    found = determined(figures, hidden)
    if not found:
        return False
    target = next(f for f in figures if f.key == found[0])
    support = {i for i, v in enumerate(target.vector) if v}
    # By priority first (what matters least goes first), then figures that share people with it,
    # then the smallest.
    candidates = sorted(
        (f for f in figures if f.key not in hidden and not f.fixed),
        key=lambda f: (f.priority, not any(f.vector[i] for i in support), f.value),
    )
    essential = _essential([f for f in figures if f.key not in hidden], target)
    for candidate in candidates:
        if candidate.key in essential:
            hidden.add(candidate.key)
            return True
    # More than one way to work it out: give up figures in order until none is left, then keep
    # back those that turn out not to be needed.
    # The shortest run of candidates, from the first, whose loss does it: grown from the end, the
    # published figures that remain are one span, extended one figure at a time.
    basis, order = _echelon(f.vector for f in figures if f.key not in hidden and f.fixed)
    if not any(_reduce(list(target.vector), basis, order)):
        raise AssertionError(f"cannot protect {target.key!r}: it follows from figures that are always published")
    kept = len(candidates)
    while any(_reduce(list(target.vector), basis, order)):
        kept -= 1
        _extend(basis, order, candidates[kept].vector)
    added = [c.key for c in candidates[: kept + 1]]
    trial = hidden | set(added)
    for key in reversed(added[:-1]):
        trial.discard(key)
        if _follows(figures, trial, target):
            trial.add(key)
    hidden.update(trial)
    return True


# -- building a framework's figures -------------------------------------------------------------------


def _groups(people: Counter[str | None], min_cell: int, framework: Framework) -> list[GroupInfo]:
    """Roles with at least ``min_cell`` people each, and a pool of the rest (itself at least ``min_cell``)."""
    titles = {r.id: r.title for r in framework.roles}
    large = sorted((r for r, n in people.items() if n >= min_cell), key=lambda r: (r is None, r or ""))
    small = [r for r, n in people.items() if n < min_cell]
    while small and sum(people[r] for r in small) < min_cell and large:
        # The pool would itself be a small cell: fold the smallest group into it.
        smallest = min(large, key=lambda r: (people[r], r is None, r or ""))
        large.remove(smallest)
        small.append(smallest)
    groups = [
        GroupInfo(NO_ROLE if r is None else r, "no role" if r is None else titles.get(r, r), ("",) if r is None else (r,), people[r])
        for r in large
    ]
    if small:
        roles = tuple(sorted("" if r is None else r for r in small))
        groups.append(GroupInfo(POOLED, "other roles (pooled)", roles, sum(people[r] for r in small)))
    return groups


def _framework_cohort(
    framework: Framework,
    people: Counter[str | None],
    counts: Counter[tuple[str | None, int, int, int]],
    min_cell: int,
    top: int,
) -> FrameworkCohort:
    scale = framework.scale
    levels = (LevelColumn(0, "", "no level"),) + tuple(
        LevelColumn(rank, level.id, level.label) for rank, level in enumerate(scale.levels, start=1)
    )
    total = sum(people.values())
    if total < min_cell:
        return FrameworkCohort(
            id=framework.id, version=framework.version, title=framework.title, people=None, levels=levels,
            groups=(), competencies=(), training_needs=(),
            notes=(f"fewer than {min_cell} people were scored against this framework: nothing about them is published",),
        )
    groups = _groups(people, min_cell, framework)
    role_group = {("" if r is None else r): g.key for g in groups for r in g.roles}
    order = competency_order(framework)
    depth = {c.id: d for c, d in framework.walk()}
    # (group, competency index) -> Counter[(rank, target)]
    cells: dict[tuple[str, int], Counter[tuple[int, int]]] = {}
    for (role, index, rank, target), n in counts.items():
        group = role_group["" if role is None else role]
        cells.setdefault((group, index), Counter())[(rank, target)] += n
    competencies = []
    suppressed = 0
    needs_rows: dict[str, list[tuple[int, Distribution]]] = {}
    for index, competency_id in enumerate(order):
        competency = framework.competency(competency_id)
        assert competency is not None
        block = {g.key: cells.get((g.key, index), Counter()) for g in groups}
        overall, by_group, hidden = _competency_figures(groups, block, scale.top, min_cell)
        suppressed += hidden
        competencies.append(
            CompetencyCohort(competency.id, competency.title, depth[competency.id], competency.parent, overall, by_group)
        )
        for distribution in (overall, *by_group):
            needs_rows.setdefault(distribution.group, []).append((index, distribution))
    titles = {ALL: "everyone", **{g.key: g.title for g in groups}}
    needs = tuple(
        NeedsList(group, titles[group], _top_needs(rows, competencies, top)) for group, rows in needs_rows.items()
    )
    notes = []
    pooled = next((g for g in groups if g.key == POOLED), None)
    if pooled is not None:
        notes.append(
            f"roles with fewer than {min_cell} people are pooled as {pooled.title!r}: "
            + ", ".join(r or "no role" for r in pooled.roles)
        )
    return FrameworkCohort(
        id=framework.id,
        version=framework.version,
        title=framework.title,
        people=total,
        levels=levels,
        groups=tuple(groups),
        competencies=tuple(competencies),
        training_needs=needs,
        suppressed=suppressed,
        notes=tuple(notes),
    )


@attrs.frozen
class Block:
    """One competency's publishable figures over its atoms (group, target rank, rank): the counts
    of people, the lines they add up along, and the ties (docs/cohort.md)."""

    atoms: tuple[tuple[str, int, int], ...]
    figures: tuple[Figure, ...]
    lines: tuple[Line, ...]
    ties: tuple[tuple[Key, Key], ...]


def competency_block(groups: Sequence[GroupInfo], block: Mapping[str, Counter[tuple[int, int]]], top: int) -> Block:
    """Build one competency's figures: ``block`` maps a group key to people by (rank, target rank)."""
    ranks = range(top + 1)
    atoms: list[tuple[str, int, int]] = []
    for group in groups:
        targets = sorted({t for (_, t) in block[group.key]} or {0})
        atoms.extend((group.key, t, k) for t in targets for k in ranks)
    values = [block[g].get((k, t), 0) for g, t, k in atoms]
    width = len(atoms)
    figures: list[Figure] = []
    lines: list[Line] = []
    ties: list[tuple[Key, Key]] = []

    def add(key: Key, weights: Mapping[int, int], priority: int, fixed: bool = False) -> Key:
        vec = [0] * width
        for i, w in weights.items():
            vec[i] = w
        figures.append(Figure(key, sum(w * v for w, v in zip(vec, values)), tuple(vec), priority, fixed))
        return key

    def derived(scope: str, chosen: list[int]) -> tuple[Key, Key, Key] | None:
        with_target = [i for i in chosen if atoms[i][1] > 0]
        if not with_target:
            return None
        # Given up first: a group's derived figures, then its cells, then everyone's (the headline).
        base = 3 if scope == ALL else 0
        met = add(("met", scope), {i: 1 for i in with_target if atoms[i][2] >= atoms[i][1]}, base + 1)
        below = add(("below", scope), {i: 1 for i in with_target if atoms[i][2] < atoms[i][1]}, base + 1)
        short = add(("short", scope), {i: atoms[i][1] - atoms[i][2] for i in with_target if atoms[i][2] < atoms[i][1]}, base)
        ties.append((below, short))
        return met, below, short

    group_keys = {}
    for group in groups:
        mine = [i for i, a in enumerate(atoms) if a[0] == group.key]
        people = add(("people", group.key), {i: 1 for i in mine}, 9, fixed=True)
        row = [add(("cell", group.key, k), {i: 1 for i in mine if atoms[i][2] == k}, 2) for k in ranks]
        lines.append(Line(people, tuple(row)))
        keys = group_keys[group.key] = derived(group.key, mine)
        if keys is not None and all(atoms[i][1] > 0 for i in mine):
            lines.append(Line(people, (keys[0], keys[1])))
    everyone = add(("people", ALL), {i: 1 for i in range(width)}, 9, fixed=True)
    columns = [add(("cell", ALL, k), {i: 1 for i in range(width) if atoms[i][2] == k}, 5) for k in ranks]
    lines.append(Line(everyone, tuple(columns)))
    for k, column in zip(ranks, columns):
        lines.append(Line(column, tuple(("cell", g.key, k) for g in groups)))
    lines.append(Line(everyone, tuple(("people", g.key) for g in groups)))
    overall_keys = derived(ALL, list(range(width)))
    if overall_keys is not None:
        for position in range(3):
            parts = tuple(keys[position] for keys in group_keys.values() if keys is not None)
            lines.append(Line(overall_keys[position], parts))
    return Block(tuple(atoms), tuple(figures), tuple(lines), tuple(ties))


def _competency_figures(
    groups: Sequence[GroupInfo], block: Mapping[str, Counter[tuple[int, int]]], top: int, min_cell: int
) -> tuple[Distribution, tuple[Distribution, ...], int]:
    """Suppress one competency's figures and publish what is left."""
    built = competency_block(groups, block, top)
    hidden = suppress(built.figures, built.lines, min_cell, built.ties)
    published = {f.key: (None if f.key in hidden else f.value) for f in built.figures}

    def distribution(scope: str) -> Distribution:
        met = published.get(("met", scope))
        below = published.get(("below", scope))
        share = round(met / (met + below), 4) if met is not None and below is not None and met + below else None
        return Distribution(
            group=scope,
            people=published[("people", scope)],
            counts=tuple(published[("cell", scope, k)] for k in range(top + 1)),
            targets=("met", scope) in published,
            met=met,
            below_target=below,
            levels_short=published.get(("short", scope)),
            share_met=share,
        )

    return distribution(ALL), tuple(distribution(g.key) for g in groups), len(hidden)


def _top_needs(rows: list[tuple[int, Distribution]], competencies: Sequence[CompetencyCohort], top: int) -> tuple[TrainingNeed, ...]:
    """Competencies by levels short (the sum of gaps of the people below target), then by people below
    target; only published figures take part, so the order reveals nothing suppressed."""
    candidates = [(i, d) for i, d in rows if d.below_target]
    candidates.sort(key=lambda x: (x[1].levels_short is None, -(x[1].levels_short or 0), -(x[1].below_target or 0), x[0]))
    needs = []
    for index, dist in candidates[:top]:
        competency = competencies[index]
        below = dist.below_target or 0
        short = dist.levels_short
        needs.append(TrainingNeed(competency.id, competency.title, below, short, round(short / below, 2) if short is not None else None))
    return tuple(needs)


def _participation(kind: str, statuses: Counter[str], scored: int, min_cell: int) -> Participation:
    names = sorted(statuses)
    without = scored - sum(statuses.values())
    atoms = len(names) + 1
    figures = [Figure(("status", s), statuses[s], tuple(int(i == j) for j in range(atoms))) for i, s in enumerate(names)]
    figures.append(Figure(("without",), without, tuple(int(j == atoms - 1) for j in range(atoms))))
    figures.append(Figure(("scored",), scored, (1,) * atoms, fixed=True))
    hidden = suppress(figures, [Line(("scored",), tuple(f.key for f in figures[:-1]))], min_cell)
    return Participation(
        kind=kind,
        statuses=tuple(StatusCount(s, None if ("status", s) in hidden else statuses[s]) for s in names),
        without=None if ("without",) in hidden else without,
    )


# -- running a cohort -------------------------------------------------------------------------------


def run_cohort(
    engine: Engine | EngineSpec,
    paths: Iterable[str | os.PathLike[str]],
    *,
    framework: str | Sequence[str] | None = None,
    role: str | None = None,
    as_of: datetime.date | None = None,
    scorer: str = "default",
    config: ScoringConfig | None = None,
    jobs: int = 1,
    min_cell: int = DEFAULT_MIN_CELL,
    top: int = DEFAULT_TOP_NEEDS,
    progress: Callable[[int], None] | None = None,
) -> CohortReport:
    """Score every evidence file (directories searched for ``*.toml``) and return the cohort report.

    Bad files are listed in the report, never raised. ``jobs`` > 1 scores in that many processes
    (see :mod:`competency.parallel`); ``progress`` is called with 1 after each file.
    """
    from .parallel import ScoreOptions, score_files

    check_min_cell(min_cell)
    as_of = as_of or datetime.date.today()
    options = ScoreOptions(
        frameworks=(framework,) if isinstance(framework, str) else (tuple(framework) if framework else ()),
        role=role, as_of=as_of, scorer=scorer, config=config,
    )
    paths = list(paths)
    count = count_files(paths)
    built = engine if _is_engine(engine) else engine.build()  # type: ignore[union-attr]
    accumulator = CohortAccumulator(built.frameworks())  # type: ignore[union-attr]
    for outcome in score_files(expand(paths), options, engine=engine, jobs=jobs, count=count):
        if outcome.summary is not None:
            accumulator.add(outcome.summary)
        else:
            accumulator.add_bad(outcome.source, outcome.problems)
        if progress is not None:
            progress(1)
    return accumulator.report(as_of=as_of, min_cell=min_cell, role=role, scorer=scorer, top=top)


def _is_engine(value: object) -> bool:
    from .engine import Engine

    return isinstance(value, Engine)


def expand(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Files as given, and the evidence files under directories: the same files in the same order
    as ``competency score`` and ``validate`` find (:func:`competency.cli.context.expand_paths`:
    ``*.toml``, recursively, sorted, without hidden files and folders or project files such as
    ``pyproject.toml``), but streamed, one directory listed at a time, never all paths at once."""
    from .cli.context import NOT_EVIDENCE

    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            # Spelled as pathlib spells it ("./a//b/" is "a/b"), as the other commands print it.
            yield from _walk(str(Path(path)), NOT_EVIDENCE)
        else:
            yield path


def _walk(folder: str, skip: frozenset[str]) -> Iterator[str]:
    # Sorting each directory's entries by name, files and folders together, and descending into
    # folders where they fall gives the order of sorting whole paths by their parts.
    try:
        with os.scandir(folder) as listing:
            entries = sorted(((e.name, e.is_dir(), e.is_file()) for e in listing), key=lambda e: e[0])
    except OSError:
        return
    prefix = "" if folder == "." else folder.rstrip(os.sep) + os.sep
    for name, is_dir, is_file in entries:
        if name.startswith("."):
            continue
        path = prefix + name
        if is_dir:
            yield from _walk(path, skip)
        elif is_file and name.endswith(".toml") and name not in skip:
            yield path


def count_files(paths: Iterable[str | os.PathLike[str]]) -> int:
    """How many files :func:`expand` yields (a walk that keeps nothing)."""
    return sum(1 for _ in expand(paths))


from . import cohort_render as _cohort_render  # noqa: E402,F401 - registers the text renderer
