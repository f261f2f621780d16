"""Exactness of the analysis: points on awkward limits, decimals read as written, extreme magnitudes.

The charts compare every point with its centre line and limits exactly (the series is scaled to
integers over a common denominator). These tests pin the edge cases of that arithmetic through the
public functions, against expected values worked out with :class:`fractions.Fraction`.
"""

from __future__ import annotations

import itertools
import math
import statistics
import sys
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_qi_skills.analysis import run_and_xmr_charts, run_chart, xmr_chart

# Baseline 0 1 3: mean 4/3; moving ranges 1 2 -> mMR 3/2.
# Limits 4/3 +/- 2.66 * 3/2 = 4/3 +/- 399/100 -> 1597/300 and -797/300 (neither a terminating decimal).
# Two-thirds lines 4/3 +/- (2/3) * 399/100 = 4/3 +/- 133/50 -> 599/150 and -199/150.
AWKWARD_BASELINE = [0, 1, 3]
UPPER = Fraction(1597, 300)
LOWER = Fraction(-797, 300)
NEAR_UPPER = Fraction(599, 150)
TINY = Fraction(1, 10**30)


def signals_of(rule: str, values: list[object], **kwargs: object) -> list[tuple[tuple[int, ...], str]]:
    chart = xmr_chart(values, **kwargs)  # type: ignore[arg-type]
    return [(s.points, s.direction) for s in chart.signals if s.rule == rule]


def test_awkward_limits_are_reported_as_their_nearest_floats() -> None:
    chart = xmr_chart(AWKWARD_BASELINE + [1, 2] * 4, baseline=3)
    assert chart.mean == float(Fraction(4, 3))
    assert chart.mean_moving_range == 1.5
    assert chart.upper_limit == float(UPPER)
    assert chart.lower_limit == float(LOWER)


def test_a_point_exactly_on_an_awkward_limit_is_not_beyond_it() -> None:
    # Indices 9 and 10 sit exactly on the limits; 11 and 12 are beyond them by 1e-30.
    values = AWKWARD_BASELINE + [1, 2] * 3 + [UPPER, LOWER, UPPER + TINY, LOWER - TINY]
    assert signals_of("outside-limits", values, baseline=3) == [((11,), "above"), ((12,), "below")]


def test_a_point_exactly_on_a_two_thirds_line_is_not_beyond_it() -> None:
    # Three points above the mean; on the line twice, then beyond it twice.
    on_the_line = AWKWARD_BASELINE + [1, 2] * 3 + [NEAR_UPPER, NEAR_UPPER, 2, 1]
    assert signals_of("two-of-three", on_the_line, baseline=3) == []
    beyond = AWKWARD_BASELINE + [1, 2] * 3 + [NEAR_UPPER + TINY, NEAR_UPPER, NEAR_UPPER + TINY, 1]
    assert signals_of("two-of-three", beyond, baseline=3) == [((9, 11), "above")]


def test_decimal_floats_are_read_as_written() -> None:
    # Baseline 0.1 0.2 ... : mean exactly 0.15 (the binary floats would sum a hair above it), so a
    # 0.15 among the 0.2s is on the mean and breaks the run of seven.
    baseline = [0.1, 0.2] * 5
    on_the_mean = baseline + [0.2] * 3 + [0.15] + [0.2] * 4
    assert signals_of("seven-one-side", on_the_mean, baseline=10) == []
    assert signals_of("seven-one-side", baseline + [0.2] * 8, baseline=10) == [(tuple(range(9, 18)), "above")]
    # 0.1 + 0.2 is 0.30000000000000004 in floats; read as decimals the median of 0.1, 0.2, 0.3, 0.4
    # is exactly 0.25, and the point 0.25 is on it.
    chart = run_chart([0.1, 0.2, 0.3, 0.4, 0.25], baseline=4)
    assert chart.median == 0.25
    assert chart.n_useful == 4


def test_ints_floats_and_fractions_mix_exactly() -> None:
    # Thirds and tenths in one series: the mean of the baseline 1/3, 0.1, 1 is 43/90.
    chart = xmr_chart([Fraction(1, 3), 0.1, 1, Fraction(43, 90), 2], baseline=3)
    assert chart.mean == float(Fraction(43, 90))
    run = run_chart([Fraction(1, 3), 0.1, 1, Fraction(1, 3)], baseline=3)
    assert run.median == float(Fraction(1, 3))
    assert run.n_useful == 2  # both 1/3 are on the median


def test_values_far_apart_in_size_keep_their_order() -> None:
    values = [0, 0, 0, 1e-310, 2e-310, 3e-310, 5e-324 * 100, 1e300, 2e300, 3e300]
    chart = xmr_chart(values)
    assert [s.points for s in chart.signals if s.rule == "seven-trend"] == []  # 5e-322 < 3e-310 breaks it
    rising = [0, 0, 0, 1e-310, 2e-310, 3e-310, 1e-300, 1e300, 2e300, 3e300]
    assert [s.points for s in xmr_chart(rising).signals if s.rule == "seven-trend"] == [tuple(range(2, 10))]


def test_limits_beyond_the_float_range_saturate() -> None:
    biggest = sys.float_info.max
    chart = xmr_chart([biggest, -biggest] * 5)
    assert chart.mean == 0
    assert chart.mean_moving_range == math.inf
    assert (chart.lower_limit, chart.upper_limit) == (-math.inf, math.inf)
    assert chart.judgement == "common-cause"


# =============================================================================
# Properties: the reported figures and signals are those of exact arithmetic
# =============================================================================

# Decimals with up to 4 places, as floats (read back exactly as the decimal written).
decimals = st.builds(lambda units, places: float(f"{units}e-{places}"), st.integers(-2000, 2000), st.integers(0, 4))
mixed_numbers = st.one_of(decimals, st.integers(-50, 50), st.fractions(max_denominator=12).filter(lambda f: abs(f) < 50))


def _exact(value: object) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]


@st.composite
def series_and_baseline(draw: st.DrawFn) -> tuple[list[object], int]:
    pool = draw(st.lists(mixed_numbers, min_size=1, max_size=6))  # a small pool gives ties
    values = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=24))
    return values, draw(st.integers(2, len(values)))


@given(series_and_baseline())
def test_xmr_figures_and_outside_limits_are_exact(data: tuple[list[object], int]) -> None:
    values, baseline = data
    exact = [_exact(v) for v in values]
    mean = sum(exact[:baseline], Fraction(0)) / baseline
    ranges = [abs(b - a) for a, b in itertools.pairwise(exact[:baseline])]
    mmr = sum(ranges, Fraction(0)) / len(ranges)
    upper, lower = mean + Fraction("2.66") * mmr, mean - Fraction("2.66") * mmr
    chart = xmr_chart(values, baseline=baseline)  # type: ignore[arg-type]
    assert (chart.mean, chart.mean_moving_range) == (float(mean), float(mmr))
    assert (chart.upper_limit, chart.lower_limit) == (float(upper), float(lower))
    if chart.judgement != "too-few-points":
        beyond = [i for i, x in enumerate(exact) if x > upper or x < lower]
        assert [s.points[0] for s in chart.signals if s.rule == "outside-limits"] == beyond


@given(series_and_baseline())
def test_run_chart_median_and_useful_points_are_exact(data: tuple[list[object], int]) -> None:
    values, baseline = data
    exact = [_exact(v) for v in values]
    median = statistics.median(exact[:baseline])
    chart = run_chart(values, baseline=baseline)  # type: ignore[arg-type]
    assert chart.median == float(median)
    assert chart.n_useful == sum(1 for x in exact if x != median)


@given(series_and_baseline(), st.sampled_from(["higher", "lower", None]))
def test_both_charts_at_once_equal_each_chart_alone(data: tuple[list[object], int], better: str | None) -> None:
    values, baseline = data
    both = run_and_xmr_charts(values, baseline=baseline, better=better)  # type: ignore[arg-type]
    assert both == (
        run_chart(values, baseline=baseline, better=better),  # type: ignore[arg-type]
        xmr_chart(values, baseline=baseline, better=better),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("values", "kwargs", "error"),
    [
        ([], {}, ValueError),
        ([1.0, math.nan], {}, ValueError),
        ([1, 2, 3], {"baseline": 4}, ValueError),
        ([1, 2, 3], {"better": "up"}, ValueError),
        ("123", {}, TypeError),
        ([1, True], {}, TypeError),
    ],
)
def test_both_charts_at_once_reject_what_each_rejects(values: object, kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        run_and_xmr_charts(values, **kwargs)  # type: ignore[arg-type]
