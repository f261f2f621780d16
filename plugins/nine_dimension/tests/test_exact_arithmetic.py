"""Exact integer arithmetic in the aggregation: rounding at exact halves, the two ways into the aggregation
agreeing, and the 360 kind's plain path agreeing with the general one (which names any problem)."""

from __future__ import annotations

import datetime
import json
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_nine_dimension import feedback, text
from competency_nine_dimension.aggregate import (
    ANONYMOUS_GROUPS,
    GROUPS,
    Answer,
    Config,
    GroupAnswers,
    Rater,
    _round,
    _round_sqrt,
    aggregate,
    aggregate_answers,
    aggregate_means,
)
from competency_nine_dimension.feedback import Feedback360, RaterEntry

DIMS = ("inspiring-shared-purpose", "leading-with-care", "evaluating-information")


# -- rounding ----------------------------------------------------------------------------------------


def reference_round(value: Fraction) -> float:
    """Half away from zero to 3 decimals, the slow way: in Fractions."""
    whole = math.floor(abs(value) * 1000 + Fraction(1, 2))
    return float(Fraction(whole if value >= 0 else -whole, 1000))


def reference_round_sqrt(value: Fraction) -> float:
    """The square root half-up to 3 decimals, through a 60-digit Decimal root."""
    with localcontext() as context:
        context.prec = 60
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
        return float(root.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(5, 16), 0.313),  # 0.3125: an exact half goes up ...
        (Fraction(-5, 16), -0.313),  # ... and away from zero below it
        (Fraction(1, 2000), 0.001),
        (Fraction(-1, 2000), -0.001),
        (Fraction(999, 2_000_000), 0.0),  # just below a half
        (Fraction(26745, 10000), 2.675),  # 2.6745: decided on the exact value, not on a binary neighbour
        (Fraction(-26745, 10000), -2.675),
        (Fraction(2, 3), 0.667),
        (Fraction(-1, 3), -0.333),
        (Fraction(7), 7.0),
        (Fraction(0), 0.0),
    ],
)
def test_round_is_exact_half_away_from_zero(value: Fraction, shown: float) -> None:
    assert _round(value) == shown
    assert _round(value) == reference_round(value)


def test_round_never_gives_negative_zero() -> None:
    tiny = _round(Fraction(-1, 3000))
    assert tiny == 0.0 and math.copysign(1.0, tiny) == 1.0
    assert json.dumps(tiny) == "0.0"
    assert _round(None) is None


@given(st.integers(-(10**30), 10**30), st.integers(1, 10**12))
def test_round_agrees_with_fraction_arithmetic(numerator: int, denominator: int) -> None:
    value = Fraction(numerator, denominator)
    assert _round(value) == reference_round(value)


@pytest.mark.parametrize(
    ("variance", "sd"),
    [
        (Fraction(1, 16), 0.25),  # a rational root stays exact
        (Fraction(1, 4_000_000), 0.001),  # sd 0.0005 exactly: a tie, rounded up
        (Fraction(100100025, 10**8), 1.001),  # sd 1.0005 exactly
        (Fraction(100100024, 10**8), 1.0),  # just below that tie
        (Fraction(1, 3), 0.577),
        (Fraction(2), 1.414),
        (Fraction(0), 0.0),
    ],
)
def test_sd_rounds_half_up_exactly(variance: Fraction, sd: float) -> None:
    assert _round_sqrt(variance) == sd
    assert _round_sqrt(variance) == reference_round_sqrt(variance)


@given(st.integers(0, 10**9), st.integers(1, 10**6))
def test_sd_agrees_with_a_decimal_root(numerator: int, denominator: int) -> None:
    variance = Fraction(numerator, denominator)
    assert _round_sqrt(variance) == reference_round_sqrt(variance)


# -- aggregate_answers is aggregate without Rater objects ------------------------------------------------------


answers = st.builds(
    Answer,
    performance=st.none() | st.integers(1, 4),
    importance=st.none() | st.integers(1, 5),
    comment=st.none() | st.sampled_from(["good", " good ", "   ", "ok"]),
)


@st.composite
def raters(draw: st.DrawFn) -> list[Rater]:
    found = []
    for group in GROUPS:
        for _ in range(draw(st.integers(0, 1 if group == "self" else 5))):
            mapping = draw(st.fixed_dictionaries({}, optional={d: answers for d in DIMS}))
            found.append(Rater(f"r{len(found)}", group, mapping))
    return draw(st.permutations(found))


def grouped(given_raters: list[Rater]) -> dict[str, GroupAnswers]:
    groups = {group: GroupAnswers() for group in GROUPS}
    for rater in given_raters:
        group = groups[rater.group]
        group.raters += 1
        for dim, answer in rater.answers.items():
            if answer.performance is not None:
                group.on(dim).ranks.append(answer.performance)
            if answer.importance is not None:
                group.on(dim).importances.append(answer.importance)
            if answer.comment is not None:
                group.on(dim).comments.append(answer.comment)
    return groups


@given(
    given_raters=raters(),
    thresholds=st.fixed_dictionaries({}, optional={g: st.integers(2, 4) for g in sorted(ANONYMOUS_GROUPS)}),
    targets=st.fixed_dictionaries({}, optional={d: st.integers(1, 4) for d in DIMS}),
)
def test_aggregate_answers_is_aggregate(given_raters: list[Rater], thresholds: dict[str, int], targets: dict[str, int]) -> None:
    config = Config(thresholds=thresholds, gap_threshold=0.5)
    expected = aggregate(given_raters, DIMS, config=config, targets=targets)
    found = aggregate_answers(grouped(given_raters), DIMS, config=config, targets=targets)
    assert found == expected
    assert json.dumps(found.to_dict()) == json.dumps(expected.to_dict())


@given(
    given_raters=raters(),
    thresholds=st.fixed_dictionaries({}, optional={g: st.integers(2, 4) for g in sorted(ANONYMOUS_GROUPS)}),
    min_other_raters=st.integers(1, 4),
)
def test_aggregate_means_is_what_the_report_publishes(
    given_raters: list[Rater], thresholds: dict[str, int], min_other_raters: int
) -> None:
    # The scorer's shortcut reads exactly the report's published means: the same status, the same cells
    # (a hidden group or a suppressed cell in neither), the same all-others mean, exactly.
    config = Config(thresholds=thresholds, min_other_raters=min_other_raters)
    report = aggregate_answers(grouped(given_raters), DIMS, config=config)
    means = aggregate_means(grouped(given_raters), DIMS, config=config)
    assert means == report.means()
    assert means.status == report.status
    for published, result in zip(means.dimensions, report.dimensions, strict=True):
        assert published.others == result.others.mean
        shown = {cell.group: cell.stats for cell in result.groups if not cell.suppressed}
        for cell in published.groups:
            assert cell.group != "self" and (cell.n, cell.mean) == (shown[cell.group].n, shown[cell.group].mean)


def test_aggregate_means_checks_as_aggregate_answers_does() -> None:
    with pytest.raises(ValueError, match="targets for unknown dimensions"):
        aggregate_means({}, DIMS, targets={"nope": 2})
    with pytest.raises(ValueError, match="level labels"):
        aggregate_means({}, DIMS, level_labels=("one",))
    with pytest.raises(ValueError, match="at least one dimension"):
        aggregate_means({}, ())


def test_aggregate_answers_takes_missing_groups_as_empty() -> None:
    only_peers = {"peer": grouped([Rater(f"p{i}", "peer", {DIMS[0]: Answer(i + 1)}) for i in range(3)])["peer"]}
    report = aggregate_answers(only_peers, DIMS[:1], config=Config(min_other_raters=3))
    assert [(g.name, g.raters) for g in report.groups] == [(g, 3 if g == "peer" else 0) for g in GROUPS]
    assert report.status == "ok" and report.dimensions[0].others.mean == 2


# -- the 360 kind: the plain path and the general path agree ---------------------------------------------


LEVELS = st.sampled_from(["essential", "proficient", "strong", "exemplary", "not-observed", 1, 2, 3, 4])


@st.composite
def documents(draw: st.DrawFn, nd: Any) -> dict[str, Any]:
    found = []
    for group in GROUPS:
        for _ in range(draw(st.integers(1 if group == "peer" else 0, 1 if group == "self" else 4))):
            dims = draw(st.lists(st.sampled_from(nd.DIMENSIONS), min_size=1, unique=True))
            qualified = draw(st.booleans())
            key = (lambda d: f"{nd.HLM}:{d}") if qualified else (lambda d: d)
            found.append(nd.rater(
                f"r{len(found)}", group,
                {key(d): draw(LEVELS) for d in dims},
                {key(d): draw(st.integers(1, 5)) for d in draw(st.lists(st.sampled_from(nd.DIMENSIONS), unique=True))},
                {key(d): draw(st.sampled_from(["good", " spaced ", "ok"])) for d in draw(st.lists(st.sampled_from(nd.DIMENSIONS), max_size=2, unique=True))},
            ))
    role = draw(st.sampled_from(["gp", "practice-nurse", None]))
    return nd.document(nd.three_sixty(*draw(st.permutations(found))), role=role)


def both_reports(item: Feedback360, context: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The report by the plain path, and by the general one (answer_groups declining)."""
    plain = item._build_report(context)
    with monkeypatch.context() as patch:
        patch.setattr(Feedback360, "answer_groups", lambda self, scale, dims, points: None)
        general = item._build_report(context)
    return plain, general


@given(data=st.data())
def test_plain_and_general_paths_agree(engine: Any, nd: Any, data: st.DataObject) -> None:
    from competency import ScoringConfig, ScoringContext

    document = data.draw(documents(nd))
    evidence = engine.load_evidence(document, as_of=nd.AS_OF)
    context = ScoringContext(engine.resolver, nd.AS_OF, ScoringConfig(), evidence.subject.role)
    (item,) = evidence.evidence
    assert item.answer_groups(engine.framework(nd.HLM).scale, nd.DIMENSIONS) is not None
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain, general = both_reports(item, context, monkeypatch)
    assert plain == general
    assert json.dumps(plain[1].to_dict()) == json.dumps(general[1].to_dict())
    # What the scorer reads: the same means and contributions by either path, and those of the report.
    assert plain is not None
    with pytest.MonkeyPatch.context() as monkeypatch:
        plain_inputs = item._read_inputs(context)
        plain_contributions = list(item.contributions(context))
        monkeypatch.setattr(Feedback360, "answer_groups", lambda self, scale, dims, points: None)
        general_inputs = item._read_inputs(context)
        monkeypatch.setattr(feedback, "_RECENT_INPUTS", {})
        general_contributions = list(item.contributions(context))
    assert plain_inputs is not None and general_inputs is not None
    assert plain_inputs.groups is not None and general_inputs.groups is None
    assert plain_inputs.means == general_inputs.means == plain[1].means()
    assert plain_contributions == general_contributions


def unchecked(*entries: RaterEntry) -> Feedback360:
    """A 360 built directly, as the engine never would: nothing has checked it."""
    return Feedback360(id="x", date=datetime.date(2026, 5, 1), raters=entries)


def scoring_context(engine: Any) -> Any:
    from competency import ScoringConfig, ScoringContext

    return ScoringContext(engine.resolver, datetime.date(2026, 11, 26), ScoringConfig(), "gp")


def peer(rater_id: str = "p", group: Any = "peer", **tables: Any) -> RaterEntry:
    return RaterEntry(id=rater_id, group=group, ratings=tables.pop("ratings", {DIMS[0]: 2}), **tables)


@pytest.mark.parametrize(
    ("entries", "error"),
    [
        ([peer(importance={DIMS[0]: 0})], "importance must be at least 1"),
        ([peer(importance={DIMS[0]: 6})], "beyond the 5-point scale"),
        ([peer(ratings={DIMS[0]: "bogus"})], "is not a level"),
        ([peer(ratings={DIMS[0]: 9})], "is not on the scale"),
        ([peer(ratings={"no-such-dimension": 2})], "unknown dimension"),
        ([peer("")], "non-empty string"),
        ([peer("a", "self"), peer("b", "self")], "at most one self rater"),
        ([peer("a"), peer("a")], "appears twice"),
    ],
)
def test_an_unchecked_item_fails_as_it_always_has(engine: Any, entries: list[RaterEntry], error: str) -> None:
    item = unchecked(*entries)
    assert item.answer_groups(engine.framework("healthcare-leadership-model").scale, DIMS) is None
    with pytest.raises(ValueError, match=error):
        list(item.contributions(scoring_context(engine)))


def test_two_keys_for_one_dimension_take_the_general_path(engine: Any, nd: Any) -> None:
    # The check refuses this; built directly, the last key wins, as Feedback360.aggregate_raters has it.
    ratings = {DIMS[0]: 1, f"{nd.HLM}:{DIMS[0]}": 4}
    item = unchecked(RaterEntry(id="m", group="line-manager", ratings=ratings))
    assert item.answer_groups(engine.framework(nd.HLM).scale, nd.DIMENSIONS) is None
    built = item.report(scoring_context(engine))
    assert built is not None
    (manager,) = built[1].dimension(DIMS[0]).groups  # the only visible group
    assert (manager.group, manager.stats.mean) == ("line-manager", 4)


# -- text ------------------------------------------------------------------------------------------------


def test_number_of_zero_is_never_signed() -> None:
    assert [text.number(-0.0), text.number(0.0), text.number(-0.0, signed=True), text.number(-0.004, signed=True)] == [
        "0.00", "0.00", "0.00", "0.00"
    ]
    assert (text.number(2), text.number(2.0), text.number(2.675), text.number(None)) == ("2.00", "2.00", "2.68", "-")


@given(st.text())
def test_printable_text_skips_the_terminal_pass_safely(value: str) -> None:
    from competency.exporters.text_exporter import terminal_safe

    assert text._safe(value) == terminal_safe(value)


def test_control_characters_are_still_made_visible() -> None:
    assert text.wrap("a\x1b[2Jb\tc") == ["a\\x1b[2Jb c"]


def test_feedback_module_uses_the_plain_path_for_checked_items(engine: Any, nd: Any) -> None:
    evidence = engine.load_evidence(nd.GP_EXAMPLE, as_of=nd.AS_OF)
    (item,) = [i for i in evidence.evidence if isinstance(i, feedback.Feedback360)]
    assert item.answer_groups(engine.framework(nd.HLM).scale, nd.DIMENSIONS) is not None


# -- reading levels: the table agrees with performance_rank ---------------------------------------------


LEVEL_IDS = ["essential", "proficient", "strong", "exemplary"]
ANSWERS = st.one_of(
    st.sampled_from([*LEVEL_IDS, "not-observed", "insufficient", "Strong", "", "strong "]),
    st.text(max_size=12),
    st.integers(-2, 7),
    st.booleans(),
    st.floats(allow_nan=False),
    st.none(),
)


def outcome(read: Any, value: object) -> tuple[str, object]:
    try:
        return "rank", read(value)
    except ValueError as exc:
        return "error", str(exc)


@given(
    ids=st.lists(st.sampled_from([*LEVEL_IDS, "not-observed", "insufficient"]), min_size=2, max_size=5),
    extra=st.sampled_from(["not-observed", "insufficient"]),
    values=st.lists(ANSWERS, max_size=10),
)
def test_rank_reader_is_performance_rank(ids: list[str], extra: str, values: list[object]) -> None:
    # Any scale (repeated ids, a level named like ``extra``) and any answer: the same rank or the same error.
    from competency import Level, Scale

    from competency_nine_dimension.dimensions import performance_rank, rank_reader

    scale = Scale(levels=tuple(Level(id=i, label=i.title()) for i in ids), proficient=ids[0])
    read = rank_reader(scale, extra=extra)
    for value in values:
        assert outcome(read, value) == outcome(lambda v: performance_rank(scale, v, extra=extra), value)
