"""Tests for docs/measure_lessons.py: time parsing, the schedule table, the notebook runner."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docs" / "measure_lessons.py"


def _load() -> ModuleType:
    """Import docs/measure_lessons.py by path (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("measure_lessons", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


ml = _load()


# --------------------------------------------------------------------------- estimated time

EXPECTED_TIMES = {  # (total, exercises) as each lesson states them
    "00_prerequisites": (65, 20),
    "01_mnist_cnn": (60, 20),
    "02_cifar10_cnn": (80, 20),
    "03_data_augmentation": (60, 20),
    "04_confusion_matrix": (50, 15),
    "05_custom_folder_dataset": (85, 20),
    "06_save_and_load": (55, 15),
    "07_inside_a_cnn": (75, 20),
    "08_transfer_learning": (70, 20),
    "09_use_your_model": (60, 15),
    "10_scaling_up": (50, 15),
}


@pytest.mark.parametrize("stem", sorted(EXPECTED_TIMES))
def test_reads_the_estimated_time_of_every_lesson(stem: str) -> None:
    lesson = ml.read_lesson(ROOT / "notebooks" / f"{stem}.ipynb")
    assert (lesson.time.total, lesson.time.exercises) == EXPECTED_TIMES[stem]
    assert lesson.time.teaching == lesson.time.total - lesson.time.exercises
    assert lesson.title and not lesson.title[0].isdigit()


def test_every_lesson_has_an_expected_time() -> None:
    assert [p.stem for p in ml.lesson_paths()] == sorted(EXPECTED_TIMES)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("## Estimated time and what you need to know\n\nAbout 45 minutes, 15 of them "
         "exercises.\n\nBefore you start ...", ml.LessonTime(45, 15)),
        ("## Estimated time\nabout 30 minutes, 10 of them exercises", ml.LessonTime(30, 10)),
        ("**Estimated time:** about 80 minutes, of which about 16 minutes are training on a\n"
         "2-core laptop (3 for one model, 13 for the other) and 20 minutes are exercises.",
         ml.LessonTime(80, 20, training=16)),
        ("**Estimated time:** about 45 minutes, of which about 1 minute is training and\n"
         "15 minutes are exercises.", ml.LessonTime(45, 15, training=1)),
    ],
)
def test_parses_both_wordings(markdown: str, expected: object) -> None:
    assert ml.parse_estimated_time(markdown) == expected


@pytest.mark.parametrize(
    "markdown",
    [
        "## Learning objectives\n\nNo time given here.",
        "**Estimated time:** about an hour, with exercises.",
        "**Estimated time:** about 60 minutes.",
        "**Estimated time:** about 20 minutes, 30 of them exercises.",
    ],
)
def test_unreadable_estimated_time_fails_clearly(markdown: str) -> None:
    with pytest.raises(ml.MeasureError, match="07_new_lesson"):
        ml.parse_estimated_time(markdown, "07_new_lesson")


# --------------------------------------------------------------------------- the table

LESSONS = [
    ml.Lesson("00_intro", "Intro", ml.LessonTime(45, 15)),
    ml.Lesson("01_cnn", "Your first CNN", ml.LessonTime(60, 20, training=3)),
]
RESULTS = {
    "machine": {"cpu": "Test CPU", "cores": 2, "date": "2026-01-02", "tensorflow": "2.21.0"},
    "lessons": {
        "00_intro": {
            "fast": {"seconds": [9.6], "median": 9.6, "peak_rss_mb": 300,
                     "test_accuracy": None, "date": "2026-01-02"},
            "full": {"seconds": [12.0, 12.4, 13.0], "median": 12.4, "peak_rss_mb": 410,
                     "test_accuracy": None, "date": "2026-01-03"},
        },
        "01_cnn": {
            "fast": {"seconds": [20.5], "median": 20.5, "peak_rss_mb": 700,
                     "test_accuracy": 0.5, "date": "2026-01-02"},
        },
    },
}
EXPECTED_TABLE = """\
| lesson | teaching (min) | exercises (min) | run time, full mode | run time, fast mode | \
peak memory, full mode |
|---|--:|--:|--:|--:|--:|
| [00 Intro](../notebooks/00_intro.ipynb) | 30 | 15 | 0:12 | 0:10 | 410 MB |
| [01 Your first CNN](../notebooks/01_cnn.ipynb) | 40 | 20 | — | 0:20 | — |
| **total** | **70** | **35** | **—** | **0:30** | — |

Run times: median wall-clock time of a top-to-bottom run on a fresh kernel (kernel start \
included), measured with `docs/measure_lessons.py` on Test CPU (2 cores), TensorFlow 2.21.0, \
2026-01-02 to 2026-01-03. — = not measured yet."""


def test_renders_the_table() -> None:
    assert ml.render_table(RESULTS, LESSONS) == EXPECTED_TABLE


def test_the_table_says_which_cpu_ran_which_lesson() -> None:
    results = {**RESULTS, "lessons": {
        "00_intro": {"full": {**RESULTS["lessons"]["00_intro"]["full"], "cpu": "Old CPU"}},
        "01_cnn": {"fast": {**RESULTS["lessons"]["01_cnn"]["fast"], "cpu": "Test CPU"}},
    }}
    footer = ml.render_table(results, LESSONS).splitlines()[-1]
    assert ("measured with `docs/measure_lessons.py` (full mode on Old CPU (lesson 00); "
            "fast mode on Test CPU (lesson 01); 2 cores)") in footer


def test_full_totals_appear_once_every_lesson_is_measured() -> None:
    results = {
        "machine": {},
        "lessons": {
            "00_intro": {"full": {"median": 100.0, "peak_rss_mb": 900}},
            "01_cnn": {"full": {"median": 530.4, "peak_rss_mb": 1500}},
        },
    }
    total = ml.render_table(results, LESSONS).splitlines()[4]
    assert total == "| **total** | **70** | **35** | **10:30** | **—** | max 1500 MB |"


@pytest.mark.parametrize(("seconds", "text"), [(0.4, "0:00"), (59.6, "1:00"), (754, "12:34")])
def test_formats_durations(seconds: float, text: str) -> None:
    assert ml.format_duration(seconds) == text


def test_marker_replacement_keeps_the_rest_of_the_file() -> None:
    before = "# Guide\n\nIntro.\n\n"
    after = "\n\n## Next section\n\nMore text.\n"
    text = f"{before}{ml.START_MARKER}\nold table\n{ml.END_MARKER}{after}"
    new = ml.replace_between_markers(text, "NEW")
    assert new == f"{before}{ml.START_MARKER}\nNEW\n{ml.END_MARKER}{after}"
    assert ml.replace_between_markers(new, "NEW") == new


@pytest.mark.parametrize("text", ["no markers", f"{ml.END_MARKER}\n{ml.START_MARKER}"])
def test_marker_replacement_needs_both_markers_in_order(text: str) -> None:
    with pytest.raises(ml.MeasureError, match="schedule:start"):
        ml.replace_between_markers(text, "NEW")


def test_results_merge_by_lesson_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "times.json"
    results = ml.load_results(path)
    run = ml.RunResult(seconds=3.21, peak_rss_mb=12, test_accuracy=0.5,
                       notebook=nbformat.v4.new_notebook())
    ml.record(results, "01_cnn", "fast", [run])
    ml.save_results(results, path)
    results = ml.load_results(path)
    ml.record(results, "01_cnn", "full", [run, run])
    ml.save_results(results, path)
    saved = ml.load_results(path)["lessons"]["01_cnn"]
    assert saved["fast"]["seconds"] == [3.2] and saved["full"]["seconds"] == [3.2, 3.2]
    assert saved["full"]["median"] == 3.2 and saved["full"]["test_accuracy"] == 0.5


def test_the_guide_has_the_markers() -> None:
    text = (ROOT / "docs" / "instructors.md").read_text()
    assert text.count(ml.START_MARKER) == 1 and text.count(ml.END_MARKER) == 1


# --------------------------------------------------------------------------- running


def _tiny_notebook(folder: Path, *sources: str) -> Path:
    """Write a lesson-like notebook (python3 kernelspec, jupytext pairing) into ``folder``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / "07_tiny.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """Run a two-cell notebook in fast mode once; return its path and the RunResult."""
    folder = tmp_path_factory.mktemp("tiny")
    path = _tiny_notebook(
        folder,
        "import os\nfast = os.environ.get('COURSE_FAST')",
        "print(f'fast={fast}')\nprint('Test accuracy: 0.5000')",
    )
    env = ml.kernel_env("fast", {**os.environ, "COURSE_DATA_DIR": str(folder)})
    return path, ml.run_notebook(path, env, timeout=60)


def test_runs_a_small_notebook_and_reads_the_test_accuracy(tiny_run: tuple[Path, Any]) -> None:
    path, result = tiny_run
    assert result.test_accuracy == 0.5
    assert result.seconds > 0
    assert result.notebook.cells[1].outputs[0]["text"].startswith("fast=1\n")
    assert nbformat.read(path, as_version=4).cells[1].outputs == []  # the original is untouched


def test_write_outputs_keeps_the_metadata_and_the_twin(
    tiny_run: tuple[Path, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import jupytext

    path, result = tiny_run
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    twin = copy.with_suffix(".py")
    twin.write_text(jupytext.writes(nbformat.read(copy, as_version=4), fmt="py:percent"))
    ml.write_outputs(copy, result.notebook)
    written = nbformat.read(copy, as_version=4)
    assert written.metadata["kernelspec"]["name"] == "python3"
    assert written.metadata["jupytext"] == {"formats": "ipynb,py:percent"}
    assert [c.execution_count for c in written.cells] == [1, 2]
    assert "Test accuracy: 0.5000" in written.cells[1].outputs[0]["text"]
    assert jupytext.writes(written, fmt="py:percent") == twin.read_text()
    assert "warning" not in capsys.readouterr().out


def test_a_failing_cell_raises(tmp_path: Path) -> None:
    from nbclient.exceptions import CellExecutionError

    path = _tiny_notebook(tmp_path, "raise ValueError('broken lesson')")
    env = ml.kernel_env("full", {**os.environ, "COURSE_DATA_DIR": str(tmp_path)})
    with pytest.raises(CellExecutionError, match="broken lesson"):
        ml.run_notebook(path, env, timeout=60)


def test_full_mode_removes_course_fast() -> None:
    env = ml.kernel_env("full", {"COURSE_DATA_DIR": "/data", "COURSE_FAST": "1"})
    assert "COURSE_FAST" not in env and env["COURSE_DATA_DIR"] == "/data"


def test_missing_data_dir_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    with pytest.raises(ml.MeasureError, match="COURSE_DATA_DIR is not set"):
        ml.kernel_env("fast")
    assert ml.main(["--modes", "fast", "--lessons", "00"]) == 2
    assert "COURSE_DATA_DIR is not set" in capsys.readouterr().err


def test_write_outputs_needs_full_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert ml.main(["--modes", "fast", "--write-outputs"]) == 2
    assert "--modes full" in capsys.readouterr().err


def test_unknown_lesson_is_refused() -> None:
    with pytest.raises(ml.MeasureError, match="No lesson 42"):
        ml.lesson_paths(only=["42"])
