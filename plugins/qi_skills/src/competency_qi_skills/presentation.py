"""A qi-project's analysis as the core's presentation vocabulary: tables, run charts and XmR charts.

The core's Markdown and HTML exporters draw these values without knowing anything about QI; every
number here comes from :mod:`competency_qi_skills.measures` (nothing is recomputed by the exporters).
Each measure gives two line charts: the run chart (median centre line, the run chart rules) and the
XmR chart (mean, process limits, the Making Data Count rules), each with its baseline, the
measure's annotations and a marker on every point of every signal, naming the rule.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from competency.presentation import Annotation, LineChart, Marker, Table

from .analysis import Signal
from .measures import _JUDGEMENT_TEXT, _RULE_TEXT, MeasureResult, number_text
from .rules import LEVELS, AreaLevel

if TYPE_CHECKING:
    from .project import QIProject


def rule_name(signal: Signal, *, crossings: int | None = None, crossings_limit: int | None = None) -> str:
    """A signal's rule in words, as the text output names it ("shift below the median")."""
    side = signal.direction if signal.direction in ("above", "below") else ""
    way = signal.direction if signal.direction in ("rising", "falling") else ""
    limit = "upper" if signal.direction == "above" else "lower"
    text = _RULE_TEXT[signal.rule].format(side=side, way=way, limit=limit)
    if signal.rule == "few-crossings" and crossings is not None and crossings_limit is not None:
        text += f" ({crossings}, fewer than {crossings_limit})"
    return text


def _markers(signals: Sequence[Signal], **rule_details: int | None) -> tuple[Marker, ...]:
    return tuple(
        Marker(index=i, rule=rule_name(s, **rule_details), verdict=s.verdict) for s in signals for i in s.points
    )


def _annotations(result: MeasureResult) -> tuple[Annotation, ...]:
    dates = [p.date for p in result.measure.points]
    notes = []
    for note in result.measure.annotations:
        index = _first_on_or_after(dates, note.date)
        if index is not None:
            notes.append(Annotation(index=index, text=note.text))
    return tuple(notes)


def _first_on_or_after(dates: Sequence[datetime.date], day: datetime.date) -> int | None:
    return next((i for i, d in enumerate(dates) if d >= day), None)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def measure_charts(result: MeasureResult) -> tuple[LineChart, ...]:
    """The run chart and the XmR chart of one measure (none for a measure without points)."""
    m = result.measure
    if result.run is None or result.xmr is None:
        return ()
    run, xmr = result.run, result.xmr
    labels = tuple(p.date.isoformat() for p in m.points)
    values = tuple(float(p.value) for p in m.points)
    notes = _annotations(result)
    about = f"{m.type.capitalize()} measure, {m.unit}; {m.better} is better."
    baseline = "every point" if result.baseline == result.n else f"the first {result.baseline} points"
    run_chart = LineChart(
        title=f"{m.name}: run chart",
        description=f"{about} Centre line: the median of {baseline}. Judgement: {_JUDGEMENT_TEXT[run.judgement]}.",
        x_labels=labels,
        values=values,
        unit=m.unit,
        centre=_finite(run.median),
        centre_label="median",
        baseline=result.baseline,
        markers=_markers(run.signals, crossings=run.crossings, crossings_limit=run.crossings_limit),
        annotations=notes,
    )
    xmr_chart = LineChart(
        title=f"{m.name}: XmR chart",
        description=(f"{about} Centre line: the mean of {baseline}; process limits at the mean plus or minus 2.66 "
                     f"mean moving ranges. Judgement: {_JUDGEMENT_TEXT[xmr.judgement]}."),
        x_labels=labels,
        values=values,
        unit=m.unit,
        centre=_finite(xmr.mean),
        centre_label="mean",
        upper=_finite(xmr.upper_limit),
        lower=_finite(xmr.lower_limit),
        baseline=result.baseline,
        markers=_markers(xmr.signals),
        annotations=notes,
    )
    return run_chart, xmr_chart


def project_tables(
    project: QIProject,
    results: Sequence[MeasureResult],
    levels: Sequence[AreaLevel],
    titles: Mapping[str, str],
    pareto: Mapping[str, Any] | None,
) -> Iterator[Table]:
    """The project's method areas, measures, PDSA cycles, demand and capacity, and Pareto as tables.

    ``pareto`` is the analysis data's ranked Pareto (largest first, with cumulative shares)."""
    yield Table(
        title="Method areas evidenced",
        columns=("Method area", "Level", "Facts of the rule met"),
        rows=tuple(
            (titles.get(found.area, found.area), found.level, ", ".join(found.rule.conditions)) for found in levels
        ),
        note=f"Levels on the qi-skills scale ({', '.join(LEVELS)}), given by the rules of docs/qi-project-format.md.",
    )
    if results:
        yield Table(
            title="Measures",
            columns=("Measure", "Type", "Better", "Points", "Baseline", "Run chart", "XmR chart", "Verdict"),
            rows=tuple(_measure_row(r) for r in results),
        )
    if project.pdsa_cycles:
        yield Table(
            title="PDSA cycles",
            columns=("Cycle", "Start", "End", "Act"),
            rows=tuple(
                (c.title or f"cycle {i}", c.start.isoformat(), c.end.isoformat(), c.act)
                for i, c in enumerate(project.pdsa_cycles, 1)
            ),
        )
    dc = project.demand_capacity
    if dc is not None:
        yield Table(
            title=f"Demand and capacity at {dc.step} ({dc.unit} per {dc.period})",
            columns=("Demand", "Capacity", "Activity", "Backlog", "Demand minus capacity"),
            rows=((number_text(dc.demand), number_text(dc.capacity), number_text(dc.activity), number_text(dc.backlog),
                   number_text(dc.demand - dc.capacity)),),
            note="A positive demand minus capacity means more arrives than the step can do, so the backlog grows.",
        )
    if pareto is not None and pareto["categories"]:
        yield Table(
            title=f"Pareto: {pareto['description']}",
            columns=("Category", "Count", "Cumulative share"),
            rows=tuple(
                (row["category"], str(row["count"]),
                 "n/a" if row["cumulative_share"] is None else f"{row['cumulative_share']:.0%}")
                for row in pareto["categories"]
            ),
        )


def _measure_row(result: MeasureResult) -> tuple[str, ...]:
    m = result.measure
    baseline = "every point" if result.baseline == result.n else f"first {result.baseline}"
    run = _JUDGEMENT_TEXT[result.run.judgement] if result.run else "n/a"
    xmr = _JUDGEMENT_TEXT[result.xmr.judgement] if result.xmr else "n/a"
    return (f"{m.name} ({m.unit})", m.type, m.better, str(result.n), baseline, run, xmr, result.verdict)
