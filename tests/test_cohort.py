"""``competency cohort`` and the cohort API: aggregation, bad files, suppression, formats, streaming."""

from __future__ import annotations

import datetime
import json
import random
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency.cohort import (
    ALL,
    MIN_CELL_FLOOR,
    CohortAccumulator,
    CohortReport,
    FrameworkSummary,
    GroupInfo,
    PersonSummary,
    competency_block,
    run_cohort,
    suppress,
)
from competency.cohort_render import HEAT, HIDDEN_COLOURS
from competency.exporters.csv_exporter import neutralise

ROLES = ("gp", "practice-nurse", "practice-manager", "reception-clerical", "qi-lead")
TOPS = ("understanding-care-and-change", "vision-and-direction", "balancing-priorities")


def person(index: int, rng: random.Random, role: str | None = None) -> str:
    """A small, valid evidence file: two raters on the top-level competencies, an activity."""
    role = role or rng.choice(ROLES)
    lines = [f'[subject]\nid = "p-{index:04d}"\nrole = "{role}"\n']
    for number, rater in enumerate(("supervisor", "peer")):
        lines.append(f'[[evidence]]\nid = "r{number}"\nkind = "rating"\ndate = 2025-0{rng.randint(1, 9)}-10\nrater = "{rater}"\n[evidence.ratings]')
        lines += [f"{comp} = {rng.randint(1, 4)}" for comp in rng.sample(TOPS, rng.randint(1, 3))]
        lines.append("")
    return "\n".join(lines)


def cohort_dir(folder: Path, count: int, seed: int = 7, bad: dict[str, str] | None = None) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        sub = folder / ("a" if index % 2 else "b")
        sub.mkdir(exist_ok=True)
        (sub / f"p{index:04d}.toml").write_text(person(index, rng), encoding="utf-8")
    for name, text in (bad or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


BAD = {
    "broken.toml": "[subject\nid = 1\n",
    "typo.toml": '[subject]\nid = "x"\nrole = "gp"\nsurprise = 1\n[[evidence]]\nid = "e"\nkind = "rating"\ndate = 2025-01-01\nrater = "peer"\n[evidence.ratings]\nunderstanding-care-and-change = 2\n',
    "empty.toml": "",
}


def published_counts(document: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """Every published count of people in a cohort document (JSON form)."""
    for framework in document["frameworks"]:
        if framework["people"] is not None:
            yield "framework.people", framework["people"]
        for group in framework["groups"]:
            yield "group.people", group["people"]
        for competency in framework["competencies"]:
            for dist in (competency["all"], *competency["by_group"]):
                for name in ("people", "met", "below_target", "levels_short"):
                    if dist[name] is not None:
                        yield name, dist[name]
                for value in dist["counts"]:
                    if value is not None:
                        yield "count", value
        for needs in framework["training_needs"]:
            for need in needs["needs"]:
                yield "need.below_target", need["below_target"]
    for part in document["participation"]:
        for status in part["statuses"]:
            if status["people"] is not None:
                yield "status", status["people"]
        if part["without"] is not None:
            yield "without", part["without"]


# -- the API -------------------------------------------------------------------------------------


def test_cohort_of_the_examples(engine: Any, examples: list[Path], as_of: datetime.date) -> None:
    report = run_cohort(engine, examples, as_of=as_of, min_cell=3)
    assert (report.files, report.scored, report.bad_files) == (len(examples), len(examples), ())
    assert [f.id for f in report.frameworks] == ["collective-leadership"]
    framework = report.frameworks[0]
    assert framework.people == len(examples)
    # Three people with three different roles: one pooled group, and nothing below 3 published.
    assert [g.key for g in framework.groups] == ["(other roles)"]
    for competency in framework.competencies:
        assert all(v is None or v >= 3 for v in competency.all.counts)
    for fmt in ("text", "json", "csv", "html", "markdown"):
        assert engine.export(report, fmt)


def test_a_small_framework_cohort_publishes_nothing(engine: Any, examples: list[Path], as_of: datetime.date) -> None:
    report = run_cohort(engine, examples[:2], as_of=as_of)
    framework = report.frameworks[0]
    assert framework.people is None and framework.competencies == ()
    assert "fewer than 5 people" in framework.notes[0]


def test_text_export_through_the_engine(engine: Any, tmp_path: Path, as_of: datetime.date) -> None:
    report = run_cohort(engine, [cohort_dir(tmp_path / "c", 30)], as_of=as_of)
    text = engine.export(report, "text")
    assert text.startswith("Cohort report\n30 files: 30 scored")
    assert all(len(line) <= 80 for line in text.splitlines())
    data = json.loads(engine.export(report, "json"))
    assert (data["schema_version"], data["kind"]) == (1, "cohort")


def test_counts_add_up(engine: Any, tmp_path: Path, as_of: datetime.date) -> None:
    report = run_cohort(engine, [cohort_dir(tmp_path / "c", 60)], as_of=as_of, min_cell=3)
    framework = report.frameworks[0]
    assert framework.people == 60 == sum(g.people for g in framework.groups)
    for competency in framework.competencies:
        dist = competency.all
        if all(v is not None for v in dist.counts):
            assert sum(dist.counts) == 60  # type: ignore[arg-type]
        if dist.met is not None and dist.below_target is not None:
            assert dist.share_met == round(dist.met / (dist.met + dist.below_target), 4)


# -- the command ---------------------------------------------------------------------------------


def test_cli_cohort_json(invoke: Any, tmp_path: Path) -> None:
    folder = cohort_dir(tmp_path / "c", 40)
    result = invoke("cohort", folder, "--as-of", "2026-03-01", "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["kind"], data["files"], data["scored"], data["bad_files"]) == ("cohort", 40, 40, [])
    assert all(value >= 5 for _, value in published_counts(data))
    assert "40 files: 40 scored, 0 could not be scored" in result.stderr


def test_bad_files_are_listed_and_the_rest_reported(invoke: Any, tmp_path: Path) -> None:
    folder = cohort_dir(tmp_path / "c", 30, bad=BAD)
    output = tmp_path / "out.json"
    result = invoke("cohort", folder, "--as-of", "2026-03-01", "--format", "json", "--output", output)
    assert result.exit_code == 1
    assert "3 files could not be scored" in result.stderr and "the report covers the other 30" in result.stderr
    for name in BAD:
        assert str(folder / name) in result.stderr
    data = json.loads(output.read_text(encoding="utf-8"))
    assert (data["files"], data["scored"]) == (33, 30)
    listed = {Path(b["source"]).name: b["problems"] for b in data["bad_files"]}
    assert set(listed) == set(BAD)
    assert "TOML syntax error" in listed["broken.toml"][0]
    assert listed["typo.toml"] == ["subject: unknown key: surprise"]
    assert listed["empty.toml"] == ["is empty"]
    assert data["frameworks"][0]["people"] == 30


def test_bad_files_in_text_output(invoke: Any, tmp_path: Path) -> None:
    folder = cohort_dir(tmp_path / "c", 10, bad=BAD)
    result = invoke("cohort", folder, "--as-of", "2026-03-01")
    assert result.exit_code == 1
    assert "Files that could not be scored (3):" in result.stdout
    assert "subject: unknown key: surprise" in result.stdout


@pytest.mark.parametrize("value", ["2", "0", "-1"])
def test_min_cell_below_the_floor_is_a_usage_error(invoke: Any, examples: list[Path], value: str) -> None:
    result = invoke("cohort", *examples, "--min-cell", value)
    assert result.exit_code == 2
    assert "--min-cell" in result.stderr


def test_the_command_uses_the_modules_defaults() -> None:
    from competency import cohort
    from competency.cli import cohort as command

    assert (command.DEFAULT_MIN_CELL, command.MIN_CELL_FLOOR, command.DEFAULT_TOP_NEEDS) == (
        cohort.DEFAULT_MIN_CELL,
        cohort.MIN_CELL_FLOOR,
        cohort.DEFAULT_TOP_NEEDS,
    )


def test_min_cell_floor_in_the_api(engine: Any, examples: list[Path]) -> None:
    with pytest.raises(ValueError, match="at least 3"):
        run_cohort(engine, examples, min_cell=MIN_CELL_FLOOR - 1)


def test_unknown_framework_and_role_are_usage_errors(invoke: Any, examples: list[Path]) -> None:
    assert invoke("cohort", *examples, "--framework", "nope").exit_code == 2
    assert invoke("cohort", *examples, "--role", "astronaut").exit_code == 2


def test_no_files_is_invalid_input(invoke: Any, tmp_path: Path) -> None:
    result = invoke("cohort", tmp_path)
    assert result.exit_code == 1 and "no evidence files found" in result.stderr


def test_jobs_2_gives_the_same_output_as_jobs_1(invoke: Any, tmp_path: Path) -> None:
    folder = cohort_dir(tmp_path / "c", 45, bad=BAD)
    outputs = {}
    for jobs in ("1", "2"):
        for fmt in ("json", "csv", "jsonl"):
            result = invoke("cohort", folder, "--as-of", "2026-03-01", "--jobs", jobs, "--format", fmt)
            assert result.exit_code == 1
            outputs[jobs, fmt] = result.stdout
    for fmt in ("json", "csv", "jsonl"):
        assert outputs["1", fmt] == outputs["2", fmt]


def test_jsonl_streams_scorecards_in_input_order(invoke: Any, tmp_path: Path) -> None:
    folder = cohort_dir(tmp_path / "c", 25, bad=BAD)
    output = tmp_path / "cards.jsonl"
    result = invoke("cohort", folder, "--as-of", "2026-03-01", "--jobs", "2", "--format", "jsonl", "--output", output)
    assert result.exit_code == 1  # three bad files, listed on stderr
    assert "broken.toml" in result.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    cards = [json.loads(line) for line in lines]
    assert len(cards) == 25
    expected = [str(p) for p in sorted(folder.rglob("*.toml")) if p.name not in BAD]
    assert [c["source"] for c in cards] == expected
    assert all(c["as_of"] == "2026-03-01" and c["frameworks"] for c in cards)


def test_no_progress_bar_when_not_a_terminal(invoke: Any, tmp_path: Path) -> None:
    result = invoke("cohort", cohort_dir(tmp_path / "c", 12), "--as-of", "2026-03-01", "--format", "json")
    assert result.exit_code == 0
    assert "scoring" not in result.stderr and "%" not in result.stderr and "\r" not in result.stderr
    assert result.stderr.strip() == "12 files: 12 scored, 0 could not be scored"


def test_progress_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch, invoke: Any, tmp_path: Path) -> None:
    from competency.cli import cohort as command

    monkeypatch.setattr(command, "_is_terminal", lambda stream: True)
    result = invoke("cohort", cohort_dir(tmp_path / "c", 12), "--as-of", "2026-03-01", "--format", "json", "--jobs", "1")
    assert result.exit_code == 0
    assert "scoring" in result.stderr


def test_every_format_renders(invoke: Any, tmp_path: Path) -> None:
    folder = cohort_dir(tmp_path / "c", 40)
    for fmt in ("text", "markdown", "html", "csv"):
        output = tmp_path / f"out.{fmt}"
        result = invoke("cohort", folder, "--as-of", "2026-03-01", "--format", fmt, "--output", output, "--jobs", "1")
        assert result.exit_code == 0, result.stderr
        assert output.read_text(encoding="utf-8").strip()


def test_html_escapes_what_files_say(invoke: Any, tmp_path: Path) -> None:
    hostile = {"h.toml": '[subject]\nid = "x"\n"<script>alert(1)</script>" = 1\n'}
    folder = cohort_dir(tmp_path / "c", 10, bad=hostile)
    result = invoke("cohort", folder, "--as-of", "2026-03-01", "--format", "html")
    assert result.exit_code == 1
    assert "<script>" not in result.stdout and "&lt;script&gt;" in result.stdout
    assert 'class="heatmap"' in result.stdout


def test_csv_neutralises_formulas(invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert neutralise("=1+1") == "'=1+1" and neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("-2") == "'-2"
    assert neutralise("plain") == "plain" and neutralise("\uff1dcmd") == "'\uff1dcmd"
    folder = cohort_dir(tmp_path / "c", 6)
    (folder / "=HYPERLINK(1).toml").write_text("[subject\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    result = invoke("cohort", ".", "--as-of", "2026-03-01", "--format", "csv")
    assert result.exit_code == 1
    rows = [line for line in result.stdout.splitlines() if line.startswith("bad-file")]
    assert rows and all(",=" not in row for row in rows)
    assert ",'=HYPERLINK(1).toml," in rows[0]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(("background", "text"), [*HEAT, HIDDEN_COLOURS])
def test_heatmap_text_has_enough_contrast(background: str, text: str) -> None:
    light, dark = sorted((_luminance(background), _luminance(text)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5


# -- suppression ---------------------------------------------------------------------------------


def _rank(vectors: list[tuple[int, ...]]) -> int:
    """The rank of integer vectors over the rationals (exact, independent of the module's own)."""
    rows = [[Fraction(v) for v in vec] for vec in vectors]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank])]
        rank += 1
    return rank


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[GroupInfo], dict[str, Counter[tuple[int, int]]], int, int]:
    top = draw(st.integers(2, 4))
    min_cell = draw(st.integers(3, 6))
    groups, block = [], {}
    for number in range(draw(st.integers(1, 3))):
        key = f"g{number}"
        targets = draw(st.lists(st.integers(0, top), min_size=1, max_size=2, unique=True))
        counts: Counter[tuple[int, int]] = Counter()
        for target in targets:
            for rank in range(top + 1):
                counts[(rank, target)] = draw(st.integers(0, 12))
        people = sum(counts.values())
        if people < min_cell:  # the cohort pools groups so that every group is a publishable size
            counts[(0, targets[0])] += min_cell - people
            people = min_cell
        groups.append(GroupInfo(key, key, (key,), people))
        block[key] = counts
    return groups, block, top, min_cell


@given(blocks())
def test_no_suppressed_figure_can_be_worked_out(case: tuple[list[GroupInfo], dict[str, Counter[tuple[int, int]]], int, int]) -> None:
    groups, counts, top, min_cell = case
    built = competency_block(groups, counts, top)
    hidden = suppress(built.figures, built.lines, min_cell, built.ties)
    by_key = {f.key: f for f in built.figures}
    published = [f for f in built.figures if f.key not in hidden]
    # 1. No published count of people is below the threshold.
    assert all(f.value >= min_cell for f in published if f.count)
    # 2. No suppressed figure is a linear combination of published ones (exact rational check):
    # adding its vector to the published ones raises their rank.
    base = _rank([f.vector for f in published])
    for key in hidden:
        assert _rank([*(f.vector for f in published), by_key[key].vector]) == base + 1, key
    # 3. Every line with a published total has no suppressed part, or two or more that together
    # count at least min_cell people (so none is narrowed to a small range either).
    for line in built.lines:
        if line.total in hidden:
            continue
        gone = [by_key[p].value for p in line.parts if p in hidden]
        assert not gone or (len(gone) >= 2 and sum(gone) >= min_cell), line
    # 4. Ties: no levels short without the people below target.
    for a, b in built.ties:
        assert a not in hidden or b in hidden


@given(st.lists(st.lists(st.integers(-2, 2), min_size=4, max_size=4), min_size=1, max_size=7), st.data())
def test_the_figures_a_suppressed_one_depends_on_are_found_in_one_elimination(
    rows: list[list[int]], data: st.DataObject
) -> None:
    # The audit asks which published figures every way of working out a suppressed one needs; one
    # elimination answers for all of them: the same answer as dropping each in turn and asking the
    # exact rank over the rationals.
    from competency.cohort import Figure, _essential

    published = [Figure(key=i, value=5, vector=tuple(row)) for i, row in enumerate(rows)]
    weights = data.draw(st.lists(st.integers(-2, 2), min_size=len(rows), max_size=len(rows)))
    target_vector = tuple(sum(w * row[j] for w, row in zip(weights, rows)) for j in range(4))
    target = Figure(key="target", value=5, vector=target_vector)
    expected = set()
    for figure in published:
        others = [f.vector for f in published if f is not figure]
        if _rank([*others, target_vector]) > _rank(others):
            expected.add(figure.key)
    assert _essential(published, target) == expected


@given(
    people=st.lists(st.tuples(st.sampled_from([*ROLES, None]), st.lists(st.integers(0, 4), min_size=3, max_size=3)), max_size=80),
    min_cell=st.integers(3, 7),
)
def test_reports_never_publish_a_small_cell(people: list[tuple[str | None, list[int]]], min_cell: int, shared_engine: Any) -> None:
    framework = shared_engine.framework("collective-leadership")
    accumulator = CohortAccumulator([framework])
    size = len(list(framework.walk()))
    for number, (role, ranks) in enumerate(people):
        targets = tuple(3 if role else 0 for _ in range(size))
        full = tuple((ranks * size)[:size])
        accumulator.add(PersonSummary(f"p{number}", role, (FrameworkSummary(framework.id, full, targets),), (("360", "ok" if number % 3 else "insufficient-raters"),)))
    report = accumulator.report(as_of=datetime.date(2026, 3, 1), min_cell=min_cell)
    from competency.exporters.json_exporter import to_data

    data = to_data(report)
    assert all(value >= min_cell for _, value in published_counts(data))
    for framework_report in report.frameworks:
        assert all(g.people >= min_cell for g in framework_report.groups)


def test_complementary_suppression_in_one_row() -> None:
    # One group whose row is 2 | 30 | 40: the 2 is hidden, and so is the next smallest, 30 (else
    # 72 - 30 - 40 would give it away); everyone's row is the same and is protected the same way.
    groups = [GroupInfo("g", "g", ("g",), 72)]
    built = competency_block(groups, {"g": Counter({(0, 0): 2, (1, 0): 30, (2, 0): 40})}, 2)
    hidden = suppress(built.figures, built.lines, 5, built.ties)
    assert ("cell", "g", 0) in hidden and ("cell", "g", 1) in hidden and ("cell", "g", 2) not in hidden
    assert ("cell", ALL, 0) in hidden and ("cell", ALL, 1) in hidden


def test_suppressed_total_must_reach_the_threshold() -> None:
    # 1 | 1 | 40: hiding the two 1s is not enough (together they are 2: each is 0, 1 or 2).
    groups = [GroupInfo("g", "g", ("g",), 42)]
    built = competency_block(groups, {"g": Counter({(0, 0): 1, (1, 0): 1, (2, 0): 40})}, 2)
    hidden = suppress(built.figures, built.lines, 5, built.ties)
    assert {("cell", "g", k) for k in range(3)} <= hidden


# -- streaming -----------------------------------------------------------------------------------


def _summaries(framework: Any, count: int, seed: int = 3) -> Iterator[PersonSummary]:
    rng = random.Random(seed)
    size = len(list(framework.walk()))
    for number in range(count):
        yield PersonSummary(
            f"p{number}",
            rng.choice(ROLES),
            (FrameworkSummary(framework.id, tuple(rng.randint(0, 4) for _ in range(size)), (3,) * size),),
            (("360", rng.choice(("ok", "insufficient-raters"))),),
        )


def test_the_accumulator_holds_counters_not_people(shared_engine: Any) -> None:
    framework = shared_engine.framework("collective-leadership")
    size = len(list(framework.walk()))
    accumulator = CohortAccumulator([framework])
    stream = _summaries(framework, 6000)
    for _ in range(1000):
        accumulator.add(next(stream))
    bound = len(ROLES) * size * 5 + len(ROLES) + 2  # roles x competencies x (levels + none), + margins
    assert accumulator.state_size() <= bound
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for summary in stream:
            accumulator.add(summary)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert accumulator.scored == 6000
    assert accumulator.state_size() <= bound
    # 5,000 more people cost (almost) nothing: no per-person state survives an add().
    assert grown < 20_000


def test_report_is_a_document_for_the_json_exporter(engine: Any, examples: list[Path], as_of: datetime.date) -> None:
    report = run_cohort(engine, examples, as_of=as_of, min_cell=3)
    assert isinstance(report, CohortReport) and report.complete
    data = json.loads(engine.export(report, "json"))
    assert list(data)[:2] == ["schema_version", "kind"] and data["kind"] == "cohort"
