"""What an item references, with and without paths: ``referenced()`` names exactly the references of
``references()``, and validating each different reference once reports exactly what checking every
mention reports, at the same paths, in the same order."""

from __future__ import annotations

import datetime
import re
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import attrs
from hypothesis import given
from hypothesis import strategies as st

from competency import CheckContext, Engine, EvidenceItem, Problem, hookimpl
from competency.evidence_io import _check_references
from competency.kinds.activity import Activity
from competency.kinds.attainment import Attainment
from competency.kinds.rating import Rating
from competency.kinds.reflection import Reflection
from competency.references import UnresolvedReference

AS_OF = datetime.date(2026, 3, 1)
DATE = datetime.date(2026, 1, 1)

#: References that resolve (bare and qualified), that do not (with and without a suggestion), and odd ones.
_KNOWN = [
    "followership", "vision-and-direction", "collective-leadership:followership", "collective-leadership:collaboration",
    "followershp", "no-such-competency", "collective-leadership:nope", "collective-leadrship:followership",
    "other:followership", "", ":", "followership:",
]
REFERENCES = st.lists(st.one_of(st.sampled_from(_KNOWN), st.text(alphabet="abf-:ol", max_size=8)), max_size=8)


def rating(references: list[str]) -> EvidenceItem:
    return Rating(id="r", date=DATE, rater="peer", ratings=dict.fromkeys(references, 2))


def activity(references: list[str]) -> EvidenceItem:
    return Activity(id="a", type="course", title="t", start=DATE, outcome="completed", competencies=tuple(references))


def reflection(references: list[str]) -> EvidenceItem:
    return Reflection(id="f", date=DATE, text="t", competencies=tuple(references))


def attainment(references: list[str]) -> EvidenceItem:
    return Attainment(id="t", date=DATE, title="t", competencies=tuple(references))


@attrs.frozen(kw_only=True)
class Noted(EvidenceItem):
    """A plugin kind that names competencies in two places and leaves ``referenced()`` to the default."""

    kind: ClassVar[str] = "noted"
    summary: ClassVar[str] = "notes on competencies"
    about: tuple[str, ...]
    notes: Mapping[str, str] = attrs.field(factory=dict)

    def references(self) -> Iterator[tuple[str, str]]:
        for index, reference in enumerate(self.about):
            yield f"about[{index}]", reference
        for key in self.notes:
            yield f"notes.{key}", key


def noted(references: list[str]) -> EvidenceItem:
    return Noted(id="n", about=tuple(references), notes=dict.fromkeys(reversed(references), "x"))


BUILDERS: list[Callable[[list[str]], EvidenceItem]] = [rating, activity, reflection, attainment, noted]


def paths_dropped(item: EvidenceItem) -> set[str]:
    return {reference for _, reference in item.references()}


def every_mention_checked(item: EvidenceItem, context: CheckContext) -> list[Problem]:
    """What validation reported before ``referenced()``: every mention resolved, in order."""
    found = []
    for path, reference in item.references():
        try:
            context.resolver.resolve(reference)
        except UnresolvedReference as exc:
            found.append(Problem(str(exc), path))
    return found


@given(st.sampled_from(BUILDERS), REFERENCES)
def test_referenced_names_exactly_the_references(build: Callable[[list[str]], EvidenceItem], references: list[str]) -> None:
    item = build(references)
    assert set(item.referenced()) == paths_dropped(item)


@given(REFERENCES)
def test_the_default_is_each_reference_once_in_order_of_first_mention(references: list[str]) -> None:
    item = noted(references)
    assert list(item.referenced()) == list(dict.fromkeys(reference for _, reference in item.references()))


@given(st.sampled_from(BUILDERS), REFERENCES)
def test_each_reference_checked_once_reports_what_every_mention_checked_reports(
    shared_engine: Engine, build: Callable[[list[str]], EvidenceItem], references: list[str]
) -> None:
    item = build(references)
    context = CheckContext(shared_engine.resolver, AS_OF)
    assert list(_check_references(item, context)) == every_mention_checked(item, context)


class NotedPlugin:
    @hookimpl
    def register_evidence_kinds(self, register: Callable[[type[EvidenceItem]], None]) -> None:
        register(Noted)


def test_a_partial_item_still_reports_the_references_before_its_wrong_field(repo: Path) -> None:
    # ``notes`` is not a table, so the item is checked without it: ``referenced()`` cannot be asked,
    # and the walk reports what it finds in ``about`` before it reaches the missing field.
    engine = Engine(plugins=False, extra_plugins=[NotedPlugin()], frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env={})
    item = {"id": "n", "kind": "noted", "about": ["followership", "no-such-competency"], "notes": 3}
    validation = engine.validate({"subject": {"id": "s"}, "evidence": [item]}, as_of=AS_OF)
    assert [(p.path, p.message) for p in validation.errors] == [
        ("evidence[0].notes", "expected a table, got 3"),
        ("evidence[0].about[1]", "unknown competency 'no-such-competency'"),
    ]


def test_the_worked_example_in_the_plugin_docs_references_what_it_names(repo: Path) -> None:
    text = (repo / "docs" / "plugins.md").read_text("utf-8")
    example = text[text.index("## A worked example"):]
    code = re.search(r"```python\n(.*?)```", example, flags=re.DOTALL)
    assert code is not None
    module = types.ModuleType("competency_docs_referenced_example")
    sys.modules[module.__name__] = module  # attrs resolves the module's names through it
    try:
        exec(compile(code.group(1), "docs/plugins.md", "exec"), module.__dict__)  # noqa: S102
        kind: Any = module.PeerObservation
        item = kind(id="o", date=DATE, setting="huddle", competency="followership", level=2, observer_id="x")
        assert set(item.referenced()) == paths_dropped(item) == {"followership"}
    finally:
        sys.modules.pop(module.__name__, None)


@attrs.frozen(kw_only=True)
class Misnamed(Noted):
    """A plugin kind whose ``referenced()`` fails though its ``references()`` is fine."""

    kind: ClassVar[str] = "misnamed"

    def referenced(self) -> tuple[str, ...]:
        return (*self.about, self.notes["missing"])


class MisnamedPlugin:
    @hookimpl
    def register_evidence_kinds(self, register: Callable[[type[EvidenceItem]], None]) -> None:
        register(Misnamed)


def test_a_referenced_that_fails_where_references_does_not_is_reported_not_hidden(repo: Path) -> None:
    engine = Engine(plugins=False, extra_plugins=[MisnamedPlugin()], frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env={})
    items = [
        {"id": "a", "kind": "misnamed", "about": ["followership"]},
        {"id": "b", "kind": "misnamed", "about": ["followership", "no-such-competency"]},
    ]
    validation = engine.validate({"subject": {"id": "s"}, "evidence": items}, as_of=AS_OF)
    assert [(p.path, p.message) for p in validation.errors] == [
        ("evidence[0]", "the 'misnamed' check failed: KeyError: 'missing'"),
        ("evidence[1].about[1]", "unknown competency 'no-such-competency'"),
    ]
