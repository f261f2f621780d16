"""The analyses as short lines of text for an 80-column terminal.

Both renderers read only the analysis data (``Analysis.data``): what the text shows is exactly what the
JSON publishes, so a hidden group cannot reach the terminal by another road. Every string that comes
from an evidence file is made terminal-safe.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from competency.exporters.text_exporter import fit, terminal_safe

WIDTH = 80
#: Room for a dimension's title ("Inspiring shared purpose" is the longest, at 24).
NAME = 24

GROUP_NAMES = {
    "self": "self",
    "line-manager": "line manager",
    "peer": "peers",
    "direct-report": "direct reports",
    "other": "others",
}
#: Column headings of the by-group table (12 characters at most).
GROUP_HEADINGS = {"line-manager": "line manager", "peer": "peers", "direct-report": "direct rep.", "other": "others"}
FLAG_NAMES = {"blind-spot": "blind spot", "hidden-strength": "hidden strength"}
CATEGORY_TEXT = {
    "over-estimator": "over-estimator (rates self above how others see them)",
    "under-estimator": "under-estimator (rates self below how others see them)",
    "in-agreement-good": "in agreement, good (self and others agree, at Proficient or above)",
    "in-agreement-poor": "in agreement, poor (self and others agree, below Proficient)",
}


@functools.lru_cache(maxsize=4096, typed=True)
def number(value: float | None, places: int = 2, *, signed: bool = False) -> str:
    """A published figure to ``places`` decimals, half away from zero; ``-`` for none."""
    # Remembered: a report shows the same few figures again and again (0.0 and -0.0 share an entry; both give 0.00).
    if value is None:
        return "-"
    quantum = Decimal(1).scaleb(-places)
    shown = Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if shown == 0:
        shown = abs(shown)  # never "-0.00"
    return f"{shown:+}" if signed and shown != 0 else str(shown)


def _safe(text: str) -> str:
    """:func:`terminal_safe`, which leaves printable text as it is: most text is, so skip its pass over it."""
    return text if text.isprintable() else terminal_safe(text)


def wrap(text: str, indent: str = "", subsequent: str | None = None) -> list[str]:
    """Wrap safe text to the terminal, breaking at spaces only (ids are hyphenated)."""
    return textwrap.wrap(
        _safe(text),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  " if subsequent is None else subsequent,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


@functools.lru_cache(maxsize=256)
def _name(title: str) -> str:
    # Remembered: a report names the same few dimensions in every table.
    return f"{fit(title, NAME):<{NAME}}"


def _rows_by_title(data: Mapping[str, Any]) -> dict[str, str]:
    return {d["id"]: d["title"] for d in data["dimensions"]}


# -- 360 -------------------------------------------------------------------------------------------


def feedback_lines(data: Mapping[str, Any]) -> Iterator[str]:
    """A 360's report: status, groups, ratings, gaps, levels against targets, priorities, comments."""
    ok = data["status"] == "ok"
    groups = data["groups"]
    titles = _rows_by_title(data)
    shown_others = sum(g["raters"] for g in groups if g["visible"] and g["name"] != "self")
    if ok:
        yield from wrap(f"status: ok, {shown_others} raters besides self in the groups shown")
    else:
        yield from wrap(
            f"status: insufficient raters: {shown_others} besides self in the groups shown, fewer than "
            f"{data['min_other_raters']}. Descriptive figures only: no levels, flags, priorities or agreement "
            "category, and this 360 adds nothing to the scores."
        )
    meta = [f"closed {data['date']}"]
    if data.get("facilitator"):
        meta.append(f"facilitator {data['facilitator']}")
    if data["role_title"]:
        meta.append(f"targets from the role profile {data['role_title']}")
    else:
        meta.append("no role profile: every target is Proficient")
    yield from wrap("; ".join(meta))
    yield ""
    yield from _group_table(groups)
    yield ""
    yield from _ratings_table(data)
    by_group = list(_by_group_table(data))
    if by_group:
        yield ""
        yield from by_group
    if ok:
        yield ""
        yield from _target_table(data)
    yield ""
    yield from _flag_lines(data, "blind-spot", "blind spots", "above")
    yield from _flag_lines(data, "hidden-strength", "hidden strengths", "below")
    if ok:
        yield from _priority_lines(data, titles)
    yield from _agreement_lines(data)
    yield ""
    yield from _comment_lines(data)


def _group_table(groups: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    yield "raters by group:"
    for group in groups:
        if group["visible"]:
            shown = "shown"
        elif group["raters"] == 0:
            shown = "none"
        else:
            shown = f"hidden: fewer than {group['threshold']} raters"
        yield f"  {GROUP_NAMES[group['name']]:<15}{group['raters']:>3}  {shown}"


def _ratings_table(data: Mapping[str, Any]) -> Iterator[str]:
    levels = data["levels"]
    yield from wrap(
        f"ratings (1 {levels[0]['label']} .. {len(levels)} {levels[-1]['label']}); all others pools the groups "
        f"shown except self; n.o. = not observed; gap = self - all others, flagged beyond "
        f"{number(data['gap_threshold'])}:"
    )
    yield f"{'dimension':<{NAME}} {'self':>4} {'others':>6} {'n':>3} {'n.o.':>4} {'rwg':>5} {'gap':>6}  flag"
    for dim in data["dimensions"]:
        others = dim["others"]
        self_rank = "-" if dim["self"] is None else str(dim["self"])
        yield (
            f"{_name(dim['title'])} {self_rank:>4} {number(others['mean']):>6} {others['n']:>3} "
            f"{others['not_observed']:>4} {number(others['rwg']):>5} {number(dim['gap'], signed=True):>6}  "
            f"{FLAG_NAMES.get(dim['flag'] or '', '')}"
        ).rstrip()


def _by_group_table(data: Mapping[str, Any]) -> Iterator[str]:
    shown = [g["name"] for g in data["groups"] if g["visible"] and g["name"] != "self"]
    if not shown:
        return
    yield from wrap("means by group shown (n answers; hidden: too few answers to keep them anonymous):")
    yield f"{'dimension':<{NAME}}" + "".join(f" {GROUP_HEADINGS[g]:>12}" for g in shown)
    for dim in data["dimensions"]:
        cells = {c["group"]: c for c in dim["groups"]}
        row = []
        for group in shown:
            cell = cells[group]
            if cell["suppressed"]:
                text = f"hidden ({cell['n']})"
            elif cell["n"] == 0:
                text = "-"
            else:
                text = f"{number(cell['mean'])} ({cell['n']})"
            row.append(f" {text:>12}")
        yield _name(dim["title"]) + "".join(row)


def _target_table(data: Mapping[str, Any]) -> Iterator[str]:
    yield from wrap(
        "level from the all-others mean (cut-points half-way between levels) against the target; "
        "importance 1-5 from all others; priority = importance x shortfall:"
    )
    yield f"{'dimension':<{NAME}} {'level':<11} {'target':<11} {'importance':>10} {'shortfall':>9} {'priority':>8}"
    for dim in data["dimensions"]:
        yield (
            f"{_name(dim['title'])} {dim['level_label'] or '-':<11} {dim['target_label'] or '-':<11} "
            f"{number(dim['others']['importance_mean']):>10} {number(dim['shortfall']):>9} {number(dim['priority']):>8}"
        ).rstrip()


def _flag_lines(data: Mapping[str, Any], flag: str, heading: str, side: str) -> Iterator[str]:
    if data["status"] != "ok":
        return
    found = [d for d in data["dimensions"] if d["flag"] == flag]
    limit = number(data["gap_threshold"])
    if not found:
        yield f"{heading} (self {side} all others by more than {limit}): none"
        return
    yield f"{heading} (self {side} all others by more than {limit}):"
    for dim in found:
        yield from wrap(
            f"{dim['title']}: self {dim['self']} ({dim['self_label']}), all others {number(dim['others']['mean'])}, "
            f"gap {number(dim['gap'], signed=True)}",
            "  ",
        )


def _priority_lines(data: Mapping[str, Any], titles: Mapping[str, str]) -> Iterator[str]:
    priorities = data["priorities"]
    if not priorities:
        yield "priorities: none (every dimension at or above its target)"
        return
    yield "priorities (below target, highest importance x shortfall first):"
    for rank, entry in enumerate(priorities, start=1):
        if entry["priority"] is None:
            detail = f"shortfall {number(entry['shortfall'])}, no importance given"
        else:
            detail = (
                f"{number(entry['priority'])} = importance {number(entry['importance'])} x shortfall "
                f"{number(entry['shortfall'])}"
            )
        yield from wrap(f"{rank}. {titles[entry['dimension']]}: {detail}", "  ", "     ")


def _agreement_lines(data: Mapping[str, Any]) -> Iterator[str]:
    overall = data["overall"]
    if overall["dimensions_compared"] == 0:
        yield "self-other agreement: no dimension rated by both self and others"
        return
    figures = (
        f"mean gap {number(overall['mean_gap'], signed=True)} over {overall['dimensions_compared']} "
        f"dimension{'s' if overall['dimensions_compared'] != 1 else ''}: "
        f"self {number(overall['self_mean'])}, all others {number(overall['others_mean'])}"
    )
    if overall["category"] is None:
        yield from wrap(f"self-other agreement: not judged (insufficient raters); {figures}")
        return
    yield from wrap(
        f"self-other agreement: {CATEGORY_TEXT[overall['category']]}; {figures}; beyond "
        f"±{number(data['agreement_threshold'])} is over- or under-estimation"
    )


def _comment_lines(data: Mapping[str, Any]) -> Iterator[str]:
    dims = [d for d in data["dimensions"] if d["comments"]]
    if not dims:
        yield "comments: none from the groups shown"
        return
    yield "comments from the groups shown (labelled by group, never by rater):"
    for dim in dims:
        yield from wrap(dim["title"], "  ")
        for comment in dim["comments"]:
            # Newlines and tabs become spaces: a comment is one paragraph here (the JSON keeps it whole).
            text = " ".join(comment["text"].split())
            yield from wrap(f"{GROUP_NAMES[comment['group']]}: {text}", "    ", "      ")


# -- self-assessment ---------------------------------------------------------------------------------


def self_assessment_lines(data: Mapping[str, Any]) -> Iterator[str]:
    """A self-assessment: level and importance per dimension against the role's targets, and priorities."""
    meta = [f"dated {data['date']}"]
    meta.append(f"targets from the role profile {data['role_title']}" if data["role_title"] else "no role profile: no targets")
    yield from wrap("; ".join(meta))
    if data["note"]:
        yield from wrap(f"note: {' '.join(data['note'].split())}")
    yield f"{'dimension':<{NAME}} {'self':<12} {'importance':>10}  {'target':<10} {'shortfall':>9} {'priority':>8}"
    for dim in data["dimensions"]:
        level = dim["label"] or "-"
        importance = "-" if dim["importance"] is None else str(dim["importance"])
        yield (
            f"{_name(dim['title'])} {level:<12} {importance:>10}  {dim['target_label'] or '-':<10} "
            f"{number(dim['shortfall'], 0) if dim['shortfall'] is not None else '-':>9} "
            f"{number(dim['priority'], 0) if dim['priority'] is not None else '-':>8}"
        ).rstrip()
    titles = _rows_by_title(data)
    if data["role_title"]:
        if data["priorities"]:
            yield "priorities (below target, highest importance x shortfall first):"
            for rank, entry in enumerate(data["priorities"], start=1):
                detail = (
                    f"shortfall {entry['shortfall']}, no importance given"
                    if entry["priority"] is None
                    else f"{entry['priority']} = importance {entry['importance']} x shortfall {entry['shortfall']}"
                )
                yield from wrap(f"{rank}. {titles[entry['dimension']]}: {detail}", "  ", "     ")
        else:
            yield "priorities: none (every dimension assessed is at or above its target)"
    comments = [d for d in data["dimensions"] if d["comment"]]
    if comments:
        yield "comments:"
        for dim in comments:
            yield from wrap(f"{dim['title']}: {' '.join(dim['comment'].split())}", "  ", "    ")
