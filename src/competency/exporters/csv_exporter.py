"""The ``csv`` exporter: one row per subject and competency, for a spreadsheet.

The text starts with a UTF-8 byte order mark and uses CRLF line ends (RFC 4180): without the mark,
Excel reads a UTF-8 file in the machine's legacy code page and garbles names such as "Zoë";
LibreOffice, Google Sheets and Python's ``utf-8-sig`` codec all skip it. Text cells that a
spreadsheet would run as a formula are neutralised (:func:`neutralise`); numbers stay numbers.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator

from ..results import CompetencyResult, FrameworkResult, Scorecard, ScoreReport
from .base import Exporter, UnsupportedDocument

#: Written first so that Excel detects UTF-8 (docs/reports.md, "CSV").
BOM = "\ufeff"

COLUMNS = (
    "as_of",
    "subject_id",
    "subject_name",
    "role",
    "framework",
    "framework_version",
    "competency_id",
    "competency_title",
    "depth",
    "parent",
    "level",
    "level_label",
    "rank",
    "score",
    "target",
    "target_rank",
    "gap",
    "met",
    "basis",
    "evidence_count",
    "sources",
    "evidence_ids",
    "flags",
)

#: A cell starting with one of these is read as a formula (or a formula after a control character)
#: by Excel, LibreOffice or Google Sheets: OWASP, "CSV Injection" (full-width forms and a newline too).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

#: Lists inside a cell (evidence ids, flags) are joined with this.
LIST_SEPARATOR = "; "

Cell = str | int | float | None


def neutralise(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading formula character gets a ``'`` prefix.

    Spaces before the character count too (some spreadsheets trim them). Only text is passed here:
    a negative number such as a score is written as a number and never altered.
    """
    stripped = text.lstrip(" ")
    if text[:1] in FORMULA_TRIGGERS or stripped[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def cell(value: object) -> str | int | float:
    """A value as a spreadsheet cell: numbers stay numbers, text is neutralised, none is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))


def _row(card: Scorecard, framework: FrameworkResult, result: CompetencyResult) -> list[str | int | float]:
    values: tuple[Cell | bool, ...] = (
        card.as_of.isoformat(),
        card.subject.id,
        card.subject.name,
        framework.role,
        framework.id,
        framework.version,
        result.id,
        result.title,
        result.depth,
        result.parent,
        result.level,
        result.level_label,
        result.rank,
        result.score,
        result.target,
        result.target_rank,
        result.gap,
        result.met,
        result.basis,
        result.evidence_count,
        result.sources,
        LIST_SEPARATOR.join(entry.id for entry in result.evidence),
        LIST_SEPARATOR.join(result.flags),
    )
    return [cell(v) for v in values]


def rows(report: ScoreReport) -> Iterator[list[str | int | float]]:
    """Every data row of the report: each scorecard's frameworks' competencies, in order."""
    for card in report.scorecards:
        for framework in card.frameworks:
            for result in framework.competencies:
                yield _row(card, framework, result)


@functools.singledispatch
def render_csv(document: object) -> str:
    """Render a document; other modules add documents with ``render_csv.register``."""
    raise UnsupportedDocument(f"the csv exporter cannot render {type(document).__name__}")


@render_csv.register
def _(document: ScoreReport) -> str:
    """The report as CSV text, starting with a byte order mark (see the module's docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(rows(document))
    return BOM + buffer.getvalue()


CSV_EXPORTER = Exporter(
    name="csv",
    description="a spreadsheet: one row per subject and competency (UTF-8 with a byte order mark)",
    suffix=".csv",
    render=render_csv,
    machine_readable=True,
)
