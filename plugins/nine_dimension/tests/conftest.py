"""Fixtures for the nine-dimension plugin's tests: an engine with only this plugin,
the CLI, and builders of 360 and self-assessment evidence."""

from __future__ import annotations

import copy
import datetime
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click.testing
import pytest


PLUGIN = Path(__file__).resolve().parent.parent
EXAMPLES = PLUGIN / "examples"
GP_EXAMPLE = EXAMPLES / "gp-partner-360.toml"
NURSE_EXAMPLE = EXAMPLES / "practice-nurse-self-assessment.toml"
FORMAT_DOC = PLUGIN / "docs" / "360-format.md"

#: A fixed "as of" date on or after every date in the examples, so no test depends on the wall clock.
AS_OF = datetime.date(2026, 11, 26)

THRESHOLDS_ENV = "COMPETENCY_360_THRESHOLDS"

#: Environment for CLI runs: only this plugin's entry point, nothing from the machine's set-up.
CLI_ENV = {
    "COMPETENCY_LOAD_PLUGINS": "nine_dimension",
    "COMPETENCY_BLOCK_PLUGINS": None,
    "COMPETENCY_FRAMEWORKS_PATH": None,
    "COMPETENCY_TRACE_PLUGINS": None,
    "COMPETENCY_DEBUG": None,
    THRESHOLDS_ENV: None,
}

HLM = "healthcare-leadership-model"
DIMENSIONS = (
    "inspiring-shared-purpose",
    "leading-with-care",
    "evaluating-information",
    "connecting-our-service",
    "sharing-the-vision",
    "engaging-the-team",
    "holding-to-account",
    "developing-capability",
    "influencing-for-results",
)


@pytest.fixture(autouse=True, scope="session")
def _no_organisation_thresholds() -> Iterator[None]:
    """The machine's COMPETENCY_360_THRESHOLDS must not change what the tests see (session-scoped:
    hypothesis tests may not use function-scoped fixtures)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(THRESHOLDS_ENV, raising=False)
        yield


def make_engine() -> Any:
    """An engine with the built-ins and this plugin only, registered directly (not by entry point)."""
    import competency_nine_dimension
    from competency import Engine

    return Engine(
        plugins=False, extra_plugins=[competency_nine_dimension], frameworks_dirs=[], search_pyproject=False, env={}
    )


@pytest.fixture(scope="session")
def engine() -> Any:
    """A shared engine (hypothesis tests must not use function-scoped fixtures)."""
    shared = make_engine()
    assert shared.plugin_failures == ()
    assert [f.id for f in shared.frameworks()] == [HLM]
    return shared


@pytest.fixture(scope="session")
def as_of() -> datetime.date:
    """The fixed date the tests judge and score as of."""
    return AS_OF


@pytest.fixture(scope="session")
def format_doc() -> str:
    """The text of docs/360-format.md."""
    return FORMAT_DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def invoke() -> Callable[..., click.testing.Result]:
    """``invoke(*args, env={...})`` runs ``competency *args`` with only this plugin, and refuses tracebacks."""
    runner = click.testing.CliRunner()

    def run(*args: object, env: dict[str, str | None] | None = None) -> click.testing.Result:
        from competency.cli import cli

        result = runner.invoke(cli, [str(a) for a in args], env={**CLI_ENV, **(env or {})}, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.output
        assert "Traceback" not in result.stderr
        return result

    return run


# -- building evidence ------------------------------------------------------------------------------


def rater(rater_id: str, group: str, ratings: dict[str, Any], importance: dict[str, int] | None = None,
          comments: dict[str, str] | None = None) -> dict[str, Any]:
    """A rater table."""
    table: dict[str, Any] = {"id": rater_id, "group": group, "ratings": dict(ratings)}
    if importance:
        table["importance"] = dict(importance)
    if comments:
        table["comments"] = dict(comments)
    return table


def three_sixty(*raters: dict[str, Any], id: str = "hlm-360", date: datetime.date = datetime.date(2026, 5, 1),
                **extra: Any) -> dict[str, Any]:
    """A 360 item."""
    return {"id": id, "kind": "360", "date": date, **extra, "raters": [copy.deepcopy(r) for r in raters]}


def document(*items: dict[str, Any], role: str | None = "gp") -> dict[str, Any]:
    """An evidence document (parsed data) holding ``items``."""
    subject: dict[str, Any] = {"id": "s-1"}
    if role:
        subject["role"] = role
    return {"subject": subject, "evidence": [copy.deepcopy(i) for i in items]}


@pytest.fixture(scope="session")
def nd() -> types.SimpleNamespace:
    """The builders and constants above, for test modules (which cannot import conftest)."""
    return types.SimpleNamespace(
        rater=rater, three_sixty=three_sixty, document=document, make_engine=make_engine,
        AS_OF=AS_OF, DIMENSIONS=DIMENSIONS, HLM=HLM, EXAMPLES=EXAMPLES, GP_EXAMPLE=GP_EXAMPLE,
        NURSE_EXAMPLE=NURSE_EXAMPLE, THRESHOLDS_ENV=THRESHOLDS_ENV,
    )
