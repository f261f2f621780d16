"""Reading, checking and writing framework files (TOML, documented in docs/framework-format.md)."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import cattrs
import tomli_w

from .errors import InvalidInput, Problem
from .framework import QUALIFIER, Framework
from .sources import read_toml
from .structuring import make_converter, structure

FRAMEWORK_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ROLLUP_RULES = ("mean-all-proficient",)

_converter = make_converter()


def framework_from_dict(data: Mapping[str, Any], source: str = "") -> Framework:
    """Build a framework from parsed data; raise :class:`InvalidInput` with every problem found."""
    framework = structure(_converter, data, Framework)
    problems = check_framework(framework)
    if any(p.severity == "error" for p in problems):
        raise InvalidInput(problems, source)
    return framework


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Load and check a framework file; raise :class:`InvalidInput` naming the file and the place."""
    source = str(path)
    data = read_toml(Path(path))
    try:
        return framework_from_dict(data, source)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, source) from None


def framework_to_dict(framework: Framework) -> dict[str, Any]:
    """The framework as plain data in file layout, leaving out fields that hold their default."""
    data: dict[str, Any] = _unstructurer.unstructure(framework)
    return data


def dump_framework(framework: Framework) -> str:
    """The framework as TOML text that :func:`load_framework` reads back to an equal framework."""
    data = framework_to_dict(framework)
    # tomli-w writes a CRLF inside a multi-line string as a bare newline, which reads back as LF:
    # keep such text in escaped one-line strings so that the round trip is exact.
    return tomli_w.dumps(data, multiline_strings=not _has_crlf(data))


def _has_crlf(value: object) -> bool:
    if isinstance(value, str):
        return "\r\n" in value
    if isinstance(value, dict):
        return any(_has_crlf(k) or _has_crlf(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_crlf(v) for v in value)
    return False


def _make_unstructurer() -> cattrs.Converter:
    # omit_if_default keeps dumped files as short as hand-written ones.
    converter = cattrs.Converter(omit_if_default=True)
    converter.register_unstructure_hook(Mapping, dict)
    return converter


_unstructurer = _make_unstructurer()


def check_framework(framework: Framework) -> list[Problem]:
    """Every problem of a framework: duplicate ids, dangling references, an empty scale, ..."""
    return [*_check_header(framework), *_check_scale(framework), *_check_tree(framework), *_check_roles(framework)]


def _check_header(fw: Framework) -> Iterator[Problem]:
    if not FRAMEWORK_ID.match(fw.id):
        yield Problem(f"{fw.id!r} is not a valid framework id (lower-case letters, digits, '-' and '.')", "id")
    for field in ("title", "version", "publisher", "source"):
        if not getattr(fw, field).strip():
            yield Problem("must not be empty" + (": cite what the content follows" if field == "source" else ""), field)
    if not fw.licence.strip():
        yield Problem("no licence note: say under what terms the file and its source may be used", "licence", severity="warning")
    if fw.rollup not in ROLLUP_RULES:
        yield Problem(f"{fw.rollup!r} is not a roll-up rule (known: {', '.join(ROLLUP_RULES)})", "rollup")


def _check_scale(fw: Framework) -> Iterator[Problem]:
    levels = fw.scale.levels
    if not levels:
        yield Problem("the scale has no levels", "scale.levels")
        return
    yield from _duplicates([level.id for level in levels], "scale.levels", "level id")
    for index, level in enumerate(levels):
        if not ITEM_ID.match(level.id):
            yield Problem(f"{level.id!r} is not a valid level id", f"scale.levels[{index}].id")
        if not level.label.strip():
            yield Problem("must not be empty", f"scale.levels[{index}].label")
    if fw.scale.rank(fw.scale.proficient) is None:
        yield Problem(f"{fw.scale.proficient!r} is not a level of the scale", "scale.proficient")


def _check_tree(fw: Framework) -> Iterator[Problem]:
    ids = {c.id for c in fw.competencies}
    yield from _duplicates([c.id for c in fw.competencies], "competencies", "competency id")
    if not fw.competencies:
        yield Problem("the framework has no competencies", "competencies")
    for index, comp in enumerate(fw.competencies):
        where = f"competencies[{index}]"
        if not ITEM_ID.match(comp.id):
            yield Problem(f"{comp.id!r} is not a valid competency id (letters, digits, '.', '_', '-')", f"{where}.id")
        if not comp.title.strip():
            yield Problem("must not be empty", f"{where}.title")
        if comp.parent is not None and comp.parent not in ids:
            yield Problem(f"parent {comp.parent!r} is not a competency of this framework", f"{where}.parent")
        for level_id in comp.descriptors:
            if fw.scale.rank(level_id) is None:
                yield Problem(f"{level_id!r} is not a level of the scale", f"{where}.descriptors.{level_id}")
        for link_index, link in enumerate(comp.links):
            local = QUALIFIER not in link.target
            if local and link.target not in ids:
                yield Problem(f"link target {link.target!r} is not a competency of this framework", f"{where}.links[{link_index}].target")
    yield from _cycles(fw)
    for index, group in enumerate(fw.cross_cutting):
        yield from _duplicates([q.id for q in group.items], f"cross_cutting[{index}].items", "item id")
    yield from _duplicates([g.id for g in fw.cross_cutting], "cross_cutting", "group id")


def _cycles(fw: Framework) -> Iterator[Problem]:
    parent_of = {c.id: c.parent for c in fw.competencies}
    reported: set[str] = set()
    for index, comp in enumerate(fw.competencies):
        seen = {comp.id}
        node = comp.parent
        while node is not None and node in parent_of:
            if node in seen:
                if comp.id not in reported:
                    reported |= seen
                    yield Problem(f"{comp.id!r} is its own ancestor (a cycle of parents)", f"competencies[{index}].parent")
                break
            seen.add(node)
            node = parent_of[node]


def _check_roles(fw: Framework) -> Iterator[Problem]:
    yield from _duplicates([r.id for r in fw.roles], "roles", "role id")
    for index, role in enumerate(fw.roles):
        where = f"roles[{index}]"
        if not ITEM_ID.match(role.id):
            yield Problem(f"{role.id!r} is not a valid role id", f"{where}.id")
        if not role.targets:
            yield Problem("the role profile sets no targets", f"{where}.targets", severity="warning")
        for comp_id, level_id in role.targets.items():
            if fw.competency(comp_id) is None:
                yield Problem(f"{comp_id!r} is not a competency of this framework", f"{where}.targets.{comp_id}")
            if fw.scale.rank(level_id) is None:
                yield Problem(
                    f"target {level_id!r} is not on the scale {fw.scale.describe_range()}",
                    f"{where}.targets.{comp_id}",
                )


def _duplicates(ids: list[str], where: str, what: str) -> Iterator[Problem]:
    counts = Counter(ids)
    for index, value in enumerate(ids):
        if counts[value] > 1 and ids.index(value) != index:
            yield Problem(f"duplicate {what} {value!r} (first at {where}[{ids.index(value)}])", f"{where}[{index}]")
