"""The default scorer as a plugin; the scorer is imported only when the hook runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from . import Scorer


@hookimpl
def register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register the default scorer."""
    from .default import DEFAULT_SCORER

    register(DEFAULT_SCORER)
