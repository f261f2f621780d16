"""Judging a quality-improvement measure over time: run charts and XmR charts.

Pure standard library (plus ``attrs``), no I/O. Every rule cites its source:

* Run chart rules: Perla RJ, Provost LP, Murray SK. "The run chart: a simple
  analytical tool for learning from variation in healthcare processes."
  BMJ Qual Saf 2011;20:46-51 (shift, trend, points on the median, equal values).
* Runs analysis: Anhøj J, Olesen AV. "Run charts revisited: a simulation study of
  run chart rules for detection of non-random variation in health care processes."
  PLoS One 2014;9(11):e113825, as implemented in the R package qicharts2
  (``runs.analysis()`` / ``crsignal()`` in ``R/helper.functions.R``).
* XmR (individuals) chart: NHS England / NHS Improvement, "Making Data Count"
  (2019) and its "plot the dots" rules, as implemented in the NHS-R community's
  R package NHSRplotthedots (``ptd_spc_standard()`` and
  ``ptd_calculate_point_type()``).

Arithmetic is exact: every input is read as an exact rational once, and the
series is scaled to integers over a common denominator (see :func:`_series`), so
that "on the median", "on the mean" and "beyond a limit" are decided without
floating-point noise, and adding a constant to every value or multiplying every
value by a positive factor (when that arithmetic is itself exact) changes no
signal. Centre lines and limits are :class:`fractions.Fraction` in those integer
units, computed once per chart; each point is compared with them in integers
(see :class:`_Level`). Floats in the results are for display only.

All point indices are 0-based positions in the input series.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Collection, Iterable, Sequence
from fractions import Fraction
from typing import Literal, NamedTuple

from attrs import field, frozen
from attrs.validators import in_

__all__ = [
    "MIN_POINTS",
    "Better",
    "RunChart",
    "Signal",
    "XmRChart",
    "binomial_quantile",
    "run_and_xmr_charts",
    "run_chart",
    "xmr_chart",
]

Better = Literal["higher", "lower"] | None

#: Fewer points than this: "too few points to judge", no signals. DOMAIN.md
#: ("fewer than about 10 points: say so, do not judge"); Perla et al. 2011 and
#: Anhøj & Olesen 2014 (whose tables start at 10 useful observations).
MIN_POINTS = 10

# --- Run chart constants -----------------------------------------------------
#: Perla, Provost & Murray 2011, rule 1: six or more consecutive points on one
#: side of the median.
SHIFT_POINTS = 6
#: Perla, Provost & Murray 2011, rule 2: five or more points all going up or all
#: going down (a trend of 5 points = 4 increases or 4 decreases).
TREND_POINTS = 5
#: Anhøj & Olesen 2014 / qicharts2: the crossings limit is the 5 % quantile of
#: Binomial(n_useful - 1, 0.5) (``qbinom(0.05, n.useful - 1, 0.5)``).
CROSSINGS_QUANTILE = Fraction(1, 20)

# --- XmR constants (Making Data Count; NHSRplotthedots ptd_spc_standard) -----
#: Process limits are mean +/- 2.66 x mean moving range (2.66 = 3 / d2, d2 = 1.128).
#: Taken as the exact decimal 2.66 that Making Data Count publishes.
LIMIT_FACTOR = Fraction("2.66")
#: "Close to the limits": beyond two thirds of the way from the mean to a limit,
#: i.e. beyond mean +/- (2/3) x 2.66 x mMR (NHSRplotthedots: ``limitclose``).
NEAR_LIMIT_FACTOR = LIMIT_FACTOR * Fraction(2, 3)
#: Making Data Count: 7 points in a row on one side of the mean.
SPC_RUN_POINTS = 7
#: Making Data Count: 7 points in a row consecutively increasing or decreasing.
SPC_TREND_POINTS = 7

_RULES = (
    "shift",
    "trend",
    "long-run",
    "few-crossings",
    "outside-limits",
    "seven-one-side",
    "seven-trend",
    "two-of-three",
)
_ALL_RULES = frozenset(_RULES)
_DIRECTIONS = ("above", "below", "rising", "falling", "none")
_VERDICTS = ("improvement", "deterioration", "neutral")


# =============================================================================
# Result types
# =============================================================================


def _int_tuple(values: Iterable[int]) -> tuple[int, ...]:
    """attrs converter (typed, unlike a bare ``tuple``)."""
    return tuple(values)


def _signal_tuple(values: Iterable[Signal]) -> tuple[Signal, ...]:
    """attrs converter (typed, unlike a bare ``tuple``)."""
    return tuple(values)


@frozen
class Signal:
    """One special-cause / non-random pattern found by a rule.

    ``rule`` is one of "shift", "trend", "long-run", "few-crossings" (run chart)
    or "outside-limits", "seven-one-side", "seven-trend", "two-of-three" (XmR).
    ``points`` are the 0-based indices of the points that make up the pattern,
    ascending. ``direction`` is "above"/"below" (side of the centre line),
    "rising"/"falling" (trends) or "none" (too few crossings). ``verdict`` is
    "improvement", "deterioration" or "neutral" given the measure's direction.
    """

    rule: str = field(validator=in_(_RULES))
    points: tuple[int, ...] = field(converter=_int_tuple)
    direction: str = field(validator=in_(_DIRECTIONS))
    verdict: str = field(validator=in_(_VERDICTS))


@frozen
class RunChart:
    """A run chart: median centre line, Perla rules and Anhøj runs analysis.

    ``median`` is the median of the first ``baseline`` points. ``n_useful``
    counts points not on the median; ``runs``, ``crossings`` and
    ``longest_run`` are counted over those useful points only. The limits are
    ``None`` when there are no useful points. ``judgement`` is
    "too-few-points", "random-variation" or "non-random-variation".
    """

    n: int
    baseline: int
    median: float
    n_useful: int
    runs: int
    crossings: int
    longest_run: int
    longest_run_limit: int | None
    crossings_limit: int | None
    judgement: str = field(validator=in_(("too-few-points", "random-variation", "non-random-variation")))
    signals: tuple[Signal, ...] = field(converter=_signal_tuple)


@frozen
class XmRChart:
    """An XmR (individuals) chart as Making Data Count uses it.

    ``mean`` and ``mean_moving_range`` come from the first ``baseline`` points;
    the limits are ``mean +/- 2.66 * mean_moving_range``. When the baseline has a
    single point no moving range exists: ``mean_moving_range`` and both limits
    are NaN and the judgement is "too-few-points". ``judgement`` is
    "too-few-points", "common-cause" or "special-cause".
    """

    n: int
    baseline: int
    mean: float
    mean_moving_range: float
    upper_limit: float
    lower_limit: float
    judgement: str = field(validator=in_(("too-few-points", "common-cause", "special-cause")))
    signals: tuple[Signal, ...] = field(converter=_signal_tuple)


# =============================================================================
# Public functions
# =============================================================================


def binomial_quantile(n: int, p: float | Fraction, q: float | Fraction) -> int:
    """The ``q`` quantile of Binomial(``n``, ``p``) with R's ``qbinom`` semantics.

    Returns the smallest ``k`` in ``0..n`` with ``P(X <= k) >= q``. Computed
    exactly with :func:`math.comb` and fractions (no floating-point
    cumulative sums). R's ``qbinom`` multiplies ``q`` by ``1 - 64 * DBL_EPSILON``
    as a guard against its own rounding; exact arithmetic needs no such fuzz
    and the two agree unless ``P(X <= k)`` lies within ~1e-14 of ``q``, which
    cannot happen for ``p = 0.5, q = 0.05`` (the CDF is a dyadic rational,
    0.05 is not) at any realistic ``n``.

    Raises ValueError unless ``n >= 0`` and ``0 <= p, q <= 1``.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an integer, got {n!r}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    p_exact = _probability(p, "p")
    q_exact = _probability(q, "q")
    # P(X <= k) = sum_{i<=k} C(n, i) a^i (b - a)^(n - i) / b^n  with p = a / b.
    a, b = p_exact.numerator, p_exact.denominator
    total = b**n
    # Compare cum / total >= q_num / q_den without division.
    q_num, q_den = q_exact.numerator, q_exact.denominator
    cumulative = 0
    for k in range(n + 1):
        cumulative += math.comb(n, k) * a**k * (b - a) ** (n - k)
        if cumulative * q_den >= q_num * total:
            return k
    return n  # unreachable: at k = n the CDF is 1 >= q


def run_chart(values: Sequence[float], *, baseline: int | None = None, better: Better = None) -> RunChart:
    """Analyse ``values`` as a run chart.

    Centre line: the median of the first ``baseline`` points (all points when
    ``baseline`` is None). The rules are then applied to all points:

    * "shift" (Perla et al. 2011): >= 6 consecutive points on one side of the
      median; points on the median neither count nor break the run.
    * "trend" (Perla et al. 2011): >= 5 consecutive points all rising or all
      falling; equal neighbours neither count nor break the trend.
    * "long-run" (Anhøj & Olesen 2014): a run longer than
      ``round(log2(n_useful)) + 3``.
    * "few-crossings" (Anhøj & Olesen 2014): fewer crossings than
      ``qbinom(0.05, n_useful - 1, 0.5)``.

    With fewer than :data:`MIN_POINTS` points the judgement is
    "too-few-points" and no signal is reported (the statistics are still given).
    Raises ValueError for empty values, NaN/inf, a baseline outside ``1..n`` or
    an unknown ``better``.
    """
    series = _series(values)
    base = _resolve_baseline(baseline, len(series.ints))
    _check_better(better)
    return _run_chart(series, base, better, _ALL_RULES)


def xmr_chart(values: Sequence[float], *, baseline: int | None = None, better: Better = None) -> XmRChart:
    """Analyse ``values`` as an XmR (individuals) chart, Making Data Count style.

    From the first ``baseline`` points (all when None): mean, moving ranges
    ``|x[i] - x[i-1]|`` and their mean (mMR); limits ``mean +/- 2.66 * mMR``.
    Special-cause rules over all points (NHS England "Making Data Count" 2019;
    edge cases as in NHSRplotthedots):

    * "outside-limits": a point strictly above the upper or below the lower limit.
    * "seven-one-side": 7 or more consecutive points strictly on one side of the
      mean; a point exactly on the mean breaks the run.
    * "seven-trend": 7 or more consecutive points each strictly higher (or
      lower) than the previous; equal neighbours break the trend.
    * "two-of-three": 3 consecutive points all on the same side of the mean of
      which at least 2 lie beyond mean +/- (2/3) * 2.66 * mMR (points beyond
      the limit count); only the points beyond that line are flagged.

    With fewer than :data:`MIN_POINTS` points (or a one-point baseline, which has
    no moving range) the judgement is "too-few-points" and no signal is given.
    If mMR is 0 the limits equal the mean. Raises ValueError for empty values,
    NaN/inf, a baseline outside ``1..n`` or an unknown ``better``.
    """
    series = _series(values)
    base = _resolve_baseline(baseline, len(series.ints))
    _check_better(better)
    return _xmr_chart(series, base, better, _ALL_RULES)


def run_and_xmr_charts(
    values: Sequence[float], *, baseline: int | None = None, better: Better = None, rules: Collection[str] | None = None
) -> tuple[RunChart, XmRChart]:
    """``(run_chart(values, ...), xmr_chart(values, ...))``, reading the values once.

    Same arguments, results and errors as the two functions called one after the other. ``rules``, for a
    caller that reads only some signals, names the rules to apply (None: all): the charts then hold exactly
    those rules' signals, and their judgement speaks for those rules alone. A name that is not a rule
    raises ValueError (a misspelt rule would otherwise silently find nothing).
    """
    wanted = _rules(rules)
    series = _series(values)
    base = _resolve_baseline(baseline, len(series.ints))
    _check_better(better)
    return _run_chart(series, base, better, wanted), _xmr_chart(series, base, better, wanted)


def _rules(rules: Collection[str] | None) -> frozenset[str]:
    if rules is None:
        return _ALL_RULES
    if isinstance(rules, str):  # a str is a collection of letters: never what was meant
        raise ValueError(f"rules must be a collection of rule names, not the string {rules!r}")
    unknown = sorted(set(rules) - _ALL_RULES)
    if unknown:
        raise ValueError(f"unknown rule{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} (rules: {', '.join(_RULES)})")
    return frozenset(rules)


# =============================================================================
# The charts, over a validated series in integer units
# =============================================================================


def _run_chart(series: _Series, base: int, better: Better, rules: frozenset[str]) -> RunChart:
    xs = series.ints
    n = len(xs)
    centre = _median(xs[:base])
    sides = _Level.of(centre).sides(xs)
    # Anhøj & Olesen 2014 / qicharts2 runs.analysis(): points on the centre line
    # are dropped ("useful" observations are the others) before counting runs.
    useful = [(i, s) for i, s in enumerate(sides) if s != 0]
    runs = _group_consecutive(useful)
    n_useful = len(useful)
    n_runs = len(runs)
    crossings = max(n_runs - 1, 0)  # qicharts2: n.crossings <- max(n.runs - 1, 0)
    longest_run = max((len(points) for _, points in runs), default=0)
    if n_useful:
        longest_run_limit: int | None = _anhoej_longest_run_limit(n_useful)
        crossings_limit: int | None = _anhoej_crossings_limit(n_useful)
    else:  # qicharts2 reports NA for both limits when nothing is useful
        longest_run_limit = crossings_limit = None

    def chart(judgement: str, signals: tuple[Signal, ...]) -> RunChart:
        return RunChart(
            n=n,
            baseline=base,
            median=series.to_float(centre),
            n_useful=n_useful,
            runs=n_runs,
            crossings=crossings,
            longest_run=longest_run,
            longest_run_limit=longest_run_limit,
            crossings_limit=crossings_limit,
            judgement=judgement,
            signals=signals,
        )

    if n < MIN_POINTS:
        return chart("too-few-points", ())

    signals: list[Signal] = []
    # Perla et al. 2011, rule 1 (shift): runs are taken over useful points, so a
    # point on the median is skipped (neither adds to nor breaks the run) and is
    # not listed among the signal's points (it is on neither side).
    if "shift" in rules:
        for side, points in runs:
            if len(points) >= SHIFT_POINTS:
                signals.append(_signal("shift", points, _side_name(side), better))
    # Perla et al. 2011, rule 2 (trend): equal neighbours are ignored.
    if "trend" in rules:
        for direction, points in _trends(xs, ignore_ties=True):
            if _count_trend_points(xs, points) >= TREND_POINTS:
                signals.append(_signal("trend", points, direction, better))
    # Anhøj & Olesen 2014 (qicharts2 crsignal): unusually long run if
    # longest.run > longest.run.max. Every run beyond the limit is reported.
    if "long-run" in rules:
        for side, points in runs:
            if longest_run_limit is not None and len(points) > longest_run_limit:
                signals.append(_signal("long-run", points, _side_name(side), better))
    # Anhøj & Olesen 2014 (qicharts2 crsignal): unusually few crossings if
    # n.crossings < n.crossings.min. The rule has no side: too few crossings
    # says the process is stuck in long runs, not in which direction it moved
    # (the longest run can be tied between both sides), so its direction is
    # "none" and its verdict "neutral". Its points are all the useful points,
    # the observations the crossings were counted over.
    if "few-crossings" in rules and crossings_limit is not None and crossings < crossings_limit:
        signals.append(Signal("few-crossings", tuple(i for i, _ in useful), "none", "neutral"))

    return chart("non-random-variation" if signals else "random-variation", tuple(signals))


def _xmr_chart(series: _Series, base: int, better: Better, rules: frozenset[str]) -> XmRChart:
    xs = series.ints
    n = len(xs)
    baseline_points = xs[:base]
    mean = Fraction(sum(baseline_points), base)
    moving_ranges = [abs(b - a) for a, b in zip(baseline_points, baseline_points[1:])]
    if not moving_ranges:
        # One baseline point: no moving range, so no limits can be computed.
        return XmRChart(
            n=n,
            baseline=base,
            mean=series.to_float(mean),
            mean_moving_range=math.nan,
            upper_limit=math.nan,
            lower_limit=math.nan,
            judgement="too-few-points",
            signals=(),
        )

    mmr = Fraction(sum(moving_ranges), len(moving_ranges))
    spread = LIMIT_FACTOR * mmr
    upper = mean + spread
    lower = mean - spread

    def chart(judgement: str, signals: tuple[Signal, ...]) -> XmRChart:
        return XmRChart(
            n=n,
            baseline=base,
            mean=series.to_float(mean),
            mean_moving_range=series.to_float(mmr),
            upper_limit=series.to_float(upper),
            lower_limit=series.to_float(lower),
            judgement=judgement,
            signals=signals,
        )

    if n < MIN_POINTS:
        return chart("too-few-points", ())

    sides = _Level.of(mean).sides(xs)
    signals = (
        (_outside_limits(xs, _Level.of(upper), _Level.of(lower), better) if "outside-limits" in rules else ())
        + (_seven_one_side(sides, better) if "seven-one-side" in rules else ())
        + (_seven_trend(xs, better) if "seven-trend" in rules else ())
        + (_two_of_three(xs, sides, mean, mmr, better) if "two-of-three" in rules else ())
    )
    return chart("special-cause" if signals else "common-cause", signals)


# =============================================================================
# XmR rules
# =============================================================================


def _outside_limits(xs: Sequence[int], upper: _Level, lower: _Level, better: Better) -> tuple[Signal, ...]:
    """Making Data Count: a single point beyond a process limit.

    Strict comparison as NHSRplotthedots (``y > upl | y < lpl``): a point exactly
    on a limit is not beyond it. Each point is its own signal.
    """
    signals = []
    for i, (to_upper, to_lower) in enumerate(zip(upper.sides(xs), lower.sides(xs))):
        if to_upper > 0:
            signals.append(_signal("outside-limits", (i,), "above", better))
        elif to_lower < 0:
            signals.append(_signal("outside-limits", (i,), "below", better))
    return tuple(signals)


def _seven_one_side(sides: Sequence[int], better: Better) -> tuple[Signal, ...]:
    """Making Data Count: 7 or more points in a row on one side of the mean (``sides``: 1, -1 or 0 on it).

    A point exactly on the mean breaks the run, as in NHSRplotthedots
    (``relative_to_mean = sign(y - mean)`` is 0 there, and
    ``ptd_seven_point_one_side_mean`` needs 7 equal non-zero signs). This differs
    on purpose from the run chart, where points on the median are skipped.
    """
    return tuple(
        _signal("seven-one-side", points, _side_name(side), better)
        for side, points in _group_consecutive(enumerate(sides))
        if side != 0 and len(points) >= SPC_RUN_POINTS
    )


def _seven_trend(xs: Sequence[int], better: Better) -> tuple[Signal, ...]:
    """Making Data Count: 7 or more points in a row each rising (or falling).

    Equal neighbours break the trend, as in NHSRplotthedots
    (``ptd_seven_point_trend``: all six ``sign(diff(y))`` must be 1, or all -1;
    a difference of 0 fails both). All points of the trend are flagged
    (``ptd_part_of_seven_trend``).
    """
    return tuple(
        _signal("seven-trend", points, direction, better)
        for direction, points in _trends(xs, ignore_ties=False)
        if len(points) >= SPC_TREND_POINTS
    )


def _two_of_three(
    xs: Sequence[int], sides: Sequence[int], mean: Fraction, mmr: Fraction, better: Better
) -> tuple[Signal, ...]:
    """Making Data Count: 2 of 3 consecutive points beyond 2/3 of the way to a limit.

    ``sides`` are the points' sides of the mean (1, -1, or 0 on it).

    A window of 3 consecutive points qualifies when all 3 are strictly on the
    same side of the mean and at least 2 of them lie strictly beyond
    ``mean +/- (2/3) * 2.66 * mMR`` on that side. As NHSRplotthedots
    (``ptd_two_in_three``: ``abs(sum(relative_to_mean)) == 3``) and the Making
    Data Count tool, all three must share a side, and only the points beyond the
    line are flagged (``ptd_part_of_two_in_three``). Points beyond the process
    limit DO count towards the two: the brief says "beyond two thirds of the
    way", and Making Data Count changed its tools to this in 2023
    (NHSRplotthedots issue #194); NHSRplotthedots itself still counts only points
    between the line and the limit. Overlapping qualifying windows form one
    signal.
    """
    near_spread = NEAR_LIMIT_FACTOR * mmr
    to_near_upper = _Level.of(mean + near_spread).sides(xs)
    to_near_lower = _Level.of(mean - near_spread).sides(xs)
    beyond = [
        (s > 0 and up > 0) or (s < 0 and down < 0) for s, up, down in zip(sides, to_near_upper, to_near_lower)
    ]
    windows = [
        i
        for i in range(len(xs) - 2)
        if sides[i] != 0 and sides[i] == sides[i + 1] == sides[i + 2] and sum(beyond[i : i + 3]) >= 2
    ]
    signals = []
    for first, last in _merge_windows(windows, width=3):
        points = tuple(j for j in range(first, last + 1) if beyond[j])
        signals.append(_signal("two-of-three", points, _side_name(sides[first]), better))
    return tuple(signals)


def _merge_windows(starts: list[int], width: int) -> list[tuple[int, int]]:
    """Merge overlapping windows ``[s, s + width - 1]`` (ascending starts)."""
    merged: list[tuple[int, int]] = []
    for s in starts:
        end = s + width - 1
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((s, end))
    return merged


# =============================================================================
# Trends
# =============================================================================


def _trends(xs: Sequence[int], *, ignore_ties: bool) -> list[tuple[str, tuple[int, ...]]]:
    """Maximal monotone stretches of the series, as (direction, point indices).

    The series is split into plateaus (maximal groups of equal consecutive
    values). With ``ignore_ties`` (run charts, Perla et al. 2011: "if the value
    of two or more successive points is the same, ignore the like points when
    counting") a stretch runs over plateaus: a plateau inside a trend neither
    ends it nor counts twice. Without it (XmR, NHSRplotthedots) a plateau of two
    or more points ends the trend.

    The points of a stretch run from where it starts moving (the last point of
    its first plateau) to where it stops (the first point of its last plateau),
    so points inside an interior plateau are included but a flat lead-in or
    tail is not. This keeps the rule symmetric under reversal of time.
    Stretches of a single step are returned too; callers apply the length rule.
    """
    plateaus = _plateaus(xs)
    # Neighbouring plateaus differ, so each step between them is up (1) or down (-1).
    steps = [1 if xs[b[0]] > xs[a[0]] else -1 for a, b in zip(plateaus, plateaus[1:])]
    stretches: list[tuple[str, tuple[int, ...]]] = []
    j = 0
    while j < len(steps):
        k = j
        while k + 1 < len(steps) and steps[k + 1] == steps[j] and (ignore_ties or _is_single(plateaus[k + 1])):
            k += 1
        # steps j..k link plateaus j..k+1
        first = plateaus[j][1]
        last = plateaus[k + 1][0]
        stretches.append(("rising" if steps[j] > 0 else "falling", tuple(range(first, last + 1))))
        j = k + 1
    return stretches


def _count_trend_points(xs: Sequence[int], points: tuple[int, ...]) -> int:
    """Points that count towards a run-chart trend: equal neighbours count once."""
    return 1 + sum(1 for a, b in zip(points, points[1:]) if xs[a] != xs[b])


def _plateaus(xs: Sequence[int]) -> list[tuple[int, int]]:
    """Maximal groups of consecutive equal values, as (first index, last index); ``xs`` is not empty."""
    bounds: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(xs)):
        if xs[i] != xs[i - 1]:
            bounds.append((first, i - 1))
            first = i
    bounds.append((first, len(xs) - 1))
    return bounds


def _is_single(plateau: tuple[int, int]) -> bool:
    first, last = plateau
    return first == last


# =============================================================================
# Shared helpers
# =============================================================================


def _group_consecutive(keyed: Iterable[tuple[int, int]]) -> list[tuple[int, tuple[int, ...]]]:
    """Group ``(index, key)`` pairs into maximal consecutive runs of equal key.

    Consecutive means consecutive in the given sequence (for run charts the
    sequence of useful points, so points on the median are skipped).
    """
    groups: list[tuple[int, list[int]]] = []
    for i, key in keyed:
        if groups and groups[-1][0] == key:
            groups[-1][1].append(i)
        else:
            groups.append((key, [i]))
    return [(key, tuple(idx)) for key, idx in groups]


def _anhoej_longest_run_limit(n_useful: int) -> int:
    """``round(log2(n_useful)) + 3`` (Anhøj & Olesen 2014; qicharts2, after Schilling 2012).

    Computed in integers: ``round(log2(n)) = k`` exactly when
    ``2**(2k - 1) < n**2 < 2**(2k + 1)``. ``log2(n)`` of an integer is never
    exactly ``k + 0.5`` (that would need ``n**2 = 2**(2k + 1)``), so R's
    half-to-even ``round()``, Python's banker's ``round()`` and half-up rounding
    all agree; doing it in integers also rules out floating-point error.
    """
    floor_log2 = n_useful.bit_length() - 1
    k = floor_log2 + 1 if n_useful * n_useful > 2 ** (2 * floor_log2 + 1) else floor_log2
    return k + 3


@functools.lru_cache(maxsize=1024)
def _anhoej_crossings_limit(n_useful: int) -> int:
    """``qbinom(0.05, n_useful - 1, 0.5)`` (Anhøj & Olesen 2014; qicharts2 ``n.crossings.min``).

    Kept per ``n_useful``: it depends on nothing else, and the exact binomial sum is costly.
    """
    return binomial_quantile(n_useful - 1, Fraction(1, 2), CROSSINGS_QUANTILE)


def _signal(rule: str, points: Iterable[int], direction: str, better: Better) -> Signal:
    return Signal(rule, tuple(points), direction, _verdict(direction, better))


def _verdict(direction: str, better: Better) -> str:
    """Above the centre / rising is an improvement when higher is better.

    Direction-of-improvement colouring as Making Data Count / NHSRplotthedots
    (``ptd_point_type``: trends are judged by their direction, not their side).
    """
    if better is None or direction == "none":
        return "neutral"
    up = direction in ("above", "rising")
    return "improvement" if up == (better == "higher") else "deterioration"


def _side_name(side: int) -> str:
    return "above" if side > 0 else "below"


# =============================================================================
# Exact values as integers
# =============================================================================


class _Series(NamedTuple):
    """A validated series as integers over a common denominator: value ``i`` is ``ints[i] / scale``.

    Scaling by a positive constant keeps every order and tie, so the rules compare the integers
    directly; centre lines and limits are fractions in the same units (see :class:`_Level`).
    """

    ints: list[int]
    scale: int

    def to_float(self, level: Fraction) -> float:
        """A level in these units, as the float the results report (the true value, ``level / scale``).

        ``float(Fraction)`` is the integer division ``numerator / denominator``, which Python rounds
        correctly whatever the form of the ratio, so this is ``float(level / scale)`` without the
        fraction.
        """
        return _ratio_to_float(level.numerator, level.denominator * self.scale)


class _Level(NamedTuple):
    """A centre line or limit in a series' integer units, ready for exact comparison with its points.

    ``floor`` and ``ceil`` of the exact level: an integer point ``x`` is above it exactly when
    ``x > floor`` and below it exactly when ``x < ceil`` (on it when the level is an integer equal
    to ``x``). So each point costs two integer comparisons, however awkward the level's fraction.
    """

    floor: int
    ceil: int

    @classmethod
    def of(cls, level: Fraction) -> _Level:
        floor = level.numerator // level.denominator
        return cls(floor, floor if level.denominator == 1 else floor + 1)

    def sides(self, xs: Iterable[int]) -> list[int]:
        """For each point, 1 if it is above the level, -1 if below, 0 if on it."""
        floor, ceil = self
        return [(x > floor) - (x < ceil) for x in xs]


def _median(xs: Sequence[int]) -> Fraction:
    """The median, exactly (as :func:`statistics.median`: the mean of the middle two for an even count)."""
    ordered = sorted(xs)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def _series(values: Sequence[float]) -> _Series:
    """Validate the series and convert it, exactly, to integers over a common denominator.

    Integers and other exact rationals are kept exactly. A float is read as the
    shortest decimal that round-trips to it (``repr``), i.e. the number the user
    wrote: 0.1, 0.2 and 0.3 are exactly 1/10, 2/10 and 3/10, so 0.2 lies exactly
    on the median of 0.1 and 0.3 (converting the binary value instead would put
    it a hair below, a spurious floating-point artefact). Denominators are then
    usually powers of ten and the common one is the largest.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError("values must be a sequence of numbers, not a string")
    items = list(values)
    if not items:
        raise ValueError("values must not be empty")
    ratios = [_exact_ratio(v, i) for i, v in enumerate(items)]
    scale = math.lcm(*(denominator for _, denominator in ratios))
    return _Series([numerator * (scale // denominator) for numerator, denominator in ratios], scale)


def _exact_ratio(v: float, i: int) -> tuple[int, int]:
    """``values[i]`` as ``(numerator, denominator)``, denominator > 0 (see :func:`_series`)."""
    # Plain floats and ints first: the abstract-class checks below are slow, and they are rare.
    if type(v) is float:
        f = v
    elif type(v) is int:
        return v, 1
    elif isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"values[{i}] must be a real number, got {v!r}")
    elif isinstance(v, numbers.Rational):
        exact = Fraction(v.numerator, v.denominator)
        return exact.numerator, exact.denominator
    else:
        f = float(v)
    if not math.isfinite(f):
        raise ValueError(f"values[{i}] must be finite, got {f!r}")
    return _shortest_decimal(f)


def _shortest_decimal(f: float) -> tuple[int, int]:
    """A finite float's ``repr`` (e.g. ``65.4``, ``-1.5e-07``, ``1e+16``) as ``(numerator, 10**k)``.

    The same value as ``Fraction(repr(f))``, without its regular expression and gcd.
    """
    text = repr(f)
    if "e" not in text:  # the usual form, which always has a point: "65.4", "-3.0", "0.0001"
        whole, _, decimals = text.partition(".")
        return int(whole + decimals), 10 ** len(decimals)  # int() keeps the sign; "-0" + "0" is 0
    mantissa, _, exponent = text.partition("e")
    whole, _, decimals = mantissa.partition(".")
    power = int(exponent) - len(decimals)
    if power >= 0:
        return int(whole + decimals) * 10**power, 1
    return int(whole + decimals), 10**-power


def _resolve_baseline(baseline: int | None, n: int) -> int:
    if baseline is None:
        return n
    if isinstance(baseline, bool) or not isinstance(baseline, numbers.Integral):
        raise TypeError(f"baseline must be an integer or None, got {baseline!r}")
    if not 1 <= baseline <= n:
        raise ValueError(f"baseline must be between 1 and the number of values ({n}), got {baseline}")
    return int(baseline)


def _check_better(better: object) -> None:
    if better not in ("higher", "lower", None):
        raise ValueError(f'better must be "higher", "lower" or None, got {better!r}')


def _probability(x: float | Fraction, name: str) -> Fraction:
    """A probability as an exact fraction (floats read as their shortest decimal)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {x!r}")
    if isinstance(x, numbers.Rational):
        exact = Fraction(x.numerator, x.denominator)
    else:
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"{name} must be finite, got {f!r}")
        exact = Fraction(repr(f))
    if not 0 <= exact <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {x!r}")
    return exact


def _ratio_to_float(numerator: int, denominator: int) -> float:
    """Nearest float to ``numerator / denominator`` (> 0), saturating to +/-inf beyond float range."""
    try:
        return numerator / denominator
    except OverflowError:
        return math.inf if numerator > 0 else -math.inf
