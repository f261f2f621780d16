"""Errors the engine reports to its users, and the CLI's exit codes.

Every problem with user input is a :class:`Problem` that names the file and the place inside it,
so that a person can find and mend it without reading a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

#: Exit codes of the ``competency`` command (documented in README.md).
EXIT_OK = 0
EXIT_INVALID_INPUT = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3


@attrs.frozen
class Problem:
    """One thing wrong with an input: where it is and what is wrong.

    ``path`` is the place inside the document (``evidence[3].ratings.leading-with-care``), empty for
    the document as a whole. ``severity`` is ``"error"`` or ``"warning"``: only errors make an input
    invalid.
    """

    message: str
    path: str = ""
    source: str = ""
    severity: str = "error"

    def with_source(self, source: str) -> Problem:
        """The same problem, attributed to ``source`` (a file name) if it has none yet."""
        return self if self.source else attrs.evolve(self, source=source)

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.path) if p]
        prefix = ": ".join(parts)
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{prefix}: {label}{self.message}" if prefix else f"{label}{self.message}"


class CompetencyError(Exception):
    """Base class of every error the engine raises on purpose."""


class InvalidInput(CompetencyError):
    """An input (evidence or framework) failed validation; ``problems`` lists every error found."""

    def __init__(self, problems: Sequence[Problem], source: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(p.with_source(source) if source else p for p in problems)
        self.source = source
        super().__init__("\n".join(str(p) for p in self.errors) or "invalid input")

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems of severity ``error``."""
        return tuple(p for p in self.problems if p.severity == "error")


class ConfigurationError(CompetencyError):
    """The engine's set-up is wrong: conflicting plugins, an unknown framework or scorer, ..."""


class PluginConflict(ConfigurationError):
    """Two plugins registered the same id for the same kind of contribution."""


def raise_if_errors(problems: Iterable[Problem], source: str = "") -> None:
    """Raise :class:`InvalidInput` if any of ``problems`` is an error."""
    collected = list(problems)
    if any(p.severity == "error" for p in collected):
        raise InvalidInput(collected, source)
