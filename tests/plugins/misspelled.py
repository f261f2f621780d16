"""A sample plugin with a misspelled hook implementation (``register_framework``, not ``..._frameworks``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from competency import hookimpl

CALLED: list[str] = []


@hookimpl
def register_framework(register: Callable[[Any], None]) -> None:
    CALLED.append("register_framework")


@hookimpl
def register_exporters(register: Callable[[Any], None]) -> None:
    # Runs only if the plugin stays registered: a plugin with a bad hook is dropped entirely.
    CALLED.append("register_exporters")
