"""Helpers the core kinds share: resolving claims and spreading credit over them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from ..errors import Problem
from ..evidence import CheckContext, DatedItem, ScoringContext
from ..references import Resolved, UnresolvedReference


def resolved_claims(references: Sequence[str], context: CheckContext | ScoringContext) -> Iterator[tuple[int, Resolved]]:
    """The references that resolve, with their index (unresolved ones are reported by the engine)."""
    for index, reference in enumerate(references):
        try:
            yield index, context.resolver.resolve(reference)
        except UnresolvedReference:
            continue


def require_claims(references: Sequence[str], field: str, context: CheckContext | None = None) -> Iterator[Problem]:
    """An item that evidences nothing is an error; so is claiming one competency twice (with a
    ``context``, also under two names: ``x`` and ``framework:x``)."""
    if not references:
        yield Problem("is empty: name at least one competency this evidences", field)
    seen: dict[str, str] = {}
    for index, reference in enumerate(references):
        key = reference
        if context is not None:
            try:
                key = context.resolver.resolve(reference).qualified
            except UnresolvedReference:
                pass  # reported by the engine's reference check
        if key in seen:
            first = seen[key]
            message = f"{reference!r} is listed twice" if first == reference else f"names the same competency as {first!r}"
            yield Problem(message, f"{field}[{index}]")
        seen.setdefault(key, reference)


def require_text(text: str, field: str) -> Iterator[Problem]:
    """Free text that must say something."""
    if not text.strip():
        yield Problem("must not be empty", field)


@attrs.frozen(kw_only=True)
class DatedClaims(DatedItem):
    """Base of kinds that carry one date and claim a list of competencies (reflection, attainment)."""

    #: Checked against the frameworks, never free text.
    competencies: tuple[str, ...]

    def references(self) -> Iterator[tuple[str, str]]:
        for index, reference in enumerate(self.competencies):
            yield f"competencies[{index}]", reference

    def referenced(self) -> tuple[str, ...]:
        return self.competencies
