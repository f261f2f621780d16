"""A strict cattrs converter for untrusted input, and readable messages for what it rejects.

cattrs coerces by default (``"3"`` becomes ``3``, ``True`` passes as an int, ``3.9`` becomes ``3``);
evidence files are typed by people, so every such coercion would hide a mistake. The hooks here accept
exactly the TOML (or JSON) type a field declares, and unknown keys are errors.
"""

from __future__ import annotations

import datetime
import math
import re
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from .errors import InvalidInput, Problem

T = TypeVar("T")


class InvalidValue(ValueError):
    """A value of the wrong type or outside its allowed set; the message is shown as it is."""


def describe(value: object) -> str:
    """A short, safe rendering of a user's value for an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, datetime.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return repr(value)


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"expected a string, got {describe(value)}")
    return value


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"expected an integer, got {describe(value)}")
    return value


def _strict_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValue(f"expected a number, got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond any float (JSON input; TOML integers are 64-bit)
        number = math.inf
    if not math.isfinite(number):
        raise InvalidValue(f"expected a finite number, got {describe(value)}")
    return number


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"expected true or false, got {describe(value)}")
    return value


# The strict hooks that return a value of exactly this type as it is: containers and unions skip
# the call for such a value (the hook would only check the type they have just looked at).
_AS_IT_IS: Mapping[Callable[[object, type], object], type] = types.MappingProxyType(
    {_strict_str: str, _strict_int: int, _strict_bool: bool}
)


def _as_it_is(hook: Callable[[object, type], object]) -> type | None:
    """The type whose values ``hook`` returns unchanged, if it is one of the strict hooks."""
    try:
        return _AS_IT_IS.get(hook)
    except TypeError:  # an unhashable hook object
        return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _strict_date(value: object, _: type) -> datetime.date:
    # TOML has a native date; JSON (and dicts built from it) carry ISO strings.
    if isinstance(value, datetime.datetime):
        raise InvalidValue(f"expected a date (YYYY-MM-DD), got {describe(value)}")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValue(f"expected a date (YYYY-MM-DD), got {describe(value)}")


def _is_literal(tp: object) -> bool:
    return get_origin(tp) is Literal


def _literal_hook(tp: Any) -> Callable[[object, type], object]:
    allowed = get_args(tp)
    listing = ", ".join(str(a) for a in allowed)
    # Each allowed value with its exact type: bool is an int subclass, and true must not match a
    # Literal[1]. Literal values are hashable; a value that is not (a table, an array) is none of them.
    pairs = frozenset((type(a), a) for a in allowed)

    def structure(value: object, _: type) -> object:
        try:
            if (type(value), value) in pairs:
                return value
        except TypeError:
            pass
        raise InvalidValue(f"{describe(value)} is not one of: {listing}")

    return structure


def _is_union(tp: object) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


_TYPE_NAMES = {int: "an integer", str: "a string", float: "a number", bool: "true or false"}


def _union_hook(converter: cattrs.Converter, tp: Any) -> Callable[[object, type], object]:
    members = [a for a in get_args(tp) if a is not type(None)]
    optional = len(members) < len(get_args(tp))
    hooks = [(m, converter.get_structure_hook(m)) for m in members]
    wanted = " or ".join(_TYPE_NAMES.get(m, getattr(m, "__name__", str(m))) for m in members)

    if len(hooks) == 1:
        [(only, only_hook)] = hooks

        def structure_optional(value: object, _: type) -> object:
            if value is None and optional:
                return None
            return only_hook(value, only)

        return structure_optional

    # Several members: the value's own type chooses, exactly (true is not an integer), the first
    # member that takes it winning; a float member takes an integer too.
    # A chosen hook of None: the member's hook would return the value as it is.
    chooser: dict[type, tuple[Any, Callable[[object, type], object] | None]] = {}
    for member, hook in hooks:
        for taken in (member, int) if member is float else (member,):
            if isinstance(taken, type):
                chooser.setdefault(taken, (member, None if _as_it_is(hook) is taken else hook))

    def structure(value: object, _: type) -> object:
        if value is None and optional:
            return None
        chosen = chooser.get(type(value))
        if chosen is None:
            raise InvalidValue(f"expected {wanted}, got {describe(value)}")
        member, hook = chosen
        return value if hook is None else hook(value, member)

    return structure


def _is_tuple_of(tp: object) -> bool:
    return get_origin(tp) is tuple


def _is_mapping(tp: object) -> bool:
    return get_origin(tp) in (Mapping, dict) or tp in (Mapping, dict)


def _attrs_hook_factory(converter: cattrs.Converter) -> Callable[[Any], Callable[[object, type], object]]:
    def factory(cls: Any) -> Callable[[object, type], object]:
        inner = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True)

        def structure(value: object, t: type) -> object:
            if not isinstance(value, (dict, Mapping)):  # dict first: no ABC check for parsed input
                raise InvalidValue(f"expected a table, got {describe(value)}")
            return inner(value, t)

        return structure

    return factory


def make_converter() -> cattrs.Converter:
    """A converter that structures untrusted input strictly; unknown keys are errors."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(datetime.date, _strict_date)
    converter.register_unstructure_hook(datetime.date, lambda d: d)
    converter.register_structure_hook_factory(_is_literal, _literal_hook)
    converter.register_structure_hook_factory(_is_union, lambda tp: _union_hook(converter, tp))
    # Containers are structured by our own hooks so that a string is not taken for an array of
    # characters and every element's error is collected with its index or key.
    converter.register_structure_hook_factory(attrs.has, _attrs_hook_factory(converter))
    converter.register_structure_hook_factory(_is_tuple_of, lambda tp: _wrap_array(converter, tp))
    converter.register_structure_hook_factory(_is_mapping, lambda tp: _wrap_mapping(converter, tp))
    return converter


def _wrap_array(converter: cattrs.Converter, tp: Any) -> Callable[[object, type], object]:
    (element, *rest) = get_args(tp) or (Any,)
    element_hook = converter.get_structure_hook(element)
    element_as_it_is = _as_it_is(element_hook)
    homogeneous = not rest or rest == [Ellipsis]

    def structure(value: object, _: type) -> tuple[object, ...]:
        if not isinstance(value, (list, tuple)):
            raise InvalidValue(f"expected an array, got {describe(value)}")
        if not homogeneous:
            raise InvalidValue("fixed-length tuples are not supported in input")
        out: list[object] = []
        try:  # valid input, the common case, without collecting; the first error goes on below
            for item in value:
                out.append(item if type(item) is element_as_it_is else element_hook(item, element))
            return tuple(out)
        except Exception:  # noqa: BLE001, S110 - the loop below says what and where
            pass
        errors: list[Exception] = []
        for index, item in enumerate(value[len(out):], start=len(out)):
            try:
                out.append(element_hook(item, element))
            except Exception as exc:  # noqa: BLE001 - collected and re-raised as a group
                exc.__notes__ = [*getattr(exc, "__notes__", []), IterableValidationNote(f"@ index {index}", index, element)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return tuple(out)

    return structure


def _wrap_mapping(converter: cattrs.Converter, tp: Any) -> Callable[[object, type], object]:
    key_type, value_type = get_args(tp) or (str, Any)
    key_hook = converter.get_structure_hook(key_type)
    value_hook = converter.get_structure_hook(value_type)
    key_as_it_is = _as_it_is(key_hook)  # str: a parsed table's keys are strings
    value_as_it_is = _as_it_is(value_hook)

    def structure(value: object, _: type) -> Mapping[object, object]:
        if not isinstance(value, (dict, Mapping)):  # dict first: no ABC check for parsed input
            raise InvalidValue(f"expected a table, got {describe(value)}")
        out: dict[object, object] = {}
        done = 0
        try:  # valid input, the common case, without collecting; the first error goes on below
            for key, item in value.items():
                out[key if type(key) is key_as_it_is else key_hook(key, key_type)] = (
                    item if type(item) is value_as_it_is else value_hook(item, value_type)
                )
                done += 1
            return types.MappingProxyType(out)
        except Exception:  # noqa: BLE001, S110 - the loop below says what and where
            pass
        errors: list[Exception] = []
        for key, item in list(value.items())[done:]:
            try:
                out[key_hook(key, key_type)] = value_hook(item, value_type)
            except Exception as exc:  # noqa: BLE001 - collected and re-raised as a group
                exc.__notes__ = [*getattr(exc, "__notes__", []), IterableValidationNote(f"@ key {key!r}", key, value_type)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp!r}", errors, tp)
        return types.MappingProxyType(out)

    return structure


def join_path(path: str, step: str | int) -> str:
    """Extend a document path: ``evidence[3]`` + ``ratings`` gives ``evidence[3].ratings``."""
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


def problems_from_exception(exc: BaseException, path: str = "") -> Iterator[Problem]:
    """Turn what cattrs raised into located problems, one per leaf error."""
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            path = join_path(path, note.name)
        elif isinstance(note, IterableValidationNote):
            path = join_path(path, note.index)
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        for sub in exc.exceptions:
            yield from problems_from_exception(sub, path)
        return
    yield Problem(_message(exc), path)


def _message(exc: BaseException) -> str:
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = ", ".join(sorted(exc.extra_fields))
        return f"unknown key{'s' if len(exc.extra_fields) > 1 else ''}: {keys}"
    if isinstance(exc, KeyError):
        return "required key is missing"
    if isinstance(exc, (InvalidValue, InvalidInput)):
        return str(exc)
    if isinstance(exc, (ValueError, TypeError)) and str(exc):
        # attrs validators and __attrs_post_init__ raise these with our own wording.
        return str(exc)
    return f"invalid value ({type(exc).__name__})"


def structure(converter: cattrs.Converter, data: object, cls: type[T], path: str = "") -> T:
    """Structure ``data`` into ``cls``; raise :class:`InvalidInput` listing every located problem."""
    try:
        return converter.structure(data, cls)
    except Exception as exc:  # noqa: BLE001 - every structuring failure becomes a located problem
        raise InvalidInput(list(problems_from_exception(exc, path))) from exc
