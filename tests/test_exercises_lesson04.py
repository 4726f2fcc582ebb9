"""Tests for the exercise checks of lesson 04 (confusion matrix and error analysis).

The right answers are the solutions published in the notebook, extracted and run with
the notebook's ``small_cm`` in scope.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from typing import Any

import nbformat
import numpy as np
import pytest
from exercise_helpers import NOTEBOOKS, assert_fails, assert_passes, solutions

from course_utils.exercises import (
    check_dog_precision,
    check_most_confused_pair,
    check_per_class_recall,
)
from course_utils.exercises.lesson04 import SMALL_CLASSES, SMALL_CM

NB04 = "04_confusion_matrix.ipynb"


def _notebook_matrix() -> dict[str, Any]:
    """Run the notebook cell that defines ``small_names`` and ``small_cm``; return its names."""
    nb = nbformat.read(NOTEBOOKS / NB04, as_version=4)
    source = next(c.source for c in nb.cells
                  if c.cell_type == "code" and re.search(r"^small_cm = ", c.source, re.M))
    namespace: dict[str, Any] = {"np": np}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(source, namespace)
    return namespace


def _run(number: int) -> dict[str, Any]:
    """Execute the published solution of exercise ``number`` with the notebook's matrix."""
    namespace: dict[str, Any] = {"np": np, "math": math, **_notebook_matrix()}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(solutions(NB04)[number], f"{NB04} exercise {number}", "exec"), namespace)
    return namespace


def test_lesson04_has_three_solutions() -> None:
    assert sorted(solutions(NB04)) == [1, 2, 3]


def test_notebook_matrix_is_the_one_the_checks_use() -> None:
    ns = _notebook_matrix()
    np.testing.assert_array_equal(ns["small_cm"], SMALL_CM)
    assert tuple(ns["small_names"]) == SMALL_CLASSES


# Exercise 1: recall per class ------------------------------------------------


def test_recall_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    out = assert_passes(capsys, check_per_class_recall(_run(1)["recall"]))
    assert "cat 0.625" in out and "recall_score" in out


def test_recall_as_list_and_rounded_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert_passes(capsys, check_per_class_recall([0.625, 0.786, 0.889, 0.75]))


@pytest.mark.parametrize(
    ("answer", "fragments"),
    [
        (np.zeros(4), ("still all zeros",)),
        (SMALL_CM.diagonal() / SMALL_CM.sum(axis=0), ("column sums", "precision")),
        (SMALL_CM.diagonal(), ("counts of correct images", "row sum")),
        (SMALL_CM.diagonal() / SMALL_CM.sum(), ("total number of images",)),
        (100 * SMALL_CM.diagonal() / SMALL_CM.sum(axis=1), ("percentages",)),
        (SMALL_CM / SMALL_CM.sum(axis=1, keepdims=True), ("4 numbers", "has 16")),
        ([0.625, 0.786, 0.5, 0.75], ("recall of car should not be 0.500",)),
        ("0.6", ("4 numbers", "a str")),
        (None, ("4 numbers", "NoneType")),
        ([0.6, math.nan, 0.8, 0.7], ("nan or inf",)),
    ],
)
def test_recall_typical_mistakes(
    capsys: pytest.CaptureFixture[str], answer: Any, fragments: tuple[str, ...]
) -> None:
    with np.errstate(all="ignore"):
        ok = check_per_class_recall(answer)
    assert_fails(capsys, ok, *fragments)


# Exercise 2: the most confused pair --------------------------------------------


def test_most_confused_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = _run(2)
    out = assert_passes(capsys, check_most_confused_pair(ns["true_class"], ns["predicted_class"]))
    assert "21 cat images were predicted as dog" in out


def test_most_confused_accepts_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert_passes(capsys, check_most_confused_pair("cat", "dog"))


@pytest.mark.parametrize(
    ("answer", "fragments"),
    [
        ((0, 0), ("on the diagonal", "fill_diagonal")),
        ((2, 2), ("(car, car) is on the diagonal", "80 images are correct")),
        ((1, 0), ("swapped", "rows are the true class")),
        (("truck", "car"), ("17 truck images were predicted as car", "another")),
        ((1, None), ("predicted_class should be a class number", "NoneType")),
        ((1, 4), ("predicted_class is 4", "flattened", "unravel_index")),
        ((0, 99), ("predicted_class is 99", "numbered 0 to 3")),
        (("bird", "dog"), ("true_class should be a class number",)),
        ((0.5, 1), ("true_class should be",)),
    ],
)
def test_most_confused_typical_mistakes(
    capsys: pytest.CaptureFixture[str], answer: tuple[Any, Any], fragments: tuple[str, ...]
) -> None:
    assert_fails(capsys, check_most_confused_pair(*answer), *fragments)


# Exercise 3: precision of dog ----------------------------------------------------


def test_dog_precision_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    out = assert_passes(capsys, check_dog_precision(_run(3)["dog_precision"]))
    assert "66/88" in out


def test_dog_precision_by_hand_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert_passes(capsys, check_dog_precision(66 / (21 + 66 + 0 + 1)))


@pytest.mark.parametrize(
    ("answer", "fragments"),
    [
        (0, ("replace 0",)),
        (66 / 84, ("recall of dog", "COLUMN")),
        (75, ("percentage",)),
        (66, ("number of correct dogs",)),
        (66 / SMALL_CM.sum(), ("divided by all images",)),
        (22 / 88, ("WRONG",)),
        (0.5, ("not the precision of dog",)),
        ("0.75", ("one number", "a str")),
        (np.array([0.75]), ("one number", "a NumPy array")),
        (math.inf, ("finite",)),
    ],
)
def test_dog_precision_typical_mistakes(
    capsys: pytest.CaptureFixture[str], answer: Any, fragments: tuple[str, ...]
) -> None:
    assert_fails(capsys, check_dog_precision(answer), *fragments)
