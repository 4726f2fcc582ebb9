"""Lesson 02 exercise checks: the published solutions pass, typical mistakes get a hint."""

from __future__ import annotations

from typing import Any

import pytest
from exercise_helpers import assert_fails, assert_passes, run_solution, solutions

from course_utils.exercises import check_float32_memory, check_same_padding_shapes

NB = "02_cifar10_cnn.ipynb"


def test_solutions_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(solutions(NB)) == {1, 2}
    ns = run_solution(NB, 1)
    assert_passes(capsys, check_float32_memory(ns["float32_megabytes"]))
    ns = run_solution(NB, 2)
    assert_passes(capsys, check_same_padding_shapes(ns["sizes_after_blocks"],
                                                    ns["feature_maps_after_last_block"]))


@pytest.mark.parametrize("answer, fragment", [
    (153.6, "uint8 size"),
    (614_400_000, "number of bytes"),
    (204.8, "3 numbers"),
    (585.9375, "MiB"),
    (0, "not right"),
    ("614", "number of megabytes"),
])
def test_memory_wrong_answers(capsys: pytest.CaptureFixture[str], answer: Any,
                              fragment: str) -> None:
    assert_fails(capsys, check_float32_memory(answer), fragment)


@pytest.mark.parametrize("sizes, maps, fragment", [
    ([30, 15, 13], 128, 'padding="same"'),
    ([16, 8, 8], 128, "block 3"),
    ([16, 8, 4], 64, "count its Conv2D filters"),
    ([16, 8], 128, "3 numbers"),
    (16, 128, "list of 3 numbers"),
])
def test_padding_wrong_answers(capsys: pytest.CaptureFixture[str], sizes: Any, maps: Any,
                               fragment: str) -> None:
    assert_fails(capsys, check_same_padding_shapes(sizes, maps), fragment)
