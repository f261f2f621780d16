"""The example project end to end: levels, the analysis data (JSON) and the text, through the API."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

EXPECTED_LEVELS = {
    # area: (score, level) at 2026-03-01 for the example (three items; see the file's comments)
    "understanding-the-problem-using-data": (2.29, "practitioner"),
    "understanding-the-patient-pathway": (2.45, "practitioner"),
    "analysing-demand-capacity-and-flow": (1.9, "practitioner"),
    "choosing-tools-for-change": (2.65, "leader"),
    "evaluating-and-measuring-impact": (1.95, "practitioner"),
}


@pytest.fixture(scope="module")
def card(engine: Any, example: Path, as_of: datetime.date) -> Any:
    return engine.score(engine.load_evidence(example, as_of=as_of), as_of=as_of)


@pytest.fixture(scope="module")
def report(engine: Any, card: Any) -> dict[str, Any]:
    def no_nan(name: str) -> None:
        raise AssertionError(f"{name} in the JSON output")

    parsed: dict[str, Any] = json.loads(engine.export([card], "json"), parse_constant=no_nan)
    return parsed


def analysis(report: dict[str, Any], evidence: str) -> dict[str, Any]:
    (found,) = [a for a in report["scorecards"][0]["analyses"] if a["evidence"] == evidence]
    return found


def measure(report: dict[str, Any], name: str) -> dict[str, Any]:
    for a in report["scorecards"][0]["analyses"]:
        for m in a["data"]["measures"]:
            if m["name"] == name:
                return m
    raise KeyError(name)


def test_the_example_reaches_the_expected_levels(card: Any) -> None:
    assert [f.id for f in card.frameworks] == ["qi-skills"]
    framework = card.frameworks[0]
    assert framework.role == "practice-nurse"
    for area, (score, level) in EXPECTED_LEVELS.items():
        result = framework.result(area)
        assert (result.score, result.level, result.met) == (score, level, True), area


def test_the_led_project_evidences_leader_in_every_area(report: dict[str, Any]) -> None:
    data = analysis(report, "nurse-clinic-dna-2025")["data"]
    assert [(a["competency"], a["level"]) for a in data["method_areas"]] == [
        ("qi-skills:understanding-the-problem-using-data", "leader"),
        ("qi-skills:understanding-the-patient-pathway", "leader"),
        ("qi-skills:analysing-demand-capacity-and-flow", "leader"),
        ("qi-skills:choosing-tools-for-change", "leader"),
        ("qi-skills:evaluating-and-measuring-impact", "leader"),
    ]
    member = analysis(report, "pcn-asthma-reviews-2025")["data"]
    assert {a["competency"].split(":")[1]: a["level"] for a in member["method_areas"]} == {
        "understanding-the-problem-using-data": "practitioner",
        "choosing-tools-for-change": "practitioner",
        "evaluating-and-measuring-impact": "awareness",
    }


def test_the_outcome_measure_shows_a_real_shift_with_its_points(report: dict[str, Any]) -> None:
    dna = measure(report, "DNA rate")
    assert dna["n"] == 24 and dna["baseline"]["points"] == 12 and dna["baseline"]["last_date"] == "2025-03-24"
    assert dna["verdict"] == "improvement"
    run = dna["run_chart"]
    # Baseline median of the first 12 values: (12.1 + 12.5) / 2.
    assert run["centre_line"] == pytest.approx(12.3)
    assert run["judgement"] == "non-random-variation"
    shift = next(s for s in run["signals"] if s["rule"] == "shift")
    assert shift["points"] == list(range(12, 24))
    assert shift["dates"][0] == "2025-03-31" and shift["dates"][-1] == "2025-06-16"
    assert (shift["direction"], shift["verdict"]) == ("below", "improvement")
    xmr = dna["xmr_chart"]
    # Baseline mean 146.5 / 12; moving ranges 1.1 2.3 2.8 1.3 0.9 2.6 1.3 1.6 1.8 1.2 1.6 sum
    # to 18.5 over 11; limits mean +/- 2.66 mMR (lower 7.73).
    mean, mmr = 146.5 / 12, 18.5 / 11
    assert xmr["centre_line"] == pytest.approx(mean)
    assert xmr["mean_moving_range"] == pytest.approx(mmr)
    assert xmr["upper_limit"] == pytest.approx(mean + 2.66 * mmr)
    assert xmr["lower_limit"] == pytest.approx(mean - 2.66 * mmr)
    assert xmr["lower_two_thirds"] == pytest.approx(mean - 2 / 3 * 2.66 * mmr)
    below = [s for s in xmr["signals"] if s["rule"] == "outside-limits"]
    assert [(s["points"], s["dates"]) for s in below] == [([20], ["2025-05-26"])]  # 7.6 < 7.73
    assert [a["index"] for a in dna["annotations"]] == [12, 16]
    assert [p["value"] for p in dna["series"][:3]] == [11.8, 12.9, 10.6]


def test_the_balancing_measure_shows_no_signal(report: dict[str, Any]) -> None:
    calls = measure(report, "Calls about nurse appointments")
    assert calls["type"] == "balancing"
    assert calls["run_chart"]["judgement"] == "random-variation" and calls["run_chart"]["signals"] == []
    assert calls["xmr_chart"]["judgement"] == "common-cause" and calls["xmr_chart"]["signals"] == []
    assert calls["verdict"] == "no signal"


def test_a_short_series_is_too_few_points_to_judge(report: dict[str, Any]) -> None:
    asthma = measure(report, "Asthma reviews up to date")
    assert (asthma["n"], asthma["judged"], asthma["verdict"]) == (8, False, "too few points to judge")
    assert asthma["run_chart"]["judgement"] == "too-few-points" and asthma["run_chart"]["signals"] == []
    assert asthma["run_chart"]["centre_line"] == pytest.approx(58.25)
    text = "\n".join(analysis(report, "pcn-asthma-reviews-2025")["summary"])
    assert "too few points to judge" in text


def test_the_text_is_readable_at_80_columns(engine: Any, card: Any) -> None:
    text = engine.export([card], "text")
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "…" not in "\n".join(a for c in [card] for an in c.analyses for a in an.summary)
    assert 'measure "DNA rate" (outcome, % of booked nurse appointments, lower is' in text
    assert "    shift below the median, 12 points, 2025-03-31 to 2025-06-16: improvement" in text
    assert "beyond the upper limit, 12 points, 2025-03-31 to 2025-06-16: improvement" in text


def test_a_one_point_baseline_gives_null_limits_not_nan(engine: Any, qi: Any) -> None:
    item = qi.project_with(["led"], measures=[qi.measure("m", qi.SUSTAINED, baseline_points=1)])
    card = engine.score(engine.load_evidence(qi.document(item), as_of=qi.AS_OF), as_of=qi.AS_OF)
    data = json.loads(engine.export([card], "json"), parse_constant=lambda c: pytest.fail(c))
    xmr = data["scorecards"][0]["analyses"][0]["data"]["measures"][0]["xmr_chart"]
    assert xmr["upper_limit"] is None and xmr["judgement"] == "too-few-points"
    assert all(len(line) <= 80 for line in engine.export([card], "text").splitlines())
