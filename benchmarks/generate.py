"""Generate synthetic, realistic evidence files against the collective-leadership framework."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parent.parent
RATERS = ("self", "supervisor", "peer", "direct-report", "assessor")
TYPES = ("course", "mentoring", "coaching", "action-learning", "qi-project", "on-the-job", "reading")
ROLES = ("gp", "practice-nurse", "practice-manager", "reception-clerical")


def competency_ids() -> tuple[list[str], list[str]]:
    """(top-level ids, indicator ids) of the shipped collective-leadership framework."""
    data = tomli.loads((ROOT / "frameworks" / "collective_leadership.toml").read_text(encoding="utf-8"))
    tops = [c["id"] for c in data["competencies"] if "parent" not in c]
    leaves = [c["id"] for c in data["competencies"] if "parent" in c]
    return tops, leaves


def evidence_file(index: int, rng: random.Random, tops: list[str], leaves: list[str]) -> str:
    """One person's evidence: a dozen ratings, activities and reflections over four years."""
    lines = [f'[subject]\nid = "p-{index:05d}"\nname = "Person {index}"\nrole = "{rng.choice(ROLES)}"\n']
    start = datetime.date(2022, 12, 1)
    for item in range(rng.randint(8, 16)):
        date = start + datetime.timedelta(days=rng.randint(0, 1400))
        kind = rng.choice(("rating", "rating", "activity", "reflection"))
        lines.append(f'[[evidence]]\nid = "e{item}"\nkind = "{kind}"')
        if kind == "rating":
            rater = rng.choice(RATERS)
            lines.append(f'date = {date.isoformat()}\nrater = "{rater}"\nrater_id = "r{rng.randint(1, 6)}"\n[evidence.ratings]')
            for comp in rng.sample(tops, rng.randint(3, len(tops))):
                lines.append(f"{comp} = {rng.randint(1, 4)}")
        elif kind == "activity":
            claims = rng.sample(tops + leaves, rng.randint(1, 4))
            lines.append(
                f'type = "{rng.choice(TYPES)}"\ntitle = "Activity {item}"\nstart = {date.isoformat()}\n'
                f'outcome = "completed"\nhours = {rng.randint(1, 40)}\ncompetencies = {claims!r}'.replace("'", '"')
            )
            lines.append('reflection = """' + "I learnt a great deal about leading change. " * rng.randint(2, 8) + '"""')
        else:
            claims = rng.sample(tops + leaves, rng.randint(1, 3))
            lines.append(f"date = {date.isoformat()}\ncompetencies = {claims!r}".replace("'", '"'))
            lines.append('text = """' + "Reflecting on a difficult conversation with the team. " * rng.randint(3, 12) + '"""')
        lines.append("")
    return "\n".join(lines)


def generate(folder: Path, count: int, seed: int = 20261126) -> list[Path]:
    """Write ``count`` files into ``folder`` (reused if already there) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    tops, leaves = competency_ids()
    paths = []
    for index in range(count):
        path = folder / f"person-{index:05d}.toml"
        text = evidence_file(index, rng, tops, leaves)
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
