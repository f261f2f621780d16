"""Scoring many evidence files, in this process or in a pool of processes, results in input order.

:func:`score_files` yields one :class:`Outcome` per file, in the order given, as soon as it (and every
file before it) is done, so a caller can aggregate or write results while the rest are still being
scored. With ``jobs`` > 1 a :class:`multiprocessing.Pool` scores chunks of files; each worker builds
its own engine once (the pool's initializer) and sends back only what the caller needs: a compact
:class:`~competency.cohort.PersonSummary`, and the full scorecard as one line of JSON only when asked.

Workers are forked where the platform can (Linux): they start at once with the parent's modules
already imported. Elsewhere they are spawned, and the engine must then be given as an
:class:`EngineSpec` (a recipe that can be pickled) rather than as an engine.
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .errors import ConfigurationError, InvalidInput, Problem

if TYPE_CHECKING:
    from .cohort import PersonSummary
    from .engine import Engine
    from .framework import Framework
    from .scoring.config import ScoringConfig


def default_jobs() -> int:
    """The number of cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _strings(values: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    return tuple(os.fspath(v) for v in values)


@attrs.frozen
class EngineSpec:
    """How to build an :class:`~competency.Engine`: the same arguments, kept so that a worker
    process can build its own engine exactly like the parent's."""

    plugins: bool = True
    extra_plugins: tuple[object, ...] = ()
    frameworks_dirs: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    search_pyproject: bool = True
    cwd: str | None = None
    env: Mapping[str, str] | None = attrs.field(default=None, eq=False)

    def build(self, warn: Callable[[str], None] | None = None) -> Engine:
        """A new engine with these settings."""
        from .engine import Engine

        return Engine(
            plugins=self.plugins,
            extra_plugins=self.extra_plugins,
            frameworks_dirs=self.frameworks_dirs,
            search_pyproject=self.search_pyproject,
            cwd=self.cwd,
            env=dict(self.env) if self.env is not None else None,
            warn=warn,
        )


@attrs.frozen
class ScoreOptions:
    """What to score each file with (the options of ``competency score``)."""

    as_of: datetime.date
    frameworks: tuple[str, ...] = ()
    role: str | None = None
    scorer: str = "default"
    config: ScoringConfig | None = None
    #: Send back each scorecard as one line of JSON (``--format jsonl``).
    cards: bool = False


@attrs.frozen
class Outcome:
    """One file's result: a summary and optionally its scorecard as JSON, or the file's errors."""

    source: str
    summary: PersonSummary | None
    problems: tuple[str, ...] = ()
    card: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file was scored."""
        return self.summary is not None


def problem_text(problem: Problem) -> str:
    """A problem without its file name (the outcome names the file)."""
    return f"{problem.path}: {problem.message}" if problem.path else problem.message


class FileScorer:
    """Validates, scores and summarises one file at a time with one engine."""

    def __init__(self, engine: Engine, options: ScoreOptions) -> None:
        self.engine = engine
        self.options = options
        self.frameworks: dict[str, Framework] = {f.id: f for f in engine.frameworks()}

    def __call__(self, source: str) -> Outcome:
        """Score one file; a file that cannot be scored gives its problems, never an exception
        (except a configuration error, which is the same for every file)."""
        from .cohort import summarise

        options = self.options
        try:
            validation = self.engine.validate(Path(source), as_of=options.as_of, name=source)
            if validation.evidence is None:
                return Outcome(source, None, tuple(problem_text(p) for p in validation.errors))
            card = self.engine.score(
                validation.evidence,
                framework=options.frameworks or None,
                role=options.role,
                as_of=options.as_of,
                scorer=options.scorer,
                config=options.config,
                trails=options.cards,  # a summary reads levels only; a card shows the trails
            )
        except InvalidInput as exc:
            return Outcome(source, None, tuple(problem_text(p) for p in exc.errors) or (str(exc),))
        except ConfigurationError:
            raise
        except Exception as exc:  # noqa: BLE001 - one file's failure (a plugin's bug) must not stop the run
            return Outcome(source, None, (f"could not be scored: {type(exc).__name__}: {exc}",))
        line = None
        if options.cards:
            from .exporters.json_exporter import to_data

            line = json.dumps(to_data(card), ensure_ascii=False, separators=(",", ":"))
        return Outcome(source, summarise(card, self.frameworks), (), line)


_WORKER: FileScorer | None = None


def _initialise(engine: Engine | EngineSpec, options: ScoreOptions) -> None:
    global _WORKER
    built = engine.build() if isinstance(engine, EngineSpec) else engine
    _WORKER = FileScorer(built, options)


def _work(source: str) -> Outcome:
    assert _WORKER is not None, "the pool's initializer did not run"
    return _WORKER(source)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def chunk_size(files: int, jobs: int) -> int:
    """Files per task: large enough to keep inter-process traffic low, small enough that results
    stream and both cores stay busy to the end."""
    return max(1, min(32, files // (jobs * 8) or 1))


def score_files(
    paths: Iterable[str | os.PathLike[str]],
    options: ScoreOptions,
    *,
    engine: Engine | EngineSpec,
    jobs: int = 1,
    count: int | None = None,
) -> Iterator[Outcome]:
    """Score files, yielding an :class:`Outcome` for each in the order given.

    ``jobs`` > 1 uses that many worker processes (never more than there are files). ``engine`` is
    an engine, or with ``jobs`` > 1 preferably an :class:`EngineSpec` from which each worker builds
    its own; where processes are spawned rather than forked it must be a spec. ``paths`` may be a
    generator (it is read as the work goes on); pass its length as ``count`` if it has none.
    """
    if count is None:
        if not isinstance(paths, Sized):
            paths = list(paths)
        count = len(paths)
    sources = (os.fspath(p) for p in paths)
    jobs = max(1, min(jobs, count))
    if jobs == 1:
        built = engine.build() if isinstance(engine, EngineSpec) else engine
        scorer = FileScorer(built, options)
        for source in sources:
            yield scorer(source)
        return
    context = _context()
    if context.get_start_method() != "fork" and not isinstance(engine, EngineSpec):
        raise ConfigurationError("worker processes are spawned on this platform: pass an EngineSpec, not an Engine")
    with context.Pool(jobs, initializer=_initialise, initargs=(engine, options)) as pool:
        yield from pool.imap(_work, sources, chunk_size(count, jobs))
        pool.close()
        pool.join()
