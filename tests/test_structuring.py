"""The strict converter's hooks for literals, unions and tables agree with their plain definitions."""

from __future__ import annotations

import datetime
import types
from collections.abc import Mapping
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency.structuring import InvalidValue, describe, make_converter

CONVERTER = make_converter()

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-3, max_value=3),
    st.sampled_from(["a", "b", "1", "", "true"]),
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2020, 1, 3)),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 2), max_size=2),
)


def _outcome(tp: Any, value: object, converter: Any = CONVERTER) -> tuple[str, object]:
    try:
        result = converter.structure(value, tp)
    except InvalidValue as exc:
        return "error", str(exc)
    return type(result).__name__, result


LITERALS: list[Any] = [Literal["a", "b"], Literal[1, 2], Literal[True], Literal[0, "a", False], Literal["a", "None"]]


@pytest.mark.parametrize("tp", LITERALS)
@given(value=_VALUES)
def test_a_literal_takes_exactly_its_values_with_their_types(tp: Any, value: object) -> None:
    allowed = tp.__args__
    listing = ", ".join(str(a) for a in allowed)
    if any(type(value) is type(a) and value == a for a in allowed):
        assert _outcome(tp, value) == (type(value).__name__, value)
    else:
        assert _outcome(tp, value) == ("error", f"{describe(value)} is not one of: {listing}")


UNIONS: list[Any] = [int | str, str | int, float | int, int | float, float | None, int | str | None, bool | int]
_NAMES = {int: "an integer", str: "a string", float: "a number", bool: "true or false"}


@pytest.mark.parametrize("tp", UNIONS)
@given(value=_VALUES)
def test_a_union_member_is_chosen_by_the_values_exact_type_first_member_first(tp: Any, value: object) -> None:
    # A converter of its own: int | str == str | int, and a converter keeps the hook of the first seen.
    converter = make_converter()
    members = [m for m in tp.__args__ if m is not type(None)]
    if value is None and len(members) < len(tp.__args__):
        assert _outcome(tp, value, converter) == ("NoneType", None)
        return
    if len(members) == 1:
        return  # an optional single type is that type's own hook
    chosen = next((m for m in members if type(value) is m or (m is float and type(value) is int)), None)
    if chosen is None:
        wanted = " or ".join(_NAMES[m] for m in members)
        assert _outcome(tp, value, converter) == ("error", f"expected {wanted}, got {describe(value)}")
    else:
        assert _outcome(tp, value, converter) == _outcome(chosen, value)


@pytest.mark.parametrize(("tp", "takes"), [(Mapping[str, int | str], (int, str)), (Mapping[str, int], (int,))])
@given(table=st.dictionaries(
    st.sampled_from(["a", "b", "c"]), st.one_of(st.integers(0, 3), st.booleans(), st.sampled_from(["x", None])), max_size=3
))
def test_a_table_keeps_its_order_and_reports_every_bad_value(tp: Any, takes: tuple[type, ...], table: dict[str, object]) -> None:
    bad = [key for key, value in table.items() if type(value) not in takes]
    try:
        result = CONVERTER.structure(table, tp)
    except Exception as exc:  # noqa: BLE001 - the group of every bad value
        assert bad
        assert [e.__notes__[-1].index for e in exc.exceptions] == bad  # type: ignore[attr-defined]
        return
    assert not bad
    assert isinstance(result, types.MappingProxyType) and list(result.items()) == list(table.items())


@given(st.lists(st.one_of(st.sampled_from(["x", "", "1"]), st.integers(0, 2), st.booleans()), max_size=4))
def test_an_array_takes_exactly_its_element_type_and_reports_every_bad_element(array: list[object]) -> None:
    bad = [index for index, element in enumerate(array) if type(element) is not str]
    try:
        result = CONVERTER.structure(array, tuple[str, ...])
    except Exception as exc:  # noqa: BLE001 - the group of every bad element
        assert bad
        assert [e.__notes__[-1].index for e in exc.exceptions] == bad  # type: ignore[attr-defined]
        assert all(isinstance(e, InvalidValue) for e in exc.exceptions)  # type: ignore[attr-defined]
        return
    assert not bad
    assert result == tuple(array)
