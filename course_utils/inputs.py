"""Checking and converting what a learner passes to a figure.

Every figure in ``plots``, ``predictions``, ``mistakes`` and ``explore`` takes
the same kinds of input: images, labels, predictions (class numbers or the
probabilities from ``model.predict``), counts such as ``n``, and class names.
The functions here check those inputs once, the same way everywhere, and turn
them into plain NumPy arrays. When something is wrong they raise a
``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind, wrong
value) whose message names the argument and says what to pass instead.

You rarely call these yourself; they are public so that every figure module
can share them. Example::

    >>> from course_utils.inputs import to_labels, to_predictions
    >>> to_labels([[0], [2]], "y_true")
    array([0, 2])
    >>> to_predictions([[0.1, 0.9], [0.8, 0.2]])[0]
    array([1, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "MAX_CLASSES",
    "as_array",
    "check_class_names",
    "check_count",
    "check_probabilities",
    "check_same_length",
    "check_whole",
    "class_columns",
    "class_index",
    "class_name",
    "count_classes",
    "image_batch",
    "labels_and_predictions",
    "one_image",
    "prepare_images",
    "to_labels",
    "to_predictions",
]

# Class numbers this large are almost surely not class numbers (pixel values, file ids ...),
# and a figure or matrix with that many classes would not fit in memory.
MAX_CLASSES = 1000


def as_array(values: ArrayLike, name: str) -> np.ndarray:
    """Return ``np.asarray(values)``, with a clear error for ragged input.

    Ragged input is a list of images of different sizes, or rows of different
    lengths: NumPy cannot make one array of it.
    """
    try:
        return np.asarray(values)
    except ValueError as err:
        raise ValueError(
            f"{name} could not be turned into one array: its items have different shapes "
            "(images of different sizes, or rows of different lengths). Give every item the "
            "same shape first, for example by resizing the images."
        ) from err


def check_whole(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is a whole number (not a bool); else raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} should be a whole number such as 8, got {value!r}.")
    return int(value)


def check_count(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number of at least ``minimum``; else raise."""
    value = check_whole(value, name)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return value


def check_same_length(**arrays: Sequence[Any] | np.ndarray) -> int:
    """Check that every array has as many items as the first one; return that number.

    Example: ``check_same_length(images=imgs, y_true=true)`` raises
    "images has 5 items but y_true has 4 ..." when they differ.
    """
    (first, reference), *rest = arrays.items()
    for name, values in rest:
        if len(values) != len(reference):
            raise ValueError(
                f"{first} has {len(reference)} items but {name} has {len(values)}; "
                "pass one of each per image, in the same order."
            )
    return len(reference)


def to_labels(labels: ArrayLike, name: str = "labels") -> np.ndarray:
    """Return labels as a 1-D array of class numbers 0, 1, 2, ...

    Accepts class numbers of shape (N,) or (N, 1) (whole-number floats too) and
    one-hot (or probability) rows of shape (N, C), which become class numbers
    with argmax. ``name`` is the argument's name, used in the error messages.
    """
    arr = as_array(labels, name)
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(
            f"{name} has shape {arr.shape}: one-hot rows need at least one column per class."
        )
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} should have shape (N,), (N, 1) or one-hot (N, C), got shape {arr.shape}."
        )
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} should be numbers, got values of type {arr.dtype}.")
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    elif arr.ndim == 2:
        arr = np.argmax(arr, axis=1)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; pass class numbers 0, 1, 2, ...")
    if arr.dtype.kind == "f" and arr.size and not np.all(np.mod(arr, 1) == 0):
        raise ValueError(
            f"{name} contains fractions such as {arr[np.mod(arr, 1) != 0][0]!r}; "
            "pass whole class numbers, or class probabilities of shape (N, C)."
        )
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} contains {arr.min():g}; class numbers start at 0.")
    if arr.size and arr.max() >= MAX_CLASSES:
        raise ValueError(
            f"{name} contains the class number {arr.max():g}, which would make more than "
            f"{MAX_CLASSES} classes. Are these really class numbers 0, 1, 2, ...? "
            "Pass the labels, not pixel values or file numbers."
        )
    return arr.astype(int)


def to_predictions(y_pred: ArrayLike, name: str = "y_pred") -> tuple[np.ndarray, np.ndarray | None]:
    """Return (predicted class numbers, confidence between 0 and 1, or None).

    ``y_pred`` is either class numbers (N,) or class probabilities (N, C), as
    ``model.predict`` returns them (the largest probability wins, and it is the
    confidence). A float column (N, 1) of values between 0 and 1 is read as the
    output of a one-unit sigmoid layer: class 1 from 0.5 up.
    """
    arr = as_array(y_pred, name)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} should be numbers, got values of type {arr.dtype}.")
    if arr.ndim == 2 and arr.shape[1] > 1:
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinity; pass the output of model.predict.")
        return np.argmax(arr, axis=1).astype(int), np.max(arr, axis=1).astype(float)
    if arr.ndim == 2 and arr.shape[1] == 1 and arr.dtype.kind == "f":
        p = arr[:, 0]
        if np.all((p >= 0) & (p <= 1)) and not np.all(np.mod(p, 1) == 0):
            return (p >= 0.5).astype(int), np.where(p >= 0.5, p, 1 - p)
    return to_labels(arr, name), None


def labels_and_predictions(
    y_true: ArrayLike, y_pred: ArrayLike, pred_name: str = "y_pred"
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (true class numbers, predicted class numbers, confidence or None).

    Both are checked with ``to_labels`` / ``to_predictions``, must not be
    empty, and must have one entry per image. ``pred_name`` is the name of the
    predictions argument in the messages (``"probabilities"`` where it is that).
    """
    true = to_labels(y_true, "y_true")
    pred, conf = to_predictions(y_pred, pred_name)
    if len(true) == 0:
        raise ValueError(
            "y_true is empty: there is nothing to analyse. "
            "Pass the labels and the predictions of at least one image."
        )
    check_same_length(y_true=true, **{pred_name: pred})
    return true, pred, conf


def class_columns(values: ArrayLike) -> int:
    """How many classes a one-hot or probability array (N, C) implies: C; 0 for class numbers."""
    arr = np.asarray(values)
    return arr.shape[1] if arr.ndim == 2 and arr.shape[1] > 1 else 0


def check_class_names(class_names: Any) -> list[str] | None:
    """Return ``class_names`` as a list of strings (or None); refuse a single string."""
    if class_names is None:
        return None
    if isinstance(class_names, (str, bytes)) or not isinstance(class_names, (Sequence, np.ndarray)):
        raise TypeError(
            "class_names should be a list with one name per class, such as ['cat', 'dog'], "
            f"got {class_names!r}."
        )
    return [str(name) for name in class_names]


def count_classes(class_names: Sequence[str] | None, columns: int = 0, **labels: np.ndarray) -> int:
    """Return the number of classes, checking that every label has a name.

    With ``class_names`` the answer is their number, and each keyword array of
    class numbers (``y_true=true, y_pred=pred``) must stay below it, as must
    ``columns`` (see ``class_columns``). Without names it is the largest class
    number + 1 (or ``columns``, if larger).
    """
    names = check_class_names(class_names)
    if names is not None:
        for name, values in labels.items():
            if values.size and values.max() >= len(names):
                raise ValueError(
                    f"{name} contains class {values.max()}, but class_names has only "
                    f"{len(names)} names (classes 0 to {len(names) - 1}); pass one name per class."
                )
        if columns > len(names):
            raise ValueError(
                f"The labels or probabilities have {columns} columns (one per class), but "
                f"class_names has only {len(names)} names; pass one name per class."
            )
        return len(names)
    largest = max((int(v.max()) + 1 for v in labels.values() if v.size), default=1)
    return max(largest, columns)


def class_name(label: int, class_names: Sequence[str] | None) -> str:
    """Return the name of class ``label``, or the number as text without names."""
    if class_names is None:
        return str(label)
    if not 0 <= label < len(class_names):
        raise ValueError(
            f"Class {label} has no name: class_names has only {len(class_names)} entries "
            f"(classes 0 to {len(class_names) - 1})."
        )
    return str(class_names[label])


def class_index(cls: Any, class_names: Sequence[str] | None, name: str, n_classes: int) -> int:
    """Turn a class given by number (3) or by name ("cat") into its number.

    ``name`` is the argument's name for the messages; the number must be below
    ``n_classes``. A NumPy scalar or one-element array (``y_test[0]``) is fine.
    """
    if isinstance(cls, np.ndarray) and cls.size == 1:
        cls = cls.item()
    if isinstance(cls, str):
        if class_names is None or cls not in list(class_names):
            known = ", ".join(map(repr, class_names)) if class_names is not None else "none"
            raise ValueError(f"{name} {cls!r} is not a class name (known names: {known}).")
        return list(class_names).index(cls)
    whole = isinstance(cls, (float, np.floating)) and float(cls).is_integer()
    if not whole and (isinstance(cls, bool) or not isinstance(cls, (int, np.integer))):
        raise TypeError(f"{name} should be a class number or a class name, got {cls!r}.")
    index = int(cls)
    if not 0 <= index < n_classes:
        raise ValueError(
            f"{name} {index} is not a class number: there are only {n_classes} classes "
            f"(0 to {n_classes - 1})."
        )
    return index


def _check_pixels(arr: np.ndarray, name: str, shape_ok: bool, shapes: str, hint: str = "") -> None:
    """Refuse an array of the wrong shape (``shapes`` says which are right) or not of numbers."""
    if not shape_ok:
        raise ValueError(f"{name} should {shapes}, got shape {arr.shape}.{hint}")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} should hold numbers, got values of type {arr.dtype}.")


def image_batch(images: ArrayLike, name: str = "images") -> np.ndarray:
    """Check a batch of images and return it as an array (not copied, not rescaled).

    A batch has shape (N, H, W) or (N, H, W, 1) for grey images and
    (N, H, W, 3) for colour (or (N, H, W, 4) with transparency), holds numbers,
    and has at least one image with at least one pixel.
    """
    arr = as_array(images, name)
    if arr.ndim == 3 and arr.shape[-1] == 3:
        raise ValueError(f"{name} has shape {arr.shape}, which looks like ONE colour image; "
                         "pass a batch such as x_test[:4] (or image[None] for one image).")
    _check_pixels(arr, name, arr.ndim == 3 or (arr.ndim == 4 and arr.shape[-1] in (1, 3, 4)),
                  "have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3)")
    if len(arr) == 0:
        raise ValueError(
            f"There are no images to show: {name} is empty. "
            "Check that your dataset loaded and that any filtering kept some images."
        )
    if 0 in arr.shape[1:3]:
        raise ValueError(
            f"The images have no pixels ({name} has shape {arr.shape}: height or width is 0); "
            "check how you cropped or resized them."
        )
    return arr


def one_image(image: ArrayLike, name: str = "image") -> np.ndarray:
    """Check ONE image of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4); return it as an array.

    A batch of one, (1, H, W, C), is taken as its only image. Values are not
    changed. Passing a whole dataset is the classic mistake; the message says so.
    """
    arr = as_array(image, name)
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    _check_pixels(arr, name, arr.ndim == 2 or (arr.ndim == 3 and arr.shape[-1] in (1, 3, 4)),
                  "be ONE image of shape (H, W), (H, W, 1) or (H, W, 3)",
                  " Pass x_test[0], not the whole array.")
    if arr.size == 0:
        raise ValueError(
            f"The image has no pixels ({name} has shape {arr.shape}): pass one image such as "
            "x_train[0], and check that your dataset loaded."
        )
    return arr


def prepare_images(images: ArrayLike, name: str = "images") -> tuple[np.ndarray, float]:
    """Return a batch of images ready for ``imshow``, and the value that means "white".

    Checks the batch with ``image_batch``, drops a channel axis of size 1, and
    rescales floats left in 0..255 to 0..1. Whole numbers stay 0..255 (white 255).
    """
    arr = image_batch(images, name)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.dtype.kind == "f":
        if np.max(arr, initial=0.0, where=~np.isnan(arr)) > 1.0:
            arr = arr / 255.0
        return np.clip(arr, 0.0, 1.0), 1.0
    return np.clip(arr, 0, 255).astype(np.uint8), 255.0


def check_probabilities(
    probabilities: ArrayLike, class_names: Sequence[str] | None, ndim: int,
    name: str = "probabilities",
) -> np.ndarray:
    """Return class probabilities as floats, checking shape, range and the number of classes.

    ``ndim`` is 1 for the probabilities of one image (C,) and 2 for a batch
    (N, C); C must be at least 2 and match the number of ``class_names``.
    """
    try:
        probs = np.asarray(probabilities, dtype=float)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} should be numbers, one per class (the output of "
                         "model.predict); these could not be read as numbers.") from err
    if probs.ndim != ndim or probs.shape[-1] < 2:
        shape = "(C,) for one image" if ndim == 1 else "(N, C), one row per image"
        raise ValueError(f"{name} should have shape {shape}, with C >= 2 classes; "
                         f"got shape {probs.shape}. Pass the output of model.predict.")
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or probs.max() > 1:
        raise ValueError(f"{name} should be between 0 and 1; if your model's last layer "
                         "has no softmax, apply keras.activations.softmax to its output.")
    names = check_class_names(class_names)
    if names is not None and len(names) != probs.shape[-1]:
        raise ValueError(f"Each row of {name} has {probs.shape[-1]} values but class_names "
                         f"has {len(names)} names; pass one probability per class.")
    return probs
