"""Extra evidence checks: run after validation over a whole evidence file (a plugin hook)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from ..errors import Problem
from ..evidence import CheckContext, EvidenceFile

@attrs.frozen
class EvidenceCheck:
    """A named check over a whole evidence file; ``run`` yields problems with document paths."""

    name: str
    description: str
    run: Callable[[EvidenceFile, CheckContext], Iterable[Problem]]
