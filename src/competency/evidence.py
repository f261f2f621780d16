"""The evidence model: a subject, evidence items of registered kinds, and what items contribute.

An evidence kind is an attrs class derived from :class:`EvidenceItem`. The engine structures each
``[[evidence]]`` table into the class registered for its ``kind`` and then asks the item three things:
what it references (to validate it and to choose the frameworks to score), what it contributes to
which competencies (for scoring), and, optionally, an analysis of its own (a 360 report, a run chart)
to show beside the scores.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from .errors import Problem
from .presentation import Chart, Table

if TYPE_CHECKING:
    from .references import Resolver
    from .scoring.config import ScoringConfig

#: A judgement on a scale as written in a file: a level id (``"established"``) or its rank (``3``).
LevelValue = int | str


@attrs.frozen
class Subject:
    """The person the evidence is about. ``role`` is a role-profile id such as ``gp``."""

    id: str
    name: str | None = None
    role: str | None = None


@attrs.frozen
class Contribution:
    """What one evidence item says about one competency.

    ``value`` is a judgement on the competency's scale (a rank, 1 = lowest level) or None;
    ``credit`` is development credit in scale points (activities, reflections); ``weight`` is the
    judgement's weight before recency; ``source`` identifies who or what the evidence comes from, so
    that the minimum-evidence rule counts independent sources, not items.
    """

    competency: str
    evidence: str
    source: str
    date: datetime.date | None
    value: float | None = None
    credit: float = 0.0
    weight: float = 1.0
    note: str = ""


@attrs.frozen
class CheckContext:
    """What an item's own checks may consult: reference resolution, the as-of date and the
    environment the engine was given (plugins read their settings from it, never from os.environ)."""

    resolver: Resolver
    as_of: datetime.date
    env: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class ScoringContext:
    """What an item needs to say what it contributes: resolution, the as-of date and the settings.

    ``trails=False`` tells the scorer that only levels will be read (a cohort keeps nothing else):
    it may then leave out every result's evidence trail (``evidence`` empty, ``evidence_count`` 0).
    Scores, levels, flags and targets are the same either way. Kinds may then leave
    :attr:`Contribution.note` empty, since only trails show it.
    """

    resolver: Resolver
    as_of: datetime.date
    config: ScoringConfig
    role: str | None = None
    env: Mapping[str, str] = attrs.field(factory=dict)
    trails: bool = True


@attrs.frozen
class AnalysisContent:
    """What an analysis shows: ``data`` (plain JSON-able data for machines), ``summary`` (short
    lines of plain text for the terminal), and ``tables`` and ``charts`` (see
    :mod:`competency.presentation`) that the Markdown and HTML reports draw without recomputing."""

    data: Mapping[str, Any]
    summary: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()


class _Deferred:
    """An analysis's content, or how to build it: built on first use, at most once, then kept.

    Calling it gives the content. Pickling builds it first, so a pickled analysis carries its
    content, not the function (which may be a closure that cannot be pickled).
    """

    __slots__ = ("_build", "_content", "_lock")

    def __init__(self, build: Callable[[], AnalysisContent] | None, content: AnalysisContent | None = None) -> None:
        self._build = build
        self._content = content
        self._lock = threading.Lock() if content is None else None

    def __call__(self) -> AnalysisContent:
        if self._content is None:
            assert self._lock is not None
            with self._lock:  # threads that read the same analysis build it once
                if self._content is None:
                    assert self._build is not None
                    self._content = self._build()
                    self._build = None  # let the closure (and what it holds) go
        return self._content

    def __reduce__(self) -> tuple[object, tuple[None, AnalysisContent]]:
        return (_Deferred, (None, self()))


def _content_key(deferred: _Deferred) -> AnalysisContent:
    return deferred()


def _date_from(data: Mapping[str, Any] | None) -> datetime.date | None:
    raw = data.get("date") if data is not None else None
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


@attrs.frozen(init=False)
class Analysis:
    """A kind-specific result shown beside the scores (a 360 report, a QI measure's charts).

    Give the content at once (``data``, ``summary``, ``tables``, ``charts``: see
    :class:`AnalysisContent`) or, where it is costly, as ``build``: a function called the first time
    any of the four is read, at most once (so an error in it is raised then, not while scoring).
    Scoring a cohort reads only ``status`` and ``date``, so a deferred analysis costs nothing there.
    ``status`` is one word for the analysis's outcome (``"ok"``, ``"too-few-raters"``) and ``date``
    the date it speaks for; given at once, they default to ``data["status"]`` and ``data["date"]``
    (an ISO date) when those are there, else to ``"analysed"`` and None.
    """

    kind: str
    evidence: str
    title: str
    status: str
    date: datetime.date | None
    # Named "build" in __init__, so attrs.evolve() passes the same (possibly built) content on.
    _content: _Deferred = attrs.field(eq=_content_key, repr=False, alias="build")

    def __init__(
        self,
        kind: str,
        evidence: str,
        title: str,
        data: Mapping[str, Any] | None = None,
        summary: tuple[str, ...] = (),
        tables: tuple[Table, ...] = (),
        charts: tuple[Chart, ...] = (),
        *,
        build: Callable[[], AnalysisContent] | None = None,
        status: str | None = None,
        date: datetime.date | None = None,
    ) -> None:
        if build is None:
            deferred = _Deferred(None, AnalysisContent(data if data is not None else {}, summary, tables, charts))
            if status is None and data is not None and isinstance(data.get("status"), str):
                status = data["status"]
            date = date if date is not None else _date_from(data)
        elif data is not None or summary or tables or charts:
            raise TypeError("give an analysis's content or a function that builds it, not both")
        else:
            deferred = build if isinstance(build, _Deferred) else _Deferred(build)
        if date is not None and (not isinstance(date, datetime.date) or isinstance(date, datetime.datetime)):
            raise TypeError(f"an analysis's date must be a datetime.date, not {date!r}")
        self.__attrs_init__(kind, evidence, title, "analysed" if status is None else status, date, deferred)

    @property
    def content(self) -> AnalysisContent:
        """The analysis's content (built now if it was deferred)."""
        return self._content()

    @property
    def data(self) -> Mapping[str, Any]:
        """Plain JSON-able data for machines."""
        return self._content().data

    @property
    def summary(self) -> tuple[str, ...]:
        """Short lines of plain text for the terminal."""
        return self._content().summary

    @property
    def tables(self) -> tuple[Table, ...]:
        """Tables that the Markdown and HTML reports draw."""
        return self._content().tables

    @property
    def charts(self) -> tuple[Chart, ...]:
        """Charts that the HTML report draws."""
        return self._content().charts


@attrs.frozen(kw_only=True)
class EvidenceItem:
    """Base class of evidence kinds. Subclasses are ``@attrs.frozen(kw_only=True)`` and set ``kind``."""

    kind: ClassVar[str] = ""
    #: One line for ``competency plugins`` and the JSON Schema.
    summary: ClassVar[str] = ""

    id: str

    def reference_date(self) -> datetime.date | None:
        """The date that recency is measured from (the end of an activity, the date of a rating)."""
        return None

    def dates(self) -> Iterator[tuple[str, datetime.date]]:
        """Every date in the item with its path, so the engine can reject dates in the future."""
        return iter(())

    def references(self) -> Iterator[tuple[str, str]]:
        """Every competency reference in the item, with its path inside the item."""
        return iter(())

    def referenced(self) -> Iterable[str]:
        """The references of :meth:`references` without their paths: each at least once, in any order.

        The engine resolves these (once each) to validate the item and to choose the frameworks it
        evidences, and walks :meth:`references` only to locate one that fails. The default derives
        them from :meth:`references`; a kind that names the same competency many times (a 360: once
        per rater and section) overrides it to skip building a path for every mention.
        """
        return tuple(dict.fromkeys(reference for _, reference in self.references()))

    def implied_frameworks(self) -> Iterator[str]:
        """Frameworks the item evidences without naming competencies (a QI project maps itself onto
        the QI method areas): scored when available and in the file's scope, never reported missing."""
        return iter(())

    def check(self, context: CheckContext) -> Iterator[Problem]:
        """Kind-specific semantic problems, with paths relative to the item."""
        return iter(())

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        """What the item contributes to which competencies (qualified ids)."""
        return iter(())

    def analyse(self, context: ScoringContext) -> Analysis | None:
        """An optional analysis of the item shown beside the scores."""
        return None


@attrs.frozen(kw_only=True)
class DatedItem(EvidenceItem):
    """Base class of kinds that carry one ``date``: it is the reference date and is checked."""

    date: datetime.date

    def reference_date(self) -> datetime.date:
        return self.date

    def dates(self) -> Iterator[tuple[str, datetime.date]]:
        yield "date", self.date


@attrs.frozen
class EvidenceFile:
    """One person's evidence: a subject and its items, optionally restricted to some frameworks."""

    subject: Subject
    evidence: tuple[EvidenceItem, ...]
    frameworks: tuple[str, ...] = ()
    source: str = attrs.field(default="", eq=False)

    def item(self, evidence_id: str) -> EvidenceItem | None:
        """The item with this id, or None."""
        return next((e for e in self.evidence if e.id == evidence_id), None)
