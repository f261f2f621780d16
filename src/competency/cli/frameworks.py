"""``competency frameworks``, ``show`` and ``check-framework``."""

from __future__ import annotations

import datetime
import json
import textwrap

import click

from ..errors import ConfigurationError, InvalidInput
from .context import InvalidInputFailure, echo_problems, engine_for, summary_line

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.command("frameworks")
@FORMAT
@click.pass_context
def frameworks_command(ctx: click.Context, fmt: str) -> None:
    """List the available frameworks and where each comes from."""
    engine = engine_for(ctx)
    frameworks = engine.frameworks()
    if fmt == "json":
        rows = [
            {
                "id": f.id, "version": f.version, "title": f.title, "publisher": f.publisher,
                "competencies": len(f.competencies), "levels": [level.id for level in f.scale.levels],
                "roles": [r.id for r in f.roles], "provided_by": engine.framework_provider(f.id),
            }
            for f in frameworks
        ]
        click.echo(json.dumps({"schema_version": 1, "kind": "frameworks", "frameworks": rows}, indent=2, ensure_ascii=False))
        return
    if not frameworks:
        click.echo("no frameworks found (see --frameworks-dir and COMPETENCY_FRAMEWORKS_PATH)")
        return
    for f in frameworks:
        _para(f"{f.id:<30} {f.version:<10} {len(f.competencies):>4} competencies", "", "    ")
        _para(f.title, "  ")
        _para(f"from {engine.framework_provider(f.id)}", "  ", "    ")


def _para(text: str, indent: str = "", subsequent: str | None = None) -> None:
    """Framework text wrapped to 80 columns, with control characters made visible."""
    from ..exporters.text_exporter import terminal_safe

    text = terminal_safe(text)
    rest = indent if subsequent is None else subsequent
    click.echo(textwrap.fill(text, 80, initial_indent=indent, subsequent_indent=rest) if text else indent)


def _iso(value: object) -> str:
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@click.command("show")
@click.argument("framework_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "toml"]), default="text", show_default=True)
@click.pass_context
def show_command(ctx: click.Context, framework_id: str, fmt: str) -> None:
    """Show one framework: its scale, its competency tree and its role profiles."""
    from ..framework_io import dump_framework, framework_to_dict

    try:
        framework = engine_for(ctx).framework(framework_id)
    except ConfigurationError as exc:  # a bad argument, like score --framework: a usage error
        raise click.BadParameter(str(exc), ctx, param_hint="'FRAMEWORK_ID'") from None
    if fmt == "json":
        # ``extra`` metadata may hold TOML dates and times, which JSON writes as ISO 8601 strings.
        click.echo(json.dumps(framework_to_dict(framework), indent=2, ensure_ascii=False, default=_iso))
        return
    if fmt == "toml":
        click.echo(dump_framework(framework), nl=False)
        return
    from ..exporters.text_exporter import fit

    para = _para
    para(f"{framework.title} ({framework.id} {framework.version})")
    para(f"Publisher: {framework.publisher}")
    para(f"Source: {framework.source}")
    if framework.licence:
        para(f"Licence: {framework.licence}")
    click.echo("\nScale:")
    for rank, level in enumerate(framework.scale.levels, start=1):
        mark = " (proficient)" if level.id == framework.scale.proficient else ""
        para(f"{rank} {level.id}: {level.label}{mark}", "  ")
    click.echo("\nCompetencies:")
    for competency, depth in framework.walk():
        code = f"{competency.code} " if competency.code else ""
        click.echo(fit("  " * (depth + 1) + f"{code}{competency.title} [{competency.id}]", 80))
    for group in framework.cross_cutting:
        click.echo("")
        para(f"{group.title} (cross-cutting):")
        for item in group.items:
            click.echo(fit(f"  {item.title} [{item.id}]", 80))
    if framework.roles:
        click.echo("\nRole profiles:")
        for role in framework.roles:
            click.echo(fit(f"  {role.id}: {role.title} ({len(role.targets)} targets)", 80))


@click.command("check-framework")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.pass_context
def check_framework_command(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Lint framework files: duplicate ids, dangling references, empty scales, off-scale targets."""
    from ..framework_io import check_framework, load_framework

    bad = 0
    for name in files:
        try:
            framework = load_framework(name)
        except InvalidInput as exc:
            bad += 1
            echo_problems(exc.problems)
            continue
        warnings = [p.with_source(name) for p in check_framework(framework)]
        echo_problems(warnings)
        click.echo(f"{name}: ok ({framework.id} {framework.version}, {len(framework.competencies)} competencies)")
    if len(files) > 1 or bad:
        click.echo(summary_line(len(files), bad), err=True)
    if bad:
        raise InvalidInputFailure(f"{bad} invalid framework file{'s' if bad != 1 else ''}")
