"""Checks for the exercises of lesson 00: arrays and epoch arithmetic.

The checks of the functions a learner writes (relu, sigmoid, softmax) are in
``lesson00_activations``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import as_float_array, call, is_number, kind, not_callable, report, show

__all__ = ["check_cifar10_iterations", "check_standardize"]

# Exercise 4 of lesson 00: CIFAR-10 has 50,000 training images.
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


def check_cifar10_iterations(
    n_train: Any,
    iterations_per_epoch: Any,
    total_updates: Any,
) -> bool:
    """Check your epoch arithmetic for CIFAR-10 (lesson 00, exercise 4).

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
