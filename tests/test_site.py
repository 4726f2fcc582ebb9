"""The course website (`make site`): built offline from the notebooks, checked in Chromium.

A module fixture builds the site from scratch into a temp folder with the same sphinx-build
command as `make site` (site/conf.py; the notebooks are rendered with their stored outputs,
never executed) and times the build. The pages are then served on 127.0.0.1 by Python's
http.server and opened in Debian's Chromium (``/usr/bin/chromium``) through Playwright, one
browser and one tab for the whole file:

- every page loads without console errors and without a single request to another host;
- every ``<img>`` has a non-empty alt, and every quiz and explorer carries the
  "Run the notebook to use this." note;
- every internal link resolves to a file of the build, and its fragment to an id there;
- each lesson's launch buttons open that notebook on Binder (JupyterLab) and on Colab, and
  its download button hands out the notebook;
- every page has the licence footer; the home page lists lessons 00-10 in order, then the
  instructor guide, hosting and architecture;
- Sphinx's search (search.html?q=…) finds lesson 02 for a word that only lesson 02 uses.

The figures (build seconds, pages, images, links) go to ``test-artifacts/site.json``.
Without Chromium or the playwright package the file is skipped, unless
``COURSE_REQUIRE_BROWSER=1``: then it fails.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS

from conftest import ROOT

pytestmark = pytest.mark.browser

REPOSITORY = "cnn-course/image-classification-cnn"
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GUIDES = ["instructors", "hosting", "architecture"]
ARTIFACT = ROOT / "test-artifacts" / "site.json"
BUILD_LIMIT_S = 180  # a full build takes well under a minute on a 2-core laptop
PAGE_TIMEOUT_MS = 30_000
# Only lesson 02 uses this word (human accuracy on CIFAR-10); the test checks the other pages.
SEARCH_WORD = "karpathy"
SEARCH_PAGE = "02_cifar10_cnn"
FOOTER = "Code: MIT licence. Lesson text and figures: CC BY 4.0."
LICENCE_LINKS = [
    f"https://github.com/{REPOSITORY}/blob/main/LICENSE",
    "https://creativecommons.org/licenses/by/4.0/",
]
RUN_NOTE = "Run the notebook to use this."
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _require_browser() -> None:
    """Skip without Chromium or playwright; fail instead when COURSE_REQUIRE_BROWSER is set."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium"
    elif importlib.util.find_spec("playwright") is None:
        reason = "the playwright package is missing: pip install -r requirements-dev.txt"
    elif importlib.util.find_spec("myst_nb") is None:
        reason = "Sphinx and MyST-NB are missing: pip install -r requirements-dev.txt"
    else:
        return
    if os.environ.get("COURSE_REQUIRE_BROWSER", "").strip() not in ("", "0"):
        pytest.fail(f"{reason} (COURSE_REQUIRE_BROWSER is set, so this is a failure)")
    pytest.skip(reason)


# --- the build and its server -------------------------------------------------------------


@dataclass
class Site:
    """A fresh build of the site, served on 127.0.0.1."""

    html: Path
    url: str
    build_seconds: float
    figures: dict[str, Any] = field(default_factory=dict)

    def page_url(self, page: str) -> str:
        return f"{self.url}/{page}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Build the site as `make site` does (from scratch, into a temp folder) and serve it."""
    _require_browser()
    base = tmp_path_factory.mktemp("site")
    html = base / "html"
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going",
        "-c", "site", "-d", str(base / "doctrees"), ".", str(html),
    ]  # fmt: skip
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stdout}\n{result.stderr}"
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    built = Site(html, f"http://127.0.0.1:{server.server_address[1]}", seconds)
    built.figures["build_seconds"] = round(seconds, 1)
    try:
        yield built
    finally:
        server.shutdown()
        server.server_close()
        ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
        ARTIFACT.write_text(json.dumps(built.figures, indent=2) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def tab(site: Site) -> Iterator[Any]:
    """One Chromium tab for the whole file; requests to any other host are refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            chromium_sandbox=False,
            args=CHROMIUM_ARGS,
            timeout=30_000,
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000})
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            page = context.new_page()
            page.course_console = []  # type: ignore[attr-defined]
            page.course_offsite = []  # type: ignore[attr-defined]

            def on_console(message: Any) -> None:
                if message.type == "error":
                    page.course_console.append(f"{page.url}: {message.text}")

            def route(request_route: Any) -> None:
                url = request_route.request.url
                if url.startswith(site.url + "/"):
                    request_route.continue_()
                else:
                    page.course_offsite.append(f"{page.url}: {url}")
                    request_route.abort()

            page.on("console", on_console)
            page.on("pageerror", lambda exc: page.course_console.append(f"{page.url}: {exc}"))
            page.route("**/*", route)
            yield page
        finally:
            browser.close()


# --- reading the built HTML ----------------------------------------------------------------


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


@functools.cache
def _ids(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def _pages(html: Path) -> list[str]:
    """Every HTML page of the build (relative paths), the redirect at the top included.

    Not the theme's templates that Sphinx copies into _static/ with the assets.
    """
    pages = (p.relative_to(html).as_posix() for p in html.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith("_static/"))


# What the test reads from each page, in the browser (after the page's scripts ran).
_PAGE_FACTS_JS = """() => ({
    images: [...document.querySelectorAll('img')].map(i => ({
        src: (i.getAttribute('src') || '').slice(0, 80), alt: i.getAttribute('alt')})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
    binder: [...document.querySelectorAll('.article-header-buttons a[href*="mybinder.org"]')]
        .map(a => a.href),
    colab: [...document.querySelectorAll('.article-header-buttons a[href*="colab.research"]')]
        .map(a => a.href),
    downloads: [...document.querySelectorAll('.article-header-buttons a[href$=".ipynb"]')]
        .map(a => a.getAttribute('href')),
    footer: [...document.querySelectorAll('footer')].map(f => f.innerText).join(' '),
    licences: [...document.querySelectorAll('footer .course-licence a')].map(a => a.href),
    notes: [...document.querySelectorAll('.course-run-note')].map(e => e.innerText.trim()),
    math: document.querySelectorAll('mjx-container').length,
    title: document.title,
})"""


def _visit(tab: Any, url: str) -> dict[str, Any]:
    tab.goto(url, wait_until="load")
    return tab.evaluate(_PAGE_FACTS_JS)


@pytest.fixture(scope="module")
def facts(site: Site, tab: Any) -> dict[str, dict[str, Any]]:
    """Each content page's facts, read in the browser (one visit each)."""
    pages = [p for p in _pages(site.html) if p != "index.html"]
    found = {page: _visit(tab, site.page_url(page)) for page in pages}
    site.figures["pages"] = len(pages)
    site.figures["images"] = sum(len(f["images"]) for f in found.values())
    return found


def _lesson_page(lesson: str) -> str:
    return f"notebooks/{lesson}.html"


# --- the tests -----------------------------------------------------------------------------


def test_the_build_is_quick_and_has_every_page(site: Site) -> None:
    assert site.build_seconds < BUILD_LIMIT_S, f"the build took {site.build_seconds:.0f} s"
    pages = set(_pages(site.html))
    expected = {"index.html", "site/index.html", "search.html", "genindex.html"}
    expected |= {_lesson_page(lesson) for lesson in LESSONS}
    expected |= {f"docs/{guide}.html" for guide in GUIDES}
    assert expected <= pages, f"missing pages: {sorted(expected - pages)}"
    assert len(LESSONS) >= 11 and LESSONS[0].startswith("00_") and LESSONS[10].startswith("10_")
    stray = {p for p in pages if not p.startswith(("site/", "notebooks/", "docs/"))}
    assert stray <= {"index.html", "search.html", "genindex.html"}, sorted(stray)
    # A local MathJax, nothing from a CDN (the build itself checks every tag; this checks the
    # copy is there for lesson 00's formulas).
    assert (site.html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_pages_load_offline_without_errors(site: Site, tab: Any, facts: dict) -> None:
    assert facts, "no page was visited"
    assert tab.course_offsite == [], "requests to other hosts:\n" + "\n".join(tab.course_offsite)
    assert tab.course_console == [], "console errors:\n" + "\n".join(tab.course_console)
    for page, found in facts.items():
        if page.startswith(("notebooks/", "docs/", "site/")):
            assert FOOTER in " ".join(found["footer"].split()), f"{page}: no licence footer"
            assert found["licences"] == LICENCE_LINKS, page
    # Lesson 00's formulas are typeset by the local MathJax.
    assert facts[_lesson_page(LESSONS[0])]["math"] > 0


def test_every_image_has_alt_text_and_widgets_a_note(site: Site, facts: dict) -> None:
    missing = [
        f"{page}: {image['src']}"
        for page, found in facts.items()
        for image in found["images"]
        if not (image["alt"] or "").strip()
    ]
    assert missing == [], "images without alt text:\n" + "\n".join(missing)
    for lesson in LESSONS:
        notebook = json.loads((ROOT / "notebooks" / f"{lesson}.ipynb").read_text("utf-8"))
        widgets = sum(
            1
            for cell in notebook["cells"]
            if cell["cell_type"] == "code"
            and any(m in "".join(cell["source"]) for m in ("show_quiz(", "explorer("))
            and any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", []))
        )
        assert facts[_lesson_page(lesson)]["notes"] == [RUN_NOTE] * widgets, lesson
    site.figures["run_notes"] = sum(len(found["notes"]) for found in facts.values())


def test_every_internal_link_resolves(site: Site, facts: dict) -> None:
    broken: list[str] = []
    links = fragments = 0
    for page, found in facts.items():
        base = f"/{page}"
        for href in found["links"]:
            if not href or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
                continue  # https:, mailto:, javascript: …: not part of the site
            parts = urlsplit(urljoin(base, href))
            target = site.html / unquote(parts.path).lstrip("/")
            if target.is_dir():
                target = target / "index.html"
            links += 1
            if not target.is_file():
                broken.append(f"{page}: {href} (no file)")
                continue
            if parts.fragment and target.suffix == ".html":
                fragments += 1
                if unquote(parts.fragment) not in _ids(target):
                    broken.append(f"{page}: {href} (no id {parts.fragment!r})")
    site.figures["links_checked"] = links
    site.figures["fragments_checked"] = fragments
    assert links > 100
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(sorted(set(broken))[:40])


def test_the_home_page_lists_the_lessons_then_the_guides(site: Site, facts: dict) -> None:
    links = [href for href in facts["site/index.html"]["links"]]
    order = [f"../notebooks/{lesson}.html" for lesson in LESSONS]
    order += [f"../docs/{guide}.html" for guide in GUIDES]
    positions = [links.index(href) for href in order]  # the first mention: the sidebar
    assert positions == sorted(positions), "the navigation is out of order"
    # The README's lesson table: each lesson is linked from the page's content, too.
    content = (site.html / "site" / "index.html").read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert content.count(f'href="../notebooks/{lesson}.html"') >= 2, lesson


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_launches_on_binder_and_colab(lesson: str, facts: dict) -> None:
    found = facts[_lesson_page(lesson)]
    notebook = f"notebooks/{lesson}.ipynb"
    assert found["binder"] == [
        f"https://mybinder.org/v2/gh/{REPOSITORY}/main?urlpath=lab/tree/{notebook}"
    ]
    assert found["colab"] == [
        f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/{notebook}"
    ]
    assert any(href.endswith(f"_sources/{notebook}") for href in found["downloads"]), found


def test_search_finds_lesson_02(site: Site, tab: Any) -> None:
    # The word must be distinctive: in lesson 02's text, in no other lesson or guide.
    sources = [ROOT / "notebooks" / f"{lesson}.ipynb" for lesson in LESSONS]
    sources += [ROOT / "docs" / f"{guide}.md" for guide in GUIDES]
    users = [p.stem for p in sources if SEARCH_WORD in p.read_text("utf-8").lower()]
    assert users == [SEARCH_PAGE], f"{SEARCH_WORD!r} is in {users}: pick another word"
    tab.goto(site.page_url(f"search.html?q={SEARCH_WORD}"), wait_until="load")
    tab.wait_for_function(
        "() => /Search finished|did not match/i.test("
        "document.querySelector('#search-results')?.innerText || '')",
        timeout=PAGE_TIMEOUT_MS,
    )
    hits = tab.eval_on_selector_all(
        "#search-results ul.search li a", "links => links.map(a => a.getAttribute('href'))"
    )
    site.figures["search"] = {"word": SEARCH_WORD, "hits": len(hits)}
    assert any(f"notebooks/{SEARCH_PAGE}.html" in href for href in hits), hits
    assert tab.course_console == [], "console errors:\n" + "\n".join(tab.course_console)


# --- the build-time hook, without a build ---------------------------------------------------


def _course_site() -> Any:
    """site/course_site.py, the extension that conf.py loads (not an installed package)."""
    spec = importlib.util.spec_from_file_location("course_site", ROOT / "site" / "course_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cell(kind: str, source: str, outputs: list[dict] | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "source": source, "metadata": {}}
    if kind == "code":
        cell["outputs"] = outputs or []
    return cell


def _output(data: dict[str, str]) -> dict[str, Any]:
    return {"output_type": "display_data", "data": data, "metadata": {}}


def test_figures_get_their_alt_and_widgets_a_static_copy() -> None:
    if importlib.util.find_spec("sphinx") is None:
        pytest.skip("Sphinx is missing: pip install -r requirements-dev.txt")
    course_site = _course_site()
    notebook = {
        "metadata": {"widgets": {"state": {}}},
        "cells": [
            _cell("markdown", "Text.\n\n*Figure: a `loss` curve,\nfalling<!--out-->.*"),
            _cell("code", "plot()", [_output({"image/png": "iVBOR", "text/plain": "<Figure>"})]),
            _cell("markdown", "## Quiz"),
            _cell("code", "show_quiz([])", [_output({WIDGET_VIEW: "{}", "text/plain": "Quiz"})]),
        ],
    }
    counts = course_site.prepare_notebook(notebook, "lesson")
    assert counts == {"images": 1, "widgets": 1, "notes": 1}
    assert notebook["cells"][1]["metadata"]["mystnb"]["image"]["alt"] == "a loss curve, falling."
    quiz = notebook["cells"][3]["outputs"]
    assert quiz[0]["data"] == {"text/plain": "Quiz"}
    assert quiz[1]["data"]["text/plain"] == RUN_NOTE
    assert "widgets" not in notebook["metadata"]


def test_a_figure_without_its_sentence_stops_the_build() -> None:
    if importlib.util.find_spec("sphinx") is None:
        pytest.skip("Sphinx is missing: pip install -r requirements-dev.txt")
    course_site = _course_site()
    notebook = {
        "metadata": {},
        "cells": [
            _cell("markdown", "A plot follows."),
            _cell("code", "plot()", [_output({"image/png": "iVBOR"})]),
        ],
    }
    with pytest.raises(Exception, match=r"lesson: cell 1: 1 output image\(s\) but no"):
        course_site.prepare_notebook(notebook, "lesson")
