"""rtoml (the optional extra ``competency[rtoml]``) with exactly tomli's outcome for every text.

rtoml parses evidence files about four times faster than tomli, but reads a few texts otherwise
(see :func:`loads`); this module sends those to tomli, so that the parser a user chooses can never
change a result or an error. tests/test_toml_parsers.py holds both parsers to that.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import re
from collections.abc import Callable
from typing import Any

import tomli


def available() -> bool:
    """Whether rtoml is installed."""
    return _rtoml_loads() is not None


@functools.cache
def _rtoml_loads() -> Callable[[str], Any] | None:
    """``rtoml.loads``, or None when the optional extra is not installed."""
    try:
        module = importlib.import_module("rtoml")
    except ImportError:
        return None
    loads: Callable[[str], Any] = module.loads
    return loads


#: Where an offset date-time may be: ``:MM``, maybe ``:SS`` and a fraction, then ``Z`` or ``+HH:MM``.
_MAYBE_OFFSET_DATETIME = re.compile(r":\d\d(?::\d\d)?(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)")

#: An inline table that may not close on its line: a ``{`` followed, before any ``}``, by a line
#: break, another ``{`` (nested tables), a comment, or a quote that does not start a one-line string
#: with no escape in it (such a string is skipped whole, with any ``}`` in it).
_MAYBE_MULTILINE_INLINE_TABLE = re.compile(
    r"\{(?:[^{}\n\"'#]|\"[^\"\\\n]*\"(?!\")|'[^'\n]*'(?!'))*+(?:[\n{\"'#]|$)"
)

#: A line break next to an ``=`` or a ``.`` (across blanks and a comment): any line break inside a
#: key/value pair has one (``a =<LF>1``, ``a<LF>= 1``, ``a.<LF>b = 1``, ``a<LF>.b = 1``).
_MAYBE_BROKEN_KEYVAL = (
    re.compile(r"=[ \t]*(?:#[^\n]*)?\n"),
    re.compile(r"\.[ \t]*(?:#[^\n]*)?\n"),
    re.compile(r"\n[ \t]*[=.]"),
)

#: A table header after a line break (and blanks): its brackets and its text up to the closing bracket.
_HEADER = re.compile(r"\n\s*(\[\[?)([^\]\n]*)")


def _breaks_inline_keyval(text: str) -> bool:
    """Whether a line break may be inside a key/value pair of an inline table (``{a =<LF>1}``).

    TOML 1.1 (and tomli) allows line breaks in an inline table only between its key/value pairs;
    rtoml allows them anywhere. Such a break needs an inline table that does not close on the line
    where it opens, and an ``=`` or a ``.`` next to a line break. Either test may be true of a text
    without such a break (a ``}`` inside a string, a comment ending in a full stop): that only
    costs a parse with tomli.
    """
    if "{" not in text or not _MAYBE_MULTILINE_INLINE_TABLE.search(text):
        return False
    return any(pattern.search(text) for pattern in _MAYBE_BROKEN_KEYVAL)


def _reordered_tables(text: str) -> bool:
    """Whether a table is declared (``[a]``) after a header below it (``[a.b]``, ``[[a.b]]``) made it.

    tomli keeps such a table where it was first made; rtoml moves it to where it is declared, so
    the keys come in another order (and rtoml accepts a dotted key into an array of tables there,
    ``[[a.b]]`` ``[a]`` ``b.c.d = 1``, which tomli rejects). A header with a quoted key counts too:
    its keys are not compared. So does a table made in an earlier element of an array of tables
    (``[[e]]`` ``[e.a.b]`` ``[[e]]`` ``[e.a]``): telling the elements apart would trust lines that
    only look like headers (in a multi-line string or array) to start one.
    """
    made: set[str] = set()  # the tables made by a header below them
    for brackets, inside in _HEADER.findall(text):
        if "\"" in inside or "'" in inside:
            return True
        path = inside.strip()
        if " " in path or "\t" in path:
            path = ".".join(part.strip() for part in path.split("."))
        if brackets == "[" and path in made:
            return True
        while "." in path:
            path = path.rpartition(".")[0]
            if path in made:
                break  # and so are the tables above it
            made.add(path)
    return False


def loads(text: str) -> dict[str, Any]:
    """Parse with rtoml, with exactly tomli's outcome for every text, by construction:

    * rtoml is only trusted to *accept* a text; whenever it rejects one (rtoml is stricter about
      floats that overflow to infinity, nests arrays and tables less deeply, and its messages
      differ), tomli parses the same text, giving tomli's located error or, where tomli accepts
      it, tomli's data;
    * the texts that rtoml would read otherwise than tomli never reach it: a leading byte-order mark
      (rtoml skips it, tomli rejects it), a line break inside a key/value pair of an inline table
      (rtoml allows it, tomli rejects it), a table declared after a header below it (rtoml moves
      the table to its declaration, tomli keeps it where it was first made: the same data, keys in
      another order), and a carriage return not followed by a line feed;
    * a CRLF line ending is read as LF before rtoml sees it, as tomli does everywhere: tomli reads
      CRLF inside a multi-line string as ``"\\n"``, rtoml keeps ``"\\r\\n"``;
    * rtoml's ``TzInfo`` offsets (not picklable, and named otherwise) become :class:`datetime.timezone`,
      as tomli gives.

    tests/test_toml_parsers.py checks both parsers on every TOML input of the repository and on
    generated, mutated and truncated documents.
    """
    rtoml_loads = _rtoml_loads()
    if rtoml_loads is None or text.startswith("\ufeff"):
        return tomli.loads(text)
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return tomli.loads(text)  # a lone CR: an error, located by tomli
        text_lf = text.replace("\r\n", "\n")
    else:
        text_lf = text
    if _breaks_inline_keyval(text_lf) or _reordered_tables("\n" + text_lf):
        return tomli.loads(text)
    try:
        data: dict[str, Any] = rtoml_loads(text_lf)
    except BaseException as exc:  # pyo3's PanicException is a BaseException
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        return tomli.loads(text)
    if _MAYBE_OFFSET_DATETIME.search(text_lf):
        _standard_offsets(data)
    return data


def _standard_offsets(value: object) -> object:
    """``value`` with the offset of every aware datetime in it a :class:`datetime.timezone`
    (containers are changed in place)."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _standard_offsets(item)
    elif isinstance(value, list):
        value[:] = [_standard_offsets(item) for item in value]
    elif isinstance(value, datetime.datetime) and value.tzinfo is not None:
        offset = value.utcoffset()
        assert offset is not None
        return value.replace(tzinfo=datetime.timezone(offset))
    return value
