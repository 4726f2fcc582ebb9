"""Sphinx configuration of the course website (`make site`, built into site/_build/html).

Sphinx's source folder is the repository root, this folder only holds the configuration:

    sphinx-build -b html -c site . site/_build/html

so that notebooks/, docs/ and README.md keep their own relative links. ``include_patterns``
names the pages (this folder's index.md, the lessons, the three guides); nothing else in the
repository becomes a page. The notebooks are rendered with their stored outputs and never
executed; ``course_site`` (next to this file) adds alt text, static widgets and the checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent
sys.path.insert(0, str(SITE))

REPOSITORY = "cnn-course/image-classification-cnn"  # as in course_utils/links.py
REPOSITORY_URL = f"https://github.com/{REPOSITORY}"

project = "Image classification with convolutional neural networks"
author = "the course authors"
html_title = "Image classification with CNNs"

extensions = ["myst_nb", "course_site"]

root_doc = "site/index"
include_patterns = ["site/index.md", "notebooks/[0-9][0-9]_*.ipynb", "docs/*.md"]
# Not walked at all (include_patterns alone would still look through them).
exclude_patterns = [
    ".venv",
    ".git",
    ".ci",
    ".ci-data",
    "data",
    "site/_build",
    "tests",
    "notebooks_py",
    "hub",
    "benchmarks",
    "binder",
    "jupyterlab",
    "test-artifacts",
    "course_utils",
    "*.egg-info",
    "**/.ipynb_checkpoints",
    "notebooks/saved_models",
]

# --- MyST and MyST-NB -------------------------------------------------------------------
nb_execution_mode = "off"  # the stored outputs of a full run, as committed
nb_ipywidgets_js: dict = {}  # no require.js, no widget manager from a CDN
myst_enable_extensions = ["dollarmath"]  # lesson 00's formulas, $…$ as in Jupyter
myst_heading_anchors = 4  # the guides link to their own sections: #quick-start, …
nb_merge_streams = True

# --- HTML ------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_static_path = [str(SITE / "_static")]
html_css_files = ["course.css"]
# index.html at the top of the build: a redirect to the home page, site/index.html (the
# source folder is the repository root, so the home page's name is site/index).
html_extra_path = [str(SITE / "_extra")]
html_copy_source = True
html_sourcelink_suffix = ""  # the download button hands out the .ipynb itself
html_show_sphinx = False
html_show_copyright = False
html_last_updated_fmt = None
# A local MathJax 3 (course_site copies it into _static/mathjax): nothing from a CDN.
mathjax_path = "mathjax/tex-chtml.js"

# Light or dark as the reader's system says (without it the theme logs an error on a first visit).
html_context = {"default_mode": "auto"}

html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "",
    "use_repository_button": True,
    "use_source_button": True,
    "use_download_button": True,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
    "extra_footer": (
        f'<p class="course-licence">Code: <a href="{REPOSITORY_URL}/blob/main/LICENSE">MIT'
        " licence</a>. Lesson text and figures: "
        '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>'
    ),
}
