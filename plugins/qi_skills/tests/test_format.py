"""The qi-project format: the documented example is valid, and malformed input gives located errors."""

from __future__ import annotations

import copy
import datetime
import re
import types
from typing import Any

import pytest
import tomli


def problems(engine: Any, data: Any, as_of: datetime.date) -> list[tuple[str, str]]:
    """(path, message) of every error, or [] when the document is valid."""
    validation = engine.validate(data, as_of=as_of)
    return [(p.path, p.message) for p in validation.errors]


def docs_example(format_doc: str) -> str:
    """The first TOML block of docs/qi-project-format.md: the full example."""
    match = re.search(r"```toml\n(.*?)```", format_doc, re.S)
    assert match is not None
    return match.group(1)


# -- valid input ----------------------------------------------------------------------------------


def test_the_documented_full_example_is_valid(engine: Any, format_doc: str, as_of: datetime.date) -> None:
    text = docs_example(format_doc)
    validation = engine.validate(text, as_of=as_of)
    assert validation.problems == ()
    (item,) = validation.unwrap().evidence
    assert item.kind == "qi-project"
    # Every key the model accepts is shown in the full example, so hidden files can follow it.
    data = tomli.loads(text)["evidence"][0]
    assert set(data) == {"kind"} | {f.name for f in _fields(type(item))}
    for key in ("model_for_improvement", "involvement", "process_map", "driver_diagram", "demand_capacity",
                "stakeholder_analysis", "pareto"):
        assert set(data[key]) == {f.name for f in _fields(type(getattr(item, key)))}, key
    assert set(data["audits"][0]) == {f.name for f in _fields(type(item.audits[0]))}
    assert set(data["pdsa_cycles"][0]) == {f.name for f in _fields(type(item.pdsa_cycles[0]))}
    documented = set(data["measures"][0]) | {"baseline_end"}  # shown as a commented alternative
    assert documented == {f.name for f in _fields(type(item.measures[0]))}


def _fields(cls: type) -> tuple[Any, ...]:
    import attrs

    return attrs.fields(cls)


def test_every_documented_key_is_in_the_key_tables(format_doc: str) -> None:
    from competency_qi_skills import project

    import attrs

    tables = format_doc.split("## The keys", 1)[1].split("## Scoring", 1)[0]
    for cls in (project.QIProject, project.ModelForImprovement, project.Involvement, project.ProcessMap,
                project.DriverDiagram, project.DemandCapacity, project.StakeholderAnalysis, project.Pareto,
                project.Audit, project.PDSACycle, project.Measure):
        for field in attrs.fields(cls):
            assert f"| `{field.name}` |" in tables, (cls.__name__, field.name)


def test_the_shipped_example_is_valid(engine: Any, example: Any, as_of: datetime.date) -> None:
    validation = engine.validate(example, as_of=as_of)
    assert validation.problems == ()


def test_a_minimal_project_is_valid(engine: Any, qi: types.SimpleNamespace) -> None:
    assert problems(engine, qi.document(qi.project_with([])), qi.AS_OF) == []


def test_points_as_an_array_of_tables_equal_inline_tables(engine: Any, as_of: datetime.date) -> None:
    head = """
[subject]
id = "s"
[[evidence]]
id = "p"
kind = "qi-project"
title = "t"
start = 2025-01-06
role = "member"
[[evidence.measures]]
name = "m"
type = "process"
unit = "%"
better = "higher"
"""
    inline = head + "points = [{ date = 2025-01-06, value = 1 }, { date = 2025-01-13, value = 2.5 }]\n"
    tables = head + "[[evidence.measures.points]]\ndate = 2025-01-06\nvalue = 1\n" \
                    "[[evidence.measures.points]]\ndate = 2025-01-13\nvalue = 2.5\n"
    a = engine.load_evidence(inline, as_of=as_of).evidence[0]
    b = engine.load_evidence(tables, as_of=as_of).evidence[0]
    assert a == b
    assert [p.value for p in a.measures[0].points] == [1.0, 2.5]


def test_json_style_iso_dates_are_accepted(engine: Any, qi: types.SimpleNamespace) -> None:
    item = qi.project_with(["has-measure"])
    item["start"] = "2025-01-06"
    item["measures"][0]["points"][0]["date"] = "2025-01-06"
    assert problems(engine, qi.document(item), qi.AS_OF) == []


def test_baseline_end_takes_the_points_on_or_before_it(engine: Any, qi: types.SimpleNamespace) -> None:
    item = qi.project_with([], role="led", measures=[qi.measure("m", qi.SUSTAINED, baseline_end=qi.START + datetime.timedelta(weeks=9, days=3))])
    evidence = engine.load_evidence(qi.document(item), as_of=qi.AS_OF)
    (result,) = evidence.evidence[0].measure_results()
    assert result.baseline == 10


# -- located errors ---------------------------------------------------------------------------------

START = datetime.date(2025, 1, 6)


def _d(days: int) -> datetime.date:
    return START + datetime.timedelta(days=days)


def _series(item: dict[str, Any], dates: list[datetime.date], values: list[Any] | None = None) -> None:
    values = values if values is not None else [1.0] * len(dates)
    item["measures"][0]["points"] = [{"date": d, "value": v} for d, v in zip(dates, values)]


def _mutate(case: str, item: dict[str, Any]) -> None:  # noqa: C901 - one branch per case, read as a table
    m = item["measures"][0]
    if case == "out-of-order":
        _series(item, [_d(0), _d(7), _d(21), _d(14)])
    elif case == "duplicate-adjacent":
        _series(item, [_d(0), _d(7), _d(7), _d(14)])
    elif case == "duplicate-further-back":
        _series(item, [_d(0), _d(14), _d(7), _d(14)])
    elif case == "non-numeric":
        m["points"][2]["value"] = "12%"
    elif case == "boolean-value":
        m["points"][1]["value"] = True
    elif case == "nan-value":
        m["points"][1]["value"] = float("nan")
    elif case == "missing-value":
        del m["points"][1]["value"]
    elif case == "empty-series":
        m["points"] = []
    elif case == "baseline-too-long":
        m["baseline_points"] = 30
    elif case == "baseline-zero":
        m["baseline_points"] = 0
    elif case == "baseline-end-before":
        m["baseline_end"] = _d(-7)
    elif case == "baseline-end-after":
        m["baseline_end"] = _d(100)
    elif case == "both-baselines":
        m["baseline_points"] = 2
        m["baseline_end"] = _d(7)
    elif case == "annotation-outside":
        m["annotations"] = [{"date": _d(7), "text": "ok"}, {"date": _d(60), "text": "too late"}]
    elif case == "annotation-empty":
        m["annotations"] = [{"date": _d(7), "text": "  "}]
    elif case == "duplicate-name":
        item["measures"].append(copy.deepcopy(m) | {"name": "DNA RATE"})
    elif case == "bad-type":
        m["type"] = "balance"
    elif case == "bad-better":
        m["better"] = "up"
    elif case == "unknown-key":
        m["baseline"] = 12
    elif case == "pdsa-end-before-start":
        item["pdsa_cycles"][0]["end"] = _d(-1)
    elif case == "pdsa-empty-text":
        item["pdsa_cycles"][0]["study"] = ""
    elif case == "end-before-start":
        item["end"] = _d(-30)
    elif case == "bad-role":
        item["role"] = "lead"
    elif case == "negative-backlog":
        item["demand_capacity"]["backlog"] = -3
    elif case == "string-number":
        item["demand_capacity"]["demand"] = "212"
    elif case == "empty-involvement":
        item["involvement"] = {}
    elif case == "empty-drivers":
        item["driver_diagram"]["primary_drivers"] = []
    elif case == "pareto-negative":
        item["pareto"]["counts"]["other"] = -1
    elif case == "audit-sample-zero":
        item["audits"][0]["sample_size"] = 0
    elif case == "future-point":
        m["points"][0]["date"] = datetime.date(2027, 1, 1)
    elif case == "empty-title":
        item["title"] = " "
    elif case == "mfi-missing-aim":
        del item["model_for_improvement"]["aim"]
    else:  # pragma: no cover
        raise AssertionError(case)


CASES = [
    ("out-of-order", "measures[0].points[3].date", "2025-01-20 is not after the previous point (2025-01-27): list the points in date order"),
    ("duplicate-adjacent", "measures[0].points[2].date", "2025-01-13 is not after the previous point (2025-01-13): each point needs its own date"),
    ("duplicate-further-back", "measures[0].points[3].date", "2025-01-20 is the date of points[1] too: each point needs its own date"),
    ("non-numeric", "measures[0].points[2].value", 'expected a number, got "12%"'),
    ("boolean-value", "measures[0].points[1].value", "expected a number, got true"),
    ("nan-value", "measures[0].points[1].value", "expected a finite number, got nan"),
    ("missing-value", "measures[0].points[1].value", "required key is missing"),
    ("empty-series", "measures[0].points", "is empty: a measure needs at least one dated value"),
    ("baseline-too-long", "measures[0].baseline_points", "30 is more than the number of points (4)"),
    ("baseline-zero", "measures[0].baseline_points", "0 is not a number of points: the baseline needs at least 1"),
    ("baseline-end-before", "measures[0].baseline_end", "2024-12-30 is before the first point (2025-01-06): the baseline would be empty"),
    ("baseline-end-after", "measures[0].baseline_end", "2025-04-16 is after the last point (2025-01-27)"),
    ("both-baselines", "measures[0].baseline_end", "give baseline_points or baseline_end, not both"),
    ("annotation-outside", "measures[0].annotations[1].date", "2025-03-07 is outside the series (2025-01-06 to 2025-01-27)"),
    ("annotation-empty", "measures[0].annotations[0].text", "must not be empty"),
    ("duplicate-name", "measures[1].name", '"DNA RATE" is also the name of measures[0]'),
    ("bad-type", "measures[0].type", '"balance" is not one of: outcome, process, balancing'),
    ("bad-better", "measures[0].better", '"up" is not one of: higher, lower'),
    ("unknown-key", "measures[0]", "unknown key: baseline"),
    ("pdsa-end-before-start", "pdsa_cycles[0].end", "2025-01-05 is before the start 2025-01-06"),
    ("pdsa-empty-text", "pdsa_cycles[0].study", "must not be empty"),
    ("end-before-start", "end", "2024-12-07 is before the start 2025-01-06"),
    ("bad-role", "role", '"lead" is not one of: led, member, sponsor'),
    ("negative-backlog", "demand_capacity.backlog", "-3 is negative"),
    ("string-number", "demand_capacity.demand", 'expected a number, got "212"'),
    ("empty-involvement", "involvement", "is empty: say how patients or staff took part (patients, staff), or leave the table out"),
    ("empty-drivers", "driver_diagram.primary_drivers", "is empty: list at least one"),
    ("pareto-negative", "pareto.counts.other", "-1 is negative"),
    ("audit-sample-zero", "audits[0].sample_size", "0 is not a sample size: it must be at least 1"),
    ("future-point", "measures[0].points[0].date", "2027-01-01 is in the future (as of 2026-03-01)"),
    ("empty-title", "title", "must not be empty"),
    ("mfi-missing-aim", "model_for_improvement.aim", "required key is missing"),
]


@pytest.mark.parametrize(("case", "path", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_input_gives_a_located_error(
    engine: Any, qi: types.SimpleNamespace, case: str, path: str, message: str
) -> None:
    everything = ["led", "audit", "pareto", "pathway-patient-view", "patients-involved", "staff-involved",
                  "demand-capacity", "pdsa", "model-for-improvement", "driver-diagram", "stakeholder-analysis"]
    item = qi.project_with(everything, measures=[qi.measure("DNA rate", [1, 2, 3, 4])])
    assert problems(engine, qi.document(item), qi.AS_OF) == []
    _mutate(case, item)
    found = problems(engine, qi.document(item), qi.AS_OF)
    assert (f"evidence[0].{path}", message) in found, found


def test_every_error_is_reported_at_once(engine: Any, qi: types.SimpleNamespace) -> None:
    item = qi.project_with(["has-measure"])
    item["measures"][0]["points"][1]["date"] = item["measures"][0]["points"][0]["date"]
    item["measures"][0]["points"][2]["value"] = "x"
    item["role"] = "boss"
    found = {path for path, _ in problems(engine, qi.document(item), qi.AS_OF)}
    # Structuring errors come first (the item cannot be built); both are located.
    assert {"evidence[0].measures[0].points[2].value", "evidence[0].role"} <= found


def test_the_documented_error_messages_are_the_real_ones(format_doc: str) -> None:
    documented = re.findall(r"^\| [^|]+ \| `([a-z_]+(?:\[\d\])?[^:`]*): ([^`]+)` \|$", format_doc, re.M)
    assert len(documented) >= 12
    real = {(path, message) for _, path, message in CASES}
    known_paths = {path for _, path, _ in CASES}
    for path, message in documented:
        if path in known_paths and any(message == m for p, m in real if p == path):
            continue
        # A documented message whose exact case is not in CASES must still match a case's wording.
        stem = re.sub(r"\d{4}-\d\d-\d\d|\d+|\"[^\"]*\"", "#", message)
        assert any(re.sub(r"\d{4}-\d\d-\d\d|\d+|\"[^\"]*\"", "#", m) == stem for _, m in real), (path, message)
