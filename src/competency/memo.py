"""A small memory of values derived from objects, keyed by the objects' identity.

Frameworks are large frozen values: hashing one by value costs more than the work a memo saves, so
derived data (a scoring plan, the competency order) is kept per framework *object*. The memo holds
each object alive beside its value, so that an ``id`` is never reused while it is remembered, and
keeps at most ``limit`` of them: a program that builds engine after engine does not grow without end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """``derive(key)`` computed once per key object while it is among the ``limit`` most recently
    derived (first in, first out: a key is not moved up by being asked for again)."""

    __slots__ = ("_derive", "_limit", "_lock", "_values")

    def __init__(self, derive: Callable[[K], V], limit: int = 64) -> None:
        self._derive = derive
        self._limit = limit
        self._values: dict[int, tuple[K, V]] = {}
        # Engines (and their frameworks) may be shared by threads: one inserts while another drops
        # the oldest entry. Deriving stays outside the lock; two threads may both derive, and one wins.
        self._lock = threading.Lock()

    def __call__(self, key: K) -> V:
        """The value derived from ``key``, computed now if it is not remembered."""
        found = self._values.get(id(key))
        if found is not None and found[0] is key:
            return found[1]
        value = self._derive(key)
        with self._lock:
            while len(self._values) >= self._limit:
                del self._values[next(iter(self._values))]  # the oldest: insertion order
            self._values[id(key)] = (key, value)
        return value

    def __len__(self) -> int:
        return len(self._values)
