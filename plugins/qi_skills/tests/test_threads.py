"""A project's remembered analyses are shared by threads that score at the same time."""

from __future__ import annotations

import sys
import threading

from competency_qi_skills import project


def test_threads_remembering_results_never_see_the_memory_half_changed() -> None:
    items = [object() for _ in range(40)]  # more than the memory keeps: every call drops one
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        try:
            for _ in range(500):
                for item in items[offset : offset + 20]:
                    assert project._remembered(project._RECENT_DATES, item, lambda: 1) == 1
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n * 3,)) for n in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: an unlocked memory fails at once
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        project._RECENT_DATES.clear()  # these were not projects
    assert failures == []
