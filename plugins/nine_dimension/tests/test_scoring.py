"""Known small 360 files scored through the CLI and the engine, every figure computed by hand."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Callable

import attrs
import pytest

# Self, a line manager, three peers and two direct reports (hidden: 2 < 3), on three dimensions, role gp
# (targets: Strong, rank 3, on all three).
SMALL = """\
[subject]
id = "gp-1"
role = "gp"

[[evidence]]
id = "small-360"
kind = "360"
date = 2026-05-01

[[evidence.raters]]
id = "s"
group = "self"
[evidence.raters.ratings]
inspiring-shared-purpose = "exemplary"
leading-with-care = 2
evaluating-information = "not-observed"
[evidence.raters.comments]
inspiring-shared-purpose = "I set the direction"

[[evidence.raters]]
id = "m"
group = "line-manager"
[evidence.raters.ratings]
"healthcare-leadership-model:inspiring-shared-purpose" = "strong"
leading-with-care = "strong"
evaluating-information = "proficient"
[evidence.raters.importance]
inspiring-shared-purpose = 4
evaluating-information = 5
[evidence.raters.comments]
inspiring-shared-purpose = "Clear vision"

[[evidence.raters]]
id = "p1"
group = "peer"
[evidence.raters.ratings]
inspiring-shared-purpose = 2
leading-with-care = 4
evaluating-information = 2
[evidence.raters.importance]
inspiring-shared-purpose = 4
[evidence.raters.comments]
inspiring-shared-purpose = "Could share the plan more"
evaluating-information = "peer comment on a suppressed cell"

[[evidence.raters]]
id = "p2"
group = "peer"
[evidence.raters.ratings]
inspiring-shared-purpose = 3
leading-with-care = 4
evaluating-information = 1
[evidence.raters.importance]
inspiring-shared-purpose = 4

[[evidence.raters]]
id = "p3"
group = "peer"
[evidence.raters.ratings]
inspiring-shared-purpose = 2
leading-with-care = 3
evaluating-information = "not-observed"
[evidence.raters.importance]
inspiring-shared-purpose = 3

[[evidence.raters]]
id = "d1"
group = "direct-report"
[evidence.raters.ratings]
inspiring-shared-purpose = 1
leading-with-care = 1
evaluating-information = 1
[evidence.raters.comments]
inspiring-shared-purpose = "secret direct report comment"

[[evidence.raters]]
id = "d2"
group = "direct-report"
[evidence.raters.ratings]
inspiring-shared-purpose = 4
leading-with-care = 4
evaluating-information = 4
"""

AS_OF = "2026-05-01"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def score_json(invoke: Callable[..., Any], path: Path, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = invoke("score", path, "--as-of", AS_OF, "--format", "json", *extra, env=env)
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def analysis_of(report: dict[str, Any], kind: str = "360") -> dict[str, Any]:
    (found,) = [a for a in report["scorecards"][0]["analyses"] if a["kind"] == kind]
    return found


def dimension(data: dict[str, Any], dim: str) -> dict[str, Any]:
    return next(d for d in data["dimensions"] if d["id"] == dim)


def test_small_360_figures_by_hand(invoke: Callable[..., Any], small: Path) -> None:
    data = analysis_of(score_json(invoke, small))["data"]
    assert data["status"] == "ok"  # shown raters besides self: line manager 1 + peers 3 = 4 >= 3
    assert [(g["name"], g["raters"], g["threshold"], g["visible"]) for g in data["groups"]] == [
        ("self", 1, 1, True), ("line-manager", 1, 1, True), ("peer", 3, 3, True),
        ("direct-report", 2, 3, False), ("other", 0, 3, False),
    ]
    # Inspiring shared purpose: all others = manager 3 + peers 2, 3, 2 = {3, 2, 3, 2}.
    # mean 10/4 = 2.5; sample variance (4 x 0.25) / 3 = 1/3, sd 0.577; rwg = 1 - (1/3)/(15/12) = 11/15.
    isp = dimension(data, "inspiring-shared-purpose")
    assert isp["others"] == {
        "n": 4, "not_observed": 0, "mean": 2.5, "sd": 0.577, "rwg": 0.733, "agreement": True,
        "range": [2, 3], "importance_n": 4, "importance_mean": 3.75,  # (4 + 4 + 4 + 3) / 4
    }
    # self 4 - 2.5 = +1.5 > 1 (a third of 1..4): blind spot. 2.5 rounds up to level 3 (Strong); target
    # Strong (3) so no shortfall... 3 - 2.5 = 0.5 shortfall, priority 3.75 x 0.5 = 1.875.
    assert (isp["self"], isp["gap"], isp["flag"]) == (4, 1.5, "blind-spot")
    assert (isp["level"], isp["level_label"], isp["target"], isp["target_label"]) == (3, "Strong", 3, "Strong")
    assert (isp["shortfall"], isp["priority"]) == (0.5, 1.875)
    assert isp["comments"] == [
        {"group": "self", "text": "I set the direction"},
        {"group": "line-manager", "text": "Clear vision"},
        {"group": "peer", "text": "Could share the plan more"},
    ]
    # Leading with care: others {3, 4, 4, 3}, mean 3.5; self 2 - 3.5 = -1.5: hidden strength; level 4.
    lwc = dimension(data, "leading-with-care")
    assert (lwc["others"]["mean"], lwc["gap"], lwc["flag"], lwc["level_label"]) == (3.5, -1.5, "hidden-strength", "Exemplary")
    assert (lwc["shortfall"], lwc["priority"]) == (0.0, None)  # nobody gave an importance
    # Evaluating information: peer p3 did not observe, so only 2 peers answered (< 3): the peer cell is
    # suppressed, with its comment. All others is the manager alone: {2}. Self did not observe: no gap.
    ei = dimension(data, "evaluating-information")
    peer = next(c for c in ei["groups"] if c["group"] == "peer")
    assert (peer["suppressed"], peer["n"], peer["not_observed"], peer["mean"]) == (True, 2, 1, None)
    assert (ei["others"]["n"], ei["others"]["mean"], ei["others"]["sd"]) == (1, 2.0, None)
    assert (ei["self"], ei["gap"], ei["flag"]) == (None, None, None)
    assert (ei["level"], ei["shortfall"], ei["priority"]) == (2, 1.0, 5.0)  # importance 5 x shortfall 1
    assert ei["comments"] == []
    # Dimensions nobody rated: no figures, but still in the report (a radar needs all nine spokes).
    cos = dimension(data, "connecting-our-service")
    assert (cos["others"]["n"], cos["others"]["mean"], cos["level"], cos["target"]) == (0, None, None, 2)
    assert [d["id"] for d in data["dimensions"]][:3] == ["inspiring-shared-purpose", "leading-with-care", "evaluating-information"]
    assert len(data["dimensions"]) == 9
    # Priorities: EI 5, then ISP 1.875.
    assert [(p["dimension"], p["priority"]) for p in data["priorities"]] == [
        ("evaluating-information", 5.0), ("inspiring-shared-purpose", 1.875),
    ]
    # Agreement over the two dimensions with both: self (4 + 2) / 2 = 3, others (2.5 + 3.5) / 2 = 3.
    assert data["overall"] == {
        "dimensions_compared": 2, "self_mean": 3.0, "others_mean": 3.0, "mean_gap": 0.0, "category": "in-agreement-good",
    }


def test_small_360_radar_data_needs_no_recomputing(invoke: Callable[..., Any], small: Path) -> None:
    data = analysis_of(score_json(invoke, small))["data"]
    assert data["radar"][:3] == [
        {"dimension": "inspiring-shared-purpose", "self": 4, "others": 2.5, "target": 3,
         "title": "Inspiring shared purpose", "self_label": "Exemplary", "target_label": "Strong"},
        {"dimension": "leading-with-care", "self": 2, "others": 3.5, "target": 3,
         "title": "Leading with care", "self_label": "Proficient", "target_label": "Strong"},
        {"dimension": "evaluating-information", "self": None, "others": 2.0, "target": 3,
         "title": "Evaluating information", "self_label": None, "target_label": "Strong"},
    ]
    chart = data["radar_chart"]
    assert chart["axes"][:2] == ["Inspiring shared purpose", "Leading with care"]
    assert (chart["minimum"], chart["maximum"], chart["levels"]) == (1, 4, ["Essential", "Proficient", "Strong", "Exemplary"])
    assert [s["name"] for s in chart["series"]] == ["self", "all others", "target"]
    assert chart["series"][1]["values"][:3] == [2.5, 3.5, 2.0]
    assert (data["role"], data["targets_from"], data["contributes_to_scores"]) == ("gp", "role-profile", True)


def test_small_360_feeds_the_scorer(invoke: Callable[..., Any], small: Path) -> None:
    report = score_json(invoke, small)
    (framework,) = report["scorecards"][0]["frameworks"]
    shown = analysis_of(report)["data"]
    results = {c["id"]: c for c in framework["competencies"]}
    # One judgement per shown non-self group, each worth 2.0 x its share of the answers; self gives none.
    # ISP: line manager {3} (n 1) and peers {2, 3, 2} (n 3, mean 7/3); 4 answers, so weights
    # 2.0 x 1/4 = 0.5 and 2.0 x 3/4 = 1.5. Score (0.5 x 3 + 1.5 x 7/3) / 2.0 = (1.5 + 3.5) / 2 = 2.5,
    # the all-others mean; 2.5 rounds up to Strong, the 360's own level. Two sources: the two groups.
    isp = results["inspiring-shared-purpose"]
    assert (isp["score"], isp["level"], isp["sources"], isp["flags"]) == (2.5, "strong", 2, [])
    assert dimension(shown, "inspiring-shared-purpose")["level_label"] == "Strong"
    assert isp["evidence"] == [
        {"id": "small-360", "weight": 1.0, "credit": 0.0, "note": "360: all others 2.50 (n 4; line manager, peers)"}
    ]
    # LWC: line manager {3}, peers {4, 4, 3} (mean 11/3): (0.5 x 3 + 1.5 x 11/3) / 2.0 = (1.5 + 5.5) / 2 = 3.5,
    # Exemplary (3.5 rounds up), as the 360 shows; the self rating 2 no longer pulls it down (it was 3.2).
    lwc = results["leading-with-care"]
    assert (lwc["score"], lwc["level"], lwc["sources"]) == (3.5, "exemplary", 2)
    assert dimension(shown, "leading-with-care")["level_label"] == "Exemplary"
    # EI: the peer cell is suppressed, so only the line manager's {2} is published: weight 2.0 x 1/1,
    # score 2.0, one source: a score, but insufficient evidence for a level.
    ei = results["evaluating-information"]
    assert (ei["score"], ei["level"], ei["sources"], ei["flags"]) == (2.0, None, 1, ["insufficient-evidence"])
    assert ei["evidence"][0]["note"] == "360: all others 2.00 (n 1; line manager)"
    assert results["connecting-our-service"]["flags"] == ["no-evidence"]


def test_small_360_contributions(engine: Any, small: Path, nd: Any) -> None:
    from competency import ScoringConfig, ScoringContext

    evidence = engine.load_evidence(small, as_of=datetime.date(2026, 5, 1))
    context = ScoringContext(engine.resolver, datetime.date(2026, 5, 1), ScoringConfig(), "gp")
    contributions = tuple(evidence.evidence[0].contributions(context))
    found = sorted((c.competency, c.source, c.value, c.weight) for c in contributions)
    # Hand-computed from SMALL (direct reports hidden, self never contributes):
    # EI:  line manager {2} only (peer cell suppressed): value 2, weight 2.0 x 1/1 = 2.0.
    # ISP: line manager {3}, weight 2.0 x 1/4 = 0.5; peers {2, 3, 2} = 7/3, weight 2.0 x 3/4 = 1.5.
    # LWC: line manager {3}, weight 0.5; peers {4, 4, 3} = 11/3, weight 1.5.
    assert found == [
        (f"{nd.HLM}:evaluating-information", "360:small-360:line-manager", 2.0, 2.0),
        (f"{nd.HLM}:inspiring-shared-purpose", "360:small-360:line-manager", 3.0, 0.5),
        (f"{nd.HLM}:inspiring-shared-purpose", "360:small-360:peer", pytest.approx(7 / 3), 1.5),
        (f"{nd.HLM}:leading-with-care", "360:small-360:line-manager", 3.0, 0.5),
        (f"{nd.HLM}:leading-with-care", "360:small-360:peer", pytest.approx(11 / 3), 1.5),
    ]
    # Per dimension the weights sum to 2.0 and the weighted mean is the published all-others mean:
    # EI 2.0; ISP (1.5 + 3.5) / 2 = 2.5; LWC (1.5 + 5.5) / 2 = 3.5.
    for dim, others_mean in (("evaluating-information", 2.0), ("inspiring-shared-purpose", 2.5), ("leading-with-care", 3.5)):
        mine = [c for c in contributions if c.competency == f"{nd.HLM}:{dim}"]
        assert sum(c.weight for c in mine) == pytest.approx(2.0)
        assert sum(c.weight * c.value for c in mine) / 2.0 == pytest.approx(others_mean)
        assert all(c.evidence == "small-360" and c.date == datetime.date(2026, 5, 1) for c in mine)


@pytest.mark.parametrize("role", [None, "gp"])
def test_without_trails_a_360_or_self_assessment_contributes_the_same_with_no_notes(
    engine: Any, small: Path, nd: Any, role: str | None
) -> None:
    # Notes are read only in trails (ScoringContext.trails); everything a level depends on is the same.
    from competency import ScoringConfig, ScoringContext

    for source in (small, *sorted(nd.EXAMPLES.glob("*.toml"))):
        evidence = engine.load_evidence(source, as_of=nd.AS_OF)
        full, lean = (
            ScoringContext(engine.resolver, nd.AS_OF, ScoringConfig(), role, trails=trails) for trails in (True, False)
        )
        for item in evidence.evidence:
            kept = [attrs.evolve(c, note="") for c in item.contributions(full)]
            assert list(item.contributions(lean)) == kept
        card = engine.score(evidence, as_of=nd.AS_OF, role=role)
        stripped = attrs.evolve(card, frameworks=tuple(
            attrs.evolve(f, competencies=tuple(attrs.evolve(c, evidence=(), evidence_count=0) for c in f.competencies))
            for f in card.frameworks
        ))
        assert engine.score(evidence, as_of=nd.AS_OF, role=role, trails=False) == stripped


def test_small_360_text(invoke: Callable[..., Any], small: Path) -> None:
    result = invoke("score", small, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert all(len(line) <= 80 for line in text.splitlines())
    for line in (
        "status: ok, 4 raters besides self in the groups shown",
        "  direct reports   2  hidden: fewer than 3 raters",
        "  others           0  none",
        "Inspiring shared purpose    4   2.50   4    0  0.73  +1.50  blind spot",
        "Leading with care           2   3.50   4    0  0.73  -1.50  hidden strength",
        "Evaluating information      -   2.00   1    0     -      -",
        "Evaluating information       2.00 (1)   hidden (2)",
        "  1. Evaluating information: 5.00 = importance 5.00 x shortfall 1.00",
        "  2. Inspiring shared purpose: 1.88 = importance 3.75 x shortfall 0.50",
        "    peers: Could share the plan more",
    ):
        assert line in text.splitlines(), line
    assert "self-other agreement: in agreement, good" in text
    assert "secret" not in text and "suppressed cell" not in text


def test_without_a_role_every_target_is_proficient(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "norole.toml"
    path.write_text(SMALL.replace('role = "gp"\n', ""), encoding="utf-8")
    data = analysis_of(score_json(invoke, path))["data"]
    assert (data["role"], data["targets_from"]) == (None, "default")
    assert {d["target"] for d in data["dimensions"]} == {2}
    # EI: others 2.0 meets Proficient, ISP 2.5 too: no priorities.
    assert data["priorities"] == []


def test_a_role_option_changes_the_targets(invoke: Callable[..., Any], small: Path) -> None:
    data = analysis_of(score_json(invoke, small, "--role", "practice-nurse"))["data"]
    # practice-nurse: ISP proficient, LWC strong, EI proficient.
    assert [d["target"] for d in data["dimensions"][:3]] == [2, 3, 2]
    assert data["role_title"] == "Practice nurse"


INSUFFICIENT = """\
[subject]
id = "gp-2"
role = "gp"

[[evidence]]
id = "thin-360"
kind = "360"
date = 2026-05-01

[[evidence.raters]]
id = "s"
group = "self"
[evidence.raters.ratings]
sharing-the-vision = 4

[[evidence.raters]]
id = "m"
group = "line-manager"
[evidence.raters.ratings]
sharing-the-vision = 2
[evidence.raters.comments]
sharing-the-vision = "Manager's view"

[[evidence.raters]]
id = "p1"
group = "peer"
[evidence.raters.ratings]
sharing-the-vision = 1

[[evidence.raters]]
id = "p2"
group = "peer"
[evidence.raters.ratings]
sharing-the-vision = 1
"""


def test_insufficient_raters_gives_no_judgement_and_no_contribution(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "thin.toml"
    path.write_text(INSUFFICIENT, encoding="utf-8")
    report = score_json(invoke, path)
    data = analysis_of(report)["data"]
    # Peers are hidden (2 < 3), so the shown raters besides self are the line manager alone: 1 < 3.
    assert data["status"] == "insufficient-raters"
    assert data["contributes_to_scores"] is False
    stv = dimension(data, "sharing-the-vision")
    # Descriptive figures of the shown groups remain; judgements do not.
    assert (stv["others"]["mean"], stv["gap"]) == (2.0, 2.0)
    assert (stv["flag"], stv["level"], stv["shortfall"], stv["priority"]) == (None, None, None, None)
    assert data["priorities"] == [] and data["overall"]["category"] is None
    results = {c["id"]: c for c in report["scorecards"][0]["frameworks"][0]["competencies"]}
    assert results["sharing-the-vision"]["flags"] == ["no-evidence"]
    text = invoke("score", path, "--as-of", AS_OF).stdout
    assert "status: insufficient raters: 1 besides self in the groups shown, fewer than 3." in text
    assert "this 360 adds nothing to the scores" in text
    assert "blind spots (" not in text and "priorities (" not in text
    assert all(len(line) <= 80 for line in text.splitlines())


def test_the_environment_can_raise_a_threshold_and_hide_a_group(invoke: Callable[..., Any], small: Path) -> None:
    data = analysis_of(score_json(invoke, small, env={"COMPETENCY_360_THRESHOLDS": "peer=4"}))["data"]
    peer = next(g for g in data["groups"] if g["name"] == "peer")
    assert (peer["raters"], peer["threshold"], peer["visible"]) == (3, 4, False)
    # Without the peers only the line manager is left: too few raters for a judgement.
    assert data["status"] == "insufficient-raters"
    isp = dimension(data, "inspiring-shared-purpose")
    assert (isp["others"]["n"], isp["others"]["mean"]) == (1, 3.0)
    assert all(c["group"] != "peer" for d in data["dimensions"] for c in d["comments"])
    text = invoke("score", small, "--as-of", AS_OF, env={"COMPETENCY_360_THRESHOLDS": "peer=4"}).stdout
    assert "  peers            3  hidden: fewer than 4 raters" in text.splitlines()
    assert "Could share the plan more" not in text


def test_the_environment_only_raises(invoke: Callable[..., Any], small: Path, tmp_path: Path) -> None:
    # The file lowers peers to 2 and the organisation sets 3: the larger wins.
    lowered = tmp_path / "lowered.toml"
    lowered.write_text(SMALL.replace('date = 2026-05-01\n', 'date = 2026-05-01\nthresholds = { peer = 2 }\n', 1), encoding="utf-8")
    data = analysis_of(score_json(invoke, lowered, env={"COMPETENCY_360_THRESHOLDS": "peer=3, other=5"}))["data"]
    assert {g["name"]: g["threshold"] for g in data["groups"]} == {
        "self": 1, "line-manager": 1, "peer": 3, "direct-report": 3, "other": 5,
    }
    ei = dimension(data, "evaluating-information")
    assert next(c for c in ei["groups"] if c["group"] == "peer")["suppressed"] is True
    # Without the environment the file's 2 applies, and the two peers' answers on EI are shown.
    data = analysis_of(score_json(invoke, lowered))["data"]
    ei = dimension(data, "evaluating-information")
    assert next(c for c in ei["groups"] if c["group"] == "peer")["suppressed"] is False
    assert ei["others"]["mean"] == 1.667  # (2 + 2 + 1) / 3


def test_the_file_can_raise_a_threshold(invoke: Callable[..., Any], small: Path, tmp_path: Path) -> None:
    raised = tmp_path / "raised.toml"
    raised.write_text(SMALL.replace('date = 2026-05-01\n', 'date = 2026-05-01\n[evidence.thresholds]\npeer = 4\n', 1), encoding="utf-8")
    by_file = score_json(invoke, raised)
    by_environment = score_json(invoke, small, env={"COMPETENCY_360_THRESHOLDS": "peer=4"})
    for report in (by_file, by_environment):
        report["scorecards"][0]["source"] = ""
    assert by_file == by_environment


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("peer=1", "1 for peer is below 2, the lowest threshold of an anonymous group"),
        ("peer=x", '"x" for peer is not a whole number'),
        ("peers=4", '"peers" is not a rater group (groups: self, line-manager, peer, direct-report, other)'),
        ("peer4", '"peer4" is not group=count (for example peer=4)'),
        ("peer=4,peer=5", "peer is given twice"),
        ("self=0", "0 for self is below 1, the lowest threshold"),
    ],
)
def test_an_invalid_environment_value_is_a_clean_error(
    invoke: Callable[..., Any], small: Path, value: str, message: str
) -> None:
    for command in ("validate", "score"):
        result = invoke(command, small, "--as-of", AS_OF, env={"COMPETENCY_360_THRESHOLDS": value})
        assert result.exit_code == 1
        expected = f'{small}: evidence[0]: the environment variable COMPETENCY_360_THRESHOLDS="{value}" is invalid: {message}'
        assert expected in result.stderr


def test_gap_threshold_in_the_file(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "gap.toml"
    path.write_text(SMALL.replace('date = 2026-05-01\n', 'date = 2026-05-01\ngap_threshold = 1.5\n', 1), encoding="utf-8")
    data = analysis_of(score_json(invoke, path))["data"]
    # Gaps of exactly +-1.5 are not strictly beyond 1.5.
    assert data["gap_threshold"] == 1.5
    assert [d["flag"] for d in data["dimensions"][:2]] == [None, None]


def test_self_assessment_by_hand(engine: Any, nd: Any) -> None:
    item = {
        "id": "sa", "kind": "self-assessment", "date": datetime.date(2026, 4, 1),
        "performance": {"inspiring-shared-purpose": "insufficient", f"{nd.HLM}:leading-with-care": 3, "sharing-the-vision": "exemplary"},
        "importance": {"inspiring-shared-purpose": 5, "leading-with-care": 2},
    }
    evidence = engine.load_evidence(nd.document(item, role="gp"), as_of=nd.AS_OF)
    card = engine.score(evidence, as_of=datetime.date(2026, 4, 1))
    (analysis,) = card.analyses
    data = analysis.data
    rows = {d["id"]: d for d in data["dimensions"]}
    # gp targets: ISP strong (3), LWC strong (3), STV strong (3). Insufficient is rank 0.
    assert (rows["inspiring-shared-purpose"]["rank"], rows["inspiring-shared-purpose"]["shortfall"],
            rows["inspiring-shared-purpose"]["priority"]) == (0, 3, 15)
    assert (rows["leading-with-care"]["shortfall"], rows["leading-with-care"]["priority"]) == (0, 0)
    assert (rows["sharing-the-vision"]["shortfall"], rows["sharing-the-vision"]["priority"]) == (0, None)
    assert rows["evaluating-information"]["rank"] is None
    assert [p["dimension"] for p in data["priorities"]] == ["inspiring-shared-purpose"]
    framework = card.frameworks[0]
    isp = framework.result("inspiring-shared-purpose")
    # One self judgement of value 0: a score of 0, no level (below 0.5), and too few sources anyway.
    assert (isp.score, isp.level, isp.sources) == (0.0, None, 1)
    assert set(isp.flags) == {"insufficient-evidence", "self-rated-only"}
    assert framework.result("sharing-the-vision").score == 4.0
    assert all(len(line) <= 80 for line in analysis.summary)


def test_the_360s_groups_are_sources_and_a_self_assessment_is_another(engine: Any, nd: Any) -> None:
    three = nd.three_sixty(
        nd.rater("s", "self", {"sharing-the-vision": 4}),
        *(nd.rater(f"p{i}", "peer", {"sharing-the-vision": 2}) for i in range(3)),
    )
    item = {"id": "sa", "kind": "self-assessment", "date": datetime.date(2026, 5, 1), "performance": {"sharing-the-vision": 4}}
    as_of = datetime.date(2026, 5, 1)  # both items are dated today: recency 1 for all

    def scored(*items: dict[str, Any]) -> Any:
        card = engine.score(engine.load_evidence(nd.document(*items), as_of=nd.AS_OF), as_of=as_of)
        return card.frameworks[0].result("sharing-the-vision")

    # The 360 alone: the peers {2, 2, 2} are its only shown group, one judgement of 2 with weight
    # 2.0 x 3/3 = 2.0 and one source (360:hlm-360:peer); the self rating 4 adds neither value nor source.
    alone = scored(three)
    assert (alone.score, alone.level, alone.sources) == (2.0, None, 1)
    assert alone.flags == ("insufficient-evidence",)
    # With the self-assessment: a second source, rater:self, value 4, weight 0.5.
    # (2.0 x 2 + 0.5 x 4) / (2.0 + 0.5) = 6 / 2.5 = 2.4: Proficient. (Were the 360's self rating counted
    # too, it would be (4 + 2 + 2) / 3 = 2.67, Strong.)
    both = scored(three, item)
    assert (both.score, both.level, both.sources, both.flags) == (2.4, "proficient", 2, ())
    # A line manager's {3} makes the 360 two sources of its own: answers 4, so line manager 2.0 x 1/4 = 0.5
    # and peers 2.0 x 3/4 = 1.5; with the self-assessment (0.5 x 3 + 1.5 x 2 + 0.5 x 4) / 2.5 = 6.5 / 2.5 = 2.6.
    managed = nd.three_sixty(*three["raters"], nd.rater("m", "line-manager", {"sharing-the-vision": 3}))
    result = scored(managed, item)
    assert (result.score, result.level, result.sources) == (2.6, "strong", 3)
    # Without the self-assessment: (0.5 x 3 + 1.5 x 2) / 2.0 = 2.25, the pooled mean (3 + 2 + 2 + 2) / 4.
    result = scored(managed)
    assert (result.score, result.level, result.sources, result.flags) == (2.25, "proficient", 2, ())
