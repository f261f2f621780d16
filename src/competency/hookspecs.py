"""The plugin contract: one hook per kind of contribution (documented in docs/plugins.md).

Every hook receives a ``register`` callback instead of returning values, so that the engine owns the
registry: it records which plugin gave what, refuses two plugins that give the same id, and keeps
working when one plugin fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from .catalogue import Catalogue
    from .checks.base import EvidenceCheck
    from .evidence import EvidenceItem
    from .exporters.base import Exporter
    from .framework import Framework
    from .scoring import Scorer

hookspec = pluggy.HookspecMarker("competency")
hookimpl = pluggy.HookimplMarker("competency")


@hookspec
def register_frameworks(register: Callable[[Framework], None]) -> None:
    """Register frameworks: call ``register(framework)`` for each :class:`~competency.Framework`."""


@hookspec
def register_evidence_kinds(register: Callable[[type[EvidenceItem]], None]) -> None:
    """Register evidence kinds: call ``register(cls)`` for each :class:`~competency.EvidenceItem` subclass."""


@hookspec
def register_scorers(register: Callable[[Scorer], None]) -> None:
    """Register scorers: call ``register(scorer)`` for each object with ``name`` and ``score()``."""


@hookspec
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register exporters: call ``register(exporter)`` for each :class:`~competency.Exporter`."""


@hookspec
def register_checks(register: Callable[[EvidenceCheck], None]) -> None:
    """Register extra evidence checks: call ``register(check)`` for each :class:`~competency.EvidenceCheck`."""


@hookspec
def register_catalogues(register: Callable[[Catalogue], None]) -> None:
    """Register learning catalogues: call ``register(catalogue)`` for each :class:`~competency.Catalogue`."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``competency`` command-line interface with ``cli.add_command(...)``."""


__all__ = [
    "hookimpl",
    "hookspec",
    "register_catalogues",
    "register_checks",
    "register_commands",
    "register_evidence_kinds",
    "register_exporters",
    "register_frameworks",
    "register_scorers",
]
