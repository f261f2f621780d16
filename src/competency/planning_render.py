"""Rendering a development plan (:class:`~competency.planning.PlanReport`) as text, Markdown and HTML.

The text form registers itself with the ``text`` exporter (``render_text`` is a
``functools.singledispatch``). :func:`plan_to_markdown` and :func:`plan_to_html` are plain functions
for the ``markdown`` and ``html`` exporters to call for a plan (docs/planning.md says how).

Everything in a plan that came from a file (names, titles, providers, notes) is untrusted: the text
form makes control characters visible, the Markdown form escapes every character that could start
markup, and the HTML form is rendered by Jinja2 with autoescaping on.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .exporters.html_exporter import render_html
from .exporters.markdown_exporter import render_markdown
from .exporters.text_exporter import WIDTH, fit, render_text, terminal_safe

if TYPE_CHECKING:
    from .planning import Gap, PlanReport, Recommendation

from .planning import PlanReport  # noqa: E402,TC001 - needed at runtime by singledispatch

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")


# -- shared wording ------------------------------------------------------------------------------------------


def _levels(n: int) -> str:
    return f"{n} level{'s' if n != 1 else ''}"


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def cost_text(cost: float | None) -> str:
    """``£1,200``, ``free`` or ``cost not known``."""
    if cost is None:
        return "cost not known"
    return "free" if cost == 0 else f"£{_number(cost)}"


def facts(rec: Recommendation) -> list[str]:
    """The offer's kind, format, hours, duration and cost, as short phrases."""
    parts = [rec.kind]
    if rec.format:
        parts.append(rec.format)
    if rec.hours is not None:
        parts.append(f"{_number(rec.hours)} hours")
    if rec.duration:
        parts.append(rec.duration)
    parts.append(cost_text(rec.cost))
    return parts


def who(report: PlanReport) -> str:
    """``Dr Asha Patel (gp-0042)``."""
    subject = report.subject
    return f"{subject.name} ({subject.id})" if subject.name else subject.id


def heading_line(report: PlanReport) -> str:
    """``role gp, as of 2026-03-01``."""
    role = f"role {report.role}, " if report.role else ""
    return f"{role}as of {report.as_of.isoformat()}"


def gap_level(gap: Gap) -> str:
    """The level reached, or why there is none."""
    return gap.level_label or "no level yet"


def summary(report: PlanReport) -> str:
    """How many offers were chosen out of how many weighed."""
    n = len(report.recommendations)
    return f"{n} offer{'s' if n != 1 else ''} chosen from {report.offers_considered} weighed"


RANKING_NOTE = (
    "Offers are ranked by the sum of the squares of the open gaps they cover, at levels they suit; "
    "each chosen offer counts as closing one level of each gap it covers, so the list is "
    "complementary. Ties go to the cheaper, then the shorter offer."
)


def _frameworks_in_order(gaps: Sequence[Gap]) -> list[str]:
    return list(dict.fromkeys(g.framework for g in gaps))


# -- text ----------------------------------------------------------------------------------------------------

_NAME, _LEVEL, _TARGET = 36, 14, 14


def _wrap(text: str, indent: str = "", subsequent: str | None = None) -> list[str]:
    lines = textwrap.wrap(
        terminal_safe(text), WIDTH, initial_indent=indent,
        subsequent_indent=indent + "  " if subsequent is None else subsequent, break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


def _url_line(url: str) -> str:
    # An address is never cut (a cut one is useless): indented when it fits, else at the margin; one
    # longer than the whole width is the only kind of line allowed past it.
    url = terminal_safe(url).replace(" ", "%20")
    return "    " + url if len(url) + 4 <= WIDTH else url


def _gap_row(name: str, level: str, target: str, gap: str) -> str:
    return f"  {fit(name, _NAME):<{_NAME}} {fit(level, _LEVEL):<{_LEVEL}} {fit(target, _TARGET):<{_TARGET}} {gap}".rstrip()


def plan_text_lines(report: PlanReport) -> Iterator[str]:
    """The plan as lines of at most 80 characters."""
    yield from _wrap(f"Development plan for {who(report)}", "")
    yield from _wrap(heading_line(report), "")
    if report.source:
        yield from _wrap(report.source, "")
    for catalogue in report.catalogues:
        yield from _wrap(f"catalogue: {catalogue.title} ({catalogue.id})", "")
    for note in report.notes:
        yield from _wrap(f"note: {note}", "")
    yield ""
    if not report.gaps:
        yield "Every role target is met: there is no gap to plan for."
    else:
        yield "Gaps to the role's targets, largest first"
        for framework in _frameworks_in_order(report.gaps):
            yield ""
            yield from _wrap(f"[{framework}]", "  ")
            yield _gap_row("competency", "level", "target", "gap")
            yield "  " + "-" * (WIDTH - 2)
            for gap in (g for g in report.gaps if g.framework == framework):
                yield _gap_row(gap.title, gap_level(gap), gap.target_label, _levels(gap.gap))
    if report.gaps:
        yield ""
        yield f"Recommended ({summary(report)}), best first"
        if not report.recommendations:
            yield "  No offer in the catalogues covers these gaps at the person's current level."
        for rec in report.recommendations:
            yield ""
            yield from _wrap(f"{rec.position:>2}. {rec.title}", "", "    ")
            yield from _wrap(f"{rec.provider} ({rec.catalogue}:{rec.offer})", "    ", "      ")
            yield from _wrap(", ".join(facts(rec)), "    ", "      ")
            yield from _wrap(rec.explanation, "    ", "      ")
            if rec.notes:
                yield from _wrap(f"note: {rec.notes}", "    ", "      ")
            if rec.url:
                yield _url_line(rec.url)
    if report.done:
        yield ""
        yield "Left out: the evidence shows these done or under way"
        for done in report.done:
            state = "done" if done.status == "done" else "under way"
            yield from _wrap(f"{done.title} ({done.catalogue}:{done.offer}): {state}, {done.reason}", "  ", "    ")
    if report.uncovered and report.recommendations:
        yield ""
        yield "Gaps no recommended offer covers"
        for gap in report.uncovered:
            yield from _wrap(f"{gap.title} [{gap.framework}] ({_levels(gap.gap)})", "  ", "    ")
    if report.recommendations:
        yield ""
        yield from _wrap(RANKING_NOTE, "")


@render_text.register
def _(document: PlanReport) -> str:
    return "\n".join(plan_text_lines(document)) + "\n"


# -- Markdown ------------------------------------------------------------------------------------------------

# Characters that can start markup anywhere in CommonMark / GFM; each is backslash-escaped, which
# CommonMark renders as the character itself.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-.!|~<>$@:^&=])")


def md(text: str) -> str:
    """``text`` as literal Markdown on one line: never markup, HTML, a link or a table break."""
    text = re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", str(text))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text).strip()
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_link(url: str | None) -> str:
    # An autolink only for a plain http(s) address; anything else is shown as text.
    if not url:
        return ""
    return f"<{url}>" if _SAFE_URL.match(url) else md(url)


@render_markdown.register
def plan_to_markdown(report: PlanReport) -> str:
    """The plan as Markdown (CommonMark with GFM tables); all file text escaped."""
    out: list[str] = [f"# Development plan for {md(who(report))}", "", md(heading_line(report))]
    if report.source:
        out += ["", f"Evidence: {md(report.source)}"]
    if report.catalogues:
        out += ["", "Catalogues: " + "; ".join(f"{md(c.title)} ({md(c.id)})" for c in report.catalogues)]
    for note in report.notes:
        out += ["", f"> Note: {md(note)}"]
    out += ["", "## Gaps to the role's targets", ""]
    if not report.gaps:
        out.append("Every role target is met: there is no gap to plan for.")
    else:
        out += ["| Framework | Competency | Level | Target | Gap |", "| --- | --- | --- | --- | ---: |"]
        for gap in report.gaps:
            out.append(f"| {md(gap.framework)} | {md(gap.title)} | {md(gap_level(gap))} | {md(gap.target_label)} | {md(_levels(gap.gap))} |")
        out += ["", f"## Recommended offers ({md(summary(report))})", ""]
        if not report.recommendations:
            out.append("No offer in the catalogues covers these gaps at the person's current level.")
        for rec in report.recommendations:
            out.append(f"{rec.position}. **{md(rec.title)}**, {md(rec.provider)} ({md(rec.catalogue)}:{md(rec.offer)})  ")
            out.append(f"   {md(', '.join(facts(rec)))}  ")
            out.append(f"   {md(rec.explanation[:1].upper() + rec.explanation[1:])}" + ("  " if rec.notes or rec.url else ""))
            if rec.notes:
                out.append(f"   Note: {md(rec.notes)}" + ("  " if rec.url else ""))
            if rec.url:
                out.append(f"   {_md_link(rec.url)}")
            out.append("")
    if report.done:
        out += ["## Left out: already done or under way", ""]
        for done in report.done:
            state = "done" if done.status == "done" else "under way"
            out.append(f"- {md(done.title)} ({md(done.catalogue)}:{md(done.offer)}): {md(state)}, {md(done.reason)}")
        out.append("")
    if report.uncovered and report.recommendations:
        out += ["## Gaps no recommended offer covers", ""]
        out += [f"- {md(g.title)} ({md(g.framework)}, {md(_levels(g.gap))})" for g in report.uncovered]
        out.append("")
    if report.recommendations:
        out += [md(RANKING_NOTE), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML ----------------------------------------------------------------------------------------------------

_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development plan for {{ who }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1f24;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta, .muted { color: #4b5563; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem;
        border-bottom: 1px solid #d1d5db; vertical-align: top; } td.num { text-align: right; }
ol.offers > li { margin-bottom: 1rem; } .why { margin: .2rem 0; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
</style>
</head>
<body>
<header>
<h1>Development plan for {{ who }}</h1>
<p class="meta">{{ heading }}{% if report.source %}<br>Evidence: {{ report.source }}{% endif %}</p>
{% if report.catalogues %}<p class="meta">Catalogues:
{% for c in report.catalogues %}{{ c.title }} ({{ c.id }}){% if not loop.last %}; {% endif %}{% endfor %}</p>{% endif %}
{% for note in report.notes %}<p class="meta">Note: {{ note }}</p>{% endfor %}
</header>
<main>
<section aria-labelledby="gaps">
<h2 id="gaps">Gaps to the role's targets</h2>
{% if not report.gaps %}<p>Every role target is met: there is no gap to plan for.</p>{% else %}
<table>
<thead><tr><th scope="col">Framework</th><th scope="col">Competency</th><th scope="col">Level</th>
<th scope="col">Target</th><th scope="col">Gap</th></tr></thead>
<tbody>
{% for g in report.gaps %}<tr><td>{{ g.framework }}</td><td>{{ g.title }}</td><td>{{ level(g) }}</td>
<td>{{ g.target_label }}</td><td class="num">{{ levels(g.gap) }}</td></tr>
{% endfor %}</tbody>
</table>
{% endif %}
</section>
{% if report.gaps %}
<section aria-labelledby="offers">
<h2 id="offers">Recommended offers <span class="muted">({{ summary }})</span></h2>
{% if not report.recommendations %}<p>No offer in the catalogues covers these gaps at the person's current level.</p>{% endif %}
<ol class="offers">
{% for r in report.recommendations %}<li>
<strong>{{ r.title }}</strong>, {{ r.provider }} <span class="muted">({{ r.catalogue }}:{{ r.offer }})</span>
<div class="muted">{{ facts(r) | join(", ") }}</div>
<p class="why">{{ r.explanation[:1] | upper }}{{ r.explanation[1:] }}</p>
{% if r.notes %}<p class="muted">Note: {{ r.notes }}</p>{% endif %}
{% if r.url and safe_url(r.url) %}<a href="{{ r.url }}" rel="noopener noreferrer">{{ r.url }}</a>{% elif r.url %}<span>{{ r.url }}</span>{% endif %}
</li>
{% endfor %}</ol>
</section>
{% endif %}
{% if report.done %}
<section aria-labelledby="done">
<h2 id="done">Left out: already done or under way</h2>
<ul>{% for d in report.done %}<li>{{ d.title }} <span class="muted">({{ d.catalogue }}:{{ d.offer }})</span>:
{{ "done" if d.status == "done" else "under way" }}, {{ d.reason }}</li>{% endfor %}</ul>
</section>
{% endif %}
{% if report.uncovered and report.recommendations %}
<section aria-labelledby="uncovered">
<h2 id="uncovered">Gaps no recommended offer covers</h2>
<ul>{% for g in report.uncovered %}<li>{{ g.title }} <span class="muted">({{ g.framework }}, {{ levels(g.gap) }})</span></li>{% endfor %}</ul>
</section>
{% endif %}
{% if report.recommendations %}<p class="muted">{{ ranking_note }}</p>{% endif %}
</main>
</body>
</html>
"""


def _template() -> Any:
    import jinja2  # imported here: only a command that renders HTML pays for it

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(_HTML_TEMPLATE)


def _clean(text: str) -> str:
    # Control characters have no business in HTML text; show them instead of passing them on.
    return "".join(ch if ch in "\t\n" or unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text)


@render_html.register
def plan_to_html(report: PlanReport) -> str:
    """The plan as one self-contained HTML page (inline CSS, no scripts); all file text escaped."""
    cleaned = _clean_strings(report)
    return str(_template().render(
        report=cleaned,
        who=_clean(who(report)),
        heading=heading_line(report),
        summary=summary(report),
        ranking_note=RANKING_NOTE,
        facts=facts,
        level=gap_level,
        levels=_levels,
        safe_url=lambda url: bool(_SAFE_URL.match(url)),
    ))


def _clean_strings(value: Any) -> Any:
    import attrs

    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, tuple):
        return tuple(_clean_strings(v) for v in value)
    if attrs.has(type(value)):
        changes = {a.name: _clean_strings(getattr(value, a.name)) for a in attrs.fields(type(value)) if a.init}
        return attrs.evolve(value, **changes)
    return value


__all__ = ["cost_text", "plan_text_lines", "plan_to_html", "plan_to_markdown"]
