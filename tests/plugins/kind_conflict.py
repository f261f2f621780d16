"""A sample plugin that registers an evidence kind named like a built-in one (``rating``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import attrs

from competency import EvidenceItem, hookimpl


@attrs.frozen(kw_only=True)
class AnotherRating(EvidenceItem):
    """Not the core rating."""

    kind: ClassVar[str] = "rating"


@hookimpl
def register_evidence_kinds(register: Callable[[type[EvidenceItem]], None]) -> None:
    register(AnotherRating)
