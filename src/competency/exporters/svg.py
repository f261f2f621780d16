"""Charts as inline SVG: radar charts and run/SPC line charts, drawn from :mod:`competency.presentation`.

A few dozen lines of geometry, with no dependency: every element is built with
:mod:`xml.etree.ElementTree`, which escapes text and attribute values when it serialises, so text
from evidence (an axis name, an annotation) can never become markup. The charts draw what a plugin
computed (values, centre lines, limits, signals); nothing is recomputed here. Why not a charting
library: docs/reports.md.

Every chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``; the description
repeats the chart's data in words for screen readers. Colour is never the only cue: series differ by
dash pattern and marker shape too, and the signals' verdicts by shape.
"""

from __future__ import annotations

import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from ..presentation import LineChart, Marker, RadarChart

#: The charts' colours. Each is at least 4.5:1 against white (tests/test_reports.py checks it), so
#: lines, markers and the text drawn in them stay legible when printed in greyscale too.
INK = "#1b1f24"
MUTED = "#4b5563"
GRID = "#d1d5db"
BASELINE_FILL = "#eef2f7"
SERIES = "#334155"
LIMIT = "#4b5563"
ANNOTATION = "#0f5c57"
VERDICT_COLOURS = {"improvement": "#1d4f91", "deterioration": "#a3420a", "neutral": "#6b2fa0"}
#: Radar series in order: colour, dash pattern, marker shape, fill opacity.
RADAR_STYLES = (
    ("#a3420a", "", "circle", 0.0),
    ("#1d4f91", "", "square", 0.12),
    ("#1b1f24", "6 4", "diamond", 0.0),
    ("#0f5c57", "2 3", "triangle", 0.0),
    ("#6b2fa0", "8 3 2 3", "circle", 0.0),
)
#: Colours of text drawn in charts, with the background they sit on, for the contrast test.
TEXT_COLOURS = {"ink": (INK, "#ffffff"), "muted": (MUTED, "#ffffff"), "muted-on-baseline": (MUTED, BASELINE_FILL),
                "annotation": (ANNOTATION, "#ffffff"), **{f"verdict-{k}": (v, "#ffffff") for k, v in VERDICT_COLOURS.items()},
                **{f"radar-{i}": (s[0], "#ffffff") for i, s in enumerate(RADAR_STYLES)}}

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
#: A white outline behind labels that may cross a line, so they stay legible.
_HALO = {"paint_order": "stroke", "stroke": "#ffffff", "stroke_width": "3", "stroke_linejoin": "round"}
#: Rough width of a character of the 12px font, for laying out labels (SVG cannot measure text).
_CHAR = 6.6


def number(value: float | None) -> str:
    """A value as a short label: at most two decimals, trailing zeros dropped."""
    if value is None or not math.isfinite(value):
        return "n/a"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _f(value: float) -> str:
    # Coordinates to a tenth of a pixel keep the markup short and stable.
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


#: Characters XML 1.0 does not allow (ElementTree writes them as they are): shown as U+FFFD.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attributes: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): _NOT_XML.sub("\ufffd", str(v))
                                          for k, v in attributes.items()})
    if text is not None:
        element.text = _NOT_XML.sub("\ufffd", text)
    return element


def _svg(width: float, height: float, ident: str, title: str, description: str) -> ET.Element:
    root = ET.Element("svg", {
        "viewBox": f"0 0 {_f(width)} {_f(height)}",
        "width": _f(width),
        "height": _f(height),
        "role": "img",
        "aria-labelledby": f"{ident}-title {ident}-desc",
        "font-family": _FONT,
        "font-size": "12",
        "class": "chart",
    })
    _el(root, "title", title, id=f"{ident}-title")
    _el(root, "desc", description, id=f"{ident}-desc")
    return root


def _serialise(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _marker(parent: ET.Element, shape: str, x: float, y: float, size: float, colour: str, fill: str) -> None:
    s = size
    if shape == "circle":
        _el(parent, "circle", cx=_f(x), cy=_f(y), r=_f(s), fill=fill, stroke=colour, stroke_width="1.5")
        return
    if shape == "square":
        points = [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    elif shape == "diamond":
        points = [(x, y - s * 1.35), (x + s * 1.35, y), (x, y + s * 1.35), (x - s * 1.35, y)]
    else:  # triangle
        points = [(x, y - s * 1.4), (x + s * 1.25, y + s * 0.9), (x - s * 1.25, y + s * 0.9)]
    _el(parent, "polygon", points=" ".join(f"{_f(a)},{_f(b)}" for a, b in points), fill=fill, stroke=colour, stroke_width="1.5")


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low..high`` (Heckbert's "nice numbers")."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    tick = first
    while tick <= high + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    if ticks[-1] < high:
        ticks.append(round(tick, 10))
    return ticks


def _legend(parent: ET.Element, entries: Sequence[tuple[str, ET.Element | None]], x: float, y: float, width: float) -> float:
    """Lay legend entries (label, swatch drawn at 0,0) left to right, wrapping; returns the height used."""
    cx, cy = x, y
    for label, swatch in entries:
        w = 26 + len(label) * _CHAR + 18
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 20
        group = _el(parent, "g", transform=f"translate({_f(cx)},{_f(cy)})")
        if swatch is not None:
            group.append(swatch)
        _el(group, "text", label, x="26", y="4", fill=INK)
        cx += w
    return cy - y + 20


def _swatch_line(colour: str, dash: str = "", width: float = 2) -> ET.Element:
    line = ET.Element("line", {"x1": "0", "y1": "0", "x2": "20", "y2": "0", "stroke": colour, "stroke-width": _f(width)})
    if dash:
        line.set("stroke-dasharray", dash)
    return line


def _swatch_marker(shape: str, colour: str, fill: str) -> ET.Element:
    group = ET.Element("g")
    _marker(group, shape, 10, 0, 4.5, colour, fill)
    return group


# -- line charts ------------------------------------------------------------------------------------

#: The marker shape for each verdict, so a signal's meaning does not depend on colour.
VERDICT_SHAPES = {"improvement": "circle", "deterioration": "diamond", "neutral": "square"}
_VERDICT_ORDER = ("deterioration", "improvement", "neutral")


def marker_verdict(markers: Iterable[Marker]) -> str:
    """The verdict a point with several markers is drawn with: a concern outranks an improvement."""
    verdicts = {m.verdict for m in markers}
    return next((v for v in _VERDICT_ORDER if v in verdicts), "neutral")


def describe_line_chart(chart: LineChart) -> str:
    """The chart's description followed by its data in words, for its ``<desc>``."""
    parts = [chart.description.strip()] if chart.description.strip() else []
    n = len(chart.values)
    unit = f" ({chart.unit})" if chart.unit else ""
    if n:
        first, last = point_label(chart, 0), point_label(chart, n - 1)
        parts.append(f"{n} point{'s' if n != 1 else ''}{unit} from {first} to {last}: "
                     + ", ".join(f"{point_label(chart, i)} {number(v)}" for i, v in enumerate(chart.values)) + ".")
    if chart.centre is not None:
        label = chart.centre_label or "centre line"
        parts.append(f"{label.capitalize()} {number(chart.centre)}.")
    if chart.upper is not None or chart.lower is not None:
        parts.append(f"Limits {number(chart.lower)} to {number(chart.upper)}.")
    if chart.baseline is not None and chart.baseline < n:
        parts.append(f"Baseline: the first {chart.baseline} points.")
    if chart.markers:
        groups = signal_groups(chart)
        parts.append("Signals: " + "; ".join(f"{rule} ({verdict}), {points}" for rule, verdict, points in groups) + ".")
    else:
        parts.append("No signals.")
    for number_, note in enumerate(chart.annotations, 1):
        parts.append(f"Annotation {number_} at {point_label(chart, note.index)}: {note.text}.")
    return " ".join(parts)


def signal_groups(chart: LineChart) -> list[tuple[str, str, str]]:
    """Markers grouped by rule and verdict, in first-seen order: (rule, verdict, the points in words).

    Consecutive points are written as a range: "12 points: 2025-03-31 to 2025-06-16"."""
    groups: dict[tuple[str, str], set[int]] = {}
    for marker in chart.markers:
        groups.setdefault((marker.rule, marker.verdict), set()).add(marker.index)
    return [(rule, verdict, _points_text(chart, sorted(points))) for (rule, verdict), points in groups.items()]


def _points_text(chart: LineChart, points: list[int]) -> str:
    ranges: list[list[int]] = []
    for index in points:
        if ranges and index == ranges[-1][1] + 1:
            ranges[-1][1] = index
        else:
            ranges.append([index, index])
    spans = [point_label(chart, a) if a == b else f"{point_label(chart, a)} to {point_label(chart, b)}" for a, b in ranges]
    return f"{len(points)} point{'s' if len(points) != 1 else ''}: {', '.join(spans)}"


def point_label(chart: LineChart, index: int) -> str:
    """The x label of a point (its date), or its number when the chart has no label for it."""
    if 0 <= index < len(chart.x_labels):
        return chart.x_labels[index]
    return f"point {index + 1}"


def line_chart(chart: LineChart, ident: str, width: float = 760, height: float = 320) -> str:
    """A run chart or SPC chart: the series, its centre line, limits, baseline, signals and annotations."""
    root = _svg(width, height, ident, chart.title, describe_line_chart(chart))
    values = list(chart.values)
    n = len(values)
    legend_entries: list[tuple[str, ET.Element | None]] = [("values", _swatch_line(SERIES, width=1.5))]
    verdicts = [v for v in _VERDICT_ORDER if any(m.verdict == v for m in chart.markers)]
    if chart.centre is not None:
        legend_entries.append((chart.centre_label or "centre line", _swatch_line(INK, width=1.5)))
    if chart.upper is not None or chart.lower is not None:
        legend_entries.append(("process limits", _swatch_line(LIMIT, "6 4", 1.2)))
    for verdict in verdicts:
        colour = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["neutral"])
        legend_entries.append((f"signal: {verdict}", _swatch_marker(VERDICT_SHAPES.get(verdict, "square"), colour, colour)))
    if chart.annotations:
        legend_entries.append(("annotation (numbered)", _swatch_line(ANNOTATION, "3 3", 1.2)))
    # The legend's height decides the plot's, so lay it out first in a scratch group.
    scratch = ET.Element("g")
    legend_height = _legend(scratch, legend_entries, 0, 0, width - 70)
    left, right, top, bottom = 58.0, width - 96.0, 50.0, height - 40.0 - legend_height
    if not n:
        _el(root, "text", "no values", x=_f(width / 2), y=_f(height / 2), fill=MUTED, text_anchor="middle")
        return _serialise(root)

    finite = [v for v in (*values, chart.centre, chart.upper, chart.lower) if v is not None and math.isfinite(v)]
    low, high = min(finite), max(finite)
    pad = (high - low) * 0.06 or max(abs(high) * 0.1, 1.0)
    ticks = _nice_ticks(low - pad, high + pad)
    y_min, y_max = ticks[0], ticks[-1]

    def x_of(i: float) -> float:
        return (left + right) / 2 if n == 1 else left + (right - left) * i / (n - 1)

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * (v - y_min) / (y_max - y_min)

    step = (right - left) / max(n - 1, 1)
    if chart.unit:
        _el(root, "text", chart.unit, x=_f(left - 50), y="14", fill=MUTED)
    if chart.baseline is not None and 0 < chart.baseline < n:
        x_end = x_of(chart.baseline - 1) + step / 2
        _el(root, "rect", x=_f(left - 6), y=_f(top), width=_f(x_end - left + 6), height=_f(bottom - top), fill=BASELINE_FILL)
        _el(root, "text", f"baseline: {chart.baseline} points", x=_f(x_end - 4), y=_f(top - 5), fill=MUTED, font_size="11",
            text_anchor="end")
    grid = _el(root, "g", stroke=GRID, stroke_width="1")
    for tick in ticks:
        _el(grid, "line", x1=_f(left - 6), x2=_f(right + 6), y1=_f(y_of(tick)), y2=_f(y_of(tick)))
    axis = _el(root, "g", fill=MUTED, font_size="11")
    for tick in ticks:
        _el(axis, "text", number(tick), x=_f(left - 10), y=_f(y_of(tick) + 4), text_anchor="end")
    label_every = max(1, math.ceil(n * 11 * _CHAR / (right - left)))
    for i in range(0, n, label_every):
        _el(axis, "text", point_label(chart, i), x=_f(x_of(i)), y=_f(bottom + 18), text_anchor="middle")
    _el(root, "line", x1=_f(left - 6), x2=_f(right + 6), y1=_f(bottom), y2=_f(bottom), stroke=MUTED, stroke_width="1")

    labels = _el(root, "g", font_size="11", **_HALO)
    right_labels: list[tuple[float, str, str]] = []
    if chart.centre is not None:
        y = y_of(chart.centre)
        _el(root, "line", x1=_f(left - 6), x2=_f(right + 6), y1=_f(y), y2=_f(y), stroke=INK, stroke_width="1.5")
        right_labels.append((y, f"{chart.centre_label or 'centre'} {number(chart.centre)}", INK))
    for value, name in ((chart.upper, "upper"), (chart.lower, "lower")):
        if value is not None and math.isfinite(value):
            y = y_of(value)
            _el(root, "line", x1=_f(left - 6), x2=_f(right + 6), y1=_f(y), y2=_f(y), stroke=LIMIT, stroke_width="1.2",
                stroke_dasharray="6 4")
            right_labels.append((y, f"{name} {number(value)}", MUTED))
    for y, text, colour in _spread(right_labels, 13):
        _el(labels, "text", text, x=_f(right + 10), y=_f(y + 4), fill=colour)

    for number_, note in enumerate(chart.annotations, 1):
        if not 0 <= note.index < n:
            continue
        x = x_of(note.index)
        _el(root, "line", x1=_f(x), x2=_f(x), y1=_f(top - 14), y2=_f(bottom), stroke=ANNOTATION, stroke_width="1.2",
            stroke_dasharray="3 3")
        badge = _el(root, "g")
        _el(badge, "circle", cx=_f(x), cy=_f(top - 22), r="8", fill="#ffffff", stroke=ANNOTATION, stroke_width="1.2")
        _el(badge, "text", str(number_), x=_f(x), y=_f(top - 18), fill=ANNOTATION, font_size="11", font_weight="600",
            text_anchor="middle")

    _el(root, "polyline", points=" ".join(f"{_f(x_of(i))},{_f(y_of(v))}" for i, v in enumerate(values)), fill="none",
        stroke=SERIES, stroke_width="1.5", stroke_linejoin="round")
    by_point: dict[int, list[Marker]] = {}
    for marker in chart.markers:
        by_point.setdefault(marker.index, []).append(marker)
    points = _el(root, "g")
    for i, v in enumerate(values):
        if i in by_point:
            verdict = marker_verdict(by_point[i])
            colour = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["neutral"])
            _marker(points, VERDICT_SHAPES.get(verdict, "square"), x_of(i), y_of(v), 4.5, colour, colour)
        else:
            _marker(points, "circle", x_of(i), y_of(v), 2.6, SERIES, "#ffffff")

    legend = _el(root, "g", transform=f"translate(8,{_f(height - legend_height + 2)})")
    for child in scratch:
        legend.append(child)
    return _serialise(root)


def _spread(labels: list[tuple[float, str, str]], gap: float) -> list[tuple[float, str, str]]:
    """Move right-hand labels apart vertically so that close lines keep readable labels."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(labels):
        if placed and y - placed[-1][0] < gap:
            y = placed[-1][0] + gap
        placed.append((y, text, colour))
    return placed


# -- radar charts -----------------------------------------------------------------------------------


def describe_radar_chart(chart: RadarChart) -> str:
    """The chart's description followed by every value in words, axis by axis, for its ``<desc>``."""
    parts = [chart.description.strip()] if chart.description.strip() else []
    parts.append(f"{len(chart.axes)} axes on a scale from {number(chart.minimum)} to {number(chart.maximum)}"
                 + (f" ({', '.join(chart.levels)})" if chart.levels else "") + ".")
    for i, axis in enumerate(chart.axes):
        values = []
        for series in chart.series:
            value = series.values[i] if i < len(series.values) else None
            values.append(f"{series.name} {'none' if value is None else number(value)}")
        parts.append(f"{axis}: {', '.join(values)}.")
    return " ".join(parts)


def radar_chart(chart: RadarChart, ident: str, width: float = 640, height: float = 520) -> str:
    """A radar chart: one spoke per axis, a ring per whole number of the scale, a polygon per series."""
    root = _svg(width, height, ident, chart.title, describe_radar_chart(chart))
    scratch = ET.Element("g")
    entries = []
    for i, series in enumerate(chart.series):
        colour, dash, shape, _ = RADAR_STYLES[i % len(RADAR_STYLES)]
        group = ET.Element("g")
        group.append(_swatch_line(colour, dash))
        _marker(group, shape, 10, 0, 3.5, colour, "#ffffff")
        entries.append((series.name, group))
    legend_height = _legend(scratch, entries, 0, 0, width - 16)
    n = len(chart.axes)
    cx, cy = width / 2, (height - legend_height) / 2 + 4
    radius = min(width / 2 - 120, (height - legend_height) / 2 - 50)
    span = (chart.maximum - chart.minimum) or 1.0

    def point(axis: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * axis / max(n, 1)
        r = radius * (min(max(value, chart.minimum), chart.maximum) - chart.minimum) / span
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    web = _el(root, "g", fill="none", stroke=GRID, stroke_width="1")
    rings = [chart.minimum + k for k in range(int(math.floor(span)) + 1)]
    for value in rings:
        if n >= 3:
            _el(web, "polygon", points=" ".join(f"{_f(x)},{_f(y)}" for x, y in (point(a, value) for a in range(n))))
    for a in range(n):
        x, y = point(a, chart.maximum)
        _el(web, "line", x1=_f(cx), y1=_f(cy), x2=_f(x), y2=_f(y))
    # Ring labels sit between the first two spokes, clear of the top axis's own label.
    ring_labels = _el(root, "g", fill=MUTED, font_size="10", **_HALO)
    for k, value in enumerate(rings):
        label = chart.levels[k] if k < len(chart.levels) else number(value)
        (x0, y0), (x1, y1) = point(0, value), point(1 % max(n, 1), value)
        _el(ring_labels, "text", label, x=_f((x0 + x1) / 2 + 3), y=_f((y0 + y1) / 2 + 3))

    axis_labels = _el(root, "g", fill=INK, font_size="12")
    for a, name in enumerate(chart.axes):
        angle = -math.pi / 2 + 2 * math.pi * a / max(n, 1)
        x, y = cx + (radius + 14) * math.cos(angle), cy + (radius + 14) * math.sin(angle)
        anchor = "start" if math.cos(angle) > 0.3 else "end" if math.cos(angle) < -0.3 else "middle"
        lines = textwrap.wrap(name, 18) or [name]
        if math.sin(angle) < -0.3:
            y -= 14 * (len(lines) - 1)
        elif abs(math.sin(angle)) <= 0.3:
            y -= 7 * (len(lines) - 1)
        else:
            y += 8
        text = _el(axis_labels, "text", x=_f(x), y=_f(y + 4), text_anchor=anchor)
        for j, line in enumerate(lines):
            _el(text, "tspan", line, x=_f(x), dy="0" if j == 0 else "14")

    for i, series in enumerate(chart.series):
        colour, dash, shape, opacity = RADAR_STYLES[i % len(RADAR_STYLES)]
        group = _el(root, "g")
        known = [(a, v) for a, v in enumerate(series.values[:n]) if v is not None]
        style = {"stroke": colour, "stroke_width": "2"}
        if dash:
            style["stroke_dasharray"] = dash
        if len(known) == n and n >= 3:
            _el(group, "polygon", points=" ".join(f"{_f(x)},{_f(y)}" for x, y in (point(a, v) for a, v in known)),
                fill=colour if opacity else "none", fill_opacity=_f(opacity) if opacity else "1", **style)
        else:
            # A gap in the data is a gap in the outline: join only neighbouring axes that have a value.
            for (a, v), (b, w) in zip(known, known[1:] + known[:1]):
                if (b - a) % n == 1:
                    (x1, y1), (x2, y2) = point(a, v), point(b, w)
                    _el(group, "line", x1=_f(x1), y1=_f(y1), x2=_f(x2), y2=_f(y2), **style)
        for a, v in known:
            x, y = point(a, v)
            _marker(group, shape, x, y, 3.5, colour, "#ffffff")

    legend = _el(root, "g", transform=f"translate(8,{_f(height - legend_height + 2)})")
    for child in scratch:
        legend.append(child)
    return _serialise(root)
