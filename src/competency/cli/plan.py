"""``competency plan``: a development plan from one person's evidence and the learning catalogues."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ConfigurationError, InvalidInput
from .context import (
    DATE,
    InvalidInputFailure,
    check_frameworks_and_role,
    configuration_error,
    echo_problems,
    emit,
    engine_for,
)

if TYPE_CHECKING:
    from ..engine import Engine
    from ..planning import PlanReport




@click.command("plan")
@click.argument("evidence", type=click.Path(dir_okay=False))
@click.option("--role", default=None, help="The role profile to plan for (default: the subject's role).")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="At most this many offers.")
@click.option("--as-of", type=DATE, default=None, help="The date to judge and score as of (default: today).")
@click.option(
    "--catalogue", "catalogues", multiple=True, type=click.Path(),
    help="A catalogue file, or a directory of them, besides those found on the search path (repeatable).",
)
@click.option("--framework", "frameworks", multiple=True, help="Plan against this framework only (repeatable; default: every framework the evidence references).")
@click.option("--format", "fmt", default="text", show_default=True, help="text, json, markdown, html, or a format a plugin adds.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to this file (atomically) instead of standard output.")
@click.pass_context
def plan_command(
    ctx: click.Context,
    evidence: str,
    role: str | None,
    limit: int,
    as_of: datetime.date | None,
    catalogues: tuple[str, ...],
    frameworks: tuple[str, ...],
    fmt: str,
    output: str | None,
) -> None:
    """Rank learning offers by how well they cover a person's largest gaps.

    Scores EVIDENCE, compares it with the role's targets and picks complementary offers from the
    catalogues, leaving out what the evidence shows is done; each choice says which gaps it covers.
    See docs/planning.md for the ranking.
    """
    from ..planning import make_plan

    engine = engine_for(ctx)
    as_of = as_of or datetime.date.today()
    _check_options(ctx, engine, fmt, frameworks, role)
    try:
        evidence_file = engine.load_evidence(Path(evidence), as_of=as_of)
    except InvalidInput as exc:
        echo_problems(exc.problems)
        raise InvalidInputFailure("the evidence is not valid: no plan was made") from None
    if role is None and evidence_file.subject.role is None:
        raise click.UsageError("the evidence gives the subject no role: pass --role ROLE to plan against its targets", ctx)
    try:
        available = engine.catalogues(catalogues)
    except InvalidInput as exc:
        echo_problems(exc.problems)
        raise InvalidInputFailure("a catalogue is not valid: no plan was made") from None
    except ConfigurationError as exc:
        configuration_error(exc)
    if not available:
        configuration_error(ConfigurationError(
            "no learning catalogue found: pass --catalogue FILE, or name a directory in "
            "[tool.competency] catalogues (pyproject.toml) or COMPETENCY_CATALOGUES_PATH"
        ))
    try:
        card = engine.score(evidence_file, framework=frameworks or None, role=role, as_of=as_of)
    except InvalidInput as exc:
        echo_problems(exc.problems)
        raise InvalidInputFailure("the evidence could not be scored: no plan was made") from None
    except ConfigurationError as exc:
        configuration_error(exc)
    report = make_plan(evidence_file, card, available, engine.frameworks(), limit=limit)
    text = _render(ctx, engine, report, fmt)
    emit(text, output)


def _render(ctx: click.Context, engine: Engine, report: PlanReport, fmt: str) -> str:
    from ..exporters.base import UnsupportedDocument

    try:
        return engine.exporters()[fmt].render(report)
    except UnsupportedDocument:
        raise click.BadParameter(f"the {fmt!r} format cannot show a plan", ctx, param_hint="'--format'") from None


def _formats(engine: Engine) -> list[str]:
    return sorted(engine.exporters())


def _check_options(ctx: click.Context, engine: Engine, fmt: str, frameworks: tuple[str, ...], role: str | None) -> None:
    check_frameworks_and_role(ctx, engine, frameworks, role)
    formats = _formats(engine)
    if fmt not in formats:
        raise click.BadParameter(f"{fmt!r} is not a format (available: {', '.join(formats)})", ctx, param_hint="'--format'")
