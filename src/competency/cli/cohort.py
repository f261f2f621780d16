"""``competency cohort``: score a whole cohort and publish counts, with small-number suppression."""

from __future__ import annotations

import contextlib
import datetime
import sys
from collections.abc import Iterator
from typing import IO, Any

import click

from .context import DATE, InvalidInputFailure, check_frameworks_and_role, configuration_error, echo_problems, emit

FORMATS = ("text", "json", "csv", "html", "markdown", "jsonl")
# The defaults of competency.cohort, repeated so that `competency --help` need not import it (and
# attrs' class building); tests/test_cohort.py checks that they agree.
DEFAULT_MIN_CELL = 5
MIN_CELL_FLOOR = 3
DEFAULT_TOP_NEEDS = 10


@click.command("cohort")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--framework", "frameworks", multiple=True, help="Score against this framework (repeatable; default: every framework each file references).")
@click.option("--role", default=None, help="Compare everyone with this role profile (default: each subject's own role).")
@click.option("--as-of", type=DATE, default=None, help="The date to judge and score as of (default: today).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes (default: every core this process may use).")
@click.option(
    "--min-cell",
    type=click.IntRange(min=MIN_CELL_FLOOR),
    default=DEFAULT_MIN_CELL,
    show_default=True,
    help=f"The fewest people a published figure may count (at least {MIN_CELL_FLOOR}).",
)
@click.option("--top", type=click.IntRange(min=1), default=DEFAULT_TOP_NEEDS, show_default=True, help="Training needs listed per group.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="jsonl: one full scorecard per line, as scored.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write to this file (atomically) instead of standard output.")
@click.pass_context
def cohort_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    frameworks: tuple[str, ...],
    role: str | None,
    as_of: datetime.date | None,
    jobs: int | None,
    min_cell: int,
    top: int,
    fmt: str,
    output: str | None,
) -> None:
    """Score every evidence file (directories are searched for *.toml) and report the cohort.

    \b
    Per framework and competency: people at each level, the share meeting
    their role's target, the top training needs (overall and by role), and
    how many people have a 360 (or another analysis), by its status. No
    published figure counts fewer than --min-cell people, and none can be
    worked out from the others (docs/cohort.md).

    Files that cannot be scored are listed at the end (and in the report)
    and the exit code is 1; the report is still written, complete for
    every file that could be scored.
    """
    from ..cohort import CohortAccumulator, count_files, expand
    from ..errors import ConfigurationError
    from ..parallel import EngineSpec, ScoreOptions, default_jobs, score_files

    root = ctx.find_root()
    root.ensure_object(dict)
    spec = EngineSpec(frameworks_dirs=root.obj.get("frameworks_dirs", ()))
    engine = spec.build(warn=_warn)
    try:
        check_frameworks_and_role(ctx, engine, frameworks, role)
    except ConfigurationError as exc:
        configuration_error(exc)
    as_of = as_of or datetime.date.today()
    # Paths are walked twice, to count them and to score them, so that none is held in memory.
    total = count_files(paths)
    if not total:
        raise InvalidInputFailure("no evidence files found")
    jobs = min(jobs or default_jobs(), total)
    options = ScoreOptions(as_of=as_of, frameworks=frameworks, role=role, cards=fmt == "jsonl")
    accumulator = CohortAccumulator(engine.frameworks())
    # One process scores with the engine already built; a pool's workers each build their own.
    source: Any = engine if jobs == 1 else spec
    try:
        with _destination(output if fmt == "jsonl" else None) as stream, _progress(total) as advance:
            for outcome in score_files(expand(paths), options, engine=source, jobs=jobs, count=total):
                if outcome.summary is not None:
                    accumulator.add(outcome.summary)
                    if outcome.card is not None:
                        stream.write(outcome.card + "\n")
                else:
                    accumulator.add_bad(outcome.source, outcome.problems)
                advance()
    except ConfigurationError as exc:
        configuration_error(exc)
    except OSError as exc:
        raise click.FileError(output or "-", hint=exc.strerror or str(exc)) from None
    report = accumulator.report(as_of=as_of, min_cell=min_cell, role=role, top=top)
    if fmt != "jsonl":
        from .. import cohort_render  # noqa: F401 - registers the cohort document with the exporters

        emit(engine.export(report, fmt), output)
    _report_bad(report)
    if report.bad_files:
        where = f" (also listed in {output})" if output and fmt != "jsonl" else ""
        bad = len(report.bad_files)
        raise InvalidInputFailure(f"{bad} file{'s' if bad != 1 else ''} could not be scored{where}; the report covers the other {report.scored}")


def _warn(message: str) -> None:
    from ..exporters.text_exporter import terminal_safe

    click.echo(f"competency: warning: {terminal_safe(message)}", err=True)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A progress bar on standard error when it is a terminal; nothing otherwise."""
    stream = sys.stderr
    if not _is_terminal(stream):
        yield lambda: None
        return
    with click.progressbar(length=total, label="scoring", file=stream, show_pos=True, show_eta=True) as bar:
        yield lambda: bar.update(1)


@contextlib.contextmanager
def _destination(output: str | None) -> Iterator[_Echo | IO[str]]:
    """Where streamed lines go: standard output, or a temporary file beside ``output`` that
    replaces it only when the run finishes (so a reader never sees half a file)."""
    if output is None:
        yield _Echo()
        return
    from ..atomic import atomic_output

    with atomic_output(output) as stream:
        yield stream


class _Echo:
    """A text stream that writes through click (so CliRunner and pipes behave alike)."""

    def write(self, text: str) -> int:
        click.echo(text, nl=False)
        return len(text)


def _report_bad(report: Any) -> None:
    from ..errors import Problem

    for bad in report.bad_files:
        echo_problems(Problem(p, source=bad.source) for p in bad.problems)
    total = report.files
    click.echo(
        f"{total} file{'s' if total != 1 else ''}: {report.scored} scored, {len(report.bad_files)} could not be scored",
        err=True,
    )

