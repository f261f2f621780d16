"""``competency validate`` and ``competency score``."""

from __future__ import annotations

import datetime
import json

import attrs
import click

from ..errors import ConfigurationError, InvalidInput
from .context import (
    DATE,
    check_frameworks_and_role,
    emit,
    InvalidInputFailure,
    configuration_error,
    echo_problems,
    engine_for,
    expand_paths,
    summary_line,
)

AS_OF = click.option("--as-of", type=DATE, default=None, help="The date to judge and score as of (default: today).")


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@AS_OF
@click.option("--strict", is_flag=True, help="Treat warnings (such as patient identifiers) as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def validate_command(ctx: click.Context, paths: tuple[str, ...], as_of: datetime.date | None, strict: bool, fmt: str) -> None:
    """Validate evidence files (directories are searched for *.toml), reporting every problem."""
    engine = engine_for(ctx)
    as_of = as_of or datetime.date.today()
    results = []
    bad = 0
    for path in expand_paths(paths):
        validation = engine.validate(path, as_of=as_of)
        failed = not validation.ok or (strict and validation.warnings)
        bad += bool(failed)
        results.append((validation, failed))
        if fmt == "text":
            echo_problems(validation.problems)
            if not failed:
                click.echo(f"{path}: ok ({len(validation.unwrap().evidence)} evidence items)")
    if fmt == "json":
        files = [
            {
                "source": v.source,
                "valid": not failed,
                "problems": [{"path": p.path, "severity": p.severity, "message": p.message} for p in v.problems],
            }
            for v, failed in results
        ]
        click.echo(json.dumps({"schema_version": 1, "kind": "validation", "as_of": as_of.isoformat(), "files": files}, indent=2, ensure_ascii=False))
    click.echo(summary_line(len(results), bad), err=True)
    if not results:
        raise InvalidInputFailure("no evidence files found")
    if bad:
        raise InvalidInputFailure(f"{bad} invalid file{'s' if bad != 1 else ''}")


@click.command("score")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--framework", "frameworks", multiple=True, help="Score against this framework (repeatable; default: every framework the evidence references).")
@click.option("--role", default=None, help="The role profile to compare with (default: the subject's role).")
@AS_OF
@click.option("--format", "fmt", default="text", show_default=True, help="An exporter: text, json, csv, markdown, html, or one a plugin adds.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to this file (atomically) instead of standard output.")
@click.option("--scorer", default="default", show_default=True, help="The scorer to use.")
@click.option("--window-years", type=click.FloatRange(min=0, min_open=True), default=None, help="Ignore evidence older than this (default 5).")
@click.option("--min-sources", type=click.IntRange(min=1), default=None, help="Independent sources needed for a level (default 2).")
@click.pass_context
def score_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    frameworks: tuple[str, ...],
    role: str | None,
    as_of: datetime.date | None,
    fmt: str,
    output: str | None,
    scorer: str,
    window_years: float | None,
    min_sources: int | None,
) -> None:
    """Score evidence files against frameworks and a role, with the evidence behind every level."""
    from ..scoring.config import ScoringConfig

    engine = engine_for(ctx)
    as_of = as_of or datetime.date.today()
    _check_options(ctx, engine, fmt, scorer, frameworks, role)
    config = ScoringConfig()
    if window_years is not None:
        config = attrs.evolve(config, window_years=window_years)
    if min_sources is not None:
        config = attrs.evolve(config, min_sources=min_sources)
    cards = []
    files = list(expand_paths(paths))
    bad = 0
    for path in files:
        try:
            evidence = engine.load_evidence(path, as_of=as_of)
            cards.append(engine.score(evidence, framework=frameworks or None, role=role, as_of=as_of, scorer=scorer, config=config))
        except InvalidInput as exc:
            bad += 1
            echo_problems(exc.problems)
            continue
        except ConfigurationError as exc:
            configuration_error(exc)
    if len(files) > 1 or bad:
        click.echo(summary_line(len(files), bad), err=True)
    if not files:
        raise InvalidInputFailure("no evidence files found")
    if bad and output:
        # A partial report would look complete: write nothing and leave any existing file alone.
        raise InvalidInputFailure(f"{bad} invalid file{'s' if bad != 1 else ''}: {output} was not written")
    if not cards:
        raise InvalidInputFailure(f"{bad} invalid file{'s' if bad != 1 else ''}: nothing to score")
    text = engine.export(engine.score_report(cards, as_of), fmt)
    emit(text, output)
    if bad:
        raise InvalidInputFailure(f"{bad} invalid file{'s' if bad != 1 else ''}")


def _check_options(ctx: click.Context, engine: object, fmt: str, scorer: str, frameworks: tuple[str, ...], role: str | None) -> None:
    from ..engine import Engine

    assert isinstance(engine, Engine)
    if fmt not in engine.exporters():
        raise click.BadParameter(f"{fmt!r} is not a format (available: {', '.join(engine.exporters())})", ctx, param_hint="'--format'")
    if scorer not in engine.scorers():
        raise click.BadParameter(f"{scorer!r} is not a scorer (available: {', '.join(engine.scorers())})", ctx, param_hint="'--scorer'")
    check_frameworks_and_role(ctx, engine, frameworks, role)
