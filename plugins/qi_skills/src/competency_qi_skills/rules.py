"""What a QI project evidences: named facts about the project, and the rules table as data.

A rule says: in this method area, a project evidences this level when it has all these facts. An
area's level is the highest level of any rule it meets (several rules for the same area and level
are alternatives). The table is documented in docs/qi-project-format.md ("Scoring"), and a test
keeps the two in step.

Facts only ever become true as a project records more (a process map, another PDSA cycle, more data
points after the baseline), and a role counts for everything a lesser one does (led > member >
sponsor), so better evidence never lowers a level. No single project evidences ``expert``: that level
is about designing and teaching programmes, which one project cannot show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from .analysis import MIN_POINTS
from .measures import MeasureResult, baseline_size

if TYPE_CHECKING:
    from .project import Measure, QIProject

#: The qi-skills framework's id and its levels, lowest first (a test checks them against the file).
FRAMEWORK = "qi-skills"
LEVELS = ("awareness", "practitioner", "leader", "expert")

#: The five method areas, in the framework's order.
AREAS = (
    "understanding-the-problem-using-data",
    "understanding-the-patient-pathway",
    "analysing-demand-capacity-and-flow",
    "choosing-tools-for-change",
    "evaluating-and-measuring-impact",
)

#: A marked baseline needs this many points to count as baseline data: our choice, the length of a
#: shift (six points), enough to see how the measure varied before anything was changed.
BASELINE_MIN_POINTS = 6

#: The signals that show an improvement was sustained, not a single good week: a run on the better
#: side of the centre line (run chart shift or Anhøj long run, XmR seven points on one side).
#: A point beyond a limit, two of three near it, or a trend show a change, not that it held.
SUSTAINED_RULES = frozenset({"shift", "long-run", "seven-one-side"})

#: Every fact a rule may name, with what it means (the documentation's table is written from this).
FACTS: Mapping[str, str] = {
    "took-part": "any role: led, member or sponsor",
    "hands-on": "role is led or member (a sponsor supports the work but does not do it)",
    "led": "role is led",
    "has-measure": "at least one measure with dated values",
    "audit": "at least one audit or clinical-system search",
    "pareto": "a Pareto analysis",
    "baseline-data": f"a measure with a marked baseline (baseline_points or baseline_end) of at least {BASELINE_MIN_POINTS} points",
    "family-of-measures": "outcome, process and balancing measures, each with dated values",
    "process-map": "a process map of the patient pathway",
    "pathway-patient-view": "the process map records the patient's experience (patient_experience)",
    "patients-involved": "involvement.patients says how patients or carers took part",
    "staff-involved": "involvement.staff says how staff took part",
    "demand-capacity": "a demand, capacity, activity and backlog analysis with its numbers",
    "pdsa": "at least one PDSA cycle",
    "linked-pdsa": "two or more PDSA cycles",
    "model-for-improvement": "the three Model for Improvement questions answered",
    "driver-diagram": "a driver diagram",
    "stakeholder-analysis": "a stakeholder analysis",
    "run-chart-judged": "a measure with at least 10 points, so the run-chart rules judge it",
    "sustained-improvement": (
        "an outcome or process measure of at least 10 points with a shift or long run (run chart) or "
        "7 points on one side of the mean (XmR) in the better direction, including a point after "
        "a marked baseline"
    ),
}


@attrs.frozen
class Rule:
    """In method area ``area``, a project with every fact in ``conditions`` evidences ``level``."""

    area: str
    level: str
    conditions: tuple[str, ...]


def _rules(area: str, *rows: tuple[str, tuple[str, ...]]) -> tuple[Rule, ...]:
    return tuple(Rule(area, level, conditions) for level, conditions in rows)


#: The rules table. Keep docs/qi-project-format.md in step (a test compares them).
RULES: tuple[Rule, ...] = (
    *_rules(
        "understanding-the-problem-using-data",
        ("awareness", ("took-part", "has-measure")),
        ("awareness", ("took-part", "audit")),
        ("awareness", ("took-part", "pareto")),
        ("practitioner", ("hands-on", "baseline-data")),
        ("practitioner", ("hands-on", "audit")),
        ("practitioner", ("hands-on", "pareto")),
        ("leader", ("led", "family-of-measures", "baseline-data", "audit")),
        ("leader", ("led", "family-of-measures", "baseline-data", "pareto")),
    ),
    *_rules(
        "understanding-the-patient-pathway",
        ("awareness", ("took-part", "process-map")),
        ("practitioner", ("hands-on", "process-map")),
        ("leader", ("led", "process-map", "pathway-patient-view", "patients-involved")),
    ),
    *_rules(
        "analysing-demand-capacity-and-flow",
        ("awareness", ("took-part", "demand-capacity")),
        ("practitioner", ("hands-on", "demand-capacity")),
        ("leader", ("led", "demand-capacity", "pdsa", "sustained-improvement")),
    ),
    *_rules(
        "choosing-tools-for-change",
        ("awareness", ("took-part",)),
        ("practitioner", ("hands-on", "pdsa", "model-for-improvement")),
        ("practitioner", ("hands-on", "pdsa", "driver-diagram")),
        ("leader", ("led", "linked-pdsa", "driver-diagram", "stakeholder-analysis", "staff-involved", "patients-involved")),
    ),
    *_rules(
        "evaluating-and-measuring-impact",
        ("awareness", ("took-part", "has-measure")),
        ("awareness", ("took-part", "model-for-improvement")),
        ("practitioner", ("hands-on", "run-chart-judged")),
        ("leader", ("led", "sustained-improvement")),
    ),
)


def sustained_improvement(result: MeasureResult) -> bool:
    """Fact ``sustained-improvement`` for one measure (see :data:`FACTS`)."""
    if result.measure.type == "balancing" or not result.judged:
        return False
    marked = result.measure.baseline_points is not None or result.measure.baseline_end is not None
    after_baseline = result.baseline if marked and result.baseline < result.n else 0
    return any(
        s.rule in SUSTAINED_RULES and s.verdict == "improvement" and s.points and s.points[-1] >= after_baseline
        for s in result.signals
    )


#: The one fact read off the measures' run and XmR charts; every other fact is read off the project and
#: its points, so the charts are run only when a rule with this fact could be met (:func:`project_levels`).
CHART_FACTS = frozenset({"sustained-improvement"})


def facts_of(project: QIProject, measures: Iterable[MeasureResult]) -> frozenset[str]:
    """The facts (keys of :data:`FACTS`) that hold for ``project`` given its measures' results."""
    results = [r for r in measures if r.n > 0]
    found = _plain_facts(project, [r.measure for r in results])
    if any(sustained_improvement(r) for r in results):
        found.add("sustained-improvement")
    return frozenset(found)


def project_levels(project: QIProject, results: Callable[[], Iterable[MeasureResult]]) -> tuple[AreaLevel, ...]:
    """``area_levels(facts_of(project, results()))``, calling ``results`` (the charts) only when it matters.

    Without the :data:`CHART_FACTS` no rule that names one is met unless its other conditions are: when
    none of those rules has them, the charts cannot change which rules are met, and are not run.
    """
    plain = _plain_facts(project, [m for m in project.measures if m.points])
    if any(CHART_FACTS.intersection(rule.conditions) and set(rule.conditions) - CHART_FACTS <= plain for rule in RULES):
        return area_levels(facts_of(project, results()))
    return area_levels(frozenset(plain))


def _plain_facts(project: QIProject, measures: Sequence[Measure]) -> set[str]:
    # Every fact but the CHART_FACTS, from the project and its measures that have points.
    found = {"took-part"}
    if project.role in ("led", "member"):
        found.add("hands-on")
    if project.role == "led":
        found.add("led")
    types = {m.type for m in measures}
    checks = {
        "has-measure": bool(measures),
        "audit": bool(project.audits),
        "pareto": project.pareto is not None,
        "baseline-data": any(
            (m.baseline_points is not None or m.baseline_end is not None) and baseline_size(m) >= BASELINE_MIN_POINTS
            for m in measures
        ),
        "family-of-measures": {"outcome", "process", "balancing"} <= types,
        "process-map": project.process_map is not None,
        "pathway-patient-view": project.process_map is not None and project.process_map.patient_experience is not None,
        "patients-involved": project.involvement is not None and project.involvement.patients is not None,
        "staff-involved": project.involvement is not None and project.involvement.staff is not None,
        "demand-capacity": project.demand_capacity is not None,
        "pdsa": len(project.pdsa_cycles) >= 1,
        "linked-pdsa": len(project.pdsa_cycles) >= 2,
        "model-for-improvement": project.model_for_improvement is not None,
        "driver-diagram": project.driver_diagram is not None,
        "stakeholder-analysis": project.stakeholder_analysis is not None,
        # The run chart judges a series of MIN_POINTS or more (MeasureResult.judged; a property test checks).
        "run-chart-judged": any(len(m.points) >= MIN_POINTS for m in measures),
    }
    found.update(name for name, holds in checks.items() if holds)
    return found


@attrs.frozen
class AreaLevel:
    """The level a project evidences in one method area, and the rule that gave it."""

    area: str
    level: str
    rule: Rule


def area_levels(facts: frozenset[str], rules: Iterable[Rule] = RULES) -> tuple[AreaLevel, ...]:
    """For each method area with a rule met, the highest level met (in the order of :data:`AREAS`)."""
    best: dict[str, Rule] = {}
    for rule in rules:
        if not set(rule.conditions) <= facts:
            continue
        current = best.get(rule.area)
        if current is None or LEVELS.index(rule.level) > LEVELS.index(current.level):
            best[rule.area] = rule
    order = {area: i for i, area in enumerate(AREAS)}
    return tuple(
        AreaLevel(area, rule.level, rule) for area, rule in sorted(best.items(), key=lambda kv: order.get(kv[0], len(order)))
    )
