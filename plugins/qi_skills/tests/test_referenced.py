"""A QI project names no competency (it maps itself onto the method areas): ``referenced()``, like
``references()``, is empty, however much the project records."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any


def test_a_qi_project_references_nothing(engine: Any, example: Path, as_of: datetime.date) -> None:
    projects = [item for item in engine.load_evidence(example, as_of=as_of).evidence if item.kind == "qi-project"]
    assert projects
    for project in projects:
        assert list(project.referenced()) == list(project.references()) == []
