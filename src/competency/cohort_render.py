"""Rendering a :class:`~competency.cohort.CohortReport`: text, Markdown, HTML (with a heatmap of
competencies against levels) and CSV. JSON needs nothing here: the JSON exporter renders any attrs
document, and the report's ``document_kind`` names it ``"cohort"``.

A suppressed figure is ``None`` in the document and ``*`` in every rendering (an empty, flagged
cell in CSV); the legend says why, never whether the hidden count was small or hidden to protect
another. Text from files (titles, file names, error messages) is untrusted: the text renderer
makes control characters visible, Markdown escapes it, HTML is rendered by jinja2 with
autoescaping on, and CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import io
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .cohort import (
    ALL,
    CohortReport,
    CompetencyCohort,
    Distribution,
    FrameworkCohort,
    NeedsList,
)
from .exporters.csv_exporter import cell, render_csv
from .exporters.html_exporter import render_html
from .exporters.markdown_exporter import render_markdown
from .exporters.text_exporter import WIDTH, fit, render_text, terminal_safe

#: What a suppressed figure looks like in every rendering.
HIDDEN = "*"


def legend(report: CohortReport) -> str:
    """The sentence that explains a suppressed figure."""
    return (
        f"{HIDDEN} suppressed: fewer than {report.min_cell} people, or a figure that would let a "
        "suppressed one be worked out"
    )


def count_text(value: int | None) -> str:
    """A count, or the suppression mark."""
    return HIDDEN if value is None else str(value)


def share_text(value: float | None) -> str:
    """A share as a whole percentage, or the suppression mark."""
    return HIDDEN if value is None else f"{value:.0%}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def header_line(report: CohortReport) -> str:
    """``6 files: 5 scored, 1 could not be scored (listed below); as of ...``."""
    bad = len(report.bad_files)
    role = f"; role {report.role} for everyone" if report.role else ""
    state = f", {bad} could not be scored (listed at the end)" if bad else ""
    return (
        f"{_plural(report.files, 'file')}: {report.scored} scored{state}; as of {report.as_of.isoformat()}, "
        f"scorer {report.scorer}{role}"
    )


def _group_titles(framework: FrameworkCohort) -> dict[str, str]:
    return {ALL: "everyone", **{g.key: g.title for g in framework.groups}}


def _group_line(framework: FrameworkCohort) -> str:
    return "groups: " + ", ".join(f"{g.title} {g.people}" for g in framework.groups)


# -- text ------------------------------------------------------------------------------------------


def _text_table(framework: FrameworkCohort) -> Iterator[str]:
    cell = 6
    columns = len(framework.levels) + 1
    name = max(20, WIDTH - columns * (cell + 1))
    heads = ["none", *(str(level.rank) for level in framework.levels[1:]), "met"]
    yield f"{'competency':<{name}}" + "".join(f" {h:>{cell}}" for h in heads)
    yield "-" * min(WIDTH, name + columns * (cell + 1))
    for competency in framework.competencies:
        dist = competency.all
        values = [count_text(v) for v in dist.counts]
        met = share_text(dist.share_met) if dist.targets else ""
        row = f"{fit('  ' * competency.depth + competency.title, name):<{name}}" + "".join(f" {v:>{cell}}" for v in [*values, met])
        yield row.rstrip()


def _text_needs(framework: FrameworkCohort) -> Iterator[str]:
    titles = _group_titles(framework)
    for needs in framework.training_needs:
        yield ""
        yield from _wrap(f"Top training needs: {titles.get(needs.group, needs.group)}")
        if not needs.needs:
            yield "  none that can be published"
            continue
        for number, need in enumerate(needs.needs, 1):
            short = count_text(need.levels_short)
            yield from _wrap(f"{number:>2}. {need.title}: {need.below_target} below target, {short} levels short", "  ")


def _wrap(text: str, indent: str = "") -> list[str]:
    # Ids are hyphenated: break at spaces only, so an id is never split.
    return textwrap.wrap(terminal_safe(text), WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False) or [indent]


def render_cohort_text(report: CohortReport) -> str:
    """The cohort report for an 80-column terminal (every group's needs; the distributions by
    group are in the other formats)."""
    lines = ["Cohort report", *_wrap(header_line(report)), *_wrap(legend(report))]
    for framework in report.frameworks:
        lines += ["", "=" * WIDTH, *_wrap(f"{framework.title} ({framework.id} {framework.version}): {count_text(framework.people)} people")]
        for note in framework.notes:
            lines += _wrap(f"note: {note}")
        if not framework.competencies:
            continue
        lines += _wrap(_group_line(framework))
        lines += _wrap("levels: no level (none), " + ", ".join(f"{lv.rank} {lv.label}" for lv in framework.levels[1:]) + "; met: share meeting their role's target")
        lines.append("")
        lines.extend(_text_table(framework))
        lines.extend(_text_needs(framework))
    if report.participation:
        lines += ["", "=" * WIDTH, "Analyses (people, by the status of their latest)"]
        for part in report.participation:
            statuses = ", ".join(f"{terminal_safe(s.status)} {count_text(s.people)}" for s in part.statuses)
            lines += _wrap(f"{part.kind}: {statuses}; none {count_text(part.without)}", "  ")
    if report.bad_files:
        lines += ["", "=" * WIDTH, f"Files that could not be scored ({len(report.bad_files)}):"]
        for bad in report.bad_files:
            lines += _wrap(bad.source)
            for problem in bad.problems:
                lines += _wrap(problem, "  ")
    return "\n".join(lines) + "\n"


@render_text.register
def _(document: CohortReport) -> str:
    return render_cohort_text(document)


# -- Markdown --------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-.!|<>~$@^:&])")


def md(text: str) -> str:
    """Text as literal Markdown: every punctuation that could be markup gets a backslash, and line
    breaks and control characters cannot break a table row."""
    text = re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else f"\\x{ord(ch):02x}" for ch in text)
    return _MD_SPECIAL.sub(r"\\\1", text.strip())


def _md_table(columns: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 1) -> Iterator[str]:
    yield "| " + " | ".join(columns) + " |"
    yield "|" + "|".join(" ---: " if i >= numeric_from else " :--- " for i in range(len(columns))) + "|"
    for row in rows:
        yield "| " + " | ".join(c or " " for c in row) + " |"


def _md_distribution(framework: FrameworkCohort, pick: Any) -> Iterator[str]:
    columns = ["Competency", "no level", *(md(lv.label) for lv in framework.levels[1:]), "people", "met target"]
    rows = []
    for competency in framework.competencies:
        dist: Distribution = pick(competency)
        name = "\u00a0\u00a0" * competency.depth + md(competency.title)
        rows.append([name, *(count_text(v) for v in dist.counts), count_text(dist.people), share_text(dist.share_met) if dist.targets else "–"])
    yield from _md_table(columns, rows)


def _md_needs(needs: NeedsList) -> Iterator[str]:
    if not needs.needs:
        yield "No training need can be published for this group."
        return
    rows = [
        [str(i), md(n.title), str(n.below_target), count_text(n.levels_short), "*" if n.mean_gap is None else f"{n.mean_gap:.2f}"]
        for i, n in enumerate(needs.needs, 1)
    ]
    yield from _md_table(["#", "Competency", "people below target", "levels short", "mean gap"], rows, numeric_from=2)


def render_cohort_markdown(report: CohortReport) -> str:
    """The cohort report as Markdown (GFM tables): every group's distribution and needs."""
    lines = ["# Cohort report", "", md(header_line(report)) + ".", "", md(legend(report)) + ".", ""]
    for framework in report.frameworks:
        lines += [f"## {md(framework.title)} ({md(framework.id)} {md(framework.version)})", ""]
        lines += [f"People: {count_text(framework.people)}.", ""]
        lines += [f"- {md(note)}" for note in framework.notes]
        if not framework.competencies:
            lines.append("")
            continue
        lines += [md(_group_line(framework)), "", "### Everyone", ""]
        lines += _md_distribution(framework, lambda c: c.all)
        titles = _group_titles(framework)
        for needs in framework.training_needs:
            if needs.group == ALL:
                lines += ["", "#### Top training needs", ""]
                lines += _md_needs(needs)
        for index, group in enumerate(framework.groups):
            lines += ["", f"### {md(group.title)}", ""]
            lines += _md_distribution(framework, lambda c, i=index: c.by_group[i])
            for needs in framework.training_needs:
                if needs.group == group.key:
                    lines += ["", f"#### Top training needs: {md(titles[group.key])}", ""]
                    lines += _md_needs(needs)
        lines.append("")
    if report.participation:
        lines += ["## Analyses", ""]
        rows = []
        for part in report.participation:
            rows += [[md(part.kind), md(s.status), count_text(s.people)] for s in part.statuses]
            rows.append([md(part.kind), "none", count_text(part.without)])
        lines += _md_table(["Analysis", "Status of the latest", "People"], rows, numeric_from=2)
        lines.append("")
    if report.bad_files:
        lines += [f"## Files that could not be scored ({len(report.bad_files)})", ""]
        for bad in report.bad_files:
            lines.append(f"- {md(bad.source)}")
            lines += [f"  - {md(p)}" for p in bad.problems]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- HTML ------------------------------------------------------------------------------------------

#: The heatmap's shades by share of the row's people, lightest first, each with the text colour
#: that has a contrast of at least 4.5:1 on it (tests/test_cohort.py checks every pair).
HEAT = (
    ("#f4f7fb", "#1b1f24"),
    ("#dbe6f3", "#1b1f24"),
    ("#b3cbe6", "#1b1f24"),
    ("#4a78b5", "#ffffff"),
    ("#1d3f6e", "#ffffff"),
)
#: A suppressed cell: grey with a hatch, and the mark as text (never colour alone).
HIDDEN_COLOURS = ("#e5e7eb", "#1b1f24")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def heat_class(count: int | None, people: int | None) -> str:
    """The heatmap class of a cell: ``h0``..``h4`` by its share of the row, ``hx`` if suppressed."""
    if count is None or not people:
        return "hx"
    share = count / people
    return f"h{min(len(HEAT) - 1, int(share * len(HEAT)))}"


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cohort report, as of {{ report.as_of.isoformat() }}</title>
<style>
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1b1f24; background: #fff; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; line-height: 1.45; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border: 1px solid #c9d1dc; padding: .25rem .5rem; }
thead th { background: #e8edf4; }
td.n { text-align: right; font-variant-numeric: tabular-nums; min-width: 3.5rem; }
th.c { text-align: left; font-weight: normal; }
.muted { color: #4b5563; }
{% for bg, fg in heat_colours %}.h{{ loop.index0 }} { background: {{ bg }}; color: {{ fg }}; }
{% endfor %}.hx { background: {{ hidden[0] }} repeating-linear-gradient(45deg, transparent 0 4px, rgba(0,0,0,.08) 4px 6px); color: {{ hidden[1] }}; }
.key span { display: inline-block; padding: .1rem .5rem; border: 1px solid #c9d1dc; margin-right: .25rem; }
@media print { details { display: block; } details > summary { display: none; } }
</style>
</head>
<body>
<h1>Cohort report</h1>
<p>{{ header }}.</p>
<p class="muted">{{ legend }}.</p>
<p class="key" aria-hidden="true">Shade = share of the row's people:
{% for bg, fg in heat_colours %}<span class="h{{ loop.index0 }}">{{ (loop.index0 * 100) // heat_colours|length }}–{{ (loop.index * 100) // heat_colours|length }}%</span>{% endfor %}<span class="hx">{{ mark }} suppressed</span></p>
{% for fw in report.frameworks %}
<section aria-labelledby="fw-{{ loop.index }}">
<h2 id="fw-{{ loop.index }}">{{ fw.title }} <span class="muted">({{ fw.id }} {{ fw.version }})</span></h2>
<p>People: {{ count(fw.people) }}.{% if fw.groups %} Groups: {% for g in fw.groups %}{{ g.title }} {{ g.people }}{% if not loop.last %}, {% endif %}{% endfor %}.{% endif %}</p>
{% for note in fw.notes %}<p class="muted">{{ note }}</p>{% endfor %}
{% if fw.competencies %}
{{ heatmap(fw, None, "Everyone: people at each level, by competency") }}
{{ needs_table(fw, "(all)") }}
{% for g in fw.groups %}
<details>
<summary>{{ g.title }} ({{ g.people }} people)</summary>
{{ heatmap(fw, loop.index0, g.title ~ ": people at each level, by competency") }}
{{ needs_table(fw, g.key) }}
</details>
{% endfor %}
{% endif %}
</section>
{% endfor %}
{% if report.participation %}
<section aria-labelledby="analyses">
<h2 id="analyses">Analyses</h2>
<table><caption>People by the status of their latest analysis</caption>
<thead><tr><th scope="col">Analysis</th><th scope="col">Status</th><th scope="col">People</th></tr></thead>
<tbody>
{% for part in report.participation %}{% for s in part.statuses %}<tr><th scope="row" class="c">{{ part.kind }}</th><td>{{ s.status }}</td><td class="n">{{ count(s.people) }}</td></tr>
{% endfor %}<tr><th scope="row" class="c">{{ part.kind }}</th><td>none</td><td class="n">{{ count(part.without) }}</td></tr>
{% endfor %}</tbody></table>
</section>
{% endif %}
{% if report.bad_files %}
<section aria-labelledby="bad">
<h2 id="bad">Files that could not be scored ({{ report.bad_files|length }})</h2>
<ul>
{% for bad in report.bad_files %}<li><code>{{ bad.source }}</code><ul>{% for p in bad.problems %}<li>{{ p }}</li>{% endfor %}</ul></li>
{% endfor %}</ul>
</section>
{% endif %}
</body>
</html>
"""

_MACROS = """{% macro heatmap(fw, index, caption) %}
<table class="heatmap">
<caption>{{ caption }}</caption>
<thead><tr><th scope="col">Competency</th>{% for lv in fw.levels %}<th scope="col">{{ lv.label }}</th>{% endfor %}<th scope="col">Met target</th></tr></thead>
<tbody>
{% for c in fw.competencies %}{% set d = c.all if index is none else c.by_group[index] %}<tr><th scope="row" class="c" style="padding-left: {{ 0.5 + c.depth * 1.25 }}rem">{{ c.title }}</th>{% for v in d.counts %}<td class="n {{ heat(v, d.people) }}"{% if v is none %} title="suppressed"{% endif %}>{{ count(v) }}</td>{% endfor %}<td class="n">{% if d.targets %}{{ share(d.share_met) }}{% else %}–{% endif %}</td></tr>
{% endfor %}</tbody>
</table>
{% endmacro %}
{% macro needs_table(fw, key) %}{% for needs in fw.training_needs if needs.group == key %}
{% if needs.needs %}<table><caption>Top training needs: {{ needs.title }}</caption>
<thead><tr><th scope="col">#</th><th scope="col">Competency</th><th scope="col">People below target</th><th scope="col">Levels short</th><th scope="col">Mean gap</th></tr></thead>
<tbody>{% for n in needs.needs %}<tr><td class="n">{{ loop.index }}</td><th scope="row" class="c">{{ n.title }}</th><td class="n">{{ n.below_target }}</td><td class="n">{{ count(n.levels_short) }}</td><td class="n">{{ mark if n.mean_gap is none else "%.2f"|format(n.mean_gap) }}</td></tr>{% endfor %}</tbody>
</table>{% else %}<p class="muted">Top training needs ({{ needs.title }}): none that can be published.</p>{% endif %}
{% endfor %}{% endmacro %}
"""

_environment: Any = None


def _clean(value: object) -> object:
    # Control characters are not allowed in HTML text: show U+FFFD instead.
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return _CONTROL.sub("\ufffd", value)
    return value


def _template() -> Any:
    global _environment
    if _environment is None:
        import jinja2  # imported here: only a run that renders HTML pays for it

        _environment = jinja2.Environment(
            autoescape=True, undefined=jinja2.StrictUndefined, finalize=_clean, trim_blocks=False, lstrip_blocks=False
        )
    return _environment.from_string(_MACROS + _TEMPLATE)


def render_cohort_html(report: CohortReport) -> str:
    """The cohort report as one self-contained HTML page, with a heatmap per framework and group."""
    return str(
        _template().render(
            report=report,
            header=header_line(report),
            legend=legend(report),
            heat_colours=HEAT,
            hidden=HIDDEN_COLOURS,
            mark=HIDDEN,
            count=count_text,
            share=share_text,
            heat=heat_class,
        )
    )


# -- CSV -------------------------------------------------------------------------------------------

#: Written first so that Excel reads the file as UTF-8.
BOM = "\ufeff"
CSV_COLUMNS = ("section", "framework", "group", "item", "title", "depth", "measure", "level", "value", "suppressed")
def _distribution_rows(framework: FrameworkCohort, competency: CompetencyCohort, dist: Distribution) -> Iterator[tuple[object, ...]]:
    base = ("distribution", framework.id, dist.group, competency.id, competency.title, competency.depth)
    yield (*base, "people", "", dist.people, dist.people is None)
    for level, value in zip(framework.levels, dist.counts):
        yield (*base, "count", level.id or "none", value, value is None)
    if not dist.targets:
        return
    for measure in ("met", "below_target", "levels_short", "share_met"):
        value = getattr(dist, measure)
        yield (*base, measure, "", value, value is None)


def cohort_rows(report: CohortReport) -> Iterator[tuple[object, ...]]:
    """Every row of the CSV (a long, "tidy" table: one figure per row)."""
    for measure, value in (("files", report.files), ("scored", report.scored), ("bad", len(report.bad_files)), ("min_cell", report.min_cell)):
        yield ("run", "", "", "", report.as_of.isoformat(), "", measure, "", value, False)
    for framework in report.frameworks:
        yield ("framework", framework.id, ALL, "", framework.title, "", "people", "", framework.people, framework.people is None)
        for group in framework.groups:
            yield ("framework", framework.id, group.key, " ".join(group.roles), group.title, "", "people", "", group.people, False)
        for competency in framework.competencies:
            for dist in (competency.all, *competency.by_group):
                yield from _distribution_rows(framework, competency, dist)
        for needs in framework.training_needs:
            for rank, need in enumerate(needs.needs, 1):
                base = ("training-need", framework.id, needs.group, need.competency, need.title, rank)
                yield (*base, "below_target", "", need.below_target, False)
                yield (*base, "levels_short", "", need.levels_short, need.levels_short is None)
    for part in report.participation:
        for status in part.statuses:
            yield ("analysis", "", ALL, part.kind, "", "", "people", status.status, status.people, status.people is None)
        yield ("analysis", "", ALL, part.kind, "", "", "people", "none", part.without, part.without is None)
    for bad in report.bad_files:
        for problem in bad.problems:
            yield ("bad-file", "", "", bad.source, problem, "", "error", "", None, False)


def render_cohort_csv(report: CohortReport) -> str:
    """The cohort report as CSV (UTF-8 with a byte order mark, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in cohort_rows(report):
        writer.writerow([cell(v) for v in row])
    return BOM + buffer.getvalue()


# The cohort report is one more document the built-in exporters know.
render_markdown.register(CohortReport)(render_cohort_markdown)
render_html.register(CohortReport)(render_cohort_html)
render_csv.register(CohortReport)(render_cohort_csv)
