"""The HTML reports in a real browser: Chromium, headless, driven over the DevTools protocol.

Every example report (the core's examples, the qi_skills example, the nine_dimension example when its
plugin is importable) and the hostile evidence are rendered to HTML and opened in Chromium, which
must show no console error, fetch nothing, paint a page that is not blank, run none of the
payloads planted in evidence text, and print to an A4 PDF.

Chromium is driven through ``--remote-debugging-pipe`` (file descriptors 3 and 4, JSON messages
ending in NUL), so no Python package beyond the standard library is needed. scripts/test.sh installs
Debian's ``chromium``. Without a browser these tests fail, so that CI cannot pass them by skipping;
set ``COMPETENCY_SKIP_BROWSER=1`` to skip them on a machine without one. Set
``COMPETENCY_SCREENSHOTS=DIR`` to keep the screenshots and PDFs for a person to look at.
"""

from __future__ import annotations

import base64
import datetime
import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
AS_OF = datetime.date(2026, 3, 1)
#: The nine_dimension plugin's examples are dated later; its own tests judge them as of this date.
NINE_DIMENSION_AS_OF = datetime.date(2026, 11, 26)
HOSTILE = REPO / "tests" / "data" / "hostile"

#: The flags every launch uses: headless, no sandbox (containers), nothing fetched in the background.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
)

#: What a payload would leave behind if it ran.
SENTINEL_CHECK = """(() => ({
    title: document.title,
    pwnedAttribute: document.body.hasAttribute('data-pwned'),
    pwnedElement: document.getElementById('pwned') !== null,
    scripts: document.querySelectorAll('script').length,
    handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
        .filter(n => n.startsWith('on')).length,
    externalRefs: [...document.querySelectorAll('[src],[href]')]
        .map(e => e.getAttribute('src') || e.getAttribute('href')).filter(u => !u.startsWith('#')),
    svgs: document.querySelectorAll('svg').length,
    svgsLabelled: [...document.querySelectorAll('svg')].filter(s => s.querySelector(':scope > title')
        && s.querySelector(':scope > desc') && s.getAttribute('role') === 'img').length,
    text: document.body.innerText,
}))()"""


def find_chromium() -> str | None:
    """The Chromium executable: $COMPETENCY_CHROMIUM, ``chromium`` on PATH, or /usr/bin/chromium."""
    for candidate in (os.environ.get("COMPETENCY_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        if os.environ.get("COMPETENCY_SKIP_BROWSER") == "1":
            pytest.skip("no Chromium, and COMPETENCY_SKIP_BROWSER=1")
        pytest.fail("Chromium is not installed: run scripts/test.sh (it installs Debian's chromium), "
                    "or set COMPETENCY_SKIP_BROWSER=1 to skip the browser tests on this machine")
    return found


# -- a minimal DevTools protocol client ----------------------------------------------------------------


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, died, or did not answer in time."""


class Browser:
    """One headless Chromium, spoken to over ``--remote-debugging-pipe``."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()
        # Move the child's ends above 9 so the shell's redirections to 3 and 4 cannot clobber them.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
        os.close(to_child)
        os.close(from_child)
        script = f'exec "$0" "$@" 3<&{high[0]} 4>&{high[1]} {high[0]}<&- {high[1]}>&-'
        args = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        self._log = log.open("wb")
        # bash, not sh: dash cannot redirect descriptors above 9.
        self.process = subprocess.Popen([shutil.which("bash") or "bash", "-c", script, *args], pass_fds=high, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=self._log)
        for fd in high:
            os.close(fd)
        self._next_id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:
        """Send a command and wait for its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 30) -> dict[str, Any]:
        """Wait for an event of this session (it may have arrived already)."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            self.events.append(self._receive(deadline, method))

    def _receive(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise DevToolsError(f"no answer from Chromium to {waiting_for}")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise DevToolsError(f"Chromium closed the pipe (exit code {self.process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (DevToolsError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()  # only the browser this test started
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._log.close()


class Page:
    """What one report did in the browser: its events, the DOM afterwards, a screenshot and a PDF."""

    def __init__(self, browser: Browser, path: Path, *, width: int = 1200, height: int = 1600) -> None:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        first_event = len(browser.events)
        try:
            for domain in ("Page", "Runtime", "Log", "Network"):
                browser.send(f"{domain}.enable", session=session)
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
            browser.send("Page.navigate", {"url": path.as_uri()}, session)
            browser.wait_for("Page.loadEventFired", session)
            evaluated = browser.send("Runtime.evaluate", {"expression": SENTINEL_CHECK, "returnByValue": True}, session)
            self.dom: dict[str, Any] = evaluated["result"]["value"]
            self.screenshot = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session)["data"])
            # Give late console messages (a blocked resource reports asynchronously) a moment to arrive.
            browser.send("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 50))", "awaitPromise": True}, session)
            self.events = [e for e in browser.events[first_event:] if e.get("sessionId") == session]
        finally:
            browser.send("Target.closeTarget", {"targetId": target})

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (CSP violations, failed loads)."""
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                errors.append(str(params.get("exceptionDetails", {}).get("text")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                errors.append(str(params["entry"].get("text")))
        return errors

    def requests(self) -> list[str]:
        """Every URL the page asked for."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    folder = tmp_path_factory.mktemp("chromium")
    started = Browser(chromium, folder / "profile", folder / "chromium.log")
    try:
        started.send("Browser.getVersion", timeout=60)
    except DevToolsError:
        started.close()
        pytest.fail(f"Chromium did not start: {(folder / 'chromium.log').read_text(errors='replace')[-2000:]}")
    yield started
    started.close()


# -- the reports -------------------------------------------------------------------------------------


def _engine(*plugins: Any) -> Any:
    from competency import Engine

    return Engine(plugins=False, extra_plugins=list(plugins), frameworks_dirs=[REPO / "frameworks"],
                  search_pyproject=False, env={})


def _plugin(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        return None


def _cases() -> list[tuple[str, str, Path]]:
    """(case id, plugin module or "", evidence file) for every example and hostile file."""
    cases = [(f"example-{p.stem}", "", p) for p in sorted((REPO / "examples").glob("*.toml"))]
    cases.append(("hostile-core", "", HOSTILE / "core.toml"))
    if _plugin("competency_qi_skills") is not None:
        cases += [(f"qi-{p.stem}", "competency_qi_skills", p)
                  for p in sorted((REPO / "plugins" / "qi_skills" / "examples").glob("*.toml"))]
        cases.append(("hostile-qi", "competency_qi_skills", HOSTILE / "qi.toml"))
    if _plugin("competency_nine_dimension") is not None:
        cases += [(f"nine-{p.stem}", "competency_nine_dimension", p)
                  for p in sorted((REPO / "plugins" / "nine_dimension" / "examples").glob("*.toml"))]
    return cases


CASES = _cases()


def render(plugin: str, evidence: Path, folder: Path, name: str) -> Path:
    """Score one evidence file and write its HTML report; returns the file."""
    engine = _engine(*([_plugin(plugin)] if plugin else []))
    as_of = NINE_DIMENSION_AS_OF if plugin == "competency_nine_dimension" else AS_OF
    card = engine.score(engine.load_evidence(evidence, as_of=as_of), as_of=as_of)
    path = folder / f"{name}.html"
    path.write_text(engine.export([card], "html"), encoding="utf-8")
    return path


def _keep(name: str, data: bytes) -> None:
    folder = os.environ.get("COMPETENCY_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(data)


@pytest.fixture(scope="module")
def pages(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Page]]:
    """Every report rendered and opened once (the checks below share the results)."""
    folder = tmp_path_factory.mktemp("reports")
    opened = {}
    for name, plugin, evidence in CASES:
        path = render(plugin, evidence, folder, name)
        opened[name] = (path, Page(browser, path))
        _keep(f"{name}.png", opened[name][1].screenshot)
    return opened


# -- PNG decoding with the standard library ----------------------------------------------------------


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows of raw pixel bytes) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {depth}/{colour}/{interlace}"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = previous[x]
            corner = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


def ink_statistics(png: bytes, step: int = 4) -> tuple[float, float, int]:
    """(share of sampled pixels that are not near-white, variance of their brightness, distinct colours)."""
    width, height, bpp, rows = decode_png(png)
    values, colours = [], set()
    for y in range(0, height, step):
        row = rows[y]
        for x in range(0, width, step):
            r, g, b = row[x * bpp:x * bpp + 3]
            values.append((r * 299 + g * 587 + b * 114) // 1000)
            colours.add((r >> 4, g >> 4, b >> 4))
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    inked = sum(1 for v in values if v < 235) / len(values)
    return inked, variance, len(colours)


# -- the tests ---------------------------------------------------------------------------------------


def test_every_example_is_covered() -> None:
    names = [name for name, _, _ in CASES]
    assert {"example-gp-partner", "example-practice-manager", "example-receptionist", "hostile-core"} <= set(names)
    if _plugin("competency_qi_skills") is not None:
        assert "qi-practice-nurse-qi" in names


@pytest.mark.parametrize("name", [name for name, _, _ in CASES])
def test_the_page_has_no_console_errors_and_fetches_nothing(pages: dict[str, tuple[Path, Page]], name: str) -> None:
    path, page = pages[name]
    assert page.console_errors() == []
    # The only request is the page itself: no style sheet, font, image or script is fetched.
    assert page.requests() == [path.as_uri()]
    assert page.dom["externalRefs"] == []
    assert page.dom["scripts"] == 0


@pytest.mark.parametrize("name", [name for name, _, _ in CASES])
def test_the_screenshot_is_not_blank(pages: dict[str, tuple[Path, Page]], name: str) -> None:
    inked, variance, colours = ink_statistics(pages[name][1].screenshot)
    # A blank or error page is one flat colour; a report has a banner, text and tables.
    assert inked > 0.15, f"only {inked:.0%} of the page is not white"
    assert variance > 500, f"brightness variance {variance:.0f}: the page looks flat"
    assert colours >= 8


@pytest.mark.parametrize("name", [name for name, _, _ in CASES])
def test_every_chart_is_labelled(pages: dict[str, tuple[Path, Page]], name: str) -> None:
    dom = pages[name][1].dom
    assert dom["svgsLabelled"] == dom["svgs"]
    if name.startswith("qi-"):
        assert dom["svgs"] >= 2  # a run chart and an XmR chart per measure


@pytest.mark.parametrize("name", [name for name, _, _ in CASES if name.startswith("hostile")])
def test_hostile_evidence_runs_nothing_and_reads_as_text(pages: dict[str, tuple[Path, Page]], name: str) -> None:
    dom = pages[name][1].dom
    assert dom["title"] != "PWNED" and dom["title"].startswith("Competency report")
    assert not dom["pwnedAttribute"] and not dom["pwnedElement"]
    assert dom["scripts"] == 0 and dom["handlers"] == 0
    # The payloads are on the page as the text they are.
    assert "<script>document.title='PWNED'</script>" in dom["text"]
    assert "onerror=\"document.body.setAttribute('data-pwned','1')\"" in dom["text"]


def test_escaping_alone_stops_the_payloads(browser: Browser, tmp_path: Path) -> None:
    """The Content-Security-Policy would block inline scripts anyway: take it away and check again."""
    for name, plugin, evidence in CASES:
        if not name.startswith("hostile"):
            continue
        path = render(plugin, evidence, tmp_path, name)
        html = path.read_text(encoding="utf-8")
        without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
        assert without_csp != html
        path.write_text(without_csp, encoding="utf-8")
        page = Page(browser, path)
        assert page.dom["title"] != "PWNED"
        assert not page.dom["pwnedAttribute"] and not page.dom["pwnedElement"]
        assert page.dom["scripts"] == 0 and page.dom["handlers"] == 0
        assert page.requests() == [path.as_uri()]  # the <img src=x> payloads are text, not images


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The width and height (points) of each page of a PDF whose page objects are not compressed."""
    sizes = []
    for match in re.finditer(rb"/Type\s*/Page(?!s)\b(.{0,400}?)/MediaBox\s*\[\s*([\d.\s-]+)\]", pdf, re.S):
        x0, y0, x1, y1 = (float(v) for v in match.group(2).split())
        sizes.append((x1 - x0, y1 - y0))
    if not sizes:  # MediaBox before /Type
        for match in re.finditer(rb"/MediaBox\s*\[\s*([\d.\s-]+)\][^>]{0,400}?/Type\s*/Page(?!s)\b", pdf, re.S):
            x0, y0, x1, y1 = (float(v) for v in match.group(1).split())
            sizes.append((x1 - x0, y1 - y0))
    return sizes


@pytest.mark.parametrize("name", [name for name, _, _ in CASES if not name.startswith("hostile")])
def test_printing_to_pdf_gives_a4_pages(chromium: str, pages: dict[str, tuple[Path, Page]], name: str,
                                        tmp_path: Path) -> None:
    """``--print-to-pdf``, as a person would print the report: A4 pages (@page size A4)."""
    path = pages[name][0]
    pdf = tmp_path / f"{name}.pdf"
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", path.as_uri()],
        capture_output=True, timeout=90, check=False,
    )
    assert pdf.exists(), done.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    _keep(f"{name}.pdf", data)
    assert data.startswith(b"%PDF-")
    count = re.search(rb"/Type\s*/Pages\b.{0,200}?/Count\s+(\d+)", data, re.S)
    assert count and int(count.group(1)) >= 1
    sizes = _pdf_pages(data)
    assert sizes and all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes
