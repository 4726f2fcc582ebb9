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
