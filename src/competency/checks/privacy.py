"""A built-in check: free text that looks like it identifies a patient.

Reflections are written about real encounters; an NHS number, a date of birth, a postcode, a phone
number or an e-mail address in one is a data-protection incident waiting to happen. The check warns
(``competency validate --strict`` makes warnings fail) and never repeats the matched text, so the
warning itself does not copy the identifier into logs.
"""

from __future__ import annotations

import collections.abc
import datetime
import functools
import operator
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator

import attrs

from ..errors import Problem
from ..evidence import CheckContext, EvidenceFile
from .base import EvidenceCheck

# One pass over the text with named alternatives; the NHS number is confirmed by its check digit.
_IDENTIFIERS = re.compile(
    r"(?P<nhs>(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-]))"
    r"|(?P<dob>\b(?i:d\.?o\.?b\.?|date of birth|born on)\b\s*:?\s*\d)"
    r"|(?P<postcode>\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b)"
    r"|(?P<phone>(?<!\d)(?:\+44\s?7\d{3}|07\d{3}|\+44\s?\d{3,4}|0\d{3,4})[\s-]?\d{3}[\s-]?\d{3,4}(?!\d))"
    r"|(?P<email>\b[\w.+-]+@[\w-]+\.[\w.-]+\b)"
)
_WHAT = {
    "nhs": "an NHS number",
    "dob": "a date of birth",
    "postcode": "a postcode",
    "phone": "a phone number",
    "email": "an e-mail address",
}


def valid_nhs_number(digits: str) -> bool:
    """The NHS number's modulus-11 check digit (NHS Data Dictionary, 'NHS Number')."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# The quick screen of ``_may_identify``: tests that a string cannot hold a match of ``_IDENTIFIERS``,
# each far cheaper than that pattern, whose five alternatives are tried at every position of the text
# (about 10 us per 100 characters of prose). Each is a necessary condition, taken from the pattern:
# - no match is shorter than five characters (an e-mail address "a@b.c", a date of birth "dob:1",
#   a postcode "A11AB"; NHS and phone numbers have ten digits), so short ids ("e0", "r3") need no look;
# - every alternative needs a digit (``\d``, as the pattern has it) or an @;
# - an NHS number or a phone number has six digits in a row but for one space or hyphen; a postcode
#   ends in a digit and two inward-code letters; a date of birth has its words; an e-mail address its @.
# ``[BDbd]`` is what ``(?i:[bd])`` matches (tests/test_validation.py checks all of Unicode), written so
# that the search skips to those letters; the rest of the words are as case-blind as in the pattern.
_SHORTEST = 5
_DIGIT_OR_AT = re.compile(r"[\d@]")
_ASCII_DIGITS_AND_AT = b"0123456789@"
_NUMBER_PARTS = re.compile(r"\d(?:\d\d[\s-]?\d\d\d|[ABD-HJLNP-UW-Z]{2})")
_BIRTH_WORDS = re.compile(r"[BDbd](?i:\.?o\.?b|ate of birth|orn on)")


def _has_digit_or_at(text: str) -> bool:
    """Whether ``text`` has a digit (``\\d``) or an @, as ``_DIGIT_OR_AT`` finds. Every character of free
    text has to be looked at; ASCII text (most of it), whose only digits are 0-9, is by deleting those
    bytes, several times quicker than the search."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_DIGITS_AND_AT)) != len(text)
    return _DIGIT_OR_AT.search(text) is not None


def _may_contain_identifier(text: str) -> bool:
    """Whether ``_IDENTIFIERS`` finds anything in ``text``, settled by the quick screen when it can."""
    return (
        len(text) >= _SHORTEST
        and _has_digit_or_at(text)
        and ("@" in text or _NUMBER_PARTS.search(text) is not None or _BIRTH_WORDS.search(text) is not None)
        and _IDENTIFIERS.search(text) is not None
    )


def findings(text: str) -> Iterator[tuple[str, int]]:
    """What in ``text`` looks patient-identifiable: (what, character offset)."""
    if not _has_digit_or_at(text):  # every pattern needs a digit (any script's) or an @: most prose is skipped
        return
    for match in _IDENTIFIERS.finditer(text):
        kind = match.lastgroup or ""
        if kind == "nhs" and not valid_nhs_number(re.sub(r"[ -]", "", match.group())):
            # Ten digits with a wrong check digit: not an NHS number, but maybe a phone number.
            phone = _IDENTIFIERS.fullmatch(match.group())
            if phone is None or phone.lastgroup != "phone":
                continue
            kind = "phone"
        yield _WHAT[kind], match.start()


_NO_TEXT = (bool, int, float, datetime.date, datetime.time, type(None))


def _may_hold_text(annotation: object) -> bool:
    """Whether a value of this declared type can contain a string (unknown types: yes)."""
    if isinstance(annotation, type):
        if issubclass(annotation, _NO_TEXT):
            return False
        if attrs.has(annotation):
            # A class that contains itself (a tree of nodes) is still being looked at further up:
            # assume it may hold text rather than recurse for ever.
            return annotation in _LOOKING_AT or bool(_text_fields(annotation))
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:  # one of the kind's own constants, never the user's free text
        return False
    if origin in (typing.Union, types.UnionType, tuple, list, collections.abc.Sequence, set, frozenset):
        return any(_may_hold_text(a) for a in typing.get_args(annotation) if a is not Ellipsis)
    if origin in (dict, collections.abc.Mapping):
        args = typing.get_args(annotation)
        return len(args) != 2 or _may_hold_text(args[1])  # keys are names, not free text
    return True


_LOOKING_AT: set[type] = set()


@functools.cache
def _text_fields(cls: type) -> tuple[str, ...]:
    """The fields of an attrs class that can hold text: the walk skips dates, numbers and tables
    of them (a QI measure's points, say) without looking."""
    try:
        fields = attrs.fields(attrs.resolve_types(cls))
    except Exception:  # noqa: BLE001 - an annotation that cannot be resolved: look everywhere
        return tuple(field.name for field in attrs.fields(cls))
    _LOOKING_AT.add(cls)
    try:
        return tuple(f.name for f in fields if f.type is None or _may_hold_text(f.type))
    finally:
        _LOOKING_AT.discard(cls)


def _walk(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif attrs.has(type(value)):
        for name in _text_fields(type(value)):  # type: ignore[arg-type]
            yield from _walk(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    elif hasattr(value, "items"):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")


def _no_fields(value: object) -> tuple[object, ...]:
    return ()


@functools.cache
def _text_values(cls: type) -> Callable[[object], tuple[object, ...]] | None:
    """For an attrs class, what gives the values of its text fields as a tuple; None for any
    other type (settled once per type)."""
    if not attrs.has(cls):
        return None
    names = _text_fields(cls)
    if not names:
        return _no_fields
    if len(names) == 1:
        get = operator.attrgetter(names[0])

        def only(value: object) -> tuple[object, ...]:
            return (get(value),)

        return only
    values: Callable[[object], tuple[object, ...]] = operator.attrgetter(*names)  # a tuple for two or more
    return values


def _may_identify(value: object) -> bool:
    """Whether any text in the value has a candidate identifier: the same walk as ``_walk``
    without building paths, which only an item with a candidate needs."""
    if isinstance(value, str):
        return _may_contain_identifier(value)
    stack = [value]
    while stack:
        current = stack.pop()
        text_values = _text_values(type(current))  # type: ignore[arg-type]
        values: Iterable[object]
        if text_values is not None:
            values = text_values(current)
        elif current is None or isinstance(current, _NO_TEXT):
            continue
        elif isinstance(current, (list, tuple)):
            values = current
        elif hasattr(current, "values"):
            values = current.values()
        else:
            continue
        for inner in values:
            # A string is screened where it is met, without a trip through the stack; most are
            # short ids, settled before any call.
            if isinstance(inner, str):
                if len(inner) >= _SHORTEST and _may_contain_identifier(inner):
                    return True
            elif inner is not None:
                stack.append(inner)
    return False


def check_identifiers(evidence: EvidenceFile, context: CheckContext) -> Iterator[Problem]:
    """Warn about patient-identifiable details in any free text of the evidence."""
    for index, item in enumerate(evidence.evidence):
        if not _may_identify(item):  # the common case, settled without building paths
            continue
        for path, text in _walk(item, f"evidence[{index}]"):
            for what, offset in findings(text):
                yield Problem(
                    f"looks like {what} (at character {offset + 1}): remove patient-identifiable details",
                    path,
                    severity="warning",
                )


PRIVACY_CHECK = EvidenceCheck(
    name="patient-identifiers",
    description="warns about NHS numbers, dates of birth, postcodes, phone numbers and e-mail addresses in free text",
    run=check_identifiers,
)
