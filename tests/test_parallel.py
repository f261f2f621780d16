"""Scoring files in a process pool: same results as in one process, in input order, small messages."""

from __future__ import annotations

import datetime
import json
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from competency.cohort import summarise
from competency.exporters.json_exporter import to_data
from competency.parallel import EngineSpec, Outcome, ScoreOptions, chunk_size, default_jobs, score_files

from .test_cohort import BAD, cohort_dir


@pytest.fixture
def spec(repo: Path) -> EngineSpec:
    return EngineSpec(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.toml"))


def test_default_jobs_is_the_usable_cores() -> None:
    assert default_jobs() >= 1
    assert chunk_size(10_000, 2) == 32 and chunk_size(10, 2) == 1 and chunk_size(0, 2) == 1


def test_pool_results_equal_single_process_results(spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    files = _files(cohort_dir(tmp_path / "c", 40, bad=BAD))
    options = ScoreOptions(as_of=as_of, cards=True)
    one = list(score_files(files, options, engine=spec, jobs=1))
    two = list(score_files(files, options, engine=spec, jobs=2))
    assert one == two
    assert [o.source for o in two] == [str(f) for f in files]
    assert sum(not o.ok for o in two) == len(BAD)


def test_an_engine_can_be_shared_with_forked_workers(engine: Any, spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    files = _files(cohort_dir(tmp_path / "c", 12))
    options = ScoreOptions(as_of=as_of)
    assert list(score_files(files, options, engine=engine, jobs=2)) == list(score_files(files, options, engine=spec, jobs=1))


def test_outcomes_are_small_unless_scorecards_are_asked_for(spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    files = _files(cohort_dir(tmp_path / "c", 3))
    summary_only = next(score_files(files, ScoreOptions(as_of=as_of), engine=spec))
    with_card = next(score_files(files, ScoreOptions(as_of=as_of, cards=True), engine=spec))
    assert summary_only.card is None and with_card.card is not None
    assert len(pickle.dumps(summary_only)) < 600 < len(pickle.dumps(with_card))


def test_the_card_line_is_the_json_exporters_scorecard(engine: Any, spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    path = _files(cohort_dir(tmp_path / "c", 1))[0]
    outcome = next(score_files([path], ScoreOptions(as_of=as_of, cards=True), engine=spec))
    card = engine.score(engine.load_evidence(path, as_of=as_of), as_of=as_of)
    assert outcome.card is not None and "\n" not in outcome.card
    assert json.loads(outcome.card) == json.loads(json.dumps(to_data(card)))
    assert outcome.summary == summarise(card, {f.id: f for f in engine.frameworks()})


def test_summaries_are_those_of_full_scorecards(engine: Any, spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    # A summary needs no evidence trails, so the file scorer asks for none unless it sends cards.
    files = _files(cohort_dir(tmp_path / "c", 30))
    frameworks = {f.id: f for f in engine.frameworks()}
    for role in (None, "gp"):
        outcomes = list(score_files(files, ScoreOptions(as_of=as_of, role=role), engine=spec))
        with_cards = list(score_files(files, ScoreOptions(as_of=as_of, role=role, cards=True), engine=spec))
        for path, outcome, carded in zip(files, outcomes, with_cards):
            card = engine.score(engine.load_evidence(path, as_of=as_of), as_of=as_of, role=role)
            assert outcome.summary == carded.summary == summarise(card, frameworks)


def test_bad_files_give_problems_not_exceptions(spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name, text in BAD.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "future.toml").write_text(
        '[subject]\nid = "x"\n[[evidence]]\nid = "e"\nkind = "rating"\ndate = 2099-01-01\nrater = "peer"\n'
        "[evidence.ratings]\nvision-and-direction = 2\n",
        encoding="utf-8",
    )
    outcomes = {Path(o.source).name: o for o in score_files(_files(folder) + [folder / "missing.toml"], ScoreOptions(as_of=as_of), engine=spec, jobs=2)}
    assert all(not o.ok and o.problems for o in outcomes.values())
    assert outcomes["missing.toml"].problems == ("no such file",)
    assert outcomes["future.toml"].problems == ("evidence[0].date: 2099-01-01 is in the future (as of 2026-03-01)",)
    # Problems do not repeat the file name: the outcome names the file.
    assert not any(str(folder) in p for o in outcomes.values() for p in o.problems)


def test_a_plugin_failure_on_one_file_does_not_stop_the_run(monkeypatch: pytest.MonkeyPatch, engine: Any, tmp_path: Path, as_of: datetime.date) -> None:
    files = _files(cohort_dir(tmp_path / "c", 4))
    real = engine.score

    def flaky(evidence: Any, **kwargs: Any) -> Any:
        if evidence.subject.id == "p-0002":
            raise RuntimeError("boom")
        return real(evidence, **kwargs)

    monkeypatch.setattr(engine, "score", flaky)
    outcomes = list(score_files(files, ScoreOptions(as_of=as_of), engine=engine))
    failed = [o for o in outcomes if not o.ok]
    assert [o.problems for o in failed] == [("could not be scored: RuntimeError: boom",)]
    assert len(outcomes) == 4


def test_results_stream_in_input_order(spec: EngineSpec, tmp_path: Path, as_of: datetime.date) -> None:
    files = _files(cohort_dir(tmp_path / "c", 30))
    random.Random(1).shuffle(files)  # any order in, the same order out
    seen: list[Outcome] = []
    for outcome in score_files(files, ScoreOptions(as_of=as_of), engine=spec, jobs=2):
        seen.append(outcome)
    assert [o.source for o in seen] == [str(f) for f in files]


def test_engine_spec_builds_like_the_engine(spec: EngineSpec, engine: Any) -> None:
    built = spec.build()
    assert [f.id for f in built.frameworks()] == [f.id for f in engine.frameworks()]
    assert pickle.loads(pickle.dumps(spec)) == spec
