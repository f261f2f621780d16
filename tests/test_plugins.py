"""The plugin contract, exercised with throwaway plugins from tests/plugins/ (and a fake distribution)."""

from __future__ import annotations

import datetime
import inspect
import json
import re
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w

from competency import Engine, PluginConflict, hookspecs
from competency.cli import cli
from competency.plugins import DEFAULT_PLUGINS

AS_OF = datetime.date(2026, 3, 1)
Loader = Callable[[str], types.ModuleType]


def engine_with(repo: Path, *plugins: types.ModuleType, env: dict[str, str] | None = None) -> Engine:
    return Engine(
        plugins=False, extra_plugins=plugins, frameworks_dirs=[repo / "frameworks"], search_pyproject=False,
        env={} if env is None else env,
    )


def hook_names() -> list[str]:
    return sorted(
        name for name, value in vars(hookspecs).items()
        if callable(value) and hasattr(value, "competency_spec")
    )


# -- built-ins are plugins -------------------------------------------------------------------------------


def test_hookspecs_cover_every_kind_of_contribution() -> None:
    assert {
        "register_checks", "register_commands", "register_evidence_kinds", "register_exporters",
        "register_frameworks", "register_scorers",
    } <= set(hook_names())
    for name in hook_names():
        assert (getattr(hookspecs, name).__doc__ or "").strip(), f"hook {name} has no docstring"


def test_built_ins_register_through_the_hooks(engine: Engine) -> None:
    assert set(engine.evidence_kinds()) == {"rating", "activity", "reflection", "attainment"}
    assert set(engine.scorers()) == {"default"}
    assert {"json", "text"} <= set(engine.exporters())
    assert "patient-identifiers" in engine.checks()
    names = {info.name for info in engine.plugins()}
    assert set(DEFAULT_PLUGINS) <= names
    assert engine.plugin_failures == ()


def test_plugins_command_json_lists_built_ins_with_what_they_provide(invoke: Any) -> None:
    result = invoke("plugins", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert document["failures"] == []
    plugins = {p["name"]: p for p in document["plugins"]}
    assert set(DEFAULT_PLUGINS) <= set(plugins)
    provided: dict[str, set[str]] = {}
    for name in DEFAULT_PLUGINS:
        info = plugins[name]
        assert info["builtin"] is True
        assert info["distribution"] == "competency"
        assert info["version"]
        assert info["provides"], f"{name} provides nothing"
        for what, ids in info["provides"].items():
            provided.setdefault(what, set()).update(ids)
    assert provided["evidence kinds"] == {"activity", "attainment", "rating", "reflection"}
    assert provided["scorers"] == {"default"}
    assert {"json", "text"} <= provided["exporters"]
    assert provided["checks"] == {"patient-identifiers"}


# -- a plugin adding an evidence kind -------------------------------------------------------------------


JOURNAL_CLUB = {
    "id": "journal-club-2025",
    "kind": "journal-club",
    "date": datetime.date(2025, 11, 5),
    "paper": "Collective leadership in general practice: a qualitative study",
    "competencies": ["vision-and-direction", "speaks-up"],
    "attendees": 9,
}


@pytest.fixture
def with_journal_club(repo: Path) -> dict[str, Any]:
    data = tomli.loads((repo / "examples" / "receptionist.toml").read_text("utf-8"))
    data["evidence"].append(dict(JOURNAL_CLUB))
    return data


def test_a_plugin_kind_is_usable_in_evidence_files(
    repo: Path, load_sample_plugin: Loader, with_journal_club: dict[str, Any], tmp_path: Path
) -> None:
    plugin = load_sample_plugin("journal_club")
    engine = engine_with(repo, plugin)
    assert "journal-club" in engine.evidence_kinds()
    file = tmp_path / "with-plugin-kind.toml"
    file.write_text(tomli_w.dumps(with_journal_club), "utf-8")
    evidence = engine.load_evidence(file, as_of=AS_OF)
    assert evidence.evidence[-1].kind == "journal-club"
    card = engine.score(evidence, as_of=AS_OF)
    speaks_up = card.framework("collective-leadership").result("speaks-up")
    assert {e.id: e.credit for e in speaks_up.evidence}["journal-club-2025"] == pytest.approx(0.1 * 0.5 ** (116 / 730.5), abs=1e-4)
    info = {i.name: i for i in engine.plugins()}[plugin.__name__]
    assert info.provides == {"evidence kinds": ["journal-club"]}
    assert info.builtin is False


@pytest.fixture
def journal_club_file(
    repo: Path, load_sample_plugin: Loader, with_journal_club: dict[str, Any], tmp_path: Path
) -> tuple[types.ModuleType, Engine, Path]:
    """The journal-club plugin (its builds counted from nothing), an engine with it, and a file using it."""
    plugin = load_sample_plugin("journal_club")
    file = tmp_path / "journal.toml"
    file.write_text(tomli_w.dumps(with_journal_club), "utf-8")
    plugin.BUILDS.clear()
    return plugin, engine_with(repo, plugin), file


def test_a_deferred_analysis_is_built_only_when_read(journal_club_file: tuple[types.ModuleType, Engine, Path]) -> None:
    from competency.parallel import ScoreOptions, score_files

    plugin, engine, file = journal_club_file
    # A cohort run reads each analysis's status and date only.
    [outcome] = score_files([file], ScoreOptions(as_of=AS_OF), engine=engine)
    assert outcome.summary is not None and ("journal-club", "presented") in outcome.summary.analyses
    assert plugin.BUILDS == []
    card = engine.score(engine.load_evidence(file, as_of=AS_OF), as_of=AS_OF)
    [analysis] = [a for a in card.analyses if a.kind == "journal-club"]
    assert (analysis.status, analysis.date) == ("presented", datetime.date(2025, 11, 5))
    assert plugin.BUILDS == []
    text = engine.export([card], "text")
    data = json.loads(engine.export([card], "json"))
    assert analysis.summary == (f"presented {JOURNAL_CLUB['paper']}",)
    assert plugin.BUILDS == ["journal-club-2025"]  # built once, whatever reads it afterwards
    assert f"presented {JOURNAL_CLUB['paper']}" in text
    [exported] = [a for a in data["scorecards"][0]["analyses"] if a["kind"] == "journal-club"]
    assert exported == {
        "kind": "journal-club", "evidence": "journal-club-2025", "title": f"Journal club: {JOURNAL_CLUB['paper']}",
        "status": "presented", "date": "2025-11-05", "data": {"paper": JOURNAL_CLUB["paper"]},
        "summary": [f"presented {JOURNAL_CLUB['paper']}"], "tables": [], "charts": [],
    }


def test_an_analysis_takes_its_content_or_a_builder_not_both() -> None:
    from competency import Analysis, AnalysisContent

    eager = Analysis("k", "e", "t", {"x": 1}, ("line",))
    deferred = Analysis("k", "e", "t", build=lambda: AnalysisContent({"x": 1}, ("line",)))
    assert eager == deferred and eager.status == "analysed" and eager.date is None
    assert eager != Analysis("k", "e", "t", {"x": 2}, ("line",))
    with pytest.raises(TypeError, match="not both"):
        Analysis("k", "e", "t", {"x": 1}, build=lambda: AnalysisContent({}))
    with pytest.raises(TypeError, match="must be a datetime.date"):
        Analysis("k", "e", "t", {"x": 1}, date="2025-01-01")  # type: ignore[arg-type]


def test_an_analysis_given_at_once_takes_its_status_and_date_from_its_data() -> None:
    from competency import Analysis

    analysis = Analysis("k", "e", "t", {"status": "withheld", "date": "2025-06-01"})
    assert (analysis.status, analysis.date) == ("withheld", datetime.date(2025, 6, 1))
    assert Analysis("k", "e", "t", {"date": "not a date"}).date is None


def test_analyses_pickle_and_evolve_with_their_content(journal_club_file: tuple[types.ModuleType, Engine, Path]) -> None:
    import pickle

    import attrs

    plugin, engine, file = journal_club_file
    card = engine.score(engine.load_evidence(file, as_of=AS_OF), as_of=AS_OF)
    copy = pickle.loads(pickle.dumps(card))  # a deferred analysis is built to be pickled: its builder is a closure
    assert plugin.BUILDS == ["journal-club-2025"]
    assert copy == card and engine.export([copy], "json") == engine.export([card], "json")
    [analysis] = [a for a in card.analyses if a.kind == "journal-club"]
    renamed = attrs.evolve(analysis, title="renamed")
    assert renamed.title == "renamed" and renamed.content == analysis.content
    assert plugin.BUILDS == ["journal-club-2025"]


def test_a_plugin_kind_is_validated_strictly(repo: Path, load_sample_plugin: Loader, with_journal_club: dict[str, Any]) -> None:
    engine = engine_with(repo, load_sample_plugin("journal_club"))
    item = with_journal_club["evidence"][-1]
    item.update(attendees="nine", colour="red", paper=" ", competencies=["speaks-upp"])
    validation = engine.validate(with_journal_club, as_of=AS_OF)
    messages = {p.path: p.message for p in validation.errors}
    assert messages["evidence[9].attendees"] == 'expected an integer, got "nine"'
    assert messages["evidence[9]"] == "unknown key: colour"
    item.pop("colour")
    item["attendees"] = 0
    messages = {p.path: p.message for p in engine.validate(with_journal_club, as_of=AS_OF).errors}
    assert messages["evidence[9].attendees"] == "0 is not a number of people"
    assert messages["evidence[9].paper"] == "must not be empty"
    assert messages["evidence[9].competencies[0]"].startswith("unknown competency 'speaks-upp'")


def test_without_the_plugin_the_kind_is_unknown(engine: Engine, with_journal_club: dict[str, Any]) -> None:
    validation = engine.validate(with_journal_club, as_of=AS_OF)
    assert [(p.path, p.message.split(" is ")[0]) for p in validation.errors] == [("evidence[9].kind", '"journal-club"')]


def test_a_plugin_kind_through_the_cli(
    repo: Path, load_sample_plugin: Loader, with_journal_club: dict[str, Any], tmp_path: Path, runner: Any
) -> None:
    file = tmp_path / "with-plugin-kind.toml"
    file.write_text(tomli_w.dumps(with_journal_club), "utf-8")
    engine = engine_with(repo, load_sample_plugin("journal_club"))
    # The CLI uses the engine it finds in the context object: the way to inject one in tests.
    result = runner.invoke(cli, ["validate", "--as-of", AS_OF.isoformat(), str(file)], obj={"engine": engine})
    assert result.exit_code == 0, result.output
    assert f"{file}: ok (10 evidence items)" in result.stdout
    plugins = runner.invoke(cli, ["plugins", "--format", "json"], obj={"engine": engine})
    names = [p["name"] for p in json.loads(plugins.stdout)["plugins"]]
    assert "competency_sample_plugins.journal_club" in names


# -- conflicts ------------------------------------------------------------------------------------------


def test_two_plugins_with_the_same_framework_id_conflict(repo: Path, load_sample_plugin: Loader) -> None:
    a, b = load_sample_plugin("framework_a"), load_sample_plugin("framework_b")
    engine = engine_with(repo, a, b)
    with pytest.raises(PluginConflict) as caught:
        engine.frameworks()
    message = str(caught.value)
    assert "'shared-id'" in message
    assert a.__name__ in message and b.__name__ in message


def test_one_framework_plugin_alone_is_fine(repo: Path, load_sample_plugin: Loader) -> None:
    a = load_sample_plugin("framework_a")
    engine = engine_with(repo, a)
    assert [f.id for f in engine.frameworks()] == ["collective-leadership", "shared-id"]
    assert engine.framework_provider("shared-id") == a.__name__


def test_a_plugin_reusing_a_built_in_kind_conflicts(repo: Path, load_sample_plugin: Loader) -> None:
    plugin = load_sample_plugin("kind_conflict")
    with pytest.raises(PluginConflict) as caught:
        engine_with(repo, plugin).evidence_kinds()
    assert "'rating'" in str(caught.value)
    assert "competency.kinds.hooks" in str(caught.value) and plugin.__name__ in str(caught.value)


def test_a_plugin_framework_clashing_with_a_framework_file(repo: Path, load_sample_plugin: Loader, tmp_path: Path) -> None:
    a = load_sample_plugin("framework_a")
    (tmp_path / "shared.toml").write_text(tomli_w.dumps(a.framework_data("From a file")), "utf-8")
    engine = Engine(plugins=False, extra_plugins=[a], frameworks_dirs=[tmp_path], search_pyproject=False, env={})
    with pytest.raises(PluginConflict) as caught:
        engine.frameworks()
    assert a.__name__ in str(caught.value) and "shared.toml" in str(caught.value)


def test_conflict_through_the_console_entry_point_is_exit_3(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from competency.cli import main

    (tmp_path / "copy.toml").write_text((repo / "frameworks" / "collective_leadership.toml").read_text("utf-8"), "utf-8")
    monkeypatch.setenv("COMPETENCY_FRAMEWORKS_PATH", str(tmp_path))
    with pytest.raises(SystemExit) as caught:
        main(["--frameworks-dir", str(repo / "frameworks"), "frameworks"])
    assert caught.value.code == 3
    err = capsys.readouterr().err
    assert "collective-leadership" in err and "copy.toml" in err
    assert "Traceback" not in err


# -- failures are reported, the rest keeps working ------------------------------------------------------


def test_a_raising_hook_is_reported_and_the_rest_keeps_working(
    repo: Path, load_sample_plugin: Loader, with_journal_club: dict[str, Any]
) -> None:
    raising = load_sample_plugin("raising")
    engine = engine_with(repo, raising, load_sample_plugin("journal_club"))
    assert {"json", "text"} <= set(engine.exporters())
    assert "no-x" in engine.checks(), "the plugin's other hooks still ran"
    (failure,) = engine.plugin_failures
    assert failure.plugin == raising.__name__
    assert "RuntimeError: the exporter plugin is broken" in failure.error
    assert failure.distribution
    assert raising.__name__ in str(failure) and "failed" in str(failure)
    # Everything else still works: validate and score with another plugin's kind.
    card = engine.score(engine.load_evidence(with_journal_club, as_of=AS_OF), as_of=AS_OF)
    assert engine.export([card], "text").startswith("Megan Doherty")


def test_a_misspelled_hook_is_caught_by_check_pending(repo: Path, load_sample_plugin: Loader) -> None:
    misspelled = load_sample_plugin("misspelled")
    engine = engine_with(repo, misspelled)
    (failure,) = engine.plugin_failures
    assert failure.plugin == misspelled.__name__
    assert "register_framework" in failure.error
    assert misspelled.CALLED == [], "a plugin that fails check_pending is not used at all"
    assert not engine.plugin_manager.is_registered(misspelled)
    assert {"json", "text"} <= set(engine.exporters())
    assert [f.id for f in engine.frameworks()] == ["collective-leadership"]


def test_plugin_failures_are_warned_about(repo: Path, load_sample_plugin: Loader) -> None:
    warnings: list[str] = []
    engine = Engine(
        plugins=False, extra_plugins=[load_sample_plugin("raising")], frameworks_dirs=[repo / "frameworks"],
        search_pyproject=False, env={}, warn=warnings.append,
    )
    engine.exporters()
    assert len(warnings) == 1 and "the exporter plugin is broken" in warnings[0]


# -- selecting plugins -----------------------------------------------------------------------------------


def test_block_a_built_in(repo: Path, load_sample_plugin: Loader) -> None:
    blocked = engine_with(repo, env={"COMPETENCY_BLOCK_PLUGINS": "competency.checks.hooks, competency.exporters.hooks"})
    assert blocked.checks() == {}
    assert blocked.exporters() == {}
    assert "competency.checks.hooks" not in {i.name for i in blocked.plugins()}
    assert set(blocked.evidence_kinds()) == {"rating", "activity", "reflection", "attainment"}


def test_block_a_built_in_through_the_cli(invoke: Any, repo: Path, tmp_path: Path) -> None:
    data = tomli.loads((repo / "examples" / "receptionist.toml").read_text("utf-8"))
    data["evidence"][7]["text"] = "Patient 943 476 5919 was upset."
    file = tmp_path / "nhs.toml"
    file.write_text(tomli_w.dumps(data), "utf-8")
    assert invoke("validate", "--strict", "--as-of", AS_OF.isoformat(), file).exit_code == 1
    env = {"COMPETENCY_BLOCK_PLUGINS": "competency.checks.hooks"}
    result = invoke("validate", "--strict", "--as-of", AS_OF.isoformat(), file, env=env)
    assert result.exit_code == 0, result.output
    plugins = json.loads(invoke("plugins", "--format", "json", env=env).stdout)["plugins"]
    assert "competency.checks.hooks" not in [p["name"] for p in plugins]
    no_text = invoke("score", "--as-of", AS_OF.isoformat(), file, env={"COMPETENCY_BLOCK_PLUGINS": "competency.exporters.hooks"})
    assert no_text.exit_code == 2


@pytest.fixture
def fake_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An installed distribution (a .dist-info on sys.path) with a working and a broken entry point."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "fake_competency_ok.py").write_text(
        textwrap.dedent(
            '''
            from competency import hookimpl

            @hookimpl
            def register_checks(register):
                from competency import EvidenceCheck
                register(EvidenceCheck("fake-check", "does nothing", lambda evidence, context: iter(())))

            @hookimpl
            def register_commands(cli):
                import click

                @cli.command("hello")
                @click.argument("name")
                def hello(name):
                    """Say hello (a plugin's command)."""
                    click.echo(f"hello {name}")

                @cli.command("validate")
                def shadow():
                    """A plugin may not replace a core command."""
                    click.echo("shadowed")
            '''
        ),
        "utf-8",
    )
    (site / "fake_competency_broken.py").write_text("raise ImportError('a dependency is missing')\n", "utf-8")
    info = site / "fake_competency_plugin-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-competency-plugin\nVersion: 1.2.3\n", "utf-8")
    (info / "entry_points.txt").write_text(
        "[competency]\nfake_ok = fake_competency_ok\nfake_broken = fake_competency_broken\n", "utf-8"
    )
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in ("fake_competency_ok", "fake_competency_broken"):
        sys.modules.pop(name, None)


def test_entry_point_plugins_load_with_their_distribution(repo: Path, fake_distribution: Path) -> None:
    engine = Engine(frameworks_dirs=[repo / "frameworks"], search_pyproject=False,
                    env={"COMPETENCY_LOAD_PLUGINS": "fake_ok,fake_broken"})
    assert "fake-check" in engine.checks()
    info = {i.name: i for i in engine.plugins()}["fake_ok"]
    assert (info.distribution, info.version, info.builtin) == ("fake-competency-plugin", "1.2.3", False)
    assert info.provides == {"checks": ["fake-check"]}
    (failure,) = engine.plugin_failures
    assert failure.plugin == "fake_broken"
    assert failure.distribution == "fake-competency-plugin 1.2.3"
    assert "a dependency is missing" in failure.error
    assert set(engine.evidence_kinds()) == {"rating", "activity", "reflection", "attainment"}


def test_load_plugins_selects_entry_points(repo: Path, fake_distribution: Path) -> None:
    only_ok = Engine(frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env={"COMPETENCY_LOAD_PLUGINS": "fake_ok"})
    assert "fake-check" in only_ok.checks() and only_ok.plugin_failures == ()
    none = Engine(frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env={"COMPETENCY_LOAD_PLUGINS": ""})
    assert "fake-check" not in none.checks() and none.plugin_failures == ()
    blocked = Engine(
        frameworks_dirs=[repo / "frameworks"], search_pyproject=False,
        env={"COMPETENCY_LOAD_PLUGINS": "fake_ok,fake_broken", "COMPETENCY_BLOCK_PLUGINS": "fake_broken"},
    )
    assert "fake-check" in blocked.checks() and blocked.plugin_failures == ()
    no_entry_points = Engine(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env={})
    assert "fake-check" not in no_entry_points.checks()


def test_plugins_command_shows_failures(invoke: Any, fake_distribution: Path) -> None:
    result = invoke("plugins", "--format", "json", env={"COMPETENCY_LOAD_PLUGINS": "fake_ok,fake_broken"})
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [f["plugin"] for f in document["failures"]] == ["fake_broken"]
    fake = next(p for p in document["plugins"] if p["name"] == "fake_ok")
    assert (fake["distribution"], fake["version"]) == ("fake-competency-plugin", "1.2.3")
    assert "fake_broken" in result.stderr and "warning" in result.stderr


def test_plugin_commands_are_added_lazily(invoke: Any, fake_distribution: Path, repo: Path) -> None:
    env = {"COMPETENCY_LOAD_PLUGINS": "fake_ok"}
    result = invoke("hello", "world", env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == "hello world\n"
    help_text = invoke("hello", "--help", env=env)
    assert help_text.exit_code == 0 and "Say hello" in help_text.stdout
    assert invoke("hello", "world", env={"COMPETENCY_LOAD_PLUGINS": ""}).exit_code == 2
    # A core command keeps its meaning whatever a plugin registers under its name.
    core = invoke("validate", "--as-of", AS_OF.isoformat(), repo / "examples" / "receptionist.toml", env=env)
    assert core.exit_code == 0 and "shadowed" not in core.output


def test_trace_switch_prints_hook_calls(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_with(repo, env={"COMPETENCY_TRACE_PLUGINS": "1"})
    engine.exporters()
    assert "register_exporters" in capsys.readouterr().err


# -- documentation cannot drift -------------------------------------------------------------------------


def signature_of(name: str) -> str:
    """``def name(param: Annotation, ...) -> Return``, with annotations as written in hookspecs.py."""
    function = getattr(hookspecs, name)
    signature = inspect.signature(function)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {name}({params}) -> {signature.return_annotation}"


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_documented_with_its_exact_signature(hook: str, repo: Path) -> None:
    docs = repo / "docs" / "plugins.md"
    assert docs.is_file(), "docs/plugins.md documents the plugin hooks"
    text = docs.read_text("utf-8")
    assert f"### {hook}" in text, f"docs/plugins.md has no section for {hook}"
    assert signature_of(hook) in text, f"docs/plugins.md must show {signature_of(hook)!r}"


def test_docs_document_no_hook_that_does_not_exist(repo: Path) -> None:
    text = (repo / "docs" / "plugins.md").read_text("utf-8")
    documented = set(re.findall(r"^### (register_\w+)", text, flags=re.MULTILINE))
    assert documented == set(hook_names())


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    rest = text[start + len(heading):]
    end = re.search(r"^## ", rest, flags=re.MULTILINE)
    return rest[: end.start()] if end else rest


def test_the_worked_example_in_the_plugin_docs_runs(repo: Path, tmp_path: Path) -> None:
    text = section((repo / "docs" / "plugins.md").read_text("utf-8"), "## A worked example")
    code = re.search(r"```python\n(.*?)```", text, flags=re.DOTALL)
    evidence = re.search(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    assert code and evidence, "the worked example has a python block and a toml block"
    module = types.ModuleType("competency_docs_example")
    sys.modules[module.__name__] = module  # attrs and cattrs resolve the module's names through it
    try:
        exec(compile(code.group(1), "docs/plugins.md", "exec"), module.__dict__)  # noqa: S102
        engine = engine_with(repo, module)
        kinds = set(engine.evidence_kinds()) - {"rating", "activity", "reflection", "attainment"}
        assert kinds, "the example registers an evidence kind"
        data = tomli.loads((repo / "examples" / "receptionist.toml").read_text("utf-8"))
        item = tomli.loads(evidence.group(1))["evidence"][0]
        for key, value in list(item.items()):
            if isinstance(value, datetime.date) and value > AS_OF:
                item[key] = AS_OF
        data["evidence"].append(item)
        validation = engine.validate(data, as_of=AS_OF)
        assert validation.ok, [str(p) for p in validation.problems]
        card = engine.score(validation.unwrap(), as_of=AS_OF)
        assert any(item["id"] in {e.id for e in r.evidence} for f in card.frameworks for r in f.competencies)
    finally:
        sys.modules.pop(module.__name__, None)


# -- lazy start-up ---------------------------------------------------------------------------------------

HEAVY = ("attr", "attrs", "cattrs", "pluggy", "tomli", "tomli_w")


@pytest.mark.parametrize("statement", ["import competency", "import competency.cli", "import competency, competency.cli"])
def test_importing_is_lazy(statement: str, repo: Path) -> None:
    probe = f"{statement}; import sys; print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=repo, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]", f"{statement} imported {completed.stdout.strip()}"


def test_version_stays_lazy(repo: Path) -> None:
    probe = textwrap.dedent(
        f"""
        import sys
        from competency.cli import main
        try:
            main(["--version"])
        except SystemExit:
            pass
        print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}), file=sys.stderr)
        """
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=repo, check=False,
                               env={"COMPETENCY_LOAD_PLUGINS": "", "PATH": ""})
    assert completed.stderr.strip().splitlines()[-1] == "[]", completed.stderr
