"""The analyses as tables and a radar chart (:mod:`competency.presentation`) for the Markdown and HTML reports.

Like the text, these read only the analysis data: a report draws exactly what the JSON publishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from competency.presentation import RadarChart, RadarSeries, Table

from .text import FLAG_NAMES, GROUP_NAMES, number


def _int(value: int | None) -> str:
    return "-" if value is None else str(value)


def _radar(title: str, description: str, data: Mapping[str, Any], series: list[tuple[str, str]]) -> RadarChart:
    levels = data["levels"]
    return RadarChart(
        title=title,
        description=description,
        axes=tuple(p["title"] for p in data["radar"]),
        series=tuple(
            RadarSeries(name, tuple(None if p[key] is None else float(p[key]) for p in data["radar"]))
            for name, key in series
        ),
        minimum=1.0,
        maximum=float(len(levels)),
        levels=tuple(level["label"] for level in levels),
    )


# -- 360 -------------------------------------------------------------------------------------------


def feedback_charts(data: Mapping[str, Any]) -> tuple[RadarChart, ...]:
    """Self, all others and target on each dimension."""
    target = "the role profile's targets" if data["role_title"] else "Proficient (no role profile)"
    return (
        _radar(
            "360: self, all others and target by dimension",
            f"Self rating, mean of all others (the groups shown, self excluded) and target ({target}).",
            data,
            [("self", "self"), ("all others", "others"), ("target", "target")],
        ),
    )


def feedback_tables(data: Mapping[str, Any]) -> tuple[Table, ...]:
    """Groups, self against others, means by group, level against target, priorities and comments."""
    tables = [
        Table(
            "Raters by group",
            ("group", "raters", "shown"),
            tuple(
                (
                    GROUP_NAMES[g["name"]],
                    str(g["raters"]),
                    "yes" if g["visible"] else ("none" if g["raters"] == 0 else f"hidden: fewer than {g['threshold']} raters"),
                )
                for g in data["groups"]
            ),
            note=f"status: {data['status']}",
        ),
        Table(
            "Self and all others by dimension",
            ("dimension", "self", "all others", "n", "not observed", "rwg", "gap", "flag"),
            tuple(
                (
                    d["title"], _int(d["self"]), number(d["others"]["mean"]), str(d["others"]["n"]),
                    str(d["others"]["not_observed"]), number(d["others"]["rwg"]), number(d["gap"], signed=True),
                    FLAG_NAMES.get(d["flag"] or "", ""),
                )
                for d in data["dimensions"]
            ),
            note=f"All others pools the groups shown, self excluded. Gaps beyond {number(data['gap_threshold'])} are flagged.",
        ),
    ]
    shown = [g["name"] for g in data["groups"] if g["visible"] and g["name"] != "self"]
    if shown:
        rows = []
        for d in data["dimensions"]:
            cells = {c["group"]: c for c in d["groups"]}
            row = [d["title"]]
            for group in shown:
                cell = cells[group]
                if cell["suppressed"]:
                    row.append(f"hidden (n {cell['n']})")
                elif cell["n"] == 0:
                    row.append("-")
                else:
                    row.append(f"{number(cell['mean'])} (n {cell['n']})")
            rows.append(tuple(row))
        tables.append(Table(
            "Means by group shown",
            ("dimension", *(GROUP_NAMES[g] for g in shown)),
            tuple(rows),
            note="hidden: too few answers in the group to keep them anonymous.",
        ))
    if data["status"] == "ok":
        tables.append(Table(
            "Level against target",
            ("dimension", "level", "target", "importance", "shortfall", "priority"),
            tuple(
                (
                    d["title"], d["level_label"] or "-", d["target_label"] or "-",
                    number(d["others"]["importance_mean"]), number(d["shortfall"]), number(d["priority"]),
                )
                for d in data["dimensions"]
            ),
            note="Level from the all-others mean, cut half-way between levels; priority = importance x shortfall.",
        ))
    comments = tuple(
        (d["title"], GROUP_NAMES[c["group"]], " ".join(c["text"].split()))
        for d in data["dimensions"]
        for c in d["comments"]
    )
    if comments:
        tables.append(Table("Comments from the groups shown", ("dimension", "group", "comment"), comments))
    return tuple(tables)


# -- self-assessment ---------------------------------------------------------------------------------


def self_assessment_charts(data: Mapping[str, Any]) -> tuple[RadarChart, ...]:
    """Self-assessed level and target on each dimension."""
    return (
        _radar(
            "Self-assessment: level and target by dimension",
            "Self-assessed level (insufficient is 0, drawn at the centre) and the role profile's target.",
            data,
            [("self", "self"), ("target", "target")],
        ),
    )


def self_assessment_tables(data: Mapping[str, Any]) -> tuple[Table, ...]:
    """Level, importance, target, shortfall and priority per dimension."""
    return (
        Table(
            "Self-assessment by dimension",
            ("dimension", "self", "importance", "target", "shortfall", "priority"),
            tuple(
                (
                    d["title"], d["label"] or "-", _int(d["importance"]), d["target_label"] or "-",
                    _int(d["shortfall"]), _int(d["priority"]),
                )
                for d in data["dimensions"]
            ),
        ),
    )
