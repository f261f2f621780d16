"""Reading untrusted input files: size limit, UTF-8, TOML syntax, each failure a clean message."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli

from . import rtoml_compat
from .errors import ConfigurationError, InvalidInput, Problem

#: The largest input file read, in bytes (documented in docs/evidence-format.md). A 360 with fifty
#: raters and long comments is well under 1 MiB; anything larger is more likely a mistake or an attack.
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
MAX_BYTES_ENV = "COMPETENCY_MAX_FILE_BYTES"


def max_file_bytes() -> int:
    """The size limit in force: ``COMPETENCY_MAX_FILE_BYTES`` if set to a positive integer."""
    raw = os.environ.get(MAX_BYTES_ENV, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BYTES


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The UTF-8 text of a file; :class:`InvalidInput` for a missing path, a folder, junk or excess."""
    limit = max_file_bytes() if max_bytes is None else max_bytes
    return decode(read_bytes(path, limit), str(path))


def read_bytes(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a file (``-`` is standard input); :class:`InvalidInput` for a
    missing path, a folder, an unreadable file or one larger than the limit."""
    source = str(path)
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(limit + 1)
        else:
            with path.open("rb") as handle:
                raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise InvalidInput([Problem("no such file")], source) from None
    except (IsADirectoryError, PermissionError) as exc:
        # Asked only on failure (one system call less per file): Windows reports a folder as denied.
        what = "is a directory, not a file" if isinstance(exc, IsADirectoryError) or path.is_dir() else "permission denied"
        raise InvalidInput([Problem(what)], source) from None
    except OSError as exc:
        raise InvalidInput([Problem(f"cannot be read ({exc.strerror or exc})")], source) from None
    if len(raw) > limit:
        raise InvalidInput([Problem(f"is larger than the limit of {limit} bytes (set {MAX_BYTES_ENV} to change it)")], source)
    return raw


def decode(raw: bytes, source: str = "") -> str:
    """Decode UTF-8 (a leading byte-order mark is allowed), locating the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InvalidInput(
            [Problem(f"is not UTF-8 text (bad byte 0x{raw[exc.start]:02x} at line {line}, byte offset {exc.start})")],
            source,
        ) from None
    if "\x00" in text:
        raise InvalidInput([Problem("is a binary file, not text (it contains NUL bytes)")], source)
    return text


#: The setting that chooses the TOML parser (documented in docs/evidence-format.md).
TOML_PARSER_ENV = "COMPETENCY_TOML_PARSER"
#: The TOML parsers: tomli (a dependency, the default) and rtoml (the optional extra ``competency[rtoml]``).
TOML_PARSERS = ("tomli", "rtoml")
DEFAULT_TOML_PARSER = "tomli"


def toml_parser(env: Mapping[str, str] | None = None) -> str:
    """The TOML parser that ``COMPETENCY_TOML_PARSER`` in ``env`` (default: the environment) names,
    tomli if it is unset or empty; :class:`ConfigurationError` for an unknown name, or for rtoml
    when the optional extra is not installed."""
    raw = (os.environ if env is None else env).get(TOML_PARSER_ENV, "").strip()
    return check_toml_parser(raw or DEFAULT_TOML_PARSER)


def check_toml_parser(parser: str) -> str:
    """``parser`` if it is a TOML parser that can be used here, else :class:`ConfigurationError`."""
    if parser not in TOML_PARSERS:
        raise ConfigurationError(
            f"unknown TOML parser {parser!r} (set {TOML_PARSER_ENV} to one of: {', '.join(TOML_PARSERS)})"
        )
    if parser == "rtoml" and not rtoml_compat.available():
        raise ConfigurationError(f"{TOML_PARSER_ENV}=rtoml needs the optional extra: pip install 'competency[rtoml]'")
    return parser


def parse_toml(text: str, source: str = "", parser: str = DEFAULT_TOML_PARSER) -> dict[str, Any]:
    """Parse TOML text; an empty document or a syntax error is :class:`InvalidInput` with line and column.

    ``parser`` is ``"tomli"`` (the default) or ``"rtoml"`` (see :func:`toml_parser`); both give the
    same data, of the same types, and the same errors for every text (see :mod:`competency.rtoml_compat`).
    """
    loads = rtoml_compat.loads if check_toml_parser(parser) == "rtoml" else tomli.loads
    if not text.strip():
        raise InvalidInput([Problem("is empty")], source)
    try:
        return loads(text)
    except tomli.TOMLDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InvalidInput([Problem(f"TOML syntax error at {where}: {exc.msg}")], source) from None
    except RecursionError as exc:  # tomli's own limits on nesting: hostile input, not a crash
        raise InvalidInput([Problem(f"TOML is nested too deeply ({exc})")], source) from None


def read_toml(path: Path, max_bytes: int | None = None) -> dict[str, Any]:
    """Read, decode and parse a TOML file, every failure a located :class:`InvalidInput`."""
    return parse_toml(read_text(path, max_bytes), str(path))
