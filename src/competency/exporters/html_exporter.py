"""The ``html`` exporter: one self-contained, printable, accessible report page.

The page is rendered by jinja2 with autoescaping on for every expression, so text from evidence is
always text; the only markup inserted unescaped is the SVG of :mod:`competency.exporters.svg`, which
builds its elements with ElementTree (that escapes every text and attribute value). The page needs
no network and no JavaScript: its Content-Security-Policy forbids both (``default-src 'none'``), with
inline styles and ``data:`` images only. Layout, colours and accessibility: docs/reports.md.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..presentation import LineChart, RadarChart, Table
from ..results import CompetencyResult, FrameworkResult, Scorecard, ScoreReport
from . import svg
from .base import Exporter, UnsupportedDocument
from .markdown_exporter import evidence_entry_text, flag_text, gap_text, level_labels, level_text

if TYPE_CHECKING:
    import jinja2

#: The page's Content-Security-Policy: nothing may be fetched or run; inline CSS and data: images only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)

#: Colours of text in the page with the background each sits on (docs/reports.md lists them; a test
#: checks that every pair has a WCAG contrast of at least 4.5:1).
TEXT_COLOURS = {
    "body": ("#1b1f24", "#ffffff"),
    "muted": ("#4b5563", "#ffffff"),
    "accent": ("#1d3f6e", "#ffffff"),
    "table-header": ("#1b1f24", "#e8edf4"),
    "table-stripe": ("#1b1f24", "#f6f8fb"),
    "muted-on-stripe": ("#4b5563", "#f6f8fb"),
    "met": ("#14532d", "#dcf2e3"),
    "below": ("#7a2e0b", "#fde8d7"),
    "neutral": ("#374151", "#eceff3"),
    "banner": ("#ffffff", "#1d3f6e"),
    "banner-muted": ("#dbe4f0", "#1d3f6e"),
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: object) -> object:
    """Every value the template prints: control characters (invalid in HTML) become U+FFFD.

    Markup (``__html__``: the charts' SVG) is passed through untouched, to stay markup."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return _CONTROL.sub("\ufffd", value)
    return value


_environment: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The jinja2 environment: autoescaping on for every template, undefined names are errors."""
    global _environment
    if _environment is None:
        import jinja2  # imported here: only a command that renders HTML pays for it

        _environment = jinja2.Environment(
            loader=jinja2.PackageLoader("competency.exporters", "templates"),
            autoescape=True,  # always, whatever the template's name: evidence text is untrusted
            undefined=jinja2.StrictUndefined,
            finalize=_clean,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _environment


def _text_block(lines: Sequence[str]) -> str:
    """Lines as one block of text (for a ``<pre>``), cleaned like every other printed value."""
    return _CONTROL.sub("\ufffd", "\n".join(lines))


def _role(card: Scorecard) -> str:
    for framework in card.frameworks:
        if framework.role_title:
            return framework.role_title
    for framework in card.frameworks:
        if framework.role:
            return framework.role
    return card.subject.role or ""


def _status(result: CompetencyResult) -> tuple[str, str]:
    """The CSS class and words for a competency's gap to its target."""
    if result.met is None:
        return "none", "no target"
    return ("met", "Met") if result.met else ("below", gap_text(result).capitalize())


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _targets(framework: FrameworkResult) -> tuple[int, int]:
    targets = [c for c in framework.competencies if c.met is not None]
    return sum(1 for c in targets if c.met), len(targets)


#: A cell that reads as a number (a count, a mean, a share, "2.80 (n 5)"): right-aligned.
_NUMBER = re.compile(r"[+\-\u2212]?\d[\d,]*(\.\d+)?%?(\s*\([^()]*\))?")


def _numeric_columns(table: Table) -> set[int]:
    """The columns (after the first, which names the row) whose every filled cell is a number."""
    columns = set()
    for i in range(1, len(table.columns)):
        cells = [row[i].strip() for row in table.rows if i < len(row) and row[i].strip()]
        if cells and all(_NUMBER.fullmatch(cell) for cell in cells):
            columns.add(i)
    return columns


def _below(framework: FrameworkResult) -> list[CompetencyResult]:
    return [c for c in framework.competencies if c.met is False]


def _chart_renderer() -> Callable[[object], Any]:
    import markupsafe

    counter = itertools.count(1)

    def draw(chart: object) -> Any:
        ident = f"chart-{next(counter)}"
        if isinstance(chart, RadarChart):
            markup = svg.radar_chart(chart, ident)
        elif isinstance(chart, LineChart):
            markup = svg.line_chart(chart, ident)
        else:  # a chart kind this version does not know: its title still shows
            return ""
        # Safe: svg.py builds the SVG with ElementTree, which has escaped every text and attribute.
        return markupsafe.Markup(markup)

    return draw


def _unique_ids() -> Callable[[str], str]:
    used: dict[str, int] = {}

    def make(text: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).lower()).strip("-") or "section"
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}-{used[base]}"

    return make


@functools.singledispatch
def render_html(document: object) -> str:
    """Render a document; other modules add documents with ``render_html.register``."""
    raise UnsupportedDocument(f"the html exporter cannot render {type(document).__name__}")


@render_html.register
def _(document: ScoreReport) -> str:
    """A score report as one HTML page (a section per subject, each starting on a new printed page)."""
    cards = document.scorecards
    if len(cards) == 1:
        card = cards[0]
        title = f"Competency report: {card.subject.name or card.subject.id}, as of {document.as_of.isoformat()}"
    else:
        title = f"Competency report: {len(cards)} people, as of {document.as_of.isoformat()}"
    template = environment().get_template("report.html.j2")
    return template.render(
        report=document,
        title=title,
        csp=CONTENT_SECURITY_POLICY,
        version=__version__,
        role_of=_role,
        status=_status,
        score=_score,
        targets=_targets,
        below=_below,
        level_labels=level_labels,
        numeric_columns=_numeric_columns,
        text_block=_text_block,
        level_text=level_text,
        flag_text=flag_text,
        entry_text=evidence_entry_text,
        draw=_chart_renderer(),
        signal_groups=svg.signal_groups,
        point_label=svg.point_label,
        verdict_shapes=svg.VERDICT_SHAPES,
        anchor=_unique_ids(),
        is_line=lambda chart: isinstance(chart, LineChart),
    )


HTML_EXPORTER = Exporter(
    name="html",
    description="one self-contained HTML page (inline CSS and SVG charts, no scripts), printable on A4",
    suffix=".html",
    render=render_html,
)
