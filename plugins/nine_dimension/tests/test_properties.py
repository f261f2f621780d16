"""Anonymity and order, through the whole engine: what a hidden group says never changes any output.

Every exporter the engine has is checked (so exporters added later are covered without touching this
file), and so is the evidence trail: the contributions the 360 gives the scorer.
"""

from __future__ import annotations

import copy
import datetime
import functools
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import competency_nine_dimension
from competency import Engine

HLM = "healthcare-leadership-model"
DIMENSIONS = (
    "inspiring-shared-purpose", "leading-with-care", "evaluating-information", "connecting-our-service",
    "sharing-the-vision", "engaging-the-team", "holding-to-account", "developing-capability",
    "influencing-for-results",
)
GP_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gp-partner-360.toml"
AS_OF = datetime.date(2026, 11, 26)
DATE = datetime.date(2026, 6, 1)
NAME = "360.toml"
ANONYMOUS = ("peer", "direct-report", "other")

# Module-level (not a fixture): the baselines are cached across hypothesis examples.
ENGINE = Engine(plugins=False, extra_plugins=[competency_nine_dimension], frameworks_dirs=[], search_pyproject=False, env={})


def outputs(document: dict[str, Any]) -> dict[str, Any]:
    """Every exporter's rendering of the scored document, and every contribution, by name."""
    from competency import ScoringConfig, ScoringContext, UnsupportedDocument

    evidence = ENGINE.load_evidence(document, as_of=AS_OF, name=NAME)
    card = ENGINE.score(evidence, as_of=AS_OF)
    report = ENGINE.score_report([card], AS_OF)
    found: dict[str, Any] = {}
    for name, exporter in ENGINE.exporters().items():
        try:
            found[name] = exporter.render(report)
        except UnsupportedDocument:
            continue
    context = ScoringContext(ENGINE.resolver, AS_OF, ScoringConfig(), evidence.subject.role)
    found["contributions"] = [tuple(item.contributions(context)) for item in evidence.evidence]
    found["analyses"] = card.analyses
    return found


def answers(seed: int) -> dict[str, Any]:
    """A fixed, varied set of answers for a visible rater."""
    ratings = {d: 1 + (seed + i) % 4 for i, d in enumerate(DIMENSIONS)}
    importance = {d: 1 + (seed * 2 + i) % 5 for i, d in enumerate(DIMENSIONS)}
    comments = {DIMENSIONS[seed % 9]: f"comment {seed} from a shown rater"}
    return {"ratings": ratings, "importance": importance, "comments": comments}


def base_document(hidden: str, hidden_count: int) -> dict[str, Any]:
    """Self, a line manager and 3 raters in each anonymous group, except ``hidden`` with too few."""
    raters = [{"id": "r-self", "group": "self", **answers(0)}, {"id": "r-lm", "group": "line-manager", **answers(1)}]
    seed = 2
    for group in ANONYMOUS:
        for i in range(hidden_count if group == hidden else 3):
            raters.append({"id": f"r-{group}-{i}", "group": group, **answers(seed)})
            seed += 1
    item = {"id": "hlm-360", "kind": "360", "date": DATE, "raters": raters}
    return {"subject": {"id": "s-1", "role": "gp"}, "evidence": [item]}


@functools.cache
def baseline(hidden: str, hidden_count: int) -> dict[str, Any]:
    return outputs(base_document(hidden, hidden_count))


LEVEL = st.one_of(st.sampled_from(["essential", "proficient", "strong", "exemplary", "not-observed"]), st.integers(1, 4))
TEXT = st.text(min_size=1, max_size=60).filter(lambda t: t.strip() != "")


@st.composite
def hidden_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Arbitrary answers of one rater: ratings (at least one), importance and comments, bare or qualified keys."""

    def keyed(table: dict[str, Any]) -> dict[str, Any]:
        qualified = draw(st.booleans())
        return {(f"{HLM}:{k}" if qualified else k): v for k, v in table.items()}

    dims = st.sampled_from(DIMENSIONS)
    result = {"ratings": keyed(draw(st.dictionaries(dims, LEVEL, min_size=1)))}
    importance = draw(st.dictionaries(dims, st.integers(1, 5)))
    comments = draw(st.dictionaries(dims, TEXT))
    if importance:
        result["importance"] = keyed(importance)
    if comments:
        result["comments"] = keyed(comments)
    return result


def assert_same(found: dict[str, Any], expected: dict[str, Any]) -> None:
    assert set(found) == set(expected)
    for name in expected:
        assert found[name] == expected[name], f"the {name} output changed"


@given(
    hidden=st.sampled_from(ANONYMOUS),
    count=st.integers(1, 2),
    data=st.data(),
)
def test_a_hidden_group_never_changes_any_output(hidden: str, count: int, data: st.DataObject) -> None:
    document = base_document(hidden, count)
    raters = document["evidence"][0]["raters"]
    for rater in raters:
        if rater["group"] == hidden:
            for key in ("ratings", "importance", "comments"):
                rater.pop(key, None)
            rater.update(data.draw(hidden_answers(), label=rater["id"]))
    expected = baseline(hidden, count)
    # The hidden group is really hidden, and the shown ones are not: the property is not vacuous.
    (analysis,) = expected["analyses"]
    visible = {g["name"]: g["visible"] for g in analysis.data["groups"]}
    assert visible == {"self": True, "line-manager": True, **{g: g != hidden for g in ANONYMOUS}}
    assert_same(outputs(document), expected)


@given(data=st.data())
def test_a_suppressed_cell_never_changes_any_output(data: st.DataObject) -> None:
    # Peers are a visible group of 3; on Sharing the vision one peer did not observe, so the two peers
    # who answered are too few to show and their answers on it must not move anything.
    document = base_document("direct-report", 2)
    peers = [r for r in document["evidence"][0]["raters"] if r["group"] == "peer"]
    dim = "sharing-the-vision"
    peers[0]["ratings"][dim] = "not-observed"
    expected = outputs(copy.deepcopy(document))
    (analysis,) = expected["analyses"]
    cell = next(c for d in analysis.data["dimensions"] if d["id"] == dim for c in d["groups"] if c["group"] == "peer")
    assert cell["suppressed"] is True
    for peer in peers[1:]:
        peer["ratings"][dim] = data.draw(st.one_of(st.integers(1, 4), st.sampled_from(["essential", "exemplary"])))
        peer["importance"][dim] = data.draw(st.integers(1, 5))
        peer["comments"][dim] = data.draw(TEXT)
    assert_same(outputs(document), expected)


def example_document() -> dict[str, Any]:
    with GP_EXAMPLE.open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def example_baseline() -> dict[str, Any]:
    return outputs(example_document())


@given(data=st.data())
def test_rater_order_never_matters(data: st.DataObject) -> None:
    document = example_document()
    item = document["evidence"][0]
    item["raters"] = data.draw(st.permutations(item["raters"]))
    for rater in item["raters"]:
        for key in ("ratings", "importance", "comments"):
            if key in rater:
                rater[key] = dict(data.draw(st.permutations(list(rater[key].items()))))
    assert_same(outputs(document), example_baseline())


def scores(document: dict[str, Any]) -> tuple[Any, Any]:
    """What the scorer makes of a document: every framework's results (scores, levels, sources, flags,
    evidence trails) and every item's contributions."""
    from competency import ScoringConfig, ScoringContext

    evidence = ENGINE.load_evidence(document, as_of=AS_OF, name=NAME)
    card = ENGINE.score(evidence, as_of=AS_OF)
    context = ScoringContext(ENGINE.resolver, AS_OF, ScoringConfig(), evidence.subject.role)
    return card.frameworks, [tuple(item.contributions(context)) for item in evidence.evidence]


@functools.cache
def example_scores() -> tuple[Any, Any]:
    return scores(example_document())


@given(drop=st.booleans(), data=st.data())
def test_the_360s_self_rating_never_changes_a_score(drop: bool, data: st.DataObject) -> None:
    # The self rating feeds the blind-spot analysis only (docs/360-format.md): whatever the subject says
    # of themselves in a 360, or if they say nothing at all, every score and contribution is unchanged.
    document = example_document()
    raters = document["evidence"][0]["raters"]
    assert raters[0]["group"] == "self"
    if drop:
        del raters[0]
    else:
        for key in ("ratings", "importance", "comments"):
            raters[0].pop(key, None)
        raters[0].update(data.draw(hidden_answers(), label="self"))
    frameworks, contributions = example_scores()
    # Not vacuous: the example's 360 gives every dimension judgements, and no self source among them.
    assert {c.competency.split(":")[1] for c in contributions[0]} == set(DIMENSIONS)
    assert all(c.source.startswith("360:hlm-360-2026:") for c in contributions[0])
    assert scores(document) == (frameworks, contributions)


def test_no_rater_id_is_ever_published() -> None:
    found = example_baseline()
    for name, text in found.items():
        if isinstance(text, str):
            assert "r-0" not in text and "r-1" not in text, name


def test_changing_a_hidden_group_in_files_leaves_every_format_unchanged(invoke: Any, tmp_path: Path) -> None:
    import tomli_w

    original = example_document()
    changed = copy.deepcopy(original)
    for rater in changed["evidence"][0]["raters"]:
        if rater["group"] == "direct-report":
            rater["ratings"] = {d: "exemplary" for d in DIMENSIONS}
            rater["importance"] = {d: 1 for d in DIMENSIONS}
            rater["comments"] = {d: f"a different secret about {d}" for d in DIMENSIONS}
    # One path for both, so that the file name printed in the outputs is the same.
    path, out = tmp_path / "gp.toml", tmp_path / "out"
    for fmt in ENGINE.exporters():
        rendered = []
        for document in (original, changed):
            path.write_text(tomli_w.dumps(document), encoding="utf-8")
            result = invoke("score", path, "--as-of", "2026-11-26", "--format", fmt, "--output", out)
            assert result.exit_code == 0, result.stderr
            rendered.append(out.read_bytes())
        assert rendered[0] == rendered[1], fmt
        assert b"secret" not in rendered[1]
