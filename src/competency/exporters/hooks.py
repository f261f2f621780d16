"""The built-in exporters as a plugin; modules are imported only when the hook runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..hookspecs import hookimpl

if TYPE_CHECKING:
    from .base import Exporter


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register the ``json``, ``text``, ``csv``, ``markdown`` and ``html`` exporters."""
    from .csv_exporter import CSV_EXPORTER
    from .html_exporter import HTML_EXPORTER
    from .json_exporter import JSON_EXPORTER
    from .markdown_exporter import MARKDOWN_EXPORTER
    from .text_exporter import TEXT_EXPORTER

    register(JSON_EXPORTER)
    register(TEXT_EXPORTER)
    register(CSV_EXPORTER)
    register(MARKDOWN_EXPORTER)
    register(HTML_EXPORTER)
