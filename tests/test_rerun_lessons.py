"""Lessons that write files can run again, and in another order, in the same checkout.

Only two lessons write anything (checked with a search of notebooks/*.py for open(..., "w"),
save, export, mkdir, shutil and tempfile):

- lesson 06 writes models, weights, checkpoints, an export and a PNG into
  ``notebooks/saved_models/lesson06/``;
- lesson 05 builds a broken demo folder with ``tempfile.mkdtemp()`` and deletes it.

The test runs 06, 06, 05 in fast mode with nbclient, in a temporary copy of the
notebooks folder (the committed notebooks are not touched), and checks that every run
finishes without an error, that the second run of 06 rewrites every file of the first,
prints the same "Test accuracy:" line (setup() seeds everything and turns on
deterministic ops) and leaves no stale file, and that 05, run after 06, leaves nothing
behind and does not touch 06's files. (05 once: it writes nothing that a second run could
trip over, and make test's nbval run already runs it in a fresh checkout.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT
from course_utils import data

pytestmark = pytest.mark.slow

LESSON05 = "05_custom_folder_dataset"
LESSON06 = "06_save_and_load"
OUTPUT_DIR = Path("saved_models") / "lesson06"


def _snapshot(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (relative path) with its modification time in ns."""
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _run(workdir: Path, lesson: str) -> list[str]:
    """Run one lesson top to bottom in ``workdir``; return its "Test accuracy:" lines."""
    nb = nbformat.read(workdir / f"{lesson}.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()  # raises CellExecutionError, with the cell and traceback, on any error
    texts = [
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    ]
    return re.findall(r"^Test accuracy: .*$", "".join(texts), re.M)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of notebooks/ without earlier outputs; kernels get fast mode and their own TMPDIR."""
    if not all(data.dataset_status(n, quick=True).usable for n in ("mnist", "blood_cells")):
        pytest.skip("needs mnist and blood_cells in the data directory (COURSE_DATA_DIR)")
    work = tmp_path / "notebooks"
    shutil.copytree(
        ROOT / "notebooks",
        work,
        ignore=shutil.ignore_patterns("saved_models", ".ipynb_checkpoints", "*.py"),
    )
    kernel_tmp = tmp_path / "kernel_tmp"
    kernel_tmp.mkdir()
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv("TMPDIR", str(kernel_tmp))
    return work


def test_lessons_06_06_05_rerun_in_the_same_checkout(workdir: Path) -> None:
    kernel_tmp = workdir.parent / "kernel_tmp"
    before = _snapshot(workdir)

    accuracy_06 = _run(workdir, LESSON06)
    assert accuracy_06, "lesson 06 printed no 'Test accuracy:' line"
    first = _snapshot(workdir / OUTPUT_DIR)
    assert "mnist_cnn.keras" in first and "checkpoints/best.keras" in first
    assert {k: v for k, v in _snapshot(workdir).items()
            if not k.startswith(str(OUTPUT_DIR))} == before, "06 wrote outside its folder"

    assert _run(workdir, LESSON06) == accuracy_06, "lesson 06 printed another test accuracy"
    second = _snapshot(workdir / OUTPUT_DIR)
    assert sorted(second) == sorted(first), "the second run of 06 left other files"
    stale = [name for name in first if second[name] <= first[name]]
    assert not stale, f"the second run of 06 did not rewrite {stale}"

    assert _run(workdir, LESSON05), "lesson 05 printed no 'Test accuracy:' line"
    assert _snapshot(workdir / OUTPUT_DIR) == second, "lesson 05 touched lesson 06's files"
    after = {k: v for k, v in _snapshot(workdir).items() if not k.startswith(str(OUTPUT_DIR))}
    assert after == before, "lesson 05 wrote into the notebooks folder"
    assert not list(kernel_tmp.rglob("broken_cells")), "lesson 05 left its demo folder behind"
