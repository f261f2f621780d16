"""The built-in evidence checks as a plugin; modules are imported only when the hook runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from .base import EvidenceCheck


@hookimpl
def register_checks(register: Callable[[EvidenceCheck], None]) -> None:
    """Register the patient-identifier check."""
    from .privacy import PRIVACY_CHECK

    register(PRIVACY_CHECK)
