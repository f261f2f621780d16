"""The TOML parsers: tomli (the default) and rtoml (the extra ``competency[rtoml]``) give identical
outcomes, errors included, and ``COMPETENCY_TOML_PARSER`` chooses between them.

The differential tests run both parsers through :func:`competency.sources.parse_toml` on every TOML
input of the repository (files, the TOML blocks of the documentation, the strings of the test
modules), each also with CRLF line endings, a byte-order mark and truncated, and on generated
documents; an outcome is the data (key order, types and float bits included) or the problems.
They are skipped, with the reason, where rtoml is not installed (the core-only environment).
"""

from __future__ import annotations

import ast
import datetime
import re
import struct
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from competency import ConfigurationError, Engine, InvalidInput, rtoml_compat, sources
from competency import engine as engine_module
from competency.sources import parse_toml, toml_parser

REPO = Path(__file__).resolve().parent.parent

try:
    import rtoml  # noqa: F401 - only whether it is there
except ImportError:
    HAVE_RTOML = False
else:
    HAVE_RTOML = True

needs_rtoml = pytest.mark.skipif(
    not HAVE_RTOML,
    reason="rtoml is not installed (the optional extra competency[rtoml]: scripts/setup.sh test installs it)",
)

MISSING_EXTRA = "COMPETENCY_TOML_PARSER=rtoml needs the optional extra: pip install 'competency[rtoml]'"

# -- outcomes ------------------------------------------------------------------------------------


def canonical(value: object) -> object:
    """``value`` as nested tuples that are equal only if the values are identical: the same types
    (``True`` is not ``1``, a ``datetime.timezone`` is not another tzinfo), the same key order, the
    same float bits (``-0.0``, ``nan`` and its sign) and the same time zones."""
    if isinstance(value, dict):
        return (type(value), tuple((type(k), k, canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (type(value), tuple(canonical(v) for v in value))
    if isinstance(value, float):
        return (float, struct.pack(">d", value).hex())
    if isinstance(value, (datetime.datetime, datetime.time)):
        return (type(value), repr(value), type(value.tzinfo))
    return (type(value), repr(value))


def outcome(text: str, parser: str) -> tuple[str, object]:
    """What parsing ``text`` gives: the data, or the problems of the :class:`InvalidInput`."""
    try:
        return "data", canonical(parse_toml(text, "input.toml", parser))
    except InvalidInput as exc:
        return "invalid", tuple(str(p) for p in exc.problems)


def mismatch(text: str) -> str | None:
    """How the two parsers differ on ``text``, or None if they give the same outcome."""
    tomli_outcome, rtoml_outcome = outcome(text, "tomli"), outcome(text, "rtoml")
    if tomli_outcome == rtoml_outcome:
        return None
    return f"{text[:300]!r}...\n  tomli: {str(tomli_outcome)[:500]}\n  rtoml: {str(rtoml_outcome)[:500]}"


def variants(text: str) -> Iterator[str]:
    """``text``, with CRLF line endings, with a leading byte-order mark, with its first line break a
    lone CR, and cut short at 24 places (the error path)."""
    yield text
    yield text.replace("\n", "\r\n")
    yield "\ufeff" + text
    yield text.replace("\n", "\r", 1)
    for index in range(1, 25):
        yield text[: len(text) * index // 25]


def assert_same_outcomes(texts: list[str]) -> None:
    found = [m for m in map(mismatch, texts) if m is not None]
    assert not found, f"{len(found)} of {len(texts)} inputs parse differently:\n" + "\n".join(found[:5])


# -- every TOML input of the repository ---------------------------------------------------------

TOML_FILES = sorted(
    {
        path
        for pattern in (
            "tests/**/*.toml",
            "examples/**/*.toml",
            "frameworks/**/*.toml",
            "catalogues/**/*.toml",
            "docs/**/*.toml",
            "plugins/*/examples/**/*.toml",
            "plugins/*/src/**/*.toml",
            "plugins/*/tests/**/*.toml",
            "pyproject.toml",
            "plugins/*/pyproject.toml",
        )
        for path in REPO.glob(pattern)
    }
)
DOCS = sorted({*REPO.glob("*.md"), *REPO.glob("docs/**/*.md"), *REPO.glob("plugins/*/*.md"), *REPO.glob("plugins/*/docs/**/*.md")})
TEST_MODULES = sorted({*REPO.glob("tests/**/*.py"), *REPO.glob("plugins/*/tests/**/*.py")})
TOML_BLOCK = re.compile(r"^```toml[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def relative(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_the_inputs_are_found() -> None:
    names = {relative(path) for path in TOML_FILES}
    assert {"examples/gp-partner.toml", "tests/data/hostile/core.toml", "tests/data/hostile/qi.toml"} <= names
    assert any(name.startswith("frameworks/") for name in names)
    assert any(name.startswith("catalogues/") for name in names)
    assert any(name.startswith("plugins/qi_skills/src/") for name in names)
    assert any(name.startswith("plugins/nine_dimension/examples/") for name in names)
    assert sum(len(TOML_BLOCK.findall(doc.read_text("utf-8"))) for doc in DOCS) >= 10
    assert Path(__file__) in TEST_MODULES


@needs_rtoml
@pytest.mark.parametrize("path", TOML_FILES, ids=relative)
def test_every_toml_file_parses_identically(path: Path) -> None:
    assert_same_outcomes(list(variants(sources.read_text(path))))


@needs_rtoml
@pytest.mark.parametrize("doc", DOCS, ids=relative)
def test_every_toml_block_of_the_docs_parses_identically(doc: Path) -> None:
    blocks = TOML_BLOCK.findall(doc.read_text("utf-8"))
    assert_same_outcomes([variant for block in blocks for variant in variants(block)])


def string_constants(module: Path) -> list[str]:
    """The strings of a test module that could be TOML: evidence and frameworks written inline,
    valid and invalid, as written and dedented."""
    tree = ast.parse(module.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and ("=" in node.value or "[" in node.value):
            found.update((node.value, textwrap.dedent(node.value)))
    return sorted(found)


@needs_rtoml
@pytest.mark.parametrize("module", TEST_MODULES, ids=relative)
def test_every_string_of_the_test_modules_parses_identically(module: Path) -> None:
    texts = string_constants(module)
    assert_same_outcomes([text for each in texts for text in (each, each.replace("\n", "\r\n"))])


# -- what makes the parsers differ, each handled -------------------------------------------------

#: Texts on which bare tomli and bare rtoml differ (rtoml 0.14), and a few neighbours that do not.
DIFFERENCES = [
    # rtoml gives its own tzinfo class (not picklable, named otherwise): datetime.timezone here.
    "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27T00:32:00.999999+05:30",
    "a = 1979-05-27t07:32:00z\nb = 1979-05-27 07:32Z\nc = 1979-05-27T07:32:00-00:00\nd = 1979-05-27T07:32:00+23:59",
    "a = [{t = 1979-05-27T07:32:00Z}, [1979-05-27T07:32:00+01:00]]\n[[b]]\nt = 2026-01-01T00:00:00Z",
    # rtoml rejects floats that overflow to infinity; tomli reads inf.
    "a = 1e400\nb = -1.7976931348623159e308",
    # rtoml nests arrays and inline tables less deeply than tomli, which stops at 400 levels.
    "a = " + "[" * 150 + "]" * 150,
    "a = " + "{b = " * 150 + "1" + "}" * 150,
    "a = " + "[" * 500 + "]" * 500,
    "a" + ".b" * 200 + " = 1",
    # a leading byte-order mark: rtoml skips it, tomli rejects it.
    "\ufeffa = 1",
    # CRLF inside a multi-line string: tomli gives "\n", rtoml "\r\n"; a lone CR is an error.
    'a = """x\r\ny"""\r\nb = \'\'\'x\r\ny\'\'\'\r\n',
    "a = 1\r\rb = 2\r\n",
    'a = """x\ry"""',
    # a line break inside a key/value pair of an inline table: rtoml accepts it, TOML does not.
    "a = {b =\n 1}",
    "a = {b\n= 1}",
    "a = {b. # c\nc = 1}",
    "a = {b\n.c = 1}",
    "a = {b = # c\n1}",
    "a = [{b = 1}, {c = {d = 1}, e =\n 2}]",
    'a = {b = "}", c =\n1}',
    # ... and the breaks TOML 1.1 allows, between pairs.
    "a = {\n  b = 1, # one\n  c = 2,\n}",
    'a = {b = "x.", c = [\n1,\n2]}\n# a comment.\n',
    # a table declared after a header below it made it: rtoml moves it (key order).
    "[x.y]\n[z]\n[x]\nk = 1",
    "[[e]]\n[e.x.y]\nq = 1\n[e.z]\n[e.x]\nk = 1",
    "[[b.a]]\nk1 = 1\n[b]\nk3 = 3\na.c.d = 1\n",
    '["x".y]\n[z]\n["x"]',
    '["x".y]\n[z]\n[x]',
    "[x.'y'.z]\n[q]\n[x.\"y\"]",
    "[ x . y ]\n[z]\n[x]",
    # ... lines that only look like headers, in a string or an array, hide none of it,
    '[a.x.y]\n[a.z]\ns = """\n[[a]]\n"""\n[a.x]\nk = 1',
    "[1.x.y]\n[1.z]\nv = [\n[[1]]\n]\n[1.x]\nk = 1",
    # ... and a new element of an array of tables, which moves nothing.
    "[[e]]\n[e.p]\n[e.p.q]\n[[e]]\n[e.p]\n[e.p.q]",
    # big integers, special floats, local date-times: no difference, checked all the same.
    "a = 9223372036854775808\nb = -0x0\nc = 0xffffffffffffffffff\nd = -0.0\ne = -nan\nf = +inf\ng = 1e-400",
    "a = 1979-05-27\nb = 07:32:00.123456789\nc = 1979-05-27T07:32\nd = 07:32",
    'a = "\\e\\x41\\u00e9\\U0001F600"\nb = "\ud800"',
    "a = 1979-02-30\nb = 1979-05-27T23:59:60Z",
]


@needs_rtoml
@pytest.mark.parametrize("text", DIFFERENCES)
def test_each_difference_is_handled(text: str) -> None:
    assert_same_outcomes(list(variants(text)))


@needs_rtoml
def test_offsets_are_standard_timezones() -> None:
    data = parse_toml("a = 1979-05-27T00:32:00-07:00\nb = [1979-05-27T07:32:00Z]", parser="rtoml")
    assert data["a"].tzinfo == datetime.timezone(datetime.timedelta(hours=-7))
    assert type(data["a"].tzinfo) is datetime.timezone
    assert data["b"][0].tzinfo is datetime.timezone.utc


def test_too_deep_nesting_is_invalid_input_not_a_crash() -> None:
    with pytest.raises(InvalidInput, match="nested too deeply"):
        parse_toml("a = " + "[" * 1000 + "]" * 1000, "deep.toml")


# -- generated documents -------------------------------------------------------------------------

offsets = st.integers(-1439, 1439).map(lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes)))
keys = st.text(max_size=6) | st.sampled_from(["a", "b", "a.b", "", "1", "-", "é", " "])


def toml_values(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.booleans(),
        st.integers(),
        floats,
        st.text(),
        st.dates(),
        st.times(),
        st.datetimes(),
        st.datetimes(timezones=offsets | st.just(datetime.timezone.utc)),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=16,
    )


def toml_documents(floats: st.SearchStrategy[float], min_size: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Data that TOML can hold: tables, arrays, arrays of tables and every kind of scalar."""
    values = toml_values(floats)
    tables = st.lists(st.dictionaries(keys, values, max_size=3), min_size=1, max_size=3)
    return st.dictionaries(keys, values | tables, min_size=min_size)


documents = toml_documents(st.floats())
PIECES = [
    "\n", "\r", "\r\n", "=", ".", ",", "{", "}", "[", "]", "[[", "]]", '"', "'", '"""', "'''", "#", " ",
    "\t", "\\", "\ufeff", "\x7f", "\x00", "1", "a", "-", "+", ":", "Z", "e", "_", "inf", "nan", "\n[a]\n",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> str:
    """A text with up to three cuts, deletions or insertions of TOML's punctuation."""
    text = draw(texts)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["cut", "delete", "insert"]))
        if edit == "cut":
            text = text[:at]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 4)) :]
        else:
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
    return text


@st.composite
def dumped(draw: st.DrawFn) -> str:
    """A document written by tomli_w, maybe with multi-line strings, indentation and CRLF."""
    text = tomli_w.dumps(
        draw(documents), multiline_strings=draw(st.booleans()), indent=draw(st.integers(0, 4))
    )
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


SEPARATORS = ["", " ", "\t", "\n", "\r\n", " # c\n", "\n\n", "#.\n"]
INLINE_SCALARS = ["1", "1.5", '"s"', '"}"', "'l'", "true", "1979-05-27", "07:32:00", '"""m\nl"""', "1979-05-27T07:32:00Z"]


@st.composite
def inline_table(draw: st.DrawFn, depth: int = 0) -> str:
    """An inline table with blanks, comments and line breaks anywhere (rtoml allows more of them
    than TOML does)."""

    def gap() -> str:
        return draw(st.sampled_from(SEPARATORS)) if draw(st.integers(0, 3)) == 0 else draw(st.sampled_from(["", " "]))

    def value() -> str:
        kind = draw(st.integers(0, 5 if depth < 2 else 3))
        if kind == 4:
            return draw(inline_table(depth + 1))
        if kind == 5:
            items = [gap() + value() + gap() for _ in range(draw(st.integers(0, 3)))]
            return "[" + ",".join(items) + ("," if draw(st.booleans()) and items else "") + gap() + "]"
        return draw(st.sampled_from(INLINE_SCALARS))

    pairs = []
    for _ in range(draw(st.integers(0, 3))):
        parts = draw(st.lists(st.sampled_from(["a", "b", '"q"', "'r'"]), min_size=1, max_size=3))
        key = "".join(part + gap() + "." + gap() for part in parts[:-1]) + parts[-1]
        pairs.append(gap() + key + gap() + "=" + gap() + value() + gap())
    return "{" + ",".join(pairs) + ("," + gap() if draw(st.booleans()) and pairs else "") + "}"


TABLE_PATHS = ["a", "b", "a.b", "a.c", "b.a", "a.b.c", "b.a.b", " a . b ", '"a"', '"a".b']


@st.composite
def table_sequence(draw: st.DrawFn) -> str:
    """Headers, dotted keys and inline tables over a few shared paths (in any order: tables made
    by a header below them, redeclared, extended, ...)."""
    lines = []
    for index in range(draw(st.integers(1, 8))):
        path = draw(st.sampled_from(TABLE_PATHS))
        line = draw(st.sampled_from(["[{}]", "[[{}]]", "{} = 1", "{} = {{x = 1}}"])).format(path)
        lines.append(line)
        if draw(st.booleans()):
            lines.append(f"k{index} = {index}")
    return "\n".join(lines) + "\n"


@needs_rtoml
@given(dumped())
def test_documents_parse_identically(text: str) -> None:
    assert mismatch(text) is None


@needs_rtoml
@given(mutated(dumped()))
def test_mutated_documents_parse_identically(text: str) -> None:
    assert mismatch(text) is None


@needs_rtoml
@given(mutated(st.builds(lambda t, s: f"x = {t}\n{s}", inline_table(), st.sampled_from(["", "y = 1.5\n", "[t]\nz = {a = 1}\n"]))))
def test_inline_tables_parse_identically(text: str) -> None:
    assert mismatch(text) is None


@needs_rtoml
@given(mutated(table_sequence()))
def test_table_orders_parse_identically(text: str) -> None:
    assert mismatch(text) is None


@needs_rtoml
@given(toml_documents(st.floats(allow_nan=False), min_size=1))
def test_documents_read_back_as_written(data: dict[str, Any]) -> None:
    """The rtoml path gives what tomli_w wrote, not only what tomli gives."""
    text = tomli_w.dumps(data)
    assert parse_toml(text, parser="rtoml") == data


# -- choosing the parser -------------------------------------------------------------------------


def test_tomli_is_the_default() -> None:
    assert toml_parser({}) == "tomli"
    assert toml_parser({"COMPETENCY_TOML_PARSER": ""}) == "tomli"
    assert toml_parser({"COMPETENCY_TOML_PARSER": "tomli"}) == "tomli"
    assert parse_toml("a = 1") == {"a": 1}


@needs_rtoml
def test_the_setting_selects_rtoml() -> None:
    assert toml_parser({"COMPETENCY_TOML_PARSER": "rtoml"}) == "rtoml"
    assert toml_parser({"COMPETENCY_TOML_PARSER": " rtoml "}) == "rtoml"


def spy_on_parse_toml(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The parser named in each call of parse_toml by the engine."""
    chosen: list[str] = []
    real = sources.parse_toml

    def spy(text: str, source: str = "", parser: str = "tomli") -> dict[str, Any]:
        chosen.append(parser)
        return real(text, source, parser)

    monkeypatch.setattr(engine_module, "parse_toml", spy)
    return chosen


@pytest.mark.parametrize("setting", [None, "", "tomli", pytest.param("rtoml", marks=needs_rtoml)])
def test_the_engine_parses_with_the_parser_its_env_names(
    monkeypatch: pytest.MonkeyPatch, examples: list[Path], setting: str | None, as_of: datetime.date
) -> None:
    def engine(env: dict[str, str]) -> Engine:
        return Engine(plugins=False, frameworks_dirs=[REPO / "frameworks"], search_pyproject=False, env=env)

    expected = [engine({}).validate(path, as_of=as_of) for path in examples]
    chosen = spy_on_parse_toml(monkeypatch)
    chosen_engine = engine({} if setting is None else {"COMPETENCY_TOML_PARSER": setting})
    assert [chosen_engine.validate(path, as_of=as_of) for path in examples] == expected
    assert chosen == [setting or "tomli"] * len(examples)
    text = examples[0].read_text("utf-8")
    assert chosen_engine.validate(text, as_of=as_of, name=str(examples[0])) == expected[0]
    assert chosen[-1] == (setting or "tomli")


@needs_rtoml
def test_the_engine_reports_syntax_errors_alike_with_rtoml(as_of: datetime.date) -> None:
    engines = [
        Engine(plugins=False, search_pyproject=False, env={"COMPETENCY_TOML_PARSER": parser}) for parser in ("tomli", "rtoml")
    ]
    for text in ['[subject]\nid = "x', "\ufeff[subject]", "a = {b =\n1}", "[x.y]\n[z]\n[x]\n[x]"]:
        first, second = (engine.validate(text, as_of=as_of, name="bad.toml") for engine in engines)
        assert first == second
        assert first.problems and "TOML syntax error at line" in first.problems[0].message


def test_an_unknown_parser_is_a_configuration_error(tmp_path: Path, as_of: datetime.date) -> None:
    message = r"unknown TOML parser 'toml' \(set COMPETENCY_TOML_PARSER to one of: tomli, rtoml\)"
    with pytest.raises(ConfigurationError, match=message):
        toml_parser({"COMPETENCY_TOML_PARSER": "toml"})
    with pytest.raises(ConfigurationError, match=message):
        parse_toml("a = 1", parser="toml")
    engine = Engine(plugins=False, search_pyproject=False, env={"COMPETENCY_TOML_PARSER": "toml"})
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigurationError, match=message):  # before the input's own errors
        engine.validate(missing, as_of=as_of)
    with pytest.raises(ConfigurationError, match=message):
        engine.validate("a = ", as_of=as_of)
    assert not engine.validate({}, as_of=as_of).ok  # parsed data needs no parser: the usual problems


@pytest.fixture
def without_rtoml(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if the extra were not installed: importing rtoml fails."""
    monkeypatch.setitem(sys.modules, "rtoml", None)
    rtoml_compat._rtoml_loads.cache_clear()
    yield
    monkeypatch.undo()
    rtoml_compat._rtoml_loads.cache_clear()


@pytest.mark.usefixtures("without_rtoml")
def test_rtoml_without_the_extra_is_a_configuration_error(as_of: datetime.date) -> None:
    with pytest.raises(ConfigurationError) as raised:
        toml_parser({"COMPETENCY_TOML_PARSER": "rtoml"})
    assert str(raised.value) == MISSING_EXTRA
    with pytest.raises(ConfigurationError, match=re.escape(MISSING_EXTRA)):
        parse_toml("a = 1", parser="rtoml")
    engine = Engine(plugins=False, search_pyproject=False, env={"COMPETENCY_TOML_PARSER": "rtoml"})
    with pytest.raises(ConfigurationError, match=re.escape(MISSING_EXTRA)):
        engine.validate("a = 1", as_of=as_of)
    assert toml_parser({}) == "tomli"  # the default needs nothing more


def test_the_cli_reports_a_bad_setting_as_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], examples: list[Path]
) -> None:
    from competency.cli import main

    monkeypatch.setenv("COMPETENCY_TOML_PARSER", "fast")
    with pytest.raises(SystemExit) as exited:
        main(["--frameworks-dir", str(REPO / "frameworks"), "validate", str(examples[0])])
    assert exited.value.code == 3
    assert "Error: unknown TOML parser 'fast'" in capsys.readouterr().err
