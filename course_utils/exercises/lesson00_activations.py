"""Checks for lesson 00's exercises that ask for a function: relu, sigmoid and softmax.

Each check calls the learner's function on numbers and arrays it chose, compares
the answers with a reference, and says precisely which input went wrong.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import as_float_array, call, not_callable, report, show

__all__ = ["check_relu", "check_sigmoid", "check_softmax"]


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



# --------------------------------------------------------------------------- softmax

SOFTMAX_INPUTS: tuple[tuple[float, ...], ...] = (
    (2.0, 1.0, 0.1),  # the example of lesson 00, section 6
    (0.0, 0.0, 0.0, 0.0),  # equal scores: equal probabilities
    (-1.0, 0.5, 3.0, -2.0, 0.0),  # negative scores, five classes
    (1000.0, 1001.0, 1002.0),  # np.exp(1000.0) overflows to inf
    (-1000.0, -1001.0, -1002.0),  # np.exp(-1000.0) underflows to 0
    (-800.0, 0.0, 800.0),  # far apart: subtracting the smallest (or the mean) overflows
)
"""The scores ``check_softmax`` tries, in this order (1-D arrays)."""


def _softmax_reference(scores: np.ndarray) -> np.ndarray:
    exp_scores = np.exp(scores - scores.max())
    return exp_scores / exp_scores.sum()


_OVERFLOW_HINT = (
    "np.exp overflows for large scores (np.exp(1000.0) is inf, and inf / inf is nan) and "
    "gives 0 for very negative ones (0 / 0 is nan). Subtract the largest score, "
    "scores.max(), from every score before np.exp: the probabilities stay the same, and "
    "every exponent is then 0 or less"
)


def _softmax_problem(softmax: Callable[[Any], Any], scores: np.ndarray) -> str | None:
    """What is wrong with ``softmax(scores)``, or None when it is right."""
    name = f"softmax({show(scores)})"
    given = scores.copy()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result, problem = call(name, softmax, given)
    if problem:
        if "OverflowError" in problem:
            return f"{problem}: math.exp cannot take such large numbers. {_OVERFLOW_HINT}"
        if "converted to Python scalars" in problem:
            return (f"{problem}. softmax gets a whole NumPy array: use np.exp, which works "
                    "element by element (math.exp takes one number)")
        return problem
    if result is None:
        return f"{name} returned None: did you forget `return`?"
    values = as_float_array(result)
    if values is None:
        return f"{name} should return a NumPy array of numbers, yours gave {show(result)}"
    if values.shape != scores.shape:
        hint = (": one number. Divide np.exp(scores) by its sum, which keeps one value per "
                "score" if values.shape == () else "")
        return (f"{name} should return {scores.size} probabilities, one per score (shape "
                f"{scores.shape}); yours has shape {values.shape}{hint}")
    if not np.all(np.isfinite(values)):
        if np.abs(scores).max() > 100:
            return f"{name} gave {show(values)}: {_OVERFLOW_HINT}"
        return f"{name} gave {show(values)}, which contains nan or inf"
    expected = _softmax_reference(scores)
    if np.array_equal(values, scores):
        return (f"{name} returned the scores unchanged: return np.exp of every score divided "
                "by the sum of them all")
    if not np.allclose(values, expected, rtol=1e-5, atol=1e-7):
        total = float(values.sum())
        with np.errstate(all="ignore"):
            plain_ratio = scores / scores.sum()
        if np.allclose(values, plain_ratio, rtol=1e-5, atol=1e-7):
            hint = ("you divided the scores by their sum. Take np.exp of the scores first: "
                    "scores may be negative, probabilities may not")
        elif not math.isclose(total, 1.0, rel_tol=1e-5):
            hint = (f"your values sum to {show(total)}, not 1: divide np.exp(scores) by the "
                    "sum of all the exponentials, np.exp(scores).sum()")
        else:
            hint = "the values sum to 1 but are not e**score / (sum of all e**score)"
        return f"{name} should be {show(expected)}, yours gave {show(values)}: {hint}"
    if not np.array_equal(given, scores):
        return ("the values are right, but softmax changed the scores it was given (in place, "
                "e.g. with -=). Build a new array instead: scores - scores.max()")
    return None


def check_softmax(softmax: Callable[[Any], Any]) -> bool:
    """Check your ``softmax(scores)`` function (lesson 00, exercise 3).

    ``softmax(scores)`` takes a 1-D NumPy array of scores, one per class, and
    returns the probabilities: ``e**score`` of every score divided by the sum
    of them all, an array of the same shape whose values are positive and add
    up to 1. It must also work for very large and very negative scores, such
    as ``np.array([1000.0, 1001.0, 1002.0])``, where ``np.exp`` alone gives
    ``inf``. The check tries the scores in ``SOFTMAX_INPUTS`` and does not
    accept a function that changes the array it is given.

    Pass the function itself: ``check_softmax(softmax)``.
    Prints what is right or wrong and returns True or False.
    """
    problem = not_callable("check_softmax", "softmax", softmax)
    if problem:
        return report(False, problem)
    for scores in SOFTMAX_INPUTS:
        problem = _softmax_problem(softmax, np.array(scores))
        if problem:
            return report(False, problem)
    return report(
        True,
        f"softmax turns every one of {len(SOFTMAX_INPUTS)} score arrays into probabilities "
        "that add up to 1, also scores as large as 1000 and as far apart as -800 and 800.",
    )
