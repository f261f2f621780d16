"""Scoring: each rule of the table, through the engine, and the table's documentation and properties."""

from __future__ import annotations

from pathlib import Path

import re
import types
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_qi_skills.rules import AREAS, FACTS, LEVELS, RULES, Rule, area_levels

#: Facts that another fact brings with it in any real project (a baseline needs a measure, ...).
IMPLIED = {
    "hands-on": {"took-part"},
    "led": {"hands-on", "took-part"},
    "baseline-data": {"has-measure"},
    "family-of-measures": {"has-measure"},
    "run-chart-judged": {"has-measure"},
    "sustained-improvement": {"has-measure", "run-chart-judged"},
    "pathway-patient-view": {"process-map"},
    "linked-pdsa": {"pdsa"},
}


def levels_through_engine(engine: Any, qi: types.SimpleNamespace, item: dict[str, Any]) -> dict[str, str | None]:
    """The level of each method area when the project is the only evidence (one source is enough)."""
    from competency import ScoringConfig

    evidence = engine.load_evidence(qi.document(item), as_of=qi.AS_OF)
    card = engine.score(evidence, framework="qi-skills", as_of=qi.AS_OF, config=ScoringConfig(min_sources=1))
    (framework,) = card.frameworks
    return {area: framework.result(area).level for area in AREAS}  # type: ignore[union-attr]


def facts_through_engine(engine: Any, qi: types.SimpleNamespace, item: dict[str, Any]) -> set[str]:
    from competency import ScoringConfig

    evidence = engine.load_evidence(qi.document(item), as_of=qi.AS_OF)
    card = engine.score(evidence, framework="qi-skills", as_of=qi.AS_OF, config=ScoringConfig(min_sources=1))
    (analysis,) = card.analyses
    return set(analysis.data["facts"])


def _rank(level: str | None) -> int:
    return 0 if level is None else LEVELS.index(level) + 1


def _id(rule: Rule) -> str:
    return f"{rule.area}:{rule.level}:{'+'.join(rule.conditions)}"


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_a_project_with_exactly_the_rules_facts_reaches_its_level(
    engine: Any, qi: types.SimpleNamespace, rule: Rule
) -> None:
    item = qi.project_with(rule.conditions)
    assert set(rule.conditions) <= facts_through_engine(engine, qi, item)
    assert levels_through_engine(engine, qi, item)[rule.area] == rule.level


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_without_any_one_of_its_facts_the_rule_is_not_met(
    engine: Any, qi: types.SimpleNamespace, rule: Rule
) -> None:
    for missing in rule.conditions:
        if missing == "took-part":
            continue  # every project is taken part in
        kept = [c for c in rule.conditions if c != missing]
        # Keep what the missing fact implied only if another kept fact implies it too.
        if missing == "led" and "hands-on" not in kept:
            kept.append("hands-on")
        if missing == "hands-on":
            kept = [c for c in kept if c != "led"]
        item = qi.project_with(kept)
        facts = facts_through_engine(engine, qi, item)
        if missing in facts:
            continue  # implied by a kept fact: this condition cannot be removed on its own
        level = levels_through_engine(engine, qi, item)[rule.area]
        assert _rank(level) < _rank(rule.level), (missing, level)


def test_a_project_without_measures_cannot_reach_practitioner_in_measurement(
    engine: Any, qi: types.SimpleNamespace
) -> None:
    everything_but_measures = [f for f in FACTS if f not in
                               {"has-measure", "baseline-data", "family-of-measures", "run-chart-judged", "sustained-improvement"}]
    item = qi.project_with(everything_but_measures)
    levels = levels_through_engine(engine, qi, item)
    assert levels["evaluating-and-measuring-impact"] == "awareness"  # from the Model for Improvement only
    assert levels["choosing-tools-for-change"] == "leader"


def test_too_few_points_give_no_run_chart_judgement(engine: Any, qi: types.SimpleNamespace) -> None:
    item = qi.project_with(["led"], measures=[qi.measure("nine", qi.SUSTAINED[:9])])
    assert levels_through_engine(engine, qi, item)["evaluating-and-measuring-impact"] == "awareness"
    item = qi.project_with(["led"], measures=[qi.measure("ten", [10, 11] * 5)])
    assert levels_through_engine(engine, qi, item)["evaluating-and-measuring-impact"] == "practitioner"


@pytest.mark.parametrize(
    ("keys", "level"),
    [
        ({}, "leader"),
        ({"better": "higher"}, "practitioner"),  # the shift is a deterioration
        ({"type": "balancing"}, "practitioner"),  # a balancing measure is not the project's aim
        ({"type": "process"}, "leader"),
    ],
)
def test_sustained_improvement_needs_the_better_direction_on_an_outcome_or_process_measure(
    engine: Any, qi: types.SimpleNamespace, keys: dict[str, str], level: str
) -> None:
    item = qi.project_with(["led"], measures=[qi.measure("m", qi.SUSTAINED, baseline_points=10, **keys)])
    assert levels_through_engine(engine, qi, item)["evaluating-and-measuring-impact"] == level


def test_a_single_point_beyond_a_limit_is_not_sustained(engine: Any, qi: types.SimpleNamespace) -> None:
    values = [10, 11] * 5 + [11, 10, 1, 10, 11, 10]  # one very good week, then back to normal
    item = qi.project_with(["led"], measures=[qi.measure("m", values, baseline_points=10)])
    evidence = engine.load_evidence(qi.document(item), as_of=qi.AS_OF)
    (result,) = evidence.evidence[0].measure_results()
    assert [s.rule for s in result.signals] == ["outside-limits"]
    assert levels_through_engine(engine, qi, item)["evaluating-and-measuring-impact"] == "practitioner"


def test_a_shift_inside_a_marked_baseline_is_not_the_projects_effect(engine: Any, qi: types.SimpleNamespace) -> None:
    # The baseline drifts down on its own (6 high, 6 low); after it, the measure sits on the median.
    values = [12, 13, 12, 13, 12, 13, 5, 6, 5, 6, 5, 6] + [9] * 6
    marked = qi.project_with(["led"], measures=[qi.measure("m", values, baseline_points=12)])
    assert levels_through_engine(engine, qi, marked)["evaluating-and-measuring-impact"] == "practitioner"


def test_the_contribution_is_a_weighted_judgement_from_the_item(engine: Any, qi: types.SimpleNamespace) -> None:
    from competency import ScoringConfig, ScoringContext

    item = qi.project_with(["led", "sustained-improvement"])
    evidence = engine.load_evidence(qi.document(item), as_of=qi.AS_OF)
    context = ScoringContext(engine.resolver, qi.AS_OF, ScoringConfig())
    contributions = list(evidence.evidence[0].contributions(context))
    by_area = {c.competency: c for c in contributions}
    impact = by_area["qi-skills:evaluating-and-measuring-impact"]
    assert (impact.value, impact.weight, impact.source, impact.credit) == (3.0, 1.5, "item:project", 0.0)
    assert impact.date == max(p["date"] for p in item["measures"][0]["points"])  # no end: the latest date
    assert all(c.competency.startswith("qi-skills:") for c in contributions)


def test_a_project_implies_the_qi_framework_and_names_no_competency(engine: Any, qi: types.SimpleNamespace) -> None:
    evidence = engine.load_evidence(qi.document(qi.project_with(["hands-on", "process-map"])), as_of=qi.AS_OF)
    assert list(evidence.evidence[0].implied_frameworks()) == ["qi-skills"]
    assert list(evidence.evidence[0].references()) == []


def test_a_file_restricted_to_another_framework_accepts_a_project_and_leaves_it_unscored(qi: types.SimpleNamespace) -> None:
    import competency_qi_skills

    from competency import Engine

    repo = Path(__file__).resolve().parents[3]
    engine = Engine(plugins=False, extra_plugins=[competency_qi_skills], frameworks_dirs=[repo / "frameworks"], search_pyproject=False)
    document = qi.document(qi.project_with(["hands-on", "process-map"]))
    document["evidence"].append(
        {"id": "r", "kind": "reflection", "date": qi.AS_OF, "text": "A reflection.", "competencies": ["followership"]}
    )
    document["frameworks"] = ["collective-leadership"]
    validation = engine.validate(document, as_of=qi.AS_OF)
    assert validation.ok, validation.problems
    card = engine.score(validation.unwrap(), as_of=qi.AS_OF)
    assert [f.id for f in card.frameworks] == ["collective-leadership"]
    document["frameworks"] = ["collective-leadership", "qi-skills"]
    card = engine.score(engine.load_evidence(document, as_of=qi.AS_OF), as_of=qi.AS_OF)
    assert [f.id for f in card.frameworks] == ["collective-leadership", "qi-skills"]


def test_a_file_of_only_a_qi_project_is_scored_against_qi_skills(engine: Any, qi: types.SimpleNamespace) -> None:
    evidence = engine.load_evidence(qi.document(qi.project_with([])), as_of=qi.AS_OF)
    card = engine.score(evidence, as_of=qi.AS_OF)
    assert [f.id for f in card.frameworks] == ["qi-skills"]
    result = card.frameworks[0].result("choosing-tools-for-change")
    assert result is not None and "insufficient-evidence" in result.flags  # one source only (S4)


def test_a_file_restricted_to_qi_skills_scores(engine: Any, qi: types.SimpleNamespace) -> None:
    data = qi.document(qi.project_with(["led", "process-map"]))
    data["frameworks"] = ["qi-skills"]
    card = engine.score(engine.load_evidence(data, as_of=qi.AS_OF), as_of=qi.AS_OF)
    assert [f.id for f in card.frameworks] == ["qi-skills"]


# -- the table as data ----------------------------------------------------------------------------------


def test_levels_and_areas_match_the_framework(engine: Any) -> None:
    framework = engine.framework("qi-skills")
    assert tuple(level.id for level in framework.scale.levels) == LEVELS
    assert tuple(c.id for c in framework.roots) == AREAS


def test_every_rule_names_known_areas_levels_and_facts() -> None:
    for rule in RULES:
        assert rule.area in AREAS
        assert rule.level in LEVELS and rule.level != "expert"
        assert rule.conditions and set(rule.conditions) <= set(FACTS)
    assert {r.area for r in RULES} == set(AREAS)


def test_the_documented_table_is_the_rules_table(format_doc: str) -> None:
    scoring = format_doc.split("## Scoring", 1)[1]
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| ((?:`[a-z-]+`(?:, )?)+) \|$", scoring, re.M)
    documented = [Rule(area, level, tuple(re.findall(r"`([a-z-]+)`", facts))) for area, level, facts in rows]
    assert documented == list(RULES)
    facts = dict(re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|$", scoring, re.M))
    assert facts == {k: v.strip() for k, v in FACTS.items()}


def _closed(facts: set[str]) -> frozenset[str]:
    closed = set(facts) | {"took-part"}
    for fact in list(closed):
        closed |= IMPLIED.get(fact, set())
    return frozenset(closed)


@given(st.sets(st.sampled_from(sorted(FACTS))), st.sets(st.sampled_from(sorted(FACTS))))
def test_more_facts_never_lower_a_level(some: set[str], more: set[str]) -> None:
    lower = {a.area: LEVELS.index(a.level) for a in area_levels(_closed(some))}
    higher = {a.area: LEVELS.index(a.level) for a in area_levels(_closed(some | more))}
    for area, rank in lower.items():
        assert higher[area] >= rank


@given(st.sets(st.sampled_from(sorted(FACTS))))
def test_the_rule_reported_is_met_and_no_higher_rule_is(facts: set[str]) -> None:
    closed = _closed(facts)
    for found in area_levels(closed):
        assert set(found.rule.conditions) <= closed
        assert found.rule.area == found.area and found.rule.level == found.level
        for rule in RULES:
            if rule.area == found.area and LEVELS.index(rule.level) > LEVELS.index(found.level):
                assert not set(rule.conditions) <= closed


def test_without_trails_a_project_contributes_the_same_judgements_with_no_notes(engine: Any, example: Path, qi: Any) -> None:
    # Notes are read only in trails (ScoringContext.trails); everything a level depends on is the same.
    from competency import ScoringConfig, ScoringContext

    evidence = engine.load_evidence(example, as_of=qi.AS_OF)
    full, lean = (ScoringContext(engine.resolver, qi.AS_OF, ScoringConfig(), trails=trails) for trails in (True, False))
    for item in evidence.evidence:
        kept = [attrs.evolve(c, note="") for c in item.contributions(full)]
        if item.kind == "qi-project":
            assert kept and all(c.note for c in item.contributions(full))
        assert list(item.contributions(lean)) == kept
    card = engine.score(evidence, as_of=qi.AS_OF)
    stripped = attrs.evolve(card, frameworks=tuple(
        attrs.evolve(f, competencies=tuple(attrs.evolve(c, evidence=(), evidence_count=0) for c in f.competencies))
        for f in card.frameworks
    ))
    assert engine.score(evidence, as_of=qi.AS_OF, trails=False) == stripped


def test_an_ongoing_project_is_dated_by_the_latest_date_it_records(engine: Any, qi: Any) -> None:
    import datetime

    from competency import ScoringConfig, ScoringContext

    item = qi.project_with({"led", "sustained-improvement", "linked-pdsa"})  # no end: ongoing
    evidence = engine.load_evidence(qi.document(item), as_of=qi.AS_OF)
    (project,) = evidence.evidence
    latest = max(date for _, date in project.dates())
    assert latest == qi.START + datetime.timedelta(weeks=len(qi.SUSTAINED) - 1)  # the last measure point
    assert project.reference_date() == project.reference_date() == latest  # asked again: the same answer
    context = ScoringContext(engine.resolver, qi.AS_OF, ScoringConfig(), trails=False)
    assert {c.date for c in project.contributions(context)} == {latest}
    assert project.analyse(context).date == latest
