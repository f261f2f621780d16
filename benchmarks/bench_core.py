"""Benchmark: validate+score throughput against the tomli parse floor, and CLI cold start.

    .venv/bin/python benchmarks/bench_core.py [--files 500]

Prints figures only (never asserts on time): these machines are shared and noisy, so compare the
ratios measured within one run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import ROOT, generate  # noqa: E402
from timing import cold_start, parse_floor  # noqa: E402

from competency import Engine  # noqa: E402


def engine_run(engine: Engine, paths: list[Path], as_of: datetime.date) -> float:
    start = time.perf_counter()
    for path in paths:
        engine.score(engine.load_evidence(path, as_of=as_of), as_of=as_of)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = generate(ROOT / "benchmarks" / "_data" / "core", args.files)
    engine = Engine(frameworks_dirs=[ROOT / "frameworks"], search_pyproject=False)
    as_of = datetime.date(2026, 11, 26)
    engine_run(engine, paths[:20], as_of)  # warm up: plugins, frameworks, converter hooks
    floors, runs = [], []
    for _ in range(args.repeat):  # interleaved so both see the same machine load
        floors.append(parse_floor(paths))
        runs.append(engine_run(engine, paths, as_of))
    floor, run = min(floors), min(runs)
    print(f"files: {len(paths)} (average {sum(p.stat().st_size for p in paths) / len(paths) / 1024:.1f} KiB)")
    print(f"tomli parse only:   {len(paths) / floor:8.0f} files/s")
    print(f"validate + score:   {len(paths) / run:8.0f} files/s")
    print(f"ratio to parse floor: {run / floor:.2f}x")
    exe = str(Path(sys.executable).with_name("competency"))
    click_import = cold_start([sys.executable, "-c", "import click"], 15)
    help_start = cold_start([exe, "--help"], 15)
    version_start = cold_start([exe, "--version"], 15)
    print(f"cold start: python -c 'import click' {click_import * 1000:.0f} ms")
    print(f"cold start: competency --help {help_start * 1000:.0f} ms ({help_start / click_import:.2f}x)")
    print(f"cold start: competency --version {version_start * 1000:.0f} ms ({version_start / click_import:.2f}x)")


if __name__ == "__main__":
    main()
