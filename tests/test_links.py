"""Launch links (Binder, Colab) in every lesson and the README, and the Colab install cell."""

from __future__ import annotations

import builtins
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from course_utils import links

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]

OWNER_REPO = r"(?P<repo>[\w.-]+/[\w.-]+)"
BINDER = re.compile(
    rf"https://mybinder\.org/v2/gh/{OWNER_REPO}/(?P<branch>[\w.-]+)"
    r"\?urlpath=lab/tree/notebooks/(?P<file>[\w.-]+\.ipynb)"
)
COLAB = re.compile(
    rf"https://colab\.research\.google\.com/github/{OWNER_REPO}/blob/(?P<branch>[\w.-]+)"
    r"/notebooks/(?P<file>[\w.-]+\.ipynb)"
)
ANY_LAUNCH_URL = re.compile(r"https://(mybinder\.org|colab\.research\.google\.com)/\S+?(?=[)\s]|$)")


def _launch_urls(text: str) -> list[str]:
    return [m.group(0) for m in ANY_LAUNCH_URL.finditer(text) if "badge" not in m.group(0)]


def _check_url(url: str) -> str:
    """Assert a launch URL has the right form and names an existing notebook; return it."""
    match = BINDER.fullmatch(url) or COLAB.fullmatch(url)
    assert match, f"malformed launch link: {url}"
    assert match["repo"] == links.GITHUB_REPOSITORY and match["branch"] == links.BRANCH, url
    assert (ROOT / "notebooks" / match["file"]).is_file(), f"{url} names no notebook"
    return match["file"]


def test_url_patterns_reject_broken_links() -> None:
    good = links.binder_url("01_mnist_cnn.ipynb")
    assert BINDER.fullmatch(good) and COLAB.fullmatch(links.colab_url("01_mnist_cnn.ipynb"))
    for bad in (
        good.replace("urlpath=lab/tree/", "filepath="),  # opens classic notebook, not Lab
        good.replace("/v2/gh/", "/v2/"),
        links.colab_url("01_mnist_cnn.ipynb").replace("/blob/", "/tree/"),
    ):
        assert not (BINDER.fullmatch(bad) or COLAB.fullmatch(bad)), bad
    with pytest.raises(AssertionError, match="names no notebook"):
        _check_url(links.binder_url("99_missing.ipynb"))
    with pytest.raises(ValueError, match="file name inside notebooks"):
        links.colab_url("notebooks/01_mnist_cnn.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_title_cell_links_to_this_notebook_on_binder_and_colab(path: Path) -> None:
    title = nbformat.read(path, as_version=4).cells[0].source
    expected = links.launch_links_markdown(path.name)
    assert expected in title, f"paste this under the title of {path.name}:\n{expected}"
    urls = _launch_urls(title)
    assert len(urls) == 2, urls
    assert {_check_url(u) for u in urls} == {path.name}
    assert any(BINDER.fullmatch(u) for u in urls) and any(COLAB.fullmatch(u) for u in urls)


def test_readme_links_every_lesson_on_binder_and_colab() -> None:
    urls = _launch_urls((ROOT / "README.md").read_text(encoding="utf-8"))
    named = [_check_url(u) for u in urls]
    for path in NOTEBOOKS:
        assert named.count(path.name) == 2, f"README needs a Binder and a Colab link to {path.name}"


def _colab_cell(path: Path) -> str:
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    return code[0].source


def test_first_code_cell_is_the_same_colab_install_cell_everywhere() -> None:
    cells = {_colab_cell(p) for p in NOTEBOOKS}
    assert len(cells) == 1, "the Colab install cells differ between lessons"
    cell = cells.pop()
    assert 'if "google.colab" in sys.modules:' in cell
    assert links.pip_install_url() in cell


def _run_colab_cell(monkeypatch: pytest.MonkeyPatch, on_colab: bool, installed: bool) -> list:
    calls: list = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if not installed:
        real_import = builtins.__import__

        def no_course_utils(name, *args, **kwargs):
            if name == "course_utils":
                raise ImportError("No module named 'course_utils'")
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_course_utils)
    exec(compile(_colab_cell(NOTEBOOKS[0]), "colab-cell", "exec"), {})
    return calls


def test_colab_cell_does_nothing_outside_colab(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_colab_cell(monkeypatch, on_colab=False, installed=False) == []


def test_colab_cell_does_nothing_when_course_utils_is_installed(monkeypatch) -> None:
    assert _run_colab_cell(monkeypatch, on_colab=True, installed=True) == []


def test_colab_cell_pip_installs_the_repository_on_colab(monkeypatch) -> None:
    calls = _run_colab_cell(monkeypatch, on_colab=True, installed=False)
    assert len(calls) == 1
    (command,), kwargs = calls[0]
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert command[-1] == links.pip_install_url() and kwargs == {"check": True}
