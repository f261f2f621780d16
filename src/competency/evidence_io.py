"""Reading evidence documents: structure each item by its kind, then check what it means.

Every problem in a file is collected and reported at once, each with its place in the document.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import cattrs

from .checks.base import EvidenceCheck
from .errors import InvalidInput, Problem
from .evidence import CheckContext, EvidenceFile, EvidenceItem, Subject
from .references import Resolver, UnresolvedReference
from .structuring import describe, join_path, problems_from_exception

TOP_LEVEL_KEYS = ("frameworks", "subject", "evidence")


@attrs.frozen
class Validation:
    """The outcome of validating one evidence document: the evidence if it is valid, and every problem."""

    source: str
    evidence: EvidenceFile | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.evidence is not None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems of severity ``warning``."""
        return tuple(p for p in self.problems if p.severity == "warning")

    def unwrap(self) -> EvidenceFile:
        """The evidence, or :class:`InvalidInput` with every problem."""
        if self.evidence is None:
            raise InvalidInput(self.problems, self.source)
        return self.evidence


class EvidenceReader:
    """Turns parsed documents into validated :class:`EvidenceFile` values."""

    def __init__(
        self,
        converter: cattrs.Converter,
        kinds: Mapping[str, type[EvidenceItem]],
        resolver: Resolver,
        checks: Sequence[EvidenceCheck] = (),
        roles: frozenset[str] = frozenset(),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.converter = converter
        self.kinds = kinds
        self.resolver = resolver
        self.checks = checks
        self.roles = roles
        self.env: Mapping[str, str] = {} if env is None else env

    def validate(self, data: object, as_of: datetime.date, source: str = "") -> Validation:
        """Validate a parsed document; never raises for bad input."""
        problems: list[Problem] = []
        evidence = self._read(data, as_of, problems)
        located = tuple(p.with_source(source) for p in problems)
        if evidence is not None and not any(p.severity == "error" for p in located):
            return Validation(source, attrs.evolve(evidence, source=source), located)
        return Validation(source, None, located)

    def _read(self, data: object, as_of: datetime.date, problems: list[Problem]) -> EvidenceFile | None:
        if not isinstance(data, Mapping):
            problems.append(Problem(f"expected a table at the top of the document, got {describe(data)}"))
            return None
        unknown = [str(k) for k in data if k not in TOP_LEVEL_KEYS]
        if unknown:
            plural = "s" if len(unknown) > 1 else ""
            problems.append(Problem(f"unknown key{plural}: {', '.join(unknown)} (allowed: {', '.join(TOP_LEVEL_KEYS)})"))
        scope = data.get("frameworks", [])
        resolver = self._scope(scope, problems)
        subject = self._subject(data, problems)
        raw_items = self._raw_items(data, problems)
        items: list[tuple[int, EvidenceItem]] = []
        partial: list[tuple[int, EvidenceItem]] = []
        for index, raw in enumerate(raw_items):
            item, part = self._item(raw, f"evidence[{index}]", problems)
            if item is not None:
                items.append((index, item))
            elif part is not None:
                partial.append((index, part))
        problems.extend(_duplicate_ids(raw_items))
        context = CheckContext(resolver, as_of, self.env)
        complete = {index for index, _ in items}
        # A scope of frameworks none of which is available is reported once, above, not again as
        # every reference of the file failing to resolve.
        references = bool(resolver.frameworks) or not (isinstance(scope, list) and scope)
        # Without partial items, ``items`` is in document order already.
        for index, item in sorted(items + partial, key=lambda pair: pair[0]) if partial else items:
            found = self._check_item(item, context, complete=index in complete, references=references)
            if found:
                problems.extend(_located(found, f"evidence[{index}]"))
        scope_ok = isinstance(scope, list) and all(isinstance(f, str) for f in scope)
        if subject is None or not scope_ok or len(items) != len(raw_items):
            return None
        evidence = EvidenceFile(subject=subject, evidence=tuple(i for _, i in items), frameworks=tuple(scope))
        for check in self.checks:
            problems.extend(check.run(evidence, context))
        return evidence

    def _subject(self, data: Mapping[str, Any], problems: list[Problem]) -> Subject | None:
        if "subject" not in data:
            problems.append(Problem("required table [subject] is missing", "subject"))
            return None
        subject: Subject | None = self._structure(data["subject"], Subject, "subject", problems)
        if subject is not None:
            problems.extend(self._check_subject(subject))
        return subject

    @staticmethod
    def _raw_items(data: Mapping[str, Any], problems: list[Problem]) -> list[object]:
        raw_items = data.get("evidence")
        if raw_items is None:
            problems.append(Problem("no [[evidence]] items: the file evidences nothing", "evidence"))
            return []
        if not isinstance(raw_items, list):
            problems.append(Problem(f"expected an array of tables ([[evidence]]), got {describe(raw_items)}", "evidence"))
            return []
        if not raw_items:
            problems.append(Problem("is empty: the file evidences nothing", "evidence"))
        return raw_items

    def _scope(self, frameworks: object, problems: list[Problem]) -> Resolver:
        if frameworks == []:
            return self.resolver
        if not isinstance(frameworks, list) or not all(isinstance(f, str) for f in frameworks):
            problems.append(Problem(f"expected an array of framework ids, got {describe(frameworks)}", "frameworks"))
            return self.resolver
        available = ", ".join(self.resolver.frameworks) or "none"
        for index, name in enumerate(frameworks):
            if name not in self.resolver.frameworks:
                problems.append(Problem(
                    f"unknown framework {name!r} (available: {available}): is its plugin installed, or its "
                    "file on the framework search path (--frameworks-dir, COMPETENCY_FRAMEWORKS_PATH)?",
                    f"frameworks[{index}]",
                ))
        return self.resolver.restricted(frameworks)

    def _check_subject(self, subject: Subject) -> Iterator[Problem]:
        if not subject.id.strip():
            yield Problem("must not be empty", "subject.id")
        if subject.role is not None and self.roles and subject.role not in self.roles:
            yield Problem(
                f"unknown role {subject.role!r} (roles: {', '.join(sorted(self.roles))})", "subject.role"
            )

    def _structure(self, raw: object, cls: type[Any], path: str, problems: list[Problem]) -> Any:
        try:
            return self.converter.structure(raw, cls)
        except Exception as exc:  # noqa: BLE001 - every structuring failure becomes a located problem
            problems.extend(problems_from_exception(exc, path))
            return None

    def _item(
        self, raw: object, path: str, problems: list[Problem]
    ) -> tuple[EvidenceItem | None, EvidenceItem | None]:
        """The structured item, or (None, a partial item to check) when some of its fields are wrong."""
        if not isinstance(raw, (dict, Mapping)):  # dict first: no ABC check for parsed input
            problems.append(Problem(f"expected a table, got {describe(raw)}", path))
            return None, None
        kind = raw.get("kind")
        if kind is None:
            problems.append(Problem(f"required key is missing (one of: {self._known()})", f"{path}.kind"))
            return None, None
        cls = self.kinds.get(kind) if isinstance(kind, str) else None
        if cls is None:
            problems.append(Problem(f"{describe(kind)} is not a known evidence kind (known: {self._known()})", f"{path}.kind"))
            return None, None
        fields = dict(raw)
        del fields["kind"]
        item: EvidenceItem | None = self._structure(fields, cls, path, problems)
        return (item, None) if item is not None else (None, self._partial(cls, fields))

    def _known(self) -> str:
        """The registered kinds, for a message about an item's kind."""
        return ", ".join(sorted(self.kinds))

    def _partial(self, cls: type[EvidenceItem], fields: Mapping[str, object]) -> EvidenceItem:
        """An instance (built without ``__init__``) holding the fields that are valid on their own, so
        that the item's checks still report what else is wrong: every error of a file at once."""
        item = object.__new__(cls)
        for field in attrs.fields(attrs.resolve_types(cls)):
            if not field.init:
                continue
            if field.name in fields:
                try:
                    value = self.converter.structure(fields[field.name], field.type)
                except Exception:  # noqa: BLE001 - already reported; the check simply goes without it
                    continue
            elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                value = field.default.factory()
            elif field.default is not attrs.NOTHING:
                value = field.default
            else:
                continue
            object.__setattr__(item, field.name, value)
        return item

    def _check_item(
        self, item: EvidenceItem, context: CheckContext, complete: bool = True, references: bool = True
    ) -> list[Problem]:
        """The item's problems, paths relative to the item: its id, references, dates, own check."""
        found: list[Problem] = []
        for step in _STEPS if references else _STEPS_WITHOUT_REFERENCES:
            try:
                for problem in step(item, context):
                    found.append(problem)  # noqa: PERF402 - one at a time: what a failing check found first is kept
            except Exception as exc:  # noqa: BLE001 - a plugin kind's bug must not hide the file's other problems
                if not complete and isinstance(exc, AttributeError):
                    continue  # a partial item lacks a field this check needs: its own error was reported
                found.append(Problem(f"the {item.kind!r} check failed: {type(exc).__name__}: {exc}"))
        return found


def _check_id(item: EvidenceItem, context: CheckContext) -> Iterable[Problem]:
    return () if item.id.strip() else (Problem("must not be empty", "id"),)


def _check_references(item: EvidenceItem, context: CheckContext) -> Iterable[Problem]:
    # Items name the same competencies over and over (a 360: each dimension once per rater and
    # section), so each different one is resolved once, without paths. When they do not all resolve
    # (or a partial item lacks the field), every mention is walked instead: that locates each
    # unresolved one and keeps what it found before a missing field stops it.
    resolve = context.resolver.resolve
    try:
        for reference in item.referenced():
            resolve(reference)
    except Exception as failure:  # noqa: BLE001 - the walk below reports it (or raises it) in full
        return _each_mention(item, context, failure)
    return ()


def _each_mention(item: EvidenceItem, context: CheckContext, failure: Exception) -> Iterator[Problem]:
    resolve = context.resolver.resolve
    unresolved = False
    for path, reference in item.references():
        try:
            resolve(reference)
        except UnresolvedReference as exc:
            unresolved = True
            yield Problem(str(exc), path)
    if not unresolved:
        # referenced() failed where references() finds nothing wrong: the kind's own bug (or a
        # reference it names in one and not the other), reported like any failing check.
        raise failure


def _check_dates(item: EvidenceItem, context: CheckContext) -> Iterator[Problem]:
    as_of = context.as_of
    for path, date in item.dates():
        if date > as_of:
            yield Problem(f"{date.isoformat()} is in the future (as of {as_of.isoformat()})", path)


def _check_own(item: EvidenceItem, context: CheckContext) -> Iterable[Problem]:
    return item.check(context)


# The checks of every item, in the order their problems are reported. Each is run on its own, so
# that one that raises (a plugin kind's bug) loses only its own remaining problems.
_Step = Callable[[EvidenceItem, CheckContext], Iterable[Problem]]
_STEPS: tuple[_Step, ...] = (_check_id, _check_references, _check_dates, _check_own)
_STEPS_WITHOUT_REFERENCES: tuple[_Step, ...] = (_check_id, _check_dates, _check_own)


def _located(problems: Iterable[Problem], prefix: str) -> Iterator[Problem]:
    for problem in problems:
        yield attrs.evolve(problem, path=join_path(prefix, problem.path) if problem.path else prefix)


def _duplicate_ids(raw_items: list[object]) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        value = raw.get("id") if isinstance(raw, (dict, Mapping)) else None
        if not isinstance(value, str):
            continue
        used = first.setdefault(value, index)
        if used != index:
            yield Problem(f"duplicate evidence id {value!r} (first used by evidence[{used}])", f"evidence[{index}].id")
