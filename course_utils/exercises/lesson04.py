"""Checks for the exercises of lesson 04 (confusion matrix and error analysis).

All three exercises use the same small confusion matrix, ``SMALL_CM``: rows
are the true classes, columns the predicted classes, in the order of
``SMALL_CLASSES``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import precision_score, recall_score

from ._common import as_float_array, is_number, kind, report, show

__all__ = ["check_dog_precision", "check_most_confused_pair", "check_per_class_recall"]

SMALL_CLASSES: tuple[str, ...] = ("cat", "dog", "car", "truck")
"""The classes of the exercise matrix, in row (and column) order."""

SMALL_CM = np.array(
    [
        [45, 21, 2, 4],
        [14, 66, 1, 3],
        [1, 0, 80, 9],
        [2, 1, 17, 60],
    ]
)
"""The exercise confusion matrix: ``SMALL_CM[i, j]`` = images of class i predicted as j."""


def _labels_from_matrix(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rebuild (y_true, y_pred) with one entry per image counted in ``cm``."""
    n = len(cm)
    y_true = np.repeat(np.repeat(np.arange(n), n), cm.ravel())
    y_pred = np.repeat(np.tile(np.arange(n), n), cm.ravel())
    return y_true, y_pred


def _sklearn_scores() -> tuple[np.ndarray, np.ndarray]:
    """Per-class (recall, precision) of SMALL_CM, as scikit-learn computes them."""
    y_true, y_pred = _labels_from_matrix(SMALL_CM)
    recall = recall_score(y_true, y_pred, average=None)
    precision = precision_score(y_true, y_pred, average=None)
    return np.asarray(recall), np.asarray(precision)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, atol=5e-3))


def check_per_class_recall(recall: Any) -> bool:
    """Check Exercise 1 of lesson 04: the recall of each class of ``small_cm``.

    Pass one number per class, in the order cat, dog, car, truck; fractions
    between 0 and 1 (not percentages)::

        passed = check_per_class_recall(recall)
    """
    expected, precision = _sklearn_scores()
    arr = as_float_array(recall)
    if arr is None or arr.dtype.kind not in "fiu" or isinstance(recall, str):
        return report(
            False,
            f"recall should be 4 numbers (a list or NumPy array); you gave {kind(recall)} "
            f"({show(recall)}).",
        )
    arr = arr.ravel()
    if arr.shape != (4,):
        return report(
            False,
            f"recall should hold 4 numbers, one per class (cat, dog, car, truck); yours has "
            f"{arr.size}. Divide the diagonal by the row sums: both have one number per class.",
        )
    if not np.all(np.isfinite(arr)):
        return report(False, f"recall contains nan or inf: {show(arr)}.")
    if np.all(arr == 0):
        return report(
            False, "recall is still all zeros: replace np.zeros(4) with your calculation."
        )
    if _same(arr, expected):
        return report(
            True,
            "recall = diagonal / row sums: "
            + ", ".join(f"{n} {r:.3f}" for n, r in zip(SMALL_CLASSES, expected, strict=True))
            + " (the same as sklearn.metrics.recall_score(..., average=None)).",
        )
    diagonal = np.diag(SMALL_CM).astype(float)
    if _same(arr, 100 * expected):
        return report(False, "these are percentages; give fractions between 0 and 1 (drop * 100).")
    if _same(arr, precision):
        return report(
            False,
            "you divided by the column sums (axis=0): that is the precision. Recall divides "
            "each diagonal count by its ROW sum, the number of images of that true class "
            "(small_cm.sum(axis=1)).",
        )
    if _same(arr, diagonal):
        return report(
            False,
            "these are the counts of correct images; divide each by the number of images of "
            "its true class (the row sum).",
        )
    if _same(arr, diagonal / SMALL_CM.sum()):
        return report(
            False,
            "you divided by the total number of images; recall divides by the number of images "
            "of each true class (the row sums, small_cm.sum(axis=1)).",
        )
    worst = int(np.argmax(np.abs(arr - expected)))
    return report(
        False,
        f"the recall of {SMALL_CLASSES[worst]} should not be {arr[worst]:.3f}. Recall of a class "
        "= its diagonal count / its row sum (images of that true class).",
    )


def _class_number(value: Any) -> int | None:
    """A class given as a number (0..3) or a name ("cat"); None when it is neither."""
    if isinstance(value, str):
        return SMALL_CLASSES.index(value) if value in SMALL_CLASSES else None
    if isinstance(value, bool | np.bool_) or not is_number(value):
        return None
    if float(value).is_integer():
        return int(value)
    return None


def check_most_confused_pair(true_class: Any, predicted_class: Any) -> bool:
    """Check Exercise 2 of lesson 04: the most frequent mistake in ``small_cm``.

    Pass the true class (row) and the predicted class (column) of the largest
    off-diagonal cell, as numbers (0 = cat, ..., 3 = truck) or names::

        passed = check_most_confused_pair(true_class, predicted_class)
    """
    t, p = _class_number(true_class), _class_number(predicted_class)
    answers = ((true_class, t, "true_class"), (predicted_class, p, "predicted_class"))
    for given, number, name in answers:
        if number is None:
            return report(
                False,
                f"{name} should be a class number 0-3 or a name such as 'cat'; you gave "
                f"{kind(given)} ({show(given)}).",
            )
        if not 0 <= number < len(SMALL_CLASSES):
            hint = (
                " It looks like a position in the flattened matrix (what argmax returns): "
                "turn it into (row, column) with np.unravel_index(position, small_cm.shape)."
                if 0 <= number < SMALL_CM.size
                else ""
            )
            return report(False, f"{name} is {number}, but the classes are numbered 0 to 3.{hint}")
    off = SMALL_CM.copy()
    np.fill_diagonal(off, 0)
    best_t, best_p = np.unravel_index(int(np.argmax(off)), off.shape)
    names = SMALL_CLASSES
    if (t, p) == (best_t, best_p):
        return report(
            True,
            f"{off[t, p]} {names[t]} images were predicted as {names[p]}, the largest "
            f"mistake (the reverse, {names[p]} → {names[t]}, happens {off[p, t]} times).",
        )
    if t == p:
        return report(
            False,
            f"({names[t]}, {names[p]}) is on the diagonal: those {SMALL_CM[t, p]} images are "
            "correct. Set the diagonal to 0 first (np.fill_diagonal(copy, 0)), then find the "
            "largest cell.",
        )
    if (t, p) == (best_p, best_t):
        return report(
            False,
            f"true and predicted are swapped: rows are the true class, columns the prediction. "
            f"Cell (row {names[t]}, column {names[p]}) holds only {SMALL_CM[t, p]}.",
        )
    return report(
        False,
        f"{SMALL_CM[t, p]} {names[t]} images were predicted as {names[p]}, but another "
        "off-diagonal cell is larger. Look at every cell except the diagonal.",
    )


def check_dog_precision(dog_precision: Any) -> bool:
    """Check Exercise 3 of lesson 04: the precision of the class "dog" in ``small_cm``.

    Pass a fraction between 0 and 1::

        passed = check_dog_precision(dog_precision)
    """
    recall, precision = _sklearn_scores()
    dog = SMALL_CLASSES.index("dog")
    expected = float(precision[dog])
    if not is_number(dog_precision):
        return report(
            False,
            f"dog_precision should be one number; you gave {kind(dog_precision)} "
            f"({show(dog_precision)}).",
        )
    value = float(dog_precision)
    if not np.isfinite(value):
        return report(False, f"dog_precision should be a finite number, not {show(value)}.")
    column = SMALL_CM[:, dog]
    if abs(value - expected) < 5e-4:
        return report(
            True,
            f"of the {column.sum()} images predicted as dog, {SMALL_CM[dog, dog]} really are "
            f"dogs: precision = {SMALL_CM[dog, dog]}/{column.sum()} = {expected:.2f}.",
        )
    hints = [
        (0.0, "replace 0 with your calculation."),
        (100 * expected, "that is a percentage; give a fraction between 0 and 1."),
        (
            float(recall[dog]),
            "that is the recall of dog (diagonal / row sum). Precision divides by the COLUMN "
            "sum: all images the model predicted as dog.",
        ),
        (float(SMALL_CM[dog, dog]), "that is the number of correct dogs; divide it by how "
         "many images were predicted as dog (the dog column)."),
        (
            float(SMALL_CM[dog, dog] / SMALL_CM.sum()),
            "you divided by all images; divide by the images predicted as dog (the dog column).",
        ),
        (
            float(1 - expected),
            "that is the share of WRONG dog predictions; precision is the share of right ones.",
        ),
    ]
    for wrong, hint in hints:
        if abs(value - wrong) < 5e-4:
            return report(False, f"{show(dog_precision)} is not right: {hint}")
    return report(
        False,
        f"{show(dog_precision)} is not the precision of dog. Precision = correct dog predictions "
        "(the diagonal cell) / all dog predictions (the sum of the dog column).",
    )
