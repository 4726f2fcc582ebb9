"""Launch links: open a lesson on Binder (JupyterLab) or Google Colab.

The course lives in one GitHub repository, named once here. Every lesson shows
the links that :func:`launch_links_markdown` makes for it, right under its title,
and the README lists them for all lessons. A test checks that the notebooks and
the README agree with this module, so moving the repository means changing
``GITHUB_REPOSITORY`` (and ``BRANCH``) and pasting the new lines the test prints.

    >>> binder_url("01_mnist_cnn.ipynb")
    'https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/01_mnist_cnn.ipynb'
"""

from __future__ import annotations

__all__ = [
    "BRANCH",
    "GITHUB_REPOSITORY",
    "binder_url",
    "colab_url",
    "launch_links_markdown",
    "pip_install_url",
]

GITHUB_REPOSITORY = "cnn-course/image-classification-cnn"
"""``owner/name`` of the course's repository on GitHub."""

BRANCH = "main"
"""The branch the launch links open."""

BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def _check_name(notebook: str) -> str:
    if "/" in notebook or not notebook.endswith(".ipynb"):
        raise ValueError(
            f"Give the notebook's file name inside notebooks/, such as "
            f"'01_mnist_cnn.ipynb' (got {notebook!r})."
        )
    return notebook


def binder_url(notebook: str) -> str:
    """The mybinder.org link that opens ``notebooks/<notebook>`` in JupyterLab."""
    name = _check_name(notebook)
    return (
        f"https://mybinder.org/v2/gh/{GITHUB_REPOSITORY}/{BRANCH}"
        f"?urlpath=lab/tree/notebooks/{name}"
    )


def colab_url(notebook: str) -> str:
    """The Google Colab link that opens ``notebooks/<notebook>`` from GitHub."""
    name = _check_name(notebook)
    return (
        f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}"
        f"/blob/{BRANCH}/notebooks/{name}"
    )


def pip_install_url() -> str:
    """What ``pip install`` takes to install course_utils from GitHub (used on Colab)."""
    return f"git+https://github.com/{GITHUB_REPOSITORY}@{BRANCH}"


def launch_links_markdown(notebook: str) -> str:
    """The two badges (Binder, Colab) that sit under a lesson's title, as markdown.

    The links are markdown reference definitions, one per line, so the cell stays
    readable in the notebook's ``.py`` twin.
    """
    return "\n".join(
        [
            "[![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]",
            "",
            f"[binder]: {binder_url(notebook)}",
            f"[colab]: {colab_url(notebook)}",
            f"[binder-badge]: {BINDER_BADGE}",
            f"[colab-badge]: {COLAB_BADGE}",
        ]
    )
