"""The core evidence kinds as a plugin; the kinds are imported only when the hook runs."""

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
