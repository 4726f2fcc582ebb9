"""Tests for the exercise checks in ``course_utils.exercises``.

The right answers are not written here: they are the solutions published in
the ``<details>`` blocks of the lesson notebooks, extracted and executed, so
these tests also prove that the solutions learners see pass the checks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from exercise_helpers import assert_fails, assert_passes, run_solution, solutions

from course_utils import exercises
from course_utils.exercises import (
    check_cifar10_iterations,
    check_relu,
    check_sigmoid,
    check_standardize,
)
from course_utils.exercises._common import report

# ---------------------------------------------------------------------------
# Lesson 00
# ---------------------------------------------------------------------------

NB00 = "00_prerequisites.ipynb"


def test_lesson00_has_three_solutions() -> None:
    assert sorted(solutions(NB00)) == [1, 2, 3]


# Exercise 1: standardize -------------------------------------------------


def test_standardize_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB00, 1)
    out = assert_passes(capsys, check_standardize(ns["standardize"]))
    assert "mean 0" in out


def test_standardize_with_ddof_1_also_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: (X - X.mean(axis=0)) / X.std(axis=0, ddof=1))
    assert_passes(capsys, ok)


def test_standardize_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_standardize(lambda X: X), "unchanged", "axis=0")


def test_standardize_whole_array_instead_of_columns(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: (X - X.mean()) / X.std())
    assert_fails(capsys, ok, "whole array", "per column", "axis=0")


def test_standardize_returns_column_means(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: X.mean(axis=0))
    assert_fails(capsys, ok, "shape (4,), expected (100, 4)", "one number per column")


def test_standardize_returns_one_number(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: X.mean())
    assert_fails(capsys, ok, "shape (), expected (100, 4)", "forget axis=0")


def test_standardize_with_axis_1_broadcast_error(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: (X - X.mean(axis=1)) / X.std(axis=1))
    assert_fails(capsys, ok, "raised ValueError", "axis=1", "use axis=0")


def test_standardize_only_centred(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: X - X.mean(axis=0))
    assert_fails(capsys, ok, "standard deviations are", "divide by X.std(axis=0)")


def test_standardize_only_scaled(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_standardize(lambda X: X / X.std(axis=0))
    assert_fails(capsys, ok, "column means of your result are", "subtract the column means")


def test_standardize_in_place_fails(capsys: pytest.CaptureFixture[str]) -> None:
    def in_place(X: np.ndarray) -> np.ndarray:
        X -= X.mean(axis=0)
        X /= X.std(axis=0)
        return X

    assert_fails(capsys, check_standardize(in_place), "changed X itself")


def test_standardize_made_up_numbers_fail(capsys: pytest.CaptureFixture[str]) -> None:
    def made_up(X: np.ndarray) -> np.ndarray:
        noise = np.random.default_rng(1).normal(size=X.shape)
        return (noise - noise.mean(axis=0)) / noise.std(axis=0)

    assert_fails(capsys, check_standardize(made_up), "not (X - mean) / std")


def test_standardize_forgot_return(capsys: pytest.CaptureFixture[str]) -> None:
    def no_return(X: np.ndarray) -> None:
        (X - X.mean(axis=0)) / X.std(axis=0)

    assert_fails(capsys, check_standardize(no_return), "returned None", "return")


def test_standardize_raising_function_gives_message(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(X: np.ndarray) -> np.ndarray:
        raise RuntimeError("oops")

    assert_fails(capsys, check_standardize(broken), "raised RuntimeError: oops")


@pytest.mark.parametrize("value", [None, 3, "standardize", np.zeros((100, 4))])
def test_standardize_not_a_function(capsys: pytest.CaptureFixture[str], value: Any) -> None:
    assert_fails(capsys, check_standardize(value), "check_standardize(standardize)")


def test_standardize_returns_non_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_standardize(lambda X: "abc"), "array of numbers")


def test_standardize_returns_nan(capsys: pytest.CaptureFixture[str]) -> None:
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = check_standardize(lambda X: (X - X.mean(axis=0)) / 0.0)
    assert_fails(capsys, ok, "nan or inf")


# Exercise 2: relu and sigmoid ----------------------------------------------


def test_relu_and_sigmoid_solutions_pass(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB00, 2)
    assert_passes(capsys, check_relu(ns["relu"]))
    assert_passes(capsys, check_sigmoid(ns["sigmoid"]))


def test_relu_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_relu(lambda z: z), "relu(-2.0) should be 0.0, yours gave -2.0")


def test_relu_with_python_max_fails_on_arrays(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_relu(lambda z: max(0, z))
    assert_fails(capsys, ok, "relu(array) raised ValueError", "np.maximum")


def test_relu_in_place_fails(capsys: pytest.CaptureFixture[str]) -> None:
    def in_place(z: Any) -> Any:
        if np.ndim(z) == 0:
            return max(0.0, z)
        z[z < 0] = 0.0
        return z

    assert_fails(capsys, check_relu(in_place), "changed its input array in place")


def test_relu_that_collapses_arrays_fails(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_relu(lambda z: np.maximum(0, z).sum())
    assert_fails(capsys, ok, "shape (2, 3) gave shape ()", "element by element")


def test_relu_wrong_values_on_arrays(capsys: pytest.CaptureFixture[str]) -> None:
    def wrong(z: Any) -> Any:
        return max(0.0, z) if np.ndim(z) == 0 else np.abs(z)

    assert_fails(capsys, check_relu(wrong), "wrong values for an array", "expected:", "yours:")


def test_relu_forgot_return(capsys: pytest.CaptureFixture[str]) -> None:
    def no_return(z: Any) -> None:
        np.maximum(0, z)

    assert_fails(capsys, check_relu(no_return), "relu(-2.0) returned None")


def test_relu_raising_function_gives_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_relu(lambda z: 1 / 0), "raised ZeroDivisionError")


def test_relu_returning_a_list_for_a_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_relu(lambda z: [0.0]), "should return one number")


def test_relu_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_relu(0.0), "check_relu(relu)", "a float")


def test_sigmoid_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_sigmoid(lambda z: z)
    assert_fails(capsys, ok, "sigmoid(0.0) should be 0.5, yours gave 0.0")


def test_sigmoid_sign_error_gets_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_sigmoid(lambda z: 1 / (1 + np.exp(z)))
    assert_fails(capsys, ok, "sigmoid(2.0) should be 0.880797", "sign inside the exponent")


def test_sigmoid_with_math_exp_fails_on_arrays(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_sigmoid(lambda z: 1 / (1 + math.exp(-z)))
    assert_fails(capsys, ok, "sigmoid(array) raised TypeError", "np.exp")


def test_sigmoid_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_sigmoid("sigmoid"), "check_sigmoid(sigmoid)", "a str")


# Exercise 3: CIFAR-10 iterations --------------------------------------------


def test_cifar10_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB00, 3)
    ok = check_cifar10_iterations(ns["n_train"], ns["iterations_per_epoch"], ns["total_updates"])
    out = assert_passes(capsys, ok)
    assert "704 iterations per epoch" in out
    assert "14,080 weight updates" in out


def test_cifar10_accepts_numpy_and_whole_floats(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_cifar10_iterations(np.int64(45_000), 704.0, np.float64(14_080))
    assert_passes(capsys, ok)


def test_cifar10_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_cifar10_iterations(0, 0, 0), "n_train is 0", "10%")


@pytest.mark.parametrize(
    ("answers", "fragments"),
    [
        ((50_000, 782, 15_640), ("n_train is 50000", "held out for validation")),
        ((5_000, 79, 1_580), ("n_train is 5000", "validation split")),
        ((45_000, 45_000 / 64, 14_062.5), ("703.125", "not a whole number", "math.ceil")),
        ((45_000, 703, 14_060), ("iterations_per_epoch is 703", "rounded down", "last 8")),
        ((45_000, 782, 15_640), ("iterations_per_epoch is 782", "all 50,000")),
        ((45_000, 100, 2_000), ("iterations_per_epoch is 100", "math.ceil")),
        ((45_000, 704, 704), ("total_updates is 704", "times the number of epochs (20)")),
    ],
)
def test_cifar10_typical_mistakes(
    capsys: pytest.CaptureFixture[str], answers: tuple[Any, ...], fragments: tuple[str, ...]
) -> None:
    assert_fails(capsys, check_cifar10_iterations(*answers), *fragments)


@pytest.mark.parametrize(
    ("answers", "fragments"),
    [
        (("45000", 704, 14_080), ("n_train should be a number", "a str")),
        ((45_000, None, 14_080), ("iterations_per_epoch should be a number", "NoneType")),
        ((45_000, 704, [14_080]), ("total_updates should be a number", "a list")),
        ((True, 704, 14_080), ("n_train should be a number", "a bool")),
        ((45_000, math.nan, 14_080), ("iterations_per_epoch should be a finite number",)),
        ((45_000, 704, np.array([14_080])), ("total_updates should be a number", "a NumPy array")),
    ],
)
def test_cifar10_wrong_types_give_messages(
    capsys: pytest.CaptureFixture[str], answers: tuple[Any, ...], fragments: tuple[str, ...]
) -> None:
    assert_fails(capsys, check_cifar10_iterations(*answers), *fragments)


# The shared helper -----------------------------------------------------------


def test_report_prints_and_returns(capsys: pytest.CaptureFixture[str]) -> None:
    assert report(True, "fine.") is True
    assert report(False, "broken") is False
    assert capsys.readouterr().out == "✅ Correct — fine.\n❌ broken\n"


# ---------------------------------------------------------------------------
# Lesson 01
# ---------------------------------------------------------------------------

LESSON_01 = "01_mnist_cnn.ipynb"


def test_lesson_01_solutions_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(solutions(LESSON_01)) == {1, 2}
    ns = run_solution(LESSON_01, 1)
    assert_passes(capsys, exercises.check_conv_params(ns["second_conv_params"]))
    ns = run_solution(LESSON_01, 2)
    assert_passes(capsys, exercises.check_feature_map_shapes(ns["sizes_after_each_layer"],
                                                             ns["flattened_length"]))


def test_conv_params_matches_keras(capsys: pytest.CaptureFixture[str]) -> None:
    import keras

    layer = keras.layers.Conv2D(64, 3)
    layer.build((None, 13, 13, 32))
    assert_passes(capsys, exercises.check_conv_params(layer.count_params()))


@pytest.mark.parametrize("answer, fragment", [
    (64 * 3 * 3 * 32, "biases"),
    (64 * 10, "all 32 input channels"),
    (320, "first Conv2D"),
    (0, "replace 0"),
    (12345, "k·k·c"),
    ("18496", "whole number"),
    (None, "whole number"),
])
def test_conv_params_wrong_answers(capsys: pytest.CaptureFixture[str], answer: Any,
                                   fragment: str) -> None:
    assert_fails(capsys, exercises.check_conv_params(answer), fragment)


@pytest.mark.parametrize("sizes, length, fragment", [
    ([28, 28, 28, 28], 0, "first Conv2D"),
    ([26, 13, 11, 6], 1600, "rounding down"),
    ([26, 13, 11, 5], 25, "multiply by 64"),
    ([26, 13, 11, 5], 1601, "height × width × feature maps"),
    ([26, 13, 11], 1600, "4 numbers"),
    (5, 1600, "list of 4 numbers"),
])
def test_feature_map_shapes_wrong_answers(capsys: pytest.CaptureFixture[str], sizes: Any,
                                          length: Any, fragment: str) -> None:
    assert_fails(capsys, exercises.check_feature_map_shapes(sizes, length), fragment)
