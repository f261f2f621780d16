"""Tests for the 360 aggregation: hand-computed examples, and properties that enforce the anonymity policy."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_nine_dimension.aggregate import (
    ANONYMOUS_GROUPS,
    CATEGORIES,
    DEFAULT_THRESHOLDS,
    GROUPS,
    Answer,
    Config,
    Rater,
    Report,
    aggregate,
)

HLM = (
    "inspiring-shared-purpose",
    "leading-with-care",
    "evaluating-information",
    "connecting-our-service",
    "sharing-the-vision",
    "engaging-the-team",
    "holding-to-account",
    "developing-capability",
    "influencing-for-results",
)
ISP, LWC, EI, COS = HLM[:4]
DIMS4 = HLM[:4]


def rater(rater_id: str, group: str, *answers: Answer | None, dims=DIMS4) -> Rater:
    """A rater answering `dims` in order; None leaves the dimension out (counts as not observed)."""
    return Rater(rater_id, group, {d: a for d, a in zip(dims, answers) if a is not None})


def dumps(report: Report) -> str:
    return json.dumps(report.to_dict(), sort_keys=True)


def cell(report: Report, dim: str, group: str):
    return next(c for c in report.dimension(dim).groups if c.group == group)


# ------------------------------------------------------------------------------------------------------
# The worked example (the same one as docs/360-aggregation.md)
# ------------------------------------------------------------------------------------------------------

A = Answer
WORKED = [
    rater("s", "self", A(4, 5, "I set the direction"), A(2, 4), A(3, 3), A(2, 2)),
    rater("m", "line-manager", A(3, 5, "Clear vision"), A(3, 4), A(2, 4), A(2, 3)),
    rater("p1", "peer", A(2, 4, "Could share the plan more"), A(4, 5), A(2, 5), A(2, 3)),
    rater("p2", "peer", A(3, 4, "  Inspiring "), A(4, 4), A(1, 4), A(None, 2)),
    rater("p3", "peer", A(2, 3), A(3, 4), A(2, None), A(3, None, "hidden comment")),
    # Two direct reports: below the threshold of 3, so the group is hidden.
    rater("d1", "direct-report", A(1, 1, "secret"), A(1, 1), A(1, 1), A(1, 1)),
    rater("d2", "direct-report", A(4, 5), A(4, 5), A(4, 5), A(4, 5)),
]
WORKED_TARGETS = {ISP: 3, EI: 3, COS: 3}


@pytest.fixture
def worked() -> Report:
    return aggregate(WORKED, DIMS4, targets=WORKED_TARGETS)


def test_worked_groups(worked):
    assert worked.status == "ok"  # visible non-self raters: line manager 1 + peers 3 = 4 >= 3
    assert [(g.name, g.raters, g.threshold, g.visible) for g in worked.groups] == [
        ("self", 1, 1, True),
        ("line-manager", 1, 1, True),
        ("peer", 3, 3, True),
        ("direct-report", 2, 3, False),
        ("other", 0, 3, False),
    ]
    for result in worked.dimensions:
        assert [c.group for c in result.groups] == ["self", "line-manager", "peer"]


def test_worked_inspiring_shared_purpose(worked):
    isp = worked.dimension(ISP)
    # Others = line manager 3 + peers 2, 3, 2 = {3, 2, 3, 2} (direct reports hidden, self excluded).
    # mean = 10/4 = 5/2; squared deviations 4 x 1/4 = 1; sample variance 1/3; sd = 0.57735.
    # rwg = 1 - (1/3) / ((4² - 1)/12) = 1 - (1/3)(12/15) = 1 - 4/15 = 11/15 = 0.7333 >= 0.70.
    assert isp.others.n == 4 and isp.others.not_observed == 0
    assert isp.others.mean == Fraction(5, 2)
    assert isp.others.variance == Fraction(1, 3)
    assert isp.others.rwg == Fraction(11, 15) and isp.others.agreement is True
    assert isp.others.range == (2, 3)  # n = 4, so the range is shown
    # Importance: line manager 5, peers 4, 4, 3 -> 16/4 = 4.
    assert isp.others.importance_mean == 4
    # gap = 4 - 5/2 = 3/2 > 1 (a third of the 1..4 range) -> blind spot.
    assert isp.self_rating == 4 and isp.gap == Fraction(3, 2) and isp.flag == "blind-spot"
    # level: 2.5 is not below 2.5 -> rank 3; target 3 -> shortfall 1/2; priority 4 x 1/2 = 2.
    assert (isp.level, isp.level_label) == (3, "Strong")
    assert isp.shortfall == Fraction(1, 2) and isp.priority == 2
    # Peer cell: {2, 3, 2}, mean 7/3, deviations² 1/9 + 4/9 + 1/9 = 2/3, variance 1/3, no range (n = 3).
    peers = cell(worked, ISP, "peer").stats
    assert (peers.n, peers.mean, peers.variance, peers.range) == (3, Fraction(7, 3), Fraction(1, 3), None)
    assert peers.importance_mean == Fraction(11, 3)  # (4 + 4 + 3) / 3
    # Comments: by group display order, then text; whitespace trimmed; the hidden group's comment is gone.
    assert [(c.group, c.text) for c in isp.comments] == [
        ("self", "I set the direction"),
        ("line-manager", "Clear vision"),
        ("peer", "Could share the plan more"),
        ("peer", "Inspiring"),
    ]


def test_worked_leading_with_care(worked):
    lwc = worked.dimension(LWC)
    # Others {3, 4, 4, 3}: mean 7/2, variance 1/3; gap = 2 - 7/2 = -3/2, beyond 1 -> hidden strength.
    assert lwc.others.mean == Fraction(7, 2) and lwc.others.variance == Fraction(1, 3)
    assert lwc.gap == Fraction(-3, 2) and lwc.flag == "hidden-strength"
    # 3.5 -> rank 4; default target 2 -> no shortfall, priority 0 (importance (4 + 5 + 4 + 4)/4 = 17/4).
    assert (lwc.level, lwc.level_label, lwc.target) == (4, "Exemplary", 2)
    assert lwc.others.importance_mean == Fraction(17, 4)
    assert lwc.shortfall == 0 and lwc.priority == 0


def test_worked_evaluating_information(worked):
    ei = worked.dimension(EI)
    # Others {2, 2, 1, 2}: mean 7/4; deviations² 3 x 1/16 + 9/16 = 3/4; variance 1/4; sd 1/2;
    # rwg = 1 - (1/4)(12/15) = 4/5.
    assert ei.others.mean == Fraction(7, 4) and ei.others.variance == Fraction(1, 4)
    assert ei.others.sd == 0.5 and ei.others.rwg == Fraction(4, 5) and ei.others.range == (1, 2)
    # gap 3 - 7/4 = 5/4 > 1 -> blind spot; level floor(7/4 + 1/2) = 2; shortfall 3 - 7/4 = 5/4.
    assert ei.gap == Fraction(5, 4) and ei.flag == "blind-spot"
    assert ei.level == 2 and ei.shortfall == Fraction(5, 4)
    # Only two peers gave importance (5, 4): fewer than 3, so the peer importance mean is not shown and
    # not pooled; others' importance is the line manager's 4. Priority 4 x 5/4 = 5.
    peers = cell(worked, EI, "peer").stats
    assert peers.importance_n == 2 and peers.importance_mean is None
    assert ei.others.importance_n == 1 and ei.others.importance_mean == 4
    assert ei.priority == 5


def test_worked_cell_suppression(worked):
    cos = worked.dimension(COS)
    # Peers: 2, not observed, 3 -> 2 answers < 3: the peer cell is suppressed, its answers and comment dropped.
    peers = cell(worked, COS, "peer")
    assert peers.suppressed is True
    stats = peers.stats
    assert (stats.n, stats.not_observed, stats.mean, stats.importance_mean) == (2, 1, None, None)
    # Others is the line manager alone: {2}. Its not-observed count leaves the suppressed cell out too.
    assert (cos.others.n, cos.others.not_observed, cos.others.mean) == (1, 0, 2)
    assert cos.others.variance is None and cos.others.rwg is None and cos.others.range is None
    assert cos.comments == ()
    # gap 2 - 2 = 0; target 3, shortfall 1, importance 3 (line manager) -> priority 3.
    assert cos.gap == 0 and cos.flag is None and cos.priority == 3


def test_worked_priorities_and_category(worked):
    # Priorities: EI 5, COS 3, ISP 2 (LWC has no shortfall).
    assert worked.priorities == (EI, COS, ISP)
    # Self mean (4 + 2 + 3 + 2)/4 = 11/4; others mean (5/2 + 7/2 + 7/4 + 2)/4 = 39/16;
    # mean gap 44/16 - 39/16 = 5/16 = 0.3125, within 0.5 -> in agreement; 39/16 >= 2 -> good.
    overall = worked.overall
    assert overall.dimensions_compared == 4
    assert (overall.self_mean, overall.others_mean, overall.mean_gap) == (
        Fraction(11, 4),
        Fraction(39, 16),
        Fraction(5, 16),
    )
    assert overall.category == "in-agreement-good"


def test_worked_to_dict(worked):
    data = worked.to_dict()
    assert list(data) == [
        "status", "scale_points", "gap_threshold", "agreement_threshold",
        "groups", "dimensions", "priorities", "overall", "radar",
    ]  # fmt: skip
    # Half-up rounding of exact values: 39/16 = 2.4375 -> 2.438, 5/16 = 0.3125 -> 0.313.
    assert data["overall"] == {
        "dimensions_compared": 4,
        "self_mean": 2.75,
        "others_mean": 2.438,
        "mean_gap": 0.313,
        "category": "in-agreement-good",
    }
    isp = data["dimensions"][0]
    assert isp["others"] == {
        "n": 4, "not_observed": 0, "mean": 2.5, "sd": 0.577, "rwg": 0.733, "agreement": True,
        "range": [2, 3], "importance_n": 4, "importance_mean": 4.0,
    }  # fmt: skip
    assert data["priorities"] == [
        {"dimension": EI, "shortfall": 1.25, "importance": 4.0, "priority": 5.0},
        {"dimension": COS, "shortfall": 1.0, "importance": 3.0, "priority": 3.0},
        {"dimension": ISP, "shortfall": 0.5, "importance": 4.0, "priority": 2.0},
    ]
    assert data["radar"] == [
        {"dimension": ISP, "self": 4, "others": 2.5, "target": 3},
        {"dimension": LWC, "self": 2, "others": 3.5, "target": 2},
        {"dimension": EI, "self": 3, "others": 1.75, "target": 3},
        {"dimension": COS, "self": 2, "others": 2.0, "target": 3},
    ]
    text = json.dumps(data)
    # The hidden group's comment, the suppressed cell's comment and every rater id are absent.
    assert "secret" not in text and "hidden comment" not in text
    assert '"direct-report", "suppressed"' not in text
    assert all(f'"{r.id}"' not in text for r in WORKED)
    assert json.loads(text) == data  # plain JSON types only


# ------------------------------------------------------------------------------------------------------
# Smaller hand-computed cases
# ------------------------------------------------------------------------------------------------------


def one_dim(self_rank, other_ranks, *, group="peer", config=Config(), importance=3):
    raters = [Rater("s", "self", {ISP: Answer(self_rank)})] if self_rank is not None else []
    raters += [Rater(f"o{i}", group, {ISP: Answer(r, importance)}) for i, r in enumerate(other_ranks)]
    return aggregate(raters, [ISP], config=config)


def test_rwg_is_truncated_at_zero_and_range_needs_four():
    # {1, 4, 1, 4}: mean 5/2, deviations² 4 x 9/4 = 9, variance 3; rwg = 1 - 3 x 12/15 = -7/5 -> 0.
    result = one_dim(None, [1, 4, 1, 4]).dimension(ISP)
    assert result.others.variance == 3 and result.others.rwg == 0 and result.others.agreement is False
    assert result.others.range == (1, 4)
    # Three answers {1, 2, 3}: variance 1, rwg = 1 - 12/15 = 1/5; no range below four answers.
    three = one_dim(None, [1, 2, 3]).dimension(ISP)
    assert three.others.rwg == Fraction(1, 5) and three.others.range is None


def test_gap_flags_are_strictly_beyond_the_threshold():
    # Others {2, 2, 2}: gap 3 - 2 = 1, exactly the default threshold (4 - 1)/3 = 1 -> no flag.
    assert one_dim(3, [2, 2, 2]).dimension(ISP).flag is None
    assert one_dim(1, [2, 2, 2]).dimension(ISP).flag is None
    # With a threshold of one half, the same gaps are flagged both ways.
    half = Config(gap_threshold=0.5)
    assert one_dim(3, [2, 2, 2], config=half).dimension(ISP).flag == "blind-spot"
    assert one_dim(1, [2, 2, 2], config=half).dimension(ISP).flag == "hidden-strength"
    assert one_dim(4, [2, 2, 2]).dimension(ISP).flag == "blind-spot"  # gap 2 > 1


@pytest.mark.parametrize(
    ("self_rank", "others", "category"),
    [
        (4, [3, 3, 2], "over-estimator"),  # gap 4 - 8/3 = 4/3 > 1/2
        (1, [2, 2, 3], "under-estimator"),  # gap 1 - 7/3 = -4/3 < -1/2
        (3, [3, 3, 2], "in-agreement-good"),  # gap 3 - 8/3 = 1/3; others 8/3 >= 2
        (1, [1, 2, 1], "in-agreement-poor"),  # gap 1 - 4/3 = -1/3; others 4/3 < 2
        (2, [2, 2, 2], "in-agreement-good"),  # others exactly 2 counts as Proficient
        (3, [2, 3, 2], "over-estimator"),  # gap 3 - 7/3 = 2/3 > 1/2, though no dimension is a blind spot
    ],
)
def test_agreement_categories(self_rank, others, category):
    assert one_dim(self_rank, others).overall.category == category


def test_agreement_threshold_is_strict():
    # Others {2, 2, 3, 3} mean 5/2; self 3: gap exactly 1/2 -> still in agreement.
    assert one_dim(3, [2, 2, 3, 3]).overall.category == "in-agreement-good"
    assert one_dim(3, [2, 2, 3, 3], config=Config(agreement_threshold=0.4)).overall.category == "over-estimator"


def test_levels_generalise_to_other_scales():
    config = Config(scale_points=5)
    labels = ("One", "Two", "Three", "Four", "Five")
    raters = [Rater(f"p{i}", "peer", {ISP: Answer(r), LWC: Answer(5)}) for i, r in enumerate([4, 5, 4, 5])]
    report = aggregate(raters, [ISP, LWC], config=config, level_labels=labels)
    # ISP mean 9/2 -> rank 5 (not below 4.5); LWC mean 5 -> rank 5; rwg uses (25 - 1)/12 = 2.
    assert report.dimension(ISP).level == 5 and report.dimension(ISP).level_label == "Five"
    assert report.dimension(ISP).others.rwg == 1 - Fraction(1, 3) / 2  # variance {4,5,4,5} = 1/3
    assert report.gap_threshold == Fraction(4, 3)
    with pytest.raises(ValueError, match="level labels"):
        aggregate(raters, [ISP, LWC], config=config)


def test_priorities_break_ties_by_published_order_and_put_unweighted_last():
    dims = (ISP, LWC, EI, COS)
    # Peers rate every dimension 1 -> shortfall 1 against target 2. Importance 3 on ISP and EI (priority 3),
    # 4 on COS (priority 4), none on LWC (no priority: goes last).
    importance = {ISP: 3, LWC: None, EI: 3, COS: 4}
    raters = [Rater(f"p{i}", "peer", {d: Answer(1, importance[d]) for d in dims}) for i in range(3)]
    report = aggregate(raters, dims)
    assert report.priorities == (COS, ISP, EI, LWC)
    assert report.dimension(LWC).priority is None and report.dimension(LWC).shortfall == 1


def test_comments_do_not_follow_rater_order():
    # Each peer writes on two dimensions; sorted by text, the order cannot link one peer's comments.
    raters = [
        Rater("p1", "peer", {ISP: Answer(2, None, "zeal"), LWC: Answer(2, None, "apt")}),
        Rater("p2", "peer", {ISP: Answer(2, None, "calm"), LWC: Answer(2, None, "kind")}),
        Rater("p3", "peer", {ISP: Answer(2, None, "bold"), LWC: Answer(2, None, "warm")}),
        Rater("m", "line-manager", {ISP: Answer(2, None, "able")}),
    ]
    for order in (raters, raters[::-1]):
        report = aggregate(order, [ISP, LWC])
        assert [c.text for c in report.dimension(ISP).comments] == ["able", "bold", "calm", "zeal"]
        assert [c.text for c in report.dimension(LWC).comments] == ["apt", "kind", "warm"]


# ------------------------------------------------------------------------------------------------------
# Not observed
# ------------------------------------------------------------------------------------------------------


def test_not_observed_is_excluded_from_means_and_counted():
    raters = [
        Rater("m", "line-manager", {ISP: Answer(None, 5, "Not seen this")}),  # explicit "not observed"
        Rater("p1", "peer", {ISP: Answer(2, 4)}),
        Rater("p2", "peer", {ISP: Answer(4, 2)}),
        Rater("p3", "peer", {ISP: Answer(3, None)}),
        Rater("p4", "peer", {ISP: Answer(None, 3)}),
        Rater("p5", "peer", {}),  # dimension left out: also not observed
    ]
    report = aggregate(raters, [ISP])
    manager = cell(report, ISP, "line-manager").stats
    assert (manager.n, manager.not_observed, manager.mean) == (0, 1, None)
    assert manager.importance_mean == 5  # importance still counts without a performance rating
    peers = cell(report, ISP, "peer").stats
    # Answers 2, 4, 3 -> mean 3; two not observed; importance 4, 2, 3 -> 3 (n = 3).
    assert (peers.n, peers.not_observed, peers.mean, peers.importance_n, peers.importance_mean) == (3, 2, 3, 3, 3)
    others = report.dimension(ISP).others
    # Others: mean 3 from 3 answers; 3 not observed; importance 5, 4, 2, 3 -> 14/4 = 7/2.
    assert (others.n, others.not_observed, others.mean, others.importance_mean) == (3, 3, 3, Fraction(7, 2))
    assert [(c.group, c.text) for c in report.dimension(ISP).comments] == [("line-manager", "Not seen this")]


def test_self_not_observed_gives_no_gap():
    raters = [Rater("s", "self", {ISP: Answer(None)})] + [Rater(f"p{i}", "peer", {ISP: Answer(2)}) for i in range(3)]
    report = aggregate(raters, [ISP])
    assert report.dimension(ISP).self_rating is None and report.dimension(ISP).gap is None
    assert report.overall.dimensions_compared == 0 and report.overall.category is None


# ------------------------------------------------------------------------------------------------------
# Thresholds and insufficient raters
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", sorted(ANONYMOUS_GROUPS))
@pytest.mark.parametrize("value", [1, 0, -3])
def test_anonymous_threshold_below_two_is_rejected(group, value):
    with pytest.raises(ValueError, match=group):
        Config(thresholds={group: value})


@pytest.mark.parametrize("group", ["self", "line-manager"])
def test_identifiable_threshold_below_one_is_rejected(group):
    with pytest.raises(ValueError, match=group):
        Config(thresholds={group: 0})


def test_threshold_configuration():
    assert Config(thresholds={"peer": 2}).thresholds["peer"] == 2  # lowering to 2 is allowed
    assert dict(Config(thresholds={"peer": 5}).thresholds) == {**DEFAULT_THRESHOLDS, "peer": 5}
    with pytest.raises(ValueError, match="unknown"):
        Config(thresholds={"peers": 3})
    with pytest.raises(TypeError):
        Config(thresholds={"peer": True})
    with pytest.raises(ValueError):
        Config(gap_threshold=-1)
    with pytest.raises(ValueError):
        Config(scale_points=1)


def test_raising_a_threshold_hides_more():
    raters = [Rater("m", "line-manager", {ISP: Answer(4)})]
    raters += [Rater(f"p{i}", "peer", {ISP: Answer(1, 5, "peer view")}) for i in range(3)]
    raters += [Rater(f"o{i}", "other", {ISP: Answer(4)}) for i in range(3)]
    default = aggregate(raters, [ISP])
    assert default.dimension(ISP).others.mean == Fraction(4 + 3 + 12, 7)
    raised = aggregate(raters, [ISP], config=Config(thresholds={"peer": 4}))
    assert [g.visible for g in raised.groups] == [False, True, False, False, True]
    assert raised.dimension(ISP).others.mean == 4  # line manager 4 and others 4, 4, 4
    assert "peer view" not in dumps(raised) and '"group": "peer"' not in dumps(raised)
    # Lowering peers to 2 shows two peers that the default hides.
    two = aggregate(raters[:3], [ISP])
    assert two.groups[2].visible is False
    assert aggregate(raters[:3], [ISP], config=Config(thresholds={"peer": 2})).groups[2].visible is True


def test_insufficient_raters():
    raters = [
        Rater("s", "self", {ISP: Answer(4), LWC: Answer(1)}),
        Rater("m", "line-manager", {ISP: Answer(1, 5, "Needs work"), LWC: Answer(4, 5)}),
        # Two peers are hidden, so they do not count towards the three needed.
        Rater("p1", "peer", {ISP: Answer(1)}),
        Rater("p2", "peer", {ISP: Answer(1)}),
    ]
    report = aggregate(raters, [ISP, LWC])
    assert report.status == "insufficient-raters"
    assert report.priorities == () and report.overall.category is None
    for result in report.dimensions:
        assert result.level is None and result.level_label is None and result.flag is None
        assert result.shortfall is None and result.priority is None
    # Visible groups' figures are still shown.
    assert cell(report, ISP, "line-manager").stats.mean == 1
    assert report.dimension(ISP).others.mean == 1 and report.dimension(ISP).gap == 3
    assert [(c.group, c.text) for c in report.dimension(ISP).comments] == [("line-manager", "Needs work")]
    # Lowering the peer threshold to 2 makes three visible non-self raters: enough.
    assert aggregate(raters, [ISP, LWC], config=Config(thresholds={"peer": 2})).status == "ok"
    # ... as does asking for fewer.
    assert aggregate(raters, [ISP, LWC], config=Config(min_other_raters=1)).status == "ok"


# ------------------------------------------------------------------------------------------------------
# Input validation
# ------------------------------------------------------------------------------------------------------


def test_invalid_input_is_rejected():
    peer = Rater("p", "peer", {ISP: Answer(2)})
    with pytest.raises(ValueError, match="unknown rater group"):
        Rater("x", "peers", {})
    with pytest.raises(TypeError):
        Answer(True)
    with pytest.raises(ValueError):
        Answer(0)
    with pytest.raises(ValueError, match="beyond"):
        aggregate([Rater("p", "peer", {ISP: Answer(5)})], [ISP])
    with pytest.raises(ValueError, match="beyond"):
        aggregate([Rater("p", "peer", {ISP: Answer(2, 6)})], [ISP])
    with pytest.raises(ValueError, match="unknown dimension"):
        aggregate([Rater("p", "peer", {"nope": Answer(2)})], [ISP])
    with pytest.raises(ValueError, match="twice"):
        aggregate([peer, peer], [ISP])
    with pytest.raises(ValueError, match="one self"):
        aggregate([Rater("a", "self", {}), Rater("b", "self", {})], [ISP])
    with pytest.raises(ValueError, match="target"):
        aggregate([peer], [ISP], targets={ISP: 5})
    with pytest.raises(ValueError, match="unknown dimensions"):
        aggregate([peer], [ISP], targets={LWC: 2})
    with pytest.raises(ValueError, match="unique"):
        aggregate([peer], [ISP, ISP])


def test_answers_are_read_only_and_accept_pairs():
    r = Rater("p", "peer", ((ISP, Answer(2)), (LWC, Answer(3))))
    assert r.answers[LWC] == Answer(3)
    with pytest.raises(TypeError):
        r.answers[ISP] = Answer(1)  # type: ignore[index]
    with pytest.raises(ValueError, match="two answers"):
        Rater("p", "peer", ((ISP, Answer(2)), (ISP, Answer(3))))


# ------------------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------------------

texts = st.text(alphabet="abc ", max_size=4)
# A few real words make distinct comments in the same cell common, so comment order is really exercised.
comments = st.none() | st.sampled_from(["good", "needs work", "ok"]) | texts
answers = st.builds(
    Answer,
    performance=st.none() | st.integers(1, 4),
    importance=st.none() | st.integers(1, 5),
    comment=comments,
)


def answer_maps(dims=DIMS4):
    # Optional keys: a dimension left out is "not observed", which the engine must treat like None.
    return st.fixed_dictionaries({}, optional={d: answers for d in dims})


SIZES = {"self": (0, 1), "line-manager": (0, 2), "peer": (0, 4), "direct-report": (0, 4), "other": (0, 4)}


@st.composite
def three_sixties(draw, dims=DIMS4, sizes=SIZES):
    """A random 360: every group from empty to just over its threshold (groups left out of `sizes`: none)."""
    raters = []
    for group in GROUPS:
        for _ in range(draw(st.integers(*sizes.get(group, (0, 0))))):
            raters.append(Rater(f"ID-SECRET-{len(raters)}", group, draw(answer_maps(dims))))
    return raters


@given(raters=three_sixties(), data=st.data())
def test_rater_order_never_matters(raters, data):
    shuffled = data.draw(st.permutations(raters))
    assert dumps(aggregate(shuffled, DIMS4)) == dumps(aggregate(raters, DIMS4))
    assert aggregate(shuffled, DIMS4) == aggregate(raters, DIMS4)


@given(raters=three_sixties())
def test_no_rater_id_is_ever_published(raters):
    assert "ID-SECRET" not in dumps(aggregate(raters, DIMS4))


@given(raters=three_sixties())
def test_all_others_is_exactly_the_published_cells_pooled(raters):
    """Differencing closure: "all others" can be recomputed from published cells, so it reveals nothing new."""
    report = aggregate(raters, DIMS4)
    for result in report.dimensions:
        shown = [c.stats for c in result.groups if c.group != "self" and not c.suppressed]
        others = result.others
        assert others.n == sum(s.n for s in shown)
        assert others.not_observed == sum(s.not_observed for s in shown)
        if others.n:
            assert others.mean * others.n == sum(s.mean * s.n for s in shown if s.n)
        if others.n >= 2:
            # Total sum of squares = within-cell + between-cell parts, all from published cell figures.
            ss = sum((s.n - 1) * (s.variance or 0) + s.n * (s.mean - others.mean) ** 2 for s in shown if s.n)
            assert others.variance == ss / (others.n - 1)
        weighted = [s for s in shown if s.importance_mean is not None]
        assert others.importance_n == sum(s.importance_n for s in weighted)
        if weighted:
            assert others.importance_mean * others.importance_n == sum(
                s.importance_mean * s.importance_n for s in weighted
            )
        assert not any(c.group not in {g.name for g in report.groups if g.visible} for c in result.groups)


@given(data=st.data())
def test_a_hidden_group_cannot_move_any_published_figure(data):
    """THE anonymity property: a group below threshold may answer anything, the report does not change."""
    hidden = data.draw(st.sampled_from(sorted(ANONYMOUS_GROUPS)), label="hidden group")
    threshold = data.draw(st.sampled_from([2, 3, 4]), label="threshold")
    config = Config(thresholds={hidden: threshold})
    count = data.draw(st.integers(1, threshold - 1), label="hidden raters")
    visible = [
        r for r in data.draw(three_sixties(), label="visible raters") if r.group != hidden
    ]

    def hidden_raters(tag):
        # New answers, comments and even ids on each draw; only the number of raters is kept.
        ids = data.draw(st.lists(texts, min_size=count, max_size=count, unique=True), label=f"{tag} ids")
        return [Rater(f"H-{tag}-{i}", hidden, data.draw(answer_maps(), label=f"{tag} answers")) for i in ids]

    first = aggregate(visible + hidden_raters("a"), DIMS4, config=config)
    second = aggregate(hidden_raters("b") + visible, DIMS4, config=config)
    assert dumps(first) == dumps(second)
    assert first == second
    assert not next(g for g in first.groups if g.name == hidden).visible


rated = st.builds(Answer, performance=st.integers(1, 4), importance=st.integers(1, 5), comment=comments)
loose = st.builds(Answer, performance=st.integers(1, 4), importance=st.none() | st.integers(1, 5), comment=comments)
# Per member and dimension: observed?, gave importance?, the answer kept when the cell is shown, and two
# alternative secrets (one per variant) for whatever the policy hides. A fixed shape keeps shrinking quick.
cell_entry = st.tuples(st.booleans(), st.booleans(), rated, loose, loose)


def _anonymous_answer(cells, k, i, variant, threshold):
    """Member i's answer on dimension k in the given variant (0 or 1)."""
    observed, weighted, kept, *secrets = cells[k][i]
    secret = secrets[variant]
    if sum(entry[0] for entry in cells[k]) < threshold:
        # A suppressed cell: anything may change except who observed (which fixes n and not_observed).
        return Answer(secret.performance if observed else None, secret.importance, secret.comment)
    importance = None
    if weighted:
        # Too few gave importance in this shown cell: their values are hidden, so they may change.
        too_few = sum(entry[1] for entry in cells[k]) < threshold
        hidden_value = secret.importance if secret.importance is not None else kept.importance
        importance = hidden_value if too_few else kept.importance
    return Answer(kept.performance if observed else None, importance, kept.comment)


@given(
    group=st.sampled_from(sorted(ANONYMOUS_GROUPS)),
    # Few other raters: they are not what this test varies.
    base=three_sixties(sizes={"self": (0, 1), "line-manager": (0, 1)}),
    cells=st.integers(3, 5).flatmap(
        lambda members: st.lists(
            st.lists(cell_entry, min_size=members, max_size=members), min_size=len(DIMS4), max_size=len(DIMS4)
        )
    ),
)
def test_a_suppressed_cell_cannot_move_any_published_figure(group, base, cells):
    """Cell-level suppression: a visible anonymous group's dimension answered by too few is invariant too.

    The pattern of who answered (which fixes n and not_observed) is kept; the answers in suppressed cells, and
    the importance values of shown cells where too few gave importance, differ between the two variants.
    """
    threshold = DEFAULT_THRESHOLDS[group]
    members = len(cells[0])

    def variant(v):
        return [
            Rater(f"g{i}", group, {d: _anonymous_answer(cells, k, i, v, threshold) for k, d in enumerate(DIMS4)})
            for i in range(members)
        ]

    first = aggregate(base + variant(0), DIMS4)
    second = aggregate(base + variant(1), DIMS4)
    assert dumps(first) == dumps(second)
    for k, d in enumerate(DIMS4):
        assert cell(first, d, group).suppressed == (sum(entry[0] for entry in cells[k]) < threshold)


@given(data=st.data())
def test_all_nine_dimensions(data):
    raters = data.draw(three_sixties(dims=HLM))
    report = aggregate(raters, HLM)
    assert [d["id"] for d in report.to_dict()["dimensions"]] == list(HLM)
    assert [p.dimension for p in report.radar] == list(HLM)
    assert report.overall.category in (None, *CATEGORIES)
