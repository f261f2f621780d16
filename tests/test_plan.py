"""``competency plan``: gaps, the greedy ranking (hand-computed), level ranges, done offers, output."""

from __future__ import annotations

import datetime
import json
import random
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from competency import EvidenceFile, EvidenceItem, Subject
from competency.catalogue import CATALOGUES_PATH_ENV, Catalogue, catalogue_from_dict
from competency.planning import PlanReport, explain, find_gaps, make_plan, offer_status
from competency.planning_render import plan_to_html, plan_to_markdown

#: The as-of date of tests/conftest.py: after every date in the examples and in the evidence below.
AS_OF = datetime.date(2026, 3, 1)

SHIPPED = Path(__file__).resolve().parent.parent / "catalogues" / "essex_training_hub.toml"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Only the catalogues a test names: no search path, no pyproject.toml above the working directory.
    monkeypatch.delenv(CATALOGUES_PATH_ENV, raising=False)
    monkeypatch.chdir(tmp_path)


# A practice manager (targets: understanding-care-and-change leading, vision-and-direction leading,
# attention-to-staff leading, the others established) rated by two independent raters, so that every
# level is certain: vision 2 (gap 2), attention 3 (gap 1), understanding 3 (gap 1), valuing
# difference 2 (gap 1), the rest met.
EVIDENCE = """
frameworks = ["collective-leadership"]

[subject]
id = "pm-test"
name = "Pat Manager"
role = "practice-manager"

[[evidence]]
id = "supervisor-2025"
kind = "rating"
date = 2025-06-01
rater = "supervisor"
rater_id = "s1"
[evidence.ratings]
understanding-care-and-change = 3
vision-and-direction = 2
balancing-priorities = 3
followership = 3
positive-personal-values = 3
attention-to-staff = 3
valuing-difference-and-equality = 2

[[evidence]]
id = "peer-2025"
kind = "rating"
date = 2025-06-02
rater = "peer"
rater_id = "p1"
[evidence.ratings]
understanding-care-and-change = 3
vision-and-direction = 2
balancing-priorities = 3
followership = 3
positive-personal-values = 3
attention-to-staff = 3
valuing-difference-and-equality = 2
"""

VISION = "collective-leadership:vision-and-direction"
ATTENTION = "collective-leadership:attention-to-staff"
UNDERSTANDING = "collective-leadership:understanding-care-and-change"
VALUING = "collective-leadership:valuing-difference-and-equality"

#: Hand-computed (docs/planning.md, P3). Gaps: vision 2, attention 1, understanding 1, valuing 1.
#: Round 1: a = 2² + 1² = 5, c = 4, b = 2, f = g = 1; d suits only "leading" (the person is at
#: "developing"), e develops an indicator of vision, which does not cover the behaviour: both 0. a wins.
#: Now vision 1, attention 0. Round 2: b = 0 + 1 = 1, c = 1, f = 1, g = 1: c is free, so c.
#: Round 3: b, f and g = 1; b and f cost £50, g's cost is unknown; f has fewer hours: f.
#: Round 4: b = 1 (understanding), g = 0 now (valuing is closed): b. Round 5: nothing covers an open gap.
SMALL = """
id = "small"
title = "Small catalogue"
publisher = "Tests"
source = "Written for the tests."

[[offers]]
id = "a"
kind = "course"
title = "Alpha leadership course"
provider = "Provider A"
cost = 100
develops = ["collective-leadership:vision-and-direction", "collective-leadership:attention-to-staff"]

[[offers]]
id = "b"
kind = "mentoring"
title = "Bravo mentoring"
provider = "Provider B"
cost = 50
hours = 20
develops = ["collective-leadership:attention-to-staff", "collective-leadership:understanding-care-and-change"]

[[offers]]
id = "c"
kind = "reading"
title = "Charlie reading"
provider = "Provider C"
cost = 0
develops = ["collective-leadership:vision-and-direction"]

[[offers]]
id = "d"
kind = "course"
title = "Delta for leaders"
provider = "Provider D"
cost = 0
develops = ["collective-leadership:valuing-difference-and-equality", "collective-leadership:vision-and-direction"]
suits = { collective-leadership = { from = "leading", to = "leading" } }

[[offers]]
id = "e"
kind = "course"
title = "Echo direction setting"
provider = "Provider E"
cost = 0
develops = ["collective-leadership:sets-clear-direction"]

[[offers]]
id = "f"
kind = "course"
title = "Foxtrot equality course"
provider = "Provider F"
cost = 50
hours = 10
develops = ["collective-leadership:valuing-difference-and-equality"]

[[offers]]
id = "g"
kind = "course"
title = "Golf equality course"
provider = "Provider G"
hours = 5
develops = ["collective-leadership:valuing-difference-and-equality"]
"""

EXPECTED_ORDER = ["a", "c", "f", "b"]


def small_catalogue(text: str = SMALL) -> Catalogue:
    return catalogue_from_dict(tomli.loads(text))


def evidence_with(engine: Any, extra: str = "") -> EvidenceFile:
    return engine.load_evidence(EVIDENCE + textwrap.dedent(extra), as_of=AS_OF, name="pm-test.toml")


def plan_for(engine: Any, catalogue: Catalogue | None = None, extra: str = "", **kwargs: Any) -> PlanReport:
    evidence = evidence_with(engine, extra)
    card = engine.score(evidence, as_of=AS_OF, role=kwargs.pop("role", None))
    return make_plan(evidence, card, [catalogue or small_catalogue()], engine.frameworks(), **kwargs)


def activity(type_: str, title: str, outcome: str = "completed", ident: str = "done-1") -> str:
    return f"""
    [[evidence]]
    id = "{ident}"
    kind = "activity"
    type = "{type_}"
    title = "{title}"
    start = 2024-01-10
    end = 2024-03-10
    outcome = "{outcome}"
    competencies = ["followership"]
    """


# -- gaps and the ranking ----------------------------------------------------------------------------------------


def test_gaps_come_from_the_role_profile_largest_first(engine: Any) -> None:
    evidence = evidence_with(engine)
    gaps = find_gaps(engine.score(evidence, as_of=AS_OF), engine.frameworks())
    assert [(g.competency, g.gap, g.current_rank) for g in gaps] == [
        ("vision-and-direction", 2, 2),
        ("understanding-care-and-change", 1, 3),
        ("attention-to-staff", 1, 3),
        ("valuing-difference-and-equality", 1, 2),
    ]
    assert gaps[0].level_label == "Developing" and gaps[0].target_label == "Leading"


def test_hand_computed_ranking_on_a_small_catalogue(engine: Any) -> None:
    plan = plan_for(engine)
    assert [r.offer for r in plan.recommendations] == EXPECTED_ORDER
    assert [r.value for r in plan.recommendations] == [5, 1, 1, 1]
    assert plan.offers_considered == 7
    assert plan.uncovered == ()
    first = plan.recommendations[0]
    assert [(c.competency, c.gap, c.open) for c in first.covers] == [("vision-and-direction", 2, 2), ("attention-to-staff", 1, 1)]


def test_explanations_name_the_gaps_and_how_much_is_left(engine: Any) -> None:
    plan = plan_for(engine)
    explanations = {r.offer: r.explanation for r in plan.recommendations}
    assert explanations["a"] == (
        "covers gaps in Creating and communicating a vision and direction (2 levels) and "
        "Paying close, empathetic attention to staff (1 level)"
    )
    assert explanations["c"] == "covers the gap in Creating and communicating a vision and direction (1 level left of 2)"
    assert explanations["b"] == (
        "covers the gap in Understanding how care is provided and funded, and the drivers for change (1 level)"
    )


def test_explain_lists_three_with_commas() -> None:
    from competency.planning import CoveredGap

    covered = [CoveredGap("f", "x", "X", 2, 2), CoveredGap("f", "y", "Y", 1, 1), CoveredGap("f", "z", "Z", 3, 1)]
    assert explain(covered) == "covers gaps in X (2 levels), Y (1 level) and Z (1 level left of 3)"


def test_level_ranges_are_respected(engine: Any) -> None:
    plan = plan_for(engine, limit=None)
    assert "d" not in [r.offer for r in plan.recommendations]
    # The same offer suiting the person's level ("developing") is chosen first: 2² + 1² = 5, and free.
    suits_now = SMALL.replace('{ from = "leading", to = "leading" }', '{ from = "emerging", to = "developing" }')
    plan = plan_for(engine, small_catalogue(suits_now))
    assert plan.recommendations[0].offer == "d"
    assert plan.recommendations[0].value == 5


def test_an_offer_for_a_behaviour_covers_its_indicators_but_not_the_reverse(engine: Any) -> None:
    # The qi-lead role also targets an indicator (redesigns-and-improves-services) under vision.
    plan = plan_for(engine, role="qi-lead", limit=None)
    gaps = {g.competency: g.gap for g in plan.gaps}
    assert gaps["redesigns-and-improves-services"] == 4
    # c develops only the behaviour, yet covers its indicator's gap too: 2² + 4² = 20, and it is free.
    first = plan.recommendations[0]
    assert (first.offer, first.value) == ("c", 20)
    assert {c.competency for c in first.covers} == {"vision-and-direction", "redesigns-and-improves-services"}
    assert "e" not in [r.offer for r in plan.recommendations]  # an indicator never covers its parent


def test_roles_restrict_offers(engine: Any) -> None:
    only_gps = SMALL.replace('title = "Alpha leadership course"', 'title = "Alpha leadership course"\nroles = ["gp"]')
    plan = plan_for(engine, small_catalogue(only_gps))
    assert "a" not in [r.offer for r in plan.recommendations]
    assert plan.offers_considered == 6


def test_limit(engine: Any) -> None:
    assert [r.offer for r in plan_for(engine, limit=2).recommendations] == EXPECTED_ORDER[:2]
    assert [r.position for r in plan_for(engine, limit=3).recommendations] == [1, 2, 3]


def test_no_gap_means_an_empty_plan(engine: Any) -> None:
    met = EVIDENCE.replace("= 2\n", "= 3\n").replace("role = \"practice-manager\"", "role = \"practice-nurse\"")
    evidence = engine.load_evidence(met, as_of=AS_OF)
    plan = make_plan(evidence, engine.score(evidence, as_of=AS_OF), [small_catalogue()], engine.frameworks())
    assert plan.gaps == () and plan.recommendations == ()


# -- what is already done -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        (activity("course", "Alpha Leadership Course (spring cohort)"), "done"),
        (activity("course", "The alpha leadership course", outcome="attended"), "done"),
        (activity("course", "Alpha leadership course", outcome="in-progress"), "under-way"),
    ],
)
def test_done_offers_are_left_out(engine: Any, extra: str, status: str) -> None:
    plan = plan_for(engine, extra=extra, limit=None)
    assert "a" not in [r.offer for r in plan.recommendations]
    (done,) = plan.done
    assert (done.offer, done.status, done.evidence) == ("a", status, "done-1")
    # Without "a", "c" covers vision first: 2² = 4.
    assert plan.recommendations[0].offer == "c"


@pytest.mark.parametrize(
    "extra",
    [
        activity("course", "Alpha leadership course", outcome="withdrawn"),
        activity("qi-project", "QI project after the Alpha leadership course"),  # another kind
        activity("course", "Alpha leadership"),  # not the whole name
    ],
)
def test_what_is_not_done_is_not_left_out(engine: Any, extra: str) -> None:
    plan = plan_for(engine, extra=extra)
    assert plan.done == ()
    assert plan.recommendations[0].offer == "a"


def test_an_award_and_an_alias_show_an_offer_done(engine: Any) -> None:
    with_alias = SMALL.replace('title = "Foxtrot equality course"', 'title = "Foxtrot equality course"\naliases = ["FEC"]')
    extra = """
    [[evidence]]
    id = "fec-certificate"
    kind = "attainment"
    date = 2024-05-01
    title = "Certificate of completion"
    awarded_by = "FEC (Foxtrot)"
    competencies = ["valuing-difference-and-equality"]
    """
    plan = plan_for(engine, small_catalogue(with_alias), extra=extra, limit=None)
    assert [(d.offer, d.status, d.evidence) for d in plan.done] == [("f", "done", "fec-certificate")]
    assert "f" not in [r.offer for r in plan.recommendations]


@attrs.frozen(kw_only=True)
class NamedOffer(EvidenceItem):
    """An evidence kind that names the catalogue offer it records (as an ``offer`` field would)."""

    kind: ClassVar[str] = "course-record"
    offer: str
    outcome: str = "completed"


def test_an_explicit_offer_id_shows_an_offer_done() -> None:
    catalogue = small_catalogue()
    offer = catalogue.offer("g")
    assert offer is not None
    for named in ("g", "small:g"):
        evidence = EvidenceFile(Subject("x"), (NamedOffer(id="rec", offer=named),))
        status = offer_status(offer, "small", evidence)
        assert status is not None and status[0] == "done" and status[1].id == "rec"
    other = EvidenceFile(Subject("x"), (NamedOffer(id="rec", offer="other:g"),))
    assert offer_status(offer, "small", other) is None


# -- determinism -------------------------------------------------------------------------------------------------


def shuffled(catalogue: Catalogue, seed: int) -> Catalogue:
    offers = list(catalogue.offers)
    random.Random(seed).shuffle(offers)
    return attrs.evolve(catalogue, offers=tuple(offers))


@given(st.integers(min_value=0, max_value=10_000))
def test_the_ranking_does_not_depend_on_offer_order(shared_engine: Any, seed: int) -> None:
    base = plan_for(shared_engine, limit=None)
    plan = plan_for(shared_engine, shuffled(small_catalogue(), seed), limit=None)
    assert plan == base


LEVELS = ["emerging", "developing", "established", "leading"]
TAGS = [VISION, ATTENTION, UNDERSTANDING, VALUING, "collective-leadership:followership", "collective-leadership:collaboration"]


@st.composite
def random_catalogues(draw: st.DrawFn) -> Catalogue:
    offers = []
    for index in range(draw(st.integers(min_value=1, max_value=12))):
        develops = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=4, unique=True))
        low = draw(st.integers(min_value=0, max_value=3))
        high = draw(st.integers(min_value=low, max_value=3))
        suits = {"collective-leadership": {"from": LEVELS[low], "to": LEVELS[high]}} if draw(st.booleans()) else {}
        offer: dict[str, Any] = {
            "id": f"o{index}", "kind": "course", "title": f"Offer {index}", "provider": "P",
            "develops": develops, "suits": suits,
        }
        cost = draw(st.one_of(st.none(), st.sampled_from([0, 50, 100])))
        hours = draw(st.one_of(st.none(), st.sampled_from([5, 10])))
        if cost is not None:
            offer["cost"] = cost
        if hours is not None:
            offer["hours"] = hours
        offers.append(offer)
    return catalogue_from_dict({"id": "random", "title": "R", "publisher": "P", "source": "S", "offers": offers})


@given(random_catalogues(), st.randoms(use_true_random=False), st.integers(min_value=1, max_value=6))
def test_any_catalogue_ranks_the_same_in_any_order(shared_engine: Any, catalogue: Catalogue, rnd: random.Random, limit: int) -> None:
    base = plan_for(shared_engine, catalogue, limit=limit)
    offers = list(catalogue.offers)
    rnd.shuffle(offers)
    assert plan_for(shared_engine, attrs.evolve(catalogue, offers=tuple(offers)), limit=limit) == base
    # Every pick covers an open gap, values never rise, and no offer is chosen twice.
    values = [r.value for r in base.recommendations]
    assert all(v > 0 for v in values) and values == sorted(values, reverse=True)
    assert len({r.offer for r in base.recommendations}) == len(values) <= limit


# -- the command line --------------------------------------------------------------------------------------------


@pytest.fixture
def files(write: Callable[..., Path]) -> tuple[Path, Path]:
    return write("pm-test.toml", EVIDENCE), write("small.toml", SMALL)


def test_cli_text_plan_fits_80_columns(invoke: Callable[..., Any], files: tuple[Path, Path]) -> None:
    evidence, catalogue = files
    result = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    text = result.stdout
    assert "Development plan for Pat Manager (pm-test)" in text
    assert "role practice-manager, as of 2026-03-01" in text
    positions = [text.index(f"(small:{o})") for o in EXPECTED_ORDER]
    assert positions == sorted(positions)
    assert " 1. Alpha leadership course" in text
    assert "covers gaps in Creating and communicating a vision and direction (2 levels)" in text
    assert "£100" in text and "free" in text and "£50" in text


def test_cli_limit_and_role(invoke: Callable[..., Any], files: tuple[Path, Path]) -> None:
    evidence, catalogue = files
    result = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--limit", "1", "--format", "json")
    data = json.loads(result.stdout)
    assert [r["offer"] for r in data["recommendations"]] == ["a"]
    result = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--role", "qi-lead", "--format", "json")
    assert json.loads(result.stdout)["role"] == "qi-lead"
    assert invoke("plan", evidence, "--catalogue", catalogue, "--limit", "0").exit_code == 2


def test_cli_json_document(invoke: Callable[..., Any], files: tuple[Path, Path]) -> None:
    evidence, catalogue = files
    result = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data)[:2] == ["schema_version", "kind"]
    assert data["schema_version"] == 1 and data["kind"] == "plan"
    assert data["subject"] == {"id": "pm-test", "name": "Pat Manager", "role": "practice-manager"}
    assert data["as_of"] == "2026-03-01"
    assert [r["offer"] for r in data["recommendations"]] == EXPECTED_ORDER
    assert data["recommendations"][0]["covers"][0] == {
        "framework": "collective-leadership", "competency": "vision-and-direction",
        "title": "Creating and communicating a vision and direction", "gap": 2, "open": 2,
    }
    assert data["catalogues"][0]["id"] == "small"


def test_cli_output_is_deterministic_and_written_atomically(invoke: Callable[..., Any], files: tuple[Path, Path], tmp_path: Path) -> None:
    evidence, catalogue = files
    runs = [invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--format", fmt).stdout for fmt in ("json", "json", "text", "text")]
    assert runs[0] == runs[1] and runs[2] == runs[3]
    out = tmp_path / "plan.md"
    result = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--format", "markdown", "--output", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text("utf-8").startswith("# Development plan for Pat Manager")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.md")] == []


def test_cli_markdown_and_html_escape_catalogue_text(invoke: Callable[..., Any], write: Callable[..., Path], files: tuple[Path, Path]) -> None:
    evidence, _ = files
    hostile = SMALL.replace('title = "Alpha leadership course"', 'title = "<script>alert(1)</script> *Alpha* [x](javascript:y)"')
    catalogue = write("hostile.toml", hostile)
    html = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--format", "html").stdout
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith("<!DOCTYPE html>") and "Alpha" in html
    markdown = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--format", "markdown").stdout
    assert "<script>" not in markdown and "\\*Alpha\\*" in markdown and "](javascript" not in markdown


def test_renderers_work_without_the_cli(engine: Any) -> None:
    plan = plan_for(engine)
    assert engine.export(plan, "text").startswith("Development plan for Pat Manager")
    assert json.loads(engine.export(plan, "json"))["kind"] == "plan"
    assert "Covers gaps in Creating and communicating a vision and direction" in plan_to_markdown(plan)
    assert "<li>" in plan_to_html(plan)


def test_cli_invalid_evidence_is_exit_1_with_located_errors(invoke: Callable[..., Any], write: Callable[..., Path], files: tuple[Path, Path]) -> None:
    _, catalogue = files
    bad = write("bad.toml", EVIDENCE.replace("vision-and-direction = 2", "vision-and-direktion = 2", 1))
    result = invoke("plan", bad, "--as-of", AS_OF, "--catalogue", catalogue)
    assert result.exit_code == 1
    assert f"{bad}: evidence[0].ratings.vision-and-direktion: unknown competency" in result.stderr
    assert result.stdout == ""
    missing = invoke("plan", write("x.txt", "").parent / "nope.toml", "--catalogue", catalogue)
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_cli_unknown_role_format_or_no_role_is_a_usage_error(invoke: Callable[..., Any], write: Callable[..., Path], files: tuple[Path, Path]) -> None:
    evidence, catalogue = files
    unknown = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--role", "astronaut")
    assert unknown.exit_code == 2 and "'astronaut' is not a role" in unknown.stderr
    bad_format = invoke("plan", evidence, "--as-of", AS_OF, "--catalogue", catalogue, "--format", "pdf")
    assert bad_format.exit_code == 2
    roleless = write("roleless.toml", EVIDENCE.replace('role = "practice-manager"\n', ""))
    no_role = invoke("plan", roleless, "--as-of", AS_OF, "--catalogue", catalogue)
    assert no_role.exit_code == 2 and "--role" in no_role.stderr


def test_cli_example_gp_has_the_hub_programmes_left_out_as_done(invoke: Callable[..., Any], repo: Path) -> None:
    result = invoke(
        "plan", repo / "examples" / "gp-partner.toml", "--as-of", AS_OF, "--catalogue", SHIPPED,
        "--role", "practice-manager", "--format", "json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    done = {d["offer"]: d["evidence"] for d in data["done"]}
    assert done == {"next-generation-gp": "nggp-2022", "clinical-leadership-development-ne-essex": "cldp-certificate-2026"}
    assert data["recommendations"], "the GP has gaps to a practice manager's targets"
    assert all(r["offer"] not in done for r in data["recommendations"])


@pytest.mark.parametrize("example", ["gp-partner", "practice-manager", "receptionist"])
def test_cli_examples_plan_in_every_format(invoke: Callable[..., Any], repo: Path, example: str) -> None:
    for fmt in ("text", "json", "markdown", "html"):
        result = invoke("plan", repo / "examples" / f"{example}.toml", "--as-of", AS_OF, "--catalogue", SHIPPED, "--role", "qi-lead", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        if fmt == "text":
            assert all(len(line) <= 80 or line.startswith("http") for line in result.stdout.splitlines())


def test_plan_help(invoke: Callable[..., Any]) -> None:
    result = invoke("plan", "--help")
    assert result.exit_code == 0 and "--catalogue" in result.stdout and "--limit" in result.stdout


def test_the_plan_is_as_of_the_scorecards_date(engine: Any) -> None:
    plan = plan_for(engine)
    assert plan.as_of == AS_OF == datetime.date(2026, 3, 1)
    assert plan.source == "pm-test.toml"
