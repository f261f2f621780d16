"""Properties: arbitrary input in a qi-project gives a result or a clean validation error, and the
analysis data of any valid series is exactly what the chart functions compute."""

from __future__ import annotations

import copy
import datetime
import json
import re
from pathlib import Path
from typing import Any

import attrs
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_qi_skills.analysis import run_and_xmr_charts, run_chart, xmr_chart
from competency_qi_skills.measures import analyse_measure
from competency_qi_skills.rules import CHART_FACTS, FACTS, RULES, area_levels, facts_of, project_levels

FORMAT_DOC = Path(__file__).resolve().parent.parent / "docs" / "qi-project-format.md"
AS_OF = datetime.date(2026, 3, 1)


def _docs_item() -> dict[str, Any]:
    match = re.search(r"```toml\n(.*?)```", FORMAT_DOC.read_text(encoding="utf-8"), re.S)
    assert match is not None
    document: dict[str, Any] = tomli.loads(match.group(1))
    return document


DOCUMENT = _docs_item()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


ITEM_PATHS = [p for p in _paths(DOCUMENT["evidence"][0]) if p != ("kind",)]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.dates()
    | st.datetimes()
    | st.sampled_from(["led", "outcome", "higher", "", " ", "2025-02-30", "2025-03-31"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _check_outcome(engine: Any, data: Any) -> None:
    """Validation never raises; a valid file scores and exports; an invalid one has located errors."""
    from competency import ScoringConfig

    validation = engine.validate(data, as_of=AS_OF)
    for problem in validation.problems:
        # The engine turns an exception in a kind's check() into a problem: that would be our bug.
        assert "check failed" not in problem.message, problem
        assert "invalid value (" not in problem.message or "OverflowError" in problem.message, problem
    if not validation.ok:
        assert validation.errors
        return
    card = engine.score(validation.unwrap(), as_of=AS_OF, config=ScoringConfig(min_sources=1))
    json.loads(engine.export([card], "json"), parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
    assert all(len(line) <= 80 for line in engine.export([card], "text").splitlines())


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ITEM_PATHS), values, st.sampled_from(["replace", "delete", "add-key"]))
def test_any_value_anywhere_gives_a_result_or_a_clean_error(engine: Any, path: tuple[Any, ...], value: Any, how: str) -> None:
    data = copy.deepcopy(DOCUMENT)
    parent = data["evidence"][0]
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent["unexpected_key"] = value
    else:
        parent.append(value)
    _check_outcome(engine, data)


def test_the_unchanged_document_is_valid(engine: Any) -> None:
    assert engine.validate(copy.deepcopy(DOCUMENT), as_of=AS_OF).problems == ()


numbers = st.one_of(
    st.integers(-1000, 1000),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([0.1, 0.2, 0.3, 1e-9, 1e300, -1e300]),
)


@st.composite
def series(draw: st.DrawFn) -> tuple[list[float], dict[str, Any]]:
    xs = draw(st.lists(numbers, min_size=1, max_size=30))
    n = len(xs)
    keys: dict[str, Any] = {"better": draw(st.sampled_from(["higher", "lower"])),
                            "type": draw(st.sampled_from(["outcome", "process", "balancing"]))}
    choice = draw(st.sampled_from(["none", "points", "end"]))
    if choice == "points":
        keys["baseline_points"] = draw(st.integers(1, n))
    elif choice == "end":
        keys["baseline_end"] = datetime.date(2025, 1, 6) + datetime.timedelta(weeks=draw(st.integers(0, n - 1)), days=draw(st.integers(0, 6)))
    return xs, keys


@given(series(), st.sampled_from(["led", "member", "sponsor"]))
def test_the_analysis_data_is_what_the_chart_functions_compute(engine: Any, qi: Any, drawn: Any, role: str) -> None:
    xs, keys = drawn
    if keys.get("baseline_end") is not None and keys["baseline_end"] > datetime.date(2025, 1, 6) + datetime.timedelta(weeks=len(xs) - 1):
        del keys["baseline_end"]  # after the last point: rejected, tested elsewhere
    item = qi.project_with([], role=role, measures=[qi.measure("m", xs, **keys)])
    evidence = engine.load_evidence(qi.document(item), as_of=AS_OF)
    (project,) = evidence.evidence
    analysis = project.analyse(_context(engine))
    (data,) = analysis.data["measures"]
    base = data["baseline"]["points"]
    expected_base = keys.get("baseline_points") or (
        sum(1 for p in item["measures"][0]["points"] if p["date"] <= keys["baseline_end"]) if "baseline_end" in keys else len(xs)
    )
    assert base == expected_base
    run = run_chart(xs, baseline=base, better=keys["better"])
    xmr = xmr_chart(xs, baseline=base, better=keys["better"])
    assert data["run_chart"]["judgement"] == run.judgement
    assert [(s["rule"], tuple(s["points"]), s["direction"], s["verdict"]) for s in data["run_chart"]["signals"]] == [
        (s.rule, s.points, s.direction, s.verdict) for s in run.signals
    ]
    assert [(s["rule"], tuple(s["points"]), s["direction"], s["verdict"]) for s in data["xmr_chart"]["signals"]] == [
        (s.rule, s.points, s.direction, s.verdict) for s in xmr.signals
    ]
    dates = [p["date"] for p in data["series"]]
    for signal in data["run_chart"]["signals"] + data["xmr_chart"]["signals"]:
        assert signal["dates"] == [dates[i] for i in signal["points"]]
    assert data["judged"] == (len(xs) >= 10)
    if len(xs) < 10:
        assert data["verdict"] == "too few points to judge"
    assert all(len(line) <= 80 for line in analysis.summary)
    json.dumps(analysis.data, allow_nan=False)


def _context(engine: Any) -> Any:
    from competency import ScoringConfig, ScoringContext

    return ScoringContext(engine.resolver, AS_OF, ScoringConfig())


@given(
    st.sets(st.sampled_from(sorted(FACTS))),
    st.lists(st.tuples(series(), st.booleans()), max_size=3),
    st.sampled_from(["led", "member", "sponsor"]),
)
def test_project_levels_run_the_charts_only_when_they_can_matter(
    engine: Any, qi: Any, facts: set[str], drawn: list[Any], role: str
) -> None:
    # A project's levels, its facts and its implied framework are exactly those of the whole analysis,
    # whether or not project_levels ran the charts; the facts read off the points are the charts' own.
    measures = []
    for i, ((xs, keys), _) in enumerate(drawn):
        if keys.get("baseline_end") is not None and keys["baseline_end"] > datetime.date(2025, 1, 6) + datetime.timedelta(weeks=len(xs) - 1):
            del keys["baseline_end"]
        measures.append(qi.measure(f"m{i}", xs, **keys))
    item = qi.project_with(facts, role=role, **({"measures": measures} if measures else {}))
    (project,) = engine.load_evidence(qi.document(item), as_of=AS_OF).evidence
    results = [analyse_measure(m) for m in project.measures]
    expected = area_levels(facts_of(project, results))
    ran: list[bool] = []

    def charts() -> list[Any]:
        ran.append(True)
        return results

    assert project_levels(project, charts) == expected
    assert project.area_levels() == expected
    assert list(project.implied_frameworks()) == (["qi-skills"] if expected else [])
    assert ("run-chart-judged" in facts_of(project, results)) == any(r.judged for r in results)
    if not ran:
        # Not run: so no rule naming a chart fact could be met, whatever the charts said.
        assert all(not set(rule.conditions) <= facts_of(project, results) | CHART_FACTS
                   for rule in RULES if CHART_FACTS.intersection(rule.conditions))


ALL_RULES = ["shift", "trend", "long-run", "few-crossings", "outside-limits", "seven-one-side", "seven-trend", "two-of-three"]


@st.composite
def patterned(draw: st.DrawFn) -> tuple[list[float], dict[str, Any]]:
    """Series made of flat stretches, ramps and noise, so that every rule fires now and then."""
    xs: list[float] = []
    for kind, level, length in draw(st.lists(st.tuples(
        st.sampled_from(["flat", "up", "down", "noise"]), st.integers(0, 6), st.integers(1, 12)
    ), min_size=1, max_size=5)):
        if kind == "flat":
            xs += [level] * length
        elif kind in ("up", "down"):
            xs += [level + (i if kind == "up" else -i) for i in range(length)]
        else:
            xs += draw(st.lists(st.integers(level - 3, level + 3), min_size=length, max_size=length))
    keys = {"better": draw(st.sampled_from(["higher", "lower"])), "baseline_points": draw(st.integers(1, len(xs)))}
    return xs, keys


@given(series() | patterned(), st.sets(st.sampled_from(ALL_RULES)))
def test_charts_by_some_rules_hold_exactly_those_rules_signals(drawn: Any, rules: set[str]) -> None:
    # Applying only some rules (as scoring does, for the facts) changes nothing but which signals are there.
    xs, keys = drawn
    base = keys.get("baseline_points")
    full_run, full_xmr = run_and_xmr_charts(xs, baseline=base, better=keys["better"])
    run, xmr = run_and_xmr_charts(xs, baseline=base, better=keys["better"], rules=rules)
    assert run.signals == tuple(s for s in full_run.signals if s.rule in rules)
    assert xmr.signals == tuple(s for s in full_xmr.signals if s.rule in rules)
    def figures(chart: Any) -> dict[str, Any]:
        return {k: v for k, v in attrs.asdict(chart, recurse=False).items() if k not in ("signals", "judgement")}

    assert figures(run) == figures(full_run)
    assert repr(figures(xmr)) == repr(figures(full_xmr))  # repr: NaN limits of a one-point baseline
    assert (run.judgement == "too-few-points") == (full_run.judgement == "too-few-points")
    assert (xmr.judgement == "too-few-points") == (full_xmr.judgement == "too-few-points")
    assert repr(run_and_xmr_charts(xs, baseline=base, better=keys["better"], rules=ALL_RULES)) == repr((full_run, full_xmr))
