"""Test-wide setup (applies to tests/ and the nbval run over notebooks/).

Notebooks run in fast mode (COURSE_FAST=1) unless you set COURSE_FAST yourself,
and nbval compares stdout only: TensorFlow and absl write log lines to stderr at
import, which would make every notebook differ from its stored outputs.
"""

from __future__ import annotations

import os

os.environ.setdefault("COURSE_FAST", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_collectstart(collector):
    """Tell nbval not to compare stderr of notebook cells."""
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb":
        collector.skip_compare += ("stderr",)


# The slowest test files, measured with --durations (2-core machine, fast mode), slowest
# first. `make test` hands whole files to 2 workers in collection order (--dist loadfile
# --no-loadscope-reorder); starting the long files first keeps one worker from running a
# 3-minute file alone at the end (longest-first scheduling).
SLOW_FIRST = (
    "tests/test_hub.py",
    "tests/test_rerun_lessons.py",
    "tests/test_browser.py",
    "notebooks/10_scaling_up.ipynb",
    "tests/test_benchmarks.py",
    "notebooks/05_custom_folder_dataset.ipynb",
    "notebooks/08_transfer_learning.ipynb",
)


def pytest_collection_modifyitems(session, config, items):
    """Run the files of SLOW_FIRST first, in that order; the others keep their order."""
    root = config.rootpath

    def rank(item) -> int:
        try:
            name = item.path.relative_to(root).as_posix()
        except ValueError:
            return len(SLOW_FIRST)
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # a stable sort: the order inside each file stays as it was
