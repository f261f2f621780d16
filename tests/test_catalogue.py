"""Learning catalogues: the shipped catalogue, the file format and its located errors, finding catalogues."""

from __future__ import annotations

import importlib
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from competency import Engine, InvalidInput, PluginConflict
from competency.catalogue import (
    CATALOGUES_PATH_ENV,
    Catalogue,
    catalogue_from_dict,
    check_catalogue,
    contains_phrase,
    load_catalogue,
    load_catalogues,
    normalise,
    restrict_catalogue,
)
from competency.hookspecs import hookimpl

SHIPPED = Path(__file__).resolve().parent.parent / "catalogues" / "essex_training_hub.toml"

#: The NHS Leadership Academy programmes the shipped catalogue may name: each was checked against the
#: Academy's own pages before it was shipped (the catalogue cites them per offer).
VERIFIED_ACADEMY_PROGRAMMES = {
    "edward-jenner": "Edward Jenner programme",
    "mary-seacole": "Mary Seacole programme",
    "rosalind-franklin": "Rosalind Franklin programme",
    "elizabeth-garrett-anderson": "Elizabeth Garrett Anderson programme",
    "nye-bevan": "Nye Bevan programme",
}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # No catalogue search path from the machine, and no pyproject.toml above the working directory.
    monkeypatch.delenv(CATALOGUES_PATH_ENV, raising=False)
    monkeypatch.chdir(tmp_path)


def core_engine(repo: Path, **kwargs: object) -> Engine:
    return Engine(plugins=False, frameworks_dirs=[repo / "frameworks"], search_pyproject=False, **kwargs)  # type: ignore[arg-type]


def catalogue_text(offers: str, header: str = "") -> str:
    head = header or 'id = "test"\ntitle = "Test catalogue"\npublisher = "Tests"\nsource = "Written for the tests."\n'
    return head + textwrap.dedent(offers)


OFFER = """
[[offers]]
id = "o{n}"
kind = "course"
title = "Offer {n}"
provider = "Provider"
develops = ["collective-leadership:vision-and-direction"]
"""


def offers(n: int) -> str:
    return "".join(OFFER.format(n=i) for i in range(n))


def messages(exc: InvalidInput) -> list[str]:
    return [f"{p.path}: {p.message}" for p in exc.problems]


# -- the shipped catalogue ----------------------------------------------------------------------------------


def test_shipped_catalogue_reads_and_cites_a_source_for_every_offer() -> None:
    catalogue = load_catalogue(SHIPPED)
    assert catalogue.id == "essex-training-hub"
    assert catalogue.source.strip()
    for offer in catalogue.offers:
        assert offer.source and offer.source.strip(), f"{offer.id} cites no source"
        assert offer.develops


def test_shipped_catalogue_has_the_ways_to_develop_the_issue_asks_for() -> None:
    catalogue = load_catalogue(SHIPPED)
    kinds = {o.kind for o in catalogue.offers}
    assert {"course", "mentoring", "coaching", "action-learning", "networking", "qi-project", "secondment", "reading"} <= kinds
    ids = {o.id for o in catalogue.offers}
    assert {"next-generation-gp", "clinical-leadership-development-ne-essex", "nhse-qi-learning-sessions"} <= ids
    nggp = catalogue.offer("next-generation-gp")
    assert nggp is not None and "ARU" in nggp.provider
    cldp = catalogue.offer("clinical-leadership-development-ne-essex")
    assert cldp is not None and "King's Fund" in cldp.provider


def test_shipped_academy_programmes_are_only_verified_names() -> None:
    catalogue = load_catalogue(SHIPPED)
    academy = {o.id: o.title for o in catalogue.offers if o.provider.startswith("NHS Leadership Academy") and o.kind == "course"}
    named = {k: v for k, v in academy.items() if k in VERIFIED_ACADEMY_PROGRAMMES}
    assert named == VERIFIED_ACADEMY_PROGRAMMES
    for offer_id in VERIFIED_ACADEMY_PROGRAMMES:
        offer = catalogue.offer(offer_id)
        assert offer is not None and "Leadership Academy" in (offer.source or "")


def test_shipped_catalogue_gives_figures_only_with_their_source() -> None:
    # Figures are never invented: where a cost or hours are given, the offer's source states them.
    catalogue = load_catalogue(SHIPPED)
    for offer in catalogue.offers:
        source = offer.source or ""
        if offer.cost:
            assert f"£{offer.cost:,.0f}" in source, offer.id
        if offer.hours is not None:
            assert "hours" in source, offer.id
    free = catalogue.offer("edward-jenner")
    assert free is not None and free.cost == 0 and "no charge" in (free.source or "")


def test_shipped_catalogue_validates_without_plugins_skipping_their_entries_with_a_warning(repo: Path) -> None:
    engine = core_engine(repo)
    warnings: list[str] = []
    (catalogue,) = load_catalogues(engine, [SHIPPED], warn=warnings.append)
    assert len(warnings) == 2
    assert any("'healthcare-leadership-model' is not available" in w for w in warnings)
    assert any("'qi-skills' is not available" in w for w in warnings)
    assert all(str(SHIPPED) in w for w in warnings)
    assert {r.partition(":")[0] for o in catalogue.offers for r in o.develops} == {"collective-leadership"}
    assert all(set(o.suits) <= {"collective-leadership"} for o in catalogue.offers)
    # An offer that develops only plugin frameworks has nothing left to offer here.
    assert catalogue.offer("nhse-qi-learning-sessions") is None
    assert catalogue.offer("edward-jenner") is not None


def test_shipped_catalogue_validates_against_every_framework_with_the_plugins(repo: Path) -> None:
    nine = pytest.importorskip("competency_nine_dimension")
    qi = pytest.importorskip("competency_qi_skills")
    engine = core_engine(repo, extra_plugins=[nine, qi])
    assert {f.id for f in engine.frameworks()} == {"collective-leadership", "healthcare-leadership-model", "qi-skills"}
    catalogue = load_catalogue(SHIPPED)
    assert check_catalogue(catalogue, engine.frameworks()) == []
    warnings: list[str] = []
    (loaded,) = load_catalogues(engine, [SHIPPED], warn=warnings.append)
    assert warnings == []
    assert loaded == catalogue


# -- the format and its located errors ---------------------------------------------------------------------------


def test_unknown_competency_of_a_known_framework_is_a_located_error(repo: Path, write: Callable[..., Path]) -> None:
    text = catalogue_text(offers(3) + """
    [[offers]]
    id = "bad"
    kind = "course"
    title = "Bad"
    provider = "P"
    develops = ["collective-leadership:followership", "collective-leadership:vison-and-direction"]
    """)
    path = write("bad.toml", text)
    with pytest.raises(InvalidInput) as info:
        load_catalogues(core_engine(repo), [path])
    assert [str(p) for p in info.value.errors] == [
        f"{path}: offers[3].develops[1]: unknown competency 'vison-and-direction' in framework "
        "'collective-leadership' (did you mean 'vision-and-direction'?)"
    ]


@pytest.mark.parametrize(
    ("offer", "expected"),
    [
        ('kind = "webinar"', 'offers[0].kind: "webinar" is not one of: course, mentoring'),
        ('cost = "free"', 'offers[0].cost: expected a number, got "free"'),
        ("hours = true", "offers[0].hours: expected a number, got true"),
        ('colour = "red"', "offers[0]: unknown key: colour"),
        ('format = "podcast"', 'offers[0].format: "podcast" is not one of: face-to-face, online, blended, self-directed, workplace'),
        ('suits = { collective-leadership = { from = 1, to = "leading" } }', "offers[0].suits.collective-leadership.from: expected a level id (a string), got 1"),
        ('suits = { collective-leadership = { from = "emerging" } }', "offers[0].suits.collective-leadership.to: required key is missing"),
        ('suits = { collective-leadership = { from = "emerging", to = "leading", by = "x" } }', "offers[0].suits.collective-leadership: unknown key: by"),
    ],
)
def test_structure_errors_are_located(offer: str, expected: str) -> None:
    import tomli

    text = catalogue_text(f"""
    [[offers]]
    id = "o0"
    title = "Offer"
    provider = "P"
    develops = ["collective-leadership:vision-and-direction"]
    {offer}
    """)
    if "kind =" not in offer:
        text = text.replace('id = "o0"', 'id = "o0"\nkind = "course"')
    with pytest.raises(InvalidInput) as info:
        catalogue_from_dict(tomli.loads(text))
    assert any(m.startswith(expected) for m in messages(info.value)), messages(info.value)


def test_checks_of_the_catalogue_on_its_own_are_located() -> None:
    import tomli

    text = catalogue_text("""
    [[offers]]
    id = "dup"
    kind = "course"
    title = " "
    provider = "P"
    cost = -5
    url = "javascript:alert(1)"
    develops = ["vision-and-direction", "collective-leadership:followership", "collective-leadership:followership"]
    suits = { qi-skills = { from = "awareness", to = "leader" } }

    [[offers]]
    id = "dup"
    kind = "reading"
    title = "Again"
    provider = "P"
    develops = []
    """, header='id = "Bad Id"\ntitle = "T"\npublisher = "P"\nsource = "S"\n')
    with pytest.raises(InvalidInput) as info:
        catalogue_from_dict(tomli.loads(text), "x.toml")
    assert messages(info.value) == [
        "id: \"Bad Id\" is not a valid id: use lowercase letters, digits, '.' and '-'",
        "offers[0].title: is empty",
        "offers[0].cost: -5 is negative",
        "offers[0].url: must be an http:// or https:// address",
        'offers[0].develops[0]: "vision-and-direction" must be qualified with its framework: framework-id:competency-id',
        "offers[0].develops[2]: 'collective-leadership:followership' is listed twice",
        "offers[0].suits.qi-skills: the offer develops no competency of 'qi-skills': name it in develops or remove it here",
        "offers[1].id: duplicate offer id 'dup' (first at offers[0])",
        "offers[1].develops: is empty: name at least one competency the offer develops",
    ]
    assert all(p.source == "x.toml" for p in info.value.problems)


def test_level_ranges_are_checked_against_each_scale(repo: Path) -> None:
    import tomli

    text = catalogue_text("""
    [[offers]]
    id = "a"
    kind = "course"
    title = "A"
    provider = "P"
    develops = ["collective-leadership:vision-and-direction"]
    suits = { collective-leadership = { from = "develping", to = "proficient" } }

    [[offers]]
    id = "b"
    kind = "course"
    title = "B"
    provider = "P"
    develops = ["collective-leadership:vision-and-direction"]
    suits = { collective-leadership = { from = "leading", to = "developing" } }
    """)
    catalogue = catalogue_from_dict(tomli.loads(text))
    problems = [f"{p.path}: {p.message}" for p in check_catalogue(catalogue, core_engine(repo).frameworks())]
    levels = "(levels: emerging, developing, established, leading)"
    assert problems == [
        f"offers[0].suits.collective-leadership.from: \"develping\" is not a level of 'collective-leadership' {levels}",
        f"offers[0].suits.collective-leadership.to: \"proficient\" is not a level of 'collective-leadership' {levels}",
        "offers[1].suits.collective-leadership: from 'leading' is above to 'developing' on the scale (emerging, developing, established, leading)",
    ]


def test_unknown_roles_are_warnings(repo: Path) -> None:
    import tomli

    text = catalogue_text(offers(1) + 'roles = ["gp", "astronaut"]\n')
    catalogue = catalogue_from_dict(tomli.loads(text))
    (problem,) = check_catalogue(catalogue, core_engine(repo).frameworks())
    assert problem.severity == "warning" and problem.path == "offers[0].roles[1]"


def test_restricting_drops_entries_of_missing_frameworks_and_empty_offers() -> None:
    import tomli

    text = catalogue_text("""
    [[offers]]
    id = "mixed"
    kind = "course"
    title = "Mixed"
    provider = "P"
    develops = ["collective-leadership:followership", "qi-skills:choosing-tools-for-change"]
    suits = { collective-leadership = { from = "emerging", to = "developing" }, qi-skills = { from = "awareness", to = "awareness" } }

    [[offers]]
    id = "qi-only"
    kind = "course"
    title = "QI only"
    provider = "P"
    develops = ["qi-skills:choosing-tools-for-change"]
    """)
    restricted = restrict_catalogue(catalogue_from_dict(tomli.loads(text)), ["collective-leadership"])
    (offer,) = restricted.offers
    assert offer.develops == ("collective-leadership:followership",)
    assert set(offer.suits) == {"collective-leadership"}


def test_names_are_matched_as_whole_words_ignoring_case_accents_and_punctuation() -> None:
    assert normalise("The King's Fund – Clinical Leadership") == "kings fund clinical leadership"
    assert normalise("R&D  Café") == "r and d cafe"
    assert contains_phrase("Next Generation GP (Essex cohort)", "next generation GP")
    assert contains_phrase("Completed the Edward Jenner programme", "The Edward Jenner programme")
    assert not contains_phrase("Next Generation GPs", "Next Generation GP")
    assert not contains_phrase("anything", "!!")


# -- finding catalogues ---------------------------------------------------------------------------------------


def small(catalogue_id: str) -> str:
    return catalogue_text(offers(1), header=f'id = "{catalogue_id}"\ntitle = "T"\npublisher = "P"\nsource = "S"\n')


def test_catalogues_come_from_pyproject_and_the_environment(repo: Path, tmp_path: Path, write: Callable[..., Path]) -> None:
    write("project/pyproject.toml", '[tool.competency]\ncatalogues = ["learning"]\n')
    write("project/learning/one.toml", small("one"))
    write("elsewhere/two.toml", small("two"))
    engine = Engine(
        plugins=False, frameworks_dirs=[repo / "frameworks"], cwd=tmp_path / "project",
        env={CATALOGUES_PATH_ENV: str(tmp_path / "elsewhere"), "COMPETENCY_LOAD_PLUGINS": ""},
    )
    assert [c.id for c in engine.catalogues()] == ["one", "two"]
    # Named explicitly as well: still one catalogue.
    assert [c.id for c in engine.catalogues([tmp_path / "project" / "learning" / "one.toml"])] == ["one", "two"]


def test_a_broken_catalogue_on_the_search_path_is_skipped_with_a_warning(repo: Path, tmp_path: Path, write: Callable[..., Path]) -> None:
    write("found/good.toml", small("good"))
    write("found/broken.toml", small("broken").replace('kind = "course"', 'kind = "lecture"'))
    write("found/unknown.toml", small("unknown").replace("vision-and-direction", "vision"))
    warnings: list[str] = []
    engine = core_engine(repo, env={CATALOGUES_PATH_ENV: str(tmp_path / "found")}, warn=warnings.append)
    assert [c.id for c in engine.catalogues()] == ["good"]
    assert len(warnings) == 2
    assert any("broken.toml skipped" in w and "offers[0].kind" in w for w in warnings)
    assert any("'unknown'" in w and "offers[0].develops[0]: unknown competency 'vision'" in w for w in warnings)
    # Named explicitly, the same broken file is an error, not a warning.
    with pytest.raises(InvalidInput, match="offers\\[0\\].develops\\[0\\]: unknown competency 'vision'"):
        load_catalogues(engine, [tmp_path / "found" / "unknown.toml"])


def test_two_files_with_the_same_catalogue_id_conflict(repo: Path, write: Callable[..., Path]) -> None:
    first, second = write("a/one.toml", small("same")), write("b/one.toml", small("same"))
    with pytest.raises(PluginConflict, match="two sources give the catalogue 'same'"):
        load_catalogues(core_engine(repo), [first, second])


def module(name: str, **hooks: object) -> ModuleType:
    """A throwaway plugin module with these hook implementations."""
    made = ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(made, hook_name, function)
    return made


def plugin(catalogue: Catalogue | object, name: str) -> ModuleType:
    @hookimpl
    def register_catalogues(register: Callable[[object], None]) -> None:
        register(catalogue)

    return module(name, register_catalogues=register_catalogues)


def test_plugins_register_catalogues_through_the_hook(repo: Path) -> None:
    import tomli

    text = small("from-plugin").replace(
        'develops = ["collective-leadership:vision-and-direction"]',
        'develops = ["collective-leadership:vision-and-direction", "qi-skills:choosing-tools-for-change"]',
    )
    registered = catalogue_from_dict(tomli.loads(text))
    warnings: list[str] = []
    engine = core_engine(repo, extra_plugins=[plugin(registered, "learning_plugin")])
    (found,) = load_catalogues(engine, warn=warnings.append)
    assert found.id == "from-plugin"
    assert found.offers[0].develops == ("collective-leadership:vision-and-direction",)
    assert warnings == ["plugin learning_plugin: offers[0].develops[1]: the framework 'qi-skills' is not available "
                        "(is its plugin installed?): 1 develops entry naming it ignored"]


def test_a_plugins_invalid_catalogue_is_skipped_and_duplicates_conflict(repo: Path) -> None:
    import tomli

    bad = catalogue_from_dict(tomli.loads(small("bad").replace("vision-and-direction", "no-such-thing")))
    warnings: list[str] = []
    engine = core_engine(repo, extra_plugins=[plugin(bad, "bad_plugin")])
    assert load_catalogues(engine, warn=warnings.append) == ()
    assert any("catalogue 'bad' from plugin" in w and "unknown competency 'no-such-thing'" in w for w in warnings)

    good = catalogue_from_dict(tomli.loads(small("same")))
    clash = core_engine(repo, extra_plugins=[plugin(good, "first_plugin"), plugin(good, "second_plugin")])
    with pytest.raises(PluginConflict):
        load_catalogues(clash)


def test_a_plugin_that_raises_is_reported_not_fatal(repo: Path) -> None:
    @hookimpl
    def register_catalogues(register: Callable[[object], None]) -> None:
        raise RuntimeError("boom")

    broken = module("broken_plugin", register_catalogues=register_catalogues)
    warnings: list[str] = []
    engine = core_engine(repo, extra_plugins=[broken])
    assert load_catalogues(engine, [SHIPPED], warn=warnings.append)[0].id == "essex-training-hub"
    assert any("boom" in w for w in warnings)


def test_the_public_api_exports_the_catalogue_model() -> None:
    competency = importlib.import_module("competency")
    assert competency.Catalogue is Catalogue
    assert competency.Offer.__module__ == "competency.catalogue"
    assert {"Catalogue", "Offer"} <= set(competency.__all__)


# -- the command line -------------------------------------------------------------------------------------------


def test_an_invalid_catalogue_given_to_plan_is_exit_1_with_located_errors(invoke: Callable[..., object], repo: Path, write: Callable[..., Path], as_of: object) -> None:
    path = write("bad.toml", catalogue_text(offers(3) + """
    [[offers]]
    id = "bad"
    kind = "course"
    title = "Bad"
    provider = "P"
    develops = ["collective-leadership:followership", "collective-leadership:nope"]
    """))
    result = invoke("plan", repo / "examples" / "practice-manager.toml", "--as-of", as_of, "--catalogue", path)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert f"{path}: offers[3].develops[1]: unknown competency 'nope' in framework 'collective-leadership'" in result.stderr  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]


def test_plan_with_the_shipped_catalogue_warns_about_missing_plugins_but_works(invoke: Callable[..., object], repo: Path, as_of: object) -> None:
    result = invoke("plan", repo / "examples" / "practice-manager.toml", "--as-of", as_of, "--catalogue", SHIPPED)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "competency: warning:" in result.stderr and "'qi-skills' is not available" in result.stderr  # type: ignore[attr-defined]
    assert "warning: warning" not in result.stderr  # type: ignore[attr-defined]


def test_plan_without_any_catalogue_is_a_configuration_error(invoke: Callable[..., object], repo: Path, as_of: object) -> None:
    result = invoke("plan", repo / "examples" / "practice-manager.toml", "--as-of", as_of)
    assert result.exit_code == 3  # type: ignore[attr-defined]
    assert "no learning catalogue found" in result.stderr  # type: ignore[attr-defined]

