"""Checks for the exercises of lesson 07 (inside a CNN).

Exercise 1 asks for the output size of a convolution, Exercise 2 for a
convolution loop with a stride, Exercise 3 which kernel made which feature
map, Exercise 4 for a one-layer Keras model that finds horizontal edges.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import call, error, kind, not_callable, report, show

__all__ = [
    "KERNELS",
    "MYSTERY_ORDER",
    "check_convolve",
    "check_edge_detector",
    "check_kernel_guess",
    "check_output_size",
    "conv_output_size",
    "mystery_maps",
]

# The three kernels of Exercise 3, by the name the learner answers with.
KERNELS: dict[str, np.ndarray] = {
    "vertical edges": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32),
    "horizontal edges": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float32),
    "blur": np.full((3, 3), 1 / 9, dtype=np.float32),
}
# Which kernel made map A, B and C in Exercise 3 (the lesson does not print this).
MYSTERY_ORDER = {"A": "horizontal edges", "B": "blur", "C": "vertical edges"}


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """The output size along one axis of a convolution or pooling layer, as Keras computes it.

    ``padding="valid"`` (no padding): ``(size - kernel) // stride + 1``;
    ``padding="same"`` (Keras pads with zeros as needed): ``ceil(size / stride)``.
    """
    if padding == "same":
        return -(-size // stride)
    if padding == "valid":
        return (size - kernel) // stride + 1
    raise ValueError(f'padding must be "valid" or "same", got {padding!r}')


def _correlate(image: np.ndarray, kernel: np.ndarray, stride: int) -> np.ndarray:
    """The reference: what Conv2D computes for one channel, no padding."""
    rows = (image.shape[0] - kernel.shape[0]) // stride + 1
    cols = (image.shape[1] - kernel.shape[1]) // stride + 1
    out = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            patch = image[r * stride:r * stride + kernel.shape[0],
                          c * stride:c * stride + kernel.shape[1]]
            out[r, c] = (patch * kernel).sum()
    return out


def mystery_maps(image: Any) -> dict[str, np.ndarray]:
    """The feature maps A, B and C of Exercise 3: three kernels applied to a grey ``image``."""
    grey = np.asarray(image, dtype=np.float32)
    grey = grey[..., 0] if grey.ndim == 3 else grey
    return {letter: _correlate(grey, KERNELS[name], 1) for letter, name in MYSTERY_ORDER.items()}


# --------------------------------------------------------------------------- Exercise 1

_SIZE_CASES = [  # (size, kernel, stride, padding)
    (6, 3, 1, "valid"), (6, 3, 1, "same"), (28, 3, 2, "valid"), (28, 3, 2, "same"),
    (32, 5, 1, "valid"), (7, 3, 2, "valid"), (7, 3, 2, "same"), (5, 5, 1, "valid"),
    (224, 7, 2, "same"), (227, 11, 4, "valid"),
]


def check_output_size(output_size: Any) -> bool:
    """Check Exercise 1: ``output_size(size, kernel, stride, padding)`` returns Keras' size.

    Tries ten cases, among them 6×6 with a 3×3 kernel, stride 2 on 28
    pixels, and AlexNet's first layer (227 pixels, 11×11 kernel, stride 4).
    """
    problem = not_callable("check_output_size", "output_size", output_size)
    if problem:
        return report(False, problem)
    for size, kernel, stride, padding in _SIZE_CASES:
        got, problem = call("output_size", output_size, size, kernel, stride, padding)
        if problem:
            return report(False, f"{problem} for output_size({size}, {kernel}, {stride}, "
                                 f"{padding!r}).")
        expected = conv_output_size(size, kernel, stride, padding)
        if isinstance(got, float) and got.is_integer():
            got = int(got)
        if not isinstance(got, int | np.integer):
            return report(False, f"output_size({size}, {kernel}, {stride}, {padding!r}) "
                                 f"returned {kind(got)} ({show(got)}); return a whole number "
                                 "(use // for division that rounds down).")
        if int(got) != expected:
            hint = ('with padding="same" the size depends only on the stride: '
                    "size / stride, rounded up" if padding == "same" else
                    "count the positions where the kernel fits whole, then step by the stride: "
                    "(size - kernel) // stride + 1")
            return report(False, f"output_size({size}, {kernel}, {stride}, {padding!r}) "
                                 f"returned {int(got)}, Keras gives {expected}: {hint}.")
    return report(True, f"your formula gives Keras' output size in all {len(_SIZE_CASES)} "
                        "cases.")


# --------------------------------------------------------------------------- Exercise 2


def check_convolve(convolve: Any) -> bool:
    """Check Exercise 2: ``convolve(image, kernel, stride)`` computes what Conv2D computes.

    Compares with the reference on a 6×6 image, a 7×5 image and random
    kernels, with strides 1, 2 and 3 (no padding).
    """
    problem = not_callable("check_convolve", "convolve", convolve)
    if problem:
        return report(False, problem)
    rng = np.random.default_rng(7)
    cases = [(np.arange(36, dtype=float).reshape(6, 6), KERNELS["vertical edges"], 1),
             (rng.integers(0, 10, (6, 6)).astype(float), rng.normal(size=(3, 3)), 2),
             (rng.integers(0, 10, (7, 5)).astype(float), rng.normal(size=(3, 3)), 2),
             (rng.normal(size=(9, 9)), rng.normal(size=(2, 2)), 3)]
    for image, kernel, stride in cases:
        try:
            got, problem = call("convolve", convolve, image.copy(), kernel.copy(), stride)
        except BaseException as exc:  # noqa: BLE001 - never raise from a check
            return report(False, f"convolve raised {error(exc)}")
        if problem:
            return report(False, f"{problem} on a {image.shape[0]}×{image.shape[1]} image with "
                                 f"stride {stride}.")
        expected = _correlate(image, kernel, stride)
        try:
            array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return report(False, f"convolve returned {kind(got)}; return a NumPy array.")
        where = f"a {image.shape[0]}×{image.shape[1]} image, a {kernel.shape[0]}×" \
                f"{kernel.shape[1]} kernel and stride {stride}"
        if array.shape != expected.shape:
            return report(False, f"for {where} the output should have shape {expected.shape}, "
                                 f"yours has {array.shape}: the number of positions is "
                                 "(size - kernel) // stride + 1 along each axis.")
        flipped = _correlate(image, kernel[::-1, ::-1], stride)
        if np.allclose(array, flipped) and not np.allclose(array, expected):
            return report(False, f"for {where} your output is the convolution with the "
                                 "kernel turned by 180°. Conv2D does not turn the kernel: "
                                 "multiply patch[i, j] by kernel[i, j].")
        if not np.allclose(array, expected, atol=1e-6):
            return report(False, f"for {where} the values differ: expected {show(expected)}, "
                                 f"got {show(array)}. Does row r start at r * stride?")
    return report(True, "your loop gives the same numbers as Conv2D (no padding) for strides "
                        "1, 2 and 3.")


# --------------------------------------------------------------------------- Exercise 3


def check_kernel_guess(answer: Any) -> bool:
    """Check Exercise 3: ``answer`` maps "A", "B", "C" to the name of the kernel that made it.

    Names: "vertical edges", "horizontal edges", "blur".
    """
    if not isinstance(answer, dict):
        return report(False, f"answer should be a dict such as {{'A': 'blur', ...}}, got "
                             f"{kind(answer)}.")
    cleaned = {str(k).strip().upper(): str(v).strip().lower() for k, v in answer.items()}
    if sorted(cleaned) != ["A", "B", "C"]:
        return report(False, f"answer needs the keys 'A', 'B' and 'C', got {sorted(cleaned)}.")
    unknown = [v for v in cleaned.values() if v not in KERNELS]
    if unknown:
        return report(False, f"{unknown[0]!r} is not one of the kernel names: "
                             f"{', '.join(repr(k) for k in KERNELS)}.")
    wrong = [letter for letter in "ABC" if cleaned[letter] != MYSTERY_ORDER[letter]]
    if wrong:
        clues = {"vertical edges": "strong where brightness changes from left to right",
                 "horizontal edges": "strong where brightness changes from top to bottom",
                 "blur": "all positive, a softer copy of the image"}
        letter = wrong[0]
        return report(False, f"map {letter} is not made by {cleaned[letter]!r}. Clue: it is "
                             f"{clues[MYSTERY_ORDER[letter]]}.")
    return report(True, "A finds horizontal edges, B blurs, C finds vertical edges.")


# --------------------------------------------------------------------------- Exercise 4


def _stripes(horizontal: bool) -> np.ndarray:
    image = np.zeros((28, 28, 1), dtype=np.float32)
    if horizontal:
        image[10:18, :] = 255.0
    else:
        image[:, 10:18] = 255.0
    return image


def check_edge_detector(model: Any) -> bool:
    """Check Exercise 4: a Keras model with one Conv2D layer that finds horizontal edges.

    The check inspects the model: one convolution layer with one 3×3 filter,
    then runs it on a white horizontal bar and a white vertical bar on black
    (28×28×1): the bar's top and bottom edges must respond strongly, the
    vertical bar and flat areas (almost) not at all.
    """
    conv = [layer for layer in getattr(model, "layers", [])
            if type(layer).__name__ == "Conv2D"]
    if not conv:
        return report(False, f"pass a Keras model with a Conv2D layer; got {kind(model)} "
                             "without one.")
    if len(getattr(model, "layers", [])) != 1 or len(conv) != 1:
        return report(False, f"the model should have exactly one layer, the Conv2D; it has "
                             f"{len(model.layers)}: {[layer.name for layer in model.layers]}.")
    layer = conv[0]
    kernel = np.asarray(layer.kernel)
    if kernel.shape != (3, 3, 1, 1):
        return report(False, f"the Conv2D kernel has shape {kernel.shape}; make it "
                             "Conv2D(1, 3) on a 28×28×1 input: shape (3, 3, 1, 1).")
    try:
        responses = np.asarray(model.predict(np.stack([_stripes(True), _stripes(False)]),
                                             verbose=0), dtype=float)
    except Exception as exc:  # noqa: BLE001 - never raise from a check
        return report(False, f"the model could not run on a (2, 28, 28, 1) float batch: "
                             f"{error(exc)}. Start it with keras.Input(shape=(28, 28, 1)).")
    # Flat areas: black in a corner, white inside the bar (its rows 10–17, away from the edges).
    flat = max(float(np.abs(responses[0, :5, :5]).max()),
               float(np.abs(responses[0, 12, 5:20]).max()))
    across, along = float(np.abs(responses[0]).max()), float(np.abs(responses[1]).max())
    if across < 1e-3 and along >= 1e-3:
        return report(False, f"the vertical bar responds ({along:.3g}) but the horizontal one "
                             "does not: your kernel finds vertical edges. Turn it by 90°: make "
                             "each row constant, e.g. [[1, 2, 1], [0, 0, 0], [-1, -2, -1]].")
    if across < 1e-3:
        return report(False, "the horizontal bar gives (almost) no response: set the kernel "
                             "with layer.set_weights([kernel]) (add a bias too if the layer "
                             "has one), with rows of opposite sign above and below.")
    if flat > 0.05 * across:
        return report(False, f"a flat area gives {flat:.3g}, not 0: the kernel's weights "
                             "(and the bias) must add up to 0, so that only changes respond.")
    if along > 0.1 * across:
        return report(False, f"the vertical bar responds too ({along:.3g} against {across:.3g} "
                             "for the horizontal one): the kernel finds vertical edges too. "
                             "Make each row constant, e.g. [[1, 2, 1], [0, 0, 0], [-1, -2, -1]].")
    return report(True, f"the edges of the horizontal bar respond with up to {across:.3g}, the "
                        f"vertical bar with {along:.3g}: a horizontal-edge detector.")
