"""Shared fixtures (hypothesis profiles are in the repository's conftest.py): isolation from installed plugins, the engine and the CLI."""

from __future__ import annotations

import datetime
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import click.testing
import pytest

if TYPE_CHECKING:
    from competency import Engine

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PLUGINS = Path(__file__).resolve().parent / "plugins"

#: A fixed "as of" date after every date in examples/, so that no test depends on the wall clock.
AS_OF = datetime.date(2026, 3, 1)

#: Environment variables that would let the machine's set-up leak into the core's tests.
_LEAKY_ENV = (
    "COMPETENCY_FRAMEWORKS_PATH",
    "COMPETENCY_BLOCK_PLUGINS",
    "COMPETENCY_TRACE_PLUGINS",
    "COMPETENCY_MAX_FILE_BYTES",
    "COMPETENCY_DEBUG",
    "COMPETENCY_TOML_PARSER",
)


@pytest.fixture(autouse=True)
def _no_installed_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Core tests run as if no plugin distribution were installed, whatever the venv holds."""
    monkeypatch.setenv("COMPETENCY_LOAD_PLUGINS", "")
    for name in _LEAKY_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def as_of() -> datetime.date:
    """The fixed date the tests judge and score as of."""
    return AS_OF


@pytest.fixture(scope="session")
def examples(repo: Path) -> list[Path]:
    """The shipped example evidence files."""
    found = sorted((repo / "examples").glob("*.toml"))
    assert len(found) >= 3, "examples/ should hold evidence for at least three people"
    return found


@pytest.fixture
def engine(repo: Path) -> Engine:
    """A fresh engine with the built-ins only and the repository's frameworks/."""
    from competency import Engine

    return Engine(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False)


@pytest.fixture(scope="session")
def shared_engine(repo: Path) -> Engine:
    """The same engine, shared (for hypothesis tests, which must not use function-scoped fixtures).

    It is loaded at once, with the environment variables that could leak cleared, so that it never
    depends on which test first touches it."""
    from competency import Engine

    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV}
    env["COMPETENCY_LOAD_PLUGINS"] = ""
    shared = Engine(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env=env)
    assert shared.plugin_failures == ()
    assert [f.id for f in shared.frameworks()] == ["collective-leadership"]
    return shared


@pytest.fixture(scope="session")
def runner() -> click.testing.CliRunner:
    """A click test runner (stdout and stderr are kept apart: ``result.stdout``, ``result.stderr``)."""
    return click.testing.CliRunner()


CliInvoker = Callable[..., click.testing.Result]


def make_invoker(runner: click.testing.CliRunner, default_dirs: list[Path]) -> CliInvoker:
    """``invoke(*args)`` runs ``competency --frameworks-dir DIR ... *args`` and refuses tracebacks.

    ``frameworks_dirs=[...]`` replaces the default directories for one call."""

    def invoke(
        *args: object,
        env: dict[str, str] | None = None,
        input: str | None = None,
        frameworks_dirs: list[Path] | None = None,
    ) -> click.testing.Result:
        from competency.cli import cli

        prefix: list[str] = []
        for folder in default_dirs if frameworks_dirs is None else frameworks_dirs:
            prefix += ["--frameworks-dir", str(folder)]
        # color=True: keep escape sequences, so tests see what a terminal would be sent.
        result = runner.invoke(cli, [*prefix, *map(str, args)], env=env, input=input, color=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            # An unexpected exception is a bug, whatever the test was checking: show its traceback.
            raise result.exception
        assert "Traceback" not in result.output
        return result

    return invoke


@pytest.fixture
def invoke(runner: click.testing.CliRunner, repo: Path) -> CliInvoker:
    """Run the CLI with ``--frameworks-dir <repo>/frameworks``."""
    return make_invoker(runner, [repo / "frameworks"])


@pytest.fixture(scope="session")
def shared_invoke(runner: click.testing.CliRunner, repo: Path) -> CliInvoker:
    """:func:`invoke` for hypothesis tests."""
    return make_invoker(runner, [repo / "frameworks"])


@pytest.fixture(scope="session")
def load_sample_plugin() -> Callable[[str], ModuleType]:
    """Import a throwaway plugin module from tests/plugins/ by file name (without ``.py``)."""
    loaded: dict[str, ModuleType] = {}

    def load(name: str) -> ModuleType:
        if name not in loaded:
            module_name = f"competency_sample_plugins.{name}"
            spec = importlib.util.spec_from_file_location(module_name, SAMPLE_PLUGINS / f"{name}.py")
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            loaded[name] = module
        return loaded[name]

    return load


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """``write(name, text_or_bytes)`` creates a file in tmp_path and returns its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
