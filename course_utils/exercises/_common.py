"""Helpers shared by the checks of all lessons: one message, never an exception."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np


def report(ok: bool, message: str) -> bool:
    """Print ``✅ Correct — message`` or ``❌ message`` and return ``ok``."""
    print(f"✅ Correct — {message}" if ok else f"❌ {message}")
    return ok


def show(value: Any) -> str:
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


def kind(value: Any) -> str:
    """Name the type of ``value`` with an article: "an int", "a str", "a NumPy array"."""
    if isinstance(value, np.ndarray):
        return "a NumPy array"
    name = type(value).__name__
    return f"an {name}" if name[0].lower() in "aeiou" else f"a {name}"


def error(exc: BaseException) -> str:
    """Describe an exception in one line: its type and message."""
    return f"{type(exc).__name__}: {exc}"


def call(name: str, func: Callable[..., Any], *args: Any) -> tuple[Any, str | None]:
    """Call the learner's ``func``; return ``(result, None)`` or ``(None, problem)``.

    Errors raised inside the learner's function become a message instead of
    propagating, so a check never crashes.
    """
    try:
        return func(*args), None
    except Exception as exc:  # noqa: BLE001 - any error in learner code becomes a message
        return None, f"{name} raised {error(exc)}"


def not_callable(check_name: str, name: str, value: Any) -> str | None:
    """Return a message when ``value`` is not a function, else None."""
    if callable(value):
        return None
    return (
        f"pass your function itself: {check_name}({name}), with no parentheses after "
        f"{name}. You passed {kind(value)} ({show(value)})"
    )


def as_float_array(value: Any) -> np.ndarray | None:
    """Convert ``value`` to a float array, or return None when that is impossible."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def is_number(value: Any) -> bool:
    """True for an int or float (Python or NumPy), False for bool, str, arrays, ..."""
    return isinstance(value, Real | np.number) and not isinstance(value, bool | np.bool_)


def as_int(value: Any) -> int | None:
    """Return ``value`` as an int when it is a whole number (not a bool), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    return None
