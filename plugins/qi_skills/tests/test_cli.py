"""The plugin through the installed entry point and the ``competency`` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_plugin_is_found_through_its_entry_point(invoke: Callable[..., Any]) -> None:
    result = invoke("plugins")
    assert result.exit_code == 0
    assert "qi_skills (competency-qi-skills" in result.stdout
    assert "frameworks: qi-skills" in result.stdout
    assert "evidence kinds: qi-project" in result.stdout


def test_scoring_the_examples_folder_exits_0_with_80_column_text(invoke: Callable[..., Any]) -> None:
    result = invoke("score", EXAMPLES, "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "QI project: Fewer missed appointments in the practice nurse clinic" in result.stdout
    assert "too few points to judge (8 points; at least 10 needed)" in result.stdout
    assert "5 of 5 role targets met" in result.stdout


def test_scoring_as_of_today_exits_0(invoke: Callable[..., Any]) -> None:
    # Exactly what the README runs: no --as-of, so the example's dates must not be in the future.
    assert invoke("score", EXAMPLES).exit_code == 0


def test_validate_accepts_the_example_without_warnings(invoke: Callable[..., Any]) -> None:
    result = invoke("validate", "--strict", EXAMPLES, "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.stderr


def test_json_output_carries_the_charts(invoke: Callable[..., Any]) -> None:
    result = invoke("score", EXAMPLES / "practice-nurse-qi.toml", "--as-of", "2026-03-01", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    (analysis,) = [a for a in data["scorecards"][0]["analyses"] if a["evidence"] == "nurse-clinic-dna-2025"]
    assert analysis["kind"] == "qi-project"
    for m in analysis["data"]["measures"]:
        assert {"centre_line", "signals"} <= set(m["run_chart"])
        assert {"centre_line", "upper_limit", "lower_limit", "signals"} <= set(m["xmr_chart"])
        for signal in m["run_chart"]["signals"] + m["xmr_chart"]["signals"]:
            assert len(signal["points"]) == len(signal["dates"]) > 0
            assert [m["series"][i]["date"] for i in signal["points"]] == signal["dates"]


MALFORMED = {
    "out-of-order": (
        "    { date = 2025-01-13, value = 12.9 },\n",
        "    { date = 2025-01-01, value = 12.9 },\n",
        "evidence[0].measures[0].points[1].date: 2025-01-01 is not after the previous point (2025-01-06)",
    ),
    "duplicate-date": (
        "    { date = 2025-01-13, value = 12.9 },\n",
        "    { date = 2025-01-06, value = 12.9 },\n",
        "evidence[0].measures[0].points[1].date: 2025-01-06 is not after the previous point (2025-01-06)",
    ),
    "non-numeric": (
        "    { date = 2025-01-20, value = 10.6 },\n",
        '    { date = 2025-01-20, value = "10.6%" },\n',
        'evidence[0].measures[0].points[2].value: expected a number, got "10.6%"',
    ),
    "role": ('role = "led"\n', 'role = "lead"\n', 'evidence[0].role: "lead" is not one of: led, member, sponsor'),
    "pdsa-dates": ("end = 2025-04-25\n", "end = 2025-03-01\n", "evidence[0].pdsa_cycles[0].end: 2025-03-01 is before the start 2025-03-31"),
    "baseline": ("baseline_points = 12\ndescription = \"Missed", "baseline_points = 25\ndescription = \"Missed",
                 "evidence[0].measures[0].baseline_points: 25 is more than the number of points (24)"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_measures_exit_1_with_located_errors(
    invoke: Callable[..., Any], tmp_path: Path, case: str
) -> None:
    old, new, expected = MALFORMED[case]
    text = (EXAMPLES / "practice-nurse-qi.toml").read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in ("validate", "score"):
        result = invoke(command, broken, "--as-of", "2026-03-01")
        assert result.exit_code == 1
        assert f"{broken}: {expected}" in result.stderr
        assert "Traceback" not in result.stderr


def test_an_empty_series_is_a_located_error_in_a_file(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text(
        '[subject]\nid = "s"\n[[evidence]]\nid = "p"\nkind = "qi-project"\ntitle = "t"\nstart = 2025-01-06\n'
        'role = "led"\n[[evidence.measures]]\nname = "m"\ntype = "outcome"\nunit = "%"\nbetter = "lower"\n'
        "points = []\n",
        encoding="utf-8",
    )
    result = invoke("score", path, "--as-of", "2026-03-01")
    assert result.exit_code == 1
    assert f"{path}: evidence[0].measures[0].points: is empty: a measure needs at least one dated value" in result.stderr


def test_importing_the_plugin_stays_light() -> None:
    code = "import sys, competency_qi_skills; print(sorted(m for m in ('attrs', 'cattrs', 'competency_qi_skills.project') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
