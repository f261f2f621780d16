"""Shared pieces of the commands: the engine, paths to files, error reporting, output."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from ..errors import EXIT_CONFIGURATION, EXIT_INVALID_INPUT, ConfigurationError

if TYPE_CHECKING:
    from ..engine import Engine
    from ..errors import Problem


class ConfigurationFailure(click.ClickException):
    """Exit 3: the set-up is wrong (conflicting plugins, unknown framework or scorer)."""

    exit_code = EXIT_CONFIGURATION


class InvalidInputFailure(click.ClickException):
    """Exit 1: an input is invalid; the problems have been printed already."""

    exit_code = EXIT_INVALID_INPUT


def engine_for(ctx: click.Context) -> Engine:
    """The engine of this invocation, created on first use and shared by the commands."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "engine" not in root.obj:
        from ..engine import Engine

        root.obj["engine"] = Engine(frameworks_dirs=root.obj.get("frameworks_dirs", ()), warn=_warn)
    engine: Engine = root.obj["engine"]
    return engine


def _warn(message: str) -> None:
    from ..exporters.text_exporter import terminal_safe

    click.echo(f"competency: warning: {terminal_safe(message)}", err=True)


def configuration_error(exc: Exception) -> NoReturn:
    """Raise the exit-3 failure for a configuration error."""
    raise ConfigurationFailure(str(exc)) from None


#: TOML files that are never evidence, skipped when a directory is searched.
NOT_EVIDENCE = frozenset({"pyproject.toml", "Cargo.toml", "poetry.lock", "taplo.toml", ".taplo.toml"})


def expand_paths(paths: Iterable[str]) -> Iterator[Path]:
    """Files as given, and the ``*.toml`` files under directories (recursively, sorted), leaving
    out hidden directories (``.git``, ``.venv``) and project files such as ``pyproject.toml``."""
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path
            continue
        for found in sorted(path.rglob("*.toml")):
            inside = found.relative_to(path).parts
            if found.is_file() and found.name not in NOT_EVIDENCE and not any(p.startswith(".") for p in inside):
                yield found


def echo_problems(problems: Iterable[Problem]) -> None:
    """Print problems to stderr, one a line, with control characters made visible."""
    # Messages quote what the file says (keys, kinds, levels): an escape sequence in a file must not
    # reach the terminal raw.
    from ..exporters.text_exporter import terminal_safe

    for problem in problems:
        click.echo(terminal_safe(str(problem)), err=True)


class DateParam(click.ParamType):  # type: ignore[type-arg]
    """A calendar date, YYYY-MM-DD."""

    name = "date"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


DATE = DateParam()


def summary_line(total: int, bad: int, noun: str = "file") -> str:
    """``3 files: 2 valid, 1 invalid``."""
    plural = "s" if total != 1 else ""
    return f"{total} {noun}{plural}: {total - bad} valid, {bad} invalid"


def check_frameworks_and_role(ctx: click.Context, engine: Engine, frameworks: Iterable[str], role: str | None) -> None:
    """Usage errors (exit 2) for a ``--framework`` or ``--role`` that no available framework knows."""
    try:
        known = {f.id for f in engine.frameworks()}
        roles = {r.id for f in engine.frameworks() for r in f.roles}
    except ConfigurationError as exc:
        configuration_error(exc)
    for name in frameworks:
        if name not in known:
            available = ", ".join(sorted(known)) or "none"
            raise click.BadParameter(f"{name!r} is not a framework (available: {available})", ctx, param_hint="'--framework'")
    if role is not None and role not in roles:
        raise click.BadParameter(f"{role!r} is not a role of any framework (roles: {', '.join(sorted(roles))})", ctx, param_hint="'--role'")


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it to ``output`` atomically (a failed write leaves the old file and
    exits 1 naming the file: a missing folder or a full disk is not an internal error)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from ..atomic import write_atomically

    try:
        write_atomically(Path(output), text)
    except OSError as exc:
        raise click.FileError(output, hint=exc.strerror or str(exc)) from None
