"""The typed facade embedders use: load plugins, list frameworks, validate, score and export.

>>> from competency import Engine
>>> engine = Engine()
>>> card = engine.score(engine.load_evidence(Path("examples/gp-partner.toml")), role="gp")
>>> print(engine.export([card], "text"))
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from .checks.base import EvidenceCheck

if TYPE_CHECKING:
    from .catalogue import Catalogue
from .errors import ConfigurationError, InvalidInput, PluginConflict, Problem
from .evidence import EvidenceFile, EvidenceItem, ScoringContext
from .evidence_io import EvidenceReader, Validation
from .exporters.base import Exporter
from .framework import Framework
from .framework_io import load_framework
from .plugins import (
    REGISTRATION_HOOKS,
    PluginFailure,
    PluginInfo,
    Provided,
    collect,
    describe_plugins,
    get_plugin_manager,
)
from .references import Resolver, UnresolvedReference
from .results import ScoreReport, Scorecard
from .scoring import Scorer
from .scoring.config import ScoringConfig
from .search_path import framework_dirs, framework_files
from .sources import parse_toml, read_text, toml_parser
from .structuring import make_converter

#: What :meth:`Engine.load_evidence` accepts: a path, TOML text, or already-parsed data.
EvidenceSource = os.PathLike[str] | str | Mapping[str, Any]


class Engine:
    """The competency engine: plugins, frameworks and the operations on evidence.

    ``plugins=False`` loads no entry-point plugin (built-ins only); ``extra_plugins`` registers
    plugin objects or modules directly (handy in tests and embedding); ``frameworks_dirs`` adds
    directories of framework files to the search path (see docs/framework-format.md); ``warn`` is
    called once for each plugin or framework file that failed to load.
    Nothing is loaded until it is first needed.
    """

    def __init__(
        self,
        *,
        plugins: bool = True,
        extra_plugins: Iterable[object] = (),
        frameworks_dirs: Iterable[str | os.PathLike[str]] = (),
        search_pyproject: bool = True,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._use_entry_points = plugins
        self._extra_plugins = tuple(extra_plugins)
        self._frameworks_dirs = tuple(frameworks_dirs)
        self._search_pyproject = search_pyproject
        self._cwd = Path(cwd) if cwd is not None else None
        self._env = os.environ if env is None else env
        self._failures: list[PluginFailure] = []
        self._warn = warn

    # -- plugins and registries ------------------------------------------------------------------

    @cached_property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The pluggy manager (loaded on first use)."""
        pm, failures = get_plugin_manager(entry_points=self._use_entry_points, extra=self._extra_plugins, env=self._env)
        self._failures.extend(failures)
        return pm

    @property
    def plugin_failures(self) -> tuple[PluginFailure, ...]:
        """Plugins that failed to load or raised, and framework files that could not be read."""
        self._registry  # noqa: B018 - loading is what records failures
        return tuple(self._failures)

    @cached_property
    def _registry(self) -> dict[str, dict[str, Provided]]:
        pm = self.plugin_manager
        keys = {
            "register_evidence_kinds": lambda cls: cls.kind,
            "register_scorers": lambda s: s.name,
            "register_exporters": lambda e: e.name,
            "register_checks": lambda c: c.name,
            "register_frameworks": lambda f: f.id,
        }
        registry = {hook: collect(pm, hook, key, self._failures) for hook, key in keys.items()}
        registry["register_frameworks"] = self._add_framework_files(registry["register_frameworks"])
        if self._warn is not None:
            for failure in self._failures:
                self._warn(str(failure))
        return registry

    def _add_framework_files(self, provided: dict[str, Provided]) -> dict[str, Provided]:
        found = dict(provided)
        dirs = framework_dirs(
            self._frameworks_dirs, cwd=self._cwd, env=self._env, use_pyproject=self._search_pyproject
        )
        for path in framework_files(dirs):
            try:
                framework = load_framework(path)
            except InvalidInput as exc:
                errors = "; ".join(str(p) for p in exc.errors[:3])
                self._failures.append(PluginFailure(str(path), "a framework file", errors))
                continue
            if framework.id in found:
                raise PluginConflict(
                    f"two sources give the framework {framework.id!r}: {found[framework.id].plugin!r} and {str(path)!r}"
                )
            found[framework.id] = Provided(framework, str(path))
        return found

    def _provided(self, hook: str) -> dict[str, Provided]:
        return self._registry[hook]

    def frameworks(self) -> tuple[Framework, ...]:
        """Every available framework, sorted by id."""
        return tuple(p.value for _, p in sorted(self._provided("register_frameworks").items()))

    def framework(self, framework_id: str) -> Framework:
        """The framework with this id; :class:`ConfigurationError` naming the available ones."""
        provided = self._provided("register_frameworks").get(framework_id)
        if provided is None:
            available = ", ".join(sorted(self._provided("register_frameworks"))) or "none"
            raise ConfigurationError(f"unknown framework {framework_id!r} (available: {available})")
        framework: Framework = provided.value
        return framework

    def framework_provider(self, framework_id: str) -> str:
        """Which plugin or file gave a framework."""
        return self._provided("register_frameworks")[framework_id].plugin

    def evidence_kinds(self) -> dict[str, type[EvidenceItem]]:
        """The registered evidence kinds by name."""
        return {k: p.value for k, p in sorted(self._provided("register_evidence_kinds").items())}

    def scorers(self) -> dict[str, Scorer]:
        """The registered scorers by name."""
        return dict(self._scorers)

    @cached_property
    def _scorers(self) -> dict[str, Scorer]:
        return {k: p.value for k, p in sorted(self._provided("register_scorers").items())}

    def exporters(self) -> dict[str, Exporter]:
        """The registered exporters by name."""
        return {k: p.value for k, p in sorted(self._provided("register_exporters").items())}

    def checks(self) -> dict[str, EvidenceCheck]:
        """The registered extra evidence checks by name."""
        return {k: p.value for k, p in sorted(self._provided("register_checks").items())}

    def catalogues(self, extra_paths: Iterable[str | os.PathLike[str]] = ()) -> tuple[Catalogue, ...]:
        """Every learning catalogue (plugins, the search path, ``extra_paths``), checked against
        the available frameworks; see docs/catalogue-format.md."""
        from .catalogue import load_catalogues

        return load_catalogues(
            self, extra_paths, warn=self._warn, use_pyproject=self._search_pyproject, cwd=self._cwd, env=self._env
        )

    def plugins(self) -> list[PluginInfo]:
        """Every plugin with its version and what it provides (``competency plugins``)."""
        infos = {info.name: info for info in describe_plugins(self.plugin_manager)}
        for hook, title in REGISTRATION_HOOKS.items():
            if hook not in self._registry:
                continue
            for ident, provided in sorted(self._provided(hook).items()):
                if provided.plugin in infos:
                    infos[provided.plugin].provides.setdefault(title, []).append(ident)
        return list(infos.values())

    # -- evidence ----------------------------------------------------------------------------------

    @cached_property
    def _converter(self) -> Any:
        return make_converter()

    @cached_property
    def resolver(self) -> Resolver:
        """Resolves competency references across every available framework."""
        return Resolver.of(self.frameworks())

    @cached_property
    def _reader(self) -> EvidenceReader:
        roles = frozenset(r.id for f in self.frameworks() for r in f.roles)
        return EvidenceReader(
            self._converter, self.evidence_kinds(), self.resolver, tuple(self.checks().values()), roles, self._env
        )

    def validate(
        self, source: EvidenceSource, *, as_of: datetime.date | None = None, name: str | None = None
    ) -> Validation:
        """Validate evidence from a path, TOML text or parsed data; never raises for bad input.

        A ``str`` is TOML text; pass a :class:`pathlib.Path` for a file. ``as_of`` (default: today)
        is the date that dates in the future are judged against.
        """
        as_of = as_of or datetime.date.today()
        label = name or (str(source) if isinstance(source, os.PathLike) else "<evidence>")
        try:
            data = self._parse(source, label)
        except InvalidInput as exc:
            return Validation(label, None, exc.problems)
        return self._reader.validate(data, as_of, label)

    def load_evidence(
        self, source: EvidenceSource, *, as_of: datetime.date | None = None, name: str | None = None
    ) -> EvidenceFile:
        """Validated evidence; :class:`InvalidInput` listing every problem if it is not valid."""
        return self.validate(source, as_of=as_of, name=name).unwrap()

    def _parse(self, source: EvidenceSource, label: str) -> object:
        if not isinstance(source, (os.PathLike, str)):
            return source
        parser = toml_parser(self._env)  # COMPETENCY_TOML_PARSER: a set-up error before any input error
        text = read_text(Path(source)) if isinstance(source, os.PathLike) else source
        return parse_toml(text, label, parser)

    # -- scoring -----------------------------------------------------------------------------------

    def score(
        self,
        evidence: EvidenceFile,
        *,
        framework: str | Sequence[str] | None = None,
        role: str | None = None,
        as_of: datetime.date | None = None,
        scorer: str = "default",
        config: ScoringConfig | None = None,
        trails: bool = True,
    ) -> Scorecard:
        """Score validated evidence against ``framework`` (default: every framework it references).

        ``role`` (default: the subject's) picks the role profile for gap analysis; ``as_of``
        (default: today) is the date recency is measured from and is shown in the result.
        ``trails=False`` is for callers that read only levels (a cohort): the scorer may leave out
        the evidence trails, which are most of its work (see :class:`ScoringContext`).
        """
        as_of = as_of or datetime.date.today()
        resolver = self._restricted(evidence.frameworks) if evidence.frameworks else self.resolver
        chosen = self._frameworks_for(evidence, framework, resolver)
        role = role if role is not None else evidence.subject.role
        scorers = self._scorers
        if scorer not in scorers:
            raise ConfigurationError(f"unknown scorer {scorer!r} (available: {', '.join(scorers)})")
        context = ScoringContext(resolver, as_of, config or ScoringConfig(), role, self._env, trails)
        return scorers[scorer].score(evidence, chosen, context)

    def _restricted(self, framework_ids: tuple[str, ...]) -> Resolver:
        # The resolver keeps one per scope, so that its memory of references lasts across files.
        return self.resolver.restricted(framework_ids)

    def _frameworks_for(
        self, evidence: EvidenceFile, requested: str | Sequence[str] | None, resolver: Resolver
    ) -> tuple[Framework, ...]:
        if requested is not None:
            names = [requested] if isinstance(requested, str) else list(requested)
            return tuple(self.framework(n) for n in names)
        # Items repeat the same references (a 360 names each dimension once per rater and section):
        # each different one is resolved once, and none needs its path.
        references: set[str] = set()
        implied: set[str] = set()
        for item in evidence.evidence:
            references.update(item.referenced())
            implied.update(item.implied_frameworks())
        referenced = {f for f in implied if f in resolver.frameworks}
        for reference in references:
            try:
                referenced.add(resolver.resolve(reference).framework.id)
            except UnresolvedReference:
                continue
        if not referenced:
            raise InvalidInput([Problem("the evidence references no competency of any available framework")], evidence.source)
        return tuple(f for f in self.frameworks() if f.id in referenced)

    def score_report(self, scorecards: Iterable[Scorecard], as_of: datetime.date | None = None) -> ScoreReport:
        """Wrap scorecards in the document that exporters render."""
        cards = tuple(scorecards)
        return ScoreReport(as_of=as_of or (cards[0].as_of if cards else datetime.date.today()), scorecards=cards)

    # -- export ------------------------------------------------------------------------------------

    def export(self, document: ScoreReport | Sequence[Scorecard] | object, format: str = "json") -> str:
        """Render a document (a score report, or a list of scorecards) in a registered format."""
        exporters = self.exporters()
        if format not in exporters:
            raise ConfigurationError(f"unknown format {format!r} (available: {', '.join(exporters)})")
        if isinstance(document, (list, tuple)):
            document = self.score_report(document)
        return exporters[format].render(document)
