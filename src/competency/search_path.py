"""Where framework files are found: pyproject ``[tool.competency]``, ``--frameworks-dir`` and
``COMPETENCY_FRAMEWORKS_PATH`` (plugins provide theirs through the ``register_frameworks`` hook)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import tomli

FRAMEWORKS_PATH_ENV = "COMPETENCY_FRAMEWORKS_PATH"


def pyproject_dirs(start: Path, key: str = "frameworks") -> list[Path]:
    """The directories named by ``[tool.competency] <key>`` in the nearest pyproject.toml at or
    above ``start`` (relative names are taken from that file's directory)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomli.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError):
                return []
            names = data.get("tool", {}).get("competency", {}).get(key, [])
            if isinstance(names, str):
                names = [names]
            return [folder / n for n in names if isinstance(n, str)]
    return []


def search_dirs(
    key: str,
    env_var: str,
    explicit: Iterable[str | os.PathLike[str]] = (),
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    use_pyproject: bool = True,
) -> list[Path]:
    """A search path in order: pyproject ``[tool.competency] <key>``, explicit directories, then the
    ``env_var`` environment variable (os.pathsep-separated); each directory once."""
    env = os.environ if env is None else env
    dirs: list[Path] = []
    if use_pyproject:
        dirs.extend(pyproject_dirs((cwd or Path.cwd()).resolve(), key))
    dirs.extend(Path(d) for d in explicit)
    dirs.extend(Path(p) for p in env.get(env_var, "").split(os.pathsep) if p)
    return list(dict.fromkeys(d.resolve() for d in dirs))


def framework_dirs(
    explicit: Iterable[str | os.PathLike[str]] = (),
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    use_pyproject: bool = True,
) -> list[Path]:
    """The framework search path: pyproject, explicit directories, then the environment variable."""
    return search_dirs("frameworks", FRAMEWORKS_PATH_ENV, explicit, cwd=cwd, env=env, use_pyproject=use_pyproject)


def framework_files(dirs: Iterable[Path]) -> Iterator[Path]:
    """The ``*.toml`` files directly inside each directory, sorted by name."""
    for folder in dirs:
        if folder.is_dir():
            yield from sorted(p for p in folder.glob("*.toml") if p.is_file())
