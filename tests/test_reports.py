"""The csv, markdown and html exporters: through the CLI and the API, with the examples and hostile text.

The HTML is also opened in a real browser by tests/test_browser.py; here it is read with the standard
library's HTML parser: autoescaped, self-contained, labelled charts, captioned tables, headings in order.
"""

from __future__ import annotations

import csv
import datetime
import html.parser
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from competency import Analysis, Engine, Scorecard, ScoreReport, Subject, UnsupportedDocument
from competency.exporters import csv_exporter, html_exporter, markdown_exporter, svg
from competency.presentation import Annotation, LineChart, Marker, RadarChart, RadarSeries, Table
from competency.results import CompetencyResult, FrameworkResult

REPO = Path(__file__).resolve().parent.parent
#: The as-of date of tests/conftest.py: after every date in the examples.
AS_OF = datetime.date(2026, 3, 1)
HOSTILE = REPO / "tests" / "data" / "hostile"
NEW_FORMATS = ("csv", "markdown", "html")
#: Every payload planted in tests/data/hostile, as the text it must stay.
PAYLOADS = (
    "<script>document.title='PWNED'</script>",
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">",
)


# -- helpers -----------------------------------------------------------------------------------------


def qi_engine() -> Engine:
    """An engine with the built-ins and the qi_skills plugin (skips where it is not installed)."""
    qi = pytest.importorskip("competency_qi_skills")
    return Engine(plugins=False, extra_plugins=[qi], frameworks_dirs=[REPO / "frameworks"], search_pyproject=False, env={})


def report_for(engine: Any, *paths: Path) -> ScoreReport:
    cards = [engine.score(engine.load_evidence(p, as_of=AS_OF), as_of=AS_OF) for p in paths]
    report: ScoreReport = engine.score_report(cards, AS_OF)
    return report


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith(csv_exporter.BOM)
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def radar_report(axes: tuple[str, ...], *, name: str = "A Person") -> ScoreReport:
    """A score report whose only content is a 360-like analysis with a radar chart and a table."""
    radar = RadarChart(
        title=f"360: {axes[0]}",
        description="self, all others and target by dimension",
        axes=axes,
        series=(
            RadarSeries("self", tuple(float(1 + i % 4) for i in range(len(axes)))),
            RadarSeries("all others", tuple(None if i == 2 else 2.5 for i in range(len(axes)))),
            RadarSeries("target", tuple(3.0 for _ in axes)),
        ),
        minimum=1,
        maximum=4,
        levels=("Essential", "Proficient", "Strong", "Exemplary"),
    )
    table = Table(title=f"Comments: {axes[1]}", columns=("dimension", "comment"), rows=((axes[0], axes[1]),), note=axes[2])
    analysis = Analysis(kind="360", evidence=axes[0], title=f"360 feedback {axes[1]}", data={}, summary=axes,
                        tables=(table,), charts=(radar,))
    card = Scorecard(subject=Subject(id="s-1", name=name), as_of=AS_OF, scorer="default", frameworks=(), analyses=(analysis,))
    return ScoreReport(as_of=AS_OF, scorecards=(card,))


HOSTILE_AXES = (
    "<script>document.title='PWNED'</script>",
    "</text></svg><img src=x onerror=\"document.title='PWNED'\">",
    "]]> & <![CDATA[ ]]> \"quoted\" 'single'",
    "Leading with care",
    "Evaluating information",
    "Connecting our service",
    "Sharing the vision",
    "Engaging the team",
    "Holding to account",
)


class _Tree(html.parser.HTMLParser):
    """Start tags with their attributes, parents and first child, from the standard library's parser."""

    VOID = {"meta", "br", "img", "col", "link", "input", "hr", "wbr", "source", "area", "base", "embed"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []
        self.first_child: dict[int, str] = {}
        self.stack: list[tuple[str, int]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        index = len(self.tags)
        if self.stack and self.stack[-1][1] not in self.first_child:
            self.first_child[self.stack[-1][1]] = tag
        self.tags.append((tag, dict(attrs), tuple(t for t, _ in self.stack)))
        if tag not in self.VOID:
            self.stack.append((tag, index))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack and self.stack[-1][1] not in self.first_child:
            self.first_child[self.stack[-1][1]] = tag
        self.tags.append((tag, dict(attrs), tuple(t for t, _ in self.stack)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> _Tree:
    tree = _Tree()
    tree.feed(text)
    tree.close()
    return tree


def children(tree: _Tree, parent_index: int) -> list[str]:
    """The tag names of an element's direct children."""
    tag, _, parents = tree.tags[parent_index]
    depth = len(parents)
    found = []
    for name, _, chain in tree.tags[parent_index + 1:]:
        if len(chain) <= depth:
            break
        if len(chain) == depth + 1:
            found.append(name)
    return found


def check_html(text: str) -> _Tree:
    """Everything every HTML report must be: escaped, self-contained, accessible (see the module doc)."""
    tree = parse_html(text)
    names = [t for t, _, _ in tree.tags]
    # Nothing runs and nothing is fetched.
    assert not {"script", "img", "iframe", "object", "embed", "link", "base", "form", "foreignobject"} & set(names)
    assert "<script" not in text.lower()
    for tag, attributes, _ in tree.tags:
        for name, value in attributes.items():
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in ("src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset"):
                assert value is not None and value.startswith("#"), f"<{tag} {name}={value!r}> points outside the page"
    css = "".join(re.findall(r"<style>(.*?)</style>", text, re.S))
    assert "url(" not in css and "@import" not in css
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text, re.I)
    # A strict Content-Security-Policy, the language, a title.
    meta = [a for t, a, _ in tree.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert meta and "default-src 'none'" in (meta[0]["content"] or "") and "script-src" not in (meta[0]["content"] or "")
    assert tree.tags[0][0] == "html" and tree.tags[0][1].get("lang") == "en"
    assert "title" in names
    # Every chart is an image labelled by its own <title> and <desc>.
    for index, (tag, attributes, _) in enumerate(tree.tags):
        if tag == "svg":
            kids = children(tree, index)
            assert kids[:2] == ["title", "desc"], kids[:3]
            assert attributes.get("role") == "img"
            title_id, desc_id = (tree.tags[index + 1][1].get("id"), tree.tags[index + 2][1].get("id"))
            assert attributes.get("aria-labelledby") == f"{title_id} {desc_id}"
        if tag == "table":
            assert tree.first_child.get(index) == "caption", "a table without a caption"
        if tag == "th":
            assert attributes.get("scope") in ("col", "row", "rowgroup"), "a header cell without a scope"
    # Headings start at h1 and never skip a level on the way down.
    levels = [int(t[1]) for t in names if re.fullmatch(r"h[1-6]", t)]
    assert levels and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    # Ids are unique (aria-labelledby must point at one element).
    ids = [a["id"] for _, a, _ in tree.tags if a.get("id")]
    assert len(ids) == len(set(ids))
    # Printable on A4.
    assert "size: A4" in css and "@media print" in css
    return tree


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# -- registration ------------------------------------------------------------------------------------


def test_the_new_formats_come_through_the_exporter_hook(engine: Any, repo: Path) -> None:
    exporters = engine.exporters()
    assert set(NEW_FORMATS) <= set(exporters)
    assert {exporters[n].suffix for n in NEW_FORMATS} == {".csv", ".md", ".html"}
    assert exporters["csv"].machine_readable and not exporters["html"].machine_readable
    blocked = Engine(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False,
                     env={"COMPETENCY_BLOCK_PLUGINS": "competency.exporters.hooks"})
    assert blocked.exporters() == {}  # built-ins are registered like any plugin's, and blocked alike


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_an_unknown_document_is_refused(engine: Any, name: str) -> None:
    with pytest.raises(UnsupportedDocument):
        engine.exporters()[name].render(object())


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_output_is_the_same_every_time(engine: Any, examples: list[Path], name: str) -> None:
    report = report_for(engine, *examples)
    assert engine.export(report, name) == engine.export(report, name)


# -- CSV -----------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_subject_and_competency(invoke: Any, engine: Any, examples: list[Path]) -> None:
    result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", "csv", *examples)
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.stdout)
    report = report_for(engine, *examples)
    expected = [(c.subject.id, f.id, r.id) for c in report.scorecards for f in c.frameworks for r in f.competencies]
    assert [(r["subject_id"], r["framework"], r["competency_id"]) for r in rows] == expected
    assert len({r["subject_id"] for r in rows}) == len(examples)
    assert list(rows[0]) == list(csv_exporter.COLUMNS)
    # Cells hold what the API holds: numbers as numbers, lists joined, booleans as true/false.
    card = report.scorecards[0]
    first = card.frameworks[0].competencies[0]
    row = rows[0]
    assert (row["subject_name"], row["role"], row["as_of"]) == (card.subject.name, card.frameworks[0].role, AS_OF.isoformat())
    assert float(row["score"]) == first.score and int(row["gap"]) == first.gap and row["met"] == "true"
    assert row["evidence_ids"].split("; ") == [e.id for e in first.evidence]
    no_level = next(r for r in rows if r["level"] == "")
    assert no_level["score"] == "" or float(no_level["score"]) >= 0


def test_csv_is_utf8_with_a_byte_order_mark_and_crlf(invoke: Any, examples: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    assert invoke("score", "--as-of", AS_OF.isoformat(), "--format", "csv", "-o", out, *examples).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    with out.open(encoding="utf-8-sig", newline="") as stream:  # how Python (and pandas) read it
        assert next(csv.reader(stream))[0] == "as_of"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tTAB", "'\tTAB"),
        ("\r=CR", "'\r=CR"),
        ("  =1+1", "'  =1+1"),
        ("a=1", "a=1"),
        ("Dr Nadia Corrigan", "Dr Nadia Corrigan"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(text: str, expected: str) -> None:
    assert csv_exporter.neutralise(text) == expected


def test_numbers_stay_numbers_even_when_negative() -> None:
    result = CompetencyResult(id="c", title="-c", depth=0, parent=None, score=-0.5, level=None, level_label=None, rank=None,
                              basis="direct", evidence_count=0, sources=0, evidence=(), gap=-1)
    framework = FrameworkResult(id="f", version="1", title="F", role=None, role_title=None, competencies=(result,))
    card = Scorecard(subject=Subject(id="-1"), as_of=AS_OF, scorer="default", frameworks=(framework,))
    text = csv_exporter.render_csv(ScoreReport(as_of=AS_OF, scorecards=(card,)))
    row = parse_csv(text)[0]
    assert (row["score"], row["gap"]) == ("-0.5", "-1")  # numbers: untouched
    assert (row["subject_id"], row["competency_title"]) == ("'-1", "'-c")  # text: neutralised


def test_hostile_evidence_never_starts_a_formula_in_csv(invoke: Any) -> None:
    result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", "csv", HOSTILE / "core.toml")
    assert result.exit_code == 0, result.output
    rows = parse_csv(result.stdout)
    assert rows and len(rows) == len({r["competency_id"] for r in rows})
    for row in rows:
        for column, cell in row.items():
            if cell[:1] in csv_exporter.FORMULA_TRIGGERS or cell.lstrip(" ")[:1] in csv_exporter.FORMULA_TRIGGERS:
                float(cell)  # only a number may start with a minus sign
            if column in ("subject_id", "evidence_ids") and cell:
                assert cell.startswith("'") or cell[0].isalnum() or cell[0] == "<", (column, cell)
    assert rows[0]["subject_id"].startswith("'=HYPERLINK(")
    ids = next(r["evidence_ids"] for r in rows if r["competency_id"] == "vision-and-direction")
    assert ids.startswith("'\tTAB=1+1")  # the first id of the joined list begins with a tab


def test_hostile_qi_text_is_neutralised_in_csv() -> None:
    engine = qi_engine()
    text = engine.export(report_for(engine, HOSTILE / "qi.toml"), "csv")
    rows = parse_csv(text)
    assert {r["framework"] for r in rows} == {"qi-skills"}
    assert rows[0]["subject_name"] == "Sam <b>Bold</b> Okafor"  # CSV is not HTML: text stays as it is


# -- Markdown ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text, with a comma.", "plain text, with a comma."),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("**bold** _em_ `code`", "\\*\\*bold\\*\\* \\_em\\_ \\`code\\`"),
        ("[link](https://evil.example)", "\\[link\\](https\\://evil\\.example)"),
        ("![img](x)", "\\!\\[img\\](x)"),
        ("www.evil.example", "www\\.evil\\.example"),
        ("mail me@evil.example", "mail me\\@evil\\.example"),
        ("a | b", "a \\| b"),
        ("# heading", "\\# heading"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. item", "1\\. item"),
        ("12) item", "12\\) item"),
        ("= underline", "\\= underline"),
        ("> quote", "&gt; quote"),
        ("&amp; entity", "&amp;amp; entity"),
        ("line\nbreak", "line break"),
        ("bell\x07", "bell\\\\x07"),
        ("ratio: 2", "ratio: 2"),
        ("back\\slash", "back\\\\slash"),
        ("~~strike~~ $math$", "\\~\\~strike\\~\\~ \\$math\\$"),
    ],
)
def test_markdown_escaping(text: str, expected: str) -> None:
    assert markdown_exporter.escape(text) == expected


def _check_markdown(text: str) -> None:
    # The exporter never writes HTML, so no "<" can be markup; no link or image syntax survives.
    assert "<" not in text
    assert not re.search(r"(?<!\\)\]\(", text), "link syntax survived"
    assert "https://" not in text and "www.evil" not in text
    # Every table row has as many cells as its header: no text split a cell.
    for block in re.findall(r"((?:^\|.*\|\n)+)", text, re.M):
        lines = block.splitlines()
        count = len(re.split(r"(?<!\\)\|", lines[0]))
        assert all(len(re.split(r"(?<!\\)\|", line)) == count for line in lines), lines[0]


def test_markdown_report_of_the_examples(invoke: Any, engine: Any, examples: list[Path]) -> None:
    result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", "markdown", *examples)
    assert result.exit_code == 0, result.output
    text = result.stdout
    report = report_for(engine, *examples)
    assert text.startswith("# Competency report\n")
    for card in report.scorecards:
        assert f"\n## {markdown_exporter.escape(card.subject.name or card.subject.id)}\n" in text
        for framework in card.frameworks:
            assert f"\n### {markdown_exporter.escape(framework.title)}\n" in text
    assert "| Competency | Level | Score | Target | Gap | Evidence | Flags |" in text
    assert "#### Evidence trail" in text and "of the judgement" in text
    _check_markdown(text)


def test_hostile_evidence_stays_text_in_markdown(invoke: Any) -> None:
    result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", "markdown", HOSTILE / "core.toml")
    assert result.exit_code == 0, result.output
    text = result.stdout
    _check_markdown(text)
    assert "&lt;script&gt;document\\.title='PWNED'&lt;/script&gt;" in text
    assert "\\*\\*Bold\\*\\*" in text


def test_markdown_shows_analyses_tables_charts_and_summaries() -> None:
    engine = qi_engine()
    report = report_for(engine, REPO / "plugins" / "qi_skills" / "examples" / "practice-nurse-qi.toml")
    text = engine.export(report, "markdown")
    assert "### Analyses" in text and "#### QI project: Fewer missed appointments in the practice nurse clinic" in text
    assert "**Measures**" in text and "| Measure | Type |" in text
    assert "**Chart: DNA rate: XmR chart.**" in text
    assert "- Signal (improvement): beyond the lower limit, 1 point: 2025-05-26" in text
    assert "role led; 2025-01-06 to 2025-06-27; 2 PDSA cycles\\" in text  # a summary line, hard break
    _check_markdown(engine.export(report_for(engine, HOSTILE / "qi.toml"), "markdown"))


def test_markdown_draws_a_radar_as_a_table() -> None:
    text = markdown_exporter.render_markdown(radar_report(HOSTILE_AXES))
    _check_markdown(text)
    assert "| Axis | self | all others | target |" in text
    assert "| Leading with care | 4 | 2.5 | 3 |" in text
    assert "| Connecting our service | 4 |  | 3 |" not in text  # only axis 2 has a gap
    assert "| \\]\\]&gt; &amp; &lt;\\!\\[CDATA\\[ \\]\\]&gt; \"quoted\" 'single' | 3 |   | 3 |" in text


# -- HTML ------------------------------------------------------------------------------------------------


def test_html_report_of_each_example(invoke: Any, engine: Any, examples: list[Path]) -> None:
    for example in examples:
        result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", "html", example)
        assert result.exit_code == 0, result.output
        text = result.stdout
        tree = check_html(text)
        card = report_for(engine, example).scorecards[0]
        visible = "".join(tree.text)
        assert card.subject.name and card.subject.name in visible
        assert card.subject.id in visible and AS_OF.isoformat() in visible
        framework = card.frameworks[0]
        assert framework.title in visible and (framework.role_title or "") in visible
        for result_ in framework.competencies:
            assert result_.title in visible
            for entry in result_.evidence:
                assert entry.id in visible
        met = sum(1 for c in framework.competencies if c.met)
        total = sum(1 for c in framework.competencies if c.met is not None)
        assert f"{met} of {total} met" in visible


def test_several_people_in_one_html_report(engine: Any, examples: list[Path]) -> None:
    text = engine.export(report_for(engine, *examples), "html")
    tree = check_html(text)
    names = [t for t, _, _ in tree.tags]
    assert names.count("h1") == 1 and names.count("section") >= len(examples)
    assert ".subject + .subject { break-before: page; }" in text  # each person starts a printed page


def test_hostile_evidence_is_escaped_in_html(engine: Any) -> None:
    text = engine.export(report_for(engine, HOSTILE / "core.toml"), "html")
    tree = check_html(text)
    visible = "".join(tree.text)
    for payload in PAYLOADS:
        assert payload in visible  # shown as the text it is
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in text
    assert "<div id=pwned>" not in text and "id=\"pwned\"" not in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)  # control characters do not reach the page


def test_hostile_qi_text_is_escaped_in_tables_and_svg() -> None:
    engine = qi_engine()
    text = engine.export(report_for(engine, HOSTILE / "qi.toml"), "html")
    tree = check_html(text)
    names = [t for t, _, _ in tree.tags]
    assert names.count("svg") == 2  # the run chart and the XmR chart of the one measure
    assert "foreignobject" not in names and "tspan" not in names  # hostile markup did not become SVG
    visible = "".join(tree.text)
    assert "</text></svg><img src=x onerror=" in visible and "<desc>&amp; <![CDATA[ x ]]>" in visible


def test_html_draws_the_qi_charts_with_signals_and_annotations() -> None:
    engine = qi_engine()
    report = report_for(engine, REPO / "plugins" / "qi_skills" / "examples" / "practice-nurse-qi.toml")
    text = engine.export(report, "html")
    tree = check_html(text)
    measures = sum(len(a.data["measures"]) for c in report.scorecards for a in c.analyses)
    assert [t for t, _, _ in tree.tags].count("svg") == 2 * measures
    visible = "".join(tree.text)
    assert "Signals on the DNA rate: XmR chart" in visible
    assert "beyond the lower limit" in visible and "1 point: 2025-05-26" in visible
    assert "PDSA 1: text reminders 48 hours before" in visible
    assert "median 12.3" in visible and "lower 7.73" in visible and "upper 16.68" in visible
    assert "baseline: 12 points" in visible
    for caption in ("Method areas evidenced", "Measures", "PDSA cycles"):
        assert f"<caption>{caption}</caption>" in text


def test_the_qi_analysis_fills_a_run_chart_and_an_xmr_chart_per_measure() -> None:
    engine = qi_engine()
    report = report_for(engine, REPO / "plugins" / "qi_skills" / "examples" / "practice-nurse-qi.toml")
    analysis = next(a for a in report.scorecards[0].analyses if a.evidence == "nurse-clinic-dna-2025")
    charts = {c.title: c for c in analysis.charts}
    run, xmr = charts["DNA rate: run chart"], charts["DNA rate: XmR chart"]
    assert isinstance(run, LineChart) and isinstance(xmr, LineChart)
    data = next(m for m in analysis.data["measures"] if m["name"] == "DNA rate")
    # The charts carry the analysis's numbers; the exporters draw them and recompute nothing.
    assert run.centre == data["run_chart"]["centre_line"] and run.upper is None
    assert (xmr.centre, xmr.upper, xmr.lower) == (data["xmr_chart"]["centre_line"], data["xmr_chart"]["upper_limit"],
                                                  data["xmr_chart"]["lower_limit"])
    assert run.baseline == xmr.baseline == 12 and run.values == tuple(p["value"] for p in data["series"])
    assert [a.index for a in run.annotations] == [a["index"] for a in data["annotations"]]
    beyond = [m for m in xmr.markers if m.rule == "beyond the lower limit"]
    assert [(m.index, m.verdict) for m in beyond] == [(20, "improvement")]
    assert {m.index for m in run.markers if m.rule == "shift below the median"} == set(range(12, 24))
    assert [t.title for t in analysis.tables][:2] == ["Method areas evidenced", "Measures"]


def test_html_draws_a_radar_chart_with_hostile_axes() -> None:
    text = html_exporter.render_html(radar_report(HOSTILE_AXES, name="<b>name</b>"))
    tree = check_html(text)
    names = [t for t, _, _ in tree.tags]
    assert names.count("svg") == 1
    assert names.count("polygon") >= 4 + 2  # four rings, the self and target outlines (others has a gap)
    visible = "".join(tree.text)
    assert HOSTILE_AXES[1] in visible and "<b>name</b>" in visible
    desc = re.search(r"<desc id=\"chart-1-desc\">(.*?)</desc>", text, re.S)
    assert desc and "Leading with care: self 4, all others 2.5, target 3." in desc.group(1)
    assert "all others none" in desc.group(1)  # the gap, in words


def test_control_characters_never_reach_the_page() -> None:
    axes = ("bell\x07", "escape\x1b[31mred", "nul\x00", "d", "e")
    text = html_exporter.render_html(radar_report(axes, name="form\x0cfeed"))
    check_html(text)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    assert "escape\ufffd[31mred" in text  # in the chart, the tables and the summary alike


def test_charts_are_well_formed_svg() -> None:
    import xml.etree.ElementTree as ET

    chart = LineChart(
        title="<t> & \"q\"", description="d", x_labels=("a", "b", "c"), values=(1.0, 5.0, -2.0), unit="u<",
        centre=1.0, centre_label="median", upper=6.0, lower=-4.0, baseline=2,
        markers=(Marker(1, "rule <x>", "deterioration"), Marker(2, "r2", "improvement")),
        annotations=(Annotation(0, "note </svg>"), Annotation(7, "outside the series")),
    )
    for markup in (svg.line_chart(chart, "c1"), svg.radar_chart(radar_report(HOSTILE_AXES).scorecards[0].analyses[0].charts[0], "c2")):  # type: ignore[arg-type]
        root = ET.fromstring(markup)  # parses as XML: every text was escaped
        assert root.tag == "svg" and [c.tag for c in root][:2] == ["title", "desc"]
    empty = LineChart(title="empty", description="", x_labels=(), values=())
    assert "no values" in svg.line_chart(empty, "c3")
    one = LineChart(title="one", description="", x_labels=("x",), values=(3.0,), centre=3.0)
    ET.fromstring(svg.line_chart(one, "c4"))


def test_every_text_colour_has_enough_contrast() -> None:
    """WCAG 2 AA (4.5:1) for every text colour of the page and the charts, on its background."""
    pairs = {**html_exporter.TEXT_COLOURS, **{f"svg-{k}": v for k, v in svg.TEXT_COLOURS.items()}}
    low = {name: round(contrast(fg, bg), 2) for name, (fg, bg) in pairs.items() if contrast(fg, bg) < 4.5}
    assert low == {}
    css = (REPO / "src" / "competency" / "exporters" / "templates" / "report.css").read_text("utf-8").lower()
    docs = (REPO / "docs" / "reports.md").read_text("utf-8").lower()
    for name, (fg, bg) in html_exporter.TEXT_COLOURS.items():
        assert fg in css and bg in css, name  # the colours tested are the colours used
        assert fg in docs and bg in docs, name  # and the ones documented


# -- --output --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_output_file_is_exactly_the_export(invoke: Any, examples: list[Path], tmp_path: Path, name: str) -> None:
    out = tmp_path / f"report.{name}"
    out.write_text("an older report", encoding="utf-8")
    result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", name, "-o", out, *examples)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    printed = invoke("score", "--as-of", AS_OF.isoformat(), "--format", name, *examples).stdout_bytes
    assert out.read_bytes() == printed
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no temporary file left behind


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_a_failed_write_leaves_the_old_file(invoke: Any, examples: list[Path], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    out = tmp_path / f"report.{name}"
    out.write_text("an older report", encoding="utf-8")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    result = invoke("score", "--as-of", AS_OF.isoformat(), "--format", name, "-o", out, *examples)
    assert result.exit_code != 0 and "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "an older report"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_the_json_of_a_qi_analysis_carries_its_charts_without_nan() -> None:
    engine = qi_engine()
    report = report_for(engine, REPO / "plugins" / "qi_skills" / "examples" / "practice-nurse-qi.toml")
    data = json.loads(engine.export(report, "json"), parse_constant=lambda c: pytest.fail(c))
    charts = data["scorecards"][0]["analyses"][0]["charts"]
    assert {c["kind"] for c in charts} == {"line"} and len(charts) == 6


def test_nine_dimension_example_renders_when_installed() -> None:
    plugin = pytest.importorskip("competency_nine_dimension")
    examples = sorted((REPO / "plugins" / "nine_dimension" / "examples").glob("*.toml"))
    if not examples:
        pytest.skip("the nine_dimension plugin has no examples yet")
    engine = Engine(plugins=False, extra_plugins=[plugin], frameworks_dirs=[REPO / "frameworks"], search_pyproject=False, env={})
    as_of = datetime.date(2026, 11, 26)
    for example in examples:
        card = engine.score(engine.load_evidence(example, as_of=as_of), as_of=as_of)
        report = engine.score_report([card], as_of)
        check_html(engine.export(report, "html"))
        _check_markdown(engine.export(report, "markdown"))
        parse_csv(engine.export(report, "csv"))

