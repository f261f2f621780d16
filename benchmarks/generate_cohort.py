"""Generate a realistic cohort of evidence files: ratings, activities and reflections for everyone,
a 360 on the Healthcare Leadership Model for about a third, QI projects for about a quarter.

    .venv/bin/python benchmarks/generate_cohort.py DIR --files 10000 [--bad 0]

The 360s and QI projects are the plugins' shipped examples (plugins/*/examples/) varied per person:
new ids and dates, every rater's answers redrawn, a different number of raters, measure values
jittered. Sizes follow the examples: about 4 KiB of core evidence, 7-12 KiB with a 360, 9-15 KiB with a
QI project. ``--bad N`` corrupts N of the files in different ways (syntax, types, unknown keys,
binary junk), for testing that a cohort run lists them and carries on.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import random
import sys
from pathlib import Path
from typing import Any

import tomli
import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, competency_ids, evidence_file  # noqa: E402

AS_OF = datetime.date(2026, 11, 26)
#: Roles and how common they are in a primary care training hub's cohort.
ROLES = {
    "gp": 30,
    "practice-nurse": 22,
    "practice-manager": 10,
    "reception-clerical": 18,
    "allied-health": 8,
    "clinical-pharmacist": 8,
    "qi-lead": 4,
}
HLM_EXAMPLE = ROOT / "plugins" / "nine_dimension" / "examples" / "gp-partner-360.toml"
QI_EXAMPLE = ROOT / "plugins" / "qi_skills" / "examples" / "practice-nurse-qi.toml"
LEVELS = ("essential", "proficient", "strong", "exemplary")


def _templates() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with HLM_EXAMPLE.open("rb") as handle:
        feedback = tomli.load(handle)["evidence"][0]
    with QI_EXAMPLE.open("rb") as handle:
        projects = [e for e in tomli.load(handle)["evidence"] if e["kind"] == "qi-project"]
    return feedback, projects


def _shift(value: Any, days: int) -> Any:
    """Every date inside ``value`` moved by ``days``."""
    if isinstance(value, datetime.date):
        return value + datetime.timedelta(days=days)
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    return value


def _feedback(template: dict[str, Any], rng: random.Random, person: int) -> dict[str, Any]:
    item = copy.deepcopy(template)
    item["id"] = f"hlm-360-{person}"
    item["date"] = AS_OF - datetime.timedelta(days=rng.randint(20, 1200))
    others = [r for r in item["raters"] if r["group"] != "self"]
    chosen = [r for r in item["raters"] if r["group"] == "self"] + rng.sample(others, rng.randint(4, len(others)))
    bias = rng.choice((-1, 0, 0, 1))
    for index, rater in enumerate(chosen):
        rater["id"] = f"r-{index + 1:02d}"
        for dimension in rater["ratings"]:
            if rng.random() < 0.08:
                rater["ratings"][dimension] = "not-observed"
            else:
                rater["ratings"][dimension] = LEVELS[max(0, min(3, rng.randint(0, 3) + bias))]
        for dimension in rater.get("importance", {}):
            rater["importance"][dimension] = rng.randint(2, 5)
    item["raters"] = chosen
    return item


def _project(templates: list[dict[str, Any]], rng: random.Random, person: int, number: int) -> dict[str, Any]:
    item = copy.deepcopy(rng.choice(templates))
    latest = max(d for d in _dates(item))
    item = _shift(item, (AS_OF - latest).days - rng.randint(30, 1000))
    item["id"] = f"qi-{person}-{number}"
    item["role"] = rng.choice(("led", "member", "member", "sponsor"))
    for measure in item.get("measures", []):
        for point in measure["points"]:
            point["value"] = round(point["value"] * rng.uniform(0.85, 1.15), 1)
    return item


def _dates(value: Any) -> list[datetime.date]:
    if isinstance(value, datetime.date):
        return [value]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return []


def person_file(index: int, rng: random.Random, tops: list[str], leaves: list[str], feedback: dict[str, Any], projects: list[dict[str, Any]]) -> str:
    """One person's evidence file as TOML text."""
    document = tomli.loads(evidence_file(index, rng, tops, leaves))
    document["subject"]["role"] = rng.choices(list(ROLES), weights=list(ROLES.values()))[0]
    if rng.random() < 0.35:
        document["evidence"].append(_feedback(feedback, rng, index))
    if rng.random() < 0.25:
        for number in range(rng.choice((1, 1, 1, 2))):
            document["evidence"].append(_project(projects, rng, index, number))
    return tomli_w.dumps(document)


_CORRUPTIONS = (
    lambda text: text.replace("[subject]", "[subject", 1),  # a syntax error
    lambda text: text.replace('kind = "rating"', 'kind = "ratin"', 1),  # an unknown kind
    lambda text: text.replace("\n", "\nsurprise = 1\n", 1),  # an unknown key
    lambda text: text.replace("rater = ", "rater = 7 #", 1),  # a wrong type
    lambda text: "\x00\x01junk",  # not text at all
    lambda text: "",  # empty
    lambda text: text.replace("2024-", "2099-", 1),  # a date in the future
)


def generate(folder: Path, count: int, *, bad: int = 0, seed: int = 20261126) -> list[Path]:
    """Write ``count`` files into ``folder`` (kept if already there with the same count and seed)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / ".generated"
    key = f"{count} {bad} {seed}\n"
    paths = [folder / f"{index // 1000:02d}" / f"person-{index:05d}.toml" for index in range(count)]
    if stamp.exists() and stamp.read_text() == key and all(p.exists() for p in paths):
        return paths
    rng = random.Random(seed)
    tops, leaves = competency_ids()
    feedback, projects = _templates()
    corrupt = set(rng.sample(range(count), bad)) if bad else set()
    for index, path in enumerate(paths):
        path.parent.mkdir(exist_ok=True)
        text = person_file(index, rng, tops, leaves, feedback, projects)
        if index in corrupt:
            text = _CORRUPTIONS[index % len(_CORRUPTIONS)](text)
        path.write_text(text, encoding="utf-8")
    stamp.write_text(key)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--bad", type=int, default=0)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args()
    paths = generate(args.folder, args.files, bad=args.bad, seed=args.seed)
    sizes = [p.stat().st_size for p in paths]
    print(f"{len(paths)} files in {args.folder}, average {sum(sizes) / len(sizes) / 1024:.1f} KiB, largest {max(sizes) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
