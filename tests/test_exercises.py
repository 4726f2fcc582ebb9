"""Tests for the exercise checks in ``course_utils.exercises``.

The right answers are not written here: they are the solutions published in
the ``<details>`` blocks of the lesson notebooks, extracted and executed, so
these tests also prove that the solutions learners see pass the checks.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from exercise_helpers import assert_fails, assert_passes, run_solution, solutions

from course_utils import exercises
from course_utils.exercises import (
    check_cifar10_iterations,
    check_relu,
    check_sigmoid,
    check_softmax,
    check_standardize,
)
from course_utils.exercises._common import report
from course_utils.exercises.lesson00_activations import SOFTMAX_INPUTS

# ---------------------------------------------------------------------------
# Lesson 00
# ---------------------------------------------------------------------------

NB00 = "00_prerequisites.ipynb"


def test_lesson00_has_four_solutions() -> None:
    assert sorted(solutions(NB00)) == [1, 2, 3, 4]


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


# Exercise 3: softmax ----------------------------------------------------------


def _exp_over_sum(scores: np.ndarray) -> np.ndarray:
    """The textbook formula, which overflows for large scores."""
    return np.exp(scores) / np.exp(scores).sum()


def test_softmax_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB00, 3)
    out = assert_passes(capsys, check_softmax(ns["softmax"]))
    assert "add up to 1" in out


def test_softmax_solution_matches_keras_on_every_input() -> None:
    import keras

    softmax = run_solution(NB00, 3)["softmax"]
    for scores in SOFTMAX_INPUTS:
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(np.array(scores)))
        np.testing.assert_allclose(softmax(np.array(scores)), expected, rtol=1e-6, atol=1e-12)


def test_softmax_inputs_include_scores_that_overflow_the_formula() -> None:
    with np.errstate(all="ignore"):
        broken = [s for s in SOFTMAX_INPUTS if not np.all(np.isfinite(_exp_over_sum(np.array(s))))]
    assert len(broken) >= 2  # very large and very negative scores


def test_softmax_keras_passes(capsys: pytest.CaptureFixture[str]) -> None:
    import keras

    assert_passes(capsys, check_softmax(keras.ops.softmax))


def test_softmax_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    ns: dict[str, Any] = {"np": np}
    exec(  # the starter code of the lesson: return the scores unchanged
        "def softmax(scores):\n    return scores\n", ns
    )
    assert_fails(capsys, check_softmax(ns["softmax"]), "returned the scores unchanged")


def test_softmax_textbook_formula_overflows(capsys: pytest.CaptureFixture[str]) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok = check_softmax(_exp_over_sum)
    assert_fails(capsys, ok, "softmax([1000. 1001. 1002.]) gave [nan nan nan]",
                 "np.exp(1000.0) is inf", "scores.max()")
    assert not caught, "the overflow warnings of the learner's np.exp reach the notebook"


def test_softmax_subtracting_the_smallest_score_fails_far_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def minus_min(scores: np.ndarray) -> np.ndarray:
        exp_scores = np.exp(scores - scores.min())
        return exp_scores / exp_scores.sum()

    assert_fails(capsys, check_softmax(minus_min), "softmax([-800.    0.  800.])",
                 "Subtract the largest score")


def test_softmax_without_normalising(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_softmax(np.exp), "sum to 11.2125, not 1",
                 "np.exp(scores).sum()")


def test_softmax_without_exp(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_softmax(lambda s: s / s.sum())
    assert_fails(capsys, ok, "divided the scores by their sum", "np.exp")


def test_softmax_wrong_values_that_sum_to_1(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_softmax(lambda s: np.full(s.shape, 1 / s.size))
    assert_fails(capsys, ok, "should be [0.659 0.242 0.099]", "sum to 1 but")


def test_softmax_in_place_fails(capsys: pytest.CaptureFixture[str]) -> None:
    def in_place(scores: np.ndarray) -> np.ndarray:
        scores -= scores.max()
        exp_scores = np.exp(scores)
        return exp_scores / exp_scores.sum()

    assert_fails(capsys, check_softmax(in_place), "changed the scores it was given")


def test_softmax_with_math_exp(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_softmax(lambda s: math.exp(s))
    assert_fails(capsys, ok, "raised TypeError", "use np.exp")


def test_softmax_math_exp_per_element_overflows(capsys: pytest.CaptureFixture[str]) -> None:
    def per_element(scores: np.ndarray) -> np.ndarray:
        exps = [math.exp(s) for s in scores]
        return np.array(exps) / sum(exps)

    assert_fails(capsys, check_softmax(per_element), "OverflowError", "scores.max()")


@pytest.mark.parametrize(
    ("func", "fragment"),
    [
        (lambda s: np.exp(s - s.max()).sum(), "yours has shape (): one number"),
        (lambda s: (np.exp(s) / np.exp(s).sum())[None, :], "yours has shape (1, 3)"),
        (lambda s: None, "returned None"),
        (lambda s: "probabilities", "NumPy array of numbers"),
        (lambda s: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_softmax_broken_functions_give_messages(
    capsys: pytest.CaptureFixture[str], func: Any, fragment: str
) -> None:
    assert_fails(capsys, check_softmax(func), fragment)


@pytest.mark.parametrize("value", [None, np.array([0.7, 0.2, 0.1]), "softmax"])
def test_softmax_not_a_function(capsys: pytest.CaptureFixture[str], value: Any) -> None:
    assert_fails(capsys, check_softmax(value), "check_softmax(softmax)")


# Exercise 4: CIFAR-10 iterations --------------------------------------------


def test_cifar10_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB00, 4)
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
    assert set(solutions(LESSON_01)) == {1, 2, 3}
    ns = run_solution(LESSON_01, 1)
    assert_passes(capsys, exercises.check_conv_params(ns["second_conv_params"]))
    ns = run_solution(LESSON_01, 2)
    assert_passes(capsys, exercises.check_feature_map_shapes(ns["sizes_after_each_layer"],
                                                             ns["flattened_length"]))
    ns = _lesson_01_run(solutions(LESSON_01)[3])
    out = assert_passes(capsys, exercises.check_same_padding_cnn(ns["my_model"]))
    assert "7 layers, output shape (None, 10), 50,186 parameters" in out


def _lesson_01_run(code: str) -> dict[str, Any]:
    """Run lesson 01 code with the names its setup cell defines."""
    import contextlib
    import io

    import keras

    namespace: dict[str, Any] = {"keras": keras, "layers": keras.layers, "np": np,
                                 "check_same_padding_cnn": exercises.check_same_padding_cnn}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, LESSON_01, "exec"), namespace)
    return namespace


def test_lesson_01_build_it_starter_runs_and_says_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import nbformat
    from exercise_helpers import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / LESSON_01, as_version=4)
    (starter,) = [c.source for c in nb.cells
                  if c.cell_type == "code" and "= check_same_padding_cnn(" in c.source]
    ns = _lesson_01_run(starter)
    assert ns["passed"] is False
    assert_fails(capsys, exercises.check_same_padding_cnn(ns["my_model"]),
                 "the description's layers 2–7", "add them after your layer 1, Rescaling(1/255)",
                 "starting with Conv2D(32, 3, padding='same', activation='relu')")


@pytest.mark.parametrize("body, fragments", [
    ("layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(),"
     "layers.Conv2D(64, 3, activation='relu'), layers.MaxPooling2D(), layers.Flatten(),"
     "layers.Dense(10, activation='softmax')",
     ("layer 2 is Conv2D(32, 3, activation='relu'), expected Conv2D(32, 3, padding='same', "
      "activation='relu') (padding is 'valid', expected 'same')",
      "layer 4 is Conv2D(64, 3, activation='relu'), expected",
      "your model has 34,826 parameters, expected 50,186")),
    ("layers.Conv2D(32, 3, padding='same', activation='relu'), layers.MaxPooling2D(),"
     "layers.Conv2D(64, 3, padding='same', activation='relu'), layers.MaxPooling2D(),"
     "layers.Flatten(), layers.Dense(128, activation='relu'),"
     "layers.Dense(10, activation='softmax')",
     ("your layer 7, Dense(128, activation='relu'), is not in the description: remove it",
      "your model has 421,642 parameters, expected 50,186")),
    ("layers.Conv2D(32, 3, padding='same', activation='relu'),"
     "layers.Conv2D(64, 3, padding='same', activation='relu'), layers.MaxPooling2D(),"
     "layers.MaxPooling2D(), layers.Flatten(), layers.Dense(10, activation='softmax')",
     ("layer 3 is Conv2D(64, 3, padding='same', activation='relu'), expected MaxPooling2D()",
      "layer 4 is MaxPooling2D(), expected Conv2D(64, 3, padding='same', activation='relu')")),
])
def test_lesson_01_build_it_mistakes(capsys: pytest.CaptureFixture[str], body: str,
                                     fragments: tuple[str, ...]) -> None:
    code = ("my_model = keras.Sequential([keras.Input(shape=(28, 28, 1), dtype='uint8'), "
            f"layers.Rescaling(1 / 255), {body}])")
    ns = _lesson_01_run(code)
    assert_fails(capsys, exercises.check_same_padding_cnn(ns["my_model"]), *fragments)


@pytest.mark.parametrize("value, fragment", [
    (None, "Your model is None"),
    ([], "You passed a list of layers"),
    ("my_model", "not a Keras model"),
])
def test_lesson_01_build_it_needs_a_model(capsys: pytest.CaptureFixture[str], value: Any,
                                          fragment: str) -> None:
    assert_fails(capsys, exercises.check_same_padding_cnn(value), fragment)


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
