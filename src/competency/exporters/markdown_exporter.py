"""The ``markdown`` exporter: headings, a table per framework, the evidence trail and the analyses.

Text from evidence is untrusted: :func:`escape` makes it plain text in CommonMark and GitHub
Flavored Markdown, so that a name, an id or a note can never become emphasis, a heading, a table
cell break, raw HTML, a link or an autolink.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from ..evidence import Analysis
from ..presentation import LineChart, RadarChart, Table
from ..results import CompetencyResult, EvidenceWeight, FrameworkResult, Scorecard, ScoreReport
from .base import Exporter, UnsupportedDocument
from .svg import number, point_label, signal_groups

#: Characters that start markup anywhere in a line; each gets a backslash (CommonMark allows one
#: before any ASCII punctuation, and renders the character itself). ``:`` and ``.`` are handled
#: apart: only where they could make an autolink (``https://``, ``www.x``), so prose stays readable.
_ALWAYS = re.compile(r"([\\`*_\[\]{}|~$@#!^])")
#: ``https://`` and ``mailto:x``: a colon followed by something other than a space.
_COLON = re.compile(r":(?=\S)")
#: ``www.example`` and ``1.5``: a dot followed by something other than a space.
_DOT = re.compile(r"\.(?=\S)")
#: At the start of text (a list item's content, a table cell): a list marker, a heading, a quote,
#: an ordered list number ("1." or "1)"), a setext underline or a thematic break.
_LEADING = re.compile(r"^([-+=]|\d+(?=[.)]))")


def _plain(text: str) -> str:
    """One line of text: line breaks become spaces, other control characters are shown as ``\\xNN``."""
    text = re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", text)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text).strip()


def escape(text: str) -> str:
    """``text`` as literal Markdown: never markup, HTML or a link, whatever it contains."""
    text = _plain(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _ALWAYS.sub(r"\\\1", text)
    text = _COLON.sub(r"\\:", text)
    text = _DOT.sub(r"\\.", text)
    match = _LEADING.match(text)
    if match:
        marker = match.group(1)
        text = (marker + "\\" + text[len(marker):]) if marker[0].isdigit() else "\\" + text
    return text


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]], align: Sequence[str] = ()) -> Iterator[str]:
    """A GFM table whose cells are already escaped."""
    yield "| " + " | ".join(columns) + " |"
    yield "|" + "|".join({"r": " ---: ", "l": " :--- "}.get(a, " --- ") for a in (list(align) + [""] * len(columns))[: len(columns)]) + "|"
    for row in rows:
        cells = list(row) + [""] * (len(columns) - len(row))
        yield "| " + " | ".join(cell or " " for cell in cells[: len(columns)]) + " |"


#: Flags in words (docs/scoring.md, S8); a plugin's own flags are shown as they are.
FLAG_TEXT = {
    "no-evidence": "no evidence",
    "insufficient-evidence": "insufficient evidence",
    "self-rated-only": "self-rated only",
    "credit-only": "development credit only",
    "credit-capped": "credit capped",
    "rolled-up": "rolled up from children",
    "rollup-capped": "roll-up capped",
}


def flag_text(flag: str) -> str:
    """A flag in words."""
    return FLAG_TEXT.get(flag, flag)


def level_text(result: CompetencyResult) -> str:
    """The level's label, or why there is none."""
    if result.level_label:
        return result.level_label
    if result.level:
        return result.level
    if "insufficient-evidence" in result.flags:
        return "insufficient evidence"
    if "no-evidence" in result.flags:
        return "no evidence"
    return "no level"


def level_labels(framework: FrameworkResult) -> dict[str, str]:
    """Level ids with their labels as the framework's results show them (targets are ids)."""
    return {c.level: c.level_label for c in framework.competencies if c.level and c.level_label}


def gap_text(result: CompetencyResult) -> str:
    """The gap to the role's target in words ("met", "1 level below"), or empty without a target."""
    if result.met is None:
        return ""
    if result.met:
        return "met"
    gap = result.gap or 0
    return f"{gap} level{'s' if gap != 1 else ''} below"


def evidence_entry_text(entry: EvidenceWeight) -> str:
    """What one evidence item adds: its share of the judgement and its development credit."""
    parts = []
    if entry.weight:
        parts.append(f"{entry.weight:.0%} of the judgement")
    if entry.credit:
        parts.append(f"+{entry.credit:.2f} development credit")
    return ", ".join(parts) or "no weight as of this date"


def _heading(level: int, text: str) -> Iterator[str]:
    yield f"{'#' * min(level, 6)} {text}"
    yield ""


def _subject_title(card: Scorecard) -> str:
    subject = card.subject
    return escape(subject.name) if subject.name else escape(subject.id)


def _role_text(card: Scorecard) -> str:
    for framework in card.frameworks:
        if framework.role_title:
            return f"{escape(framework.role_title)} ({escape(framework.role or '')})"
    return escape(card.subject.role) if card.subject.role else "none given"


def render_scorecard(card: Scorecard, level: int = 2) -> Iterator[str]:
    """One subject's report, its top heading at ``level``."""
    yield from _heading(level, _subject_title(card))
    yield f"- **Subject id:** {escape(card.subject.id)}"
    yield f"- **Role:** {_role_text(card)}"
    yield f"- **Frameworks:** {', '.join(escape(f.title) for f in card.frameworks) or 'none'}"
    yield f"- **As of:** {card.as_of.isoformat()}"
    yield f"- **Scorer:** {escape(card.scorer)}"
    if card.source:
        yield f"- **Source:** {escape(card.source)}"
    yield ""
    for framework in card.frameworks:
        yield from _framework(framework, level + 1)
    if card.excluded:
        yield from _heading(level + 1, "Left out")
        for excluded in card.excluded:
            yield f"- {escape(excluded.id)}: {escape(excluded.reason)}"
        yield ""
    if card.analyses:
        yield from _heading(level + 1, "Analyses")
        for analysis in card.analyses:
            yield from _analysis(analysis, level + 2)


def _framework(framework: FrameworkResult, level: int) -> Iterator[str]:
    yield from _heading(level, escape(framework.title))
    about = f"Framework {escape(framework.id)}, version {escape(framework.version)}"
    if framework.role:
        about += f"; role profile {escape(framework.role_title or framework.role)}"
    targets = [c for c in framework.competencies if c.met is not None]
    if targets:
        about += f"; {sum(1 for c in targets if c.met)} of {len(targets)} role targets met"
    yield about + "."
    yield ""
    for note in framework.notes:
        yield f"> Note: {escape(note)}"
        yield ""
    rows = []
    labels = level_labels(framework)
    for comp in framework.competencies:
        indent = "\u2003" * comp.depth + ("↳ " if comp.depth else "")
        rows.append((
            indent + escape(comp.title),
            escape(level_text(comp)),
            "" if comp.score is None else f"{comp.score:.2f}",
            escape(labels.get(comp.target, comp.target) if comp.target else ""),
            gap_text(comp),
            f"{comp.evidence_count} ({comp.sources} source{'s' if comp.sources != 1 else ''})" if comp.evidence_count else "",
            escape(", ".join(flag_text(f) for f in comp.flags if f != "no-evidence")),
        ))
    yield from _table(("Competency", "Level", "Score", "Target", "Gap", "Evidence", "Flags"), rows,
                      ("l", "l", "r", "l", "l", "r", "l"))
    yield ""
    trail = [c for c in framework.competencies if c.evidence]
    if trail:
        yield from _heading(level + 1, "Evidence trail")
        for comp in trail:
            via = " (rolled up from its children)" if comp.basis == "rollup" else ""
            yield f"- **{escape(comp.title)}** ({escape(level_text(comp))}){via}"
            for entry in comp.evidence:
                note = f": {escape(entry.note)}" if entry.note else ""
                yield f"  - {escape(entry.id)}{note} ({evidence_entry_text(entry)})"
        yield ""


def _summary(lines: Sequence[str]) -> Iterator[str]:
    # Each line keeps its indentation (as no-break spaces, which Markdown does not strip) and ends
    # with a hard line break, so the block reads like the terminal's.
    out = []
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        out.append("\u00a0" * indent + escape(line))
    for i, line in enumerate(out):
        yield line + ("\\" if i < len(out) - 1 else "")
    yield ""


def _analysis(analysis: Analysis, level: int) -> Iterator[str]:
    yield from _heading(level, escape(analysis.title))
    yield f"From evidence {escape(analysis.evidence)} ({escape(analysis.kind)})."
    yield ""
    if analysis.summary:
        yield from _summary(analysis.summary)
    for table in analysis.tables:
        yield from _analysis_table(table)
    for chart in analysis.charts:
        if isinstance(chart, RadarChart):
            yield from _radar(chart)
        elif isinstance(chart, LineChart):
            yield from _line(chart)


def _analysis_table(table: Table) -> Iterator[str]:
    yield f"**{escape(table.title)}**"
    yield ""
    yield from _table([escape(c) for c in table.columns], ([escape(cell) for cell in row] for row in table.rows))
    yield ""
    if table.note:
        yield f"*{escape(table.note)}*"
        yield ""


def _radar(chart: RadarChart) -> Iterator[str]:
    yield f"**Chart: {escape(chart.title)}.** {escape(chart.description)}"
    yield ""
    rows = []
    for i, axis in enumerate(chart.axes):
        values = [s.values[i] if i < len(s.values) else None for s in chart.series]
        rows.append([escape(axis), *("" if v is None else number(v) for v in values)])
    yield from _table(["Axis", *(escape(s.name) for s in chart.series)], rows, ["l", *("r" for _ in chart.series)])
    yield ""


def _line(chart: LineChart) -> Iterator[str]:
    yield f"**Chart: {escape(chart.title)}.** {escape(chart.description)}"
    yield ""
    if chart.centre is not None:
        yield f"- {escape((chart.centre_label or 'centre line').capitalize())}: {number(chart.centre)}"
    if chart.upper is not None or chart.lower is not None:
        yield f"- Process limits: {number(chart.lower)} to {number(chart.upper)}"
    groups = signal_groups(chart)
    if not groups:
        yield "- Signals: none"
    for rule, verdict, points in groups:
        yield f"- Signal ({escape(verdict)}): {escape(rule)}, {escape(points)}"
    for number_, note in enumerate(chart.annotations, 1):
        yield f"- Annotation {number_} ({escape(point_label(chart, note.index))}): {escape(note.text)}"
    yield ""


@functools.singledispatch
def render_markdown(document: object) -> str:
    """Render a document; other modules add documents with ``render_markdown.register``."""
    raise UnsupportedDocument(f"the markdown exporter cannot render {type(document).__name__}")


@render_markdown.register
def _(document: ScoreReport) -> str:
    """A score report as Markdown: a section per subject."""
    lines = ["# Competency report", "", f"As of {document.as_of.isoformat()}.", ""]
    for card in document.scorecards:
        lines.extend(render_scorecard(card))
    return "\n".join(lines).rstrip("\n") + "\n"


MARKDOWN_EXPORTER = Exporter(
    name="markdown",
    description="Markdown (CommonMark with GFM tables): headings, tables and the evidence trail",
    suffix=".md",
    render=render_markdown,
)
