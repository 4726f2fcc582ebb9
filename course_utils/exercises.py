"""Self-checks for the exercises in the lessons.

Every exercise ends with a check cell such as::

    from course_utils.exercises import check_relu

    check_relu(relu)

A check prints one line: ``✅ Correct — ...`` when your answer is right, or
``❌ ...`` saying what is wrong and how to fix it. It returns True or False
and never raises an error, whatever you pass it, so you can run it as often
as you like. The checks are grouped by lesson below.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

__all__ = [
    "check_cifar10_iterations",
    "check_conv_params",
    "check_feature_map_shapes",
    "check_relu",
    "check_sigmoid",
    "check_standardize",
]


# ---------------------------------------------------------------------------
# Helpers shared by all lessons
# ---------------------------------------------------------------------------


def _report(ok: bool, message: str) -> bool:
    """Print ``✅ Correct — message`` or ``❌ message`` and return ``ok``."""
    print(f"✅ Correct — {message}" if ok else f"❌ {message}")
    return ok


def _show(value: Any) -> str:
    """Describe a value briefly for a message: numbers as 0.0 or 0.8808, arrays short."""
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, Real | np.floating):
        number = float(value)
        if number.is_integer() and abs(number) < 1e15:
            return f"{number:.1f}"
        return f"{number:.6g}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=3, suppress_small=True, threshold=10)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    """Name the type of ``value`` with an article: "an int", "a str", "a NumPy array"."""
    if isinstance(value, np.ndarray):
        return "a NumPy array"
    name = type(value).__name__
    return f"an {name}" if name[0].lower() in "aeiou" else f"a {name}"


def _error(exc: BaseException) -> str:
    """Describe an exception in one line: its type and message."""
    return f"{type(exc).__name__}: {exc}"


def _call(name: str, func: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """Call the learner's ``func``; return ``(result, None)`` or ``(None, problem)``.

    Errors raised inside the learner's function become a message instead of
    propagating, so a check never crashes.
    """
    try:
        return func(*args), None
    except Exception as exc:  # noqa: BLE001 - any error in learner code becomes a message
        return None, f"{name} raised {_error(exc)}"


def _not_callable(check_name: str, name: str, value: Any) -> str | None:
    """Return a message when ``value`` is not a function, else None."""
    if callable(value):
        return None
    return (
        f"pass your function itself: {check_name}({name}), with no parentheses after "
        f"{name}. You passed {_kind(value)} ({_show(value)})"
    )


def _as_float_array(value: Any) -> np.ndarray | None:
    """Convert ``value`` to a float array, or return None when that is impossible."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _is_number(value: Any) -> bool:
    """True for an int or float (Python or NumPy), False for bool, str, arrays, ..."""
    return isinstance(value, Real | np.number) and not isinstance(value, bool | np.bool_)


# ---------------------------------------------------------------------------
# Lesson 00
# ---------------------------------------------------------------------------

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
    problem = _not_callable("check_standardize", "standardize", standardize)
    if problem:
        return _report(False, problem)

    X = _standardize_input()
    X_given = X.copy()
    result, problem = _call("standardize(X)", standardize, X_given)
    if problem:
        if "broadcast" in problem:
            problem += (
                ". The shapes did not fit together: with axis=1 you get one value per row; "
                "use axis=0 to get one value per column"
            )
        return _report(False, problem)
    if result is None:
        return _report(False, "standardize(X) returned None: did you forget `return`?")
    result = _as_float_array(result)
    if result is None:
        return _report(False, "standardize(X) should return a NumPy array of numbers")

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
        return _report(
            False,
            f"your result has shape {result.shape}, expected {expected_shape}{hint}",
        )

    if not np.all(np.isfinite(result)):
        return _report(False, "your result contains nan or inf: did you divide by zero?")

    candidates = [(X - X.mean(axis=0)) / X.std(axis=0, ddof=ddof) for ddof in (0, 1)]
    values_ok = any(np.allclose(result, c, rtol=1e-6, atol=1e-6) for c in candidates)
    if values_ok and not np.array_equal(X_given, X):
        return _report(
            False,
            "the values are right, but your function changed X itself (in place, e.g. with "
            "-= or /=). Build a new array instead: return (X - ...) / ...",
        )
    if values_ok:
        return _report(True, "every column now has mean 0 and standard deviation 1.")

    col_means = result.mean(axis=0)
    col_stds = result.std(axis=0)
    means_ok = np.allclose(col_means, 0.0, atol=1e-6)
    stds_ok = np.allclose(col_stds, 1.0, atol=1e-2)
    if np.array_equal(result, X):
        message = (
            "your function returns X unchanged (column means are "
            f"{_show(col_means)}). Subtract X.mean(axis=0) and divide by X.std(axis=0)"
        )
    elif not means_ok and abs(result.mean()) < 1e-6 and abs(result.std() - 1) < 1e-2:
        message = (
            "the whole array has mean 0 and std 1, but each column should: compute the "
            "mean and std per column with X.mean(axis=0) and X.std(axis=0)"
        )
    elif not means_ok:
        message = (
            f"the column means of your result are {_show(col_means)}, expected all 0: "
            "subtract the column means, X.mean(axis=0)"
        )
    elif not stds_ok:
        message = (
            f"the column means are 0, but the standard deviations are {_show(col_stds)}, "
            "expected all 1: divide by X.std(axis=0)"
        )
    else:
        message = (
            "the columns have mean 0 and std 1, but the values are not (X - mean) / std "
            "of the X you were given: compute the result from X, don't make new numbers"
        )
    return _report(False, message)


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
    problem = _not_callable(f"check_{name}", name, func)
    if problem:
        return False, problem

    # 1. Single numbers.
    for z in numbers:
        expected = float(reference(np.array(z)))
        result, problem = _call(f"{name}({z})", func, z)
        if problem:
            return False, problem
        if result is None:
            return False, f"{name}({z}) returned None: did you forget `return`?"
        value = _as_float_array(result)
        if value is None or value.shape != ():
            return False, f"{name}({z}) should return one number, yours gave {_show(result)}"
        if not math.isclose(float(value), expected, rel_tol=1e-6, abs_tol=1e-6):
            return False, (
                f"{name}({z}) should be {_show(expected)}, yours gave {_show(float(value))}"
            )

    # 2. A whole array at once: element by element, same shape, input untouched.
    z = np.array([[-3.0, -0.5, 0.0], [0.5, 2.0, 4.0]])
    z_given = z.copy()
    expected_values = reference(z)
    result, problem = _call(f"{name}(array)", func, z_given)
    if problem:
        return False, f"{problem}. {name} must work on arrays too. {array_hint}"
    if result is None:
        return False, f"{name}(array) returned None: did you forget `return`?"
    values = _as_float_array(result)
    if values is None:
        return False, f"{name}(array) should return an array, yours gave {_show(result)}"
    if values.shape != z.shape:
        return False, (
            f"{name} of an array of shape {z.shape} gave shape {values.shape}: it should "
            f"work element by element and keep the shape. {array_hint}"
        )
    if not np.allclose(values, expected_values, rtol=1e-6, atol=1e-6):
        return False, (
            f"{name} gives wrong values for an array.\n"
            f"   input:     {_show(z.ravel())}\n"
            f"   expected:  {_show(expected_values.ravel())}\n"
            f"   yours:     {_show(values.ravel())}"
        )
    if not np.array_equal(z_given, z):
        return False, (
            f"the values are right, but {name} changed its input array in place. "
            f"Return a new array instead. {array_hint}"
        )
    return True, ""


def _gives(func: Callable[[Any], Any], z: float, value: float) -> bool:
    """True when ``func(z)`` runs and returns (close to) ``value``."""
    result, problem = _call("", func, z)
    number = _as_float_array(result)
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
    return _report(ok, message)


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
    return _report(ok, message)


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
        if not _is_number(value):
            return _report(
                False,
                f"{name} should be a number, yours is {_kind(value)} ({_show(value)})",
            )
        if not math.isfinite(float(value)):
            return _report(False, f"{name} should be a finite number, yours is {_show(value)}")

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
        return _report(False, f"n_train is {_show(n_train)}: {hint}")

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
        return _report(False, f"iterations_per_epoch is {_show(iterations_per_epoch)}: {hint}")

    if float(total_updates) != good_total:
        return _report(
            False,
            f"total_updates is {_show(total_updates)}: it should be iterations_per_epoch "
            f"times the number of epochs ({CIFAR10_EPOCHS})",
        )

    return _report(
        True,
        f"{good_train:,} training images in batches of {CIFAR10_BATCH_SIZE} make "
        f"{good_iterations} iterations per epoch, and {CIFAR10_EPOCHS} epochs make "
        f"{good_total:,} weight updates.",
    )


# ---------------------------------------------------------------------------
# Lesson 01
# ---------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    """Return ``value`` as an int when it is a whole number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    return None


def check_conv_params(answer: Any) -> bool:
    """Check Exercise 1 of lesson 01: the parameters of the second Conv2D layer.

    The layer has 64 filters of 3×3 on 32 input channels. Pass your number::

        check_conv_params(second_conv_params)
    """
    expected = 64 * (3 * 3 * 32 + 1)
    number = _as_int(answer)
    if number is None:
        return _report(False, f"Give a whole number; you gave {_kind(answer)} ({_show(answer)}).")
    if number == expected:
        return _report(True, f"64 filters × (3·3·32 weights + 1 bias) = {expected:,} parameters.")
    hints = {
        64 * 3 * 3 * 32: "you counted the weights but not the 64 biases (one per filter).",
        64 * (3 * 3 + 1): "each filter sees all 32 input channels: it has 3·3·32 weights.",
        32 * (3 * 3 * 1 + 1): "that is the first Conv2D layer; this one has 64 filters on 32 "
        "channels.",
        0: "replace 0 with your calculation.",
    }
    hint = hints.get(number, "count k·k·c weights per filter, plus one bias, times the filters.")
    return _report(False, f"{number:,} is not right: {hint}")


def check_feature_map_shapes(sizes: Any, flattened_length: Any) -> bool:
    """Check Exercise 2 of lesson 01: feature-map sizes after each layer, and after Flatten.

    ``sizes`` lists the height (= width) after Conv2D, MaxPooling2D, Conv2D,
    MaxPooling2D for a 28×28 input; ``flattened_length`` is the length of the
    vector after Flatten::

        check_feature_map_shapes([..., ..., ..., ...], flattened_length)
    """
    expected = [26, 13, 11, 5]
    steps = ["the first Conv2D (3×3 makes it 2 pixels smaller)",
             "the first MaxPooling2D (halves it)",
             "the second Conv2D (2 pixels smaller again)",
             "the second MaxPooling2D (halves it, rounding down)"]
    try:
        given = [_as_int(s) for s in sizes]
    except TypeError:
        return _report(False, f"sizes should be a list of 4 numbers; you gave {_kind(sizes)}.")
    if len(given) != 4:
        return _report(
            False, f"sizes should hold 4 numbers, one per layer; yours has {len(given)}."
        )
    for got, want, step in zip(given, expected, steps, strict=True):
        if got != want:
            return _report(False, f"after {step} the size is not {_show(got)}: "
                                  f"work it out from the size before.")
    length = _as_int(flattened_length)
    if length != 5 * 5 * 64:
        if length == 5 * 5:
            return _report(False, "the sizes are right; Flatten keeps all 64 feature maps, "
                                  "so multiply by 64.")
        return _report(False, f"the sizes are right, but the length after Flatten is not "
                              f"{_show(flattened_length)}: it is height × width × feature maps.")
    return _report(True, "28 → 26 → 13 → 11 → 5, and 5·5·64 = 1,600 values after Flatten.")
