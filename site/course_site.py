"""Sphinx extension for the course website (site/conf.py loads it).

The site renders the committed notebooks without executing them. While Sphinx reads a
lesson (the ``source-read`` event, before MyST-NB parses the notebook JSON), this extension

- gives every output image its alt text: the "*Figure: …*" sentence of the markdown cell
  right before the code cell (MyST-NB reads it from the cell metadata
  ``mystnb: {image: {alt: …}}``); a widget's static picture without such a sentence gets the
  widget's own text/plain fallback; an image with neither stops the build;
- replaces each ipywidgets output (quizzes, explorers, uploaders, the digit canvas) by the
  static alternative the notebook stores with it (text/plain, image/png or text/html), adds
  the note "Run the notebook to use this." under quizzes and explorers, and drops the saved
  widget state, so no page loads require.js or the widget manager from a CDN.

While Sphinx resolves a page, images from the internet (the README's Binder and Colab
badges) become their alt text, so a page fetches nothing from another host. When the build
has finished it copies a local MathJax 3 (from the ``django-static-mathjax`` package: plain
static files) into ``_static/mathjax`` and checks every HTML page: each ``<img>`` has a
non-empty alt, and no ``<script>``, ``<link>``, ``<img>`` or ``<iframe>`` points at another
host. A failed check fails the build (``sphinx-build`` exits non-zero).
"""

from __future__ import annotations

import html.parser
import importlib.util
import json
import re
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RUN_NOTE = "Run the notebook to use this."
RUN_NOTE_HTML = f'<p class="course-run-note"><em>{RUN_NOTE}</em></p>'
# Code cells whose widget gets the note: the quizzes and the explorers.
NOTE_MARKERS = ("show_quiz(", "explorer(")
FIGURE = re.compile(r"\*Figure:\s*(.+?)\*(?!\*)", re.DOTALL)
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
# What MathJax 3 needs at run time, relative to the package's es5/ folder.
MATHJAX_FILES = ("tex-chtml.js", "output/chtml", "input/tex/extensions", "ui", "a11y")
MATHJAX_TARGET = "mathjax"  # under _static/; conf.py's mathjax_path points into it
OFFSITE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def plain_alt(markdown: str) -> str:
    """Markdown of a figure sentence as plain alt text: no code marks, comments or emphasis."""
    text = re.sub(r"<!--.*?-->", "", markdown, flags=re.DOTALL)
    text = re.sub(r"\*\*|__|`", "", text)
    return " ".join(text.split())


def figure_text(markdown: str) -> str | None:
    """The last "*Figure: …*" sentence of a markdown cell, as alt text (None without one)."""
    found = FIGURE.findall(markdown)
    return plain_alt(found[-1]) if found else None


def prepare_notebook(notebook: dict[str, Any], name: str) -> dict[str, int]:
    """Alt text, static widgets and notes for one notebook (nbformat 4 JSON), in place.

    Returns counts (``images``, ``widgets``, ``notes``); raises ExtensionError for an output
    image without alt text or a widget without a static alternative.
    """
    counts = {"images": 0, "widgets": 0, "notes": 0}
    notebook.get("metadata", {}).pop("widgets", None)  # the saved state: needs the CDN
    cells = notebook.get("cells", [])
    problems: list[str] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = _text(cell.get("source", ""))
        outputs = cell.get("outputs", [])
        had_widget = False
        widget_text = ""
        for output in outputs:
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                had_widget = True
                del data[WIDGET_VIEW]
                if not data:
                    problems.append(f"cell {index}: a widget output without a static alternative")
                widget_text = widget_text or plain_alt(_text(data.get("text/plain", "")))
        if had_widget:
            counts["widgets"] += 1
            if any(marker in source for marker in NOTE_MARKERS):
                outputs.append(
                    {
                        "output_type": "display_data",
                        "data": {"text/html": RUN_NOTE_HTML, "text/plain": RUN_NOTE},
                        "metadata": {},
                    }
                )
                counts["notes"] += 1
        n_images = sum(
            1 for output in outputs for mime in IMAGE_MIMES if mime in output.get("data", {})
        )
        if not n_images:
            continue
        previous = cells[index - 1] if index else {}
        alt = None
        if previous.get("cell_type") == "markdown":
            alt = figure_text(_text(previous.get("source", "")))
        alt = alt or widget_text
        if not alt:
            problems.append(
                f"cell {index}: {n_images} output image(s) but no '*Figure: …*' sentence in "
                "the markdown cell right before it"
            )
            continue
        mystnb = cell.setdefault("metadata", {}).setdefault("mystnb", {})
        mystnb.setdefault("image", {})["alt"] = alt
        counts["images"] += n_images
    if problems:
        raise ExtensionError(f"{name}: " + "; ".join(problems))
    return counts


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """Rewrite a notebook's JSON before MyST-NB parses it (the committed file is untouched)."""
    if not app.env.doc2path(docname).suffix == ".ipynb":
        return
    notebook = json.loads(source[0])
    prepare_notebook(notebook, docname)
    source[0] = json.dumps(notebook)


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    """Remote images (the README's badges) become their alt text: pages stay self-contained."""
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not OFFSITE.match(uri) and not uri.startswith(("http:", "https:")):
            continue
        alt = image.get("alt", "").strip()
        if not alt:
            raise ExtensionError(f"{app.env.docname}: a remote image without alt text: {uri}")
        image.replace_self(nodes.inline(alt, alt, classes=["course-badge"]))


class RepositoryLinks(SphinxPostTransform):
    """A link to a Markdown file of the repository that is no page (README.md) goes to GitHub.

    MyST takes ``../README.md#quick-start`` for a link to a page and drops it when no page of
    that name exists; this runs just before MyST resolves links (its priority is 9) and points
    such a link at the file on GitHub instead, fragment included.
    """

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        """Rewrite the links of one document."""
        base = self.config.html_theme_options.get("repository_url", "").rstrip("/")
        branch = self.config.html_theme_options.get("repository_branch", "main")
        for node in list(self.document.findall(addnodes.pending_xref)):
            target = node.get("reftarget", "")
            if node.get("reftype") != "myst" or node.get("refdomain") != "doc":
                continue
            if target in self.env.all_docs:
                continue
            path = Path(self.env.srcdir, f"{target}.md")
            if not (base and path.is_file()):
                continue  # MyST warns about it: the build fails (-W)
            url = f"{base}/blob/{branch}/{target}.md"
            if node.get("reftargetid"):
                url += f"#{node['reftargetid']}"
            reference = nodes.reference("", "", refuri=url, internal=False)
            reference += node[0].deepcopy() if node.children else nodes.Text(target)
            node.replace_self(reference)


class _PageScan(html.parser.HTMLParser):
    """Collects the problems of one HTML page: images without alt, off-site assets."""

    ASSET_ATTRS = {"script": "src", "img": "src", "iframe": "src", "link": "href"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "img":
            self.images += 1
            if not values.get("alt", "").strip():
                self.problems.append(f"<img> without alt: {values.get('src', '')[:80]}")
        attr = self.ASSET_ATTRS.get(tag)
        if attr and OFFSITE.match(values.get(attr, "")):
            if tag == "link" and values.get("rel", "") in ("canonical", "author", "license"):
                return
            self.problems.append(f"<{tag}> loads {values[attr]}")


def check_html(outdir: Path) -> tuple[int, int]:
    """Scan every HTML page of a build; returns (pages, images) or raises ExtensionError."""
    pages = images = 0
    problems: list[str] = []
    for page in sorted(outdir.rglob("*.html")):
        if page.relative_to(outdir).parts[0] == "_static":
            continue  # the theme's templates, copied with its assets
        scan = _PageScan()
        scan.feed(page.read_text(encoding="utf-8"))
        pages += 1
        images += scan.images
        problems += [f"{page.relative_to(outdir)}: {problem}" for problem in scan.problems]
    if problems:
        raise ExtensionError("the site fails its checks:\n  " + "\n  ".join(problems[:20]))
    return pages, images


def mathjax_source() -> Path:
    """The es5/ folder of MathJax 3 as the django-static-mathjax package installs it."""
    spec = importlib.util.find_spec("mathjax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / "tex-chtml.js").is_file():
            return es5
    raise ExtensionError(
        "MathJax 3 is missing (lesson 00 has formulas): pip install -r requirements-dev.txt "
        "(the package django-static-mathjax)"
    )


def copy_mathjax(static_dir: Path) -> None:
    """Copy the parts of MathJax 3 that a page loads into ``_static/mathjax``."""
    source = mathjax_source()
    target = static_dir / MATHJAX_TARGET
    for name in MATHJAX_FILES:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, target / name, dirs_exist_ok=True)
        elif path.is_file():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)


def _on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    copy_mathjax(outdir / "_static")
    pages, images = check_html(outdir)
    logger.info(
        f"course site: {pages} pages, {images} images, all with alt text; "
        "nothing loaded from another host"
    )


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the event handlers."""
    app.connect("source-read", _on_source_read)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("build-finished", _on_build_finished)
    app.add_post_transform(RepositoryLinks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
