"""A sample plugin that ships the framework ``shared-id``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from competency import Framework, hookimpl


def framework_data(title: str) -> dict[str, Any]:
    return {
        "id": "shared-id",
        "version": "1",
        "title": title,
        "publisher": "tests",
        "source": "made up for the tests",
        "licence": "CC0",
        "scale": {"proficient": "yes", "levels": [{"id": "no", "label": "No"}, {"id": "yes", "label": "Yes"}]},
        "competencies": [{"id": "plugin-skill", "title": "A skill from a plugin"}],
        "roles": [{"id": "gp", "title": "GP", "targets": {"plugin-skill": "yes"}}],
    }


@hookimpl
def register_frameworks(register: Callable[[Framework], None]) -> None:
    from competency import framework_from_dict

    register(framework_from_dict(framework_data("Framework from plugin A")))
