"""Loading plugins and collecting what they provide into a registry with provenance.

Built-in features are plugins too (``DEFAULT_PLUGINS``), registered exactly like outside ones, which
are found through the ``competency`` entry-point group. Plugin selection follows pytest and llm:

* ``COMPETENCY_LOAD_PLUGINS=a,b`` loads only those entry points (empty: none);
* ``COMPETENCY_BLOCK_PLUGINS=a,b`` blocks plugins by name (entry points or built-in module names);
* ``COMPETENCY_TRACE_PLUGINS=1`` prints every hook call to stderr (datasette's trace switch).

A plugin that fails to import, registers badly or raises in a hook is recorded as a
:class:`PluginFailure` naming the plugin and its distribution; the rest keep working.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import sys
from collections.abc import Callable, Iterable, Mapping

from typing import Any

import attrs
import pluggy

from . import hookspecs
from ._version import __version__
from .errors import PluginConflict

PROJECT = "competency"
LOAD_ENV = "COMPETENCY_LOAD_PLUGINS"
BLOCK_ENV = "COMPETENCY_BLOCK_PLUGINS"
TRACE_ENV = "COMPETENCY_TRACE_PLUGINS"

DEFAULT_PLUGINS = (
    "competency.kinds.hooks",
    "competency.scoring.hooks",
    "competency.exporters.hooks",
    "competency.checks.hooks",
)

#: The registration hooks, and the name each kind of contribution is listed under.
REGISTRATION_HOOKS = {
    "register_frameworks": "frameworks",
    "register_evidence_kinds": "evidence kinds",
    "register_scorers": "scorers",
    "register_exporters": "exporters",
    "register_checks": "checks",
    "register_catalogues": "catalogues",
}


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded or raised in a hook; the engine went on without it."""

    plugin: str
    distribution: str
    error: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} (from {self.distribution}) failed: {self.error}"


@attrs.frozen
class Provided:
    """One registered contribution and the plugin that gave it."""

    value: Any
    plugin: str


@attrs.define
class PluginInfo:
    """What ``competency plugins`` shows about one plugin."""

    name: str
    distribution: str
    version: str
    builtin: bool
    provides: dict[str, list[str]] = attrs.field(factory=dict)


def _names(env: Mapping[str, str], key: str) -> list[str] | None:
    if key not in env:
        return None
    return [n.strip() for n in env[key].split(",") if n.strip()]


def get_plugin_manager(
    *, entry_points: bool = True, extra: Iterable[object] = (), env: Mapping[str, str] | None = None
) -> tuple[pluggy.PluginManager, list[PluginFailure]]:
    """A new plugin manager with the built-ins, the selected entry points and ``extra`` plugins."""
    env = os.environ if env is None else env
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    failures: list[PluginFailure] = []
    for name in _names(env, BLOCK_ENV) or []:
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if not pm.is_blocked(module_name):
            pm.register(importlib.import_module(module_name), name=module_name)
    if entry_points:
        failures.extend(_load_entry_points(pm, _names(env, LOAD_ENV)))
    for plugin in extra:
        pm.register(plugin)
    failures.extend(_check_pending(pm))
    if env.get(TRACE_ENV, "") not in ("", "0"):
        pm.trace.root.setwriter(sys.stderr.write)
        pm.enable_tracing()
    return pm, failures


def _load_entry_points(pm: pluggy.PluginManager, selected: list[str] | None) -> Iterable[PluginFailure]:
    for ep in sorted(importlib.metadata.entry_points(group=PROJECT), key=lambda e: e.name):
        if selected is not None and ep.name not in selected:
            continue
        if pm.is_blocked(ep.name) or pm.has_plugin(ep.name):
            continue
        try:
            # One entry point at a time, so that one broken plugin cannot stop the others loading.
            pm.load_setuptools_entrypoints(PROJECT, name=ep.name)
        except Exception as exc:  # noqa: BLE001 - any failure of a plugin is reported, not fatal
            yield PluginFailure(ep.name, _dist_label(ep.dist), _describe(exc))


def _check_pending(pm: pluggy.PluginManager) -> Iterable[PluginFailure]:
    # A misspelled hook implementation would otherwise never run, silently.
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin) or repr(exc.plugin)
            yield PluginFailure(name, _distribution_of(pm, exc.plugin), str(exc))
            pm.unregister(exc.plugin)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _dist_label(dist: importlib.metadata.Distribution | None) -> str:
    if dist is None:
        return "an unknown distribution"
    return f"{dist.metadata['Name']} {dist.version}"


def _distribution_of(pm: pluggy.PluginManager, plugin: object) -> str:
    for candidate, dist in pm.list_plugin_distinfo():
        if candidate is plugin:
            return _dist_label(dist)  # type: ignore[arg-type]
    name = pm.get_name(plugin) or ""
    return f"{PROJECT} {__version__} (built-in)" if name in DEFAULT_PLUGINS else "no distribution (registered directly)"


def describe_plugins(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """Every registered plugin with its distribution and version, built-ins first."""
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # a blocked name: pluggy keeps it, but nothing is loaded
            continue
        builtin = name in DEFAULT_PLUGINS
        distribution, _, version = _distribution_of(pm, plugin).partition(" ")
        if builtin:
            distribution, version = PROJECT, __version__
        elif distribution == "no":
            distribution, version = "(registered directly)", ""
        infos.append(PluginInfo(name, distribution, version.removesuffix(" (built-in)"), builtin))
    return sorted(infos, key=lambda i: (not i.builtin, i.name))


def collect(
    pm: pluggy.PluginManager,
    hook_name: str,
    key: Callable[[Any], str],
    failures: list[PluginFailure],
) -> dict[str, Provided]:
    """Call one registration hook plugin by plugin; refuse two plugins that give the same id."""
    found: dict[str, Provided] = {}
    plugins = pm.get_plugins()
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        others = [p for p in plugins if p is not impl.plugin]
        caller = pm.subset_hook_caller(hook_name, remove_plugins=others)
        collected: list[Any] = []
        try:
            caller(register=collected.append)
        except Exception as exc:  # noqa: BLE001 - a plugin that raises is reported and skipped
            failures.append(PluginFailure(impl.plugin_name, _distribution_of(pm, impl.plugin), _describe(exc)))
            continue
        for value in collected:
            ident = key(value)
            if ident in found:
                what = REGISTRATION_HOOKS[hook_name].rstrip("s")
                raise PluginConflict(
                    f"two plugins give the {what} {ident!r}: {found[ident].plugin!r} and {impl.plugin_name!r}"
                )
            found[ident] = Provided(value, impl.plugin_name)
    return found


__all__ = [
    "DEFAULT_PLUGINS",
    "PluginFailure",
    "PluginInfo",
    "collect",
    "describe_plugins",
    "get_plugin_manager",
]
