"""Learning catalogues: the development offers a hub can point people to (docs/catalogue-format.md).

A catalogue is data, kept in TOML like a framework: who publishes it, where its facts come from, and
its offers. Each offer is one of the ways to develop that evidence files know as activity types
(a course, mentoring, an action learning set, a secondment, ...), with the competencies it develops in
any framework (``framework-id:competency-id``) and the levels it suits in each.

Reading a catalogue happens in two steps, as for evidence:

* :func:`load_catalogue` / :func:`catalogue_from_dict` check the file on its own: keys, types, ids,
  numbers. Every problem is located (``offers[3].kind: "webinar" is not one of: ...``).
* :func:`check_catalogue` checks it against the frameworks available: an unknown competency of a known
  framework is an error (``offers[3].develops[1]: unknown competency ...``); a framework that is not
  available at all (its plugin is not installed) is a warning, and :func:`restrict_catalogue` drops
  what refers to it, so one catalogue can serve installations with and without the plugins.

Catalogues are found like frameworks (:func:`load_catalogues`): plugins register them through the
``register_catalogues`` hook; files come from ``[tool.competency] catalogues`` in pyproject.toml,
``COMPETENCY_CATALOGUES_PATH`` and the files a command is given.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs
from cattrs.errors import AttributeValidationNote, ClassValidationError, ForbiddenExtraKeysError

from .errors import InvalidInput, PluginConflict, Problem
from .framework import QUALIFIER, Framework
from .framework_io import FRAMEWORK_ID, ITEM_ID
from .kinds.activity import ActivityType
from .references import Resolver, UnresolvedReference
from .search_path import search_dirs
from .sources import read_toml
from .structuring import InvalidValue, describe, make_converter, structure

if TYPE_CHECKING:
    from .engine import Engine

#: How an offer is delivered. ``workplace`` is learning done in the job itself (a QI project, a
#: secondment, a leadership project); ``self-directed`` is learning on one's own (reading, e-learning
#: at one's own pace).
OfferFormat = Literal["face-to-face", "online", "blended", "self-directed", "workplace"]

#: The search path for catalogue files, like ``COMPETENCY_FRAMEWORKS_PATH`` for frameworks.
CATALOGUES_PATH_ENV = "COMPETENCY_CATALOGUES_PATH"
#: The pyproject.toml key (under ``[tool.competency]``) naming catalogue directories.
PYPROJECT_KEY = "catalogues"


@attrs.frozen
class LevelRange:
    """The levels of one framework's scale an offer suits, lowest and highest (level ids, inclusive).

    In files it is written ``{ from = "developing", to = "established" }``.
    """

    low: str
    high: str


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return value if isinstance(value, MappingProxyType) else MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Offer:
    """One development offer: a course, a programme, a way of learning at work."""

    #: Unique within its catalogue.
    id: str
    #: One of the activity types of evidence files (docs/evidence-format.md).
    kind: ActivityType
    title: str
    provider: str
    #: The competencies it develops, each ``framework-id:competency-id``.
    develops: tuple[str, ...]
    format: OfferFormat | None = None
    #: Learning hours, where known.
    hours: float | None = None
    #: How long it runs, in words ("nine months"), where known.
    duration: str | None = None
    #: Cost to the learner or their employer in pounds sterling; 0 is free; None is not known.
    cost: float | None = None
    #: The levels it suits, per framework id; a framework not named here: every level.
    suits: Mapping[str, LevelRange] = attrs.field(factory=dict, converter=_frozen_mapping)
    #: Who it is for, in words.
    audience: str | None = None
    description: str | None = None
    url: str | None = None
    #: Where the facts about this offer come from (a citation).
    source: str | None = None
    #: Anything a reader must know: availability, what a figure covers, what could not be verified.
    notes: str | None = None
    #: Other names it goes by in evidence files (see docs/planning.md, "Already done").
    aliases: tuple[str, ...] = ()
    #: The role profiles (ids such as ``gp``) it is open to; empty: every role.
    roles: tuple[str, ...] = ()

    def frameworks(self) -> tuple[str, ...]:
        """The framework ids its ``develops`` entries name, in order of first appearance."""
        return tuple(dict.fromkeys(ref.partition(QUALIFIER)[0] for ref in self.develops))


@attrs.frozen(kw_only=True)
class Catalogue:
    """A learning catalogue: a publisher's development offers, with where their facts come from."""

    id: str
    title: str
    publisher: str
    #: The source of the catalogue as a whole (a citation).
    source: str
    offers: tuple[Offer, ...]
    version: str = ""
    description: str = ""
    licence: str = ""

    def offer(self, offer_id: str) -> Offer | None:
        """The offer with this id, or None."""
        return next((o for o in self.offers if o.id == offer_id), None)


# -- reading -------------------------------------------------------------------------------------------


def _structure_range(value: object, _: type) -> LevelRange:
    # Written by hand: the keys are "from" and "to" (a Python keyword), and each error must be located
    # at the key the person wrote.
    if not isinstance(value, Mapping):
        raise InvalidValue(f'expected a table like {{ from = "...", to = "..." }}, got {describe(value)}')
    errors: list[Exception] = []
    extra = set(value) - {"from", "to"}
    if extra:
        errors.append(ForbiddenExtraKeysError("", LevelRange, extra))
    for key in ("from", "to"):
        exc: Exception | None = None
        if key not in value:
            exc = KeyError(key)
        elif not isinstance(value[key], str):
            exc = InvalidValue(f"expected a level id (a string), got {describe(value[key])}")
        if exc is not None:
            exc.__notes__ = [AttributeValidationNote(f"@ key {key}", key, str)]
            errors.append(exc)
    if errors:
        raise ClassValidationError("While structuring LevelRange", errors, LevelRange)
    return LevelRange(value["from"], value["to"])


def _make_converter() -> Any:
    converter = make_converter()
    converter.register_structure_hook(LevelRange, _structure_range)
    return converter


_converter = _make_converter()


def catalogue_from_dict(data: Mapping[str, Any], source: str = "") -> Catalogue:
    """Build a catalogue from parsed data; :class:`InvalidInput` with every located problem.

    This checks the catalogue on its own; :func:`check_catalogue` checks it against frameworks.
    """
    catalogue = structure(_converter, data, Catalogue)
    problems = list(_check_structure(catalogue))
    if problems:
        raise InvalidInput(problems, source)
    return catalogue


def load_catalogue(path: str | os.PathLike[str]) -> Catalogue:
    """Read and check a catalogue file; :class:`InvalidInput` naming the file and the place."""
    source = str(path)
    data = read_toml(Path(path))
    try:
        return catalogue_from_dict(data, source)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, source) from None


def _check_structure(catalogue: Catalogue) -> Iterator[Problem]:
    if not FRAMEWORK_ID.match(catalogue.id):
        yield Problem(f"{describe(catalogue.id)} is not a valid id: use lowercase letters, digits, '.' and '-'", "id")
    for field in ("title", "publisher", "source"):
        if not getattr(catalogue, field).strip():
            yield Problem("is empty", field)
    if not catalogue.offers:
        yield Problem("is empty: a catalogue needs at least one offer", "offers")
    first: dict[str, int] = {}
    for index, offer in enumerate(catalogue.offers):
        where = f"offers[{index}]"
        if offer.id in first:
            yield Problem(f"duplicate offer id {offer.id!r} (first at offers[{first[offer.id]}])", f"{where}.id")
        first.setdefault(offer.id, index)
        yield from _check_offer(offer, where)


def _check_offer(offer: Offer, where: str) -> Iterator[Problem]:
    if not ITEM_ID.match(offer.id):
        yield Problem(f"{describe(offer.id)} is not a valid id: use letters, digits, '.', '_' and '-'", f"{where}.id")
    for field in ("title", "provider"):
        if not getattr(offer, field).strip():
            yield Problem("is empty", f"{where}.{field}")
    for field in ("hours", "cost"):
        value = getattr(offer, field)
        if value is not None and value < 0:
            yield Problem(f"{value:g} is negative", f"{where}.{field}")
    if offer.url is not None and not offer.url.startswith(("https://", "http://")):
        yield Problem("must be an http:// or https:// address", f"{where}.url")
    if not offer.develops:
        yield Problem("is empty: name at least one competency the offer develops", f"{where}.develops")
    seen: set[str] = set()
    for index, reference in enumerate(offer.develops):
        framework_id, qualifier, competency_id = reference.partition(QUALIFIER)
        if not qualifier or not framework_id or not competency_id:
            yield Problem(
                f"{describe(reference)} must be qualified with its framework: framework-id:competency-id",
                f"{where}.develops[{index}]",
            )
        elif reference in seen:
            yield Problem(f"{reference!r} is listed twice", f"{where}.develops[{index}]")
        seen.add(reference)
    frameworks = set(offer.frameworks())
    for framework_id in offer.suits:
        if framework_id not in frameworks:
            yield Problem(
                f"the offer develops no competency of {framework_id!r}: name it in develops or remove it here",
                f"{where}.suits.{framework_id}",
            )
    for index, alias in enumerate(offer.aliases):
        if not normalise(alias):
            yield Problem("has no letters or digits", f"{where}.aliases[{index}]")
    for index, role in enumerate(offer.roles):
        if role in offer.roles[:index]:
            yield Problem(f"{role!r} is listed twice", f"{where}.roles[{index}]")


# -- checking against frameworks -------------------------------------------------------------------------


def check_catalogue(catalogue: Catalogue, frameworks: Iterable[Framework]) -> list[Problem]:
    """Problems of a (structurally valid) catalogue against the frameworks available.

    An unknown competency of an available framework, or a level that is not on its scale, is an error.
    A framework that is not available is one warning per framework: its entries are ignored (see
    :func:`restrict_catalogue`).
    """
    available = {f.id: f for f in frameworks}
    resolver = Resolver.of(available.values())
    roles = {r.id for f in available.values() for r in f.roles}
    problems: list[Problem] = []
    missing: dict[str, tuple[str, int]] = {}
    counts: dict[str, int] = {}
    for index, offer in enumerate(catalogue.offers):
        where = f"offers[{index}]"
        for position, reference in enumerate(offer.develops):
            framework_id = reference.partition(QUALIFIER)[0]
            if framework_id not in available:
                missing.setdefault(framework_id, (f"{where}.develops[{position}]", 0))
                counts[framework_id] = counts.get(framework_id, 0) + 1
                continue
            try:
                resolver.resolve(reference)
            except UnresolvedReference as exc:
                problems.append(Problem(str(exc), f"{where}.develops[{position}]"))
        for framework_id, levels in offer.suits.items():
            framework = available.get(framework_id)
            if framework is not None:
                problems.extend(_check_range(framework, levels, f"{where}.suits.{framework_id}"))
        for position, role in enumerate(offer.roles):
            if available and role not in roles:
                problems.append(Problem(
                    f"{role!r} is not a role of any available framework (roles: {', '.join(sorted(roles))})",
                    f"{where}.roles[{position}]", severity="warning",
                ))
    for framework_id, (path, _) in sorted(missing.items()):
        count = counts[framework_id]
        problems.append(Problem(
            f"the framework {framework_id!r} is not available (is its plugin installed?): "
            f"{count} develops entr{'y' if count == 1 else 'ies'} naming it ignored",
            path,
            severity="warning",
        ))
    return problems


def _check_range(framework: Framework, levels: LevelRange, where: str) -> Iterator[Problem]:
    scale = framework.scale
    ids = ", ".join(level.id for level in scale.levels)
    low, high = scale.rank(levels.low), scale.rank(levels.high)
    if low is None:
        yield Problem(f"{describe(levels.low)} is not a level of {framework.id!r} (levels: {ids})", f"{where}.from")
    if high is None:
        yield Problem(f"{describe(levels.high)} is not a level of {framework.id!r} (levels: {ids})", f"{where}.to")
    if low is not None and high is not None and low > high:
        yield Problem(f"from {levels.low!r} is above to {levels.high!r} on the scale ({ids})", where)


def restrict_catalogue(catalogue: Catalogue, framework_ids: Iterable[str]) -> Catalogue:
    """The catalogue without what refers to frameworks outside ``framework_ids``.

    ``develops`` entries and ``suits`` ranges of other frameworks are dropped, and so are offers left
    developing nothing.
    """
    wanted = set(framework_ids)
    offers = []
    for offer in catalogue.offers:
        develops = tuple(r for r in offer.develops if r.partition(QUALIFIER)[0] in wanted)
        if not develops:
            continue
        suits = {k: v for k, v in offer.suits.items() if k in wanted}
        offers.append(attrs.evolve(offer, develops=develops, suits=suits))
    return attrs.evolve(catalogue, offers=tuple(offers))


def validate_catalogue(catalogue: Catalogue, frameworks: Sequence[Framework], source: str = "") -> tuple[Catalogue, list[Problem]]:
    """Check against ``frameworks`` and restrict to them: (usable catalogue, warnings).

    :class:`InvalidInput` (listing warnings too) if there is any error.
    """
    problems = [p.with_source(source) if source else p for p in check_catalogue(catalogue, frameworks)]
    if any(p.severity == "error" for p in problems):
        raise InvalidInput(problems, source)
    return restrict_catalogue(catalogue, (f.id for f in frameworks)), problems


# -- finding catalogues ---------------------------------------------------------------------------------


def catalogue_dirs(
    *, cwd: Path | None = None, env: Mapping[str, str] | None = None, use_pyproject: bool = True
) -> list[Path]:
    """The catalogue search path in order: pyproject.toml, then ``COMPETENCY_CATALOGUES_PATH``."""
    return search_dirs(PYPROJECT_KEY, CATALOGUES_PATH_ENV, cwd=cwd, env=env, use_pyproject=use_pyproject)


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def load_catalogues(
    engine: Engine,
    extra_paths: Iterable[str | os.PathLike[str]] = (),
    *,
    warn: Callable[[str], None] | None = None,
    use_pyproject: bool = True,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Catalogue, ...]:
    """Every catalogue available to ``engine``, checked against its frameworks, sorted by id.

    Sources: plugins (the ``register_catalogues`` hook), the search path (``[tool.competency]
    catalogues`` in pyproject.toml, ``COMPETENCY_CATALOGUES_PATH``) and ``extra_paths`` (files, or
    directories of ``*.toml`` files). A catalogue the caller named in ``extra_paths`` must be valid:
    :class:`InvalidInput` otherwise. One that was merely found (a plugin's, one on the search path) is
    skipped with a warning instead, as a broken framework file is. Warnings (frameworks that are not
    available, skipped catalogues, failed plugins) go to ``warn``. Two sources giving the same
    catalogue id is a :class:`PluginConflict`.

    This is the engine's catalogue registry until the engine has its own facade method
    (``Engine.catalogues()``); it reads the engine's search settings the same way the engine does.
    """
    say = warn or (lambda message: None)
    frameworks = engine.frameworks()
    found: dict[str, tuple[Catalogue, str]] = {}

    def add(catalogue: Catalogue, origin: str, *, strict: bool) -> bool:
        try:
            usable, warnings = validate_catalogue(catalogue, frameworks, origin)
        except InvalidInput as exc:
            if strict:
                raise
            errors = "; ".join(str(p) for p in exc.errors[:3])
            say(f"catalogue {catalogue.id!r} from {origin} skipped: {errors}")
            return False
        for problem in warnings:
            say(_plain(problem))
        if usable.id in found:
            raise PluginConflict(
                f"two sources give the catalogue {usable.id!r}: {found[usable.id][1]!r} and {origin!r}"
            )
        found[usable.id] = (usable, origin)
        return True

    for catalogue, plugin in _plugin_catalogues(engine, say):
        add(catalogue, f"plugin {plugin}", strict=False)

    seen: set[Path] = set()
    for folder in catalogue_dirs(cwd=cwd, env=env, use_pyproject=use_pyproject):
        if not folder.is_dir():
            continue
        for path in _files_in(folder):
            try:
                catalogue = load_catalogue(path)
            except InvalidInput as exc:
                errors = "; ".join(str(p) for p in exc.errors[:3])
                say(f"catalogue file {path} skipped: {errors}")
                continue
            if add(catalogue, str(path), strict=False):
                seen.add(path.resolve())

    for raw in extra_paths:
        path = Path(raw)
        for file in _files_in(path) if path.is_dir() else [path]:
            if file.resolve() in seen:
                continue  # named explicitly and also loaded from the search path: one catalogue, not two
            add(load_catalogue(file), str(file), strict=True)
            seen.add(file.resolve())
    return tuple(found[k][0] for k in sorted(found))


def _plain(problem: Problem) -> str:
    # A warning's text without its "warning:" label: the caller's channel says it is a warning.
    prefix = ": ".join(p for p in (problem.source, problem.path) if p)
    return f"{prefix}: {problem.message}" if prefix else problem.message


def _plugin_catalogues(engine: Engine, say: Callable[[str], None]) -> list[tuple[Catalogue, str]]:
    from .plugins import PluginFailure, collect

    failures: list[PluginFailure] = []
    try:
        provided = collect(engine.plugin_manager, "register_catalogues", lambda c: c.id, failures)
    except KeyError:
        # plugins.collect names the kind of contribution from REGISTRATION_HOOKS when two plugins give
        # the same id; until "register_catalogues" is listed there, that lookup fails instead.
        raise PluginConflict("two plugins give catalogues with the same id") from None
    for failure in failures:
        say(str(failure))
    out = []
    for ident, item in sorted(provided.items()):
        if not isinstance(item.value, Catalogue):
            say(f"plugin {item.plugin!r} registered {type(item.value).__name__} {ident!r}, not a Catalogue: ignored")
            continue
        out.append((item.value, item.plugin))
    return out


# -- matching offers in evidence ----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Text reduced for matching names: case, accents, punctuation and a leading "the" ignored.

    ``"The King's Fund – Clinical Leadership"`` becomes ``"kings fund clinical leadership"``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = "".join(ch if ch.isalnum() else " " for ch in text).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether the normalised ``phrase`` occurs in the normalised ``text`` as whole words."""
    needle = normalise(phrase)
    return bool(needle) and f" {needle} " in f" {normalise(text)} "


__all__ = [
    "CATALOGUES_PATH_ENV",
    "Catalogue",
    "LevelRange",
    "Offer",
    "OfferFormat",
    "catalogue_dirs",
    "catalogue_from_dict",
    "check_catalogue",
    "contains_phrase",
    "load_catalogue",
    "load_catalogues",
    "normalise",
    "restrict_catalogue",
    "validate_catalogue",
]
