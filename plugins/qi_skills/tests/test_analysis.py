"""Tests for competency_qi_skills.analysis: run charts and XmR charts.

Worked examples were computed by hand from the published rules (Perla, Provost &
Murray 2011; Anhøj & Olesen 2014 / qicharts2; NHS England "Making Data Count"
2019 / NHSRplotthedots); the arithmetic is shown next to each example.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_qi_skills.analysis import (
    MIN_POINTS,
    RunChart,
    Signal,
    XmRChart,
    _anhoej_longest_run_limit,
    binomial_quantile,
    run_and_xmr_charts,
    run_chart,
    xmr_chart,
)


def rules(chart: RunChart | XmRChart) -> list[tuple[str, tuple[int, ...], str, str]]:
    """The signals as plain tuples, in a stable order."""
    return sorted((s.rule, s.points, s.direction, s.verdict) for s in chart.signals)


# =============================================================================
# binomial_quantile (R qbinom semantics)
# =============================================================================


@pytest.mark.parametrize(
    ("n", "p", "q", "expected"),
    [
        # qbinom(0.05, 9, 0.5): P(X<=1) = 10/512 = 0.0195, P(X<=2) = 46/512 = 0.0898
        (9, 0.5, 0.05, 2),
        # qbinom(0.05, 19, 0.5): P(X<=5) = 0.0318, P(X<=6) = 0.0835
        (19, 0.5, 0.05, 6),
        # qbinom(0.05, 23, 0.5): P(X<=7) = 0.0466, P(X<=8) = 0.105
        (23, 0.5, 0.05, 8),
        # Binomial(10, 0.3): P(X<=2) = 0.383, P(X<=3) = 0.650
        (10, 0.3, 0.5, 3),
        # The CDF equal to q counts (">="): P(X<=0) = 1/4 for Binomial(2, 1/2)
        (2, 0.5, 0.25, 0),
        (2, 0.5, 0.2500001, 1),
        # Edges: q = 0 -> 0, q = 1 -> n, n = 0 -> 0, degenerate p
        (7, 0.5, 0.0, 0),
        (7, 0.5, 1.0, 7),
        (0, 0.5, 0.05, 0),
        (5, 0.0, 0.5, 0),
        (5, 1.0, 0.5, 5),
        (5, 1.0, 0.0, 0),
    ],
)
def test_binomial_quantile_worked_values(n: int, p: float, q: float, expected: int) -> None:
    assert binomial_quantile(n, p, q) == expected


@given(n=st.integers(0, 60), q=st.sampled_from([0.01, 0.05, 0.1, 0.5, 0.9, 0.95]))
def test_binomial_quantile_is_smallest_k_with_cdf_at_least_q(n: int, q: float) -> None:
    k = binomial_quantile(n, 0.5, q)
    cdf = [Fraction(sum(math.comb(n, i) for i in range(j + 1)), 2**n) for j in range(n + 1)]
    q_exact = Fraction(str(q))
    assert cdf[k] >= q_exact
    assert k == 0 or cdf[k - 1] < q_exact


@pytest.mark.parametrize(
    ("args", "error"),
    [((-1, 0.5, 0.05), ValueError), ((5, 1.5, 0.05), ValueError), ((5, 0.5, -0.1), ValueError),
     ((5, 0.5, math.nan), ValueError), ((5.0, 0.5, 0.05), TypeError)],
)  # fmt: skip
def test_binomial_quantile_rejects_bad_arguments(args: tuple, error: type) -> None:
    with pytest.raises(error):
        binomial_quantile(*args)


# =============================================================================
# Anhøj limits against the published table (Anhøj & Olesen 2014, Table 1)
# =============================================================================

# n_useful: (upper limit for the longest run, lower limit for crossings).
# round(log2(n)) + 3 and qbinom(0.05, n - 1, 0.5), checked by hand for 10, 20, 24:
#   10: log2 = 3.32 -> 3 + 3 = 6;  qbinom(0.05, 9, .5) = 2
#   20: log2 = 4.32 -> 4 + 3 = 7;  qbinom(0.05, 19, .5) = 6
#   24: log2 = 4.58 -> 5 + 3 = 8;  qbinom(0.05, 23, .5) = 8
ANHOEJ_TABLE = {
    10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4), 16: (7, 4),
    17: (7, 5), 18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7),
    24: (8, 8), 25: (8, 8), 26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10), 30: (8, 10),
}  # fmt: skip


@pytest.mark.parametrize(("n_useful", "limits"), sorted(ANHOEJ_TABLE.items()))
def test_anhoej_limits_match_published_table(n_useful: int, limits: tuple[int, int]) -> None:
    # Alternating 0, 1 with the median of the first two (0.5): every point is useful.
    chart = run_chart([i % 2 for i in range(n_useful)], baseline=2)
    assert chart.n_useful == n_useful
    assert (chart.longest_run_limit, chart.crossings_limit) == limits


def test_longest_run_limit_agrees_with_float_round_log2() -> None:
    # log2(n) is never exactly k + 0.5 for an integer n, so rounding mode is moot.
    for n in range(1, 20001):
        assert _anhoej_longest_run_limit(n) == round(math.log2(n)) + 3


# =============================================================================
# Run charts: worked examples
# =============================================================================

# 12 baseline weeks then 12 improved weeks.
# Baseline sorted: 9 10 10 10 11 11 12 12 12 13 13 14 -> median (11 + 12) / 2 = 11.5.
# Baseline alternates below/above; week 11 (12) is above and the 12 improved
# weeks are all above: one run of 13 points (indices 11..23).
BASELINE = [10, 12, 11, 13, 9, 12, 10, 14, 11, 13, 10, 12]
IMPROVED = [15, 16, 14, 17, 15, 16, 18, 15, 17, 16, 15, 17]


def test_run_chart_clear_shift_after_a_change() -> None:
    chart = run_chart(BASELINE + IMPROVED, baseline=12, better="higher")
    assert chart.median == 11.5
    assert (chart.n, chart.baseline, chart.n_useful) == (24, 12, 24)
    # 11 alternating runs then the run of 13: 12 runs, 11 crossings.
    assert (chart.runs, chart.crossings, chart.longest_run) == (12, 11, 13)
    assert (chart.longest_run_limit, chart.crossings_limit) == (8, 8)
    shift_points = tuple(range(11, 24))
    assert rules(chart) == [
        ("long-run", shift_points, "above", "improvement"),  # 13 > 8
        ("shift", shift_points, "above", "improvement"),  # 13 >= 6
    ]  # 11 crossings >= 8: no few-crossings signal; no 5-point trend anywhere
    assert chart.judgement == "non-random-variation"


def test_run_chart_shift_is_deterioration_when_lower_is_better() -> None:
    chart = run_chart(BASELINE + IMPROVED, baseline=12, better="lower")
    assert {s.verdict for s in chart.signals} == {"deterioration"}


def test_run_chart_baseline_alone_is_random() -> None:
    chart = run_chart(BASELINE)
    assert chart.signals == ()
    assert chart.judgement == "random-variation"


def test_run_chart_points_on_the_median_neither_count_nor_break_a_run() -> None:
    # Baseline (11 points) sorted: 3 4 4 4 5 5 5 6 6 6 7 -> median 5.
    values = [4, 6, 5, 4, 6, 3, 7, 5, 4, 6, 5, 6, 7, 5, 6, 8, 5, 6, 7]
    #  side:  b  a  0  b  a  b  a  0  b  a  0  a  a  0  a  a  0  a  a
    chart = run_chart(values, baseline=11)
    assert chart.median == 5
    # Points on the median: 2, 7, 10, 13, 16 -> 14 useful points.
    assert chart.n_useful == 14
    # Useful sides: b a b a b a b | a a a a a a a  (indices 9, 11, 12, 14, 15, 17, 18)
    assert (chart.runs, chart.crossings, chart.longest_run) == (8, 7, 7)
    # n_useful 14: round(log2 14) + 3 = round(3.81) + 3 = 7; qbinom(.05, 13, .5) = 4.
    assert (chart.longest_run_limit, chart.crossings_limit) == (7, 4)
    # The run of 7 skips the median points 10, 13 and 16 (they would break it into
    # runs of at most 2 if they broke runs). 7 is not > 7: no long-run signal.
    assert rules(chart) == [("shift", (9, 11, 12, 14, 15, 17, 18), "above", "neutral")]


def test_run_chart_decimal_values_on_the_median_are_on_it() -> None:
    # Baseline median (0.1 + 0.3) / 2 = 0.2 exactly in decimal; in binary floats
    # 0.2 is a hair above the exact mean of the floats 0.1 and 0.3.
    values = [0.1, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
    chart = run_chart(values, baseline=2)
    assert chart.median == 0.2
    assert chart.n_useful == 2
    assert chart.signals == ()


def test_run_chart_trend_ignores_equal_neighbours() -> None:
    values = [5, 9, 4, 8, 1, 2, 2, 3, 4, 4, 5, 0]
    # Indices 4..10 read 1 2 2 3 4 4 5: the like points are ignored, leaving
    # 1 2 3 4 5 -> five points, four increases: a trend.
    chart = run_chart(values, better="lower")
    # Sorted: 0 1 2 2 3 4 4 4 5 5 8 9 -> median 4; sides a a 0 a b b b b 0 0 a b.
    assert chart.median == 4
    assert (chart.n_useful, chart.runs, chart.crossings, chart.longest_run) == (9, 4, 3, 4)
    # n_useful 9: round(log2 9) + 3 = 6, qbinom(.05, 8, .5) = 2 -> no runs signal.
    assert (chart.longest_run_limit, chart.crossings_limit) == (6, 2)
    # The tied points inside the trend (6 and 9) are part of its span.
    assert rules(chart) == [("trend", (4, 5, 6, 7, 8, 9, 10), "rising", "deterioration")]


def test_run_chart_trend_of_four_points_is_not_a_trend() -> None:
    # 1 2 2 3 4 has only four distinct steps' worth of points: 1 2 3 4.
    values = [9, 1, 2, 2, 3, 4, 0, 9, 0, 9, 0, 9]
    assert [s for s in run_chart(values).signals if s.rule == "trend"] == []


def test_run_chart_trend_excludes_flat_lead_in_and_tail() -> None:
    # Falling 7 6 5 4 3 after a flat lead-in 7 7 7 and before a flat tail 3 3.
    values = [0, 7, 7, 7, 6, 5, 4, 3, 3, 3, 9, 0]
    trends = [s for s in run_chart(values, better="higher").signals if s.rule == "trend"]
    assert trends == [Signal("trend", (3, 4, 5, 6, 7), "falling", "deterioration")]


def test_run_chart_peak_shared_by_rising_and_falling_trends() -> None:
    values = [1, 2, 3, 4, 5, 4, 3, 2, 1, 9]
    trends = [s for s in run_chart(values).signals if s.rule == "trend"]
    assert trends == [
        Signal("trend", (0, 1, 2, 3, 4), "rising", "neutral"),
        Signal("trend", (4, 5, 6, 7, 8), "falling", "neutral"),
    ]


def test_run_chart_too_few_crossings_alone() -> None:
    # Blocks of four: 0 0 0 0 1 1 1 1 ... (24 points). Median 0.5, 6 runs of 4,
    # 5 crossings < qbinom(.05, 23, .5) = 8; longest run 4 <= 8 and < 6 (no shift).
    values = ([0] * 4 + [1] * 4) * 3
    chart = run_chart(values, better="higher")
    assert (chart.n_useful, chart.runs, chart.crossings, chart.longest_run) == (24, 6, 5, 4)
    assert rules(chart) == [("few-crossings", tuple(range(24)), "none", "neutral")]
    assert chart.judgement == "non-random-variation"


def test_run_chart_few_crossings_lists_only_useful_points() -> None:
    values = [0] * 6 + [5] + [10] * 6  # median 5: index 6 is on it
    chart = run_chart(values)
    few = [s for s in chart.signals if s.rule == "few-crossings"]
    assert few == [Signal("few-crossings", (0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12), "none", "neutral")]


def test_run_chart_nine_points_is_too_few() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # would be a trend and more with 10+
    chart = run_chart(values, better="higher")
    assert chart.judgement == "too-few-points"
    assert chart.signals == ()
    # The statistics are still reported: median 5, 8 useful points,
    # round(log2 8) + 3 = 6, qbinom(.05, 7, .5) = 1 (P(X<=1) = 8/128 = 0.0625).
    assert (chart.median, chart.n_useful, chart.runs, chart.crossings) == (5, 8, 2, 1)
    assert (chart.longest_run_limit, chart.crossings_limit) == (6, 1)
    assert len(values) < MIN_POINTS


def test_run_chart_all_points_on_the_median() -> None:
    chart = run_chart([3] * 12)
    assert (chart.n_useful, chart.runs, chart.crossings, chart.longest_run) == (0, 0, 0, 0)
    assert (chart.longest_run_limit, chart.crossings_limit) == (None, None)
    assert chart.judgement == "random-variation"


# =============================================================================
# XmR charts: worked examples
# =============================================================================

# Stable baseline: mean 114 / 10 = 11.4; moving ranges 2 1 2 3 2 1 2 3 2 -> mMR 18 / 9 = 2.
# Limits 11.4 +/- 2.66 * 2 = 11.4 +/- 5.32 -> 6.08 .. 16.72.
# Two-thirds lines 11.4 +/- 3.5467 -> 7.8533 .. 14.9467.
STABLE = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12]


def test_xmr_limits_from_the_baseline() -> None:
    chart = xmr_chart(STABLE + [11, 12, 10], baseline=10)
    assert chart.mean == pytest.approx(11.4)
    assert chart.mean_moving_range == 2
    assert chart.upper_limit == pytest.approx(16.72)
    assert chart.lower_limit == pytest.approx(6.08)
    assert chart.signals == ()
    assert chart.judgement == "common-cause"


def test_xmr_point_beyond_the_upper_limit() -> None:
    chart = xmr_chart(STABLE + [11, 18, 12], baseline=10, better="higher")
    assert rules(chart) == [("outside-limits", (11,), "above", "improvement")]
    assert chart.judgement == "special-cause"
    lower_is_better = xmr_chart(STABLE + [11, 18, 12], baseline=10, better="lower")
    assert rules(lower_is_better) == [("outside-limits", (11,), "above", "deterioration")]


def test_xmr_point_beyond_the_lower_limit_and_on_a_limit() -> None:
    # 6 < 6.08 is beyond; 16.72 sits exactly on the upper limit and is not beyond.
    chart = xmr_chart(STABLE + [11, 6, 12, 16.72], baseline=10, better="higher")
    assert rules(chart) == [("outside-limits", (11,), "below", "deterioration")]


def test_xmr_seven_points_on_one_side() -> None:
    # S[9] = 12 is above 11.4 too: the run is indices 9..16 (8 points).
    values = STABLE + [12, 13, 12, 12.5, 13, 12, 13]
    chart = xmr_chart(values, baseline=10, better="higher")
    assert rules(chart) == [("seven-one-side", tuple(range(9, 17)), "above", "improvement")]


def test_xmr_point_on_the_mean_breaks_the_run() -> None:
    # 11.4 is exactly the mean: 3 above | on the mean | 5 above -> no run of 7
    # (NHSRplotthedots: sign(y - mean) = 0 breaks ptd_seven_point_one_side_mean).
    values = STABLE + [12, 13, 11.4, 12, 13, 12, 13, 12]
    chart = xmr_chart(values, baseline=10)
    assert chart.signals == ()
    assert chart.judgement == "common-cause"


def test_xmr_seven_point_rising_trend() -> None:
    # 8 9 10 11 12 13 14 strictly rising (indices 10..16); sides b b b b a a a, no
    # point beyond a two-thirds line (7.85 < 8, 14 < 14.95), none outside.
    chart = xmr_chart(STABLE + [8, 9, 10, 11, 12, 13, 14], baseline=10, better="higher")
    assert rules(chart) == [("seven-trend", tuple(range(10, 17)), "rising", "improvement")]


def test_xmr_seven_point_falling_trend() -> None:
    chart = xmr_chart(STABLE + [14, 13, 12, 11, 10, 9, 8], baseline=10, better="higher")
    assert rules(chart) == [("seven-trend", tuple(range(10, 17)), "falling", "deterioration")]


def test_xmr_equal_neighbours_break_a_trend() -> None:
    # 8 9 10 10 11 12 13 14: the repeated 10 splits it into 3 + 5 points.
    chart = xmr_chart(STABLE + [8, 9, 10, 10, 11, 12, 13, 14], baseline=10)
    assert chart.signals == ()


def test_xmr_two_of_three_beyond_two_thirds() -> None:
    # 15 and 15.5 are beyond 14.9467 with 12 between them, all above the mean.
    values = STABLE + [15, 12, 15.5, 11, 10]
    chart = xmr_chart(values, baseline=10, better="lower")
    assert rules(chart) == [("two-of-three", (10, 12), "above", "deterioration")]


def test_xmr_two_of_three_needs_all_three_on_one_side() -> None:
    # 11 in the middle is below the mean: the window does not qualify.
    values = STABLE + [15, 11, 15.5, 11, 10]
    assert xmr_chart(values, baseline=10).signals == ()


def test_xmr_two_of_three_counts_points_beyond_the_limit() -> None:
    # 16 is between the two-thirds line and the limit, 17 is beyond the limit:
    # both count towards two-of-three (Making Data Count, 2023 tools), and 17 is
    # also outside the limits.
    values = STABLE + [16, 17, 12, 10]
    chart = xmr_chart(values, baseline=10, better="higher")
    assert rules(chart) == [
        ("outside-limits", (11,), "above", "improvement"),
        ("two-of-three", (10, 11), "above", "improvement"),
    ]


def test_xmr_two_of_three_below() -> None:
    values = STABLE + [7.5, 10, 7, 12]  # 7.5 and 7 < 7.8533, 10 below the mean
    chart = xmr_chart(values, baseline=10, better="higher")
    assert rules(chart) == [("two-of-three", (10, 12), "below", "deterioration")]


def test_xmr_zero_moving_range_limits_equal_the_mean() -> None:
    chart = xmr_chart([5] * 10 + [6], baseline=10, better="higher")
    assert (chart.mean, chart.mean_moving_range, chart.upper_limit, chart.lower_limit) == (5, 0, 5, 5)
    assert rules(chart) == [("outside-limits", (10,), "above", "improvement")]
    flat = xmr_chart([5] * 12)
    assert flat.signals == ()
    assert flat.judgement == "common-cause"


def test_xmr_nine_points_is_too_few_but_limits_are_given() -> None:
    chart = xmr_chart([10, 12, 11, 13, 10, 12, 11, 13, 40])
    assert chart.judgement == "too-few-points"
    assert chart.signals == ()
    # mean 132 / 9; moving ranges 2 1 2 3 2 1 2 27 -> mMR 40 / 8 = 5
    assert chart.mean == pytest.approx(132 / 9)
    assert chart.mean_moving_range == 5
    assert chart.upper_limit == pytest.approx(132 / 9 + 13.3)


def test_xmr_single_point_baseline_has_no_limits() -> None:
    chart = xmr_chart([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], baseline=1)
    assert chart.mean == 1
    assert math.isnan(chart.mean_moving_range)
    assert math.isnan(chart.upper_limit) and math.isnan(chart.lower_limit)
    assert chart.judgement == "too-few-points"
    assert chart.signals == ()


def test_xmr_baseline_none_uses_all_points() -> None:
    values = STABLE + [11, 18, 12]
    chart = xmr_chart(values)
    assert chart.baseline == len(values)
    assert chart.mean == pytest.approx(sum(values) / len(values))


# =============================================================================
# Validation
# =============================================================================


@pytest.mark.parametrize("chart", [run_chart, xmr_chart])
@pytest.mark.parametrize(
    ("values", "kwargs", "message"),
    [
        ([], {}, "empty"),
        ([1.0, math.nan, 2.0], {}, "finite"),
        ([1.0, math.inf], {}, "finite"),
        ([1.0, -math.inf], {}, "finite"),
        ([1, 2, 3], {"baseline": 0}, "baseline"),
        ([1, 2, 3], {"baseline": 4}, "baseline"),
        ([1, 2, 3], {"baseline": -1}, "baseline"),
        ([1, 2, 3], {"better": "up"}, "better"),
    ],
)
def test_bad_arguments_raise_value_error(chart, values, kwargs, message) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=message):
        chart(values, **kwargs)


@pytest.mark.parametrize("chart", [run_chart, xmr_chart])
def test_non_numbers_raise_type_error(chart) -> None:  # noqa: ANN001
    with pytest.raises(TypeError):
        chart("123")
    with pytest.raises(TypeError):
        chart([1, "2", 3])
    with pytest.raises(TypeError):
        chart([1, 2, 3], baseline=1.5)


def test_results_are_frozen_with_tuples() -> None:
    chart = run_chart(BASELINE + IMPROVED, baseline=12)
    assert isinstance(chart.signals, tuple)
    assert all(isinstance(s.points, tuple) for s in chart.signals)
    with pytest.raises(AttributeError):
        chart.median = 0  # type: ignore[misc]


# =============================================================================
# Properties
# =============================================================================

small_series = st.lists(st.integers(-6, 6), min_size=1, max_size=30)
betters = st.sampled_from(["higher", "lower", None])
# Factors and offsets whose float arithmetic on small integers is exact.
factors = st.sampled_from([1, 2, 3, 10, 0.5, 0.25, 1.5, 1000])
offsets = st.one_of(st.integers(-1000, 1000), st.sampled_from([0.5, -2.5, 1e6]))
charts = st.sampled_from([run_chart, xmr_chart])


@st.composite
def series_and_baseline(draw: st.DrawFn) -> tuple[list[int], int | None]:
    values = draw(small_series)
    baseline = draw(st.one_of(st.none(), st.integers(1, len(values))))
    return values, baseline


def _summary(chart: RunChart | XmRChart) -> tuple:
    if isinstance(chart, RunChart):
        counts: tuple = (chart.n_useful, chart.runs, chart.crossings, chart.longest_run)
    else:
        counts = ()
    return (chart.judgement, counts, rules(chart))


@given(series_and_baseline(), offsets, betters, charts)
def test_adding_a_constant_changes_no_signal(data, offset, better, chart) -> None:  # noqa: ANN001
    values, baseline = data
    before = chart(values, baseline=baseline, better=better)
    after = chart([v + offset for v in values], baseline=baseline, better=better)
    assert _summary(after) == _summary(before)


@given(series_and_baseline(), factors, betters, charts)
def test_multiplying_by_a_positive_factor_changes_no_signal(data, factor, better, chart) -> None:  # noqa: ANN001
    values, baseline = data
    before = chart(values, baseline=baseline, better=better)
    after = chart([v * factor for v in values], baseline=baseline, better=better)
    assert _summary(after) == _summary(before)


SWAP = {"improvement": "deterioration", "deterioration": "improvement", "neutral": "neutral"}


@given(series_and_baseline(), charts)
def test_flipping_better_swaps_improvement_and_deterioration(data, chart) -> None:  # noqa: ANN001
    values, baseline = data
    higher = chart(values, baseline=baseline, better="higher")
    lower = chart(values, baseline=baseline, better="lower")
    neutral = chart(values, baseline=baseline, better=None)
    assert [(r, p, d, SWAP[v]) for r, p, d, v in rules(higher)] == rules(lower)
    assert [(r, p, d, "neutral") for r, p, d, _ in rules(higher)] == rules(neutral)


MIRROR_DIRECTION = {"rising": "falling", "falling": "rising", "above": "above", "below": "below", "none": "none"}


@given(small_series, betters, charts)
def test_reversing_time_mirrors_trends(values, better, chart) -> None:  # noqa: ANN001
    n = len(values)
    forward = chart(values, better=better)
    backward = chart(values[::-1], better=better)
    expected = []
    for rule, points, direction, verdict in rules(forward):
        mirrored = tuple(sorted(n - 1 - i for i in points))
        flipped = MIRROR_DIRECTION[direction]
        # A rising trend read backwards is a falling one: its verdict flips too.
        new_verdict = SWAP[verdict] if flipped != direction else verdict
        expected.append((rule, mirrored, flipped, new_verdict))
    assert rules(backward) == sorted(expected)
    assert backward.judgement == forward.judgement


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=25),
    st.data(),
    betters,
)
def test_any_finite_input_gives_a_result(values, data, better) -> None:  # noqa: ANN001
    baseline = data.draw(st.one_of(st.none(), st.integers(1, len(values))))
    run = run_chart(values, baseline=baseline, better=better)
    xmr = xmr_chart(values, baseline=baseline, better=better)
    for chart in (run, xmr):
        assert chart.n == len(values)
        assert chart.baseline == (len(values) if baseline is None else baseline)
        if chart.n < MIN_POINTS:
            assert chart.judgement == "too-few-points" and chart.signals == ()
        for signal in chart.signals:
            assert list(signal.points) == sorted(set(signal.points))
            assert all(0 <= i < len(values) for i in signal.points)


@given(series_and_baseline(), betters)
def test_run_chart_counts_are_consistent(data, better) -> None:  # noqa: ANN001
    values, baseline = data
    chart = run_chart(values, baseline=baseline, better=better)
    assert chart.n_useful == sum(1 for v in values if v != chart.median)
    assert chart.runs == (chart.crossings + 1 if chart.n_useful else 0)
    assert chart.longest_run <= chart.n_useful
    has_signals = bool(chart.signals)
    assert chart.judgement in (("non-random-variation",) if has_signals else ("random-variation", "too-few-points"))


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ({"shfit"}, "unknown rule 'shfit' (rules: shift, trend"),
        (["shift", "nope", "also-nope"], "unknown rules 'also-nope', 'nope'"),
        ("shift", "not the string 'shift'"),
    ],
)
def test_rules_that_are_not_rules_are_refused(names: Any, message: str) -> None:
    # A misspelt rule would otherwise apply nothing and call any series random variation.
    with pytest.raises(ValueError, match=re.escape(message)):
        run_and_xmr_charts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], rules=names)


def test_a_subset_of_rules_is_taken() -> None:
    run, xmr = run_and_xmr_charts([1] * 6 + [9] * 6, rules=["shift"])
    assert {s.rule for s in run.signals} == {"shift"}
    assert xmr.signals == ()
