"""Tests for the exercise checks of lesson 07 (inside a CNN).

The right answers are the solutions published in the notebook; the wrong
answers are the mistakes learners typically make.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from exercise_helpers import printed, solutions

from course_utils.exercises import (
    check_convolve,
    check_edge_detector,
    check_kernel_guess,
    check_output_size,
)
from course_utils.exercises.lesson07 import KERNELS, conv_output_size, mystery_maps

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
keras = pytest.importorskip("keras")

NB = "07_inside_a_cnn.ipynb"


def _solution(number: int) -> dict[str, Any]:
    """Run the published solution of exercise ``number`` with the lesson's imports."""
    namespace: dict[str, Any] = {"np": np, "keras": keras}
    exec(compile(solutions(NB)[number], f"{NB} exercise {number}", "exec"), namespace)
    return namespace


@pytest.fixture
def check(capsys: pytest.CaptureFixture[str]) -> Any:
    """check(fn, answer, *fragments): run a check; no fragments means it must pass."""

    def run(check_fn: Any, answer: Any, *fragments: str) -> str:
        ok = check_fn(answer)
        out = printed(capsys)
        if fragments:
            assert ok is False and out.startswith("❌ "), out
            for fragment in fragments:
                assert fragment in out, f"{fragment!r} not in {out!r}"
        else:
            assert ok is True and out.startswith("✅ Correct — "), out
        return out

    return run


def test_lesson07_has_four_solutions() -> None:
    assert sorted(solutions(NB)) == [1, 2, 3, 4]


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size,kernel,stride", [(28, 3, 1), (28, 3, 2), (7, 3, 2), (32, 5, 3)])
def test_the_reference_size_is_what_keras_computes(size, kernel, stride, padding) -> None:
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding)
    shape = layer.compute_output_shape((None, size, size, 1))
    assert shape[1] == conv_output_size(size, kernel, stride, padding)


def test_output_size_solution_passes_and_mistakes_fail(check) -> None:
    check(check_output_size, _solution(1)["output_size"])
    check(check_output_size, lambda size, kernel, stride=1, padding="valid": size,
                 "Keras gives")
    check(check_output_size,
                 lambda size, kernel, stride=1, padding="valid": (size - kernel) // stride + 1,
                 'padding="same"')
    check(check_output_size,
                 lambda size, kernel, stride=1, padding="valid": (size - kernel) / stride + 1
                 if padding == "valid" else size / stride, "whole number")
    check(check_output_size, 5, "pass your function itself")
    check(check_output_size, lambda size: size, "raised TypeError")


def test_convolve_solution_passes_and_mistakes_fail(check) -> None:
    check(check_convolve, _solution(2)["convolve_strided"])

    def ignores_stride(image, kernel, stride=1):
        rows, cols = image.shape[0] - 2, image.shape[1] - 2
        return np.array([[(image[r:r + 3, c:c + 3] * kernel).sum() for c in range(cols)]
                         for r in range(rows)])

    def flips(image, kernel, stride=1):
        kernel = kernel[::-1, ::-1]
        kh, kw = kernel.shape
        rows = (image.shape[0] - kh) // stride + 1
        cols = (image.shape[1] - kw) // stride + 1
        return np.array([[(image[r * stride:r * stride + kh, c * stride:c * stride + kw]
                           * kernel).sum() for c in range(cols)] for r in range(rows)])

    def wrong_start(image, kernel, stride=1):
        kh, kw = kernel.shape
        rows = (image.shape[0] - kh) // stride + 1
        cols = (image.shape[1] - kw) // stride + 1
        return np.array([[(image[r:r + kh, c:c + kw] * kernel).sum() for c in range(cols)]
                         for r in range(rows)])

    check(check_convolve, ignores_stride, "should have shape")
    check(check_convolve, flips, "turned by 180")
    check(check_convolve, wrong_start, "r * stride")
    check(check_convolve, lambda image, kernel, stride=1: 1 / 0, "ZeroDivisionError")


def test_kernel_guess(check) -> None:
    answer = _solution(3)["answer"]
    check(check_kernel_guess, answer)
    check(check_kernel_guess, {"A": "blur", "B": "blur", "C": "blur"}, "map A")
    check(check_kernel_guess, {"A": "horizontal edges", "B": "blur"}, "keys")
    check(check_kernel_guess, {**answer, "C": "sharpen"}, "not one of")
    check(check_kernel_guess, ["blur"], "should be a dict")


def test_mystery_maps_are_made_by_the_kernels_the_check_expects() -> None:
    """Map B is the blur: all positive; A is strongest on rows, C on columns of a bar."""
    bar = np.zeros((10, 10))
    bar[4:6, :] = 9.0
    maps = mystery_maps(bar)
    assert np.abs(maps["C"]).max() == 0.0  # vertical edges: none on a horizontal bar
    assert np.abs(maps["A"]).max() > 0 and (maps["B"] >= 0).all()
    np.testing.assert_allclose(KERNELS["blur"].sum(), 1.0, rtol=1e-6)


def test_edge_detector_solution_passes_and_mistakes_fail(check) -> None:
    check(check_edge_detector, _solution(4)["edge_model"])

    def model_with(kernel: np.ndarray, **kwargs: Any) -> Any:
        model = keras.Sequential([keras.Input(shape=(28, 28, 1)),
                                  keras.layers.Conv2D(1, 3, use_bias=False, **kwargs)])
        model.layers[0].set_weights([np.asarray(kernel, "float32").reshape(3, 3, 1, 1)])
        return model

    check(check_edge_detector, model_with(KERNELS["vertical edges"]),
                 "finds vertical edges")
    assert_fails_too = model_with(KERNELS["vertical edges"] + KERNELS["horizontal edges"])
    check(check_edge_detector, assert_fails_too, "vertical bar responds too")
    check(check_edge_detector, model_with(np.ones((3, 3))), "add up to 0")
    check(check_edge_detector, model_with(np.zeros((3, 3))), "no response")
    check(check_edge_detector, None, "Conv2D layer")
    two = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(2, 3)])
    check(check_edge_detector, two, "kernel has shape")
    extra = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(1, 3),
                              keras.layers.ReLU()])
    check(check_edge_detector, extra, "exactly one layer")
