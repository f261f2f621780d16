"""Resolving competency references (``id`` or ``framework-id:id``) and levels written in evidence."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from .framework import QUALIFIER, Competency, Framework
from .structuring import describe


class UnresolvedReference(ValueError):
    """A reference or level that does not resolve; the message says why and suggests a fix."""


@attrs.frozen
class Resolved:
    """A resolved reference: the framework, the competency and the qualified id."""

    framework: Framework
    competency: Competency
    #: ``framework-id:competency-id`` (made once: scoring asks for it for every contribution).
    qualified: str = attrs.field(init=False)

    @qualified.default
    def _qualify(self) -> str:
        return self.framework.qualified(self.competency.id)


def _frozen(frameworks: Mapping[str, Framework]) -> Mapping[str, Framework]:
    return MappingProxyType(dict(frameworks))


@attrs.frozen
class Resolver:
    """Resolves references against the frameworks in scope, in registry order."""

    frameworks: Mapping[str, Framework] = attrs.field(converter=_frozen)
    _by_competency: Mapping[str, tuple[Framework, ...]] = attrs.field(init=False, repr=False, eq=False)
    # Evidence repeats the same references over and over; resolving is pure, so remember answers.
    _cache: dict[str, Resolved | UnresolvedReference] = attrs.field(init=False, repr=False, eq=False, factory=dict)
    # Resolvers over subsets of these frameworks, kept so that a file's scope reuses one resolver (and
    # its memory of references) across files; keyed by the frameworks in scope, so bounded.
    _scoped: dict[tuple[str, ...], Resolver] = attrs.field(init=False, repr=False, eq=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        index: dict[str, list[Framework]] = {}
        for framework in self.frameworks.values():
            for competency in framework.competencies:
                index.setdefault(competency.id, []).append(framework)
        object.__setattr__(self, "_by_competency", MappingProxyType({k: tuple(v) for k, v in index.items()}))

    @classmethod
    def of(cls, frameworks: Iterable[Framework]) -> Resolver:
        """A resolver over these frameworks."""
        return cls({f.id: f for f in frameworks})

    def restricted(self, framework_ids: Iterable[str]) -> Resolver:
        """A resolver over only the named frameworks (unknown names are the caller's to report).

        The same scope gives the same resolver, kept for the next file (up to 64 scopes), so that
        validation and scoring share its memory of references."""
        wanted = set(framework_ids)
        key = tuple(k for k in self.frameworks if k in wanted)
        resolver = self._scoped.get(key)
        if resolver is None:
            resolver = Resolver({k: self.frameworks[k] for k in key})
            if len(self._scoped) < 64:  # every subset of a handful of frameworks; never more
                self._scoped[key] = resolver
        return resolver

    def resolve(self, reference: str) -> Resolved:
        """Resolve a reference or raise :class:`UnresolvedReference` with a helpful message."""
        answer = self._cache.get(reference)
        if answer.__class__ is Resolved:  # the common case first: a known, resolvable reference
            return answer
        if answer is None:
            try:
                answer = self._resolve(reference)
            except UnresolvedReference as exc:
                answer = exc
            if len(self._cache) < 100_000:  # bounded: references come from untrusted files
                self._cache[reference] = answer
        if isinstance(answer, UnresolvedReference):
            raise UnresolvedReference(str(answer))
        return answer

    def _resolve(self, reference: str) -> Resolved:
        if QUALIFIER in reference:
            framework_id, _, competency_id = reference.partition(QUALIFIER)
            framework = self.frameworks.get(framework_id)
            if framework is None:
                raise UnresolvedReference(f"unknown framework {framework_id!r}{_suggest(framework_id, self.frameworks)}")
            competency = framework.competency(competency_id)
            if competency is None:
                known = [c.id for c in framework.competencies]
                raise UnresolvedReference(
                    f"unknown competency {competency_id!r} in framework {framework_id!r}{_suggest(competency_id, known)}"
                )
            return Resolved(framework, competency)
        candidates = self._by_competency.get(reference, ())
        if len(candidates) == 1:
            framework = candidates[0]
            return Resolved(framework, framework.competency(reference))  # type: ignore[arg-type]
        if candidates:
            options = " or ".join(f.qualified(reference) for f in candidates)
            raise UnresolvedReference(f"{reference!r} is in more than one framework: write {options}")
        if not self.frameworks:
            raise UnresolvedReference(f"unknown competency {reference!r}: no framework is available")
        raise UnresolvedReference(f"unknown competency {reference!r}{_suggest(reference, self._by_competency)}")

    def level_rank(self, framework: Framework, value: object) -> int:
        """The rank of a level written as its id or its rank; :class:`UnresolvedReference` if off the scale."""
        scale = framework.scale
        if isinstance(value, str):  # the usual case first
            rank = scale.rank(value)
            if rank is None:
                ids = [level.id for level in scale.levels]
                raise UnresolvedReference(f"{describe(value)} is not a level (levels: {', '.join(ids)})")
            return rank
        if isinstance(value, int) and not isinstance(value, bool):
            if 1 <= value <= scale.top:
                return value
            raise UnresolvedReference(f"{value} is not on the scale {scale.describe_range()}")
        raise UnresolvedReference(f"{describe(value)} is not a level: write a level id or its rank {scale.describe_range()}")


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
