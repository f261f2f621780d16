"""JSON Schemas for evidence and framework files, generated from the attrs model.

Nothing here is written by hand: the schemas are derived from the model classes' fields and type
hints, and from the evidence kinds the engine has registered (the core's and the installed
plugins'), so they cannot drift from what the engine reads. They describe what the strict converter
(:mod:`competency.structuring`) accepts:

* exact types: ``str`` is a string, ``int`` an integer (``true`` is not one), ``float`` any number,
  ``bool`` ``true`` or ``false``, and a ``datetime.date`` a string of format ``date``, which is what a
  TOML date becomes when an editor or :func:`json_compatible` turns the document into JSON data;
* ``Literal`` as an enum, ``tuple[X, ...]`` as an array, ``Mapping[str, X]`` as a table, nested attrs
  classes under ``$defs``, ``Any`` as anything;
* a field is required when it has no default; ``X | None`` is just ``X``, because TOML has no null: an
  optional key is left out;
* no unknown keys anywhere (``additionalProperties: false``), like the converter.

What a schema cannot say (whether a competency id exists, a level is on the scale, a date is in the
future, an id is unique) the engine checks: see docs/schemas.md.

The output keeps to keywords that mean the same in draft 7 and draft 2020-12 (no keyword beside a
``$ref``, ``items`` as a single schema), because editors' validators do not all know 2020-12.
"""

from __future__ import annotations

import datetime
import inspect
import json
import re
import types
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints

import attrs

from ._version import __version__
from .errors import ConfigurationError
from .evidence import EvidenceFile, EvidenceItem
from .evidence_io import TOP_LEVEL_KEYS
from .framework import Framework

if TYPE_CHECKING:
    from .engine import Engine

#: The JSON Schema dialect of the generated schemas.
DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: The file names the documentation suggests for the generated schemas.
FILE_NAMES = {"evidence": "evidence.schema.json", "framework": "framework.schema.json"}

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    datetime.date: {"type": "string", "format": "date"},
}
_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", float: "number"}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


class UnsupportedType(ConfigurationError):
    """A model field whose type the strict converter cannot read from a file, so no schema can say it."""


def evidence_schema(engine: Engine) -> dict[str, Any]:
    """The JSON Schema of evidence files, with one item schema for every kind ``engine`` has registered.

    A plugin's kinds are in it when the engine has loaded the plugin, and only then.
    """
    return _evidence_schema(engine.evidence_kinds())


def framework_schema() -> dict[str, Any]:
    """The JSON Schema of framework files (docs/framework-format.md)."""
    generator = _Generator()
    return generator.document(
        Framework,
        title="competency framework file",
        comment="competency schema framework",
    )


def json_compatible(value: Any) -> Any:
    """Parsed TOML as the JSON data a validator sees: dates, date-times and times become ISO strings.

    Editors do the same (taplo turns a TOML date into its text), so ``2026-03-01`` is checked as the
    string ``"2026-03-01"`` against ``"format": "date"``; a date-time fails that format.
    """
    if isinstance(value, Mapping):
        return {str(k): json_compatible(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_compatible(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):  # datetime.datetime is a date too
        return value.isoformat()
    return value


def dumps(schema: Mapping[str, Any]) -> str:
    """A schema as JSON text: indented, in the generator's key order (so output is reproducible)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _evidence_schema(kinds: Mapping[str, type[EvidenceItem]]) -> dict[str, Any]:
    generator = _Generator()
    names = sorted(kinds)
    if names:
        # The kind is checked first so that an unknown kind gets a plain message, not "no branch matched".
        items: dict[str, Any] = {
            "type": "object",
            "properties": {"kind": {"enum": names}},
            "required": ["kind"],
            "oneOf": [generator.ref(kinds[name], kind=name) for name in names],
        }
    else:  # every kind blocked: no item can be read
        items = {"description": "no evidence kind is registered", "not": {}}
    generator.overrides[EvidenceItem] = items
    listing = ", ".join(names) or "none"
    return generator.document(
        EvidenceFile,
        title="competency evidence file",
        comment="competency schema evidence",
        keys=TOP_LEVEL_KEYS,
        note=f"Evidence kinds: {listing}.",
    )


class _Generator:
    """Walks model classes and their type hints, collecting each attrs class once under ``$defs``."""

    def __init__(self) -> None:
        #: Schemas given for a class instead of its fields (the evidence item placeholder).
        self.overrides: dict[type, dict[str, Any]] = {}
        self._kinds: dict[type, str] = {}
        self._pending: list[type] = []
        self._built: dict[type, dict[str, Any]] = {}
        # Every {"$ref": ...} handed out, filled in once every class is known and has a unique name.
        self._refs: list[tuple[dict[str, Any], type]] = []

    def document(
        self,
        cls: type,
        *,
        title: str,
        comment: str,
        keys: Iterable[str] | None = None,
        note: str = "",
    ) -> dict[str, Any]:
        """The root schema: ``cls``'s own object schema (fields limited to ``keys``) with ``$defs``."""
        body = self._object(cls, keys=keys)
        body.pop("title", None)
        description = body.pop("description", "")
        while self._pending:
            pending = self._pending.pop(0)
            if pending not in self._built:
                self._built[pending] = self._object(pending)
        names = self._names()
        for ref, target in self._refs:
            ref["$ref"] = f"#/$defs/{names[target]}"
        root: dict[str, Any] = {
            "$schema": DIALECT,
            "$comment": (
                f"Generated from the model by competency {__version__} (`{comment}`): "
                "regenerate it, do not edit it."
            ),
            "title": title,
            "description": "\n\n".join(p for p in (description, note) if p),
            **body,
        }
        if self._built:
            root["$defs"] = {names[c]: self._built[c] for c in sorted(self._built, key=names.__getitem__)}
        return root

    def ref(self, cls: type, kind: str | None = None) -> dict[str, Any]:
        """A ``$ref`` to ``cls``'s schema, which is built once (with a ``kind`` constant for a kind)."""
        if kind is not None:
            self._kinds[cls] = kind
        if cls not in self._built and cls not in self._pending:
            self._pending.append(cls)
        ref: dict[str, Any] = {"$ref": ""}
        self._refs.append((ref, cls))
        return ref

    def _names(self) -> dict[type, str]:
        counts: dict[str, int] = {}
        for cls in self._built:
            counts[cls.__name__] = counts.get(cls.__name__, 0) + 1
        # Two plugins may both call a class Measure: then both are named by module as well.
        return {
            cls: cls.__name__ if counts[cls.__name__] == 1 else _UNSAFE_NAME.sub("_", f"{cls.__module__}.{cls.__qualname__}")
            for cls in self._built
        }

    def _object(self, cls: type, keys: Iterable[str] | None = None) -> dict[str, Any]:
        try:
            hints = get_type_hints(cls)
        except Exception as exc:  # noqa: BLE001 - a plugin's unresolvable annotation, reported by name
            raise UnsupportedType(f"the type hints of {_where(cls)} cannot be resolved: {exc}") from exc
        # The converter reads the fields that __init__ takes, under their attribute names.
        fields = [a for a in attrs.fields(cls) if a.init]
        if keys is not None:
            by_name = {a.name: a for a in fields}
            fields = [by_name[k] for k in keys if k in by_name]
        properties: dict[str, Any] = {}
        required: list[str] = []
        kind = self._kinds.get(cls)
        if kind is not None:
            properties["kind"] = {"const": kind}
            required.append("kind")
        for field in fields:
            prop = self._schema(hints[field.name], f"{_where(cls)}.{field.name}")
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                default = _default(field.default)
                # Nothing may sit beside a $ref in draft 7; None is no TOML value (and no default to offer).
                if default is not None and "$ref" not in prop:
                    prop = {**prop, "default": default}
            properties[field.name] = prop
        schema: dict[str, Any] = {"title": kind if kind is not None else cls.__name__}
        description = _description(cls)
        if description:
            schema["description"] = description
        schema["type"] = "object"
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema

    def _schema(self, tp: Any, where: str) -> dict[str, Any]:
        if tp is Any:
            return {}
        if tp in self.overrides:
            return dict(self.overrides[tp])
        if tp in _SCALARS:
            return dict(_SCALARS[tp])
        origin = get_origin(tp)
        if origin is Literal:
            values = get_args(tp)
            if not all(isinstance(v, (str, int)) for v in values):  # bool is an int
                raise UnsupportedType(f"{where}: {tp!r} has values no file can hold")
            return _enum(values)
        if origin in (Union, types.UnionType):
            return self._union(tp, where)
        if origin is tuple or tp is tuple:
            return self._array(tp, where)
        if origin in (Mapping, dict) or tp in (Mapping, dict):
            return self._table(tp, where)
        if isinstance(tp, type) and attrs.has(tp):
            return self.ref(tp)
        raise UnsupportedType(f"{where}: the type {tp!r} cannot be read from a file")

    def _union(self, tp: Any, where: str) -> dict[str, Any]:
        # TOML has no null: ``X | None`` is X, and the key is optional only if the field has a default.
        members = [m for m in get_args(tp) if m is not type(None)]
        if len(members) == 1:
            return self._schema(members[0], where)
        # The converter picks a member by the value's exact type, so only scalar members can match.
        odd = [m for m in members if m not in _SCALARS]
        if odd:
            raise UnsupportedType(f"{where}: the union {tp!r} has members the converter cannot choose by type: {odd!r}")
        schemas = [self._schema(m, where) for m in members]
        if all(set(s) == {"type"} for s in schemas):
            return {"type": [s["type"] for s in schemas]}
        return {"anyOf": schemas}

    def _array(self, tp: Any, where: str) -> dict[str, Any]:
        args = get_args(tp)
        if not args:
            return {"type": "array"}
        if len(args) != 2 or args[1] is not Ellipsis:
            raise UnsupportedType(f"{where}: fixed-length tuples such as {tp!r} cannot be read from a file")
        items = self._schema(args[0], where + "[]")
        return {"type": "array", "items": items} if items else {"type": "array"}

    def _table(self, tp: Any, where: str) -> dict[str, Any]:
        key, value = get_args(tp) or (str, Any)
        schema: dict[str, Any] = {"type": "object"}
        if get_origin(key) is Literal and all(isinstance(k, str) for k in get_args(key)):
            schema["propertyNames"] = {"enum": list(get_args(key))}
        elif key is not str:
            raise UnsupportedType(f"{where}: table keys are strings, not {key!r}")
        values = self._schema(value, where + ".*")
        if values:
            schema["additionalProperties"] = values
        return schema


def _enum(values: tuple[Any, ...]) -> dict[str, Any]:
    kinds = {_JSON_TYPES.get(type(v)) for v in values}
    schema: dict[str, Any] = {}
    if len(kinds) == 1 and None not in kinds:
        schema["type"] = kinds.pop()
    schema["enum"] = list(values)
    return schema


def _default(default: Any) -> Any:
    """A field's default as JSON data, or None if it has none to show (a factory of its own making)."""
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # attrs types Factory as a function
        if default.takes_self or default.factory not in (dict, list, tuple):
            return None
        default = default.factory()
    value = json_compatible(default)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):  # attrs instances, inf: nothing an editor could insert
        return None
    return value


def _description(cls: type) -> str:
    text = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    summary = getattr(cls, "summary", "") if issubclass(cls, EvidenceItem) else ""
    if summary and isinstance(summary, str):
        line = summary[:1].upper() + summary[1:] + ("" if summary[-1] in ".!?" else ".")
        return f"{line}\n\n{text}" if text else line
    return text


def _where(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"
