"""The generated JSON Schemas: valid, faithful to the strict reader, plugin-aware, and on the CLI.

A JSON Schema sees JSON data, so every TOML document is first passed through
:func:`competency.schema.json_compatible` (TOML dates become ISO strings, as an editor does). The
reference for "structurally valid" is the engine's own strict converter, applied the way the evidence
reader applies it (:func:`evidence_is_structurally_valid`); the property tests check that the schema
and the converter agree on random mutations of the shipped examples.
"""

from __future__ import annotations

import copy
import datetime
import enum
import importlib.metadata
import importlib.util
import json
import math
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import attrs
import jsonschema
import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from competency import Engine, EvidenceItem, Subject, hookimpl
from competency.evidence_io import TOP_LEVEL_KEYS
from competency.framework import Framework
from competency.framework_io import framework_from_dict, framework_to_dict, load_framework
from competency.errors import ConfigurationError, InvalidInput
from competency.schema import (
    DIALECT,
    UnsupportedType,
    dumps,
    evidence_schema,
    framework_schema,
    json_compatible,
)
from competency.structuring import make_converter

REPO = Path(__file__).resolve().parent.parent
AS_OF = datetime.date(2026, 3, 1)
QI_PLUGIN = REPO / "plugins" / "qi_skills"
QI_INSTALLED = importlib.util.find_spec("competency_qi_skills") is not None
needs_qi = pytest.mark.skipif(not QI_INSTALLED, reason="the qi-skills plugin is not installed")

CORE_KINDS = ["activity", "attainment", "rating", "reflection"]
FRAMEWORK_FILES = [
    REPO / "frameworks" / "collective_leadership.toml",
    QI_PLUGIN / "src" / "competency_qi_skills" / "qi_skills.toml",
]
CORE_EXAMPLES = sorted((REPO / "examples").glob("*.toml"))
QI_EXAMPLES = sorted((QI_PLUGIN / "examples").glob("*.toml"))

Validator = jsonschema.Draft202012Validator


# -- engines, schemas and validators (cached: hypothesis tests cannot take function-scoped fixtures) --


@cache
def core_engine() -> Engine:
    return Engine(plugins=False, frameworks_dirs=[REPO / "frameworks"], search_pyproject=False, env={})


@cache
def qi_engine() -> Engine:
    import competency_qi_skills

    return Engine(
        plugins=False, extra_plugins=[competency_qi_skills], frameworks_dirs=[REPO / "frameworks"],
        search_pyproject=False, env={},
    )


def validator(schema: Mapping[str, Any], cls: Any = Validator) -> Any:
    # Formats are only annotations unless a checker is given; editors check "date", so we do too.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@cache
def core_validator() -> Any:
    return validator(evidence_schema(core_engine()))


@cache
def qi_validator() -> Any:
    return validator(evidence_schema(qi_engine()))


@cache
def framework_validator() -> Any:
    return validator(framework_schema())


def read(path: Path) -> dict[str, Any]:
    return tomli.loads(path.read_text(encoding="utf-8"))


def accepts(check: Any, data: object) -> bool:
    return bool(check.is_valid(json_compatible(data)))


def messages(check: Any, data: object) -> list[str]:
    return [error.message for error in check.iter_errors(json_compatible(data))]


def kinds_in(schema: Mapping[str, Any]) -> list[str]:
    """The kind names of the item branches, in order."""
    branches = schema["properties"]["evidence"]["items"]["oneOf"]
    defs = schema["$defs"]
    return [defs[b["$ref"].removeprefix("#/$defs/")]["properties"]["kind"]["const"] for b in branches]


# -- what the strict reader accepts before it checks meaning ------------------------------------------

_converter = make_converter()


def _structures(data: object, cls: Any) -> bool:
    try:
        _converter.structure(data, cls)
    except Exception:  # noqa: BLE001 - any structuring failure is a rejection
        return False
    return True


def evidence_is_structurally_valid(data: object, kinds: Mapping[str, type[EvidenceItem]]) -> bool:
    """The structural steps of competency.evidence_io.EvidenceReader: keys, types, kinds.

    Not its checks of meaning (references, future dates, empty texts or lists, duplicate ids).
    The property tests keep it honest: whatever it rejects, the real reader rejects too.
    """
    if not isinstance(data, Mapping) or set(data) - set(TOP_LEVEL_KEYS):
        return False
    if "frameworks" in data and not _structures(data["frameworks"], tuple[str, ...]):
        return False
    if "subject" not in data or not _structures(data["subject"], Subject):
        return False
    items = data.get("evidence")
    if not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, Mapping):
            return False
        kind = item.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            return False
        if not _structures({k: v for k, v in item.items() if k != "kind"}, kinds[kind]):
            return False
    return True


def framework_is_structurally_valid(data: object) -> bool:
    return _structures(data, Framework)


# -- the schemas are schemas -------------------------------------------------------------------------


def test_the_schemas_are_valid_draft_2020_12_schemas() -> None:
    for schema in (evidence_schema(core_engine()), framework_schema()):
        assert schema["$schema"] == DIALECT
        Validator.check_schema(schema)
        # Editors' validators may read it as draft 7 (taplo does): it must be a valid draft 7 schema too.
        jsonschema.Draft7Validator.check_schema(schema)


@needs_qi
def test_the_schema_with_a_plugin_is_valid() -> None:
    Validator.check_schema(evidence_schema(qi_engine()))


def test_generation_is_deterministic() -> None:
    first, second = evidence_schema(core_engine()), evidence_schema(Engine(plugins=False, search_pyproject=False, env={}))
    assert dumps(first) == dumps(second)
    assert dumps(framework_schema()) == dumps(framework_schema())
    text = dumps(first)
    assert text.endswith("}\n") and json.loads(text) == first
    assert list(first)[:2] == ["$schema", "$comment"]
    assert list(first["$defs"]) == sorted(first["$defs"])


def test_every_object_forbids_unknown_keys() -> None:
    def objects(node: object) -> Iterator[Mapping[str, Any]]:
        if isinstance(node, Mapping):
            if "properties" in node:
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for schema in (evidence_schema(core_engine()), framework_schema()):
        found = list(objects(schema))
        assert len(found) > 5
        # The item wrapper only checks the kind first; each branch it points to is closed.
        assert all(o.get("additionalProperties") is False for o in found if "oneOf" not in o)


def test_no_keyword_sits_beside_a_ref() -> None:
    # In draft 7 every keyword beside $ref is ignored, so the schemas never put one there.
    def refs(node: object) -> Iterator[Mapping[str, Any]]:
        if isinstance(node, Mapping):
            if "$ref" in node:
                yield node
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for schema in (evidence_schema(core_engine()), framework_schema()):
        assert all(set(r) == {"$ref"} for r in refs(schema))


# -- generated from the model ---------------------------------------------------------------------


def test_framework_schema_follows_the_model_and_the_file_layout() -> None:
    schema = framework_schema()
    fields = [a.name for a in attrs.fields(Framework) if a.init]
    assert list(schema["properties"]) == fields
    # The derived look-ups are not part of the file, under either spelling.
    for private in ("_index", "_children", "index", "children"):
        assert private not in schema["properties"]
    assert schema["required"] == ["id", "version", "title", "publisher", "source", "scale", "competencies"]
    assert schema["properties"]["rollup"]["default"] == "mean-all-proficient"
    assert schema["properties"]["scale"] == {"$ref": "#/$defs/Scale"}
    defs = schema["$defs"]
    assert set(defs) == {"Competency", "CrossCuttingGroup", "Level", "Link", "Quality", "RoleProfile", "Scale"}
    assert defs["Competency"]["properties"]["descriptors"]["additionalProperties"] == {"type": "string"}
    assert defs["Competency"]["properties"]["parent"] == {"type": "string"}  # str | None: optional, no null
    assert defs["Level"]["properties"]["extra"] == {"type": "object", "default": {}}  # Mapping[str, Any]
    assert defs["Level"]["description"].startswith("One level of a scale.")


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.name)
def test_what_framework_to_dict_writes_is_what_the_schema_describes(path: Path) -> None:
    assert framework_validator().is_valid(json_compatible(framework_to_dict(load_framework(path))))


def test_evidence_schema_follows_the_model() -> None:
    schema = evidence_schema(core_engine())
    assert list(schema["properties"]) == list(TOP_LEVEL_KEYS)
    assert schema["required"] == ["subject", "evidence"]
    assert kinds_in(schema) == CORE_KINDS
    items = schema["properties"]["evidence"]["items"]
    assert items["properties"]["kind"] == {"enum": CORE_KINDS}
    rating = schema["$defs"]["Rating"]
    assert rating["title"] == "rating"
    assert rating["description"].startswith("A rater judges competencies on the framework's scale.")
    assert list(rating["properties"]) == ["kind", "id", "date", "rater", "ratings", "rater_id", "note"]
    assert rating["required"] == ["kind", "id", "date", "rater", "ratings"]
    assert rating["properties"]["date"] == {"type": "string", "format": "date"}
    assert rating["properties"]["rater"]["enum"][:2] == ["self", "supervisor"]
    assert rating["properties"]["ratings"] == {"type": "object", "additionalProperties": {"type": ["integer", "string"]}}
    activity = schema["$defs"]["Activity"]["properties"]
    assert activity["hours"] == {"type": "number"}
    assert activity["competencies"] == {"type": "array", "items": {"type": "string"}}


def test_every_registered_kind_is_one_branch() -> None:
    engine = core_engine()
    assert kinds_in(evidence_schema(engine)) == sorted(engine.evidence_kinds())


# -- a plugin's kinds, only when the plugin is loaded -----------------------------------------------


class KindsPlugin:
    """A throwaway plugin registering the given kinds."""

    def __init__(self, *kinds: type[EvidenceItem]) -> None:
        self.kinds = kinds

    @hookimpl
    def register_evidence_kinds(self, register: Callable[[type[EvidenceItem]], None]) -> None:
        for kind in self.kinds:
            register(kind)


def test_a_sample_plugin_kind_appears_only_when_loaded(load_sample_plugin: Any) -> None:
    journal_club = load_sample_plugin("journal_club")
    without = evidence_schema(Engine(plugins=False, search_pyproject=False, env={}))
    with_plugin = evidence_schema(Engine(plugins=False, extra_plugins=[journal_club], search_pyproject=False, env={}))
    assert "journal-club" not in kinds_in(without)
    assert kinds_in(with_plugin) == sorted([*CORE_KINDS, "journal-club"])
    club = with_plugin["$defs"]["JournalClub"]
    assert club["properties"]["attendees"] == {"type": "integer"}
    assert club["required"] == ["kind", "id", "date", "paper", "competencies"]
    item = {"kind": "journal-club", "id": "jc", "date": "2026-01-10", "paper": "x", "competencies": ["a"]}
    document = {"subject": {"id": "s"}, "evidence": [item]}
    assert validator(with_plugin).is_valid(document)
    assert not validator(without).is_valid(document)


@needs_qi
def test_the_qi_project_kind_appears_only_when_the_plugin_is_loaded() -> None:
    assert "qi-project" not in kinds_in(evidence_schema(core_engine()))
    schema = evidence_schema(qi_engine())
    assert kinds_in(schema) == sorted([*CORE_KINDS, "qi-project"])
    project = schema["$defs"]["QIProject"]
    assert project["properties"]["role"]["enum"] == ["led", "member", "sponsor"]
    assert project["properties"]["measures"]["items"] == {"$ref": "#/$defs/Measure"}
    assert schema["$defs"]["Pareto"]["properties"]["counts"]["additionalProperties"] == {"type": "integer"}


@needs_qi
def test_an_installed_plugin_is_in_the_cli_schema(invoke: Any) -> None:
    names = {ep.name for ep in importlib.metadata.entry_points(group="competency")}
    if "qi_skills" not in names:
        pytest.skip("the qi-skills plugin is importable but not installed as an entry point")
    core = json.loads(invoke("schema", "evidence").stdout)  # conftest loads no entry point
    assert "qi-project" not in kinds_in(core)
    result = invoke("schema", "evidence", env={"COMPETENCY_LOAD_PLUGINS": "qi_skills"})
    assert result.exit_code == 0, result.output
    assert "qi-project" in kinds_in(json.loads(result.stdout))


# -- every example and shipped framework is accepted ------------------------------------------------


@pytest.mark.parametrize("path", CORE_EXAMPLES, ids=lambda p: p.name)
def test_accepts_every_core_example(path: Path) -> None:
    data = read(path)
    assert core_engine().validate(data, as_of=AS_OF).ok
    assert messages(core_validator(), data) == []


@needs_qi
@pytest.mark.parametrize("path", [*CORE_EXAMPLES, *QI_EXAMPLES], ids=lambda p: p.name)
def test_accepts_every_example_with_the_plugin(path: Path) -> None:
    data = read(path)
    assert qi_engine().validate(data, as_of=AS_OF).ok
    assert messages(qi_validator(), data) == []


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=lambda p: p.name)
def test_accepts_every_shipped_framework(path: Path) -> None:
    assert messages(framework_validator(), read(path)) == []


def test_accepts_any_plugin_framework_the_engine_loads() -> None:
    # Plugins' framework files (including ones added later): whatever the engine loads, the schema accepts.
    found = sorted((REPO / "plugins").glob("*/src/*/*.toml"))
    assert found
    for path in found:
        try:
            load_framework(path)
        except InvalidInput:
            continue
        assert messages(framework_validator(), read(path)) == [], path


# -- mutated examples are rejected ------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _receptionist() -> dict[str, Any]:
    return read(REPO / "examples" / "receptionist.toml")


def _item(data: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(i for i in data["evidence"] if i["kind"] == kind)


def _set(kind: str, key: str, value: object) -> Mutation:
    return lambda d: _item(d, kind).__setitem__(key, value)


def _del(kind: str, key: str) -> Mutation:
    return lambda d: _item(d, kind).__delitem__(key)


EVIDENCE_MUTATIONS: dict[str, Mutation] = {
    "unknown top-level key": lambda d: d.__setitem__("person", "x"),
    "unknown key in the subject": lambda d: d["subject"].__setitem__("grade", "B"),
    "unknown key in an item": _set("rating", "score", 3),
    "missing subject": lambda d: d.__delitem__("subject"),
    "missing evidence": lambda d: d.__delitem__("evidence"),
    "missing subject id": lambda d: d["subject"].__delitem__("id"),
    "missing required key": _del("rating", "date"),
    "missing kind": lambda d: d["evidence"][0].__delitem__("kind"),
    "unknown kind": _set("rating", "kind", "appraisal"),
    "kind of the wrong type": _set("rating", "kind", 1),
    "bad enum value": _set("rating", "rater", "boss"),
    "bad activity type": _set("activity", "type", "webinar"),
    "number for a string": _set("activity", "title", 3),
    "string for a number": _set("activity", "hours", "24"),
    "boolean for a number": _set("activity", "hours", True),
    "boolean for a level": lambda d: _item(d, "rating")["ratings"].__setitem__("followership", True),
    "decimal for a level": lambda d: _item(d, "rating")["ratings"].__setitem__("followership", 2.5),
    "string for an array": _set("reflection", "competencies", "followership"),
    "array of numbers": _set("reflection", "competencies", [1, 2]),
    "table for a string": _set("reflection", "text", {"a": "b"}),
    "not a date": _set("rating", "date", "1 March 2026"),
    "impossible date": _set("rating", "date", "2026-02-30"),
    "date-time for a date": _set("rating", "date", datetime.datetime(2026, 1, 1, 9, 30)),
    "time for a date": _set("rating", "date", datetime.time(9, 30)),
    "frameworks not an array": lambda d: d.__setitem__("frameworks", "collective-leadership"),
    "evidence not an array": lambda d: d.__setitem__("evidence", {"id": "x"}),
    "item not a table": lambda d: d["evidence"].append("rating"),
    "subject not a table": lambda d: d.__setitem__("subject", "rc-0007"),
}


@pytest.mark.parametrize("case", sorted(EVIDENCE_MUTATIONS))
def test_rejects_a_mutated_example(case: str) -> None:
    data = _receptionist()
    EVIDENCE_MUTATIONS[case](data)
    assert not core_engine().validate(data, as_of=AS_OF).ok, "the mutation should make the file invalid"
    assert not evidence_is_structurally_valid(data, core_engine().evidence_kinds())
    assert not accepts(core_validator(), data)
    # The same verdict when a validator reads the schema as draft 7, as taplo may.
    assert not accepts(validator(evidence_schema(core_engine()), jsonschema.Draft7Validator), data)


def test_an_unknown_kind_is_named_plainly() -> None:
    data = _receptionist()
    _item(data, "rating")["kind"] = "appraisal"
    assert any("'appraisal' is not one of" in m for m in messages(core_validator(), data))


@needs_qi
@pytest.mark.parametrize(
    ("case", "mutate"),
    [
        ("string for an integer", lambda p: p["audits"][0].__setitem__("sample_size", "4870")),
        ("decimal for an integer", lambda p: p["audits"][0].__setitem__("sample_size", 4870.5)),
        ("string for a count", lambda p: p["pareto"]["counts"].__setitem__("forgot", "41")),
        ("unknown key in a nested table", lambda p: p["model_for_improvement"].__setitem__("aims", "x")),
        ("bad enum in a nested table", lambda p: p["measures"][0].__setitem__("better", "up")),
        ("missing key in a nested table", lambda p: p["measures"][0]["points"][0].__delitem__("value")),
        ("string for a point value", lambda p: p["measures"][0]["points"][0].__setitem__("value", "11.8")),
    ],
)
def test_rejects_a_mutated_plugin_example(case: str, mutate: Callable[[dict[str, Any]], None]) -> None:
    data = read(QI_EXAMPLES[0])
    mutate(_item(data, "qi-project"))
    assert not qi_engine().validate(data, as_of=AS_OF).ok, case
    assert not accepts(qi_validator(), data), case


def _framework() -> dict[str, Any]:
    return read(FRAMEWORK_FILES[0])


FRAMEWORK_MUTATIONS: dict[str, Mutation] = {
    "unknown top-level key": lambda d: d.__setitem__("author", "x"),
    "a private field": lambda d: d.__setitem__("_index", {}),
    "missing scale": lambda d: d.__delitem__("scale"),
    "missing competency title": lambda d: d["competencies"][0].__delitem__("title"),
    "unknown key in a level": lambda d: d["scale"]["levels"][0].__setitem__("rank", 1),
    "number for a title": lambda d: d["competencies"][0].__setitem__("title", 5),
    "number for a descriptor": lambda d: d["competencies"][0].__setitem__("descriptors", {"emerging": 1}),
    "string for the levels": lambda d: d["scale"].__setitem__("levels", "emerging"),
    "number for a target": lambda d: d["roles"][0]["targets"].__setitem__("followership", 3),
    "link without a target": lambda d: d["competencies"][0].__setitem__("links", [{"type": "isRelatedTo"}]),
    "extra not a table": lambda d: d.__setitem__("extra", "x"),
}


@pytest.mark.parametrize("case", sorted(FRAMEWORK_MUTATIONS))
def test_rejects_a_mutated_framework(case: str) -> None:
    data = _framework()
    FRAMEWORK_MUTATIONS[case](data)
    with pytest.raises(InvalidInput):
        framework_from_dict(data)
    assert not accepts(framework_validator(), data)


def test_extra_metadata_may_hold_anything() -> None:
    data = _framework()
    data["competencies"][0]["extra"] = {"CFItemType": "Standard", "n": 3, "when": datetime.date(2019, 6, 19), "t": {"a": [1]}}
    framework_from_dict(data)
    assert accepts(framework_validator(), data)


def test_dates_may_be_iso_strings_as_the_reader_allows() -> None:
    data = json_compatible(_receptionist())
    assert core_engine().validate(data, as_of=AS_OF).ok
    assert core_validator().is_valid(data)


# -- what a JSON Schema cannot see (docs/schemas.md, "Limits") -------------------------------------


def test_documented_limits_of_json_schema(load_sample_plugin: Any) -> None:
    """Each case is refused by the reader and passed by the schema; docs/schemas.md lists them."""
    journal_club = load_sample_plugin("journal_club")
    engine = Engine(
        plugins=False, extra_plugins=[journal_club], frameworks_dirs=[REPO / "frameworks"], search_pyproject=False, env={}
    )
    check = validator(evidence_schema(engine))
    club = {"id": "jc", "kind": "journal-club", "date": datetime.date(2026, 1, 10), "paper": "x", "competencies": ["followership"]}
    course = {
        "id": "c", "kind": "activity", "type": "course", "title": "t", "start": datetime.date(2025, 1, 1),
        "outcome": "completed", "competencies": ["followership"],
    }
    for item in (club, course):
        assert engine.validate({"subject": {"id": "s"}, "evidence": [item]}, as_of=AS_OF).ok
    gaps = {
        # JSON has one kind of number: 12.0 is an integer to a JSON Schema, a float to TOML.
        "integral decimal": {**club, "attendees": 12.0},
        # A TOML date becomes a string in JSON, so it passes where text is expected.
        "date where text": {**club, "paper": datetime.date(2026, 1, 1)},
        # JSON has no inf or nan; TOML does, and the reader refuses them.
        "non-finite number": {**course, "hours": math.inf},
    }
    for case, item in gaps.items():
        data = {"subject": {"id": "s"}, "evidence": [item]}
        assert not engine.validate(data, as_of=AS_OF).ok, case
        assert accepts(check, data), case
    docs = (REPO / "docs" / "schemas.md").read_text(encoding="utf-8")
    for phrase in ("12.0", "inf", "date where text"):
        assert phrase in docs


# -- every supported type, and the types no file can hold -------------------------------------------


@attrs.frozen(kw_only=True)
class Part:
    """A nested table."""

    name: str
    size: float = 1.5


@attrs.frozen(kw_only=True)
class Sampler(EvidenceItem):
    """A kind with a field of every type the converter can read."""

    kind: ClassVar[str] = "sampler"
    summary: ClassVar[str] = "every type"

    when: datetime.date
    scores: Mapping[Literal["low", "high"], int]
    parts: tuple[Part, ...]
    label: str | int
    main: Part | None = None
    anything: Any = None
    flag: bool = False
    count: int | None = None
    mode: Literal["a", "b"] | None = None
    tags: tuple[str, ...] = ("x",)
    more: tuple[Part, ...] = (Part(name="p"),)


def test_every_supported_type_is_described_and_agrees_with_the_converter() -> None:
    engine = Engine(plugins=False, extra_plugins=[KindsPlugin(Sampler)], search_pyproject=False, env={})
    schema = evidence_schema(engine)
    props = schema["$defs"]["Sampler"]["properties"]
    assert props["scores"] == {"type": "object", "propertyNames": {"enum": ["low", "high"]}, "additionalProperties": {"type": "integer"}}
    assert props["parts"] == {"type": "array", "items": {"$ref": "#/$defs/Part"}}
    assert props["main"] == {"$ref": "#/$defs/Part"}
    assert props["label"] == {"type": ["string", "integer"]}
    assert props["anything"] == {}
    assert props["flag"] == {"type": "boolean", "default": False}
    assert props["mode"] == {"type": "string", "enum": ["a", "b"]}
    assert props["tags"]["default"] == ["x"]
    assert props["more"] == {"type": "array", "items": {"$ref": "#/$defs/Part"}}  # no default a file could write
    assert schema["$defs"]["Part"]["properties"]["size"] == {"type": "number", "default": 1.5}
    assert schema["$defs"]["Sampler"]["description"].startswith("Every type.\n\nA kind with")
    check = validator(schema)
    good = {"kind": "sampler", "id": "s1", "when": "2026-01-01", "scores": {"low": 1}, "parts": [{"name": "p"}], "label": 3}
    variants: list[tuple[dict[str, Any], bool]] = [
        ({}, True),
        ({"scores": {"middle": 1}}, False),
        ({"scores": {"low": True}}, False),
        ({"label": True}, False),
        ({"label": 2.5}, False),
        ({"main": {"name": "m", "size": 2}}, True),
        ({"main": {"name": "m", "colour": "red"}}, False),
        ({"anything": [1, {"a": None}]}, True),
        ({"mode": "c"}, False),
        ({"count": "3"}, False),
        ({"parts": [{"size": 1.0}]}, False),
    ]
    for change, expected in variants:
        item = {**good, **change}
        reader = _structures({k: v for k, v in item.items() if k != "kind"}, Sampler)
        assert reader is expected, change
        assert check.is_valid({"subject": {"id": "s"}, "evidence": [item]}) is expected, change


@attrs.frozen(kw_only=True)
class _ListKind(EvidenceItem):
    kind: ClassVar[str] = "with-list"
    names: list[str]


@attrs.frozen(kw_only=True)
class _PairKind(EvidenceItem):
    kind: ClassVar[str] = "with-pair"
    pair: tuple[str, int]


@attrs.frozen(kw_only=True)
class _TableUnionKind(EvidenceItem):
    kind: ClassVar[str] = "with-table-union"
    part: Part | str


class _Colour(enum.Enum):
    RED = "red"


@attrs.frozen(kw_only=True)
class _EnumKind(EvidenceItem):
    kind: ClassVar[str] = "with-enum"
    colour: Literal[_Colour.RED]


@pytest.mark.parametrize("kind", [_ListKind, _PairKind, _TableUnionKind, _EnumKind], ids=lambda k: k.kind)
def test_a_type_no_file_can_hold_is_reported_by_field(kind: type[EvidenceItem]) -> None:
    engine = Engine(plugins=False, extra_plugins=[KindsPlugin(kind)], search_pyproject=False, env={})
    with pytest.raises(UnsupportedType, match=kind.__qualname__) as caught:
        evidence_schema(engine)
    assert isinstance(caught.value, ConfigurationError)


@attrs.frozen(kw_only=True)
class _OtherPart:
    """Another plugin's nested table, also called Part."""

    colour: str


_OtherPart.__name__ = "Part"


@attrs.frozen(kw_only=True)
class _SecondSampler(EvidenceItem):
    kind: ClassVar[str] = "second"
    part: _OtherPart


def test_two_classes_of_one_name_are_both_kept() -> None:
    engine = Engine(plugins=False, extra_plugins=[KindsPlugin(Sampler, _SecondSampler)], search_pyproject=False, env={})
    defs = evidence_schema(engine)["$defs"]
    parts = sorted(name for name in defs if name.endswith("Part"))
    assert len(parts) == 2 and "Part" not in parts
    assert {tuple(defs[p]["properties"]) for p in parts} == {("name", "size"), ("colour",)}


# -- property: the schema and the strict converter agree ------------------------------------------
#
# Random mutations of the examples (replace a value, delete a key, add a key, append to an array) are
# judged three ways. If the structural reference rejects a document, the engine's reader rejects it
# too (so the reference is sound) and so does the schema: a structural rejection is never missed.
# If the reference accepts it, so does the schema: the schema is not stricter than the reader. Checks
# of meaning (unknown competencies, future dates) are left out on purpose: they are the engine's.
#
# The values drawn are TOML values, minus the three cases JSON cannot see (a date where text is
# expected, an integral decimal, inf and nan), which test_documented_limits_of_json_schema pins:
# dates and times only replace dates.

#: Text without digits: Python reads "20260301" as a date and the schema does not (ISO dates are
#: drawn on their own below).
_text = st.text(st.characters(blacklist_categories=("Cs", "Nd")), max_size=6)
_scalars = st.one_of(
    _text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),  # TOML integers are 64-bit
    # A decimal with no fraction is an integer to a JSON Schema (a documented limit), and TOML's inf
    # and nan are not JSON: neither is generated.
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
    st.booleans(),
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", ""]),
)
_keys = st.one_of(st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=6), st.sampled_from(["id", "kind", "date", "title", "extra"]))
_temporal = st.one_of(st.dates(), st.datetimes(), st.datetimes(timezones=st.just(datetime.timezone.utc)), st.times())


def _values(words: list[str]) -> st.SearchStrategy[Any]:
    """TOML values other than dates and times (a date where text is expected is a documented limit)."""
    leaves = st.one_of(_scalars, st.sampled_from(words)) if words else _scalars
    return st.recursive(
        leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3), max_leaves=6
    )


def _words(schema: object) -> list[str]:
    """Every enum value and constant in a schema (kind names, raters, ...), for likely-valid strings."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "enum":
                    found.update(v for v in value if isinstance(v, str))
                elif key == "const" and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return sorted(found)


def _paths(node: object, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


@st.composite
def _mutated(draw: st.DrawFn, corpus: str) -> dict[str, Any]:
    """One of the corpus's documents with one or two random changes (the corpus is named, not passed,
    so that hypothesis does not print whole documents as the strategy's arguments)."""
    documents, words = _CORPORA[corpus]
    data: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(documents)))
    values = _values(words)
    for _ in range(draw(st.integers(1, 2))):
        paths = list(_paths(data))
        op = draw(st.sampled_from(["replace", "delete", "insert", "append"]))
        if op == "insert":
            table = draw(st.sampled_from([p for p in paths if isinstance(_at(data, p), dict)]))
            _at(data, table)[draw(_keys)] = draw(values)
        elif op == "append":
            arrays = [p for p in paths if isinstance(_at(data, p), list)]
            if arrays:
                _at(data, draw(st.sampled_from(arrays))).append(draw(values))
        else:
            path = draw(st.sampled_from(paths[1:]))
            parent, last = _at(data, path[:-1]), path[-1]
            if op == "delete" and isinstance(parent, dict):
                del parent[last]
            else:
                # Dates and times only where a date was: elsewhere they are the documented limit.
                temporal = isinstance(parent[last], (datetime.date, datetime.time))
                parent[last] = draw(st.one_of(_temporal, values) if temporal else values)
    return data


def _evidence_documents() -> tuple[Engine, list[dict[str, Any]]]:
    if QI_INSTALLED:
        return qi_engine(), [read(p) for p in [*CORE_EXAMPLES, *QI_EXAMPLES]]
    return core_engine(), [read(p) for p in CORE_EXAMPLES]


_EVIDENCE_ENGINE, _EVIDENCE_DOCUMENTS = _evidence_documents()
_EVIDENCE_SCHEMA = evidence_schema(_EVIDENCE_ENGINE)
_FRAMEWORK_DOCUMENTS = [read(p) for p in FRAMEWORK_FILES if p.exists()]
_CORPORA = {
    "evidence": (_EVIDENCE_DOCUMENTS, _words(_EVIDENCE_SCHEMA)),
    # Level ids make likely targets and descriptor keys.
    "framework": (_FRAMEWORK_DOCUMENTS, sorted({level["id"] for d in _FRAMEWORK_DOCUMENTS for level in d["scale"]["levels"]})),
}


def test_the_structural_reference_accepts_the_examples() -> None:
    kinds = _EVIDENCE_ENGINE.evidence_kinds()
    assert all(evidence_is_structurally_valid(d, kinds) for d in _EVIDENCE_DOCUMENTS)
    assert all(framework_is_structurally_valid(d) for d in _FRAMEWORK_DOCUMENTS)


@given(_mutated("evidence"))
def test_the_schema_agrees_with_the_strict_reader_on_mutated_evidence(data: dict[str, Any]) -> None:
    structural = evidence_is_structurally_valid(data, _EVIDENCE_ENGINE.evidence_kinds())
    if not structural:
        # The reference is no stricter than the reader itself ...
        assert not _EVIDENCE_ENGINE.validate(data, as_of=AS_OF).ok
    # ... and the schema rejects exactly what it rejects for structure (meaning is the engine's).
    assert accepts(_evidence_validator(), data) is structural


@given(_mutated("framework"))
def test_the_schema_agrees_with_the_strict_reader_on_mutated_frameworks(data: dict[str, Any]) -> None:
    structural = framework_is_structurally_valid(data)
    if not structural:
        with pytest.raises(InvalidInput):
            framework_from_dict(data)
    assert accepts(framework_validator(), data) is structural


def test_a_scalar_frameworks_value_is_reported_not_raised() -> None:
    # Found by the property test above: `frameworks = 0` once crashed the reader (exit 4, not 1).
    data = _receptionist()
    data["frameworks"] = 0
    assert not accepts(core_validator(), data)
    validation = core_engine().validate(data, as_of=AS_OF)
    assert not validation.ok
    assert [p.path for p in validation.errors] == ["frameworks"]


@cache
def _evidence_validator() -> Any:
    return validator(_EVIDENCE_SCHEMA)


# -- the command ------------------------------------------------------------------------------------


def test_schema_command_prints_json(invoke: Any) -> None:
    result = invoke("schema", "evidence")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert kinds_in(schema) == CORE_KINDS
    assert result.stdout == dumps(evidence_schema(core_engine()))
    result = invoke("schema", "framework")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == framework_schema()


def test_schema_command_writes_a_file(invoke: Any, tmp_path: Path) -> None:
    target = tmp_path / "framework.schema.json"
    result = invoke("schema", "framework", "--output", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == dumps(framework_schema())
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left behind
    result = invoke("schema", "evidence", "-o", target)
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "competency evidence file"


def test_schema_command_errors(invoke: Any, tmp_path: Path) -> None:
    result = invoke("schema", "results")
    assert result.exit_code == 2
    assert "'results' is not one of" in result.stderr
    result = invoke("schema", "framework", "--output", tmp_path / "missing" / "x.json")
    assert result.exit_code == 1
    assert "x.json" in result.stderr and "Traceback" not in result.stderr


def test_the_docs_show_the_commands_and_the_directive() -> None:
    docs = (REPO / "docs" / "schemas.md").read_text(encoding="utf-8")
    for text in ("competency schema evidence", "competency schema framework", "#:schema ./evidence.schema.json", "json_compatible"):
        assert text in docs
