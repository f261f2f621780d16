"""What both evidence kinds share: naming a dimension, reading a level or an importance, and thresholds.

Dimensions are competencies of the healthcare-leadership-model framework, written bare
(``sharing-the-vision``) or qualified (``healthcare-leadership-model:sharing-the-vision``). A bare id in
these kinds always means the Healthcare Leadership Model, even when another framework has the same id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from competency import CheckContext, ConfigurationError, Problem, ScoringContext
from competency.structuring import describe

if TYPE_CHECKING:
    from competency import Framework, Scale

V = TypeVar("V")

#: The framework both kinds rate against.
FRAMEWORK = "healthcare-leadership-model"
#: A 360 answer for a dimension the rater could not judge.
NOT_OBSERVED = "not-observed"
#: A self-assessment below the scale's lowest level.
INSUFFICIENT = "insufficient"
#: Importance to the role: 1 (not important) .. 5 (essential to the role).
IMPORTANCE_MIN, IMPORTANCE_MAX = 1, 5
IMPORTANCE_WORDS = {1: "not important", 5: "essential to the role"}
#: Organisation-wide thresholds: ``COMPETENCY_360_THRESHOLDS="peer=4,other=5"`` (raise only).
THRESHOLDS_ENV = "COMPETENCY_360_THRESHOLDS"


def empty_mapping() -> Mapping[str, Any]:
    """A read-only empty mapping: the default of optional tables."""
    return MappingProxyType({})


def qualify(reference: str) -> str:
    """The qualified reference the engine checks: bare ids are dimensions of the model."""
    return reference if ":" in reference else f"{FRAMEWORK}:{reference}"


def dimension_id(reference: str) -> str:
    """The bare dimension id of a (valid) reference."""
    return reference.partition(":")[2] if ":" in reference else reference


def framework_of(context: CheckContext | ScoringContext) -> Framework | None:
    """The Healthcare Leadership Model, if it is in scope."""
    return context.resolver.frameworks.get(FRAMEWORK)


def dimensions(framework: Framework) -> tuple[str, ...]:
    """The dimension ids in the model's published order."""
    return tuple(c.id for c in framework.roots)


def level_names(scale: Scale) -> str:
    """``essential, proficient, strong, exemplary``."""
    return ", ".join(level.id for level in scale.levels)


def performance_rank(scale: Scale, value: object, *, extra: str) -> int | None:
    """The rank of a level written as its id or rank; ``extra`` (``not-observed`` or ``insufficient``) is None.

    Raises ValueError with the message shown to the user.
    """
    if value == extra:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= scale.top:
            return value
        raise ValueError(f"{value} is not on the scale {scale.describe_range()}")
    rank = scale.rank(value) if isinstance(value, str) else None
    if rank is None:
        raise ValueError(f"{describe(value)} is not a level (levels: {level_names(scale)}, or {extra})")
    return rank


def rank_reader(scale: Scale, *, extra: str) -> Callable[[object], int | None]:
    """:func:`performance_rank` on one scale, for reading many answers: a level id (or ``extra``) is read
    at once; anything else goes to :func:`performance_rank`, for its result or its error."""

    def read(value: object) -> int | None:
        if type(value) is str:
            if value == extra:  # as performance_rank: ``extra`` before the levels
                return None
            rank = scale.rank(value)
            if rank is not None:
                return rank
        return performance_rank(scale, value, extra=extra)

    return read


def importance_problem(value: int) -> str | None:
    """Why an importance is off its scale, or None."""
    if IMPORTANCE_MIN <= value <= IMPORTANCE_MAX:
        return None
    return (
        f"{value} is not an importance: use {IMPORTANCE_MIN} ({IMPORTANCE_WORDS[IMPORTANCE_MIN]}) "
        f"to {IMPORTANCE_MAX} ({IMPORTANCE_WORDS[IMPORTANCE_MAX]})"
    )


def resolve_keys(
    table: Mapping[str, V], path: str, context: CheckContext
) -> tuple[list[Problem], list[tuple[str, V]]]:
    """Check that every key of a table names a dimension of the model, once.

    Returns the problems and the usable entries as ``(key, value)`` (a key's path is ``{path}.{key}``).
    References that do not resolve are left out silently: the engine reports them, from :meth:`references`.
    """
    problems: list[Problem] = []
    entries: list[tuple[str, V]] = []
    seen: dict[str, str] = {}
    resolve = context.resolver.resolve
    for key, value in table.items():
        try:
            resolved = resolve(qualify(key))
        except ValueError:
            continue
        if resolved.framework.id != FRAMEWORK:
            problems.append(Problem(
                f"{describe(key)} is a competency of {resolved.framework.id}, not a dimension of the "
                f"Healthcare Leadership Model ({FRAMEWORK})",
                f"{path}.{key}",
            ))
            continue
        dimension = resolved.competency.id
        if dimension in seen:
            problems.append(Problem(f"names the same dimension as {describe(seen[dimension])}", f"{path}.{key}"))
            continue
        seen[dimension] = key
        entries.append((key, value))
    return problems, entries


def text_problems(texts: Mapping[str, str], path: str) -> Iterator[Problem]:
    """Comments must say something."""
    for key, text in texts.items():
        if not text.strip():
            yield Problem("must not be empty: write a comment or leave the key out", f"{path}.{key}")


def answer_problems(
    levels: Mapping[str, object],
    importance: Mapping[str, int],
    comments: Mapping[str, str],
    paths: tuple[str, str, str],
    *,
    extra: str,
    framework: Framework | None,
    context: CheckContext,
) -> Iterator[Problem]:
    """What is wrong with one person's answers (a 360 rater's, a self-assessment's): every key a
    dimension of the model named once, levels on the model's scale (or ``extra``), importances on
    their scale, comments that say something. ``paths`` locate the three tables."""
    levels_path, importance_path, comments_path = paths
    problems, entries = resolve_keys(levels, levels_path, context)
    yield from problems
    if framework is not None:
        read = rank_reader(framework.scale, extra=extra)
        for key, value in entries:
            try:
                read(value)
            except ValueError as exc:
                yield Problem(str(exc), f"{levels_path}.{key}")
    problems, importances = resolve_keys(importance, importance_path, context)
    yield from problems
    for key, rank in importances:
        message = importance_problem(rank)
        if message:
            yield Problem(message, f"{importance_path}.{key}")
    problems, _ = resolve_keys(comments, comments_path, context)
    yield from problems
    yield from text_problems(comments, comments_path)


# -- thresholds from the environment ------------------------------------------------------------------


def environment_thresholds(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """The per-group minimum rater counts an organisation sets in ``COMPETENCY_360_THRESHOLDS``.

    The value is ``group=count`` pairs separated by commas (``"peer=4,other=5"``); empty or unset gives
    none. Raises :class:`competency.ConfigurationError` naming what is wrong.
    """
    from .aggregate import ANONYMOUS_GROUPS, GROUPS, MIN_ANONYMOUS_THRESHOLD

    raw = (os.environ if environ is None else environ).get(THRESHOLDS_ENV, "")
    found: dict[str, int] = {}

    def fail(message: str) -> ConfigurationError:
        return ConfigurationError(f"the environment variable {THRESHOLDS_ENV}={describe(raw)} is invalid: {message}")

    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        group, equals, count = (s.strip() for s in part.partition("="))
        if not equals:
            raise fail(f"{describe(part)} is not group=count (for example peer=4)")
        if group not in GROUPS:
            raise fail(f"{describe(group)} is not a rater group (groups: {', '.join(GROUPS)})")
        if group in found:
            raise fail(f"{group} is given twice")
        if not count.isascii() or not count.isdigit():
            raise fail(f"{describe(count)} for {group} is not a whole number")
        value = int(count)
        floor = MIN_ANONYMOUS_THRESHOLD if group in ANONYMOUS_GROUPS else 1
        if value < floor:
            raise fail(threshold_floor_message(group, value, floor))
        found[group] = value
    return found


def threshold_floor_message(group: str, value: int, floor: int) -> str:
    """Why a threshold is too low."""
    if floor > 1:
        return f"{value} for {group} is below {floor}, the lowest threshold of an anonymous group (one rater is a person, not a group)"
    return f"{value} for {group} is below {floor}, the lowest threshold"
