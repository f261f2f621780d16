"""The default scorer's settings. Every number here is documented in docs/scoring.md."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

DAYS_PER_YEAR = 365.25


def _frozen(value: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(value))


#: How much one rater's judgement weighs: an appraiser or assessor more than a self-assessment.
RATER_WEIGHTS = {
    "self": 0.5,
    "supervisor": 1.5,
    "assessor": 1.5,
    "peer": 1.0,
    "direct-report": 1.0,
    "patient": 1.0,
    "other": 1.0,
}

#: Development credit (in scale points, before the cap) that one completed activity of a type earns.
ACTIVITY_CREDIT = {
    "course": 0.3,
    "mentoring": 0.3,
    "coaching": 0.3,
    "action-learning": 0.3,
    "qi-project": 0.4,
    "leadership-project": 0.4,
    "secondment": 0.4,
    "new-role": 0.4,
    "part-time-role": 0.4,
    "on-the-job": 0.25,
    "networking": 0.15,
    "self-directed-learning": 0.15,
    "reading": 0.1,
}

#: The share of its type's credit that an activity earns by how it ended.
OUTCOME_FACTOR = {"completed": 1.0, "attended": 0.75, "in-progress": 0.5, "withdrawn": 0.0}


@attrs.frozen
class ScoringConfig:
    """Settings of the default scorer; the defaults are the documented rules."""

    #: Evidence older than this is ignored and reported (the UK revalidation cycle).
    window_years: float = attrs.field(default=5.0, validator=attrs.validators.gt(0))
    #: Evidence loses half its weight every this many years.
    half_life_years: float = attrs.field(default=2.0, validator=attrs.validators.gt(0))
    #: Fewer independent sources than this gives "insufficient evidence" instead of a level.
    min_sources: int = attrs.field(default=2, validator=attrs.validators.ge(1))
    #: Development credit (activities, reflections) adds at most this much to a competency's score.
    credit_cap: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    rater_weights: Mapping[str, float] = attrs.field(default=RATER_WEIGHTS, converter=_frozen)
    activity_credit: Mapping[str, float] = attrs.field(default=ACTIVITY_CREDIT, converter=_frozen)
    outcome_factor: Mapping[str, float] = attrs.field(default=OUTCOME_FACTOR, converter=_frozen)
    #: Hours at which an activity earns its full credit; fewer hours earn proportionally less.
    full_credit_hours: float = 20.0
    #: The share of credit an activity earns when its hours are not given.
    unknown_hours_factor: float = 0.5
    #: The least share of credit a short activity earns.
    min_hours_factor: float = 0.25
    reflection_credit: float = 0.1
    attainment_credit: float = 0.3
    attainment_weight: float = 1.5

    def recency_factor(self, age_days: int) -> float:
        """The weight multiplier of evidence ``age_days`` old: halves every ``half_life_years``."""
        return float(0.5 ** (max(age_days, 0) / (self.half_life_years * DAYS_PER_YEAR)))

    def expired(self, age_days: int) -> bool:
        """Whether evidence of this age falls outside the window."""
        return age_days > self.window_years * DAYS_PER_YEAR

    def hours_factor(self, hours: float | None) -> float:
        """The share of an activity's credit earned by its length."""
        if hours is None:
            return self.unknown_hours_factor
        return min(1.0, max(self.min_hours_factor, hours / self.full_credit_hours))
