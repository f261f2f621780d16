"""Fixtures for the qi-skills plugin's tests: an engine with only this plugin,
the CLI, and builders of qi-project evidence."""

from __future__ import annotations

import copy
import datetime
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click.testing
import pytest


PLUGIN = Path(__file__).resolve().parent.parent
EXAMPLE = PLUGIN / "examples" / "practice-nurse-qi.toml"
FORMAT_DOC = PLUGIN / "docs" / "qi-project-format.md"

#: A fixed "as of" date after every date in the example, so no test depends on the wall clock.
AS_OF = datetime.date(2026, 3, 1)

#: Environment for CLI runs: only this plugin's entry point, nothing from the machine's set-up.
CLI_ENV = {
    "COMPETENCY_LOAD_PLUGINS": "qi_skills",
    "COMPETENCY_BLOCK_PLUGINS": None,
    "COMPETENCY_FRAMEWORKS_PATH": None,
    "COMPETENCY_TRACE_PLUGINS": None,
    "COMPETENCY_DEBUG": None,
}


def make_engine() -> Any:
    """An engine with the built-ins and this plugin only, registered directly (not by entry point)."""
    import competency_qi_skills
    from competency import Engine

    return Engine(
        plugins=False, extra_plugins=[competency_qi_skills], frameworks_dirs=[], search_pyproject=False, env={}
    )


@pytest.fixture(scope="session")
def engine() -> Any:
    """A shared engine (hypothesis tests must not use function-scoped fixtures)."""
    shared = make_engine()
    assert shared.plugin_failures == ()
    assert [f.id for f in shared.frameworks()] == ["qi-skills"]
    return shared


@pytest.fixture(scope="session")
def as_of() -> datetime.date:
    """The fixed date the tests judge and score as of."""
    return AS_OF


@pytest.fixture(scope="session")
def example() -> Path:
    """The shipped example evidence file."""
    return EXAMPLE


@pytest.fixture(scope="session")
def format_doc() -> str:
    """The text of docs/qi-project-format.md."""
    return FORMAT_DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def invoke() -> Callable[..., click.testing.Result]:
    """``invoke(*args)`` runs ``competency *args`` with only this plugin, and refuses tracebacks."""
    runner = click.testing.CliRunner()

    def run(*args: object) -> click.testing.Result:
        from competency.cli import cli

        result = runner.invoke(cli, [str(a) for a in args], env=CLI_ENV, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.output
        assert "Traceback" not in result.stderr
        return result

    return run


# -- building evidence ------------------------------------------------------------------------------


def weekly(start: datetime.date, values: Iterable[float]) -> list[dict[str, Any]]:
    """Points a week apart from ``start``."""
    return [{"date": start + datetime.timedelta(weeks=i), "value": v} for i, v in enumerate(values)]


START = datetime.date(2025, 1, 6)


def measure(name: str, values: Iterable[float], **keys: Any) -> dict[str, Any]:
    """A measure table with weekly points (outcome, lower is better, unless ``keys`` say otherwise)."""
    return {"name": name, "type": "outcome", "unit": "%", "better": "lower", "points": weekly(START, values), **keys}


#: A measure with a sustained improvement: 10 baseline weeks around 10.5, then 10 weeks at 5 (lower
#: is better), a shift below the baseline median after the marked baseline.
SUSTAINED = [10, 11] * 5 + [5] * 10
#: Ten points of random variation: alternating, so no run, no trend and no point beyond a limit.
RANDOM = [5, 6] * 5


def project_with(facts: Iterable[str], **extra: Any) -> dict[str, Any]:
    """A minimal qi-project item whose content gives ``facts`` (the names in rules.FACTS).

    Facts that imply others (``linked-pdsa`` gives ``pdsa``) bring those too; nothing else is added.
    """
    wanted = set(facts)
    role = "led" if "led" in wanted else "member" if "hands-on" in wanted else "sponsor"
    item: dict[str, Any] = {
        "id": "project", "kind": "qi-project", "title": "A test project", "start": START, "role": role,
    }
    measures: list[dict[str, Any]] = []
    if "has-measure" in wanted:
        measures.append(measure("short series", [3, 4, 3]))
    if "baseline-data" in wanted:
        measures.append(measure("baseline series", [3, 4, 3, 5, 4, 3], baseline_points=6))
    if "family-of-measures" in wanted:
        for kind in ("outcome", "process", "balancing"):
            measures.append(measure(f"{kind} measure", [1, 2, 1], type=kind))
    if "run-chart-judged" in wanted:
        measures.append(measure("judged series", RANDOM))
    if "sustained-improvement" in wanted:
        measures.append(measure("improving series", SUSTAINED, baseline_points=10))
    if measures:
        item["measures"] = measures
    if "audit" in wanted:
        item["audits"] = [{"date": START, "description": "a search"}]
    if "pareto" in wanted:
        item["pareto"] = {"description": "reasons", "counts": {"forgot": 5, "other": 2}}
    if "process-map" in wanted or "pathway-patient-view" in wanted:
        item["process_map"] = {"description": "booking to appointment"}
        if "pathway-patient-view" in wanted:
            item["process_map"]["patient_experience"] = "long waits on the phone"
    involvement = {k: f"{k} took part" for k, fact in (("patients", "patients-involved"), ("staff", "staff-involved")) if fact in wanted}
    if involvement:
        item["involvement"] = involvement
    if "demand-capacity" in wanted:
        item["demand_capacity"] = {
            "step": "clinic", "unit": "appointments", "period": "week",
            "demand": 100, "capacity": 90, "activity": 88, "backlog": 30,
        }
    cycles = 2 if "linked-pdsa" in wanted else 1 if "pdsa" in wanted else 0
    if cycles:
        item["pdsa_cycles"] = [
            {"start": START + datetime.timedelta(weeks=4 * i), "end": START + datetime.timedelta(weeks=4 * i + 2),
             "plan": "p", "do": "d", "study": "s", "act": "a"}
            for i in range(cycles)
        ]
    if "model-for-improvement" in wanted:
        item["model_for_improvement"] = {"aim": "fewer DNAs", "measures": "DNA rate", "changes": "reminders"}
    if "driver-diagram" in wanted:
        item["driver_diagram"] = {"primary_drivers": ["patients remember"]}
    if "stakeholder-analysis" in wanted:
        item["stakeholder_analysis"] = {"stakeholders": ["patients", "reception"]}
    item.update(extra)
    return item


def document(*items: dict[str, Any], role: str | None = "practice-nurse") -> dict[str, Any]:
    """An evidence document (parsed data) holding ``items``."""
    subject: dict[str, Any] = {"id": "s-1"}
    if role:
        subject["role"] = role
    return {"subject": subject, "evidence": [copy.deepcopy(i) for i in items]}


@pytest.fixture(scope="session")
def qi() -> types.SimpleNamespace:
    """The builders and constants above, for test modules (which cannot import conftest)."""
    return types.SimpleNamespace(
        project_with=project_with, document=document, measure=measure, weekly=weekly,
        START=START, AS_OF=AS_OF, SUSTAINED=SUSTAINED, RANDOM=RANDOM, make_engine=make_engine,
    )
