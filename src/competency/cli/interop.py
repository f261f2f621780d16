"""``competency import-framework`` and ``export-framework``: CASE 1.1 packages in and out."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigurationError, InvalidInput
from .context import InvalidInputFailure, configuration_error, echo_problems, emit, engine_for

OUTPUT = click.option(
    "--output", "-o", type=click.Path(dir_okay=False), default=None,
    help="Write to this file (atomically) instead of standard output.",
)


def _framework_id(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from ..framework_io import FRAMEWORK_ID

    if value is not None and not FRAMEWORK_ID.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a framework id (lower-case letters, digits, '-' and '.')", ctx, param)
    return value


def _base_uri(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import re

    if value is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", value):
        raise click.BadParameter(f"{value!r} is not an absolute URI (such as https://example.org/ims/case/v1p1)", ctx, param)
    return value


def _last_change(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from ..interop._case_schema import is_datetime

    if value is not None and not is_datetime(value):
        raise click.BadParameter(f"{value!r} is not an RFC 3339 date-time (such as 2026-03-01T00:00:00+00:00)", ctx, param)
    return value


@click.command("import-framework")
@click.argument("file", type=click.Path(allow_dash=True))
@OUTPUT
@click.option("--id", "framework_id", default=None, callback=_framework_id,
              help="The framework id (default: the id an export kept, else a slug of the title).")
def import_framework_command(file: str, output: str | None, framework_id: str | None) -> None:
    """Convert a CASE 1.0 or 1.1 package (JSON) into a framework file (TOML).

    Everything CASE carries that the framework format has no place for is kept
    in `extra` tables, so that exporting the framework again loses nothing.
    See docs/case.md.
    """
    from ..interop import imported_toml, load_case

    try:
        imported = load_case(file, framework_id=framework_id)
    except InvalidInput as exc:
        echo_problems(exc.problems)
        raise InvalidInputFailure(f"{'standard input' if file == '-' else file} was not imported") from None
    echo_problems(imported.warnings)
    framework = imported.framework
    emit(imported_toml(imported, "" if file == "-" else Path(file).name), output)
    if output is not None:
        click.echo(f"{output}: {framework.id} {framework.version}, {len(framework.competencies)} competencies", err=True)


@click.command("export-framework")
@click.argument("framework")
@click.option("--format", "fmt", type=click.Choice(["case"]), default="case", show_default=True,
              help="The format: case (CASE 1.1 JSON).")
@OUTPUT
@click.option("--base-uri", default=None, callback=_base_uri,
              help="Give new CASE objects URIs under this address instead of urn:uuid: ones.")
@click.option("--last-change", default=None, callback=_last_change,
              help="lastChangeDateTime of records that keep none (default 1970-01-01T00:00:00+00:00).")
@click.pass_context
def export_framework_command(
    ctx: click.Context, framework: str, fmt: str, output: str | None, base_uri: str | None, last_change: str | None
) -> None:
    """Export a framework (an id, or a framework file) in an interchange format.

    The same framework always gives the same output: identifiers are kept from
    CASE or derived (UUIDv5) from the framework and competency ids, and no
    clock is read. See docs/case.md.
    """
    from ..framework_io import load_framework
    from ..interop import dumps_case

    try:
        if Path(framework).is_file() or "/" in framework or framework.endswith(".toml"):
            loaded = load_framework(framework)
        else:
            loaded = engine_for(ctx).framework(framework)
        text = dumps_case(loaded, base_uri=base_uri, last_change=last_change)
    except ConfigurationError as exc:
        configuration_error(exc)
    except InvalidInput as exc:
        echo_problems(exc.problems)
        raise InvalidInputFailure(f"{framework} was not exported") from None
    emit(text, output)
