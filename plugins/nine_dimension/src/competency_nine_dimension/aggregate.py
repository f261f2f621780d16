"""Aggregate one person's 360° feedback on the Healthcare Leadership Model, with anonymity enforced.

The rules, and the anonymity policy they implement, are written out with a worked example in
``docs/360-aggregation.md``. In short:

* Raters belong to one of :data:`GROUPS`. A group with fewer raters than its threshold is *hidden*: only its
  rater count is published, and its answers and comments take part in no figure at all.
* Inside a visible anonymous group, a dimension whose answered count is below the group's threshold is a
  suppressed *cell*: its answers take part in no figure either. The same rule guards the importance mean.
* "All others" pools exactly the published non-self cells, so it can always be recomputed from them and never
  reveals anything by subtraction.
* Arithmetic is exact (:class:`fractions.Fraction`); rounding happens only in :meth:`Report.to_dict`.

Sources: NHS Leadership Academy, *Healthcare Leadership Model* (2013) for the nine dimensions and the four
levels; James, Demaree and Wolf (1984) for r_wg; Atwater and Yammarino (1992) and Fleenor, McCauley and
Brutus (1996) for the self-other agreement categories; common 360 practice (CCL and others) for the anonymity
thresholds and the four-rater rule for ranges.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs
from attrs import field, frozen

__all__ = [
    "ANONYMOUS_GROUPS",
    "BLIND_SPOT",
    "CATEGORIES",
    "DEFAULT_LEVEL_LABELS",
    "DEFAULT_TARGET",
    "DEFAULT_THRESHOLDS",
    "GROUPS",
    "HIDDEN_STRENGTH",
    "RANGE_MIN_N",
    "RWG_CUTOFF",
    "STATUS_INSUFFICIENT",
    "STATUS_OK",
    "Answer",
    "Cell",
    "Comment",
    "Config",
    "DimensionAnswers",
    "DimensionMeans",
    "DimensionResult",
    "GroupAnswers",
    "GroupMean",
    "GroupSummary",
    "Means",
    "Overall",
    "RadarPoint",
    "Rater",
    "Report",
    "Stats",
    "aggregate",
    "aggregate_answers",
    "aggregate_means",
]

#: Rater groups, in display order.
GROUPS: tuple[str, ...] = ("self", "line-manager", "peer", "direct-report", "other")
#: Groups whose members must not be identifiable; self and line manager are identifiable by design.
ANONYMOUS_GROUPS: frozenset[str] = frozenset({"peer", "direct-report", "other"})
#: Minimum rater count for a group to be shown (CCL, Honestly, Glint use the same numbers).
DEFAULT_THRESHOLDS: Mapping[str, int] = MappingProxyType(
    {"self": 1, "line-manager": 1, "peer": 3, "direct-report": 3, "other": 3}
)
#: No configuration may lower an anonymous group's threshold below this: one rater of two can still
#: recognise the other's answers, but with one rater the "group" is a person.
MIN_ANONYMOUS_THRESHOLD = 2
#: Min-max ranges are shown only for this many answers or more (with fewer, a range names extremes).
RANGE_MIN_N = 4
#: The usual r_wg cut-off for "the raters agree" (James, Demaree and Wolf, 1984).
RWG_CUTOFF = Fraction(7, 10)
#: Rank of "Proficient": the default target and the line between in-agreement good and poor.
DEFAULT_TARGET = 2
#: The Healthcare Leadership Model's four levels, lowest first.
DEFAULT_LEVEL_LABELS: tuple[str, ...] = ("Essential", "Proficient", "Strong", "Exemplary")

STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient-raters"
BLIND_SPOT = "blind-spot"
HIDDEN_STRENGTH = "hidden-strength"
#: Self-other agreement categories (Atwater and Yammarino; Fleenor et al.).
CATEGORIES: tuple[str, ...] = ("over-estimator", "under-estimator", "in-agreement-good", "in-agreement-poor")


# --------------------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    # bool is an int subclass; True as a rank is always a mistake in the input.
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_rank(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not _is_int(value):
        raise TypeError(f"{attribute.name} must be an integer rank or None, not {value!r}")
    if value < 1:  # type: ignore[operator]
        raise ValueError(f"{attribute.name} must be at least 1, not {value!r}")


@frozen
class Answer:
    """One rater's answer on one dimension.

    ``performance`` is a rank 1..scale_points, or None for "not observed / unable to rate";
    ``importance`` (how much the dimension matters to the role) is 1..importance_points or None;
    ``comment`` is free text or None. Upper bounds are checked by :func:`aggregate`, which knows the scales.
    """

    performance: int | None = field(default=None, validator=_optional_rank)
    importance: int | None = field(default=None, validator=_optional_rank)
    comment: str | None = field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )


def _freeze_answers(value: Mapping[str, Answer] | Iterable[tuple[str, Answer]]) -> Mapping[str, Answer]:
    pairs = list(value.items()) if isinstance(value, Mapping) else list(value)
    frozen_answers: dict[str, Answer] = {}
    for pair in pairs:
        dimension, answer = pair
        if not isinstance(dimension, str):
            raise TypeError(f"answer keys must be dimension ids (str), not {dimension!r}")
        if not isinstance(answer, Answer):
            raise TypeError(f"answer for {dimension!r} must be an Answer, not {answer!r}")
        if dimension in frozen_answers:
            raise ValueError(f"two answers for dimension {dimension!r}")
        frozen_answers[dimension] = answer
    # A read-only view: the engine must not see answers change behind its back.
    return MappingProxyType(frozen_answers)


def _non_empty_str(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string, not {value!r}")


def _known_group(_instance: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in GROUPS:
        raise ValueError(f"unknown rater group {value!r}; expected one of {', '.join(GROUPS)}")


@frozen
class Rater:
    """One rater: an opaque id (never published), a group from :data:`GROUPS`, answers keyed by dimension id.

    ``answers`` may be given as a mapping or as pairs; it is stored as a read-only mapping. A dimension
    missing from ``answers`` counts as "not observed".
    """

    id: str = field(validator=_non_empty_str)
    group: str = field(validator=_known_group)
    answers: Mapping[str, Answer] = field(factory=dict, converter=_freeze_answers)


def _complete_thresholds(value: Mapping[str, int]) -> Mapping[str, int]:
    if not isinstance(value, Mapping):
        raise TypeError(f"thresholds must be a mapping of group to rater count, not {value!r}")
    unknown = sorted(set(value) - set(GROUPS))
    if unknown:
        raise ValueError(f"thresholds for unknown groups: {', '.join(map(str, unknown))}")
    # Groups left out keep their default, so a configuration can raise one group without restating the rest.
    merged = {group: value.get(group, DEFAULT_THRESHOLDS[group]) for group in GROUPS}
    return MappingProxyType(merged)


def _valid_thresholds(_instance: object, _attribute: attrs.Attribute[Any], value: Mapping[str, int]) -> None:
    for group in GROUPS:
        threshold = value[group]
        if not _is_int(threshold):
            raise TypeError(f"threshold for {group!r} must be an integer, not {threshold!r}")
        floor = MIN_ANONYMOUS_THRESHOLD if group in ANONYMOUS_GROUPS else 1
        if threshold < floor:
            raise ValueError(
                f"threshold for {group!r} is {threshold}; it may not be below {floor}"
                + (" (an anonymous group)" if group in ANONYMOUS_GROUPS else "")
            )


def _number_at_least(minimum: int, *, optional: bool = False) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{attribute.name} must be a number, not {value!r}")
        if not math.isfinite(value) or value < minimum:
            raise ValueError(f"{attribute.name} must be a finite number >= {minimum}, not {value!r}")

    return check


def _int_at_least(minimum: int) -> Any:
    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not _is_int(value):
            raise TypeError(f"{attribute.name} must be an integer, not {value!r}")
        if value < minimum:  # type: ignore[operator]
            raise ValueError(f"{attribute.name} must be at least {minimum}, not {value!r}")

    return check


@frozen
class Config:
    """How to aggregate.

    * ``thresholds``: minimum rater count per group; groups left out keep :data:`DEFAULT_THRESHOLDS`.
      Anonymous groups may never go below 2, self and line manager never below 1.
    * ``gap_threshold``: a self-other gap strictly beyond this is a blind spot or hidden strength;
      None means a third of the scale's range, (scale_points - 1) / 3.
    * ``agreement_threshold``: a mean gap strictly beyond +/- this makes an over- or under-estimator.
    * ``min_other_raters``: fewer raters than this in visible non-self groups gives "insufficient-raters".
    * ``scale_points``, ``importance_points``: the number of points on the performance and importance scales.
    """

    thresholds: Mapping[str, int] = field(
        default=DEFAULT_THRESHOLDS, converter=_complete_thresholds, validator=_valid_thresholds
    )
    gap_threshold: float | None = field(default=None, validator=_number_at_least(0, optional=True))
    agreement_threshold: float = field(default=0.5, validator=_number_at_least(0))
    min_other_raters: int = field(default=3, validator=_int_at_least(1))
    scale_points: int = field(default=4, validator=_int_at_least(2))
    importance_points: int = field(default=5, validator=_int_at_least(2))


# --------------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------------


@frozen
class GroupSummary:
    """A rater group: its rater count, threshold and whether it is shown. A hidden group publishes no more."""

    name: str
    raters: int
    threshold: int
    visible: bool


@frozen
class Stats:
    """Descriptive figures for one set of answers on one dimension.

    ``n`` counts performance answers, ``not_observed`` the raters who gave none. ``variance`` is the sample
    variance (n - 1; None for n < 2), ``rwg`` = 1 - s² / ((A² - 1) / 12) truncated at 0 (None for n < 2),
    ``agreement`` is rwg >= :data:`RWG_CUTOFF`, ``range`` is (min, max) only when n >= :data:`RANGE_MIN_N`.
    ``importance_n`` counts importance answers used for ``importance_mean``. All figures but ``n`` and
    ``not_observed`` are None in a suppressed cell.
    """

    n: int
    not_observed: int
    mean: Fraction | None = None
    variance: Fraction | None = None
    rwg: Fraction | None = None
    agreement: bool | None = None
    range: tuple[int, int] | None = None
    importance_n: int | None = None
    importance_mean: Fraction | None = None

    @property
    def sd(self) -> float | None:
        """Sample standard deviation (a float: a square root is rarely rational)."""
        return None if self.variance is None else math.sqrt(self.variance)


@frozen
class Cell:
    """One visible group's figures on one dimension; ``suppressed`` when an anonymous group answered too few."""

    group: str
    suppressed: bool
    stats: Stats


@frozen
class Comment:
    """A comment, labelled with its group only (never with its rater)."""

    group: str
    text: str


@frozen
class DimensionResult:
    """Everything published about one dimension.

    ``others`` pools the published non-self cells. ``gap`` = self - others mean. ``flag``, ``level``,
    ``level_label``, ``shortfall`` and ``priority`` are None when the report has too few raters.
    """

    id: str
    target: int
    self_rating: int | None
    others: Stats
    gap: Fraction | None
    flag: str | None
    level: int | None
    level_label: str | None
    shortfall: Fraction | None
    priority: Fraction | None
    groups: tuple[Cell, ...]
    comments: tuple[Comment, ...]


@frozen
class Overall:
    """Self-other agreement over the dimensions rated both by self and by others.

    ``mean_gap`` = ``self_mean`` - ``others_mean`` over those dimensions; ``category`` is one of
    :data:`CATEGORIES`, or None when nothing can be compared or there are too few raters.
    """

    dimensions_compared: int
    self_mean: Fraction | None
    others_mean: Fraction | None
    mean_gap: Fraction | None
    category: str | None


@frozen
class RadarPoint:
    """One spoke of a radar chart: self rating, all-others mean and target."""

    dimension: str
    self_rating: int | None
    others: Fraction | None
    target: int


@frozen
class Report:
    """One person's aggregated 360. Exact values; :meth:`to_dict` gives the rounded, JSON-ready form."""

    status: str
    scale_points: int
    gap_threshold: Fraction
    agreement_threshold: Fraction
    groups: tuple[GroupSummary, ...]
    dimensions: tuple[DimensionResult, ...]
    priorities: tuple[str, ...]
    overall: Overall

    @property
    def radar(self) -> tuple[RadarPoint, ...]:
        """Self, all-others and target per dimension, in published order, ready for a radar chart."""
        return tuple(RadarPoint(d.id, d.self_rating, d.others.mean, d.target) for d in self.dimensions)

    def means(self) -> Means:
        """What the report publishes of the raters' means: its status and, per dimension, the published
        non-self cells with answers and the "all others" mean that pools them (see :func:`aggregate_means`)."""
        return Means(
            status=self.status,
            dimensions=tuple(
                DimensionMeans(
                    id=d.id,
                    groups=tuple(
                        GroupMean(cell.group, cell.stats.n, cell.stats.mean)
                        for cell in d.groups
                        if cell.group != "self" and not cell.suppressed and cell.stats.mean is not None
                    ),
                    others=d.others.mean,
                )
                for d in self.dimensions
            ),
        )

    def dimension(self, dimension_id: str) -> DimensionResult:
        """The result for one dimension id (KeyError if it is not in the report)."""
        for result in self.dimensions:
            if result.id == dimension_id:
                return result
        raise KeyError(dimension_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists, keys in a fixed order, fractions rounded half-up to 3 decimals."""
        dimensions = [_dimension_dict(d) for d in self.dimensions]
        # Priorities and the radar repeat figures of the dimensions: read them back rather than round again.
        by_id = {entry["id"]: entry for entry in dimensions}
        return {
            "status": self.status,
            "scale_points": self.scale_points,
            "gap_threshold": _round(self.gap_threshold),
            "agreement_threshold": _round(self.agreement_threshold),
            "groups": [
                {"name": g.name, "raters": g.raters, "threshold": g.threshold, "visible": g.visible}
                for g in self.groups
            ],
            "dimensions": dimensions,
            "priorities": [
                {
                    "dimension": dim,
                    "shortfall": by_id[dim]["shortfall"],
                    "importance": by_id[dim]["others"]["importance_mean"],
                    "priority": by_id[dim]["priority"],
                }
                for dim in self.priorities
            ],
            "overall": {
                "dimensions_compared": self.overall.dimensions_compared,
                "self_mean": _round(self.overall.self_mean),
                "others_mean": _round(self.overall.others_mean),
                "mean_gap": _round(self.overall.mean_gap),
                "category": self.overall.category,
            },
            # The same points as :attr:`radar`.
            "radar": [
                {"dimension": d["id"], "self": d["self"], "others": d["others"]["mean"], "target": d["target"]}
                for d in dimensions
            ],
        }


@frozen
class GroupMean:
    """A published non-self cell with answers: its group, answer count and mean rank."""

    group: str
    n: int
    mean: Fraction


@frozen
class DimensionMeans:
    """One dimension's published means: the non-self cells that have answers, in group order, and the
    "all others" mean pooling them (None when none has)."""

    id: str
    groups: tuple[GroupMean, ...]
    others: Fraction | None


@frozen
class Means:
    """The part of a :class:`Report` a scorer reads: its status and each dimension's published means."""

    status: str
    dimensions: tuple[DimensionMeans, ...]


def _round(value: Fraction | None) -> float | None:
    # Half away from zero, as people round by hand; exact, so 0.3125 always gives 0.313. In integers:
    # for |value| = p/q, floor(1000 p/q + 1/2) = (2000 p + q) // 2q.
    if value is None:
        return None
    numerator, denominator = value.numerator, value.denominator
    thousandths = (2000 * abs(numerator) + denominator) // (2 * denominator)
    # int / int is correctly rounded, exactly as float(Fraction(thousandths, 1000)) is.
    return (thousandths if numerator >= 0 else -thousandths) / 1000


def _round_sqrt(value: Fraction | None) -> float | None:
    # The root of p/q half-up to 3 decimals, exactly: with X = 4,000,000 p/q, 1000 sqrt(p/q) = sqrt(X) / 2, so
    # the result is floor((sqrt(X) + 1) / 2) = (isqrt(floor(X)) + 1) // 2 thousandths. A rational root such as
    # sqrt(0.0625) stays exact and rounds half-up; an irrational one is never a tie.
    if value is None:
        return None
    root = math.isqrt(4_000_000 * value.numerator // value.denominator)
    return (root + 1) // 2 / 1000


def _stats_dict(stats: Stats) -> dict[str, Any]:
    return {
        "n": stats.n,
        "not_observed": stats.not_observed,
        "mean": _round(stats.mean),
        "sd": _round_sqrt(stats.variance),
        "rwg": _round(stats.rwg),
        "agreement": stats.agreement,
        "range": None if stats.range is None else list(stats.range),
        "importance_n": stats.importance_n,
        "importance_mean": _round(stats.importance_mean),
    }


def _dimension_dict(result: DimensionResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "self": result.self_rating,
        "others": _stats_dict(result.others),
        "gap": _round(result.gap),
        "flag": result.flag,
        "level": result.level,
        "level_label": result.level_label,
        "target": result.target,
        "shortfall": _round(result.shortfall),
        "priority": _round(result.priority),
        "groups": [
            {"group": cell.group, "suppressed": cell.suppressed, **_stats_dict(cell.stats)} for cell in result.groups
        ],
        "comments": [{"group": c.group, "text": c.text} for c in result.comments],
    }


# --------------------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------------------


@attrs.define
class DimensionAnswers:
    """One group's answers on one dimension, as plain lists: the ranks given (not-observed answers are left
    out), the importances given and the comments as written. A rater who did not answer is in none."""

    ranks: list[int] = field(factory=list)
    importances: list[int] = field(factory=list)
    comments: list[str] = field(factory=list)


@attrs.define
class GroupAnswers:
    """One rater group's answers, as :func:`aggregate_answers` reads them: its rater count and its
    answers by dimension id."""

    raters: int = 0
    by_dimension: dict[str, DimensionAnswers] = field(factory=dict)

    def on(self, dimension: str) -> DimensionAnswers:
        """The answers on one dimension, created empty on first use."""
        answers = self.by_dimension.get(dimension)
        if answers is None:
            answers = self.by_dimension[dimension] = DimensionAnswers()
        return answers



class _Collected(NamedTuple):
    """One visible group's cell on one dimension after suppression: the published cell, and only the answers
    that may go further (none when suppressed; no importances when their mean may not be shown)."""

    cell: Cell
    ranks: Sequence[int]
    importances: Sequence[int]
    comments: tuple[str, ...]


def _exact(value: float | Fraction | int) -> Fraction:
    # Through str for floats, so 0.1 in a configuration means one tenth, not its binary neighbour.
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _check_dimensions(dimensions: Sequence[str]) -> tuple[str, ...]:
    dims = tuple(dimensions)
    if not dims:
        raise ValueError("at least one dimension is needed")
    if len(set(dims)) != len(dims):
        raise ValueError("dimension ids must be unique")
    for dim in dims:
        if not isinstance(dim, str) or not dim:
            raise ValueError(f"dimension ids must be non-empty strings, not {dim!r}")
    return dims


def _check_labels(level_labels: Sequence[str], scale_points: int) -> tuple[str, ...]:
    labels = tuple(level_labels)
    if len(labels) != scale_points:
        raise ValueError(f"{len(labels)} level labels for a {scale_points}-point scale")
    return labels


def _resolve_targets(targets: Mapping[str, int] | None, dims: tuple[str, ...], scale_points: int) -> dict[str, int]:
    given = dict(targets or {})
    unknown = sorted(set(given) - set(dims))
    if unknown:
        raise ValueError(f"targets for unknown dimensions: {', '.join(map(str, unknown))}")
    resolved = {dim: given.get(dim, DEFAULT_TARGET) for dim in dims}
    for dim, target in resolved.items():
        if not _is_int(target) or not 1 <= target <= scale_points:
            raise ValueError(f"target for {dim!r} must be a rank 1..{scale_points}, not {target!r}")
    return resolved


def _check_answer(rater: Rater, dim: str, answer: Answer, dims: frozenset[str], config: Config) -> None:
    if dim not in dims:
        raise ValueError(f"rater {rater.id!r} answered unknown dimension {dim!r}")
    if answer.performance is not None and answer.performance > config.scale_points:
        raise ValueError(
            f"rater {rater.id!r}, {dim!r}: performance {answer.performance} is beyond the "
            f"{config.scale_points}-point scale"
        )
    if answer.importance is not None and answer.importance > config.importance_points:
        raise ValueError(
            f"rater {rater.id!r}, {dim!r}: importance {answer.importance} is beyond the "
            f"{config.importance_points}-point scale"
        )


def _group_raters(raters: Sequence[Rater], dims: tuple[str, ...], config: Config) -> dict[str, tuple[Rater, ...]]:
    known = frozenset(dims)
    seen: set[str] = set()
    by_group: dict[str, list[Rater]] = {group: [] for group in GROUPS}
    for rater in raters:
        if not isinstance(rater, Rater):
            raise TypeError(f"expected a Rater, not {rater!r}")
        if rater.id in seen:
            raise ValueError(f"rater id {rater.id!r} appears twice")
        seen.add(rater.id)
        for dim, answer in rater.answers.items():
            _check_answer(rater, dim, answer, known, config)
        by_group[rater.group].append(rater)
    if len(by_group["self"]) > 1:
        raise ValueError("a 360 has at most one self rater")
    return {group: tuple(members) for group, members in by_group.items()}


def _answers_by_group(by_group: Mapping[str, tuple[Rater, ...]]) -> dict[str, GroupAnswers]:
    groups: dict[str, GroupAnswers] = {}
    for group, members in by_group.items():
        answers = groups[group] = GroupAnswers(raters=len(members))
        for rater in members:
            for dim, answer in rater.answers.items():
                on_dim = answers.on(dim)
                if answer.performance is not None:
                    on_dim.ranks.append(answer.performance)
                if answer.importance is not None:
                    on_dim.importances.append(answer.importance)
                if answer.comment is not None:
                    on_dim.comments.append(answer.comment)
    return groups


def _suppressed(group: str, n: int, threshold: int) -> bool:
    # An anonymous group's cell with fewer answers than the group's threshold is not published.
    return n < threshold and group in ANONYMOUS_GROUPS


def _collect(group: str, answers: DimensionAnswers, raters: int, threshold: int, scale_points: int) -> _Collected:
    ranks = answers.ranks
    n = len(ranks)
    not_observed = raters - n
    anonymous = group in ANONYMOUS_GROUPS
    if _suppressed(group, n, threshold):
        # Cell-level suppression: too few answered to keep them anonymous; keep only the counts.
        return _Collected(Cell(group, True, Stats(n=n, not_observed=not_observed)), (), (), ())
    importance_n = len(answers.importances)
    # The same rule for importance: an anonymous mean of fewer than `threshold` answers is not shown.
    importances = answers.importances if importance_n >= (threshold if anonymous else 1) else ()
    # Trimmed (a blank comment is none) and sorted, so their order says nothing about the order of raters.
    comments = tuple(sorted(text for raw in answers.comments if (text := raw.strip()))) if answers.comments else ()
    stats = _describe(ranks, not_observed, importance_n, importances, scale_points)
    return _Collected(Cell(group, False, stats), ranks, importances, comments)


def _mean(values: Sequence[int | Fraction]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


#: Fraction(numerator, denominator) for integers, remembered: the same few ratios (means of a handful of ranks)
#: recur in every report, and a Fraction is immutable, so one object can serve them all.
_fraction = functools.lru_cache(maxsize=4096)(Fraction)


def _describe(
    ranks: Sequence[int],
    not_observed: int,
    importance_n: int | None,
    importances: Sequence[int],
    scale_points: int,
) -> Stats:
    # Ranks are integers, so sums stay integers: a Fraction is formed only for a published figure.
    n = len(ranks)
    total = sum(ranks)
    variance = rwg = agreement = None
    if n >= 2:
        pairs = n * (n - 1)
        # n(n - 1) times the sample variance is the integer nΣx² - (Σx)².
        spread = n * sum(map(operator.mul, ranks, ranks)) - total * total
        variance = _fraction(spread, pairs)
        # r_wg = 1 - s² / ((A² - 1) / 12), where (A² - 1) / 12 is the variance of uniformly random answers on an
        # A-point scale; over the common denominator n(n - 1)(A² - 1), and truncated at 0.
        expected = pairs * (scale_points * scale_points - 1)
        excess = max(0, expected - 12 * spread)
        rwg = _fraction(excess, expected)
        agreement = excess * RWG_CUTOFF.denominator >= RWG_CUTOFF.numerator * expected  # rwg >= RWG_CUTOFF
    return Stats(
        n=n,
        not_observed=not_observed,
        mean=_fraction(total, n) if n else None,
        variance=variance,
        rwg=rwg,
        agreement=agreement,
        range=(min(ranks), max(ranks)) if n >= RANGE_MIN_N else None,
        importance_n=importance_n,
        importance_mean=_fraction(sum(importances), len(importances)) if importances else None,
    )


def _pool_others(cells: Sequence[_Collected], scale_points: int) -> Stats:
    # Only published non-self cells go in, so "all others" is a function of what is already shown:
    # nothing about a hidden group or a suppressed cell can be recovered by subtraction.
    pooled = [c for c in cells if c.cell.group != "self" and not c.cell.suppressed]
    ranks = [rank for c in pooled for rank in c.ranks]
    importances = [importance for c in pooled for importance in c.importances]
    not_observed = sum(c.cell.stats.not_observed for c in pooled)
    return _describe(ranks, not_observed, len(importances), importances, scale_points)


def _level(mean: Fraction, scale_points: int) -> int:
    # Cut-points half-way between ranks: below 1.5 is rank 1, below 2.5 rank 2, and so on.
    # For mean = p/q that is floor(p/q + 1/2) = (2p + q) // 2q.
    rank = (2 * mean.numerator + mean.denominator) // (2 * mean.denominator)
    return max(1, min(scale_points, rank))


def _difference(rank: int, mean: Fraction) -> Fraction:
    # rank - p/q, over the mean's denominator.
    return _fraction(rank * mean.denominator - mean.numerator, mean.denominator)


def _shortfall(target: int, mean: Fraction) -> Fraction:
    # max(0, target - p/q), over the mean's denominator.
    return _fraction(max(0, target * mean.denominator - mean.numerator), mean.denominator)


def _flag(gap: Fraction | None, threshold: Fraction) -> str | None:
    if gap is None:
        return None
    if gap > threshold:
        return BLIND_SPOT
    if -gap > threshold:
        return HIDDEN_STRENGTH
    return None


def _dimension(
    dim: str,
    shown: Sequence[tuple[GroupSummary, GroupAnswers]],
    *,
    config: Config,
    target: int,
    labels: tuple[str, ...],
    judge: bool,
    gap_threshold: Fraction,
) -> DimensionResult:
    cells = [
        _collect(summary.name, group.by_dimension.get(dim) or DimensionAnswers(), group.raters, summary.threshold, config.scale_points)
        for summary, group in shown
    ]
    others = _pool_others(cells, config.scale_points)
    self_ranks = [c.ranks for c in cells if c.cell.group == "self"]
    self_rating = min(self_ranks[0]) if self_ranks and self_ranks[0] else None  # one self rater at most
    gap = None if self_rating is None or others.mean is None else _difference(self_rating, others.mean)
    level = shortfall = priority = None
    if judge and others.mean is not None:
        level = _level(others.mean, config.scale_points)
        shortfall = _shortfall(target, others.mean)
        if others.importance_mean is not None:
            priority = others.importance_mean * shortfall
    comments = tuple(Comment(c.cell.group, text) for c in cells for text in c.comments)  # cells are in group order
    return DimensionResult(
        id=dim,
        target=target,
        self_rating=self_rating,
        others=others,
        gap=gap,
        flag=_flag(gap, gap_threshold) if judge else None,
        level=level,
        level_label=None if level is None else labels[level - 1],
        shortfall=shortfall,
        priority=priority,
        groups=tuple(c.cell for c in cells),
        comments=comments,
    )


def _priorities(results: Sequence[DimensionResult]) -> tuple[str, ...]:
    order = {r.id: index for index, r in enumerate(results)}
    short = [r for r in results if r.shortfall is not None and r.shortfall > 0]
    # Highest priority first; a shortfall with no importance to weigh it goes last; ties keep published order.
    short.sort(key=lambda r: (r.priority is None, -(r.priority or 0), order[r.id]))
    return tuple(r.id for r in short)


def _overall(results: Sequence[DimensionResult], agreement_threshold: Fraction, judge: bool) -> Overall:
    compared = [r for r in results if r.self_rating is not None and r.others.mean is not None]
    if not compared:
        return Overall(0, None, None, None, None)
    self_mean = _mean([r.self_rating for r in compared])  # type: ignore[misc]
    others_mean = _mean([r.others.mean for r in compared])  # type: ignore[misc]
    assert self_mean is not None and others_mean is not None
    mean_gap = self_mean - others_mean
    category = None
    if judge:
        if mean_gap > agreement_threshold:
            category = "over-estimator"
        elif mean_gap < -agreement_threshold:
            category = "under-estimator"
        elif others_mean >= DEFAULT_TARGET:
            category = "in-agreement-good"
        else:
            category = "in-agreement-poor"
    return Overall(len(compared), self_mean, others_mean, mean_gap, category)


def aggregate(
    raters: Sequence[Rater],
    dimensions: Sequence[str],
    *,
    config: Config = Config(),
    targets: Mapping[str, int] | None = None,
    level_labels: Sequence[str] = DEFAULT_LEVEL_LABELS,
) -> Report:
    """Aggregate one person's 360 into a :class:`Report`, hiding whatever the anonymity policy requires.

    ``dimensions`` are the dimension ids in published order; ``targets`` maps a dimension to the target rank
    from the subject's role profile (missing dimensions: rank 2, Proficient); ``level_labels`` names the
    scale's ranks, lowest first. Raises ValueError or TypeError on invalid input.
    """
    dims = _check_dimensions(dimensions)
    labels = _check_labels(level_labels, config.scale_points)
    goals = _resolve_targets(targets, dims, config.scale_points)
    by_group = _group_raters(raters, dims, config)
    return _report(_answers_by_group(by_group), dims, config, goals, labels)


def aggregate_answers(
    groups: Mapping[str, GroupAnswers],
    dimensions: Sequence[str],
    *,
    config: Config = Config(),
    targets: Mapping[str, int] | None = None,
    level_labels: Sequence[str] = DEFAULT_LEVEL_LABELS,
) -> Report:
    """:func:`aggregate` for answers already grouped, without a :class:`Rater` per rater and an
    :class:`Answer` per answer: for a caller that has validated its input itself (the ``360`` kind does).

    ``groups`` maps a group of :data:`GROUPS` to its answers; a group left out has no raters. The answers
    must be what :func:`aggregate` accepts (ranks on their scales, dimensions among ``dimensions``, at most
    one self rater): only ``dimensions``, ``targets`` and ``level_labels`` are checked here.
    """
    dims = _check_dimensions(dimensions)
    labels = _check_labels(level_labels, config.scale_points)
    goals = _resolve_targets(targets, dims, config.scale_points)
    return _report(groups, dims, config, goals, labels)


def aggregate_means(
    groups: Mapping[str, GroupAnswers],
    dimensions: Sequence[str],
    *,
    config: Config = Config(),
    targets: Mapping[str, int] | None = None,
    level_labels: Sequence[str] = DEFAULT_LEVEL_LABELS,
) -> Means:
    """``aggregate_answers(...).means()`` without the rest of the report: for a scorer, which reads only
    the published means (the figures, texts and tables of the full report can wait until it is shown).

    The same arguments, checks and anonymity rules as :func:`aggregate_answers`: only visible groups'
    answers are read, and a suppressed cell is left out exactly as the report leaves it out.
    """
    dims = _check_dimensions(dimensions)
    _check_labels(level_labels, config.scale_points)
    _resolve_targets(targets, dims, config.scale_points)
    answers, summaries, judge = _groups(groups, config)
    shown = [
        (summary.name, summary.threshold, answers[summary.name].by_dimension)
        for summary in summaries
        if summary.visible and summary.name != "self"
    ]
    results = []
    for dim in dims:
        cells = []
        total = count = 0
        for group, threshold, by_dimension in shown:
            on_dim = by_dimension.get(dim)
            n = len(on_dim.ranks) if on_dim is not None else 0
            if not n or _suppressed(group, n, threshold):
                continue
            answered = sum(on_dim.ranks)  # type: ignore[union-attr]
            cells.append(GroupMean(group, n, _fraction(answered, n)))
            total += answered
            count += n
        results.append(DimensionMeans(dim, tuple(cells), _fraction(total, count) if count else None))
    return Means(STATUS_OK if judge else STATUS_INSUFFICIENT, tuple(results))


def _groups(
    groups: Mapping[str, GroupAnswers], config: Config
) -> tuple[dict[str, GroupAnswers], tuple[GroupSummary, ...], bool]:
    """Every group's answers (a group left out has none), what is published of each group, and whether
    the report judges (enough raters in visible non-self groups)."""
    answers = {group: groups[group] if group in groups else GroupAnswers() for group in GROUPS}
    summaries = tuple(
        GroupSummary(
            name=group,
            raters=answers[group].raters,
            threshold=config.thresholds[group],
            visible=answers[group].raters >= config.thresholds[group],
        )
        for group in GROUPS
    )
    # Decided from published rater counts of visible groups only, so a hidden group cannot tip it.
    visible_others = sum(s.raters for s in summaries if s.visible and s.name != "self")
    return answers, summaries, visible_others >= config.min_other_raters


def _report(
    groups: Mapping[str, GroupAnswers],
    dims: tuple[str, ...],
    config: Config,
    goals: Mapping[str, int],
    labels: tuple[str, ...],
) -> Report:
    answers, summaries, judge = _groups(groups, config)
    gap_threshold = (
        Fraction(config.scale_points - 1, 3) if config.gap_threshold is None else _exact(config.gap_threshold)
    )
    # Only visible groups' answers are read from here on.
    shown = [(summary, answers[summary.name]) for summary in summaries if summary.visible]
    results = tuple(
        _dimension(
            dim,
            shown,
            config=config,
            target=goals[dim],
            labels=labels,
            judge=judge,
            gap_threshold=gap_threshold,
        )
        for dim in dims
    )
    agreement_threshold = _exact(config.agreement_threshold)
    return Report(
        status=STATUS_OK if judge else STATUS_INSUFFICIENT,
        scale_points=config.scale_points,
        gap_threshold=gap_threshold,
        agreement_threshold=agreement_threshold,
        groups=summaries,
        dimensions=results,
        priorities=_priorities(results) if judge else (),
        overall=_overall(results, agreement_threshold, judge),
    )
