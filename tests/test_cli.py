"""The command line, as a user meets it: help, version, formats, --output, exit codes, 80 columns."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import tomli
import tomli_w

import competency
from competency.cli import cli

AS_OF = "2026-03-01"


def command_names() -> list[str]:
    """Every command, as the core alone has them (also called at collection, before the fixtures)."""
    saved = os.environ.get("COMPETENCY_LOAD_PLUGINS")
    os.environ["COMPETENCY_LOAD_PLUGINS"] = ""
    try:
        with click.Context(cli) as ctx:
            return cli.list_commands(ctx)
    finally:
        if saved is None:
            del os.environ["COMPETENCY_LOAD_PLUGINS"]
        else:
            os.environ["COMPETENCY_LOAD_PLUGINS"] = saved


def too_wide(text: str) -> list[str]:
    return [line for line in text.split("\n") if len(line) > 80]


# -- help and version ---------------------------------------------------------------------------------


def test_core_commands_are_listed() -> None:
    assert {"frameworks", "show", "check-framework", "validate", "score", "plugins"} <= set(command_names())


def test_top_level_help(invoke: Any) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ")
    for name in command_names():
        assert name in result.stdout
    assert "Exit codes" in result.stdout
    assert not too_wide(result.stdout)


@pytest.mark.parametrize("name", command_names())
def test_every_subcommand_has_help(name: str, invoke: Any) -> None:
    for flag in ("--help", "-h"):
        result = invoke(name, flag)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Usage: ")
        assert f" {name} " in result.stdout.splitlines()[0]
        assert not too_wide(result.stdout)
        assert result.stderr == ""


def test_version(invoke: Any) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"competency {competency.__version__}\n"
    assert invoke("-V").stdout == result.stdout


def test_python_dash_m(repo: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "competency", "--version"], capture_output=True, text=True, cwd=repo, check=False,
        env={**os.environ, "COMPETENCY_LOAD_PLUGINS": ""},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"competency {competency.__version__}"


def test_no_command_shows_usage(invoke: Any) -> None:
    result = invoke()
    assert result.exit_code in (0, 2)
    assert "Usage: " in result.output


# -- usage errors exit 2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "mentioned"),
    [
        (("score", "--format", "xml"), "--format"),
        (("score", "--role", "astronaut"), "--role"),
        (("score", "--framework", "no-such-framework"), "--framework"),
        (("score", "--scorer", "nope"), "--scorer"),
        (("score", "--as-of", "yesterday"), "--as-of"),
        (("score", "--frobnicate"), "--frobnicate"),
        (("validate", "--format", "xml"), "--format"),
        (("frameworks", "--format", "yaml"), "--format"),
        (("show", "collective-leadership", "--format", "yaml"), "--format"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], mentioned: str, invoke: Any, examples: list[Path]) -> None:
    result = invoke(*args, examples[0])
    assert result.exit_code == 2, result.output
    assert mentioned in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["validate", "score", "check-framework", "show"])
def test_missing_arguments_exit_2(command: str, invoke: Any) -> None:
    result = invoke(command)
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_unknown_command_exits_2(invoke: Any) -> None:
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_missing_frameworks_dir_is_a_usage_error(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["--frameworks-dir", str(tmp_path / "nowhere"), "frameworks"])
    assert result.exit_code == 2
    assert "--frameworks-dir" in result.stderr


# -- score --format json ----------------------------------------------------------------------------------


def test_score_json_is_stable_and_complete(invoke: Any, examples: list[Path]) -> None:
    result = invoke("score", "--as-of", AS_OF, "--format", "json", *examples)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert next(iter(document)) == "schema_version", "the schema version leads the document"
    assert document["schema_version"] == 1
    assert document["as_of"] == AS_OF
    assert len(document["scorecards"]) == len(examples)
    for card in document["scorecards"]:
        assert card["as_of"] == AS_OF and card["scorer"] == "default"
        assert {"id", "role"} <= set(card["subject"])
        (framework,) = card["frameworks"]
        assert framework["id"] == "collective-leadership"
        assert len(framework["competencies"]) == 34
        for result_ in framework["competencies"]:
            assert {"id", "level", "score", "evidence"} <= set(result_)
            assert result_["level"] is None or isinstance(result_["level"], str)
            assert result_["score"] is None or isinstance(result_["score"], float)
            assert all(isinstance(e["id"], str) and 0 <= e["weight"] <= 1 for e in result_["evidence"])
    # Stable: the same command gives the same bytes.
    assert invoke("score", "--as-of", AS_OF, "--format", "json", *examples).stdout == result.stdout


def test_score_json_matches_the_api(invoke: Any, engine: Any, examples: list[Path]) -> None:
    import datetime

    as_of = datetime.date.fromisoformat(AS_OF)
    cards = [engine.score(engine.load_evidence(p, as_of=as_of), as_of=as_of) for p in examples]
    result = invoke("score", "--as-of", AS_OF, "--format", "json", *examples)
    assert json.loads(result.stdout) == json.loads(engine.export(cards, "json"))


def test_score_json_evidence_explains_levels(invoke: Any, examples: list[Path]) -> None:
    result = invoke("score", "--as-of", AS_OF, "--format", "json", examples[0])
    for result_ in json.loads(result.stdout)["scorecards"][0]["frameworks"][0]["competencies"]:
        if result_["level"] is not None and result_["basis"] == "direct":
            judged = [e for e in result_["evidence"] if e["weight"] > 0]
            assert judged or "credit-only" in result_["flags"]
            if judged:
                assert sum(e["weight"] for e in judged) == pytest.approx(1, abs=1e-3)


# -- --output ---------------------------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path, repo: Path) -> Path:
    data = tomli.loads((repo / "examples" / "receptionist.toml").read_text("utf-8"))
    data["evidence"][0]["hours"] = -1
    file = tmp_path / "broken.toml"
    file.write_text(tomli_w.dumps(data), "utf-8")
    return file


def test_output_on_success_holds_the_report(tmp_path: Path, invoke: Any, examples: list[Path]) -> None:
    out = tmp_path / "scores.json"
    result = invoke("score", "--as-of", AS_OF, "--format", "json", "--output", out, *examples)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text("utf-8") == invoke("score", "--as-of", AS_OF, "--format", "json", *examples).stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.json"], "no temporary file is left behind"


def test_output_replaces_an_existing_file(tmp_path: Path, invoke: Any, examples: list[Path]) -> None:
    out = tmp_path / "scores.txt"
    out.write_text("old report\n", "utf-8")
    result = invoke("score", "--as-of", AS_OF, "-o", out, examples[0])
    assert result.exit_code == 0
    assert out.read_text("utf-8").startswith(invoke("score", "--as-of", AS_OF, examples[0]).stdout.splitlines()[0])


def test_output_file_permissions_are_those_of_a_plain_write(tmp_path: Path, invoke: Any, examples: list[Path]) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    new = tmp_path / "new.txt"
    assert invoke("score", "--as-of", AS_OF, "-o", new, examples[0]).exit_code == 0
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask
    private = tmp_path / "private.txt"
    private.write_text("old", "utf-8")
    private.chmod(0o600)
    assert invoke("score", "--as-of", AS_OF, "-o", private, examples[0]).exit_code == 0
    assert private.stat().st_mode & 0o777 == 0o600, "replacing a file keeps its mode"


def test_output_on_bad_input_creates_no_file(tmp_path: Path, broken: Path, invoke: Any, examples: list[Path]) -> None:
    out = tmp_path / "scores.json"
    before = sorted(p.name for p in tmp_path.iterdir())
    result = invoke("score", "--as-of", AS_OF, "--format", "json", "--output", out, examples[0], broken)
    assert result.exit_code == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert f"{broken}: evidence[0].hours: -1 is negative" in result.stderr
    assert str(out) in result.stderr and "not written" in result.stderr


def test_output_on_bad_input_leaves_an_existing_file_untouched(
    tmp_path: Path, broken: Path, invoke: Any, examples: list[Path]
) -> None:
    out = tmp_path / "scores.json"
    out.write_bytes(b"previous report")
    os.utime(out, (1_000_000_000, 1_000_000_000))
    result = invoke("score", "--as-of", AS_OF, "--output", out, broken)
    assert result.exit_code == 1
    assert out.read_bytes() == b"previous report"
    assert out.stat().st_mtime == 1_000_000_000


def test_output_to_a_missing_folder_is_a_clean_error(tmp_path: Path, invoke: Any, examples: list[Path]) -> None:
    out = tmp_path / "no-such-folder" / "scores.json"
    result = invoke("score", "--as-of", AS_OF, "--output", out, examples[0])
    assert result.exit_code == 1
    assert str(out) in result.stderr
    assert not out.parent.exists()


def test_output_failure_leaves_no_temporary_file(
    tmp_path: Path, invoke: Any, examples: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import competency.atomic

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(competency.atomic.os, "fsync", fail)
    out = tmp_path / "scores.json"
    out.write_text("previous", "utf-8")
    result = invoke("score", "--as-of", AS_OF, "--output", out, examples[0])
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert out.read_text("utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.json"]


# -- text output ------------------------------------------------------------------------------------------


def test_text_output_fits_80_columns(invoke: Any, examples: list[Path], repo: Path) -> None:
    outputs = {
        "score all": invoke("score", "--as-of", AS_OF, *examples),
        "frameworks": invoke("frameworks"),
        "show": invoke("show", "collective-leadership"),
        "validate": invoke("validate", "--as-of", AS_OF, repo / "examples"),
        "plugins": invoke("plugins"),
    }
    for path in examples:
        outputs[f"score {path.name}"] = invoke("score", "--as-of", AS_OF, path)
        for role in ("gp", "practice-manager", "reception-clerical", "practice-nurse"):
            outputs[f"score {path.name} {role}"] = invoke("score", "--as-of", AS_OF, "--role", role, path)
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.output)
        assert result.stdout.strip(), name
        wide = too_wide(result.output)
        assert not wide, (name, wide)


def test_text_output_shows_levels_targets_and_evidence(invoke: Any, repo: Path) -> None:
    result = invoke("score", "--as-of", AS_OF, repo / "examples" / "gp-partner.toml")
    lines = result.stdout.splitlines()
    assert "as of 2026-03-01" in lines[0]
    assert any(line.startswith("competency") and "level" in line and "target" in line for line in lines)
    assert any("evidence: " in line for line in lines)
    assert any("role targets met" in line for line in lines)


def test_control_characters_in_evidence_are_escaped_in_text_output(
    tmp_path: Path, repo: Path, invoke: Any
) -> None:
    data = tomli.loads((repo / "examples" / "receptionist.toml").read_text("utf-8"))
    data["subject"]["name"] = "Megan\x1b]0;pwned\x07\x1b[2J\r\x08"
    data["subject"]["id"] = "rc\x1b[31m-0219"
    original_id = data["evidence"][5]["id"]
    data["evidence"][5]["id"] = "self\x1b[8m-rating\x9b"
    assert original_id == "self-rating-2024"
    file = tmp_path / "hostile.toml"
    file.write_text(tomli_w.dumps(data), "utf-8")
    result = invoke("score", "--as-of", AS_OF, file)
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\x08", "\r", "\x9b"):
        assert raw not in result.output
    assert "\\x1b]0;pwned\\x07" in result.stdout
    assert "self\\x1b[8m-rating" in result.stdout.replace("\n", "")
    assert not too_wide(result.stdout)
    # JSON keeps the text exactly, escaped the JSON way.
    as_json = invoke("score", "--as-of", AS_OF, "--format", "json", file)
    assert "\x1b" not in as_json.stdout
    assert json.loads(as_json.stdout)["scorecards"][0]["subject"]["name"] == data["subject"]["name"]


def test_long_and_wide_text_still_fits(tmp_path: Path, repo: Path, invoke: Any) -> None:
    data = tomli.loads((repo / "examples" / "receptionist.toml").read_text("utf-8"))
    data["subject"]["name"] = "Ζωή " * 40
    data["evidence"][5]["id"] = "x" * 150
    file = tmp_path / "long.toml"
    file.write_text(tomli_w.dumps(data), "utf-8")
    result = invoke("score", "--as-of", AS_OF, file)
    assert result.exit_code == 0
    assert not too_wide(result.stdout)


# -- never a traceback ------------------------------------------------------------------------------------


def test_internal_errors_are_one_line_with_exit_4(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], examples: list[Path], repo: Path
) -> None:
    from competency import Engine
    from competency.cli import main

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("scorer exploded")

    monkeypatch.setattr(Engine, "score", broken)
    with pytest.raises(SystemExit) as caught:
        main(["--frameworks-dir", str(repo / "frameworks"), "score", "--as-of", AS_OF, str(examples[0])])
    assert caught.value.code == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "internal error: RuntimeError: scorer exploded" in err
    assert len(err.strip().splitlines()) == 1


def test_debug_switch_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, examples: list[Path], repo: Path) -> None:
    from competency import Engine
    from competency.cli import main

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("scorer exploded")

    monkeypatch.setattr(Engine, "score", broken)
    monkeypatch.setenv("COMPETENCY_DEBUG", "1")
    with pytest.raises(RuntimeError, match="scorer exploded"):
        main(["--frameworks-dir", str(repo / "frameworks"), "score", "--as-of", AS_OF, str(examples[0])])


def test_console_script_on_a_corrupt_file(tmp_path: Path, repo: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\x00\x01\x02junk")
    script = Path(sys.executable).with_name("competency")
    env = {**os.environ, "COMPETENCY_LOAD_PLUGINS": ""}
    for command in ("validate", "score"):
        completed = subprocess.run([str(script), command, str(bad)], capture_output=True, text=True, cwd=repo, env=env, check=False)
        assert completed.returncode == 1
        assert f"{bad}: " in completed.stderr
        assert "Traceback" not in completed.stderr + completed.stdout


def test_examples_exit_0(invoke: Any, repo: Path) -> None:
    for command in ("validate", "score"):
        result = invoke(command, "--as-of", AS_OF, repo / "examples")
        assert result.exit_code == 0, result.output


def test_score_a_batch_keeps_going(broken: Path, invoke: Any, examples: list[Path]) -> None:
    result = invoke("score", "--as-of", AS_OF, "--format", "json", examples[0], broken, examples[1])
    assert result.exit_code == 1
    cards = json.loads(result.stdout)["scorecards"]
    assert [c["source"] for c in cards] == [str(examples[0]), str(examples[1])]
    assert "3 files: 2 valid, 1 invalid" in result.stderr


def test_score_against_a_chosen_framework_and_role(invoke: Any, examples: list[Path]) -> None:
    result = invoke(
        "score", "--as-of", AS_OF, "--format", "json", "--framework", "collective-leadership", "--role", "practice-nurse",
        examples[0],
    )
    assert result.exit_code == 0
    framework = json.loads(result.stdout)["scorecards"][0]["frameworks"][0]
    assert framework["role"] == "practice-nurse"


def test_plugins_command_text(invoke: Any) -> None:
    result = invoke("plugins")
    assert result.exit_code == 0
    assert "(built-in)" in result.stdout
    assert "evidence kinds: activity, attainment, rating, reflection" in result.stdout


def test_cli_does_not_mutate_examples(invoke: Any, examples: list[Path]) -> None:
    before = {p: p.read_bytes() for p in examples}
    invoke("score", "--as-of", AS_OF, *examples)
    invoke("validate", "--as-of", AS_OF, *examples)
    assert {p: p.read_bytes() for p in examples} == before


def test_directory_search_skips_hidden_directories_and_project_files(invoke, repo, tmp_path, write) -> None:
    example = (repo / "examples" / "receptionist.toml").read_text(encoding="utf-8")
    write("people/receptionist.toml", example)
    write("people/.venv/lib/junk.toml", "not = [valid")
    write("people/pyproject.toml", "[project]\nname = 'x'\n")
    result = invoke("validate", str(tmp_path / "people"), "--as-of", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert "1 file: 1 valid, 0 invalid" in result.output
    assert "junk" not in result.output and "pyproject" not in result.output


def test_show_of_an_unknown_framework_is_a_usage_error(invoke) -> None:
    result = invoke("show", "no-such-framework")
    assert result.exit_code == 2
    assert "unknown framework 'no-such-framework'" in result.output


def test_dates_from_dicts_must_be_written_in_full(engine) -> None:
    validation = engine.validate(
        {
            "subject": {"id": "x"},
            "evidence": [
                {"id": "r", "kind": "reflection", "date": "20240201", "text": "t", "competencies": ["followership"]}
            ],
        },
        as_of=datetime.date(2026, 11, 26),
    )
    assert [(p.path, p.message) for p in validation.errors] == [
        ("evidence[0].date", 'expected a date (YYYY-MM-DD), got "20240201"')
    ]
