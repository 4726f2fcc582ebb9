"""Tests for the exercise checks of lesson 05 (course_utils.exercises.lesson05).

The right answers come from the solutions published in the notebook, so these tests also
prove that what learners see passes the checks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from exercise_helpers import assert_fails, assert_passes, run_solution, solutions

from course_utils.exercises import (
    check_goes_to_validation,
    check_image_size_for,
    check_scan_reading,
)

NB05 = "05_custom_folder_dataset.ipynb"


def test_lesson05_has_three_checked_solutions() -> None:
    assert sorted(solutions(NB05)) == [1, 2, 3]


# Exercise 1: read a scan report ---------------------------------------------------


def test_scan_reading_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 1)
    out = assert_passes(capsys, check_scan_reading(ns["n_usable"], ns["n_crash"],
                                                   ns["n_classes"]))
    assert "215 usable" in out


def test_scan_reading_numpy_ints_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert_passes(capsys, check_scan_reading(np.int64(215), 2, np.int32(3)))


def test_scan_reading_report_matches_the_real_scanner(tmp_path: Any) -> None:
    """The report printed in the exercise is what scan_image_folder prints for such a folder."""
    from PIL import Image

    from course_utils.folders import scan_image_folder

    markdown = next(c for c in _markdown_cells() if "## Exercise 1" in c)
    report = markdown.split("```text\n")[1].split("```")[0]
    report = "\n".join(line.removeprefix("# ") for line in report.splitlines())

    root = tmp_path / "flowers"
    rng = np.random.default_rng(0)

    def image(path: Any, size: tuple[int, int], mode: str = "RGB") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).convert(mode).save(path, quality=30)

    for i in range(120):
        image(root / "daisy" / f"daisy_{i:03}.jpg", (640, 480) if i < 110 else (480, 640))
    (root / "daisy" / "IMG_0042.HEIC").write_bytes(b"\0\0\0\x18ftypheic" + bytes(100))
    (root / "daisy" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    for i in range(97):
        if i not in (17, 18):
            image(root / "rose" / f"rose_{i:02}.jpg", (640, 480), "L" if i > 90 else "RGB")
    (root / "rose" / "rose_17.jpg").write_bytes(b"")
    image(root / "rose" / "full.jpg", (640, 480))
    full = (root / "rose" / "full.jpg").read_bytes()
    (root / "rose" / "full.jpg").unlink()
    (root / "rose" / "rose_18.jpg").write_bytes(full[:5000])
    (root / "rose" / "notes.txt").write_text("where did I take these?")
    (root / "tulip").mkdir()
    (root / "tulips.zip").write_bytes(b"PK" + bytes(50))
    assert str(scan_image_folder(root)).strip() == report.strip()


def _markdown_cells() -> list[str]:
    import nbformat
    from exercise_helpers import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / NB05, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize(
    ("answers", "fragments"),
    [
        ((0, 0, 0), ("n_usable is 0", "replace 0")),
        ((217, 2, 3), ("n_usable is 217", "cannot be decoded")),
        ((221, 2, 3), ("n_usable is 221", "counts every file")),
        ((120, 2, 3), ("only the daisies",)),
        ((215, 0, 3), ("n_crash is 0", "Keras would stop with an error")),
        ((215, 3, 3), ("n_crash is 3", "HEIC")),
        ((215, 6, 3), ("n_crash is 6", "skipped")),
        ((215, 7, 3), ("n_crash is 7", "not every problem")),
        ((215, 2, 2), ("n_classes is 2", "empty folder tulip/ still becomes a class")),
        ((215, 2, 4), ("n_classes is 4", "not classes")),
        ((215, 2, 5), ("n_classes is 5", "every sub-folder is a class")),
    ],
)
def test_scan_reading_typical_mistakes(
    capsys: pytest.CaptureFixture[str], answers: tuple[Any, ...], fragments: tuple[str, ...]
) -> None:
    assert_fails(capsys, check_scan_reading(*answers), *fragments)


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        (("215", 2, 3), "n_usable should be a whole number; you gave a str"),
        ((215, 2.0, 3), "n_crash should be a whole number; you gave a float"),
        ((215, 2, None), "n_classes should be a whole number; you gave a NoneType"),
        ((True, 2, 3), "n_usable should be a whole number; you gave a bool"),
    ],
)
def test_scan_reading_wrong_types(capsys: pytest.CaptureFixture[str], answers: tuple[Any, ...],
                                  fragment: str) -> None:
    assert_fails(capsys, check_scan_reading(*answers), fragment)


# Exercise 2: image_size_for --------------------------------------------------------


def test_image_size_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 2)
    out = assert_passes(capsys, check_image_size_for(ns["image_size_for"]))
    assert "(90, 120)" in out
    assert ns["image_size_for"](90) == (90, 120)


def test_image_size_with_int_truncation_and_list_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_image_size_for(lambda h, w=320, hh=240: [h, int(h * w / hh)])
    assert_passes(capsys, ok)


@pytest.mark.parametrize(
    ("func", "fragments"),
    [
        (lambda h, w=320, hh=240: (h, h), ("squashes",)),
        (lambda h, w=320, hh=240: (round(h * w / hh), h), ("height first",)),
        (lambda h, w=320, hh=240: (h, round(h * hh / w)), ("upside down",)),
        (lambda h, w=320, hh=240: (h, h * w / hh), ("whole numbers", "round")),
        (lambda h, w=320, hh=240: (h, round(h * 320 / 240)), ("1920×1080", "photo_width")),
        (lambda h, w=320, hh=240: (h + 1, round(h * w / hh)), ("height 91",)),
        (lambda h, w=320, hh=240: (h, 2 * h), ("expected about 120.0",)),
        (lambda h, w=320, hh=240: None, ("returned None", "return")),
        (lambda h, w=320, hh=240: h * w / hh, ("returned a float", "two numbers")),
        (lambda h, w=320, hh=240: (h, "120"), ("must be numbers",)),
        (lambda h, w=320, hh=240: 1 / 0, ("raised ZeroDivisionError",)),
        (lambda h: (h, round(h * 4 / 3)), ("raised TypeError",)),
    ],
)
def test_image_size_typical_mistakes(capsys: pytest.CaptureFixture[str], func: Any,
                                     fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_image_size_for(func), *fragments)


def test_image_size_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_image_size_for((90, 120)), "check_image_size_for(image_size_for)")


# Exercise 3: goes_to_validation ---------------------------------------------------


def test_goes_to_validation_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 3)
    out = assert_passes(capsys, check_goes_to_validation(ns["goes_to_validation"]))
    assert "same side" in out


def test_goes_to_validation_regex_and_numpy_bool_pass(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    def with_regex(name: str) -> Any:
        return np.bool_(int(re.match(r"_(\d+)_", name).group(1)) % 5 == 0)

    assert_passes(capsys, check_goes_to_validation(with_regex))


def test_goes_to_validation_agrees_with_the_lesson_split() -> None:
    """A fifth of the cells, all copies together: the rule used in the lesson's text."""
    ns = run_solution(NB05, 3)
    names = [f"_{cell}_{copy}.jpeg" for cell in range(20) for copy in (3, 77)]
    chosen = {int(n.split("_")[1]) for n in names if ns["goes_to_validation"](n)}
    assert chosen == {0, 5, 10, 15}


@pytest.mark.parametrize(
    ("func", "fragments"),
    [
        (lambda name: False, ("every file goes to training", "multiple of 5")),
        (lambda name: True, ("every file goes to validation",)),
        (lambda name: int(name.split("_")[2].split(".")[0]) % 5 == 0,
         ("land on different sides", "not the random one")),
        (lambda name: int(name[1]) % 5 == 0, ("_10_6.jpeg is source cell 10", "all the digits")),
        (lambda name: int(name.split("_")[1]) % 5 != 0, ("_0_1169.jpeg is source cell 0",
                                                         "yours says False")),
        (lambda name: int(name.split("_")[1]) % 5, ("returned an int", "True or False")),
        (lambda name: int(name.split("_")[0]) % 5 == 0, ("raised ValueError",)),
        (lambda name: None, ("returned a NoneType",)),
    ],
)
def test_goes_to_validation_typical_mistakes(capsys: pytest.CaptureFixture[str], func: Any,
                                             fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_goes_to_validation(func), *fragments)


def test_goes_to_validation_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_goes_to_validation("_0_1.jpeg"),
                 "check_goes_to_validation(goes_to_validation)")


def test_checks_never_raise(capsys: pytest.CaptureFixture[str]) -> None:
    for value in (None, math.nan, [], object()):
        assert check_scan_reading(value, value, value) is False
        assert check_image_size_for(value) is False
        assert check_goes_to_validation(value) is False
    capsys.readouterr()
