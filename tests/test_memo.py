"""The identity memo behind per-framework derived data (scoring plans, competency order)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from competency import Engine
from competency.memo import IdentityMemo
from competency.scoring import default


class Box:
    def __init__(self, value: int) -> None:
        self.value = value


def test_derives_once_per_object() -> None:
    calls: list[int] = []

    def derive(box: Box) -> int:
        calls.append(box.value)
        return box.value * 2

    memo: IdentityMemo[Box, int] = IdentityMemo(derive)
    box = Box(3)
    assert memo(box) == 6
    assert memo(box) == 6
    assert calls == [3]
    assert memo(Box(3)) == 6  # an equal but different object is a different key
    assert calls == [3, 3]


def test_keeps_at_most_limit_and_forgets_the_oldest() -> None:
    calls: list[int] = []

    def derive(box: Box) -> int:
        calls.append(box.value)
        return box.value

    memo: IdentityMemo[Box, int] = IdentityMemo(derive, limit=3)
    boxes = [Box(i) for i in range(5)]
    for box in boxes:
        memo(box)
    assert len(memo) == 3
    calls.clear()
    memo(boxes[4])
    assert calls == []  # among the latest: remembered
    memo(boxes[0])
    assert calls == [0]  # the oldest was forgotten, so it is derived again


def test_an_id_reused_by_a_new_object_is_not_mistaken_for_the_old_one() -> None:
    memo: IdentityMemo[Box, int] = IdentityMemo(lambda box: box.value, limit=2)
    for value in range(200):  # objects die at once, so CPython reuses their ids
        assert memo(Box(value)) == value


def test_scoring_with_engine_after_engine_keeps_a_bounded_memory(repo: Path, examples: list[Path], as_of: datetime.date) -> None:
    for _ in range(80):  # each engine loads its own framework objects
        engine = Engine(frameworks_dirs=[repo / "frameworks"], search_pyproject=False)
        card = engine.score(engine.load_evidence(examples[0], as_of=as_of), as_of=as_of)
        assert card.frameworks
    assert len(default._plan) <= 64


def test_threads_sharing_a_memo_never_see_it_half_changed() -> None:
    import threading

    memo: IdentityMemo[Box, int] = IdentityMemo(lambda box: box.value, limit=4)
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def work(offset: int) -> None:
        start.wait()
        try:
            for value in range(2000):  # far more keys than the limit: every call drops one
                box = Box(offset + value)
                assert memo(box) == offset + value
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n * 10_000,)) for n in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: an unlocked memo fails at once
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert failures == []
    assert len(memo) <= 4
