"""``360``: one person's 360° feedback round on the Healthcare Leadership Model.

The format is documented in docs/360-format.md. The engine's strict converter structures an item (exact
TOML types, unknown keys rejected, every error located); :meth:`Feedback360.check` adds what types cannot
say (levels on the scale, importance 1-5, one self rater, unique rater ids, thresholds not below their
floor). The figures come from :func:`competency_nine_dimension.aggregate.aggregate_answers` (or, for an item
nothing has checked, :func:`~competency_nine_dimension.aggregate.aggregate`, which names what is wrong), which
enforces the anonymity policy (docs/360-aggregation.md); everything this module publishes is read from its
:class:`~competency_nine_dimension.aggregate.Report` (the analysis) or from the part of it the scorer needs,
:class:`~competency_nine_dimension.aggregate.Means` (the contributions, from
:func:`~competency_nine_dimension.aggregate.aggregate_means`, which is ``Report.means()`` without the rest of
the report), so nothing here can see a hidden group's answers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

import attrs

from competency import (
    Analysis,
    AnalysisContent,
    CheckContext,
    ConfigurationError,
    Contribution,
    DatedItem,
    LevelValue,
    Problem,
    ScoringContext,
)
from competency.structuring import describe

from .aggregate import (
    ANONYMOUS_GROUPS,
    DEFAULT_THRESHOLDS,
    GROUPS,
    MIN_ANONYMOUS_THRESHOLD,
    STATUS_OK,
    Answer,
    Config,
    DimensionAnswers,
    GroupAnswers,
    Means,
    Rater,
    Report,
    aggregate,
    aggregate_answers,
    aggregate_means,
)
from .aggregate import _round as published_figure
from .dimensions import (
    FRAMEWORK,
    NOT_OBSERVED,
    answer_problems,
    dimension_id,
    dimensions,
    empty_mapping,
    environment_thresholds,
    framework_of,
    performance_rank,
    qualify,
    rank_reader,
    threshold_floor_message,
)
from .figures import feedback_charts, feedback_tables
from .text import GROUP_NAMES, feedback_lines, number

if TYPE_CHECKING:
    from competency import Framework, Scale

Group = Literal["self", "line-manager", "peer", "direct-report", "other"]
V = TypeVar("V")

#: The weight of the published "all others" mean as a judgement in the default scorer: a pooled view of
#: several colleagues counts for more than one rater (a supervisor's rating weighs 1.5, docs/scoring.md S1).
OTHERS_WEIGHT = 2.0
#: (item, context) -> the aggregation's inputs, for the few most recent items (see Feedback360._inputs).
_RECENT_INPUTS: dict[tuple[int, int], tuple[Any, Any, Any]] = {}
_RECENT_LOCK = threading.Lock()
#: The weight of a self rating when the scorer's settings name none (its ``rater_weights["self"]``).
SELF_WEIGHT = 0.5
#: The source of self judgements: the same as a self ``rating``, so the subject counts as one source.
SELF_SOURCE = "rater:self"


@attrs.frozen(kw_only=True)
class RaterEntry:
    """One rater's answers: ``ratings`` (dimension = level id, rank or ``not-observed``), ``importance``
    (dimension = 1..5) and ``comments`` (dimension = text)."""

    id: str
    group: Group
    ratings: Mapping[str, LevelValue]
    importance: Mapping[str, int] = attrs.field(factory=empty_mapping)
    comments: Mapping[str, str] = attrs.field(factory=empty_mapping)


@attrs.frozen(kw_only=True)
class Feedback360(DatedItem):
    """A 360° feedback round: raters in groups, each rating the nine dimensions and their importance."""

    kind: ClassVar[str] = "360"
    summary: ClassVar[str] = "360° feedback on the Healthcare Leadership Model, with rater anonymity enforced"

    raters: tuple[RaterEntry, ...]
    facilitator: str | None = None
    thresholds: Mapping[Group, int] = attrs.field(factory=empty_mapping)
    gap_threshold: float | None = None

    # -- what the engine asks -------------------------------------------------------------------

    def references(self) -> Iterator[tuple[str, str]]:
        """Every dimension named, qualified: a bare id in a 360 always means the model's dimension."""
        for index, rater in enumerate(self.raters):
            for section in ("ratings", "importance", "comments"):
                prefix = f"raters[{index}].{section}."
                for key in getattr(rater, section):
                    yield prefix + key, qualify(key)

    def referenced(self) -> set[str]:
        """The dimensions named, each once, qualified (every rater names the same few, three times)."""
        keys: set[str] = set()
        for rater in self.raters:
            keys.update(rater.ratings, rater.importance, rater.comments)
        return {qualify(key) for key in keys}

    def check(self, context: CheckContext) -> Iterator[Problem]:
        if self.facilitator is not None and not self.facilitator.strip():
            yield Problem("must not be empty: name the facilitator or leave the key out", "facilitator")
        for group, value in self.thresholds.items():
            floor = MIN_ANONYMOUS_THRESHOLD if group in ANONYMOUS_GROUPS else 1
            if value < floor:
                yield Problem(threshold_floor_message(group, value, floor), f"thresholds.{group}")
        if self.gap_threshold is not None and self.gap_threshold < 0:
            yield Problem(f"{self.gap_threshold:g} is negative: a gap threshold is 0 or more", "gap_threshold")
        try:
            environment_thresholds(context.env)
        except ConfigurationError as exc:
            yield Problem(str(exc))
        if not self.raters:
            yield Problem("is empty: a 360 needs at least one rater", "raters")
        framework = framework_of(context)
        first_id: dict[str, int] = {}
        first_self: int | None = None
        for index, rater in enumerate(self.raters):
            path = f"raters[{index}]"
            if not rater.id.strip():
                yield Problem("must not be empty", f"{path}.id")
            elif rater.id in first_id:
                yield Problem(f"duplicate rater id {describe(rater.id)} (first used by raters[{first_id[rater.id]}])", f"{path}.id")
            first_id.setdefault(rater.id, index)
            if rater.group == "self":
                if first_self is not None:
                    yield Problem(f"a second self rater (the first is raters[{first_self}]): a 360 has at most one", f"{path}.group")
                else:
                    first_self = index
            yield from self._check_answers(rater, path, framework, context)

    @staticmethod
    def _check_answers(rater: RaterEntry, path: str, framework: Framework | None, context: CheckContext) -> Iterator[Problem]:
        if not rater.ratings:
            yield Problem(f'is empty: rate at least one dimension (a level, its rank, or "{NOT_OBSERVED}")', f"{path}.ratings")
        yield from answer_problems(
            rater.ratings, rater.importance, rater.comments,
            (f"{path}.ratings", f"{path}.importance", f"{path}.comments"),
            extra=NOT_OBSERVED, framework=framework, context=context,
        )

    def contributions(self, context: ScoringContext) -> Iterator[Contribution]:
        """Per dimension, the published "all others" figure, as one judgement per published group.

        Each shown non-self group's mean is weighted by its share of the answers, so the weighted mean
        the scorer takes is exactly the pooled all-others mean the report shows, and every shown group
        counts as an independent source. Only published cells are read, so no contribution can depend
        on a hidden group; nothing at all when the report has too few raters. The self rating is the
        subject's own view: it feeds the blind-spot analysis, never the level.
        """
        inputs = self._inputs(context)
        if inputs is None:
            return
        means = inputs.means
        if means.status != STATUS_OK:
            return
        framework = inputs.framework
        note = ""  # read only in trails (ScoringContext.trails)
        for dimension in means.dimensions:
            cells = dimension.groups
            answers = sum(cell.n for cell in cells)
            if not answers or dimension.others is None:
                continue
            if context.trails:
                shown = ", ".join(GROUP_NAMES.get(cell.group, cell.group) for cell in cells)
                note = f"360: all others {number(published_figure(dimension.others))} (n {answers}; {shown})"
            competency = framework.qualified(dimension.id)
            for cell in cells:
                yield Contribution(
                    competency=competency,
                    evidence=self.id,
                    source=f"360:{self.id}:{cell.group}",
                    date=self.date,
                    value=float(cell.mean),
                    weight=OTHERS_WEIGHT * cell.n / answers,
                    note=note,
                )

    def analyse(self, context: ScoringContext) -> Analysis | None:
        inputs = self._inputs(context)
        if inputs is None:
            return None
        role = context.role

        def build() -> AnalysisContent:
            # The full report is aggregated only now, when the analysis is first read (a cohort never does).
            data = _analysis_data(self, inputs.framework, inputs.report(), role)
            return AnalysisContent(data, tuple(feedback_lines(data)), feedback_tables(data), feedback_charts(data))

        return Analysis(
            kind=self.kind,
            evidence=self.id,
            title=f"360° feedback on the Healthcare Leadership Model, closed {self.date.isoformat()}",
            build=build,
            status=inputs.means.status,
            date=self.date,
        )

    # -- helpers for the plugin and its users ----------------------------------------------------

    def effective_thresholds(self, environ: Mapping[str, str] | None = None) -> dict[str, int]:
        """Each group's minimum rater count: the file's (or the default), raised by the environment.

        Raises :class:`competency.ConfigurationError` if ``COMPETENCY_360_THRESHOLDS`` is invalid.
        """
        raised = environment_thresholds(environ)
        merged = {}
        for group in GROUPS:
            base = self.thresholds.get(group, DEFAULT_THRESHOLDS[group])  # type: ignore[call-overload]
            merged[group] = max(base, raised.get(group, base))
        return merged

    def aggregate_raters(self, scale: Scale) -> tuple[Rater, ...]:
        """The raters as the aggregation takes them (a valid item only): ranks, importances, comments."""
        out = []
        for rater in self.raters:
            answers: dict[str, dict[str, Any]] = {}
            for key, value in rater.ratings.items():
                rank = performance_rank(scale, value, extra=NOT_OBSERVED)
                answers.setdefault(dimension_id(key), {})["performance"] = rank
            for key, importance in rater.importance.items():
                answers.setdefault(dimension_id(key), {})["importance"] = importance
            for key, text in rater.comments.items():
                answers.setdefault(dimension_id(key), {})["comment"] = text
            out.append(Rater(rater.id, rater.group, {d: Answer(**a) for d, a in answers.items()}))
        return tuple(out)

    def report(self, context: ScoringContext) -> tuple[Framework, Report] | None:
        """The aggregated, anonymity-enforcing report (None if the model is not in scope)."""
        inputs = self._inputs(context)
        return None if inputs is None else (inputs.framework, inputs.report())

    def _inputs(self, context: ScoringContext) -> _Inputs | None:
        """What the aggregation takes (None if the model is not in scope).

        The scorer asks twice (contributions, then analysis) with the same item and context; reading
        the answers is the costly part, so the last few answers are kept.
        """
        key = (id(self), id(context))
        hit = _RECENT_INPUTS.get(key)
        if hit is not None and hit[0] is self and hit[1] is context:
            cached: _Inputs | None = hit[2]
            return cached
        built = self._read_inputs(context)
        with _RECENT_LOCK:  # items may be scored by several threads: one inserts while another drops
            _RECENT_INPUTS[key] = (self, context, built)  # holding both keeps their ids from being reused
            while len(_RECENT_INPUTS) > 16:
                _RECENT_INPUTS.pop(next(iter(_RECENT_INPUTS)))
        return built

    def answer_groups(
        self, scale: Scale, dims: tuple[str, ...], importance_points: int = Config().importance_points
    ) -> dict[str, GroupAnswers] | None:
        """The raters' answers grouped as :func:`aggregate_answers` takes them, or None when anything in them
        is not plainly valid, which a checked item never is: :meth:`aggregate_raters` and :func:`aggregate`
        then name the problem, exactly as they always have. A group with raters has a place for every
        dimension, empty where none of them answered (which the aggregation reads as no answers)."""
        groups = {group: GroupAnswers() for group in GROUPS}
        known = frozenset(dims)
        bare = not any(":" in dim for dim in dims)  # then a known key is its own dimension id
        ids: set[str] = set()
        read = rank_reader(scale, extra=NOT_OBSERVED)
        try:
            for rater in self.raters:
                if not isinstance(rater.id, str) or not rater.id or rater.id in ids or rater.group not in groups:
                    return None
                ids.add(rater.id)
                ratings = _by_dimension(rater.ratings, known, bare)
                importances = _by_dimension(rater.importance, known, bare)
                comments = _by_dimension(rater.comments, known, bare)
                if ratings is None or importances is None or comments is None:
                    return None
                answers = groups[rater.group]
                if not answers.raters:
                    # Every dimension at once (the tables' keys are all known ones): an empty one reads as
                    # a missing one, and each answer is then filed without asking whether its place exists.
                    answers.by_dimension = {dim: DimensionAnswers() for dim in dims}
                answers.raters += 1
                by_dimension = answers.by_dimension
                for dim, value in ratings:
                    rank = read(value)  # ValueError if off the scale
                    if rank is not None:
                        by_dimension[dim].ranks.append(rank)
                for dim, importance in importances:
                    if type(importance) is not int or not 1 <= importance <= importance_points:
                        return None
                    by_dimension[dim].importances.append(importance)
                for dim, text in comments:
                    if not isinstance(text, str):
                        return None
                    by_dimension[dim].comments.append(text)
        except (AttributeError, TypeError, ValueError):
            return None
        return groups if groups["self"].raters <= 1 else None

    def _build_report(self, context: ScoringContext) -> tuple[Framework, Report] | None:
        """The report, aggregated afresh (:meth:`report` keeps the answers it reads)."""
        inputs = self._read_inputs(context)
        return None if inputs is None else (inputs.framework, inputs.report())

    def _read_inputs(self, context: ScoringContext) -> _Inputs | None:
        framework = framework_of(context)
        if framework is None:
            return None
        scale = framework.scale
        dims = dimensions(framework)
        config = Config(
            thresholds=self.effective_thresholds(context.env),
            gap_threshold=self.gap_threshold,
            scale_points=scale.top,
        )
        groups = self.answer_groups(scale, dims, config.importance_points)
        role = framework.role(context.role) if context.role else None
        targets = {}
        if role is not None:
            for dim, level in role.targets.items():
                rank = scale.rank(level)
                if dim in dims and rank is not None:
                    targets[dim] = rank
        labels = tuple(lv.label for lv in scale.levels)
        if groups is not None:
            means = aggregate_means(groups, dims, config=config, targets=targets, level_labels=labels)
            return _Inputs(framework, means, groups, dims, config, targets, labels)
        # Anything not plainly valid takes the general path, which raises just as it always has.
        raters = self.aggregate_raters(scale)
        report = aggregate(raters, dims, config=config, targets=targets, level_labels=labels)
        return _Inputs(framework, report.means(), None, dims, config, targets, labels, report)


@attrs.frozen
class _Inputs:
    """What one 360 gives in one context: the published means, all the scorer reads, and what the full
    report is aggregated from when the analysis is shown: the answers grouped, or None when they took the
    general path, which has built the report (``general``) at once, raising on anything invalid."""

    framework: Framework
    means: Means
    groups: Mapping[str, GroupAnswers] | None
    dims: tuple[str, ...]
    config: Config
    targets: Mapping[str, int]
    labels: tuple[str, ...]
    general: Report | None = None

    def report(self) -> Report:
        """The whole report."""
        if self.groups is None:
            assert self.general is not None
            return self.general
        return aggregate_answers(self.groups, self.dims, config=self.config, targets=self.targets, level_labels=self.labels)


def _by_dimension(table: Mapping[str, V], known: frozenset[str], bare: bool) -> Iterable[tuple[str, V]] | None:
    """A rater's table keyed by dimension id; None if a key is not a known dimension or two keys name the
    same one (an Answer holds one value per dimension: :meth:`Feedback360.aggregate_raters` keeps the last).
    ``bare``: no known dimension id has a ``:``, so a key that is one is its own id."""
    if bare and known.issuperset(table):
        # The usual case, every key a bare dimension id: the keys of a table all differ, so does each id.
        return table.items()
    entries = [(dimension_id(key), value) for key, value in table.items()]
    if len({dim for dim, _ in entries} & known) != len(entries):
        return None
    return entries


def _analysis_data(item: Feedback360, framework: Framework, report: Report, role_id: str | None) -> dict[str, Any]:
    """The report's own dictionary, with what a reader needs to draw it without recomputing anything."""
    data = report.to_dict()
    scale = framework.scale
    titles = {c.id: c.title for c in framework.competencies}
    role = framework.role(role_id) if role_id else None

    def label(rank: int | None) -> str | None:
        return None if rank is None else scale.level(rank).label

    dims = []
    for entry in data["dimensions"]:
        dims.append({
            "id": entry["id"],
            "title": titles[entry["id"]],
            **{k: v for k, v in entry.items() if k != "id"},
            "self_label": label(entry["self"]),
            "target_label": label(entry["target"]),
        })
    radar = [
        {**point, "title": titles[point["dimension"]], "self_label": label(point["self"]),
         "target_label": label(point["target"])}
        for point in data["radar"]
    ]
    data.update({"dimensions": dims, "radar": radar})
    data.update({
        "evidence": item.id,
        "date": item.date.isoformat(),
        "facilitator": item.facilitator,
        "framework": {"id": framework.id, "title": framework.title, "version": framework.version},
        "role": role_id,
        "role_title": role.title if role else None,
        # Without a role profile every dimension's target is Proficient (docs/360-aggregation.md).
        "targets_from": "role-profile" if role else "default",
        "contributes_to_scores": report.status == STATUS_OK,
        "min_other_raters": attrs.fields(Config).min_other_raters.default,
        "levels": [{"rank": i, "id": lv.id, "label": lv.label} for i, lv in enumerate(scale.levels, start=1)],
        "importance_scale": {"minimum": 1, "maximum": 5, "labels": {"1": "not important", "5": "essential to the role"}},
        "radar_chart": {
            "title": "Self, all others and target by dimension",
            "axes": [titles[p["dimension"]] for p in data["radar"]],
            "minimum": 1,
            "maximum": scale.top,
            "levels": [lv.label for lv in scale.levels],
            "series": [
                {"name": "self", "values": [p["self"] for p in data["radar"]]},
                {"name": "all others", "values": [p["others"] for p in data["radar"]]},
                {"name": "target", "values": [p["target"] for p in data["radar"]]},
            ],
        },
    })
    return data


__all__ = ["Feedback360", "RaterEntry", "OTHERS_WEIGHT", "SELF_WEIGHT", "SELF_SOURCE", "FRAMEWORK"]
