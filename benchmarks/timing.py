"""What the benchmark scripts measure the same way: the tomli parse floor and a command's cold start."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parent.parent


def parse_floor(paths: list[Path]) -> float:
    """Seconds to read and parse every file with tomli alone (the results are dropped at once)."""
    start = time.perf_counter()
    for path in paths:
        tomli.loads(path.read_text(encoding="utf-8"))
    return time.perf_counter() - start


def cold_start(command: list[str], repeat: int = 15) -> float:
    """The median wall time of ``command`` run afresh ``repeat`` times from the repository root."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
