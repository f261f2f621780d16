"""A sample plugin that ships a framework with the same id as framework_a's."""

from __future__ import annotations

from collections.abc import Callable

from competency import Framework, hookimpl


@hookimpl
def register_frameworks(register: Callable[[Framework], None]) -> None:
    from competency import framework_from_dict

    register(
        framework_from_dict(
            {
                "id": "shared-id",
                "version": "2",
                "title": "Framework from plugin B",
                "publisher": "tests",
                "source": "made up for the tests",
                "scale": {"proficient": "a", "levels": [{"id": "a", "label": "A"}]},
                "competencies": [{"id": "other-skill", "title": "Another skill"}],
            }
        )
    )
