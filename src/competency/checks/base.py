"""Extra evidence checks: run after validation over a whole evidence file (a plugin hook)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from ..errors import Problem
from ..evidence import CheckContext, EvidenceFile

#: The attrs field metadata key by which a kind declares that a field holds no free text, so that
#: the patient-identifier check does not look at it: ``attrs.field(metadata={FREE_TEXT: False})``.
#: Only for fields whose every value the engine checks against the frameworks (competency
#: references, level ids): anything else written there is an error already, which names it.
FREE_TEXT = "free_text"


@attrs.frozen
class EvidenceCheck:
    """A named check over a whole evidence file; ``run`` yields problems with document paths."""

    name: str
    description: str
    run: Callable[[EvidenceFile, CheckContext], Iterable[Problem]]
