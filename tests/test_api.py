"""The public Python API: the README's embedding example runs, and the facade is typed and small."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import competency


def embedding_example(readme: Path) -> str:
    text = readme.read_text("utf-8")
    heading = re.search(r"^## Embedding\s*$", text, flags=re.MULTILINE)
    assert heading, "README.md has no '## Embedding' section"
    rest = text[heading.end():]
    following = re.search(r"^## ", rest, flags=re.MULTILINE)
    block = re.search(r"```python\n(.*?)```", rest[: following.start()] if following else rest, flags=re.DOTALL)
    assert block, "README.md's '## Embedding' section has no ```python block"
    return block.group(1)


def test_readme_embedding_example_runs(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = embedding_example(repo / "README.md")
    monkeypatch.chdir(repo)  # the example uses paths relative to a clone of the repository
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md#embedding", "exec"), namespace)  # noqa: S102
    assert out.getvalue().strip(), "the example prints what it shows"
    engines = [v for v in namespace.values() if isinstance(v, competency.Engine)]
    assert engines, "the example uses competency.Engine"
    for value in namespace.values():
        if isinstance(value, competency.Scorecard):
            assert value.frameworks, "the example's scorecard scored something"


def test_public_names_resolve() -> None:
    for name in competency.__all__:
        assert getattr(competency, name) is not None, name
    assert set(dir(competency)) == set(competency.__all__)
    with pytest.raises(AttributeError):
        competency.NoSuchThing  # noqa: B018


def test_py_typed_is_shipped() -> None:
    assert (Path(competency.__file__).parent / "py.typed").is_file()


def test_public_names_are_documented() -> None:
    for name in competency.__all__:
        value = getattr(competency, name)
        if callable(value) and not isinstance(value, type(competency.LevelValue)):
            assert (getattr(value, "__doc__", None) or "").strip(), f"competency.{name} has no docstring"


def test_engine_end_to_end(engine: Any, repo: Path) -> None:
    as_of = datetime.date(2026, 3, 1)
    evidence = engine.load_evidence(repo / "examples" / "practice-manager.toml", as_of=as_of)
    card = engine.score(evidence, as_of=as_of)
    assert card.subject.role == "practice-manager"
    framework = card.framework("collective-leadership")
    assert framework is not None and framework.role == "practice-manager"
    report = engine.score_report([card])
    assert report.as_of == as_of and report.scorecards == (card,)
    document = json.loads(engine.export(report, "json"))
    assert document == json.loads(engine.export([card], "json"))
    assert engine.export([card], "text").splitlines()[0].endswith("scorer default")


def test_results_are_immutable(engine: Any, repo: Path) -> None:
    import attrs

    as_of = datetime.date(2026, 3, 1)
    card = engine.score(engine.load_evidence(repo / "examples" / "gp-partner.toml", as_of=as_of), as_of=as_of)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        card.as_of = as_of  # type: ignore[misc]
    assert isinstance(card.frameworks, tuple) and isinstance(card.frameworks[0].competencies, tuple)


def test_export_unknown_format(engine: Any) -> None:
    with pytest.raises(competency.ConfigurationError, match="json"):
        engine.export([], "xml")


def test_score_with_an_explicit_framework_list(engine: Any, repo: Path) -> None:
    as_of = datetime.date(2026, 3, 1)
    evidence = engine.load_evidence(repo / "examples" / "receptionist.toml", as_of=as_of)
    by_name = engine.score(evidence, framework="collective-leadership", as_of=as_of)
    by_list = engine.score(evidence, framework=["collective-leadership"], as_of=as_of)
    default = engine.score(evidence, as_of=as_of)
    assert by_name == by_list == default
    with pytest.raises(competency.ConfigurationError, match="unknown framework"):
        engine.score(evidence, framework="nope", as_of=as_of)
