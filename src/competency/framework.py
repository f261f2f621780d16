"""The framework model: a scale, a tree of competencies and role profiles.

Frameworks are immutable values (attrs frozen classes, tuples and read-only mappings), so a framework
shared between threads, plugins and scorecards cannot change behind anyone's back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

#: Separates the framework id from the competency id in a qualified reference.
QUALIFIER = ":"


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


#: ``extra`` holds metadata kept from an interchange format (a CASE package's fields that have no
#: place in the model) so that import, export, import loses nothing. The engine never reads it.
def _extra() -> Any:
    return attrs.field(factory=dict, converter=_frozen_mapping)


@attrs.frozen
class Level:
    """One level of a scale. Its rank is its position on the scale, counting from 1."""

    id: str
    label: str
    description: str = ""
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Scale:
    """An ordered list of levels, lowest first; ``proficient`` is the id of the proficient level."""

    levels: tuple[Level, ...]
    proficient: str
    # Rank by level id (the first level of an id that is repeated, which a lint reports), made once:
    # every judgement written as a level id is looked up.
    _ranks: Mapping[str, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        ranks: dict[str, int] = {}
        for index, level in enumerate(self.levels, start=1):
            ranks.setdefault(level.id, index)
        object.__setattr__(self, "_ranks", MappingProxyType(ranks))

    def rank(self, level_id: str) -> int | None:
        """The 1-based rank of a level id, or None if the scale has no such level."""
        return self._ranks.get(level_id)

    def level(self, rank: int) -> Level:
        """The level at a 1-based rank."""
        return self.levels[rank - 1]

    @property
    def top(self) -> int:
        """The rank of the highest level."""
        return len(self.levels)

    @property
    def proficient_rank(self) -> int:
        """The rank of the proficient level (the lowest level if the id is unknown)."""
        return self.rank(self.proficient) or 1

    def describe_range(self) -> str:
        """``1-4 (emerging .. leading)``: how error messages show what is allowed."""
        if not self.levels:
            return "empty"
        return f"1-{self.top} ({self.levels[0].id} .. {self.levels[-1].id})"


@attrs.frozen
class Link:
    """A typed link from a competency to another (kept from CASE associations other than isChildOf)."""

    type: str
    target: str
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class Competency:
    """A node of the competency tree: a domain, a competency, an indicator or a behaviour statement."""

    id: str
    title: str
    description: str = ""
    kind: str = ""
    parent: str | None = None
    code: str | None = None
    identifier: str | None = None
    descriptors: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    links: tuple[Link, ...] = ()
    extra: Mapping[str, Any] = _extra()


@attrs.frozen
class RoleProfile:
    """The target level of each competency for one role: ``targets`` maps competency id to level id."""

    id: str
    title: str
    description: str = ""
    targets: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)


@attrs.frozen
class Quality:
    """One item of a cross-cutting group (a personal quality, say)."""

    id: str
    title: str
    description: str = ""


@attrs.frozen
class CrossCuttingGroup:
    """Qualities that run through every competency without being scored as competencies."""

    id: str
    title: str
    description: str = ""
    items: tuple[Quality, ...] = ()


@attrs.frozen
class Framework:
    """A competency framework: what is assessed, on which scale, and what each role should reach."""

    id: str
    version: str
    title: str
    publisher: str
    source: str
    scale: Scale
    competencies: tuple[Competency, ...]
    licence: str = ""
    description: str = ""
    rollup: str = "mean-all-proficient"
    roles: tuple[RoleProfile, ...] = ()
    cross_cutting: tuple[CrossCuttingGroup, ...] = ()
    identifier: str | None = None
    extra: Mapping[str, Any] = _extra()
    _index: Mapping[str, Competency] = attrs.field(init=False, repr=False, eq=False)
    _children: Mapping[str | None, tuple[Competency, ...]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Derived look-ups, computed once; object.__setattr__ because the class is frozen.
        children: dict[str | None, list[Competency]] = {}
        for competency in self.competencies:
            children.setdefault(competency.parent, []).append(competency)
        object.__setattr__(self, "_index", MappingProxyType({c.id: c for c in self.competencies}))
        object.__setattr__(
            self, "_children", MappingProxyType({k: tuple(v) for k, v in children.items()})
        )

    def competency(self, competency_id: str) -> Competency | None:
        """The competency with this (unqualified) id, or None."""
        return self._index.get(competency_id)

    def children(self, competency_id: str | None) -> tuple[Competency, ...]:
        """The direct children of a competency in document order; ``None`` gives the roots."""
        return self._children.get(competency_id, ())

    @property
    def roots(self) -> tuple[Competency, ...]:
        """The top-level competencies."""
        return self.children(None)

    def walk(self) -> Iterator[tuple[Competency, int]]:
        """Every competency in tree order (parents before children) with its depth (roots are 0)."""

        def visit(node: Competency, depth: int, seen: frozenset[str]) -> Iterator[tuple[Competency, int]]:
            yield node, depth
            for child in self.children(node.id):
                if child.id not in seen:  # a cycle is a lint error; never loop on one
                    yield from visit(child, depth + 1, seen | {child.id})

        for root in self.roots:
            yield from visit(root, 0, frozenset({root.id}))

    def role(self, role_id: str) -> RoleProfile | None:
        """The role profile with this id, or None."""
        return next((r for r in self.roles if r.id == role_id), None)

    def qualified(self, competency_id: str) -> str:
        """``framework-id:competency-id``: the id that is unique across frameworks."""
        return f"{self.id}{QUALIFIER}{competency_id}"
