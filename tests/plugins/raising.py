"""A sample plugin whose exporter hook raises; its check hook works."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from competency import CheckContext, EvidenceCheck, EvidenceFile, Exporter, Problem, hookimpl


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    raise RuntimeError("the exporter plugin is broken")


def _no_ids_with_x(evidence: EvidenceFile, context: CheckContext) -> Iterator[Problem]:
    for index, item in enumerate(evidence.evidence):
        if "x" in item.id:
            yield Problem("contains an x", f"evidence[{index}].id", severity="warning")


@hookimpl
def register_checks(register: Callable[[EvidenceCheck], None]) -> None:
    register(EvidenceCheck("no-x", "warns about ids with an x", _no_ids_with_x))
