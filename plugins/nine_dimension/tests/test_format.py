"""The 360 and self-assessment formats: every error in a malformed file is located, exits 1, no traceback."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any, Callable

import pytest

BASE = """\
[subject]
id = "gp-9"
role = "gp"

[[evidence]]
id = "hlm-360-2026"
kind = "360"
date = 2026-05-01
facilitator = "Training hub facilitator"

[evidence.thresholds]
peer = 3

[[evidence.raters]]
id = "r-01"
group = "self"
[evidence.raters.ratings]
sharing-the-vision = "strong"

[[evidence.raters]]
id = "r-02"
group = "line-manager"
[evidence.raters.ratings]
sharing-the-vision = 3

[[evidence.raters]]
id = "r-03"
group = "peer"
[evidence.raters.ratings]
sharing-the-vision = "proficient"

[[evidence.raters]]
id = "r-04"
group = "peer"
[evidence.raters.ratings]
sharing-the-vision = "strong"
[evidence.raters.importance]
sharing-the-vision = 4
[evidence.raters.comments]
sharing-the-vision = "Explains the plan well."

[[evidence]]
id = "self-2026"
kind = "self-assessment"
date = 2026-04-01
[evidence.performance]
sharing-the-vision = "strong"
[evidence.importance]
sharing-the-vision = 4
"""

R3 = 'id = "r-04"\ngroup = "peer"\n[evidence.raters.ratings]\nsharing-the-vision = "strong"\n'
LEVELS = "levels: essential, proficient, strong, exemplary"

# case: (old text, new text, the located message)
MALFORMED: dict[str, tuple[str, str, str]] = {
    "not-a-level": (
        R3, R3.replace('"strong"', '"sometimes"'),
        f'evidence[0].raters[3].ratings.sharing-the-vision: "sometimes" is not a level ({LEVELS}, or not-observed)',
    ),
    "level-case": (
        R3, R3.replace('"strong"', '"Strong"'),
        f'evidence[0].raters[3].ratings.sharing-the-vision: "Strong" is not a level ({LEVELS}, or not-observed)',
    ),
    "rank-off-scale": (
        R3, R3.replace('"strong"', "7"),
        "evidence[0].raters[3].ratings.sharing-the-vision: 7 is not on the scale 1-4 (essential .. exemplary)",
    ),
    "rank-zero": (
        R3, R3.replace('"strong"', "0"),
        "evidence[0].raters[3].ratings.sharing-the-vision: 0 is not on the scale 1-4 (essential .. exemplary)",
    ),
    "rating-bool": (
        R3, R3.replace('"strong"', "true"),
        "evidence[0].raters[3].ratings.sharing-the-vision: expected an integer or a string, got true",
    ),
    "rating-decimal": (
        R3, R3.replace('"strong"', "2.5"),
        "evidence[0].raters[3].ratings.sharing-the-vision: expected an integer or a string, got 2.5",
    ),
    "importance-high": (
        "sharing-the-vision = 4\n[evidence.raters.comments]", "sharing-the-vision = 6\n[evidence.raters.comments]",
        "evidence[0].raters[3].importance.sharing-the-vision: 6 is not an importance: use 1 (not important) to 5 "
        "(essential to the role)",
    ),
    "importance-zero": (
        "sharing-the-vision = 4\n[evidence.raters.comments]", "sharing-the-vision = 0\n[evidence.raters.comments]",
        "evidence[0].raters[3].importance.sharing-the-vision: 0 is not an importance: use 1 (not important) to 5 "
        "(essential to the role)",
    ),
    "importance-string": (
        "sharing-the-vision = 4\n[evidence.raters.comments]", 'sharing-the-vision = "4"\n[evidence.raters.comments]',
        'evidence[0].raters[3].importance.sharing-the-vision: expected an integer, got "4"',
    ),
    "blank-comment": (
        '"Explains the plan well."', '"   "',
        "evidence[0].raters[3].comments.sharing-the-vision: must not be empty: write a comment or leave the key out",
    ),
    "duplicate-rater-id": (
        'id = "r-04"', 'id = "r-02"',
        'evidence[0].raters[3].id: duplicate rater id "r-02" (first used by raters[1])',
    ),
    "empty-rater-id": ('id = "r-04"', 'id = ""', "evidence[0].raters[3].id: must not be empty"),
    "two-self-raters": (
        'id = "r-04"\ngroup = "peer"', 'id = "r-04"\ngroup = "self"',
        "evidence[0].raters[3].group: a second self rater (the first is raters[0]): a 360 has at most one",
    ),
    "unknown-group": (
        'id = "r-04"\ngroup = "peer"', 'id = "r-04"\ngroup = "peers"',
        'evidence[0].raters[3].group: "peers" is not one of: self, line-manager, peer, direct-report, other',
    ),
    "missing-group": ('id = "r-04"\ngroup = "peer"\n', 'id = "r-04"\n', "evidence[0].raters[3].group: required key is missing"),
    "no-ratings": (
        R3, 'id = "r-04"\ngroup = "peer"\n[evidence.raters.ratings]\n',
        'evidence[0].raters[3].ratings: is empty: rate at least one dimension (a level, its rank, or "not-observed")',
    ),
    "unknown-dimension": (
        R3, R3.replace("sharing-the-vision", "sharing-the-visoin"),
        "evidence[0].raters[3].ratings.sharing-the-visoin: unknown competency 'sharing-the-visoin' in framework "
        "'healthcare-leadership-model' (did you mean 'sharing-the-vision'?)",
    ),
    "unknown-framework": (
        R3, R3.replace("sharing-the-vision", '"hlm:sharing-the-vision"'),
        "evidence[0].raters[3].ratings.hlm:sharing-the-vision: unknown framework 'hlm'",
    ),
    "same-dimension-twice": (
        R3, R3 + '"healthcare-leadership-model:sharing-the-vision" = 2\n',
        'evidence[0].raters[3].ratings.healthcare-leadership-model:sharing-the-vision: names the same dimension as '
        '"sharing-the-vision"',
    ),
    "unknown-rater-key": (
        'id = "r-04"\ngroup = "peer"\n', 'id = "r-04"\ngroup = "peer"\nname = "Dr X"\n',
        "evidence[0].raters[3]: unknown key: name",
    ),
    "threshold-too-low": (
        "peer = 3\n", "peer = 1\n",
        "evidence[0].thresholds.peer: 1 for peer is below 2, the lowest threshold of an anonymous group (one rater "
        "is a person, not a group)",
    ),
    "threshold-self-zero": ("peer = 3\n", "self = 0\n", "evidence[0].thresholds.self: 0 for self is below 1, the lowest threshold"),
    "threshold-unknown-group": (
        "peer = 3\n", "peers = 3\n",
        'evidence[0].thresholds.peers: "peers" is not one of: self, line-manager, peer, direct-report, other',
    ),
    "threshold-string": ("peer = 3\n", 'peer = "3"\n', 'evidence[0].thresholds.peer: expected an integer, got "3"'),
    "blank-facilitator": (
        'facilitator = "Training hub facilitator"', 'facilitator = ""',
        "evidence[0].facilitator: must not be empty: name the facilitator or leave the key out",
    ),
    "negative-gap-threshold": (
        'facilitator = "Training hub facilitator"', "gap_threshold = -0.5",
        "evidence[0].gap_threshold: -0.5 is negative: a gap threshold is 0 or more",
    ),
    "future-date": ("date = 2026-05-01", "date = 2026-12-01", "evidence[0].date: 2026-12-01 is in the future (as of 2026-11-26)"),
    "missing-date": ("date = 2026-05-01\n", "", "evidence[0].date: required key is missing"),
    "no-raters": (
        BASE[BASE.index("[evidence.thresholds]"):BASE.index("[[evidence]]\nid = \"self-2026\"")], "raters = []\n\n",
        "evidence[0].raters: is empty: a 360 needs at least one rater",
    ),
    "self-assessment-not-observed": (
        '[evidence.performance]\nsharing-the-vision = "strong"', '[evidence.performance]\nsharing-the-vision = "not-observed"',
        f'evidence[1].performance.sharing-the-vision: "not-observed" is not a level ({LEVELS}, or insufficient)',
    ),
    "self-assessment-rank": (
        '[evidence.performance]\nsharing-the-vision = "strong"', "[evidence.performance]\nsharing-the-vision = 5",
        "evidence[1].performance.sharing-the-vision: 5 is not on the scale 1-4 (essential .. exemplary)",
    ),
    "self-assessment-importance": (
        "[evidence.importance]\nsharing-the-vision = 4", "[evidence.importance]\nsharing-the-vision = 9",
        "evidence[1].importance.sharing-the-vision: 9 is not an importance: use 1 (not important) to 5 (essential to the role)",
    ),
    "self-assessment-empty": (
        '[evidence.performance]\nsharing-the-vision = "strong"', "[evidence.performance]",
        'evidence[1].performance: is empty: assess at least one dimension (a level, its rank, or "insufficient")',
    ),
}


def test_the_base_file_is_valid(invoke: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "base.toml"
    path.write_text(BASE, encoding="utf-8")
    result = invoke("validate", "--strict", path, "--as-of", "2026-11-26")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_exit_1_with_located_errors(invoke: Callable[..., Any], tmp_path: Path, case: str) -> None:
    old, new, expected = MALFORMED[case]
    assert old in BASE, case
    broken = tmp_path / "broken.toml"
    broken.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    for command in ("validate", "score"):
        result = invoke(command, broken, "--as-of", "2026-11-26")
        assert result.exit_code == 1, result.stdout
        assert f"{broken}: {expected}\n" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        if command == "score":
            assert result.stdout.strip() == ""


def test_every_problem_in_a_file_is_reported_at_once(invoke: Callable[..., Any], tmp_path: Path) -> None:
    text = BASE
    for case in ("not-a-level", "importance-high", "threshold-too-low", "blank-facilitator"):
        old, new, _ = MALFORMED[case]
        text = text.replace(old, new, 1)
    text = text.replace('id = "r-03"\ngroup = "peer"', 'id = "r-01"\ngroup = "self"')
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    result = invoke("validate", broken, "--as-of", "2026-11-26")
    assert result.exit_code == 1
    located = re.findall(r"evidence\[0\][^:]*:", result.stderr)
    assert located == [
        "evidence[0].facilitator:", "evidence[0].thresholds.peer:",
        "evidence[0].raters[2].id:", "evidence[0].raters[2].group:",
        "evidence[0].raters[3].ratings.sharing-the-vision:", "evidence[0].raters[3].importance.sharing-the-vision:",
    ]


def test_a_competency_of_another_framework_is_not_a_dimension(engine: Any, nd: Any) -> None:
    from competency import framework_from_dict, hookimpl

    other = framework_from_dict({
        "id": "other-fw", "version": "1", "title": "Other", "publisher": "p", "source": "s",
        "scale": {"levels": [{"id": "low", "label": "Low"}, {"id": "high", "label": "High"}], "proficient": "high"},
        "competencies": [{"id": "followership", "title": "Followership"}, {"id": "sharing-the-vision", "title": "Clash"}],
    })

    class OtherFramework:
        @hookimpl
        def register_frameworks(self, register: Callable[[Any], None]) -> None:
            register(other)

    import competency_nine_dimension
    from competency import Engine

    both = Engine(plugins=False, extra_plugins=[competency_nine_dimension, OtherFramework()], frameworks_dirs=[],
                  search_pyproject=False, env={})
    item = nd.three_sixty(nd.rater("r-1", "self", {"other-fw:followership": 2, "sharing-the-vision": 3}))
    validation = both.validate(nd.document(item), as_of=nd.AS_OF)
    assert [(p.path, p.message) for p in validation.errors] == [(
        "evidence[0].raters[0].ratings.other-fw:followership",
        '"other-fw:followership" is a competency of other-fw, not a dimension of the Healthcare Leadership Model '
        "(healthcare-leadership-model)",
    )]
    # A bare id always means the model's dimension, even where another framework has the same id.
    item = nd.three_sixty(nd.rater("r-1", "self", {"sharing-the-vision": 3}))
    assert both.validate(nd.document(item), as_of=nd.AS_OF).ok


def test_keys_are_bare_or_qualified(engine: Any, nd: Any) -> None:
    item = nd.three_sixty(
        nd.rater("r-1", "self", {f"{nd.HLM}:sharing-the-vision": "strong"}, {"sharing-the-vision": 5},
                 {f"{nd.HLM}:leading-with-care": "a comment on a dimension not rated is fine"}),
    )
    validation = engine.validate(nd.document(item), as_of=nd.AS_OF)
    assert validation.ok, validation.problems


def full_examples(doc: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", doc, flags=re.S)


def test_the_documented_examples_are_valid(engine: Any, format_doc: str, as_of: datetime.date) -> None:
    blocks = full_examples(format_doc)
    assert sum("[subject]" in b for b in blocks) == 1
    # The format's snippets are whole items: with a subject they are whole files.
    blocks = [b if "[subject]" in b else '[subject]\nid = "s"\n' + b for b in blocks if "[[evidence]]" in b]
    assert len(blocks) == 3
    for block in blocks:
        validation = engine.validate(tomllib.loads(block), as_of=as_of)
        assert validation.ok, validation.problems


def test_the_documented_messages_are_the_real_ones(format_doc: str) -> None:
    # Every message the format documents in its errors table is one these tests produce.
    produced = {m.split(": ", 1)[1] for _, _, m in MALFORMED.values()}
    documented = re.findall(r"^\| `evidence\[[^`]*` \| (.*?) \|$", format_doc, flags=re.M)
    assert len(documented) > 20
    for message in documented:
        pattern = re.escape(message.replace("`", "")).replace("…", ".*")
        assert any(re.fullmatch(pattern, p) for p in produced), message


def test_the_plugin_is_found_through_its_entry_point(invoke: Callable[..., Any]) -> None:
    result = invoke("plugins")
    assert result.exit_code == 0
    assert "nine_dimension (competency-nine-dimension" in result.stdout
    assert "frameworks: healthcare-leadership-model" in result.stdout
    assert "evidence kinds: 360, self-assessment" in result.stdout


def test_importing_the_plugin_stays_light() -> None:
    modules = ("attrs", "cattrs", "competency_nine_dimension.feedback", "competency_nine_dimension.aggregate")
    code = f"import sys, competency_nine_dimension; print(sorted(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
