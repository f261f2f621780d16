"""Exporters render documents (score reports, ...) as text, JSON and other formats.

Built-in exporters register through the same hook as a plugin's.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs


class UnsupportedDocument(TypeError):
    """An exporter was asked to render a kind of document it does not know."""


@attrs.frozen
class Exporter:
    """A named output format. ``render`` returns the whole output as text."""

    name: str
    description: str
    suffix: str
    render: Callable[[object], str]
    #: True for formats meant for machines (they never carry terminal decoration).
    machine_readable: bool = False
