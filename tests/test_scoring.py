"""The default scorer: hand-computed cases of each documented rule, then properties over random evidence."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
import tomli
import tomli_w
from hypothesis import assume, given
from hypothesis import strategies as st

from competency import Engine, ScoringConfig, load_framework

AS_OF = datetime.date(2026, 3, 1)
TWO_YEARS_BEFORE = datetime.date(2024, 3, 1)
FOUR_YEARS_BEFORE = datetime.date(2022, 3, 1)  # exactly 4 x 365.25 days before AS_OF
assert (AS_OF - FOUR_YEARS_BEFORE).days == 1461

# -- a tiny framework whose numbers are easy to follow ------------------------------------------------

MINI = {
    "id": "mini",
    "version": "1",
    "title": "Mini framework",
    "publisher": "tests",
    "source": "made up for the tests",
    "licence": "CC0",
    "scale": {"proficient": "c", "levels": [{"id": i, "label": i.upper()} for i in "abcd"]},
    "competencies": [
        {"id": "x", "title": "X"},
        {"id": "y", "title": "Y"},
        {"id": "p", "title": "Parent"},
        {"id": "c1", "title": "Child 1", "parent": "p"},
        {"id": "c2", "title": "Child 2", "parent": "p"},
        {"id": "c3", "title": "Child 3", "parent": "p"},
    ],
    "roles": [{"id": "r", "title": "A role", "targets": {"x": "c", "y": "b", "p": "c"}}],
}


@pytest.fixture(scope="module")
def mini_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mini-framework")
    (folder / "mini.toml").write_text(tomli_w.dumps(MINI), "utf-8")
    return folder


@pytest.fixture(scope="module")
def mini(mini_dir: Path) -> Engine:
    return Engine(plugins=False, frameworks_dirs=[mini_dir], search_pyproject=False, env={})


def rating(ident: str, rater: str, ratings: dict[str, Any], date: datetime.date = AS_OF, rater_id: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": ident, "kind": "rating", "date": date, "rater": rater, "ratings": ratings}
    if rater_id:
        item["rater_id"] = rater_id
    return item


def activity(ident: str, competencies: list[str], *, type: str = "course", outcome: str = "completed",
             hours: float | None = 20, date: datetime.date = AS_OF) -> dict[str, Any]:
    item: dict[str, Any] = {"id": ident, "kind": "activity", "type": type, "title": ident, "start": date,
                            "outcome": outcome, "competencies": competencies}
    if hours is not None:
        item["hours"] = hours
    return item


def reflection(ident: str, competencies: list[str], date: datetime.date = AS_OF) -> dict[str, Any]:
    return {"id": ident, "kind": "reflection", "date": date, "text": "thoughts", "competencies": competencies}


def document(*items: dict[str, Any], role: str | None = "r") -> dict[str, Any]:
    subject: dict[str, Any] = {"id": "s-1"}
    if role:
        subject["role"] = role
    return {"subject": subject, "evidence": list(items)}


def score(engine: Engine, *items: dict[str, Any], config: ScoringConfig | None = None, **kwargs: Any) -> Any:
    """The mini framework's result for a document of ``items``, scored as of AS_OF."""
    evidence = engine.load_evidence(document(*items), as_of=AS_OF)
    card = engine.score(evidence, as_of=AS_OF, config=config, **kwargs)
    assert card.as_of == AS_OF
    result = card.framework("mini")
    assert result is not None
    return result


def weights(result: Any) -> dict[str, float]:
    return {e.id: e.weight for e in result.evidence}


# -- S1: weighted mean of judgements, with rater weights ------------------------------------------------


def test_weighted_mean_uses_rater_weights(mini: Engine) -> None:
    # supervisor 1.5 x 4, self 0.5 x 2: (6 + 1) / 2 = 3.5, and halves round up to level 4.
    x = score(mini, rating("sup", "supervisor", {"x": 4}), rating("me", "self", {"x": "b"})).result("x")
    assert x.score == 3.5
    assert (x.rank, x.level, x.level_label) == (4, "d", "D")
    assert weights(x) == {"me": 0.25, "sup": 0.75}
    assert (x.basis, x.evidence_count, x.sources) == ("direct", 2, 2)


def test_weighted_mean_peer_and_self(mini: Engine) -> None:
    # peer 1.0 x 3, self 0.5 x 2: 4 / 1.5 = 2.666... shown as 2.67, level 3.
    x = score(mini, rating("peer", "peer", {"x": 3}), rating("me", "self", {"x": 2})).result("x")
    assert x.score == 2.67
    assert x.level == "c"
    assert weights(x) == {"me": pytest.approx(1 / 3, abs=1e-4), "peer": pytest.approx(2 / 3, abs=1e-4)}


def test_rater_weights_are_configurable(mini: Engine) -> None:
    config = ScoringConfig(rater_weights={"supervisor": 1.0, "self": 1.0})
    x = score(mini, rating("sup", "supervisor", {"x": 4}), rating("me", "self", {"x": 2}), config=config).result("x")
    assert x.score == 3.0


def test_self_ratings_alone_are_flagged(mini: Engine) -> None:
    x = score(mini, rating("me1", "self", {"x": 3}, rater_id="a"), rating("me2", "self", {"x": 3}, rater_id="b")).result("x")
    assert x.level == "c"
    assert "self-rated-only" in x.flags


def test_score_and_level_are_consistent_at_a_half(mini: Engine) -> None:
    # (3 + 2) / 2 = 2.5: the shown score is 2.50 and the level is read from it, rounding up.
    x = score(mini, rating("a", "peer", {"x": 3}, rater_id="1"), rating("b", "peer", {"x": 2}, rater_id="2")).result("x")
    assert (x.score, x.rank) == (2.5, 3)


# -- S2: recency ------------------------------------------------------------------------------------------


def test_recency_factor_halves_every_two_years() -> None:
    config = ScoringConfig()
    assert config.recency_factor(0) == 1.0
    assert config.recency_factor(1461) == 0.25  # four years of 365.25 days
    assert config.recency_factor((AS_OF - TWO_YEARS_BEFORE).days) == pytest.approx(0.5, abs=1e-3)
    assert config.recency_factor(-10) == 1.0, "a date after as_of never weighs more than today's"


def test_evidence_two_years_old_weighs_half(mini: Engine) -> None:
    # Two peers: 4 today (weight 1) and 1 two years ago (weight 1/2): (4 + 0.5) / 1.5 = 3.
    x = score(
        mini,
        rating("new", "peer", {"x": 4}, rater_id="1"),
        rating("old", "peer", {"x": 1}, date=TWO_YEARS_BEFORE, rater_id="2"),
    ).result("x")
    assert x.score == 3.0
    assert weights(x) == {"new": pytest.approx(2 / 3, abs=1e-3), "old": pytest.approx(1 / 3, abs=1e-3)}


def test_evidence_four_years_old_weighs_a_quarter(mini: Engine) -> None:
    # (4 x 1 + 1 x 0.25) / 1.25 = 3.4
    x = score(
        mini,
        rating("new", "peer", {"x": 4}, rater_id="1"),
        rating("old", "peer", {"x": 1}, date=FOUR_YEARS_BEFORE, rater_id="2"),
    ).result("x")
    assert x.score == 3.4
    assert weights(x) == {"new": 0.8, "old": 0.2}


def test_half_life_is_configurable(mini: Engine) -> None:
    config = ScoringConfig(half_life_years=4)
    x = score(
        mini,
        rating("new", "peer", {"x": 4}, rater_id="1"),
        rating("old", "peer", {"x": 1}, date=FOUR_YEARS_BEFORE, rater_id="2"),
        config=config,
    ).result("x")
    assert x.score == 3.0


# -- S3: the window -------------------------------------------------------------------------------------

JUST_INSIDE = AS_OF - datetime.timedelta(days=1826)  # 5 x 365.25 = 1826.25 days
JUST_OUTSIDE = AS_OF - datetime.timedelta(days=1827)


def test_window_excludes_and_reports_old_evidence(mini: Engine) -> None:
    evidence = mini.load_evidence(
        document(
            rating("new", "peer", {"x": 2}, rater_id="1"),
            rating("inside", "peer", {"x": 4}, date=JUST_INSIDE, rater_id="2"),
            rating("outside", "peer", {"x": 4}, date=JUST_OUTSIDE, rater_id="3"),
            activity("old-course", ["y"], date=JUST_OUTSIDE),
        ),
        as_of=AS_OF,
    )
    card = mini.score(evidence, as_of=AS_OF)
    assert [e.id for e in card.excluded] == ["old-course", "outside"]
    assert all("older than the 5-year window" in e.reason for e in card.excluded)
    assert f"dated {JUST_OUTSIDE.isoformat()}" in card.excluded[1].reason
    x = card.framework("mini").result("x")
    assert set(weights(x)) == {"new", "inside"}
    assert x.sources == 2
    assert card.framework("mini").result("y").evidence == ()
    text = mini.export([card], "text")
    assert "left out:" in text and "outside: dated" in text


def test_window_is_configurable(mini: Engine) -> None:
    items = (rating("a", "peer", {"x": 4}, date=JUST_OUTSIDE, rater_id="1"), rating("b", "peer", {"x": 4}, rater_id="2"))
    assert score(mini, *items).result("x").sources == 1
    wide = score(mini, *items, config=ScoringConfig(window_years=10)).result("x")
    assert wide.sources == 2 and wide.level == "d"


# -- S4: minimum independent sources --------------------------------------------------------------------


def test_one_source_is_insufficient_evidence(mini: Engine) -> None:
    x = score(mini, rating("sup", "supervisor", {"x": 3})).result("x")
    assert x.score == 3.0
    assert (x.level, x.rank) == (None, None)
    assert "insufficient-evidence" in x.flags


def test_one_rater_twice_is_one_source(mini: Engine) -> None:
    same = (
        rating("a", "supervisor", {"x": 3}, rater_id="dr-k"),
        rating("b", "supervisor", {"x": 3}, date=TWO_YEARS_BEFORE, rater_id="dr-k"),
    )
    x = score(mini, *same).result("x")
    assert x.sources == 1 and x.level is None
    assert score(mini, *same, config=ScoringConfig(min_sources=1)).result("x").level == "c"


def test_min_sources_is_configurable(mini: Engine) -> None:
    x = score(mini, rating("sup", "supervisor", {"x": 3}), config=ScoringConfig(min_sources=1)).result("x")
    assert x.level == "c"
    assert "insufficient-evidence" not in x.flags
    needs_three = ScoringConfig(min_sources=3)
    two = score(mini, rating("a", "supervisor", {"x": 3}), rating("b", "peer", {"x": 3}), config=needs_three).result("x")
    assert two.level is None


def test_no_evidence_gives_no_score(mini: Engine) -> None:
    y = score(mini, rating("sup", "supervisor", {"x": 3})).result("y")
    assert (y.score, y.level, y.evidence_count, y.basis) == (None, None, 0, "none")
    assert "no-evidence" in y.flags


# -- S5: development credit -------------------------------------------------------------------------------

TWO_RATERS_AT_2 = (rating("a", "peer", {"x": 2}, rater_id="1"), rating("b", "peer", {"x": 2}, rater_id="2"))


def test_credit_is_capped_at_half_a_level(mini: Engine) -> None:
    courses = [activity(f"course-{i}", ["x"]) for i in range(4)]  # 4 x 0.3 = 1.2 before the cap
    x = score(mini, *TWO_RATERS_AT_2, *courses).result("x")
    assert x.score == 2.5  # 2 + min(0.5, 1.2)
    assert x.level == "c"
    assert "credit-capped" in x.flags
    assert {e.id: e.credit for e in x.evidence if e.id.startswith("course")} == {f"course-{i}": 0.3 for i in range(4)}


def test_credit_is_split_across_claimed_competencies(mini: Engine) -> None:
    result = score(mini, *TWO_RATERS_AT_2, activity("course", ["x", "y", "c1"]))
    x = result.result("x")
    assert {e.id: e.credit for e in x.evidence}["course"] == 0.1  # 0.3 split three ways
    assert x.score == 2.1
    assert "credit-capped" not in x.flags
    assert {e.id: e.credit for e in result.result("y").evidence} == {"course": 0.1}


@pytest.mark.parametrize(
    ("kwargs", "credit"),
    [
        ({"hours": 20}, 0.3),
        ({"hours": 40}, 0.3),  # full credit at 20 hours, no more after
        ({"hours": 10}, 0.15),
        ({"hours": 1}, 0.075),  # never less than a quarter
        ({"hours": None}, 0.15),  # unknown hours earn half
        ({"outcome": "attended"}, 0.225),
        ({"outcome": "in-progress"}, 0.15),
        ({"outcome": "withdrawn"}, 0.0),
        ({"type": "qi-project"}, 0.4),
        ({"type": "reading"}, 0.1),
    ],
)
def test_activity_credit_by_type_outcome_and_hours(mini: Engine, kwargs: dict[str, Any], credit: float) -> None:
    x = score(mini, *TWO_RATERS_AT_2, activity("act", ["x"], **kwargs)).result("x")
    assert {e.id: e.credit for e in x.evidence}["act"] == pytest.approx(credit, abs=1e-4)
    assert x.score == round(2 + credit, 2)


def test_credit_alone_builds_up_from_the_lowest_level(mini: Engine) -> None:
    y = score(mini, reflection("r1", ["y"]), reflection("r2", ["y"])).result("y")
    assert y.score == 1.2  # 1 + 0.1 + 0.1
    assert y.level == "a"
    assert "credit-only" in y.flags


def test_credit_is_discounted_by_recency(mini: Engine) -> None:
    x = score(mini, *TWO_RATERS_AT_2, activity("old", ["x"], date=FOUR_YEARS_BEFORE)).result("x")
    assert {e.id: e.credit for e in x.evidence}["old"] == 0.075  # 0.3 x 0.25


def test_credit_cap_is_configurable(mini: Engine) -> None:
    courses = [activity(f"course-{i}", ["x"]) for i in range(4)]
    x = score(mini, *TWO_RATERS_AT_2, *courses, config=ScoringConfig(credit_cap=1.0)).result("x")
    assert x.score == 3.0


def test_attainment_with_a_level_is_a_weighted_judgement(mini: Engine) -> None:
    award = {"id": "award", "kind": "attainment", "date": AS_OF, "title": "Award", "competencies": ["x"], "level": "d"}
    x = score(mini, rating("peer", "peer", {"x": 2}), award).result("x")
    # peer 1.0 x 2, award 1.5 x 4: 8 / 2.5 = 3.2
    assert x.score == 3.2
    assert weights(x) == {"award": 0.6, "peer": 0.4}


def test_score_never_exceeds_the_top_of_the_scale(mini: Engine) -> None:
    top = (rating("a", "peer", {"x": 4}, rater_id="1"), rating("b", "peer", {"x": 4}, rater_id="2"))
    x = score(mini, *top, activity("course", ["x"])).result("x")
    assert x.score == 4.0 and x.level == "d"


# -- S6: roll-up ----------------------------------------------------------------------------------------


def two_ratings(competency: str, value: int, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        rating(f"{prefix}-1", "peer", {competency: value}, rater_id=f"{prefix}-1"),
        rating(f"{prefix}-2", "peer", {competency: value}, rater_id=f"{prefix}-2"),
    )


def test_rollup_is_the_mean_with_unlevelled_children_counting_zero(mini: Engine) -> None:
    result = score(mini, *two_ratings("c1", 4, "c1"), rating("lonely", "supervisor", {"c3": 3}))
    c1, c2, c3, p = (result.result(i) for i in ("c1", "c2", "c3", "p"))
    assert (c1.rank, c2.score, c3.rank, c3.score) == (4, None, None, 3.0)
    assert p.basis == "rollup"
    assert p.score == 1.33  # (4 + 0 + 0) / 3
    assert p.level == "a"
    assert "rolled-up" in p.flags
    # The parent's trail explains it through its children.
    assert {e.id for e in p.evidence} == {"c1-1", "c1-2"}
    assert all(e.note == "via children" for e in p.evidence)


def test_rollup_is_capped_below_proficient_unless_every_child_is_proficient(mini: Engine) -> None:
    # (4 + 4 + 2) / 3 = 3.33 would be level 3 (proficient), but child 3 is only at level 2.
    capped = score(mini, *two_ratings("c1", 4, "c1"), *two_ratings("c2", 4, "c2"), *two_ratings("c3", 2, "c3")).result("p")
    assert capped.score == 3.33
    assert capped.rank == 2
    assert "rollup-capped" in capped.flags
    # (4 + 4 + 3) / 3 = 3.67: every child is proficient, so the mean stands (level 4).
    uncapped = score(mini, *two_ratings("c1", 4, "c1"), *two_ratings("c2", 4, "c2"), *two_ratings("c3", 3, "c3")).result("p")
    assert uncapped.rank == 4
    assert "rollup-capped" not in uncapped.flags


def test_parent_takes_the_better_of_direct_and_rolled_up(mini: Engine) -> None:
    children = (*two_ratings("c1", 4, "c1"), *two_ratings("c2", 4, "c2"), *two_ratings("c3", 4, "c3"))
    low_direct = score(mini, *children, *two_ratings("p", 2, "p")).result("p")
    assert (low_direct.basis, low_direct.rank) == ("rollup", 4)
    high_direct = score(mini, *two_ratings("c1", 1, "c1"), *two_ratings("p", 4, "p")).result("p")
    assert (high_direct.basis, high_direct.rank) == ("direct", 4)


def test_results_are_in_tree_order_with_depth(mini: Engine) -> None:
    result = score(mini, *two_ratings("c1", 4, "c1"))
    assert [(c.id, c.depth, c.parent) for c in result.competencies] == [
        ("x", 0, None), ("y", 0, None), ("p", 0, None), ("c1", 1, "p"), ("c2", 1, "p"), ("c3", 1, "p"),
    ]


# -- S7: gap analysis -----------------------------------------------------------------------------------


def test_gap_analysis_against_the_subjects_role(mini: Engine) -> None:
    result = score(mini, *two_ratings("x", 2, "x"), *two_ratings("y", 3, "y"))
    assert (result.role, result.role_title) == ("r", "A role")
    x, y, p, c1 = (result.result(i) for i in ("x", "y", "p", "c1"))
    assert (x.target, x.target_rank, x.rank, x.gap, x.met) == ("c", 3, 2, 1, False)
    assert (y.target, y.gap, y.met) == ("b", 0, True)  # above target is met, never a negative gap
    assert (p.target, p.rank, p.gap, p.met) == ("c", None, 3, False)  # no level counts as 0
    assert (c1.target, c1.gap, c1.met) == (None, None, None)  # no target for this role


def test_role_option_overrides_the_subject(mini: Engine) -> None:
    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x"), role=None), as_of=AS_OF)
    untargeted = mini.score(evidence, as_of=AS_OF).framework("mini")
    assert untargeted.role is None and untargeted.result("x").met is None
    targeted = mini.score(evidence, as_of=AS_OF, role="r").framework("mini")
    assert targeted.result("x").gap == 1


def test_unknown_role_is_noted_not_fatal(mini: Engine) -> None:
    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x"), role=None), as_of=AS_OF)
    result = mini.score(evidence, as_of=AS_OF, role="astronaut").framework("mini")
    assert result.result("x").met is None
    assert any("astronaut" in note for note in result.notes)


def test_unknown_roles_score_as_no_role_and_are_not_kept(mini: Engine) -> None:
    from competency.scoring.default import _plan

    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x"), role=None), as_of=AS_OF)
    plain = mini.score(evidence, as_of=AS_OF).framework("mini")
    for role in (f"role-{i}" for i in range(50)):
        result = mini.score(evidence, as_of=AS_OF, role=role).framework("mini")
        assert result.competencies == plain.competencies and result.role == role
    assert set(_plan(mini.framework("mini")).roles) <= {None, "r"}  # one entry per role profile, at most


def test_text_output_shows_targets_and_gaps(mini: Engine) -> None:
    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x"), *two_ratings("y", 3, "y")), as_of=AS_OF)
    text = mini.export([mini.score(evidence, as_of=AS_OF)], "text")
    assert "-1 level" in text and "met" in text
    assert "1 of 3 role targets met" in text


# -- as_of ----------------------------------------------------------------------------------------------


def test_as_of_is_a_parameter_and_is_shown(mini: Engine) -> None:
    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x")), as_of=AS_OF)
    later = datetime.date(2028, 3, 1)
    card = mini.score(evidence, as_of=later)
    assert card.as_of == later
    assert card.framework("mini").result("x").score == 2.0  # all evidence equally old: the mean is unchanged
    assert "as of 2028-03-01" in mini.export([card], "text")
    data = json.loads(mini.export([card], "json"))
    assert data["as_of"] == "2028-03-01" and data["scorecards"][0]["as_of"] == "2028-03-01"


def test_as_of_defaults_to_today(mini: Engine) -> None:
    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x")), as_of=AS_OF)
    assert mini.score(evidence).as_of == datetime.date.today()


def test_unknown_scorer_is_a_configuration_error(mini: Engine) -> None:
    from competency import ConfigurationError

    evidence = mini.load_evidence(document(*two_ratings("x", 2, "x")), as_of=AS_OF)
    with pytest.raises(ConfigurationError, match="default"):
        mini.score(evidence, scorer="nope")


# -- the score command's options ------------------------------------------------------------------------


@pytest.fixture
def mini_file(tmp_path: Path) -> Path:
    file = tmp_path / "mini-evidence.toml"
    doc = document(
        rating("today", "supervisor", {"x": 3}),
        rating("long-ago", "peer", {"x": 3}, date=JUST_OUTSIDE),
    )
    file.write_text(tomli_w.dumps(doc), "utf-8")
    return file


def test_score_command_shows_as_of(mini_dir: Path, mini_file: Path, invoke: Any) -> None:
    result = invoke("score", "--as-of", "2026-03-01", mini_file, frameworks_dirs=[mini_dir])
    assert result.exit_code == 0, result.output
    assert "as of 2026-03-01" in result.stdout.splitlines()[0]
    result = invoke("score", "--as-of", "2026-03-01", "--format", "json", mini_file, frameworks_dirs=[mini_dir])
    assert json.loads(result.stdout)["as_of"] == "2026-03-01"


def test_score_command_window_and_min_sources(mini_dir: Path, mini_file: Path, invoke: Any) -> None:
    def x_result(*options: str) -> dict[str, Any]:
        result = invoke("score", "--as-of", "2026-03-01", "--format", "json", *options, mini_file, frameworks_dirs=[mini_dir])
        assert result.exit_code == 0, result.output
        card = json.loads(result.stdout)["scorecards"][0]
        x = next(c for c in card["frameworks"][0]["competencies"] if c["id"] == "x")
        return {"excluded": [e["id"] for e in card["excluded"]], "level": x["level"], "sources": x["sources"]}

    assert x_result() == {"excluded": ["long-ago"], "level": None, "sources": 1}
    assert x_result("--window-years", "6") == {"excluded": [], "level": "c", "sources": 2}
    assert x_result("--min-sources", "1") == {"excluded": ["long-ago"], "level": "c", "sources": 1}


@pytest.mark.parametrize("option", [("--window-years", "0"), ("--window-years", "-1"), ("--min-sources", "0"), ("--as-of", "2026-13-01")])
def test_score_command_rejects_bad_settings(option: tuple[str, str], mini_dir: Path, mini_file: Path, invoke: Any) -> None:
    result = invoke("score", *option, mini_file, frameworks_dirs=[mini_dir])
    assert result.exit_code == 2
    assert option[0] in result.stderr


def test_examples_score_as_documented(repo: Path, invoke: Any, examples: list[Path]) -> None:
    result = invoke("score", "--as-of", "2026-03-01", "--format", "json", *examples)
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)["scorecards"]
    assert [c["source"] for c in cards] == [str(p) for p in examples]
    for card in cards:
        results = card["frameworks"][0]["competencies"]
        assert any(r["level"] is not None for r in results), "each example reaches a level somewhere"
        assert any(r["met"] is not None for r in results), "each example is compared with its role"


# -- properties over random evidence --------------------------------------------------------------------

FRAMEWORK = load_framework(Path(__file__).resolve().parent.parent / "frameworks" / "collective_leadership.toml")
COMPETENCY_IDS = [c.id for c in FRAMEWORK.competencies]
LEVEL_IDS = [level.id for level in FRAMEWORK.scale.levels]
TOP = FRAMEWORK.scale.top
ROLES = [r.id for r in FRAMEWORK.roles]
RATERS = ["self", "supervisor", "peer", "direct-report", "assessor", "patient", "other"]
ACTIVITY_TYPES = ["course", "mentoring", "coaching", "networking", "action-learning", "qi-project", "on-the-job",
                  "self-directed-learning", "secondment", "reading", "leadership-project", "new-role", "part-time-role"]
OUTCOMES = ["completed", "attended", "in-progress", "withdrawn"]

DATES = st.dates(min_value=AS_OF - datetime.timedelta(days=7 * 366), max_value=AS_OF)
COMPETENCIES = st.lists(st.sampled_from(COMPETENCY_IDS), min_size=1, max_size=4, unique=True)
REFERENCES = COMPETENCIES.flatmap(
    lambda ids: st.tuples(*[st.sampled_from([i, FRAMEWORK.qualified(i)]) for i in ids]).map(list)
)
LEVEL = st.integers(1, TOP).flatmap(lambda rank: st.sampled_from([rank, LEVEL_IDS[rank - 1]]))
HOURS = st.one_of(st.none(), st.integers(0, 200), st.floats(0, 200, allow_nan=False))


def rank_of(value: int | str) -> int:
    return value if isinstance(value, int) else LEVEL_IDS.index(value) + 1


@st.composite
def items(draw: st.DrawFn, ident: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["rating", "rating", "activity", "reflection", "attainment"]))
    if kind == "rating":
        item = {"id": ident, "kind": "rating", "date": draw(DATES), "rater": draw(st.sampled_from(RATERS)),
                "ratings": {c: draw(LEVEL) for c in draw(REFERENCES)}}
        rater_id = draw(st.sampled_from([None, "r1", "r2", "r3"]))
        if rater_id:
            item["rater_id"] = rater_id
        return item
    if kind == "activity":
        start = draw(DATES)
        item = {"id": ident, "kind": "activity", "type": draw(st.sampled_from(ACTIVITY_TYPES)), "title": "t",
                "start": start, "outcome": draw(st.sampled_from(OUTCOMES)), "competencies": draw(REFERENCES)}
        if draw(st.booleans()):
            item["end"] = draw(st.dates(min_value=start, max_value=AS_OF))
        hours = draw(HOURS)
        if hours is not None:
            item["hours"] = hours
        return item
    if kind == "reflection":
        return {"id": ident, "kind": "reflection", "date": draw(DATES), "text": "t", "competencies": draw(REFERENCES)}
    item = {"id": ident, "kind": "attainment", "date": draw(DATES), "title": "t", "competencies": draw(REFERENCES)}
    if draw(st.booleans()):
        item["level"] = draw(LEVEL)
    return item


@st.composite
def evidence_documents(draw: st.DrawFn, min_items: int = 1) -> dict[str, Any]:
    """A valid evidence document for the shipped framework."""
    count = draw(st.integers(min_items, 12))
    subject: dict[str, Any] = {"id": "subject-1"}
    role = draw(st.sampled_from([None, *ROLES]))
    if role:
        subject["role"] = role
    return {"subject": subject, "evidence": [draw(items(f"e{i}")) for i in range(count)]}


def scored_json(engine: Engine, data: dict[str, Any]) -> str:
    evidence = engine.load_evidence(data, as_of=AS_OF)
    return engine.export([engine.score(evidence, as_of=AS_OF)], "json")


def ranks(engine: Engine, data: dict[str, Any]) -> dict[str, int]:
    card = engine.score(engine.load_evidence(data, as_of=AS_OF), as_of=AS_OF)
    return {c.id: c.rank or 0 for f in card.frameworks for c in f.competencies}


@given(data=evidence_documents(), seed=st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_evidence_order(shared_engine: Engine, data: dict[str, Any], seed: Any) -> None:
    shuffled = copy.deepcopy(data)
    seed.shuffle(shuffled["evidence"])
    for item in shuffled["evidence"]:
        if "ratings" in item:
            pairs = list(item["ratings"].items())
            seed.shuffle(pairs)
            item["ratings"] = dict(pairs)
        if "competencies" in item:
            seed.shuffle(item["competencies"])
    assert scored_json(shared_engine, shuffled) == scored_json(shared_engine, data)


@given(data=evidence_documents())
def test_scoring_is_deterministic(shared_engine: Engine, repo: Path, data: dict[str, Any]) -> None:
    first = scored_json(shared_engine, data)
    assert scored_json(shared_engine, copy.deepcopy(data)) == first
    fresh = Engine(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False, env={})
    assert scored_json(fresh, data) == first
    text = fresh.export([fresh.score(fresh.load_evidence(data, as_of=AS_OF), as_of=AS_OF)], "text")
    assert text == shared_engine.export([shared_engine.score(shared_engine.load_evidence(data, as_of=AS_OF), as_of=AS_OF)], "text")


@given(data=evidence_documents(), role=st.sampled_from([None, *ROLES]))
def test_scoring_without_trails_changes_nothing_else(shared_engine: Engine, data: dict[str, Any], role: str | None) -> None:
    evidence = shared_engine.load_evidence(data, as_of=AS_OF)
    full = shared_engine.score(evidence, as_of=AS_OF, role=role)
    lean = shared_engine.score(evidence, as_of=AS_OF, role=role, trails=False)
    stripped = attrs.evolve(full, frameworks=tuple(
        attrs.evolve(f, competencies=tuple(attrs.evolve(c, evidence=(), evidence_count=0) for c in f.competencies))
        for f in full.frameworks
    ))
    assert lean == stripped


def assert_no_level_lowered(before: dict[str, int], after: dict[str, int]) -> None:
    lowered = {c: (before[c], after[c]) for c in before if after[c] < before[c]}
    assert not lowered, f"better evidence lowered levels (before, after): {lowered}"


@given(data=evidence_documents(), choice=st.data())
def test_raising_a_rating_never_lowers_a_level(shared_engine: Engine, data: dict[str, Any], choice: st.DataObject) -> None:
    rated = [(i, c) for i, item in enumerate(data["evidence"]) if item["kind"] == "rating"
             for c, v in item["ratings"].items() if rank_of(v) < TOP]
    assume(rated)
    index, competency = choice.draw(st.sampled_from(rated))
    better = copy.deepcopy(data)
    old = rank_of(better["evidence"][index]["ratings"][competency])
    new = choice.draw(st.integers(old + 1, TOP))
    better["evidence"][index]["ratings"][competency] = choice.draw(st.sampled_from([new, LEVEL_IDS[new - 1]]))
    assert_no_level_lowered(ranks(shared_engine, data), ranks(shared_engine, better))


@given(data=evidence_documents(), choice=st.data())
def test_adding_development_never_lowers_a_level(shared_engine: Engine, data: dict[str, Any], choice: st.DataObject) -> None:
    extra = choice.draw(items("added").filter(lambda item: item["kind"] in ("activity", "reflection")))
    better = copy.deepcopy(data)
    better["evidence"].insert(choice.draw(st.integers(0, len(data["evidence"]))), extra)
    assert_no_level_lowered(ranks(shared_engine, data), ranks(shared_engine, better))


@given(data=evidence_documents(), choice=st.data())
def test_adding_a_top_rating_never_lowers_a_level(shared_engine: Engine, data: dict[str, Any], choice: st.DataObject) -> None:
    top = choice.draw(st.sampled_from([TOP, LEVEL_IDS[-1]]))
    extra = {"id": "added", "kind": "rating", "date": choice.draw(DATES), "rater": choice.draw(st.sampled_from(RATERS)),
             "ratings": {c: top for c in choice.draw(COMPETENCIES)}}
    rater_id = choice.draw(st.sampled_from([None, "r1", "new-rater"]))
    if rater_id:
        extra["rater_id"] = rater_id
    better = copy.deepcopy(data)
    better["evidence"].append(extra)
    assert_no_level_lowered(ranks(shared_engine, data), ranks(shared_engine, better))


# -- arbitrary TOML values anywhere ---------------------------------------------------------------------

#: TOML offsets are whole minutes (+HH:MM): no local mean times with seconds.
TOML_OFFSETS = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: datetime.timezone(datetime.timedelta(minutes=m)))
SCALARS = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(COMPETENCY_IDS + LEVEL_IDS + ["rating", "activity", "self", "course", "completed", "", "3"]),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([0, 1, 2, 3, 4, 5, -1]),
    st.floats(),  # nan and inf are TOML values too
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), TOML_OFFSETS)),
    st.times(),
)
KEYS = st.one_of(st.text(max_size=10), st.sampled_from(["id", "kind", "date", "ratings", "competencies", "level", "hours", "role"]))
TOML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)


def node_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed document: the keys of tables and the indexes of arrays."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += node_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += node_paths(item, (*path, index))
    return found


def replaced(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(document)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return copied


def example_documents(repo: Path) -> list[dict[str, Any]]:
    return [tomli.loads(p.read_text("utf-8")) for p in sorted((repo / "examples").glob("*.toml"))]


EXAMPLES = example_documents(Path(__file__).resolve().parent.parent)


@st.composite
def mangled_documents(draw: st.DrawFn, allow_root: bool = True) -> Any:
    """An example with one node replaced by an arbitrary TOML value, or a key added to a table."""
    document = draw(st.sampled_from(EXAMPLES))
    if draw(st.booleans()):
        # Any node, uniformly: mostly deep inside the items.
        path = draw(st.sampled_from([p for p in node_paths(document) if allow_root or p]))
    else:
        # A random walk from the top, so shallow nodes ("frameworks", "subject", a whole item) are
        # chosen as often as deep ones.
        path = ()
        while True:
            node = _at(document, path)
            steps = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
            if not steps or (path and draw(st.integers(0, 2)) == 0):
                break
            path = (*path, draw(st.sampled_from(steps)))
    if draw(st.integers(0, 3)):
        return replaced(document, path, draw(TOML_VALUES))
    # Or add a key to the table at (or above) that place.
    while not isinstance(_at(document, path), dict):
        path = path[:-1]
    table = path
    copied = copy.deepcopy(document)
    target = _at(copied, table)
    target[draw(KEYS)] = draw(TOML_VALUES)
    return copied


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def check_outcome(engine: Engine, data: Any) -> None:
    validation = engine.validate(data, as_of=AS_OF, name="mangled.toml")
    if not validation.ok:
        assert validation.errors, "an invalid document has at least one error"
        for problem in validation.errors:
            assert problem.source == "mangled.toml" and problem.message
        return
    card = engine.score(validation.unwrap(), as_of=AS_OF)
    json.loads(engine.export([card], "json"))
    engine.export([card], "text")


@given(data=mangled_documents())
def test_arbitrary_values_anywhere_give_a_result_or_errors(shared_engine: Engine, data: Any) -> None:
    check_outcome(shared_engine, data)


@given(data=mangled_documents(allow_root=False))
def test_arbitrary_values_through_toml_text(shared_engine: Engine, data: Any) -> None:
    check_outcome(shared_engine, tomli_w.dumps(data))


@given(data=mangled_documents(allow_root=False))
def test_arbitrary_values_through_the_cli(
    shared_invoke: Any, tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    file = tmp_path_factory.mktemp("mangled") / "mangled.toml"
    file.write_text(tomli_w.dumps(data), "utf-8")
    for command in ("validate", "score"):
        result = shared_invoke(command, "--as-of", AS_OF.isoformat(), file)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            assert str(file) in result.stderr
