"""``qi-project``: a quality improvement project, its artefacts, PDSA cycles and measures over time.

The format is documented in docs/qi-project-format.md. The engine's strict converter structures an
item (exact TOML types, unknown keys rejected, every error located); :meth:`QIProject.check` adds what
types cannot say (dates in order, a baseline inside its series, ...). A project evidences the five
method areas of the qi-skills framework by what it contains (:mod:`competency_qi_skills.rules`), and
its measures are judged as run and XmR charts (:mod:`competency_qi_skills.measures`).
"""

from __future__ import annotations

import datetime
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, Literal, TypeVar

import attrs
from competency import (
    Analysis,
    AnalysisContent,
    CheckContext,
    Contribution,
    EvidenceItem,
    Framework,
    Problem,
    ScoringContext,
)

from .measures import MeasureResult, analyse_measure, measure_data, measure_lines, number_text
from .presentation import measure_charts, project_tables
from .rules import AREAS, FRAMEWORK, LEVELS, SUSTAINED_RULES, AreaLevel, area_levels, facts_of, project_levels

Role = Literal["led", "member", "sponsor"]
MeasureType = Literal["outcome", "process", "balancing"]
Direction = Literal["higher", "lower"]

#: The weight of a project's judgement in the default scorer, as for an assessor's rating or an
#: award attesting a level (docs/scoring.md, S1): the level is not claimed by the subject but
#: derived by fixed rules from what the project contains and from its data, analysed here.
PROJECT_WEIGHT = 1.5

#: Text lines of the analysis are wrapped to this width (the text exporter's terminal).
WIDTH = 80


# -- the parts of a project ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ModelForImprovement:
    """The Model for Improvement's three questions, answered."""

    aim: str
    measures: str
    changes: str


@attrs.frozen(kw_only=True)
class Involvement:
    """How patients (or carers, the patient participation group) and staff took part."""

    patients: str | None = None
    staff: str | None = None


@attrs.frozen(kw_only=True)
class ProcessMap:
    """A process map of the patient pathway."""

    description: str
    date: datetime.date | None = None
    patient_experience: str | None = None


@attrs.frozen(kw_only=True)
class DriverDiagram:
    """A driver diagram: primary drivers, and optionally secondary drivers and change ideas."""

    primary_drivers: tuple[str, ...]
    secondary_drivers: tuple[str, ...] = ()
    change_ideas: tuple[str, ...] = ()
    date: datetime.date | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class DemandCapacity:
    """Demand, capacity, activity (per ``period``) and backlog at one step, in one ``unit``."""

    step: str
    unit: str
    period: str
    demand: float
    capacity: float
    activity: float
    backlog: float
    start: datetime.date | None = None
    end: datetime.date | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class StakeholderAnalysis:
    """Who is affected by or can influence the change."""

    stakeholders: tuple[str, ...]
    method: str | None = None
    date: datetime.date | None = None
    description: str | None = None


@attrs.frozen(kw_only=True)
class Pareto:
    """A Pareto analysis: counts by category (the table's order does not matter)."""

    description: str
    counts: Mapping[str, int]
    date: datetime.date | None = None


@attrs.frozen(kw_only=True)
class Audit:
    """An audit or clinical-system search."""

    date: datetime.date
    description: str
    sample_size: int | None = None
    findings: str | None = None


@attrs.frozen(kw_only=True)
class PDSACycle:
    """One Plan-Do-Study-Act cycle."""

    start: datetime.date
    end: datetime.date
    plan: str
    do: str
    study: str
    act: str
    title: str | None = None


@attrs.frozen(kw_only=True)
class Point:
    """One dated value of a measure."""

    date: datetime.date
    value: float


@attrs.frozen(kw_only=True)
class Annotation:
    """A dated note on a measure's chart, usually a change that was made."""

    date: datetime.date
    text: str


@attrs.frozen(kw_only=True)
class Measure:
    """A measure over time: dated values, the direction that is better, and its baseline period."""

    name: str
    type: MeasureType
    unit: str
    better: Direction
    points: tuple[Point, ...]
    baseline_points: int | None = None
    baseline_end: datetime.date | None = None
    annotations: tuple[Annotation, ...] = ()
    description: str | None = None


# -- the evidence kind ---------------------------------------------------------------------------


#: item id -> (item, measure results), (item, area levels) and (item, reference date), for the few most
#: recent items (see QIProject.measure_results, QIProject.area_levels and QIProject.reference_date).
_RECENT_RESULTS: dict[int, tuple[Any, Any]] = {}
_RECENT_LEVELS: dict[int, tuple[Any, Any]] = {}
_RECENT_DATES: dict[int, tuple[Any, Any]] = {}
#: How many items each of those keeps.
_RECENT = 16
_RECENT_LOCK = threading.Lock()

T = TypeVar("T")


def _remembered(store: dict[int, tuple[Any, Any]], item: object, compute: Callable[[], T]) -> T:
    """``compute()`` for an (immutable) item, or what it gave the last time, for the last few items."""
    hit = store.get(id(item))
    if hit is not None and hit[0] is item:
        cached: T = hit[1]
        return cached
    value = compute()
    with _RECENT_LOCK:  # items may be scored by several threads: one inserts while another drops
        store[id(item)] = (item, value)  # holding the item keeps its id from being reused
        while len(store) > _RECENT:
            store.pop(next(iter(store)))
    return value


@attrs.frozen(kw_only=True)
class QIProject(EvidenceItem):
    """A quality improvement project the subject led, took part in or sponsored."""

    kind: ClassVar[str] = "qi-project"
    summary: ClassVar[str] = "a quality improvement project: PDSA cycles, artefacts and measures judged as run and SPC charts"

    title: str
    start: datetime.date
    role: Role
    end: datetime.date | None = None
    model_for_improvement: ModelForImprovement | None = None
    involvement: Involvement | None = None
    process_map: ProcessMap | None = None
    driver_diagram: DriverDiagram | None = None
    demand_capacity: DemandCapacity | None = None
    stakeholder_analysis: StakeholderAnalysis | None = None
    pareto: Pareto | None = None
    audits: tuple[Audit, ...] = ()
    pdsa_cycles: tuple[PDSACycle, ...] = ()
    measures: tuple[Measure, ...] = ()
    learning: str | None = None

    # -- what the engine asks -------------------------------------------------------------------

    def reference_date(self) -> datetime.date:
        """The end of the project, or else the latest date it records (an ongoing project).

        An ongoing project's date walks every date it records (each with its path); scoring asks three
        times (the window, the contributions, the analysis), so the answers for the last few items are kept.
        """
        if self.end is not None:
            return self.end
        return _remembered(_RECENT_DATES, self, lambda: max(date for _, date in self.dates()))

    def dates(self) -> Iterator[tuple[str, datetime.date]]:
        yield "start", self.start
        if self.end is not None:
            yield "end", self.end
        for name in ("process_map", "driver_diagram", "stakeholder_analysis", "pareto"):
            part = getattr(self, name)
            if part is not None and part.date is not None:
                yield f"{name}.date", part.date
        if self.demand_capacity is not None:
            for name in ("start", "end"):
                value = getattr(self.demand_capacity, name)
                if value is not None:
                    yield f"demand_capacity.{name}", value
        for i, audit in enumerate(self.audits):
            yield f"audits[{i}].date", audit.date
        for i, cycle in enumerate(self.pdsa_cycles):
            yield f"pdsa_cycles[{i}].start", cycle.start
            yield f"pdsa_cycles[{i}].end", cycle.end
        for i, measure in enumerate(self.measures):
            for j, point in enumerate(measure.points):
                yield f"measures[{i}].points[{j}].date", point.date
            if measure.baseline_end is not None:
                yield f"measures[{i}].baseline_end", measure.baseline_end
            for j, note in enumerate(measure.annotations):
                yield f"measures[{i}].annotations[{j}].date", note.date

    def implied_frameworks(self) -> Iterator[str]:
        """The QI skills framework, when the project evidences any method area: nobody types the
        areas (the mapping is automatic), so a file of QI projects alone is scored against qi-skills."""
        if self.area_levels():
            yield FRAMEWORK

    def check(self, context: CheckContext) -> Iterator[Problem]:
        yield from _text(self.title, "title")
        yield from _not_before(self.end, self.start, "end", "the start")
        if self.model_for_improvement is not None:
            for name in ("aim", "measures", "changes"):
                yield from _text(getattr(self.model_for_improvement, name), f"model_for_improvement.{name}")
        if self.involvement is not None:
            yield from _check_involvement(self.involvement)
        if self.process_map is not None:
            yield from _text(self.process_map.description, "process_map.description")
            yield from _text(self.process_map.patient_experience, "process_map.patient_experience", optional=True)
        if self.driver_diagram is not None:
            yield from _check_driver_diagram(self.driver_diagram)
        if self.demand_capacity is not None:
            yield from _check_demand_capacity(self.demand_capacity)
        if self.stakeholder_analysis is not None:
            sa = self.stakeholder_analysis
            yield from _texts(sa.stakeholders, "stakeholder_analysis.stakeholders", required=True)
            yield from _text(sa.method, "stakeholder_analysis.method", optional=True)
            yield from _text(sa.description, "stakeholder_analysis.description", optional=True)
        if self.pareto is not None:
            yield from _check_pareto(self.pareto)
        for i, audit in enumerate(self.audits):
            yield from _text(audit.description, f"audits[{i}].description")
            yield from _text(audit.findings, f"audits[{i}].findings", optional=True)
            if audit.sample_size is not None and audit.sample_size < 1:
                yield Problem(f"{audit.sample_size} is not a sample size: it must be at least 1", f"audits[{i}].sample_size")
        for i, cycle in enumerate(self.pdsa_cycles):
            yield from _check_pdsa(cycle, f"pdsa_cycles[{i}]")
        yield from _check_measures(self.measures)
        yield from _text(self.learning, "learning", optional=True)

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        framework = context.resolver.frameworks.get(FRAMEWORK)
        if framework is None:  # not installed, or left out by the file's `frameworks`
            return
        # The same for every area; an ongoing project's date is the latest of all its dates.
        source, date = f"item:{self.id}", self.reference_date()
        for found in self.area_levels():
            if framework.competency(found.area) is None:
                continue
            try:
                rank = context.resolver.level_rank(framework, found.level)
            except ValueError:  # another file calling itself qi-skills, on a different scale
                continue
            yield Contribution(
                competency=framework.qualified(found.area),
                evidence=self.id,
                source=source,
                date=date,
                value=float(rank),
                weight=PROJECT_WEIGHT,
                # Read only in trails (ScoringContext.trails).
                note=f"QI project ({self.role}): {framework.scale.level(rank).label}" if context.trails else "",
            )

    def analyse(self, context: ScoringContext) -> Analysis:
        framework = context.resolver.frameworks.get(FRAMEWORK)
        return Analysis(
            kind=self.kind,
            evidence=self.id,
            title=f"QI project: {self.title}",
            build=lambda: self._analysis_content(framework),
            date=self.reference_date(),
        )

    def _analysis_content(self, framework: Framework | None) -> AnalysisContent:
        results = self.measure_results()
        facts = facts_of(self, results)
        levels = area_levels(facts)
        titles = {a: a.replace("-", " ") for a in AREAS}
        if framework is not None:
            titles.update({c.id: c.title for c in framework.competencies})
        data = {
            "title": self.title,
            "role": self.role,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "facts": sorted(facts),
            "method_areas": [
                {
                    "competency": f"{FRAMEWORK}:{found.area}",
                    "title": titles.get(found.area, found.area),
                    "level": found.level,
                    "rank": LEVELS.index(found.level) + 1,
                    "rule": list(found.rule.conditions),
                }
                for found in levels
            ],
            "pdsa_cycles": [
                {"title": c.title, "start": c.start.isoformat(), "end": c.end.isoformat()} for c in self.pdsa_cycles
            ],
            "demand_capacity": _demand_capacity_data(self.demand_capacity),
            "pareto": _pareto_data(self.pareto),
            "measures": [measure_data(r) for r in results],
        }
        return AnalysisContent(
            data,
            tuple(self._summary_lines(results, levels, titles)),
            tuple(project_tables(self, results, levels, titles, _pareto_data(self.pareto))),
            tuple(chart for result in results for chart in measure_charts(result)),
        )

    # -- helpers for the plugin and its users ----------------------------------------------------

    def measure_results(self) -> tuple[MeasureResult, ...]:
        """Each measure judged as a run chart and an XmR chart.

        The analysis shown beside the scores asks (scoring runs only the rules its facts need, see
        :meth:`area_levels`); the item is immutable, so the answers for the last few items are kept.
        """
        return _remembered(_RECENT_RESULTS, self, lambda: tuple(analyse_measure(m) for m in self.measures))

    def area_levels(self) -> tuple[AreaLevel, ...]:
        """The level the project evidences in each method area it touches, and the rule that gave it
        (the measures' charts are run only if a rule that could be met needs them).

        Scoring asks twice (frameworks, contributions), so the answers for the last few items are kept.
        """
        return _remembered(_RECENT_LEVELS, self, lambda: project_levels(self, self._sustained_results))

    def _sustained_results(self) -> tuple[MeasureResult, ...]:
        # The facts read no signal but those of SUSTAINED_RULES (sustained_improvement), so the charts
        # for the levels apply no other rule; the analysis shown runs them all (measure_results).
        return tuple(analyse_measure(m, rules=SUSTAINED_RULES) for m in self.measures)

    def _summary_lines(
        self, results: tuple[MeasureResult, ...], levels: tuple[AreaLevel, ...], titles: Mapping[str, str]
    ) -> Iterator[str]:
        period = f"{self.start.isoformat()} to {self.end.isoformat()}" if self.end else f"from {self.start.isoformat()}"
        cycles = len(self.pdsa_cycles)
        parts = [f"role {self.role}", period, f"{cycles} PDSA cycle{'s' if cycles != 1 else ''}"]
        yield from _wrap("; ".join(parts))
        artefacts = [
            name
            for name, present in (
                ("Model for Improvement", self.model_for_improvement is not None),
                ("process map", self.process_map is not None),
                ("driver diagram", self.driver_diagram is not None),
                ("demand and capacity", self.demand_capacity is not None),
                ("stakeholder analysis", self.stakeholder_analysis is not None),
                ("Pareto", self.pareto is not None),
                (f"{len(self.audits)} audit{'s' if len(self.audits) != 1 else ''}", bool(self.audits)),
            )
            if present
        ]
        yield from _wrap("artefacts: " + (", ".join(artefacts) or "none"))
        dc = self.demand_capacity
        if dc is not None:
            yield from _wrap(
                f"demand and capacity at {dc.step} ({dc.unit} per {dc.period}): demand {number_text(dc.demand)}, "
                f"capacity {number_text(dc.capacity)}, activity {number_text(dc.activity)}, backlog "
                f"{number_text(dc.backlog)}"
            )
        yield "evidences (level, with the facts of the rule met):"
        for found in levels:
            rule = ", ".join(found.rule.conditions)
            yield from _wrap(f"{titles.get(found.area, found.area)}: {found.level} ({rule})", "  ")
        for result in results:
            for line in measure_lines(result):
                indent = line[: len(line) - len(line.lstrip())]
                yield from _wrap(line.strip(), indent)


# -- checks ----------------------------------------------------------------------------------------


def _text(value: str | None, path: str, *, optional: bool = False) -> Iterator[Problem]:
    if value is not None and not value.strip():
        yield Problem("must not be empty" + (": write something or leave the key out" if optional else ""), path)


def _texts(values: tuple[str, ...], path: str, *, required: bool = False) -> Iterator[Problem]:
    if required and not values:
        yield Problem("is empty: list at least one", path)
    for i, value in enumerate(values):
        if not value.strip():
            yield Problem("must not be empty", f"{path}[{i}]")


def _not_before(later: datetime.date | None, earlier: datetime.date | None, path: str, what: str) -> Iterator[Problem]:
    if later is not None and earlier is not None and later < earlier:
        yield Problem(f"{later.isoformat()} is before {what} {earlier.isoformat()}", path)


def _check_involvement(involvement: Involvement) -> Iterator[Problem]:
    if involvement.patients is None and involvement.staff is None:
        yield Problem("is empty: say how patients or staff took part (patients, staff), or leave the table out", "involvement")
    yield from _text(involvement.patients, "involvement.patients", optional=True)
    yield from _text(involvement.staff, "involvement.staff", optional=True)


def _check_driver_diagram(dd: DriverDiagram) -> Iterator[Problem]:
    yield from _texts(dd.primary_drivers, "driver_diagram.primary_drivers", required=True)
    yield from _texts(dd.secondary_drivers, "driver_diagram.secondary_drivers")
    yield from _texts(dd.change_ideas, "driver_diagram.change_ideas")
    yield from _text(dd.description, "driver_diagram.description", optional=True)


def _check_demand_capacity(dc: DemandCapacity) -> Iterator[Problem]:
    for name in ("step", "unit", "period"):
        yield from _text(getattr(dc, name), f"demand_capacity.{name}")
    for name in ("demand", "capacity", "activity", "backlog"):
        value = getattr(dc, name)
        if value < 0:
            yield Problem(f"{number_text(value)} is negative", f"demand_capacity.{name}")
    yield from _not_before(dc.end, dc.start, "demand_capacity.end", "the start")
    yield from _text(dc.description, "demand_capacity.description", optional=True)


def _check_pareto(pareto: Pareto) -> Iterator[Problem]:
    yield from _text(pareto.description, "pareto.description")
    if not pareto.counts:
        yield Problem("is empty: give a count for each category", "pareto.counts")
    for category, count in pareto.counts.items():
        if not category.strip():
            yield Problem("a category name must not be empty", "pareto.counts")
        if count < 0:
            yield Problem(f"{count} is negative", f"pareto.counts.{category}")
    if pareto.counts and all(c == 0 for c in pareto.counts.values()):
        yield Problem("every count is 0: there is nothing to rank", "pareto.counts")


def _check_pdsa(cycle: PDSACycle, path: str) -> Iterator[Problem]:
    yield from _not_before(cycle.end, cycle.start, f"{path}.end", "the start")
    for name in ("plan", "do", "study", "act"):
        yield from _text(getattr(cycle, name), f"{path}.{name}")
    yield from _text(cycle.title, f"{path}.title", optional=True)


def _check_measures(measures: tuple[Measure, ...]) -> Iterator[Problem]:
    first_use: dict[str, int] = {}
    for i, measure in enumerate(measures):
        path = f"measures[{i}]"
        yield from _text(measure.name, f"{path}.name")
        key = measure.name.strip().casefold()
        if key and key in first_use:
            yield Problem(f'"{measure.name}" is also the name of measures[{first_use[key]}]', f"{path}.name")
        first_use.setdefault(key, i)
        yield from _text(measure.unit, f"{path}.unit")
        yield from _text(measure.description, f"{path}.description", optional=True)
        yield from _check_measure_series(measure, path)


def _check_measure_series(measure: Measure, path: str) -> Iterator[Problem]:
    points = measure.points
    if not points:
        yield Problem("is empty: a measure needs at least one dated value", f"{path}.points")
    seen: dict[datetime.date, int] = {}
    for j, point in enumerate(points):
        if j and point.date <= points[j - 1].date:
            hint = "each point needs its own date" if point.date == points[j - 1].date else "list the points in date order"
            yield Problem(
                f"{point.date.isoformat()} is not after the previous point ({points[j - 1].date.isoformat()}): {hint}",
                f"{path}.points[{j}].date",
            )
        elif point.date in seen:
            yield Problem(
                f"{point.date.isoformat()} is the date of points[{seen[point.date]}] too: each point needs its own date",
                f"{path}.points[{j}].date",
            )
        seen.setdefault(point.date, j)
    n = len(points)
    if measure.baseline_points is not None and measure.baseline_end is not None:
        yield Problem("give baseline_points or baseline_end, not both", f"{path}.baseline_end")
    if measure.baseline_points is not None:
        if measure.baseline_points < 1:
            yield Problem(f"{measure.baseline_points} is not a number of points: the baseline needs at least 1", f"{path}.baseline_points")
        elif n and measure.baseline_points > n:
            yield Problem(f"{measure.baseline_points} is more than the number of points ({n})", f"{path}.baseline_points")
    if measure.baseline_end is not None and points:
        first, last = min(p.date for p in points), max(p.date for p in points)
        if measure.baseline_end < first:
            yield Problem(
                f"{measure.baseline_end.isoformat()} is before the first point ({first.isoformat()}): the baseline would be empty",
                f"{path}.baseline_end",
            )
        elif measure.baseline_end > last:
            yield Problem(
                f"{measure.baseline_end.isoformat()} is after the last point ({last.isoformat()})",
                f"{path}.baseline_end",
            )
    for j, note in enumerate(measure.annotations):
        yield from _text(note.text, f"{path}.annotations[{j}].text")
        if points:
            first, last = min(p.date for p in points), max(p.date for p in points)
            if not first <= note.date <= last:
                yield Problem(
                    f"{note.date.isoformat()} is outside the series ({first.isoformat()} to {last.isoformat()})",
                    f"{path}.annotations[{j}].date",
                )


# -- analysis data -----------------------------------------------------------------------------------


def _demand_capacity_data(dc: DemandCapacity | None) -> dict[str, object] | None:
    if dc is None:
        return None
    return {
        "step": dc.step,
        "unit": dc.unit,
        "period": dc.period,
        "demand": dc.demand,
        "capacity": dc.capacity,
        "activity": dc.activity,
        "backlog": dc.backlog,
        # Positive: more arrives than the step can do, so the backlog grows.
        "demand_minus_capacity": dc.demand - dc.capacity,
        "start": dc.start.isoformat() if dc.start else None,
        "end": dc.end.isoformat() if dc.end else None,
    }


def _pareto_data(pareto: Pareto | None) -> dict[str, object] | None:
    if pareto is None:
        return None
    total = sum(pareto.counts.values())
    ranked = sorted(pareto.counts.items(), key=lambda kv: (-kv[1], kv[0]))
    rows, running = [], 0
    for category, count in ranked:
        running += count
        rows.append({
            "category": category,
            "count": count,
            "cumulative_share": running / total if total else None,
        })
    return {"description": pareto.description, "total": total, "categories": rows}


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    ) or [indent]
