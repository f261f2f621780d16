"""The shipped examples and the documented example, end to end, with figures computed by hand."""

from __future__ import annotations

import datetime
import json
import math
import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DIRECT_REPORT_WORDS = ("Feedback on my consultations", "signs off the protocols")


@pytest.fixture(scope="module")
def gp(engine: Any, as_of: datetime.date) -> Any:
    evidence = engine.load_evidence(EXAMPLES / "gp-partner-360.toml", as_of=as_of)
    return engine.score(evidence, as_of=as_of)


def dims(card: Any, kind: str = "360") -> dict[str, dict[str, Any]]:
    (analysis,) = [a for a in card.analyses if a.kind == kind]
    return {d["id"]: d for d in analysis.data["dimensions"]}


def test_the_gp_partner_has_a_blind_spot_and_a_hidden_strength(gp: Any) -> None:
    (analysis,) = gp.analyses
    data = analysis.data
    assert data["status"] == "ok"
    assert [(g["name"], g["raters"], g["visible"]) for g in data["groups"]] == [
        ("self", 1, True), ("line-manager", 1, True), ("peer", 5, True), ("direct-report", 2, False), ("other", 3, True),
    ]
    rows = dims(gp)
    # Sharing the vision: manager 2; peers 2, 3, 2, 3, 2; others 3, 2, 2: 21/9 = 2.333. Self 4: gap +1.667.
    stv = rows["sharing-the-vision"]
    assert (stv["others"]["n"], stv["others"]["mean"], stv["self"], stv["gap"], stv["flag"]) == (9, 2.333, 4, 1.667, "blind-spot")
    assert (stv["level_label"], stv["target_label"], stv["shortfall"]) == ("Proficient", "Strong", 0.667)
    # Importance: manager 5; peers 4, 4, 5, 4, 4; others 5, 4, 4: 39/9 = 4.333; priority 4.333 x 2/3 = 26/9.
    assert (stv["others"]["importance_mean"], stv["priority"]) == (4.333, 2.889)
    # Developing capability: manager 3; peers 4, 3, 4, 3, 4; others 3, 4, 3: 31/9 = 3.444. Self 2: gap -1.444.
    dc = rows["developing-capability"]
    assert (dc["others"]["mean"], dc["gap"], dc["flag"], dc["level_label"]) == (3.444, -1.444, "hidden-strength", "Strong")
    assert [d for d, r in rows.items() if r["flag"]] == ["sharing-the-vision", "developing-capability"]
    # Holding to account: two of the three others did not observe, so the others' cell (n 1) is suppressed;
    # all others = manager 2 + peers 2, 2, 3, 2 (one peer did not observe) = 11/5 = 2.2.
    hta = rows["holding-to-account"]
    other = next(c for c in hta["groups"] if c["group"] == "other")
    assert (other["suppressed"], other["n"], other["not_observed"], other["mean"]) == (True, 1, 2, None)
    assert (hta["others"]["n"], hta["others"]["not_observed"], hta["others"]["mean"]) == (5, 1, 2.2)
    assert [c["group"] for c in hta["comments"]] == ["line-manager"]  # the others' comment there is suppressed too
    # Inspiring shared purpose: manager 3; peers 3, 2, 4, 3, 2; others 3, 3, 2: 25/9 = 2.778, target Strong.
    assert (rows["inspiring-shared-purpose"]["others"]["mean"], rows["inspiring-shared-purpose"]["shortfall"]) == (2.778, 0.222)
    assert [p["dimension"] for p in data["priorities"]] == ["sharing-the-vision", "inspiring-shared-purpose"]
    # Self mean 26/9; the others means sum to 209/9 + 11/5 over 9 dimensions: 2.8247; gap +0.064.
    assert data["overall"]["category"] == "in-agreement-good"
    assert data["overall"]["self_mean"] == 2.889 and data["overall"]["others_mean"] == 2.825


def test_the_gp_partner_scores(engine: Any, gp: Any, as_of: datetime.date) -> None:
    from competency import ScoringConfig, ScoringContext

    framework = gp.frameworks[0]
    # One judgement per shown non-self group (line manager, peers, others; the direct reports are hidden),
    # weight 2.0 x the group's answers / all 9 answers; the self rating (Exemplary) gives none.
    # Sharing the vision: line manager {2} (n 1); peers {2, 3, 2, 3, 2} = 12/5 (n 5); others {3, 2, 2} = 7/3
    # (n 3). Weights 2/9, 10/9, 6/9 (sum 2). Score (2/9 x 2 + 10/9 x 12/5 + 6/9 x 7/3) / 2
    # = (4/9 + 24/9 + 14/9) / 2 = 21/9 = 2.333: Proficient, the 360's own level (one date, so recency
    # scales every weight alike). Three sources, one per group.
    stv = framework.result("sharing-the-vision")
    assert (stv.score, stv.level, stv.sources, stv.flags) == (2.33, "proficient", 3, ())
    evidence = engine.load_evidence(EXAMPLES / "gp-partner-360.toml", as_of=as_of)
    context = ScoringContext(engine.resolver, as_of, ScoringConfig(), "gp")
    found = sorted(
        (c.source, c.value, c.weight) for c in evidence.evidence[0].contributions(context)
        if c.competency == "healthcare-leadership-model:sharing-the-vision"
    )
    assert found == [
        ("360:hlm-360-2026:line-manager", 2.0, pytest.approx(2 / 9)),
        ("360:hlm-360-2026:other", pytest.approx(7 / 3), pytest.approx(6 / 9)),
        ("360:hlm-360-2026:peer", pytest.approx(12 / 5), pytest.approx(10 / 9)),
    ]
    # Developing capability: line manager {3}; peers {4, 3, 4, 3, 4} = 18/5; others {3, 4, 3} = 10/3.
    # (2/9 x 3 + 10/9 x 18/5 + 6/9 x 10/3) / 2 = (6/9 + 36/9 + 20/9) / 2 = 31/9 = 3.444: Strong.
    dc = framework.result("developing-capability")
    assert (dc.score, dc.level, dc.sources) == (3.44, "strong", 3)
    # Holding to account: the others' cell is suppressed (n 1 < 3); line manager {2} (n 1), peers
    # {2, 2, 3, 2} = 9/4 (n 4): weights 2 x 1/5 = 2/5 and 2 x 4/5 = 8/5.
    # (2/5 x 2 + 8/5 x 9/4) / 2 = (4/5 + 18/5) / 2 = 11/5 = 2.2: Proficient, two sources.
    hta = framework.result("holding-to-account")
    assert (hta.score, hta.level, hta.sources) == (2.2, "proficient", 2)
    assert [(e.id, e.weight) for e in hta.evidence] == [("hlm-360-2026", 1.0)]
    assert hta.evidence[0].note == "360: all others 2.20 (n 5; line manager, peers)"


# The GP partner's pooled all-others means, by hand: line manager + the five peers' sum + the three others'
# sum, over 9 answers (Holding to account: line manager + four peers over 5, the others' cell suppressed).
GP_OTHERS = {
    "inspiring-shared-purpose": Fraction(3 + 14 + 8, 9),    # 25/9 = 2.778
    "leading-with-care": Fraction(3 + 16 + 10, 9),          # 29/9 = 3.222
    "evaluating-information": Fraction(3 + 16 + 10, 9),     # 29/9 = 3.222
    "connecting-our-service": Fraction(3 + 13 + 10, 9),     # 26/9 = 2.889
    "sharing-the-vision": Fraction(2 + 12 + 7, 9),          # 21/9 = 2.333
    "engaging-the-team": Fraction(3 + 13 + 8, 9),           # 24/9 = 2.667
    "holding-to-account": Fraction(2 + 9, 5),               # 11/5 = 2.2
    "developing-capability": Fraction(3 + 18 + 10, 9),      # 31/9 = 3.444
    "influencing-for-results": Fraction(3 + 13 + 8, 9),     # 24/9 = 2.667
}
# The score (two decimals), the level and the number of shown groups (sources) each should give.
GP_SCORES = {
    "inspiring-shared-purpose": (2.78, "strong", 3),
    "leading-with-care": (3.22, "strong", 3),
    "evaluating-information": (3.22, "strong", 3),
    "connecting-our-service": (2.89, "strong", 3),
    "sharing-the-vision": (2.33, "proficient", 3),
    "engaging-the-team": (2.67, "strong", 3),
    "holding-to-account": (2.2, "proficient", 2),
    "developing-capability": (3.44, "strong", 3),
    "influencing-for-results": (2.67, "strong", 3),
}
LEVEL_IDS = ("essential", "proficient", "strong", "exemplary")


def test_with_only_the_360_the_scorer_gives_the_360s_own_level(gp: Any) -> None:
    rows = dims(gp)
    framework = gp.frameworks[0]
    assert set(GP_OTHERS) == set(GP_SCORES) == set(rows)
    for dim, mean in GP_OTHERS.items():
        score, level, sources = GP_SCORES[dim]
        # The 360's cut-points, half up: floor(mean + 1/2) on the exact mean.
        rank = math.floor(mean + Fraction(1, 2))
        assert LEVEL_IDS[rank - 1] == level, dim  # the hand tables agree with each other
        assert rows[dim]["others"]["mean"] == round(float(mean), 3), dim
        assert rows[dim]["level"] == rank, dim
        result = framework.result(dim)
        assert (result.score, result.level, result.rank, result.sources, result.flags) == (score, level, rank, sources, ()), dim
        assert result.level_label == rows[dim]["level_label"], dim


@pytest.mark.parametrize(
    ("self_ratings", "stv_self"),
    [
        pytest.param({d: "essential" for d in GP_OTHERS}, 1, id="all-essential"),
        pytest.param({d: 1 for d in GP_OTHERS} | {"sharing-the-vision": "strong"}, 3, id="all-but-one-essential"),
        pytest.param({"sharing-the-vision": "not-observed", "developing-capability": 4, "holding-to-account": 1}, None, id="mixed"),
        pytest.param(None, None, id="no-self-rater"),
    ],
)
def test_the_360s_self_rating_never_changes_a_score(engine: Any, gp: Any, as_of: datetime.date,
                                                       self_ratings: dict[str, Any] | None, stv_self: int | None) -> None:
    document = tomllib.loads((EXAMPLES / "gp-partner-360.toml").read_text(encoding="utf-8"))
    raters = document["evidence"][0]["raters"]
    assert raters[0]["group"] == "self" and raters[0]["ratings"]["sharing-the-vision"] == "exemplary"
    if self_ratings is None:
        del raters[0]
    else:
        raters[0]["ratings"] = self_ratings
    card = engine.score(engine.load_evidence(document, as_of=as_of), as_of=as_of)
    # The variation is real: the blind-spot analysis reads the new self rating (the example's is 4, a blind
    # spot on Sharing the vision)...
    assert dims(card)["sharing-the-vision"]["self"] == stv_self
    assert dims(card)["sharing-the-vision"]["flag"] != "blind-spot"
    # ...but every score, level, source count, flag and evidence trail is the example's.
    assert card.frameworks == gp.frameworks


def test_nothing_the_direct_reports_said_appears_anywhere(engine: Any, gp: Any) -> None:
    for name in engine.exporters():
        output = engine.export([gp], name)
        for words in DIRECT_REPORT_WORDS:
            assert words not in output, name
        assert "r-08" not in output and "r-09" not in output


def test_the_examples_folder_scores_at_80_columns(invoke: Callable[..., Any]) -> None:
    result = invoke("score", EXAMPLES, "--as-of", "2026-11-26")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert "…" not in result.stdout  # nothing had to be cut to fit
    text = result.stdout
    for line in (
        "  direct reports   2  hidden: fewer than 3 raters",
        "Sharing the vision          4   2.33   9    0  0.80  +1.67  blind spot",
        "Developing capability       2   3.44   9    0  0.78  -1.44  hidden strength",
        "Holding to account           2.00 (1)     2.25 (4)   hidden (1)",
        "  1. Sharing the vision: 2.89 = importance 4.33 x shortfall 0.67",
        "  1. Holding to account: 8 = importance 4 x shortfall 2",
    ):
        assert line in lines, line
    assert "self-other agreement: in agreement, good" in text


def test_the_examples_score_as_of_today(invoke: Callable[..., Any]) -> None:
    # Exactly what the README runs: no --as-of, so the examples' dates must not be in the future.
    assert invoke("score", EXAMPLES).exit_code == 0


def test_the_examples_validate_strictly(invoke: Callable[..., Any]) -> None:
    result = invoke("validate", "--strict", EXAMPLES, "--as-of", "2026-11-26")
    assert result.exit_code == 0, result.stderr


def test_the_practice_nurse_self_assessment(engine: Any, as_of: datetime.date) -> None:
    card = engine.score(engine.load_evidence(EXAMPLES / "practice-nurse-self-assessment.toml", as_of=as_of), as_of=as_of)
    (analysis,) = card.analyses
    data = analysis.data
    assert data["role"] == "practice-nurse"
    # Practice nurse targets: leading-with-care strong, connecting-our-service and holding-to-account proficient.
    assert [(p["dimension"], p["priority"]) for p in data["priorities"]] == [
        ("holding-to-account", 8), ("leading-with-care", 5), ("connecting-our-service", 4),
    ]
    hta = card.frameworks[0].result("holding-to-account")
    assert (hta.score, hta.level) == (0.0, None)
    assert "insufficient-evidence" in hta.flags
    assert all(len(line) <= 80 for line in engine.export([card], "text").splitlines())


def test_the_documented_full_example(engine: Any, format_doc: str) -> None:
    (block,) = [b for b in re.findall(r"```toml\n(.*?)```", format_doc, flags=re.S) if "[subject]" in b]
    as_of = datetime.date(2026, 5, 1)
    card = engine.score(engine.load_evidence(tomllib.loads(block), as_of=as_of), as_of=as_of)
    three = next(a for a in card.analyses if a.kind == "360").data
    assert three["status"] == "ok"
    rows = {d["id"]: d for d in three["dimensions"]}
    stv, dc, hta = rows["sharing-the-vision"], rows["developing-capability"], rows["holding-to-account"]
    assert (stv["others"]["mean"], stv["gap"], stv["flag"], stv["level_label"]) == (2.25, 1.75, "blind-spot", "Proficient")
    assert (stv["shortfall"], stv["others"]["importance_mean"], stv["priority"]) == (0.75, 4.5, 3.375)
    assert (dc["others"]["mean"], dc["gap"], dc["flag"], dc["level_label"]) == (3.5, -1.5, "hidden-strength", "Exemplary")
    peer = next(c for c in hta["groups"] if c["group"] == "peer")
    assert peer["suppressed"] and (hta["others"]["mean"], hta["gap"], hta["level_label"], hta["shortfall"]) == (2.0, 0.0, "Proficient", 0.0)
    assert (three["overall"]["self_mean"], three["overall"]["others_mean"], three["overall"]["mean_gap"]) == (2.667, 2.583, 0.083)
    assert three["overall"]["category"] == "in-agreement-good"
    assert "Never shown" not in json.dumps(three) and "Never shown" not in engine.export([card], "text")
    # Scores (docs/360-format.md, "What it gives"). The 360 gives one judgement per shown non-self group:
    # line manager n 1 and peers n 3 on Sharing the vision and Developing capability, weights 2.0 x 1/4 = 0.5
    # and 2.0 x 3/4 = 1.5; on Holding to account the peer cell is suppressed, so the line manager alone,
    # weight 2.0. The 360's self rating gives nothing. The self-assessment (source rater:self, weight 0.5) is
    # 30 days older than the as-of date: recency f = 0.5 ** (30 / 730.5) = 0.97194, its weight 0.5f = 0.48597.
    factor = 0.5 ** (30 / 730.5)
    assert round(factor, 5) == 0.97194
    results = {d: card.frameworks[0].result(d) for d in ("sharing-the-vision", "developing-capability", "holding-to-account")}
    # STV: (0.5 x 2 + 1.5 x 7/3 + 0.5f x 4) / (2 + 0.5f) = (4.5 + 2f) / (2 + 0.5f) = 6.44387 / 2.48597 = 2.592.
    # DC:  (0.5 x 3 + 1.5 x 11/3 + 0.5f x 2) / (2 + 0.5f) = (7 + f) / (2 + 0.5f) = 7.97194 / 2.48597 = 3.207.
    # HTA: (2.0 x 2 + 0.5f x 0) / (2 + 0.5f) = 4 / 2.48597 = 1.609 (insufficient is the value 0).
    by_hand = {
        "sharing-the-vision": ((4.5 + 2 * factor) / (2 + 0.5 * factor), 2.59, "strong", 3),
        "developing-capability": ((7 + factor) / (2 + 0.5 * factor), 3.21, "strong", 3),
        "holding-to-account": (4 / (2 + 0.5 * factor), 1.61, "proficient", 2),
    }
    for dim, (exact, shown, level, sources) in by_hand.items():
        assert round(exact, 2) == shown, dim
        assert (results[dim].score, results[dim].level, results[dim].sources) == (shown, level, sources), dim
    # Without the self-assessment the 360 is the only evidence and the scorer gives the 360's own level:
    # STV (0.5 x 2 + 1.5 x 7/3) / 2 = 4.5 / 2 = 2.25, Proficient; DC (1.5 + 5.5) / 2 = 3.5, Exemplary;
    # HTA the line manager's 2.0 alone, one source: a score but insufficient evidence, no level.
    document = tomllib.loads(block)
    document["evidence"] = [e for e in document["evidence"] if e["kind"] == "360"]
    alone = engine.score(engine.load_evidence(document, as_of=as_of), as_of=as_of).frameworks[0]
    got = {d: (alone.result(d).score, alone.result(d).level, alone.result(d).sources) for d in by_hand}
    assert got == {
        "sharing-the-vision": (2.25, "proficient", 2),
        "developing-capability": (3.5, "exemplary", 2),
        "holding-to-account": (2.0, None, 1),
    }
    assert (stv["level_label"], dc["level_label"], hta["level_label"]) == ("Proficient", "Exemplary", "Proficient")
    assert alone.result("holding-to-account").flags == ("insufficient-evidence",)
    # The doc states the same figures (whitespace normalised, as the lines are wrapped).
    prose = " ".join(format_doc.split())
    for words in (
        "f = 0.5 ^ (30 / 730.5) = 0.972",
        "= 6.444 / 2.486 = **2.59, Strong**, three sources",
        "= 7.972 / 2.486 = **3.21, Strong**, three sources",
        "= 4 / 2.486 = **1.61, Proficient**, two sources",
        "Sharing the vision (0.5 × 2 + 1.5 × 7/3) / 2 = 2.25, Proficient",
        "Developing capability (1.5 + 5.5) / 2 = 3.5, Exemplary",
        "Holding to account 2.0 from the line manager alone, one source: insufficient evidence",
        "lifts Sharing the vision from the 360's 2.25 (Proficient) to 2.59 (Strong)",
    ):
        assert words in prose, words
