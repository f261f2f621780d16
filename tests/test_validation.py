"""Validating evidence: the examples pass; every kind of corruption is one located, clean message."""

from __future__ import annotations

import copy
import datetime
import functools
import itertools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
import tomli
import tomli_w

from competency import DatedItem, Engine, EvidenceFile, EvidenceItem, InvalidInput, Validation, hookimpl

AS_OF = datetime.date(2026, 3, 1)
RECEPTIONIST = "receptionist.toml"

# Indexes of items in examples/receptionist.toml that the corruptions below rely on.
ACTIVITY, COURSE, ATTAINMENT, QI_PROJECT, SELF_RATING, SUPERVISOR_RATING, REFLECTION = 0, 1, 2, 3, 5, 6, 7


@pytest.fixture(scope="module")
def receptionist(repo: Path) -> dict[str, Any]:
    data = tomli.loads((repo / "examples" / RECEPTIONIST).read_text("utf-8"))
    # Guard the indexes above: if the example is edited, these tests must be told, not silently pass.
    kinds = [item["kind"] for item in data["evidence"]]
    assert kinds[ACTIVITY] == kinds[QI_PROJECT] == "activity"
    assert kinds[ATTAINMENT] == "attainment"
    assert kinds[SELF_RATING] == kinds[SUPERVISOR_RATING] == "rating"
    assert all(isinstance(v, int) for v in data["evidence"][SUPERVISOR_RATING]["ratings"].values())
    assert kinds[REFLECTION] == "reflection"
    return data


def corrupt(data: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    copied = copy.deepcopy(data)
    change(copied)
    return copied


def rating(data: dict[str, Any], index: int = SUPERVISOR_RATING) -> dict[str, Any]:
    ratings: dict[str, Any] = data["evidence"][index]["ratings"]
    return ratings


# -- the examples --------------------------------------------------------------------------------------


def test_examples_validate(engine: Any, examples: list[Path]) -> None:
    for path in examples:
        validation = engine.validate(path, as_of=AS_OF)
        assert validation.ok, [str(p) for p in validation.problems]
        assert validation.problems == ()
        assert validation.source == str(path)
        assert len(validation.unwrap().evidence) >= 5
        kinds = {item.kind for item in validation.unwrap().evidence}
        assert {"rating", "activity"} <= kinds


def test_examples_mix_every_core_kind(engine: Any, examples: list[Path]) -> None:
    kinds = {item.kind for path in examples for item in engine.load_evidence(path, as_of=AS_OF).evidence}
    assert kinds == {"rating", "activity", "reflection", "attainment"}


def test_validate_command_passes_examples(invoke: Any, examples: list[Path]) -> None:
    result = invoke("validate", "--as-of", AS_OF.isoformat(), *examples)
    assert result.exit_code == 0, result.output
    for path in examples:
        assert f"{path}: ok" in result.stdout
    assert f"{len(examples)} files: {len(examples)} valid, 0 invalid" in result.stderr


def test_validate_command_searches_directories(invoke: Any, repo: Path, examples: list[Path]) -> None:
    result = invoke("validate", "--as-of", AS_OF.isoformat(), repo / "examples")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok (") == len(examples)


# -- corrupted variants: each exits 1 with a located message naming the file ---------------------------

#: name -> (change to the parsed example, the message expected after "<file>: ")
CORRUPTIONS: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "value off the scale": (
        lambda d: rating(d).update({"vision-and-direction": 7}),
        "evidence[6].ratings.vision-and-direction: 7 is not on the scale 1-4",
    ),
    "zero is off the scale": (
        lambda d: rating(d).update({"vision-and-direction": 0}),
        "evidence[6].ratings.vision-and-direction: 0 is not on the scale 1-4",
    ),
    "level as a quoted number": (
        lambda d: rating(d).update({"vision-and-direction": "3"}),
        'evidence[6].ratings.vision-and-direction: "3" is not a level (levels: emerging, developing, established, leading)',
    ),
    "unknown level id": (
        lambda d: rating(d).update({"vision-and-direction": "expert"}),
        'evidence[6].ratings.vision-and-direction: "expert" is not a level',
    ),
    "true as a number": (
        lambda d: d["evidence"][ACTIVITY].update(hours=True),
        "evidence[0].hours: expected a number, got true",
    ),
    "true as a level": (
        lambda d: rating(d).update({"vision-and-direction": True}),
        "evidence[6].ratings.vision-and-direction: expected an integer or a string, got true",
    ),
    "3.9 as an integer level": (
        lambda d: rating(d).update({"vision-and-direction": 3.9}),
        "evidence[6].ratings.vision-and-direction: expected an integer or a string, got 3.9",
    ),
    "a number as text": (
        lambda d: d["evidence"][ACTIVITY].update(title=3),
        "evidence[0].title: expected a string, got 3",
    ),
    "a string as a date": (
        lambda d: d["evidence"][SELF_RATING].update(date="last June"),
        'evidence[5].date: expected a date (YYYY-MM-DD), got "last June"',
    ),
    "a date-time as a date": (
        lambda d: d["evidence"][SELF_RATING].update(date=datetime.datetime(2024, 6, 18, 9, 30)),
        "evidence[5].date: expected a date (YYYY-MM-DD), got the date-time 2024-06-18T09:30:00",
    ),
    "a string as an array": (
        lambda d: d["evidence"][ACTIVITY].update(competencies="followership"),
        'evidence[0].competencies: expected an array, got "followership"',
    ),
    "an unknown rater": (
        lambda d: d["evidence"][SELF_RATING].update(rater="boss"),
        'evidence[5].rater: "boss" is not one of: self, supervisor',
    ),
    "an unknown activity type": (
        lambda d: d["evidence"][ACTIVITY].update(type="webinar"),
        'evidence[0].type: "webinar" is not one of: course',
    ),
    "unknown competency, with a suggestion": (
        lambda d: rating(d).update({"vision-and-directoin": 2}),
        "evidence[6].ratings.vision-and-directoin: unknown competency 'vision-and-directoin' "
        "(did you mean 'vision-and-direction'?)",
    ),
    "unknown competency claimed by an activity": (
        lambda d: d["evidence"][ACTIVITY]["competencies"].append("folowership"),
        "evidence[0].competencies[4]: unknown competency 'folowership' (did you mean 'followership'?)",
    ),
    "unknown competency in a qualified reference": (
        lambda d: rating(d).update({"collective-leadership:vison-and-direction": 2}),
        "evidence[6].ratings.collective-leadership:vison-and-direction: unknown competency 'vison-and-direction' "
        "in framework 'collective-leadership' (did you mean 'vision-and-direction'?)",
    ),
    "unknown framework in the header": (
        lambda d: d.update(frameworks=["collective-leadershp"]),
        "frameworks[0]: unknown framework 'collective-leadershp' (available: collective-leadership)",
    ),
    "unknown framework in a reference": (
        lambda d: d["evidence"][QI_PROJECT]["competencies"].append("hlm:speaks-up"),
        "evidence[3].competencies[3]: unknown framework 'hlm'",
    ),
    "unknown evidence kind": (
        lambda d: d["evidence"][ACTIVITY].update(kind="webinar"),
        'evidence[0].kind: "webinar" is not a known evidence kind (known: activity, attainment, rating, reflection)',
    ),
    "missing evidence kind": (
        lambda d: d["evidence"][ACTIVITY].pop("kind"),
        "evidence[0].kind: required key is missing",
    ),
    "unknown top-level key": (
        lambda d: d.update(person={"id": "x"}),
        "unknown key: person (allowed: frameworks, subject, evidence)",
    ),
    "unknown item key": (
        lambda d: d["evidence"][ACTIVITY].update(colour="blue"),
        "evidence[0]: unknown key: colour",
    ),
    "unknown subject key": (
        lambda d: d["subject"].update(grade="B"),
        "subject: unknown key: grade",
    ),
    "missing required item key": (
        lambda d: d["evidence"][SELF_RATING].pop("date"),
        "evidence[5].date: required key is missing",
    ),
    "missing subject": (
        lambda d: d.pop("subject"),
        "subject: required table [subject] is missing",
    ),
    "missing subject id": (
        lambda d: d["subject"].pop("id"),
        "subject.id: required key is missing",
    ),
    "unknown role": (
        lambda d: d["subject"].update(role="surgeon"),
        "subject.role: unknown role 'surgeon'",
    ),
    "duplicate evidence ids": (
        lambda d: d["evidence"][COURSE].update(id=d["evidence"][ACTIVITY]["id"]),
        "evidence[1].id: duplicate evidence id 'induction-on-the-job-2023' (first used by evidence[0])",
    ),
    "empty evidence id": (
        lambda d: d["evidence"][COURSE].update(id=" "),
        "evidence[1].id: must not be empty",
    ),
    "a date in the future": (
        lambda d: d["evidence"][SELF_RATING].update(date=datetime.date(2026, 3, 2)),
        "evidence[5].date: 2026-03-02 is in the future (as of 2026-03-01)",
    ),
    "an end before the start": (
        lambda d: d["evidence"][ACTIVITY].update(end=datetime.date(2022, 12, 31)),
        "evidence[0].end: 2022-12-31 is before the start 2023-01-09",
    ),
    "negative hours": (
        lambda d: d["evidence"][ACTIVITY].update(hours=-2.5),
        "evidence[0].hours: -2.5 is negative",
    ),
    "not-a-number hours": (
        lambda d: d["evidence"][ACTIVITY].update(hours=float("nan")),
        "evidence[0].hours: expected a finite number, got nan",
    ),
    "empty evidence list": (
        lambda d: d.update(evidence=[]),
        "evidence: is empty: the file evidences nothing",
    ),
    "no evidence at all": (
        lambda d: d.pop("evidence"),
        "evidence: no [[evidence]] items",
    ),
    "an activity claiming nothing": (
        lambda d: d["evidence"][ACTIVITY].update(competencies=[]),
        "evidence[0].competencies: is empty: name at least one competency this evidences",
    ),
    "a reflection claiming nothing": (
        lambda d: d["evidence"][REFLECTION].update(competencies=[]),
        "evidence[7].competencies: is empty",
    ),
    "a rating rating nothing": (
        lambda d: d["evidence"][SELF_RATING].update(ratings={}),
        "evidence[5].ratings: is empty: rate at least one competency",
    ),
    "a competency claimed twice": (
        lambda d: d["evidence"][ACTIVITY]["competencies"].append("followership"),
        "evidence[0].competencies[4]: 'followership' is listed twice",
    ),
    "a competency claimed under two names": (
        lambda d: d["evidence"][ACTIVITY]["competencies"].append("collective-leadership:followership"),
        "evidence[0].competencies[4]: names the same competency as 'followership'",
    ),
    "a competency rated under two names": (
        lambda d: rating(d).update({"collective-leadership:vision-and-direction": 4}),
        "evidence[6].ratings.collective-leadership:vision-and-direction: rates the same competency as "
        "'vision-and-direction'",
    ),
    "an empty reflection": (
        lambda d: d["evidence"][REFLECTION].update(text="   "),
        "evidence[7].text: must not be empty",
    ),
    "an attainment level off the scale": (
        lambda d: d["evidence"][ATTAINMENT].update(level=9),
        "evidence[2].level: 9 is not on the scale 1-4",
    ),
    "an item that is not a table": (
        lambda d: d["evidence"].append("rating"),
        'evidence[9]: expected a table, got "rating"',
    ),
    "evidence that is a table": (
        lambda d: d.update(evidence={"id": "x"}),
        "evidence: expected an array of tables",
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupted_example_is_invalid_with_a_located_message(
    case: str, receptionist: dict[str, Any], write: Any, invoke: Any, engine: Any
) -> None:
    change, expected = CORRUPTIONS[case]
    data = corrupt(receptionist, change)
    file = write("corrupt.toml", tomli_w.dumps(data))

    validation = engine.validate(file, as_of=AS_OF)
    assert not validation.ok
    assert any(str(p).startswith(f"{file}: {expected}") for p in validation.errors), [str(p) for p in validation.problems]
    with pytest.raises(InvalidInput):
        validation.unwrap()

    result = invoke("validate", "--as-of", AS_OF.isoformat(), file)
    assert result.exit_code == 1
    assert f"{file}: {expected}" in result.stderr
    assert "1 file: 0 valid, 1 invalid" in result.stderr

    scored = invoke("score", "--as-of", AS_OF.isoformat(), file)
    assert scored.exit_code == 1
    assert f"{file}: {expected}" in scored.stderr
    assert scored.stdout.strip() == ""


#: Files that are not valid TOML documents at all: (content, message expected after "<file>: ").
UNREADABLE: dict[str, tuple[str | bytes, str]] = {
    "broken TOML": ('[subject]\nid = "x"\n\n[[evidence]\nid = "y"\n', "TOML syntax error at line 4, column"),
    "an unterminated string": ('[subject]\nid = "x\n', "TOML syntax error at line 2, column"),
    "a duplicate key": ('[subject]\nid = "x"\nid = "y"\n', "TOML syntax error at line 3, column"),
    "binary junk": (bytes(range(256)) * 4, "is not UTF-8 text"),
    "NUL bytes": (b'[subject]\nid = "x"\x00\x00\n', "is a binary file, not text"),
    "non-UTF-8 text": ('[subject]\nid = "x"\nname = "José"\n'.encode("latin-1"), "is not UTF-8 text (bad byte 0xe9 at line 3"),
    "an empty file": ("", "is empty"),
    "only whitespace and comments": ("\n  \n", "is empty"),
    "a lone comment": ("# nothing here\n", "no [[evidence]] items"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_file_gives_a_clean_message(case: str, write: Any, invoke: Any, engine: Any) -> None:
    content, expected = UNREADABLE[case]
    file = write("bad.toml", content)
    validation = engine.validate(file, as_of=AS_OF)
    assert not validation.ok
    assert any(str(p).startswith(f"{file}: ") and expected in str(p) for p in validation.errors), [
        str(p) for p in validation.problems
    ]
    result = invoke("validate", "--as-of", AS_OF.isoformat(), file)
    assert result.exit_code == 1
    assert str(file) in result.stderr and expected in result.stderr


def test_byte_order_mark_is_allowed(receptionist: dict[str, Any], write: Any, engine: Any) -> None:
    file = write("bom.toml", b"\xef\xbb\xbf" + tomli_w.dumps(receptionist).encode("utf-8"))
    assert engine.validate(file, as_of=AS_OF).ok, engine.validate(file, as_of=AS_OF).problems


def test_a_directory_is_not_a_file(tmp_path: Path, engine: Any) -> None:
    validation = engine.validate(tmp_path, as_of=AS_OF)
    assert [str(p) for p in validation.errors] == [f"{tmp_path}: is a directory, not a file"]


def test_validate_command_on_a_directory_without_evidence(tmp_path: Path, invoke: Any) -> None:
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert "no evidence files found" in result.stderr


def test_a_missing_path(tmp_path: Path, engine: Any, invoke: Any) -> None:
    missing = tmp_path / "nowhere.toml"
    validation = engine.validate(missing, as_of=AS_OF)
    assert [str(p) for p in validation.errors] == [f"{missing}: no such file"]
    result = invoke("validate", missing)
    assert result.exit_code == 1
    assert f"{missing}: no such file" in result.stderr


def test_an_oversized_file(
    receptionist: dict[str, Any], write: Any, engine: Any, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = write("big.toml", tomli_w.dumps(receptionist))
    size = file.stat().st_size
    engine.frameworks()  # the limit applies to framework files too: load them first
    monkeypatch.setenv("COMPETENCY_MAX_FILE_BYTES", str(size - 1))
    validation = engine.validate(file, as_of=AS_OF)
    assert [str(p) for p in validation.errors] == [
        f"{file}: is larger than the limit of {size - 1} bytes (set COMPETENCY_MAX_FILE_BYTES to change it)"
    ]
    result = invoke("validate", "--as-of", AS_OF.isoformat(), file)
    assert result.exit_code == 1 and "larger than the limit" in result.stderr
    monkeypatch.setenv("COMPETENCY_MAX_FILE_BYTES", str(size))
    assert engine.validate(file, as_of=AS_OF).ok, engine.validate(file, as_of=AS_OF).problems


def test_default_size_limit_is_generous_but_finite(write: Any, engine: Any) -> None:
    from competency.sources import DEFAULT_MAX_BYTES

    assert 1024 * 1024 <= DEFAULT_MAX_BYTES <= 64 * 1024 * 1024
    file = write("huge.toml", b"#" * (DEFAULT_MAX_BYTES + 1))
    assert "larger than the limit" in str(engine.validate(file, as_of=AS_OF).errors[0])


# -- two frameworks sharing an id --------------------------------------------------------------------


@pytest.fixture
def second_framework_dir(tmp_path: Path, repo: Path) -> Path:
    """A second framework that also has a ``vision-and-direction`` competency."""
    folder = tmp_path / "more-frameworks"
    folder.mkdir()
    (folder / "other.toml").write_text(
        tomli_w.dumps(
            {
                "id": "other",
                "version": "1",
                "title": "Another framework",
                "publisher": "tests",
                "source": "made up for the tests",
                "licence": "CC0",
                "scale": {"proficient": "yes", "levels": [{"id": "no", "label": "No"}, {"id": "yes", "label": "Yes"}]},
                "competencies": [{"id": "vision-and-direction", "title": "Vision"}],
            }
        ),
        "utf-8",
    )
    return folder


def test_ambiguous_reference_across_two_frameworks(
    receptionist: dict[str, Any], second_framework_dir: Path, repo: Path, write: Any, invoke: Any
) -> None:
    data = corrupt(receptionist, lambda d: d.pop("frameworks"))
    file = write("ambiguous.toml", tomli_w.dumps(data))
    expected = (
        "evidence[3].competencies[1]: 'vision-and-direction' is in more than one framework: "
        "write collective-leadership:vision-and-direction or other:vision-and-direction"
    )
    from competency import Engine

    engine = Engine(plugins=False, frameworks_dirs=[repo / "frameworks", second_framework_dir], search_pyproject=False)
    validation = engine.validate(file, as_of=AS_OF)
    assert f"{file}: {expected}" in [str(p) for p in validation.errors]
    # Restricting the evidence to one framework, as the example does, removes the ambiguity.
    assert engine.validate(receptionist, as_of=AS_OF).ok
    result = invoke("validate", "--as-of", AS_OF.isoformat(), file, frameworks_dirs=[repo / "frameworks", second_framework_dir])
    assert result.exit_code == 1
    assert f"{file}: {expected}" in result.stderr
    qualified = corrupt(
        data, lambda d: d["evidence"][QI_PROJECT].update(competencies=["collective-leadership:vision-and-direction"])
    )
    # The QI project was the only item claiming the bare id; ratings name it too, so qualify those as well.
    for item in qualified["evidence"]:
        if item["kind"] == "rating" and "vision-and-direction" in item["ratings"]:
            item["ratings"]["collective-leadership:vision-and-direction"] = item["ratings"].pop("vision-and-direction")
    assert engine.validate(qualified, as_of=AS_OF).ok, [str(p) for p in engine.validate(qualified, as_of=AS_OF).problems]


# -- every error at once, and batches -------------------------------------------------------------------


def test_every_error_in_a_file_is_reported_at_once(receptionist: dict[str, Any], write: Any, invoke: Any) -> None:
    def many(d: dict[str, Any]) -> None:
        d["person"] = "x"
        d["subject"]["role"] = "surgeon"
        d["evidence"][ACTIVITY]["hours"] = -1
        d["evidence"][COURSE]["colour"] = "blue"
        d["evidence"][ATTAINMENT]["kind"] = "award"
        d["evidence"][SELF_RATING]["date"] = datetime.date(2030, 1, 1)
        d["evidence"][SUPERVISOR_RATING]["ratings"]["vision-and-direction"] = 7
        d["evidence"][REFLECTION]["competencies"] = []
        d["evidence"][8]["id"] = d["evidence"][0]["id"]

    file = write("many.toml", tomli_w.dumps(corrupt(receptionist, many)))
    result = invoke("validate", "--as-of", AS_OF.isoformat(), file)
    assert result.exit_code == 1
    for where in (
        "unknown key: person",
        "subject.role:",
        "evidence[0].hours:",
        "evidence[1]: unknown key: colour",
        "evidence[2].kind:",
        "evidence[5].date:",
        "evidence[6].ratings.vision-and-direction:",
        "evidence[7].competencies:",
        "evidence[8].id: duplicate",
    ):
        assert f"{file}: {where}" in result.stderr, where
    assert result.stderr.count(f"{file}: ") == 9


def test_several_errors_in_one_item(receptionist: dict[str, Any], engine: Any) -> None:
    def two(d: dict[str, Any]) -> None:
        d["evidence"][ACTIVITY]["hours"] = "forty"
        d["evidence"][ACTIVITY]["outcome"] = "passed"
        d["evidence"][ACTIVITY]["colour"] = "blue"

    paths = {(p.path, p.message.split(":")[0]) for p in engine.validate(corrupt(receptionist, two), as_of=AS_OF).errors}
    assert ("evidence[0].hours", "expected a number, got \"forty\"") in paths
    assert any(path == "evidence[0].outcome" for path, _ in paths)
    assert ("evidence[0]", "unknown key") in paths


def test_a_batch_keeps_going_past_bad_files_and_ends_with_a_summary(
    receptionist: dict[str, Any], examples: list[Path], write: Any, invoke: Any
) -> None:
    bad = write("a-bad.toml", "not = [toml")
    empty = write("b-empty.toml", "")
    off_scale = write("c-off-scale.toml", tomli_w.dumps(corrupt(receptionist, lambda d: rating(d).update({"followership": 9}))))
    files = [bad, examples[0], empty, examples[1], off_scale, examples[2]]
    result = invoke("validate", "--as-of", AS_OF.isoformat(), *files)
    assert result.exit_code == 1
    for good in examples:
        assert f"{good}: ok" in result.stdout
    for broken in (bad, empty, off_scale):
        assert f"{broken}: " in result.stderr
        assert f"{broken}: ok" not in result.stdout
    assert result.stderr.rstrip().splitlines()[-2:] == ["6 files: 3 valid, 3 invalid", "Error: 3 invalid files"]


def test_a_batch_of_directories(receptionist: dict[str, Any], examples: list[Path], tmp_path: Path, invoke: Any) -> None:
    nested = tmp_path / "people" / "team-a"
    nested.mkdir(parents=True)
    (nested / "good.toml").write_text(tomli_w.dumps(receptionist), "utf-8")
    (nested / "bad.toml").write_bytes(b"\xff")
    (nested / "notes.txt").write_text("not evidence", "utf-8")
    result = invoke("validate", "--as-of", AS_OF.isoformat(), tmp_path / "people")
    assert result.exit_code == 1
    assert f"{nested / 'good.toml'}: ok" in result.stdout
    assert f"{nested / 'bad.toml'}: is not UTF-8 text" in result.stderr
    assert "2 files: 1 valid, 1 invalid" in result.stderr


def test_validate_json_format(receptionist: dict[str, Any], examples: list[Path], write: Any, invoke: Any) -> None:
    bad = write("bad.toml", tomli_w.dumps(corrupt(receptionist, lambda d: rating(d).update({"followership": 9}))))
    result = invoke("validate", "--as-of", AS_OF.isoformat(), "--format", "json", examples[0], bad)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1 and document["as_of"] == AS_OF.isoformat()
    files = {f["source"]: f for f in document["files"]}
    assert files[str(examples[0])]["valid"] is True and files[str(examples[0])]["problems"] == []
    assert files[str(bad)]["valid"] is False
    assert files[str(bad)]["problems"] == [
        {
            "path": "evidence[6].ratings.followership",
            "severity": "error",
            "message": "9 is not on the scale 1-4 (emerging .. leading)",
        }
    ]


# -- the Python API: a path, a string, a dict ---------------------------------------------------------


def test_validate_from_path_str_and_dict_agree(engine: Any, repo: Path, receptionist: dict[str, Any]) -> None:
    path = repo / "examples" / RECEPTIONIST
    from_path = engine.validate(path, as_of=AS_OF)
    from_text = engine.validate(path.read_text("utf-8"), as_of=AS_OF)
    from_dict = engine.validate(receptionist, as_of=AS_OF)
    assert isinstance(from_path, Validation)
    assert from_path.ok and from_text.ok and from_dict.ok
    assert from_path.unwrap() == from_text.unwrap() == from_dict.unwrap()
    assert isinstance(from_dict.unwrap(), EvidenceFile)
    assert from_path.source == str(path)
    assert from_text.source == from_dict.source == "<evidence>"
    assert engine.validate(receptionist, as_of=AS_OF, name="mine.toml").source == "mine.toml"


def test_a_str_is_toml_text_not_a_path(engine: Any, repo: Path) -> None:
    validation = engine.validate(str(repo / "examples" / RECEPTIONIST), as_of=AS_OF)
    assert not validation.ok
    assert "TOML syntax error" in str(validation.errors[0])


def test_dicts_may_carry_iso_date_strings(engine: Any, receptionist: dict[str, Any]) -> None:
    as_json = json.loads(json.dumps(receptionist, default=lambda d: d.isoformat()))
    validation = engine.validate(as_json, as_of=AS_OF)
    assert validation.ok, [str(p) for p in validation.problems]
    assert validation.unwrap() == engine.validate(receptionist, as_of=AS_OF).unwrap()


def test_dict_with_non_table_top(engine: Any) -> None:
    validation = engine.validate([1, 2], as_of=AS_OF)  # type: ignore[arg-type]
    assert [p.message for p in validation.errors] == ["expected a table at the top of the document, got an array"]


def test_load_evidence_raises_invalid_input_with_every_problem(engine: Any, receptionist: dict[str, Any]) -> None:
    def two(d: dict[str, Any]) -> None:
        d["evidence"][ACTIVITY]["hours"] = -1
        rating(d)["followership"] = 9

    with pytest.raises(InvalidInput) as caught:
        engine.load_evidence(corrupt(receptionist, two), as_of=AS_OF, name="x.toml")
    assert [p.path for p in caught.value.errors] == ["evidence[0].hours", "evidence[6].ratings.followership"]
    assert all(p.source == "x.toml" for p in caught.value.errors)


def test_future_dates_are_judged_against_as_of(engine: Any, receptionist: dict[str, Any]) -> None:
    assert engine.validate(receptionist, as_of=datetime.date(2025, 6, 9)).ok
    early = engine.validate(receptionist, as_of=datetime.date(2025, 6, 8))
    assert [p.path for p in early.errors] == ["evidence[8].date"]


def test_a_plain_rank_and_a_level_id_mean_the_same(engine: Any, receptionist: dict[str, Any]) -> None:
    by_rank = engine.load_evidence(corrupt(receptionist, lambda d: rating(d).update({"followership": 3})), as_of=AS_OF)
    by_id = engine.load_evidence(corrupt(receptionist, lambda d: rating(d).update({"followership": "established"})), as_of=AS_OF)
    score = lambda e: engine.export([engine.score(e, as_of=AS_OF)], "json")  # noqa: E731
    assert score(by_rank) == score(by_id)


# -- the privacy check ----------------------------------------------------------------------------------

VALID_NHS_NUMBER = "943 476 5919"
INVALID_CHECKSUM = "943 476 5918"


def with_reflection_text(data: dict[str, Any], text: str) -> dict[str, Any]:
    return corrupt(data, lambda d: d["evidence"][REFLECTION].update(text=text))


def test_privacy_check_warns_about_a_valid_nhs_number(engine: Any, receptionist: dict[str, Any]) -> None:
    validation = engine.validate(
        with_reflection_text(receptionist, f"Patient {VALID_NHS_NUMBER} was upset."), as_of=AS_OF, name="p.toml"
    )
    assert validation.ok, "a warning does not make the file invalid"
    assert len(validation.warnings) == 1
    warning = validation.warnings[0]
    assert warning.path == "evidence[7].text" and "NHS number" in warning.message
    assert str(warning).startswith("p.toml: evidence[7].text: warning: ")
    for form in (VALID_NHS_NUMBER, VALID_NHS_NUMBER.replace(" ", "")):
        assert form not in str(warning)


@pytest.mark.parametrize("text", [f"Ref {INVALID_CHECKSUM} in the log.", "Our list has 9434765918 patients."])
def test_privacy_check_ignores_numbers_failing_the_checksum(text: str, engine: Any, receptionist: dict[str, Any]) -> None:
    validation = engine.validate(with_reflection_text(receptionist, text), as_of=AS_OF)
    assert validation.ok
    assert not [w for w in validation.warnings if "NHS number" in w.message]


def test_validate_strict_fails_on_a_privacy_warning(receptionist: dict[str, Any], write: Any, invoke: Any) -> None:
    file = write("nhs.toml", tomli_w.dumps(with_reflection_text(receptionist, f"NHS no. {VALID_NHS_NUMBER}")))
    relaxed = invoke("validate", "--as-of", AS_OF.isoformat(), file)
    assert relaxed.exit_code == 0
    assert f"{file}: evidence[7].text: warning: looks like an NHS number" in relaxed.stderr
    strict = invoke("validate", "--strict", "--as-of", AS_OF.isoformat(), file)
    assert strict.exit_code == 1
    assert "1 file: 0 valid, 1 invalid" in strict.stderr
    for output in (relaxed.output, strict.output):
        assert VALID_NHS_NUMBER not in output and VALID_NHS_NUMBER.replace(" ", "") not in output


def test_terminal_control_characters_in_messages_are_escaped(
    receptionist: dict[str, Any], write: Any, invoke: Any
) -> None:
    escape = "\x1b[2J\x1b]0;owned\x07"

    def hostile(d: dict[str, Any]) -> None:
        d["evidence"][ACTIVITY]["kind"] = escape
        rating(d)[escape] = 2

    file = write("hostile.toml", tomli_w.dumps(corrupt(receptionist, hostile)))
    result = invoke("validate", "--as-of", AS_OF.isoformat(), file)
    assert result.exit_code == 1
    assert "is not a known evidence kind" in result.stderr and "unknown competency" in result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output


@pytest.mark.parametrize(
    ("identifier", "what"),
    [
        ("DOB: 01/02/1960", "a date of birth"),
        ("CM1 1AA", "a postcode"),
        ("07700 900123", "a phone number"),
        ("jane.doe@example.org", "an e-mail address"),
    ],
)
def test_privacy_check_warns_about_other_identifiers(
    identifier: str, what: str, engine: Any, receptionist: dict[str, Any]
) -> None:
    text = f"Seen with her daughter ({identifier}) after the complaint."
    validation = engine.validate(with_reflection_text(receptionist, text), as_of=AS_OF)
    assert validation.ok
    assert [w.message.split(" (")[0] for w in validation.warnings] == [f"looks like {what}"]
    assert all(identifier not in str(w) for w in validation.warnings)


def test_privacy_check_looks_at_every_free_text_field(engine: Any, receptionist: dict[str, Any]) -> None:
    def everywhere(d: dict[str, Any]) -> None:
        d["evidence"][COURSE]["reflection"] = f"NHS {VALID_NHS_NUMBER}"
        d["evidence"][SUPERVISOR_RATING]["note"] = f"NHS {VALID_NHS_NUMBER}"
        d["evidence"][ATTAINMENT]["title"] = f"NHS {VALID_NHS_NUMBER}"

    paths = sorted(w.path for w in engine.validate(corrupt(receptionist, everywhere), as_of=AS_OF).warnings)
    assert paths == ["evidence[1].reflection", "evidence[2].title", "evidence[6].note"]


@functools.cache
def _core_engine() -> Engine:
    return Engine(plugins=False, frameworks_dirs=[Path(__file__).parents[1] / "frameworks"], search_pyproject=False)


_IDENTIFIER_PIECES = st.sampled_from(
    [VALID_NHS_NUMBER, INVALID_CHECKSUM, "DOB: 1", "born on 3", "CM1 1AA", "07700 900123", "+44 7700 900123",
     "a@b.co", "-", " ", "9", "x", "@", ".", "\n"]
)


@given(st.lists(st.one_of(_IDENTIFIER_PIECES, st.text(max_size=6)), max_size=8).map("".join))
def test_every_free_text_field_is_checked(text: str) -> None:
    # Whatever the text, the warnings for a field are exactly what findings() sees in it: the
    # check's quick screen of each item never hides one.
    from competency.checks.privacy import findings

    data = {
        "subject": {"id": "s"},
        "evidence": [{"id": "r", "kind": "reflection", "date": AS_OF, "title": "t", "text": text,
                      "competencies": ["speaks-up"]}],
    }
    validation = _core_engine().validate(data, as_of=AS_OF)
    expected = [f"looks like {what} (at character {offset + 1})" for what, offset in findings(text)]
    warned = [w.message.split(": remove")[0] for w in validation.warnings if w.path == "evidence[0].text"]
    assert warned == expected


def test_no_identifier_is_shorter_than_the_quick_screen_assumes() -> None:
    # Every string of fewer than _SHORTEST characters over an alphabet with a member of each class the
    # pattern tells apart (and the letters of its words): none holds a match, so short ids need no look.
    from competency.checks.privacy import _IDENTIFIERS, _SHORTEST

    alphabet = "0479ABCDWZabdoteifrhn .:-+@_\n"
    for length in range(_SHORTEST):
        for chars in itertools.product(alphabet, repeat=length):
            assert _IDENTIFIERS.search("".join(chars)) is None
    for shortest in ("dob:1", "A11AB", "a@b.c"):
        assert len(shortest) == _SHORTEST and _IDENTIFIERS.search(shortest)


def test_the_quick_screen_skips_to_exactly_the_letters_the_case_blind_words_start_with() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"(?i:[bd])", everything) == ["B", "D", "b", "d"]


_SCREEN_PIECES = st.sampled_from(
    ["dob:1", "D.O.B. 2", "d.o.b", "Date of Birth: 3", "BORN ON 4", "born on", "A11AB", "SW1A 1AA", "CM1 1AA", "a@b.c",
     "x@y", "123-456", "123 4567890", "+447700900123", "07700 900123", VALID_NHS_NUMBER, "\u0663\u0664\u0665",
     "\uff10\uff17", "0", "4", "7", "\u0131", "-", " ", ".", ":", "@", "\n"]
)


@given(st.one_of(st.text(), st.text(alphabet="ab 09@\u0663\uff10\u00e9", max_size=8)))
def test_the_quick_screen_finds_a_digit_or_an_at_as_the_pattern_does(text: str) -> None:
    from competency.checks.privacy import _has_digit_or_at

    assert _has_digit_or_at(text) == (re.search(r"[\d@]", text) is not None)


@given(st.lists(st.one_of(_SCREEN_PIECES, st.text(max_size=5)), max_size=10).map("".join))
def test_the_quick_screen_of_a_text_is_exactly_the_identifier_search(text: str) -> None:
    # Its cheap tests only ever settle "nothing here" when the pattern finds nothing, and whatever
    # findings() reports (the warnings) is still looked at.
    from competency.checks.privacy import _IDENTIFIERS, findings
    from competency.checks.privacy import _may_contain_identifier as screen

    assert screen(text) == (_IDENTIFIERS.search(text) is not None)
    if any(True for _ in findings(text)):
        assert screen(text)


@attrs.frozen
class OutlineNode:
    text: str
    children: tuple[OutlineNode, ...] = ()


@attrs.frozen(kw_only=True)
class Outline(DatedItem):
    """A plugin kind whose type contains itself: a tree of notes."""

    kind: ClassVar[str] = "outline"
    summary: ClassVar[str] = "an outline of notes"
    root: OutlineNode


class OutlinePlugin:
    @hookimpl
    def register_evidence_kinds(self, register: Callable[[type[EvidenceItem]], None]) -> None:
        register(Outline)


def test_free_text_deep_in_a_kind_that_contains_itself_is_checked() -> None:
    engine = Engine(plugins=False, extra_plugins=[OutlinePlugin()], search_pyproject=False, env={})
    root = {"text": "top", "children": [{"text": "ok", "children": [{"text": f"NHS {VALID_NHS_NUMBER}"}]}]}
    data = {"subject": {"id": "s"}, "evidence": [{"id": "o", "kind": "outline", "date": AS_OF, "root": root}]}
    validation = engine.validate(data, as_of=AS_OF)
    assert [(w.path, w.message.split(" (")[0]) for w in validation.warnings] == [
        ("evidence[0].root.children[0].children[0].text", "looks like an NHS number")
    ]


def test_a_scope_of_unknown_frameworks_is_one_error_not_one_per_reference(engine: Any, receptionist: dict[str, Any]) -> None:
    validation = engine.validate(corrupt(receptionist, lambda d: d.update(frameworks=["no-such-framework"])), as_of=AS_OF)
    assert [(p.path, p.message.split(" (")[0]) for p in validation.errors] == [
        ("frameworks[0]", "unknown framework 'no-such-framework'")
    ]
    assert "framework search path" in validation.errors[0].message
    # With one of its frameworks known, the file's references are still checked against it.
    mixed = engine.validate(
        corrupt(receptionist, lambda d: d.update(frameworks=["no-such-framework", "collective-leadership"])), as_of=AS_OF
    )
    assert [p.path for p in mixed.errors] == ["frameworks[0]"]


def test_a_wrong_field_does_not_hide_the_items_other_errors(engine) -> None:
    # The rater is not a role and a rating is off the scale: both are reported, not just the first.
    text = (
        '[subject]\nid = "x"\n[[evidence]]\nid = "a"\nkind = "rating"\ndate = 2026-01-01\nrater = "boss"\n'
        "[evidence.ratings]\nfollowership = 9\nvision-and-direction = 2\n"
        '[[evidence]]\nid = "b"\nkind = "activity"\ntype = "course"\ntitle = "T"\nstart = 2027-01-01\n'
        'outcome = "done"\ncompetencies = ["no-such-competency"]\n'
    )
    validation = engine.validate(text, as_of=datetime.date(2026, 11, 26))
    assert [(p.path, p.message) for p in validation.errors] == [
        ("evidence[0].rater", '"boss" is not one of: self, supervisor, peer, direct-report, assessor, patient, other'),
        ("evidence[1].outcome", '"done" is not one of: completed, attended, in-progress, withdrawn'),
        ("evidence[0].ratings.followership", "9 is not on the scale 1-4 (emerging .. leading)"),
        ("evidence[1].competencies[0]", "unknown competency 'no-such-competency'"),
        ("evidence[1].start", "2027-01-01 is in the future (as of 2026-11-26)"),
    ]


@pytest.mark.parametrize(
    ("item", "path"),
    [
        # Mistyped references and levels are errors that need not show what was written: an
        # identifier pasted there is still reported.
        ({"kind": "reflection", "competencies": ["pt DOB: 1/2/1990"], "text": "a talk"}, "evidence[0].competencies[0]"),
        ({"kind": "rating", "rater": "peer", "ratings": {"nosuch": VALID_NHS_NUMBER}}, "evidence[0].ratings.nosuch"),
        ({"kind": "attainment", "title": "A award", "competencies": [], "level": "dob: 01/02/1990"}, "evidence[0].level"),
    ],
)
def test_identifiers_in_references_and_levels_are_reported(engine: Any, item: dict[str, Any], path: str) -> None:
    data = {"subject": {"id": "s"}, "evidence": [{"id": "e", "date": AS_OF, **item}]}
    validation = engine.validate(data, as_of=AS_OF)
    assert path in [w.path for w in validation.warnings]
    assert validation.evidence is None  # the mistyped value is an error too


def test_a_360_raters_levels_are_looked_at_for_identifiers(repo: Path) -> None:
    nine_dimension = pytest.importorskip("competency_nine_dimension")
    engine = Engine(plugins=False, extra_plugins=[nine_dimension], search_pyproject=False, env={})
    data = tomli.loads((repo / "plugins" / "nine_dimension" / "examples" / "gp-partner-360.toml").read_text("utf-8"))
    phone = "call 07700 900123"
    rater = data["evidence"][0]["raters"][0]
    rater["ratings"]["inspiring-shared-purpose"] = phone
    rater["ratings"]["no-such-dimension"] = phone
    rater["comments"]["leading-with-care"] = phone
    validation = engine.validate(data, as_of=datetime.date(2026, 11, 26))
    where = "evidence[0].raters[0]"
    assert sorted((p.severity, p.path) for p in validation.problems) == [
        ("error", f"{where}.ratings.inspiring-shared-purpose"),
        ("error", f"{where}.ratings.no-such-dimension"),
        ("warning", f"{where}.comments.leading-with-care"),
        ("warning", f"{where}.ratings.inspiring-shared-purpose"),
        ("warning", f"{where}.ratings.no-such-dimension"),
    ]


_TREES = st.recursive(
    st.builds(OutlineNode, st.lists(st.one_of(_IDENTIFIER_PIECES, st.text(max_size=4)), max_size=4).map("".join)),
    lambda children: st.builds(
        OutlineNode, st.sampled_from(["", "x", VALID_NHS_NUMBER]), st.lists(children, max_size=3).map(tuple)
    ),
    max_leaves=8,
)


@given(_TREES)
def test_the_quick_screen_agrees_with_the_walk(root: OutlineNode) -> None:
    # The screen settles most items without building paths: it must see a candidate exactly when
    # the walk that builds them finds one.
    from competency.checks.privacy import _IDENTIFIERS, _may_identify, _walk

    item = Outline(id="o", date=AS_OF, root=root)
    assert _may_identify(item) == any(_IDENTIFIERS.search(text) for _, text in _walk(item, "evidence[0]"))


@attrs.frozen(kw_only=True)
class Buggy(DatedItem):
    """A plugin kind whose own check reports one problem and then fails."""

    kind: ClassVar[str] = "buggy"
    summary: ClassVar[str] = "a kind with a bug"
    note: str

    def check(self, context: Any) -> Any:
        from competency import Problem

        yield Problem("first problem", "note")
        raise KeyError("oops")


class BuggyPlugin:
    @hookimpl
    def register_evidence_kinds(self, register: Callable[[type[EvidenceItem]], None]) -> None:
        register(Buggy)


def test_a_failing_plugin_check_keeps_what_it_found_and_hides_nothing_else() -> None:
    engine = Engine(plugins=False, extra_plugins=[BuggyPlugin()], search_pyproject=False, env={})
    future = AS_OF + datetime.timedelta(days=1)
    items = [{"id": "", "kind": "buggy", "date": future, "note": "n"}, {"id": "b", "kind": "buggy", "date": AS_OF, "note": "n"}]
    validation = engine.validate({"subject": {"id": "s"}, "evidence": items}, as_of=AS_OF)
    assert [(p.path, p.message) for p in validation.errors] == [
        ("evidence[0].id", "must not be empty"),
        ("evidence[0].date", f"{future.isoformat()} is in the future (as of {AS_OF.isoformat()})"),
        ("evidence[0].note", "first problem"),
        ("evidence[0]", "the 'buggy' check failed: KeyError: 'oops'"),
        ("evidence[1].note", "first problem"),
        ("evidence[1]", "the 'buggy' check failed: KeyError: 'oops'"),
    ]


def test_every_repeat_of_an_id_names_its_first_use() -> None:
    item = {"kind": "reflection", "date": AS_OF, "text": "t", "competencies": ["speaks-up"]}
    ids: list[object] = ["a", "b", "a", 3, "b", "a"]
    data = {"subject": {"id": "s"}, "evidence": [dict(item, id=i) for i in ids]}
    duplicates = [(p.path, p.message) for p in _core_engine().validate(data, as_of=AS_OF).errors if "duplicate" in p.message]
    assert duplicates == [
        ("evidence[2].id", "duplicate evidence id 'a' (first used by evidence[0])"),
        ("evidence[4].id", "duplicate evidence id 'b' (first used by evidence[1])"),
        ("evidence[5].id", "duplicate evidence id 'a' (first used by evidence[0])"),
    ]


def test_an_nhs_number_in_another_scripts_digits_is_found() -> None:
    # \d matches every script's decimal digits, and so does the NHS number's check digit (int()):
    # the quick test for a digit must not assume ASCII.
    from competency.checks.privacy import findings

    arabic_indic = "".join("٠١٢٣٤٥٦٧٨٩"[int(c)] if c.isdigit() else c for c in VALID_NHS_NUMBER)
    fullwidth = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in VALID_NHS_NUMBER)
    assert list(findings(f"NHS {arabic_indic}")) == [("an NHS number", 4)]
    assert list(findings(f"NHS {fullwidth}")) == [("an NHS number", 4)]
