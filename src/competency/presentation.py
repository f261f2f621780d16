"""A small vocabulary of tables and charts that evidence kinds use to present their analyses.

A plugin's analysis (a 360 report, a QI measure) fills these plain values; the core's exporters draw
them (HTML as SVG, Markdown as tables, text as lines) without knowing anything about the plugin. All
numbers are computed by the plugin: exporters never recompute.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Table:
    """A table with a caption, column headings and rows of already formatted cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@attrs.frozen
class RadarSeries:
    """One polygon of a radar chart: a value per axis (None where there is none to show)."""

    name: str
    values: tuple[float | None, ...]


@attrs.frozen
class RadarChart:
    """A radar (spider) chart: axes around a circle, one polygon per series.

    ``levels`` labels the rings from ``minimum`` upwards, one ring per whole number.
    """

    title: str
    description: str
    axes: tuple[str, ...]
    series: tuple[RadarSeries, ...]
    minimum: float
    maximum: float
    levels: tuple[str, ...] = ()
    kind: str = "radar"


@attrs.frozen
class Marker:
    """A highlighted point of a line chart: which rule it triggered and what that means."""

    index: int
    rule: str
    verdict: str = "neutral"


@attrs.frozen
class Annotation:
    """A dated note on a line chart (a change made, a PDSA cycle)."""

    index: int
    text: str


@attrs.frozen
class LineChart:
    """A run chart or an SPC chart: values over time, a centre line, optional limits and markers.

    ``baseline`` is the number of leading points the centre line and limits were computed from.
    """

    title: str
    description: str
    x_labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""
    centre: float | None = None
    centre_label: str = ""
    upper: float | None = None
    lower: float | None = None
    baseline: int | None = None
    markers: tuple[Marker, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    kind: str = "line"


Chart = RadarChart | LineChart
