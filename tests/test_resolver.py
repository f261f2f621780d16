"""Resolving references and levels: scoped resolvers are shared, level ids are looked up by rank."""

from __future__ import annotations

import pytest

from competency.framework import Framework, Level, Scale
from competency.framework_io import framework_from_dict
from competency.references import Resolver, UnresolvedReference


def framework(ident: str, *competencies: str) -> Framework:
    return framework_from_dict({
        "id": ident, "version": "1", "title": ident, "publisher": "tests", "source": "tests",
        "scale": {"proficient": "b", "levels": [{"id": i, "label": i} for i in "abc"]},
        "competencies": [{"id": c, "title": c} for c in competencies],
    })


RESOLVER = Resolver.of([framework("f1", "x", "y"), framework("f2", "y", "z"), framework("f3", "w")])


def test_a_scope_is_one_resolver_however_it_is_written() -> None:
    scoped = RESOLVER.restricted(["f2", "f1"])
    assert RESOLVER.restricted(("f1", "f2", "f1", "unknown")) is scoped
    assert list(scoped.frameworks) == ["f1", "f2"]  # registry order, unknown names left out
    assert scoped.resolve("x").qualified == "f1:x"
    with pytest.raises(UnresolvedReference, match="more than one framework"):
        scoped.resolve("y")
    with pytest.raises(UnresolvedReference, match="unknown framework 'f3'"):
        scoped.resolve("f3:w")


def test_scoped_resolvers_are_bounded() -> None:
    many = Resolver.of([framework(f"g{i}", "x") for i in range(8)])
    first = many.restricted(["g0"])
    for mask in range(1, 256):
        scope = [f"g{i}" for i in range(8) if mask >> i & 1]
        assert list(many.restricted(scope).frameworks) == scope
    assert len(many._scoped) == 64
    assert many.restricted(["g0"]) is first


def test_a_level_id_is_found_by_its_first_rank() -> None:
    scale = Scale((Level("a", "A"), Level("b", "B"), Level("a", "again")), "b")
    assert (scale.rank("a"), scale.rank("b"), scale.rank("zz")) == (1, 2, None)
    assert scale.proficient_rank == 2


@pytest.mark.parametrize(
    ("value", "rank_or_error"),
    [("b", 2), (3, 3), ("d", '"d" is not a level'), (0, "0 is not on the scale"), (True, "is not a level: write"),
     (2.0, "is not a level: write"), (None, "is not a level: write")],
)
def test_level_rank(value: object, rank_or_error: int | str) -> None:
    f1 = RESOLVER.frameworks["f1"]
    if isinstance(rank_or_error, int):
        assert RESOLVER.level_rank(f1, value) == rank_or_error
    else:
        with pytest.raises(UnresolvedReference, match=rank_or_error):
            RESOLVER.level_rank(f1, value)
