"""The 360 and the self-assessment name each dimension many times: ``referenced()`` gives each once,
exactly the references of ``references()``, and checking those once reports what checking every
mention reports."""

from __future__ import annotations

import datetime
from typing import Any

from competency_nine_dimension.feedback import Feedback360, RaterEntry
from competency_nine_dimension.self_assessment import SelfAssessment
from hypothesis import given
from hypothesis import strategies as st

from competency import CheckContext, EvidenceItem, Problem
from competency.evidence_io import _check_references
from competency.references import UnresolvedReference

AS_OF = datetime.date(2026, 11, 26)
DATE = datetime.date(2026, 5, 1)
HLM = "healthcare-leadership-model"

#: Keys as written in a file: bare and qualified dimensions, typos, other frameworks, odd text.
KEY = st.one_of(
    st.sampled_from([
        "leading-with-care", "engaging-the-team", f"{HLM}:leading-with-care", f"{HLM}:engaging-the-tem",
        "leading-with-cares", "other:leading-with-care", "collective-leadership:followership", "", ":",
    ]),
    st.text(alphabet="aegl-:", max_size=6),
)
ANSWERS = st.dictionaries(KEY, st.integers(1, 4), max_size=5)
RATER = st.builds(
    RaterEntry, id=st.sampled_from(["a", "b"]), group=st.sampled_from(["self", "peer"]),
    ratings=ANSWERS, importance=ANSWERS, comments=st.dictionaries(KEY, st.just("c"), max_size=3),
)
FEEDBACK = st.builds(Feedback360, id=st.just("f"), date=st.just(DATE), raters=st.lists(RATER, max_size=4).map(tuple))
SELF_ASSESSMENT = st.builds(
    SelfAssessment, id=st.just("s"), date=st.just(DATE),
    performance=ANSWERS, importance=ANSWERS, comments=st.dictionaries(KEY, st.just("c"), max_size=3),
)
ITEMS = st.one_of(FEEDBACK, SELF_ASSESSMENT)


def every_mention_checked(item: EvidenceItem, context: CheckContext) -> list[Problem]:
    """What validation reported before ``referenced()``: every mention resolved, in order."""
    found = []
    for path, reference in item.references():
        try:
            context.resolver.resolve(reference)
        except UnresolvedReference as exc:
            found.append(Problem(str(exc), path))
    return found


@given(ITEMS)
def test_referenced_names_exactly_the_references(item: EvidenceItem) -> None:
    assert set(item.referenced()) == {reference for _, reference in item.references()}


@given(ITEMS)
def test_each_reference_checked_once_reports_what_every_mention_checked_reports(engine: Any, item: EvidenceItem) -> None:
    context = CheckContext(engine.resolver, AS_OF)
    assert list(_check_references(item, context)) == every_mention_checked(item, context)
