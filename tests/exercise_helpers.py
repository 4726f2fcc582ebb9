"""Helpers for the exercise-check tests: run the solutions published in the notebooks."""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

_EXERCISE_HEADING = re.compile(r"^##\s+Exercise\s+(\d+)\b", re.MULTILINE)
_SOLUTION_BLOCK = re.compile(
    r"<details>\s*<summary>\s*Solution\s*</summary>.*?```python\n(.*?)```.*?</details>",
    re.DOTALL,
)


def solutions(notebook: str) -> dict[int, str]:
    """Map exercise number -> the Python code of its published solution."""
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    found: dict[int, str] = {}
    current: int | None = None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        heading = _EXERCISE_HEADING.search(cell.source)
        if heading:
            current = int(heading.group(1))
        for code in _SOLUTION_BLOCK.findall(cell.source):
            assert current is not None, f"{notebook}: a solution comes before any exercise"
            assert current not in found, f"{notebook}: exercise {current} has two solutions"
            found[current] = code
    return found


def run_solution(notebook: str, number: int) -> dict[str, Any]:
    """Execute the solution of exercise ``number``; return the names it defines."""
    namespace: dict[str, Any] = {"np": np, "math": math}
    code = compile(solutions(notebook)[number], f"{notebook} exercise {number}", "exec")
    with contextlib.redirect_stdout(io.StringIO()):  # a solution may print; keep it apart
        exec(code, namespace)
    return namespace


def printed(capsys: pytest.CaptureFixture[str]) -> str:
    """What the check printed: exactly one message, starting with ✅ or ❌."""
    out = capsys.readouterr().out.strip()
    assert out, "the check printed nothing"
    assert out.count("✅") + out.count("❌") == 1, out
    return out


def assert_passes(capsys: pytest.CaptureFixture[str], ok: bool) -> str:
    out = printed(capsys)
    assert ok is True
    assert out.startswith("✅ Correct — "), out
    return out


def assert_fails(capsys: pytest.CaptureFixture[str], ok: bool, *fragments: str) -> str:
    out = printed(capsys)
    assert ok is False
    assert out.startswith("❌ "), out
    assert "✅" not in out
    for fragment in fragments:
        assert fragment in out, f"{fragment!r} not in {out!r}"
    return out


