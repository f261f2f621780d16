"""Framework files: loading, linting (check_framework), the framework commands and the dump round trip."""

from __future__ import annotations

import copy
import datetime
import json
import string
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from competency import (
    Framework,
    InvalidInput,
    Problem,
    check_framework,
    dump_framework,
    framework_from_dict,
    load_framework,
)

SHIPPED_ID = "collective-leadership"


def minimal() -> dict[str, Any]:
    """A small valid framework as parsed TOML: two levels of tree, a four-level scale and a role."""
    return {
        "id": "tiny",
        "version": "0.1",
        "title": "Tiny framework",
        "publisher": "tests",
        "source": "made up for the tests",
        "licence": "CC0",
        "scale": {
            "proficient": "c",
            "levels": [{"id": i, "label": i.upper()} for i in "abcd"],
        },
        "competencies": [
            {"id": "root", "title": "Root"},
            {"id": "child", "title": "Child", "parent": "root", "descriptors": {"a": "starting", "d": "expert"}},
            {"id": "other", "title": "Other", "links": [{"type": "isRelatedTo", "target": "root"}]},
        ],
        "roles": [{"id": "r", "title": "A role", "targets": {"root": "c", "child": "b"}}],
    }


def errors_of(data: dict[str, Any]) -> list[Problem]:
    """The errors framework_from_dict reports for ``data`` (it must reject it)."""
    with pytest.raises(InvalidInput) as caught:
        framework_from_dict(data)
    assert caught.value.errors, "InvalidInput must carry at least one error"
    return list(caught.value.errors)


def assert_problem(problems: list[Problem], path: str, *fragments: str) -> Problem:
    """One of ``problems`` is located at ``path`` and its message holds every fragment."""
    at = [p for p in problems if p.path == path]
    assert at, f"no problem at {path!r}; got {[str(p) for p in problems]}"
    for problem in at:
        if all(f in problem.message for f in fragments):
            return problem
    raise AssertionError(f"no problem at {path!r} mentions {fragments}; got {[str(p) for p in at]}")


# -- the shipped framework ---------------------------------------------------------------------------


def test_shipped_framework_loads_and_is_clean(repo: Path) -> None:
    framework = load_framework(repo / "frameworks" / "collective_leadership.toml")
    assert framework.id == SHIPPED_ID
    assert check_framework(framework) == []
    roots = framework.roots
    assert len(roots) == 7, "the source page lists seven collective-leadership behaviours"
    assert all(framework.children(r.id) for r in roots), "every behaviour has indicators"
    assert framework.scale.top == 4
    assert framework.scale.proficient_rank in range(1, 5)
    roles = {r.id for r in framework.roles}
    assert {"gp", "practice-nurse", "practice-manager", "reception-clerical"} <= roles
    assert framework.source.strip(), "the framework cites its source"


def test_shipped_framework_is_reachable_through_the_engine(engine: Any) -> None:
    assert SHIPPED_ID in [f.id for f in engine.frameworks()]
    framework = engine.framework(SHIPPED_ID)
    assert framework.qualified("vision-and-direction") == "collective-leadership:vision-and-direction"
    assert engine.framework_provider(SHIPPED_ID).endswith("collective_leadership.toml")


def test_unknown_framework_names_the_available_ones(engine: Any) -> None:
    from competency import ConfigurationError

    with pytest.raises(ConfigurationError, match="collective-leadership"):
        engine.framework("no-such-framework")


def test_minimal_framework_is_valid() -> None:
    framework = framework_from_dict(minimal())
    assert isinstance(framework, Framework)
    assert check_framework(framework) == []
    assert [c.id for c in framework.children("root")] == ["child"]
    assert [c.id for c, _ in framework.walk()] == ["root", "child", "other"]


def test_framework_model_is_immutable() -> None:
    framework = framework_from_dict(minimal())
    with pytest.raises(AttributeError):
        framework.id = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        framework.competency("child").descriptors["a"] = "changed"  # type: ignore[index, union-attr]


# -- check_framework: every kind of mistake, located ---------------------------------------------------


def mutated(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    change(data)
    return data


BAD_FRAMEWORKS = {
    "duplicate competency id": (
        lambda d: d["competencies"].append({"id": "child", "title": "Again"}),
        "competencies[3]", ("duplicate competency id", "'child'"),
    ),
    "duplicate level id": (
        lambda d: d["scale"]["levels"].append({"id": "a", "label": "A again"}),
        "scale.levels[4]", ("duplicate level id",),
    ),
    "duplicate role id": (
        lambda d: d["roles"].append({"id": "r", "title": "Again", "targets": {"root": "a"}}),
        "roles[1]", ("duplicate role id",),
    ),
    "dangling parent": (
        lambda d: d["competencies"][1].update(parent="nowhere"),
        "competencies[1].parent", ("'nowhere'", "not a competency"),
    ),
    "parent cycle": (
        lambda d: d["competencies"][0].update(parent="child"),
        "competencies[0].parent", ("cycle",),
    ),
    "own parent": (
        lambda d: d["competencies"][2].update(parent="other"),
        "competencies[2].parent", ("own ancestor",),
    ),
    "empty scale": (
        lambda d: d["scale"].update(levels=[]),
        "scale.levels", ("no levels",),
    ),
    "proficient not on the scale": (
        lambda d: d["scale"].update(proficient="z"),
        "scale.proficient", ("'z'", "not a level"),
    ),
    "role target off the scale": (
        lambda d: d["roles"][0]["targets"].update(root="expert"),
        "roles[0].targets.root", ("'expert'", "not on the scale", "1-4"),
    ),
    "role target for an unknown competency": (
        lambda d: d["roles"][0]["targets"].update(x="a"),
        "roles[0].targets.x", ("'x'", "not a competency"),
    ),
    "descriptor keyed by an unknown level": (
        lambda d: d["competencies"][1]["descriptors"].update(expert="?"),
        "competencies[1].descriptors.expert", ("'expert'", "not a level"),
    ),
    "dangling local link": (
        lambda d: d["competencies"][2]["links"].append({"type": "isRelatedTo", "target": "ghost"}),
        "competencies[2].links[1].target", ("'ghost'",),
    ),
    "no competencies": (
        lambda d: d.update(competencies=[]),
        "competencies", ("no competencies",),
    ),
    "bad framework id": (
        lambda d: d.update(id="Not Kebab"),
        "id", ("not a valid framework id",),
    ),
    "empty title": (
        lambda d: d.update(title="  "),
        "title", ("must not be empty",),
    ),
    "no source citation": (
        lambda d: d.update(source=""),
        "source", ("cite",),
    ),
    "unknown roll-up rule": (
        lambda d: d.update(rollup="points"),
        "rollup", ("'points'", "not a roll-up rule"),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FRAMEWORKS))
def test_check_framework_catches(case: str) -> None:
    change, path, fragments = BAD_FRAMEWORKS[case]
    assert_problem(errors_of(mutated(change)), path, *fragments)


@pytest.mark.parametrize("case", sorted(BAD_FRAMEWORKS))
def test_check_framework_command_rejects_bad_file(case: str, write: Any, invoke: Any) -> None:
    change, path, fragments = BAD_FRAMEWORKS[case]
    file = write("bad.toml", tomli_w.dumps(mutated(change)))
    with pytest.raises(InvalidInput) as caught:
        load_framework(file)
    problem = assert_problem(list(caught.value.errors), path, *fragments)
    assert problem.source == str(file)
    result = invoke("check-framework", file)
    assert result.exit_code == 1
    assert f"{file}: {path}: " in result.stderr


def test_cycle_reported_once_and_without_hanging() -> None:
    def loop(d: dict[str, Any]) -> None:
        d["competencies"] = [
            {"id": "a", "title": "A", "parent": "c"},
            {"id": "b", "title": "B", "parent": "a"},
            {"id": "c", "title": "C", "parent": "b"},
        ]
        d["roles"] = []

    problems = errors_of(mutated(loop))
    cycles = [p for p in problems if "cycle" in p.message]
    assert len(cycles) == 1, [str(p) for p in problems]


def test_every_problem_is_reported_at_once() -> None:
    def many(d: dict[str, Any]) -> None:
        d["competencies"][1]["parent"] = "nowhere"
        d["scale"]["proficient"] = "z"
        d["roles"][0]["targets"]["x"] = "a"

    paths = {p.path for p in errors_of(mutated(many))}
    assert {"competencies[1].parent", "scale.proficient", "roles[0].targets.x"} <= paths


def test_missing_licence_is_only_a_warning() -> None:
    framework = framework_from_dict(mutated(lambda d: d.pop("licence")))
    problems = check_framework(framework)
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].path == "licence"


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (lambda d: d.update(colour="red"), "", "unknown key: colour"),
        (lambda d: d["competencies"][0].update(colour="red"), "competencies[0]", "unknown key: colour"),
        (lambda d: d.pop("title"), "title", "required key is missing"),
        (lambda d: d["scale"]["levels"][0].pop("label"), "scale.levels[0].label", "required key is missing"),
        (lambda d: d.update(version=1), "version", "expected a string, got 1"),
        (lambda d: d["roles"][0]["targets"].update(root=3), "roles[0].targets.root", "expected a string, got 3"),
        (lambda d: d.update(competencies={"id": "x"}), "competencies", "expected an array"),
        (lambda d: d.update(scale="four levels"), "scale", "expected a table"),
    ],
)
def test_structural_errors_are_located(change: Any, path: str, fragment: str) -> None:
    problems = errors_of(mutated(change))
    assert any(p.path == path and fragment in p.message for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "is empty"),
        ("id = [", "line 1, column"),
        (b"\xff\xfe\x00junk", "not UTF-8"),
    ],
)
def test_unreadable_framework_files(content: str | bytes, fragment: str, write: Any, invoke: Any) -> None:
    file = write("broken.toml", content)
    with pytest.raises(InvalidInput, match=fragment):
        load_framework(file)
    result = invoke("check-framework", file)
    assert result.exit_code == 1
    assert str(file) in result.stderr and fragment in result.stderr


def test_check_framework_command_passes_shipped_file(repo: Path, invoke: Any) -> None:
    file = repo / "frameworks" / "collective_leadership.toml"
    result = invoke("check-framework", file)
    assert result.exit_code == 0, result.output
    assert f"{file}: ok" in result.stdout


def test_check_framework_command_keeps_going_and_summarises(repo: Path, write: Any, invoke: Any) -> None:
    good = repo / "frameworks" / "collective_leadership.toml"
    bad = write("bad.toml", tomli_w.dumps(mutated(lambda d: d["scale"].update(levels=[]))))
    missing = bad.with_name("missing.toml")
    result = invoke("check-framework", bad, missing, good)
    assert result.exit_code == 1
    assert f"{good}: ok" in result.stdout
    assert f"{missing}: no such file" in result.stderr
    assert "3 files: 1 valid, 2 invalid" in result.stderr


def test_check_framework_command_shows_warnings_but_passes(write: Any, invoke: Any) -> None:
    file = write("nolicence.toml", tomli_w.dumps(mutated(lambda d: d.pop("licence"))))
    result = invoke("check-framework", file)
    assert result.exit_code == 0
    assert f"{file}: licence: warning: " in result.stderr


def test_broken_framework_file_on_search_path_is_reported_not_fatal(tmp_path: Path, repo: Path) -> None:
    from competency import Engine

    (tmp_path / "broken.toml").write_text("id = [", encoding="utf-8")
    engine = Engine(plugins=False, frameworks_dirs=[repo / "frameworks", tmp_path], search_pyproject=False)
    assert [f.id for f in engine.frameworks()] == [SHIPPED_ID]
    failures = engine.plugin_failures
    assert len(failures) == 1
    assert "broken.toml" in str(failures[0]) and "line 1" in str(failures[0])


def test_two_files_with_the_same_framework_id_conflict(tmp_path: Path, repo: Path) -> None:
    from competency import Engine, PluginConflict

    (tmp_path / "copy.toml").write_text((repo / "frameworks" / "collective_leadership.toml").read_text("utf-8"), "utf-8")
    engine = Engine(plugins=False, frameworks_dirs=[repo / "frameworks", tmp_path], search_pyproject=False)
    with pytest.raises(PluginConflict) as caught:
        engine.frameworks()
    assert "collective_leadership.toml" in str(caught.value) and "copy.toml" in str(caught.value)


def test_frameworks_environment_variable_adds_to_the_search_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from competency import Engine

    (tmp_path / "tiny.toml").write_text(tomli_w.dumps(minimal()), "utf-8")
    monkeypatch.setenv("COMPETENCY_FRAMEWORKS_PATH", str(tmp_path))
    engine = Engine(plugins=False, search_pyproject=False)
    assert [f.id for f in engine.frameworks()] == ["tiny"]


def test_pyproject_names_the_frameworks_directory(repo: Path) -> None:
    from competency import Engine

    engine = Engine(plugins=False, cwd=repo / "src", env={})
    assert SHIPPED_ID in [f.id for f in engine.frameworks()]


# -- the framework commands ----------------------------------------------------------------------------


def test_frameworks_command_json_lists_shipped_framework(invoke: Any) -> None:
    result = invoke("frameworks", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    rows = {row["id"]: row for row in document["frameworks"]}
    assert SHIPPED_ID in rows
    row = rows[SHIPPED_ID]
    assert row["levels"] == ["emerging", "developing", "established", "leading"]
    assert "gp" in row["roles"] and row["competencies"] > 7


def test_frameworks_command_without_any_framework(runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from competency.cli import cli

    monkeypatch.chdir(tmp_path)  # no pyproject.toml above tmp_path names frameworks/
    result = runner.invoke(cli, ["frameworks", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["frameworks"] == []


def test_frameworks_command_text(invoke: Any) -> None:
    result = invoke("frameworks")
    assert result.exit_code == 0
    assert result.stdout.startswith(SHIPPED_ID)


def test_show_text(invoke: Any) -> None:
    result = invoke("show", SHIPPED_ID)
    assert result.exit_code == 0, result.output
    assert "Scale:" in result.stdout and "established: Established (proficient)" in result.stdout
    assert "[vision-and-direction]" in result.stdout
    assert "Role profiles:" in result.stdout and "gp:" in result.stdout


def test_show_json_is_the_framework(invoke: Any, repo: Path) -> None:
    result = invoke("show", SHIPPED_ID, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert framework_from_dict(data) == load_framework(repo / "frameworks" / "collective_leadership.toml")


def test_show_toml_round_trips(invoke: Any, repo: Path) -> None:
    result = invoke("show", SHIPPED_ID, "--format", "toml")
    assert result.exit_code == 0
    assert framework_from_dict(tomli.loads(result.stdout)) == load_framework(
        repo / "frameworks" / "collective_leadership.toml"
    )


def test_show_unknown_framework(invoke: Any) -> None:
    result = invoke("show", "no-such-framework")
    assert result.exit_code not in (0, 1)
    assert "no-such-framework" in result.stderr and SHIPPED_ID in result.stderr


# -- round trip: load -> dump -> load ------------------------------------------------------------------

#: TOML offsets are whole minutes (+HH:MM): no local mean times with seconds.
TOML_OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: datetime.timezone(datetime.timedelta(minutes=m)))
SEGMENT = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=6)
KEBAB = st.builds(lambda parts: "-".join(parts), st.lists(SEGMENT, min_size=1, max_size=3))
ITEM = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,8}", fullmatch=True)

#: Text that is awkward to write as TOML: quotes, backslashes, newlines, control characters and
#: characters outside the Basic Multilingual Plane.
AWKWARD = st.sampled_from(['"', "'", "\\", "\n", "\r\n", "\t", '"""', "'''", "\\n", "\x7f", "é", "–", "😀", "𝔘", "\u2028", "#", "=", "\x1b"])
TEXT = st.lists(
    st.one_of(AWKWARD, st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)), max_size=6
).map("".join)
NONBLANK = TEXT.filter(lambda s: s.strip() != "")
#: Interchange metadata (``extra``): any TOML value except NaN, which is never equal to itself.
EXTRA_VALUES = st.recursive(
    st.one_of(
        TEXT, st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), st.booleans(), st.dates(),
        st.datetimes(timezones=st.one_of(st.none(), TOML_OFFSETS)), st.times(),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)
EXTRA = st.dictionaries(TEXT, EXTRA_VALUES, min_size=1, max_size=3)


def maybe_extra(draw: st.DrawFn, table: dict[str, Any]) -> None:
    if draw(st.integers(0, 3)) == 0:
        table["extra"] = draw(EXTRA)


@st.composite
def frameworks(draw: st.DrawFn) -> dict[str, Any]:
    """A valid framework as plain data (the layout of a framework file)."""
    level_ids = draw(st.lists(ITEM, min_size=1, max_size=5, unique=True))
    levels = []
    for level_id in level_ids:
        level: dict[str, Any] = {"id": level_id, "label": draw(NONBLANK)}
        if draw(st.booleans()):
            level["description"] = draw(TEXT)
        maybe_extra(draw, level)
        levels.append(level)
    ids = draw(st.lists(ITEM, min_size=1, max_size=12, unique=True))
    competencies = []
    for index, comp_id in enumerate(ids):
        comp: dict[str, Any] = {"id": comp_id, "title": draw(NONBLANK)}
        if index and draw(st.booleans()):
            comp["parent"] = draw(st.sampled_from(ids[:index]))  # an earlier item: never a cycle
        for key in ("description", "kind", "code", "identifier"):
            if draw(st.booleans()):
                comp[key] = draw(TEXT)
        if draw(st.booleans()):
            comp["descriptors"] = {
                level_id: draw(TEXT) for level_id in draw(st.lists(st.sampled_from(level_ids), unique=True))
            }
        if draw(st.booleans()):
            comp["links"] = [
                {"type": draw(TEXT), "target": draw(st.one_of(st.sampled_from(ids), st.builds(lambda f, i: f"{f}:{i}", KEBAB, ITEM)))}
                for _ in range(draw(st.integers(0, 2)))
            ]
            for link in comp["links"]:
                maybe_extra(draw, link)
        maybe_extra(draw, comp)
        competencies.append(comp)
    roles = []
    for role_id in draw(st.lists(ITEM, max_size=3, unique=True)):
        role: dict[str, Any] = {"id": role_id, "title": draw(TEXT)}
        if draw(st.booleans()):
            role["description"] = draw(TEXT)
        chosen = draw(st.lists(st.sampled_from(ids), unique=True))
        if chosen:
            role["targets"] = {c: draw(st.sampled_from(level_ids)) for c in chosen}
        roles.append(role)
    data: dict[str, Any] = {
        "id": draw(KEBAB),
        "version": draw(NONBLANK),
        "title": draw(NONBLANK),
        "publisher": draw(NONBLANK),
        "source": draw(NONBLANK),
        "scale": {"proficient": draw(st.sampled_from(level_ids)), "levels": levels},
        "competencies": competencies,
    }
    for key in ("licence", "description", "identifier"):
        if draw(st.booleans()):
            data[key] = draw(TEXT)
    if roles:
        data["roles"] = roles
    maybe_extra(draw, data)
    if draw(st.booleans()):
        data["cross_cutting"] = [
            {
                "id": group_id,
                "title": draw(TEXT),
                "description": draw(TEXT),
                "items": [
                    {"id": item_id, "title": draw(TEXT), "description": draw(TEXT)}
                    for item_id in draw(st.lists(ITEM, max_size=3, unique=True))
                ],
            }
            for group_id in draw(st.lists(ITEM, min_size=1, max_size=2, unique=True))
        ]
    return data


@given(data=frameworks())
def test_round_trip_load_dump_load(data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("round-trip")
    original_file = folder / "original.toml"
    original_file.write_text(tomli_w.dumps(data), encoding="utf-8")
    original = load_framework(original_file)
    assert not [p for p in check_framework(original) if p.severity == "error"]

    dumped = dump_framework(original)
    dumped_file = folder / "dumped.toml"
    dumped_file.write_bytes(dumped.encode("utf-8"))
    again = load_framework(dumped_file)
    assert again == original
    # Dumping is a fixed point: the second dump is byte-for-byte the first.
    assert dump_framework(again) == dumped


def is_terminal_safe(text: str) -> bool:
    """No character that could drive a terminal: only newlines among the control characters."""
    return all(ch == "\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0) for ch in text)


@given(data=frameworks())
def test_framework_text_output_is_safe_and_fits_80_columns(
    data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, shared_invoke: Any
) -> None:
    folder = tmp_path_factory.mktemp("awkward")
    (folder / "awkward.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    framework_id = data["id"]
    for args in (("frameworks",), ("show", framework_id)):
        result = shared_invoke(*args, frameworks_dirs=[folder])
        assert result.exit_code == 0, result.output
        assert is_terminal_safe(result.output), result.output
        too_wide = [line for line in result.stdout.splitlines() if len(line) > 80]
        assert not too_wide, too_wide
    as_toml = shared_invoke("show", framework_id, "--format", "toml", frameworks_dirs=[folder])
    assert as_toml.exit_code == 0
    assert framework_from_dict(tomli.loads(as_toml.stdout)) == load_framework(folder / "awkward.toml")
    as_json = shared_invoke("show", framework_id, "--format", "json", frameworks_dirs=[folder])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["id"] == framework_id
