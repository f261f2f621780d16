"""The ``text`` exporter: scorecards for a person at an 80-column terminal."""

from __future__ import annotations

import functools
import textwrap
import unicodedata
from collections.abc import Iterator

from ..results import CompetencyResult, FrameworkResult, Scorecard, ScoreReport
from .base import Exporter, UnsupportedDocument

WIDTH = 80
_NAME, _LEVEL, _SCORE, _TARGET, _GAP = 33, 12, 5, 12, 11


def terminal_safe(text: str) -> str:
    """Text from evidence with control characters made visible, so it cannot drive the terminal."""
    return "".join(
        ch if ch in "\t" or unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text
    ).replace("\t", " ")


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters, marking the cut with an ellipsis."""
    text = terminal_safe(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(name: str, level: str, score: str, target: str, gap: str) -> str:
    return f"{fit(name, _NAME):<{_NAME}} {fit(level, _LEVEL):<{_LEVEL}} {score:>{_SCORE}} {fit(target, _TARGET):<{_TARGET}} {gap:<{_GAP}}".rstrip()


def _wrap(text: str, indent: str) -> list[str]:
    # Ids are hyphenated: break lines at spaces only, so an id is never split.
    lines = textwrap.wrap(
        terminal_safe(text), WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    )
    return lines or [indent]


def _gap_text(result: CompetencyResult) -> str:
    if result.met is None:
        return ""
    return "met" if result.met else f"-{result.gap} level{'s' if result.gap != 1 else ''}"


def _level_text(result: CompetencyResult) -> str:
    if result.level_label:
        return result.level_label
    if "insufficient-evidence" in result.flags:
        return "insufficient"
    return "-"


def _evidence_line(result: CompetencyResult) -> list[str]:
    if result.basis != "direct" or not result.evidence:
        return []
    parts = []
    for entry in result.evidence:
        if entry.weight:
            parts.append(f"{entry.id} {entry.weight:.0%}")
        else:
            parts.append(f"{entry.id} +{entry.credit:.2f}")
    flags = [f for f in result.flags if f != "no-evidence"]
    line = "evidence: " + ", ".join(parts) + (f" [{', '.join(flags)}]" if flags else "")
    return _wrap(line, "  " * result.depth + "    ")


def render_framework(result: FrameworkResult) -> Iterator[str]:
    """The table of one framework's results."""
    role = f", role {result.role_title or result.role}" if result.role else ""
    yield from _wrap(f"{result.title} ({result.id} {result.version}){role}", "")
    for note in result.notes:
        yield from _wrap(f"note: {note}", "")
    yield _row("competency", "level", "score", "target", "gap")
    yield "-" * WIDTH
    for comp in result.competencies:
        score = "" if comp.score is None else f"{comp.score:.2f}"
        yield _row("  " * comp.depth + comp.title, _level_text(comp), score, comp.target or "", _gap_text(comp))
        yield from _evidence_line(comp)
    met = [c for c in result.competencies if c.met is not None]
    if met:
        yield f"{sum(1 for c in met if c.met)} of {len(met)} role targets met"


def render_scorecard(card: Scorecard) -> Iterator[str]:
    """One subject's scorecard."""
    subject = card.subject
    who = f"{subject.name} ({subject.id})" if subject.name else subject.id
    yield from _wrap(f"{who}, as of {card.as_of.isoformat()}, scorer {card.scorer}", "")
    if card.source:
        yield from _wrap(card.source, "")
    for framework in card.frameworks:
        yield ""
        yield from render_framework(framework)
    if card.excluded:
        yield ""
        yield "left out:"
        for excluded in card.excluded:
            yield from _wrap(f"{excluded.id}: {excluded.reason}", "  ")
    for analysis in card.analyses:
        yield ""
        yield from _wrap(f"{analysis.title} ({analysis.evidence})", "")
        for line in analysis.summary:
            yield fit(line, WIDTH)


@functools.singledispatch
def render_text(document: object) -> str:
    """Render a document as text; other modules add documents with ``render_text.register``."""
    raise UnsupportedDocument(f"the text exporter cannot render {type(document).__name__}")


@render_text.register
def _(document: ScoreReport) -> str:
    blocks = ["\n".join(render_scorecard(card)) for card in document.scorecards]
    return ("\n\n" + "=" * WIDTH + "\n\n").join(blocks) + "\n"


TEXT_EXPORTER = Exporter(
    name="text",
    description="plain text for an 80-column terminal",
    suffix=".txt",
    render=render_text,
)
