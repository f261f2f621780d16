"""The core evidence kinds: rating, activity, reflection and attainment (a built-in plugin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from ..evidence import EvidenceItem


@hookimpl
def register_evidence_kinds(register: Callable[[type[EvidenceItem]], None]) -> None:
    """Register the four core kinds."""
    from .activity import Activity
    from .attainment import Attainment
    from .rating import Rating
    from .reflection import Reflection

    for kind in (Rating, Activity, Reflection, Attainment):
        register(kind)
