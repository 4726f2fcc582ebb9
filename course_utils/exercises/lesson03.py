"""Checks for the exercises of lesson 03 (data augmentation)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._common import error, is_number, kind, report, show

__all__ = ["check_augmentation_pipeline", "check_rotation_degrees", "check_safe_augmentations"]

# --------------------------------------------------------------------------- Exercise 1


def check_rotation_degrees(degrees: Any) -> bool:
    """Check Exercise 1 of lesson 03: how many degrees ``RandomRotation(0.05)`` turns.

    Give the largest angle, in degrees, by which the layer may turn an image
    in one direction (it turns by a random angle between minus and plus that)::

        check_rotation_degrees(max_degrees)
    """
    expected = 0.05 * 360
    if not is_number(degrees):
        return report(False, f"Give one number of degrees; you gave {kind(degrees)} "
                             f"({show(degrees)}).")
    value = abs(float(degrees))
    if math.isclose(value, expected, abs_tol=0.01):
        return report(True, "0.05 of a full turn is 0.05 × 360° = 18°: the layer turns each "
                            "image by a random angle between −18° and +18°.")
    hints = [
        (0.0, "replace 0 with your calculation."),
        (0.05 * 180, "a full turn is 360°, not 180°: the factor is a fraction of 360°."),
        (0.05 * 2 * math.pi, "that is the angle in radians; the question asks for degrees "
                             "(a full turn is 360°)."),
        (0.05 * math.pi, "that is half the angle in radians; multiply 0.05 by 360° instead."),
        (2 * expected, "that is the width of the whole range, from −18° to +18°; give the "
                       "largest angle in ONE direction."),
        (5.0, "0.05 is not 5 percent of 100°: it is a fraction of a full turn of 360°."),
        (0.05, "RandomRotation's factor is a fraction of a full turn, not degrees: "
               "multiply it by 360."),
    ]
    for wrong, hint in hints:
        if math.isclose(value, wrong, abs_tol=1e-3):
            return report(False, f"{show(degrees)} is not right: {hint}")
    return report(False, f"{show(degrees)} is not right: the factor 0.05 is a fraction of a "
                         "full turn (360°).")


# --------------------------------------------------------------------------- Exercise 2

AUGMENTATION_OPTIONS: dict[str, str] = {
    "flip_left_right": "mirror the image left to right",
    "flip_up_down": "turn the image upside down by mirroring it top to bottom",
    "rotate_small": "rotate by up to ±10°",
    "rotate_any": "rotate by any angle, up to ±180°",
    "shift": "shift by up to 10% of the image size",
    "zoom": "zoom in or out by up to 10%",
}

_SAFE: dict[str, set[str]] = {
    "digits": {"rotate_small", "shift", "zoom"},
    "photos": {"flip_left_right", "rotate_small", "shift", "zoom"},
    "cells": set(AUGMENTATION_OPTIONS),
}

# Why an option is wrong (when chosen) or missing (when left out), per dataset.
_WRONG: dict[tuple[str, str], str] = {
    ("digits", "flip_left_right"): "a mirrored 2, 3 or 7 is no longer a digit anyone writes",
    ("digits", "flip_up_down"): "flipped top to bottom most digits are unreadable, and a 6 "
                                "looks like a mirrored 9",
    ("digits", "rotate_any"): "a 6 turned by 180° looks like a 9, so its label would be wrong",
    ("photos", "flip_up_down"): "photos are taken upright: an upside-down car or ship never "
                                "appears in the test images, so the model wastes effort on it",
    ("photos", "rotate_any"): "photos are taken upright: a ship on its side never appears in "
                              "the test images",
}
_MISSING: dict[tuple[str, str], str] = {
    ("digits", "rotate_small"): "people write digits slightly slanted, so small rotations are "
                                "safe and useful",
    ("digits", "shift"): "a digit a little off centre is still the same digit",
    ("digits", "zoom"): "a digit written a little larger or smaller is still the same digit",
    ("photos", "flip_left_right"): "a mirrored cat is still a cat",
    ("photos", "rotate_small"): "a camera held slightly tilted still shows the same object",
    ("photos", "shift"): "an object a little off centre is still the same object",
    ("photos", "zoom"): "an object a little closer or further away is still the same object",
}
_CELLS_MISSING = ("under a microscope there is no up, down, left or right, so a cell turned "
                  "or mirrored in any way is a cell of the same type")

_DATASET_WORDS = {
    "digits": "handwritten digits (MNIST)",
    "photos": "small photos (CIFAR-10)",
    "cells": "microscope images of blood cells",
}


def _as_choice(value: Any, name: str) -> tuple[set[str] | None, str | None]:
    """Return the learner's choice as a set of option names, or a problem message."""
    if isinstance(value, str):
        return None, (f"{name} should be a set of option names such as "
                      f'{{"shift", "zoom"}}, not one string ({show(value)}).')
    if not isinstance(value, Iterable) or isinstance(value, dict):
        return None, f"{name} should be a set of option names; you gave {kind(value)}."
    items = list(value)
    bad = [item for item in items if not isinstance(item, str)]
    if bad:
        return None, (f"{name} should hold option names as strings; it holds "
                      f"{kind(bad[0])} ({show(bad[0])}).")
    unknown = [item for item in items if item not in AUGMENTATION_OPTIONS]
    if unknown:
        options = ", ".join(f'"{option}"' for option in AUGMENTATION_OPTIONS)
        return None, f'{name} contains "{unknown[0]}", which is not an option. Use: {options}.'
    return set(items), None


def check_safe_augmentations(safe_for_digits: Any, safe_for_photos: Any,
                             safe_for_cells: Any) -> bool:
    """Check Exercise 2 of lesson 03: which augmentations keep the label right, per dataset.

    Pass three sets of option names (see ``AUGMENTATION_OPTIONS``), one each
    for handwritten digits, small photos and microscope images of cells::

        check_safe_augmentations(safe_for_digits, safe_for_photos, safe_for_cells)
    """
    given = {"digits": safe_for_digits, "photos": safe_for_photos, "cells": safe_for_cells}
    for dataset, value in given.items():
        choice, problem = _as_choice(value, f"safe_for_{dataset}")
        if problem:
            return report(False, problem)
        assert choice is not None
        what = _DATASET_WORDS[dataset]
        if not choice:
            return report(False, f"safe_for_{dataset} is empty: choose the options that keep "
                                 f"the label of {what} right.")
        for option in sorted(choice - _SAFE[dataset]):
            reason = _WRONG.get((dataset, option), "it can change what the image shows")
            return report(False, f'"{option}" is not safe for {what}: {reason}.')
        for option in sorted(_SAFE[dataset] - choice):
            reason = _MISSING.get((dataset, option), _CELLS_MISSING)
            return report(False, f'for {what} you left out "{option}", which is safe: '
                                 f"{reason}.")
    return report(True, "digits: small rotations, shifts and zooms only; photos: add "
                        "left-right flips; cells under a microscope: every flip and rotation.")


# --------------------------------------------------------------------------- Exercise 3

_WANTED = {
    "RandomFlip": "RandomFlip(\"horizontal\")",
    "RandomRotation": "RandomRotation(15 / 360)",
    "RandomTranslation": "RandomTranslation(0.1, 0.1)",
    "RandomZoom": "RandomZoom(0.1)",
}


def _layers_of(model: Any) -> list[Any]:
    """The layers inside a (possibly nested) Sequential, or the layer itself."""
    inner = getattr(model, "layers", None)
    if inner is None:
        return [model]
    found: list[Any] = []
    for layer in inner:
        found.extend(_layers_of(layer))
    return found


def _symmetric(factor: Any) -> tuple[float, float] | None:
    """A layer factor as (low, high): 0.1 means (-0.1, 0.1)."""
    if factor is None:
        return None
    if isinstance(factor, list | tuple):
        if len(factor) != 2:
            return None
        return float(factor[0]), float(factor[1])
    return -abs(float(factor)), abs(float(factor))


def _is_plus_minus(factor: Any, value: float, tol: float = 1e-3) -> bool:
    pair = _symmetric(factor)
    return pair is not None and math.isclose(pair[0], -value, abs_tol=tol) and math.isclose(
        pair[1], value, abs_tol=tol)


def _rotation_problem(config: dict[str, Any]) -> str | None:
    factor = config.get("factor")
    if _is_plus_minus(factor, 15 / 360, tol=1e-4):
        return None
    pair = _symmetric(factor)
    biggest = max(abs(v) for v in pair) if pair else float("nan")
    if math.isclose(biggest, math.radians(15), abs_tol=1e-4):
        return ("your RandomRotation factor is 15° in radians; the layer wants a fraction of a "
                "full turn: 15 / 360.")
    if math.isclose(biggest, 15 / 180, abs_tol=1e-4):
        return "a full turn is 360°, so ±15° is RandomRotation(15 / 360), not 15 / 180."
    one_way = pair is not None and min(abs(v) for v in pair) < 1e-9
    if one_way and math.isclose(biggest, 15 / 360, abs_tol=1e-4):
        return ("your RandomRotation only turns one way; one number, 15 / 360, turns both "
                "ways (±15°).")
    return (f"your RandomRotation turns by up to ±{biggest * 360:.3g}°; for ±15° its factor "
            f"should be 15 / 360 (≈ {15 / 360:.4f}).")


def _translation_problem(config: dict[str, Any]) -> str | None:
    height, width = config.get("height_factor"), config.get("width_factor")
    if _is_plus_minus(height, 0.1) and _is_plus_minus(width, 0.1):
        return None
    if _is_plus_minus(height, 0.1) or _is_plus_minus(width, 0.1):
        return ("shift in BOTH directions: RandomTranslation(0.1, 0.1) (height_factor, then "
                "width_factor).")
    return (f"RandomTranslation has height_factor={show(height)} and width_factor="
            f"{show(width)}; shifts of up to 10% are RandomTranslation(0.1, 0.1).")


def _zoom_problem(config: dict[str, Any]) -> str | None:
    height, width = config.get("height_factor"), config.get("width_factor")
    if _is_plus_minus(height, 0.1) and (width is None or _is_plus_minus(width, 0.1)):
        return None
    return f"RandomZoom has height_factor={show(height)}; zoom of ±10% is RandomZoom(0.1)."


def check_augmentation_pipeline(augmentation: Any) -> bool:
    """Check Exercise 3 of lesson 03: an augmentation pipeline with given settings.

    ``augmentation`` should be a ``keras.Sequential`` with four random layers:
    left-right flips, rotations of up to ±15°, shifts of up to 10% in both
    directions and zooms of up to ±10%, in any order::

        check_augmentation_pipeline(augmentation)
    """
    import keras

    if isinstance(augmentation, type) or not isinstance(augmentation, keras.layers.Layer):
        return report(False, "pass a keras.Sequential([...]) of random layers; you gave "
                             f"{kind(augmentation)}.")
    layers = _layers_of(augmentation)
    by_type: dict[str, list[Any]] = {}
    for layer in layers:
        by_type.setdefault(type(layer).__name__, []).append(layer)

    for name, call in _WANTED.items():
        if name not in by_type:
            return report(False, f"there is no {name} layer; add keras.layers.{call}.")
        if len(by_type[name]) > 1:
            return report(False, f"there are {len(by_type[name])} {name} layers; use one.")
    extra = [name for name in by_type if name not in _WANTED]
    if extra:
        return report(False, f"the task asks for four layers; remove the {extra[0]} layer.")

    flip_mode = by_type["RandomFlip"][0].get_config().get("mode")
    if flip_mode != "horizontal":
        return report(False, f'RandomFlip has mode "{flip_mode}"; left-right flips only is '
                             'RandomFlip("horizontal").')
    checks = (
        _rotation_problem(by_type["RandomRotation"][0].get_config()),
        _translation_problem(by_type["RandomTranslation"][0].get_config()),
        _zoom_problem(by_type["RandomZoom"][0].get_config()),
    )
    for problem in checks:
        if problem:
            return report(False, problem)

    # Finally, run it the way the model will: on a batch of uint8 images, while training.
    images = np.random.default_rng(0).integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
    try:
        out = keras.ops.convert_to_numpy(augmentation(images, training=True))
    except Exception as exc:  # noqa: BLE001 - any error in learner code becomes a message
        return report(False, f"the settings are right, but running it on a batch of images "
                             f"raised {error(exc)}")
    if out.shape != images.shape:
        return report(False, f"the pipeline turned images of shape {images.shape} into "
                             f"{out.shape}; it should keep their shape.")
    return report(True, "flips, rotations of ±15° (15/360 of a turn), shifts of 10% and "
                        "zooms of ±10%, ready to go in front of a model.")
