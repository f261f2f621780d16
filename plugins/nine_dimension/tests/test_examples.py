"""The shipped examples and the documented example, end to end, with figures computed by hand."""

from __future__ import annotations

import datetime
import json
import re
import tomllib
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


def test_the_gp_partner_scores(gp: Any) -> None:
    framework = gp.frameworks[0]
    stv = framework.result("sharing-the-vision")
    # (2.0 x 21/9 + 0.5 x 4) / 2.5 (the same recency for both): 2.667, Strong, where the 360's own level
    # is Proficient (docs/360-format.md, "The scorer's level and the 360's own level").
    assert (stv.score, stv.level, stv.sources) == (2.67, "strong", 2)
    assert framework.result("developing-capability").score == 3.16  # (2 x 3.444 + 0.5 x 2) / 2.5 = 3.155...
    assert framework.result("holding-to-account").score == 2.16  # (2 x 2.2 + 0.5 x 2) / 2.5


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
    stv_score = card.frameworks[0].result("sharing-the-vision")
    # Same date for all: (2.0 x 2.25 + 0.5 x 4 + 0.5 x 4) / 3 = 8.5 / 3 (the self-assessment is a month older,
    # but as of 2026-05-01 its recency factor is 0.5 ** (30 / 730.5)).
    factor = 0.5 ** (30 / 730.5)
    expected = (2.0 * 2.25 + 0.5 * 4 + 0.5 * 4 * factor) / (2.5 + 0.5 * factor)
    assert stv_score.score == round(expected, 2) and stv_score.sources == 2
