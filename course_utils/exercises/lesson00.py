"""Checks for the exercises of lesson 00."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import as_float_array, call, is_number, kind, not_callable, report, show

__all__ = ["check_cifar10_iterations", "check_relu", "check_sigmoid", "check_standardize"]

# Exercise 3 of lesson 00: CIFAR-10 has 50,000 training images.
CIFAR10_TRAIN_IMAGES = 50_000
CIFAR10_VALIDATION_FRACTION = 0.1
CIFAR10_BATCH_SIZE = 64
CIFAR10_EPOCHS = 20


def _standardize_input() -> np.ndarray:
    """The matrix ``check_standardize`` tests with: 100 rows, 4 very different columns."""
    rng = np.random.default_rng(0)
    means = np.array([10.0, -5.0, 0.0, 1000.0])
    stds = np.array([1.0, 20.0, 0.1, 300.0])
    return rng.normal(size=(100, 4)) * stds + means


def check_standardize(standardize: Callable[[np.ndarray], Any]) -> bool:
    """Check your ``standardize(X)`` function (lesson 00, exercise 1).

    ``standardize(X)`` should return a new array of the same shape as ``X`` in
    which every column has mean 0 and standard deviation 1, that is
    ``(X - column means) / column standard deviations``. ``X`` itself must not
    change. The check calls your function on a 100 x 4 matrix whose columns
    have very different means and spreads.

    Pass the function itself: ``check_standardize(standardize)``.
    Prints what is right or wrong and returns True or False.
    """
    problem = not_callable("check_standardize", "standardize", standardize)
    if problem:
        return report(False, problem)

    X = _standardize_input()
    X_given = X.copy()
    result, problem = call("standardize(X)", standardize, X_given)
    if problem:
        if "broadcast" in problem:
            problem += (
                ". The shapes did not fit together: with axis=1 you get one value per row; "
                "use axis=0 to get one value per column"
            )
        return report(False, problem)
    if result is None:
        return report(False, "standardize(X) returned None: did you forget `return`?")
    result = as_float_array(result)
    if result is None:
        return report(False, "standardize(X) should return a NumPy array of numbers")

    expected_shape = X.shape
    if result.shape != expected_shape:
        hint = ""
        if result.shape == (X.shape[1],):
            hint = (
                ": it has one number per column (like X.mean(axis=0)). Subtract the column "
                "means from X and divide by the column standard deviations"
            )
        elif result.shape == (X.shape[0],):
            hint = ": it has one number per row. Did you use axis=1 instead of axis=0?"
        elif result.shape == ():
            hint = ": a single number. Did you forget axis=0 in mean() or std()?"
        return report(
            False,
            f"your result has shape {result.shape}, expected {expected_shape}{hint}",
        )

    if not np.all(np.isfinite(result)):
        return report(False, "your result contains nan or inf: did you divide by zero?")

    candidates = [(X - X.mean(axis=0)) / X.std(axis=0, ddof=ddof) for ddof in (0, 1)]
    values_ok = any(np.allclose(result, c, rtol=1e-6, atol=1e-6) for c in candidates)
    if values_ok and not np.array_equal(X_given, X):
        return report(
            False,
            "the values are right, but your function changed X itself (in place, e.g. with "
            "-= or /=). Build a new array instead: return (X - ...) / ...",
        )
    if values_ok:
        return report(True, "every column now has mean 0 and standard deviation 1.")

    col_means = result.mean(axis=0)
    col_stds = result.std(axis=0)
    means_ok = np.allclose(col_means, 0.0, atol=1e-6)
    stds_ok = np.allclose(col_stds, 1.0, atol=1e-2)
    if np.array_equal(result, X):
        message = (
            "your function returns X unchanged (column means are "
            f"{show(col_means)}). Subtract X.mean(axis=0) and divide by X.std(axis=0)"
        )
    elif not means_ok and abs(result.mean()) < 1e-6 and abs(result.std() - 1) < 1e-2:
        message = (
            "the whole array has mean 0 and std 1, but each column should: compute the "
            "mean and std per column with X.mean(axis=0) and X.std(axis=0)"
        )
    elif not means_ok:
        message = (
            f"the column means of your result are {show(col_means)}, expected all 0: "
            "subtract the column means, X.mean(axis=0)"
        )
    elif not stds_ok:
        message = (
            f"the column means are 0, but the standard deviations are {show(col_stds)}, "
            "expected all 1: divide by X.std(axis=0)"
        )
    else:
        message = (
            "the columns have mean 0 and std 1, but the values are not (X - mean) / std "
            "of the X you were given: compute the result from X, don't make new numbers"
        )
    return report(False, message)


def _check_activation(
    name: str,
    func: Any,
    reference: Callable[[np.ndarray], np.ndarray],
    numbers: list[float],
    array_hint: str,
) -> tuple[bool, str]:
    """Test an element-wise activation function against ``reference``.

    Returns ``(ok, message)``; the message says what is wrong when ok is False.
    """
    problem = not_callable(f"check_{name}", name, func)
    if problem:
        return False, problem

    # 1. Single numbers.
    for z in numbers:
        expected = float(reference(np.array(z)))
        result, problem = call(f"{name}({z})", func, z)
        if problem:
            return False, problem
        if result is None:
            return False, f"{name}({z}) returned None: did you forget `return`?"
        value = as_float_array(result)
        if value is None or value.shape != ():
            return False, f"{name}({z}) should return one number, yours gave {show(result)}"
        if not math.isclose(float(value), expected, rel_tol=1e-6, abs_tol=1e-6):
            return False, (
                f"{name}({z}) should be {show(expected)}, yours gave {show(float(value))}"
            )

    # 2. A whole array at once: element by element, same shape, input untouched.
    z = np.array([[-3.0, -0.5, 0.0], [0.5, 2.0, 4.0]])
    z_given = z.copy()
    expected_values = reference(z)
    result, problem = call(f"{name}(array)", func, z_given)
    if problem:
        return False, f"{problem}. {name} must work on arrays too. {array_hint}"
    if result is None:
        return False, f"{name}(array) returned None: did you forget `return`?"
    values = as_float_array(result)
    if values is None:
        return False, f"{name}(array) should return an array, yours gave {show(result)}"
    if values.shape != z.shape:
        return False, (
            f"{name} of an array of shape {z.shape} gave shape {values.shape}: it should "
            f"work element by element and keep the shape. {array_hint}"
        )
    if not np.allclose(values, expected_values, rtol=1e-6, atol=1e-6):
        return False, (
            f"{name} gives wrong values for an array.\n"
            f"   input:     {show(z.ravel())}\n"
            f"   expected:  {show(expected_values.ravel())}\n"
            f"   yours:     {show(values.ravel())}"
        )
    if not np.array_equal(z_given, z):
        return False, (
            f"the values are right, but {name} changed its input array in place. "
            f"Return a new array instead. {array_hint}"
        )
    return True, ""


def _gives(func: Callable[[Any], Any], z: float, value: float) -> bool:
    """True when ``func(z)`` runs and returns (close to) ``value``."""
    result, problem = call("", func, z)
    number = as_float_array(result)
    if problem or number is None or number.shape != ():
        return False
    return math.isclose(float(number), value, rel_tol=1e-6, abs_tol=1e-6)


def _relu_reference(z: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, z)


def _sigmoid_reference(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def check_relu(relu: Callable[[Any], Any]) -> bool:
    """Check your ``relu(z)`` function (lesson 00, exercise 2).

    ReLU returns ``z`` when ``z`` is positive and 0 otherwise. Your function
    must work on a single number (``relu(-2.0)`` is 0.0, ``relu(3.0)`` is 3.0)
    and on a whole NumPy array at once, element by element, returning an array
    of the same shape without changing its input.

    Pass the function itself: ``check_relu(relu)``.
    Prints what is right or wrong and returns True or False.
    """
    ok, message = _check_activation(
        "relu",
        relu,
        _relu_reference,
        numbers=[-2.0, 0.0, 3.0],
        array_hint="np.maximum(0, z) works on numbers and arrays alike.",
    )
    if ok:
        message = "relu keeps positive inputs and turns negative ones into 0."
    return report(ok, message)


def check_sigmoid(sigmoid: Callable[[Any], Any]) -> bool:
    """Check your ``sigmoid(z)`` function (lesson 00, exercise 2).

    The sigmoid is ``1 / (1 + e**(-z))``: it squeezes any number into the
    range 0 to 1, and ``sigmoid(0.0)`` is 0.5. Your function must work on a
    single number and on a whole NumPy array at once, element by element.

    Pass the function itself: ``check_sigmoid(sigmoid)``.
    Prints what is right or wrong and returns True or False.
    """
    expected_2 = float(_sigmoid_reference(np.array(2.0)))
    ok, message = _check_activation(
        "sigmoid",
        sigmoid,
        _sigmoid_reference,
        numbers=[0.0, 2.0, -2.0],
        array_hint="Use np.exp (not math.exp), which works on whole arrays.",
    )
    if ok:
        message = "sigmoid squeezes every input into the range 0 to 1, with sigmoid(0) = 0.5."
    elif message.startswith("sigmoid(2.0) should be") and _gives(sigmoid, 2.0, 1.0 - expected_2):
        message += ". Check the sign inside the exponent: it is e**(-z), with a minus"
    return report(ok, message)


def check_cifar10_iterations(
    n_train: Any,
    iterations_per_epoch: Any,
    total_updates: Any,
) -> bool:
    """Check your epoch arithmetic for CIFAR-10 (lesson 00, exercise 3).

    CIFAR-10 has 50,000 training images. You hold out 10% of them for
    validation, train with batches of 64 images for 20 epochs, and compute:

    - ``n_train``: how many images are left for training;
    - ``iterations_per_epoch``: how many batches (weight updates) one pass over
      them takes; the last batch may be smaller, so round up with ``math.ceil``;
    - ``total_updates``: how many weight updates the 20 epochs make.

    Prints what is right or wrong and returns True or False.
    """
    n_val = round(CIFAR10_TRAIN_IMAGES * CIFAR10_VALIDATION_FRACTION)
    good_train = CIFAR10_TRAIN_IMAGES - n_val
    good_iterations = math.ceil(good_train / CIFAR10_BATCH_SIZE)
    good_total = good_iterations * CIFAR10_EPOCHS

    answers = {
        "n_train": n_train,
        "iterations_per_epoch": iterations_per_epoch,
        "total_updates": total_updates,
    }
    for name, value in answers.items():
        if not is_number(value):
            return report(
                False,
                f"{name} should be a number, yours is {kind(value)} ({show(value)})",
            )
        if not math.isfinite(float(value)):
            return report(False, f"{name} should be a finite number, yours is {show(value)}")

    if float(n_train) != good_train:
        if float(n_train) == CIFAR10_TRAIN_IMAGES:
            hint = (
                "that is all the training images, but 10% of them are held out for validation: "
                "n_train is what is left"
            )
        elif float(n_train) == n_val:
            hint = "that is the size of the validation split; n_train is what is left for training"
        else:
            hint = (
                f"it should be the number of images left after holding out "
                f"{CIFAR10_VALIDATION_FRACTION:.0%} of the {CIFAR10_TRAIN_IMAGES:,} for validation"
            )
        return report(False, f"n_train is {show(n_train)}: {hint}")

    exact = good_train / CIFAR10_BATCH_SIZE
    if float(iterations_per_epoch) != good_iterations:
        value = float(iterations_per_epoch)
        if math.isclose(value, exact):
            hint = (
                "that is not a whole number of batches: the last, smaller batch is an "
                "iteration too, so round up with math.ceil"
            )
        elif value == math.floor(exact):
            hint = (
                f"you rounded down, which skips the last {good_train % CIFAR10_BATCH_SIZE} "
                "images: the last, smaller batch is an iteration too, so round up with math.ceil"
            )
        elif value == math.ceil(CIFAR10_TRAIN_IMAGES / CIFAR10_BATCH_SIZE):
            hint = "that counts all 50,000 images: divide n_train (not 50,000) by the batch size"
        else:
            hint = (
                f"it should be n_train divided by the batch size ({CIFAR10_BATCH_SIZE}), "
                "rounded up with math.ceil"
            )
        return report(False, f"iterations_per_epoch is {show(iterations_per_epoch)}: {hint}")

    if float(total_updates) != good_total:
        return report(
            False,
            f"total_updates is {show(total_updates)}: it should be iterations_per_epoch "
            f"times the number of epochs ({CIFAR10_EPOCHS})",
        )

    return report(
        True,
        f"{good_train:,} training images in batches of {CIFAR10_BATCH_SIZE} make "
        f"{good_iterations} iterations per epoch, and {CIFAR10_EPOCHS} epochs make "
        f"{good_total:,} weight updates.",
    )
