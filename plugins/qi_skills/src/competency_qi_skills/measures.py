"""One measure of a QI project judged as a run chart and an XmR chart, and that result as plain data.

The rules themselves live in :mod:`competency_qi_skills.analysis` (each cites its source); this module
only works out the baseline a measure's fields describe, runs both charts, and lays the results out
as JSON-able data and short text lines, so that reports can draw the charts without recomputing.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .analysis import MIN_POINTS, RunChart, Signal, XmRChart, run_and_xmr_charts

if TYPE_CHECKING:
    from .project import Measure

#: What a series under :data:`MIN_POINTS` points is reported as (DOMAIN.md: "say so, do not judge").
TOO_FEW = "too few points to judge"

#: How each rule's signal reads in text; ``{side}`` is above/below, ``{way}`` rising/falling.
_RULE_TEXT = {
    "shift": "shift {side} the median",
    "trend": "trend, {way}",
    "long-run": "unusually long run {side} the median",
    "few-crossings": "too few crossings of the median",
    "outside-limits": "beyond the {limit} limit",
    "seven-one-side": "7 or more points {side} the mean",
    "seven-trend": "7 or more points {way}",
    "two-of-three": "2 of 3 points near the {limit} limit",
}

_JUDGEMENT_TEXT = {
    "too-few-points": TOO_FEW,
    "random-variation": "random variation",
    "non-random-variation": "non-random variation",
    "common-cause": "common cause variation only",
    "special-cause": "special cause variation",
}


@attrs.frozen
class MeasureResult:
    """A measure with its baseline (number of leading points) and both charts.

    ``run`` and ``xmr`` are None only for a measure with no points (which validation rejects).
    """

    measure: Measure
    baseline: int
    run: RunChart | None
    xmr: XmRChart | None

    @property
    def n(self) -> int:
        """The number of points."""
        return len(self.measure.points)

    @property
    def judged(self) -> bool:
        """True when the series has enough points for the rules to be applied."""
        return self.run is not None and self.run.judgement != "too-few-points"

    @property
    def signals(self) -> tuple[Signal, ...]:
        """Every signal of both charts, run chart first."""
        return (self.run.signals if self.run else ()) + (self.xmr.signals if self.xmr else ())

    @property
    def verdict(self) -> str:
        """``improvement``, ``deterioration``, ``mixed``, ``no signal`` or :data:`TOO_FEW`.

        Only signals with a direction count: too few crossings says the process changed but not
        which way, so on its own it gives ``no signal of direction``.
        """
        if not self.judged:
            return TOO_FEW
        verdicts = {s.verdict for s in self.signals}
        if {"improvement", "deterioration"} <= verdicts:
            return "mixed"
        if "improvement" in verdicts:
            return "improvement"
        if "deterioration" in verdicts:
            return "deterioration"
        return "no signal of direction" if self.signals else "no signal"


def baseline_size(measure: Measure) -> int:
    """The number of leading points that make up the baseline.

    ``baseline_points`` counts them; ``baseline_end`` takes the points dated on or before it; with
    neither, every point is the baseline. Clamped to ``1..n`` so that an item that skipped
    validation still gives a result (validation reports an out-of-range baseline).
    """
    n = len(measure.points)
    if measure.baseline_points is not None:
        size = measure.baseline_points
    elif measure.baseline_end is not None:
        end = measure.baseline_end
        size = sum(1 for p in measure.points if p.date <= end)
    else:
        size = n
    return max(1, min(size, n))


def analyse_measure(measure: Measure, *, rules: Collection[str] | None = None) -> MeasureResult:
    """Judge ``measure`` as a run chart and an XmR chart over its baseline (only by ``rules``, when given:
    see :func:`~competency_qi_skills.analysis.run_and_xmr_charts`)."""
    values = [p.value for p in measure.points]
    if not values:
        return MeasureResult(measure, 0, None, None)
    base = baseline_size(measure)
    run, xmr = run_and_xmr_charts(values, baseline=base, better=measure.better, rules=rules)
    return MeasureResult(measure, base, run, xmr)


# -- plain data ---------------------------------------------------------------------------------


def _number(x: float) -> float | None:
    """A float for JSON: NaN and infinities (a one-point baseline has no limits) become null."""
    return x if math.isfinite(x) else None


def _signal_data(signal: Signal, dates: Sequence[datetime.date]) -> dict[str, Any]:
    return {
        "rule": signal.rule,
        "direction": signal.direction,
        "verdict": signal.verdict,
        "points": list(signal.points),
        "dates": [dates[i].isoformat() for i in signal.points],
    }


def measure_data(result: MeasureResult) -> dict[str, Any]:
    """The measure, its series, annotations and both charts as JSON-able data (docs/analysis.md)."""
    m = result.measure
    dates = [p.date for p in m.points]
    data: dict[str, Any] = {
        "name": m.name,
        "type": m.type,
        "unit": m.unit,
        "better": m.better,
        "description": m.description,
        "n": result.n,
        "baseline": {
            "points": result.baseline,
            "first_date": dates[0].isoformat() if dates else None,
            "last_date": dates[result.baseline - 1].isoformat() if dates else None,
            "marked": m.baseline_points is not None or m.baseline_end is not None,
        },
        "series": [{"index": i, "date": p.date.isoformat(), "value": p.value} for i, p in enumerate(m.points)],
        "annotations": [
            {"date": a.date.isoformat(), "text": a.text, "index": _first_index_on_or_after(dates, a.date)}
            for a in m.annotations
        ],
        "judged": result.judged,
        "verdict": result.verdict,
        "run_chart": None,
        "xmr_chart": None,
    }
    if result.run is not None:
        run = result.run
        data["run_chart"] = {
            "judgement": run.judgement,
            "centre_line": _number(run.median),
            "n": run.n,
            "baseline": run.baseline,
            "n_useful": run.n_useful,
            "runs": run.runs,
            "crossings": run.crossings,
            "longest_run": run.longest_run,
            "longest_run_limit": run.longest_run_limit,
            "crossings_limit": run.crossings_limit,
            "signals": [_signal_data(s, dates) for s in run.signals],
        }
    if result.xmr is not None:
        xmr = result.xmr
        # The "two thirds of the way to a limit" lines of the two-of-three rule, for drawing.
        near_upper = xmr.mean + (xmr.upper_limit - xmr.mean) * 2 / 3
        near_lower = xmr.mean - (xmr.mean - xmr.lower_limit) * 2 / 3
        data["xmr_chart"] = {
            "judgement": xmr.judgement,
            "centre_line": _number(xmr.mean),
            "mean_moving_range": _number(xmr.mean_moving_range),
            "upper_limit": _number(xmr.upper_limit),
            "lower_limit": _number(xmr.lower_limit),
            "upper_two_thirds": _number(near_upper),
            "lower_two_thirds": _number(near_lower),
            "n": xmr.n,
            "baseline": xmr.baseline,
            "signals": [_signal_data(s, dates) for s in xmr.signals],
        }
    return data


def _first_index_on_or_after(dates: Sequence[datetime.date], day: datetime.date) -> int | None:
    """The first point a change dated ``day`` could have affected (None if it is after the last)."""
    return next((i for i, d in enumerate(dates) if d >= day), None)


# -- text -----------------------------------------------------------------------------------------


def number_text(x: float | None) -> str:
    """A short, readable number: two decimals at most, trailing zeros dropped."""
    if x is None or not math.isfinite(x):
        return "n/a"
    magnitude = abs(x)
    if magnitude >= 1e7 or 0 < magnitude < 0.01:
        return f"{x:.3g}"
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _points_text(signal: Signal, dates: Sequence[datetime.date]) -> str:
    points = signal.points
    if not points:
        return "no points"
    if len(points) == 1:
        return f"1 point, {dates[points[0]].isoformat()}"
    if len(points) == 2:
        return f"2 points, {dates[points[0]].isoformat()} and {dates[points[1]].isoformat()}"
    return f"{len(points)} points, {dates[points[0]].isoformat()} to {dates[points[-1]].isoformat()}"


def signal_text(signal: Signal, dates: Sequence[datetime.date], run: RunChart | None = None) -> str:
    """One signal as a line of text: the rule, the points involved and the verdict."""
    side = signal.direction if signal.direction in ("above", "below") else ""
    way = signal.direction if signal.direction in ("rising", "falling") else ""
    limit = "upper" if signal.direction == "above" else "lower"
    what = _RULE_TEXT[signal.rule].format(side=side, way=way, limit=limit)
    if signal.rule == "few-crossings" and run is not None:
        what += f" ({run.crossings}, fewer than {run.crossings_limit})"
        return f"{what}: {signal.verdict}"
    return f"{what}, {_points_text(signal, dates)}: {signal.verdict}"


def measure_lines(result: MeasureResult) -> Iterator[str]:
    """The measure's result as text lines (the caller wraps them to the terminal's width)."""
    m = result.measure
    dates = [p.date for p in m.points]
    yield f'measure "{m.name}" ({m.type}, {m.unit}, {m.better} is better)'
    if not dates:
        yield "  no points"
        return
    baseline = "every point" if result.baseline == result.n else f"first {result.baseline}, to {dates[result.baseline - 1].isoformat()}"
    yield f"  {result.n} points, {dates[0].isoformat()} to {dates[-1].isoformat()}; baseline {baseline}"
    run, xmr = result.run, result.xmr
    assert run is not None and xmr is not None
    if not result.judged:
        yield f"  {TOO_FEW} ({result.n} points; at least {MIN_POINTS} needed)"
        yield f"  run chart: median {number_text(run.median)}"
        if math.isfinite(xmr.upper_limit):
            yield (f"  XmR: mean {number_text(xmr.mean)}, limits {number_text(xmr.lower_limit)} "
                   f"to {number_text(xmr.upper_limit)}")
        return
    yield f"  run chart: median {number_text(run.median)}; {_JUDGEMENT_TEXT[run.judgement]}"
    for signal in run.signals:
        yield "    " + signal_text(signal, dates, run)
    yield (f"  XmR: mean {number_text(xmr.mean)}, limits {number_text(xmr.lower_limit)} to "
           f"{number_text(xmr.upper_limit)}; {_JUDGEMENT_TEXT[xmr.judgement]}")
    for signal in _merge_outside_limits(xmr.signals):
        yield "    " + signal_text(signal, dates)
    yield f"  verdict: {result.verdict}"


def _merge_outside_limits(signals: Sequence[Signal]) -> list[Signal]:
    """For text only: the points beyond the same limit as one line (the data keeps one per point)."""
    merged: list[Signal] = []
    for signal in signals:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and signal.rule == previous.rule == "outside-limits"
            and (signal.direction, signal.verdict) == (previous.direction, previous.verdict)
        ):
            merged[-1] = attrs.evolve(previous, points=previous.points + signal.points)
        else:
            merged.append(signal)
    return merged
