"""CASE 1.1 (1EdTech Competencies and Academic Standards Exchange) import and export.

>>> imported = load_case("Ordering.json")            # a CASE 1.0 or 1.1 package
>>> framework = imported.framework                   # a competency Framework
>>> text = dumps_case(framework)                     # CASE 1.1 JSON, the same every time

The mapping between CASE and the framework model is documented in docs/case.md.
"""

from __future__ import annotations

import json
import math
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidInput, Problem
from ..framework import Framework
from ..framework_io import check_framework, dump_framework, framework_from_dict
from ..sources import MAX_BYTES_ENV, decode, read_bytes
from ._case_common import CASE_NAMESPACE, DEFAULT_LAST_CHANGE, DEFAULT_SCALE
from ._case_export import framework_to_package
from ._case_import import framework_data
from ._case_schema import check_package, is_uuid

__all__ = [
    "CASE_NAMESPACE",
    "DEFAULT_LAST_CHANGE",
    "CaseImport",
    "dumps_case",
    "framework_from_case",
    "framework_to_case",
    "imported_toml",
    "load_case",
    "loads_case",
]

#: The largest CASE package read, in bytes, unless ``COMPETENCY_MAX_FILE_BYTES`` says otherwise:
#: published frameworks run to several megabytes, far more than an evidence file.
DEFAULT_MAX_PACKAGE_BYTES = 64 * 1024 * 1024
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@attrs.frozen
class CaseImport:
    """An imported framework, the warnings about the package, and the CASE version it was read as."""

    framework: Framework
    warnings: tuple[Problem, ...] = ()
    case_version: str = "1.1"


def load_case(path: str | os.PathLike[str], *, framework_id: str | None = None) -> CaseImport:
    """Read a CASE package file (``-`` is standard input); :class:`InvalidInput` naming the file and
    the place (``CFItems[3].identifier``) for every problem."""
    source = str(path)
    return loads_case(_read(path), source, framework_id=framework_id)


def loads_case(text: str, source: str = "", *, framework_id: str | None = None) -> CaseImport:
    """Import a CASE package from JSON text."""
    return framework_from_case(_parse(text, source), source, framework_id=framework_id)


def framework_from_case(data: object, source: str = "", *, framework_id: str | None = None) -> CaseImport:
    """Import a parsed CASE package (1.0 or 1.1). ``framework_id`` overrides the framework id (by
    default the one kept in the package's ``competency`` extension, else a slug of the title)."""
    _check_text(data, source)
    checked = check_package(data)
    if not checked.ok:
        raise InvalidInput(checked.problems, source)
    fw_data, problems = framework_data(checked.package, framework_id)
    problems = [*checked.problems, *_not_rfc4122(checked.package), *problems]
    if any(p.severity == "error" for p in problems):
        raise InvalidInput(problems, source)
    try:
        framework = framework_from_dict(fw_data, source)
    except InvalidInput as exc:
        note = Problem("the framework made from this package is not valid (the problems below); please report it", "")
        raise InvalidInput([note, *exc.problems], source) from None
    # The framework's own warnings too (a package without a licence, say), worded as check-framework does.
    problems += [p for p in check_framework(framework) if p.severity != "error"]
    return CaseImport(framework, tuple(p.with_source(source) for p in problems), checked.version)


def framework_to_case(framework: Framework, *, base_uri: str | None = None, last_change: str | None = None) -> dict[str, Any]:
    """The framework as a CASE 1.1 package (JSON data). Identifiers are the ones kept from CASE, or
    UUIDv5 values derived from the framework and competency ids; ``base_uri`` (such as
    ``https://example.org/ims/case/v1p1``) gives new objects network URIs instead of ``urn:uuid:``
    ones; ``last_change`` is the lastChangeDateTime of records that keep none (default
    :data:`DEFAULT_LAST_CHANGE`)."""
    return framework_to_package(framework, base_uri=base_uri, last_change=last_change)


def dumps_case(framework: Framework, *, base_uri: str | None = None, last_change: str | None = None) -> str:
    """The framework as CASE 1.1 JSON text: two-space indents, UTF-8, a final newline."""
    package = framework_to_case(framework, base_uri=base_uri, last_change=last_change)
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def imported_toml(imported: CaseImport, source: str = "") -> str:
    """The framework file of an import: the TOML of :func:`dump_framework` under a comment that says
    where it came from."""
    framework = imported.framework
    lines = [f"# Imported from a CASE {imported.case_version} package{f' ({source})' if source else ''} by `competency import-framework`.",
             "# Fields CASE has and this format does not are kept in the `extra` tables, so that exporting it",
             "# again (`competency export-framework ID --format case`) loses nothing: see docs/case.md."]
    default = tuple(level for level, _, _ in DEFAULT_SCALE)
    if tuple(level.id for level in framework.scale.levels) == default and "CFRubrics" not in framework.extra:
        lines.append("# The package has no rubric: the scale is the default four-level scale of docs/case.md.")
    return "\n".join(lines) + "\n\n" + dump_framework(framework)


def _not_rfc4122(package: Mapping[str, Any]) -> list[Problem]:
    """A note when identifiers are hexadecimal UUIDs of no RFC 4122 variant (00000000-0000-0000-0000-
    000000000001, say): valid for the official schema, and kept, but stricter tools may refuse them."""
    found: dict[str, None] = {}

    def visit(value: object) -> None:
        if isinstance(value, Mapping):
            identifier = value.get("identifier")
            if is_uuid(identifier) and uuid.UUID(str(identifier)).variant != uuid.RFC_4122:
                found.setdefault(str(identifier), None)
            for item in value.values():
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)

    visit(package)
    if not found:
        return []
    first = next(iter(found))
    message = (f"{len(found)} identifiers (such as {first}) are UUIDs of no RFC 4122 variant: the official CASE 1.1 schema "
               "accepts them and they are kept, but stricter tools (OpenSALT's copy of the schema) may refuse them")
    return [Problem(message, "", severity="warning")]


def _read(path: str | os.PathLike[str]) -> str:
    raw_limit = os.environ.get(MAX_BYTES_ENV, "")
    limit = int(raw_limit) if raw_limit.isdigit() and int(raw_limit) > 0 else DEFAULT_MAX_PACKAGE_BYTES
    return decode(read_bytes(Path(path), limit), str(path))


def _parse(text: str, source: str) -> object:
    if not text.strip():
        raise InvalidInput([Problem("is empty, not a CASE package")], source)

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise ValueError(f"the number {literal} is too large")
        return value

    try:
        return json.loads(text, parse_constant=constant, parse_float=number)
    except json.JSONDecodeError as exc:
        message = f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise InvalidInput([Problem(message)], source) from None
    except (ValueError, RecursionError) as exc:
        message = f"is not valid JSON: {exc}" if isinstance(exc, ValueError) else "is not valid JSON: nested too deeply"
        raise InvalidInput([Problem(message)], source) from None


def _check_text(data: object, source: str) -> None:
    """Strings that are not Unicode text (lone surrogates, which JSON's \\u escapes can make) cannot
    be written to a framework file: find them all."""
    problems: list[Problem] = []

    def visit(value: object, path: str) -> None:
        if isinstance(value, str):
            if _SURROGATE.search(value):
                problems.append(Problem("contains a lone surrogate (a broken \\u escape), not Unicode text", path))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and _SURROGATE.search(key):
                    problems.append(Problem("this key contains a lone surrogate, not Unicode text", where))
                visit(item, where)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f"{path}[{index}]")

    visit(data, "")
    if problems:
        raise InvalidInput(problems, source)
