"""Tests for the exercise checks of lesson 03 (data augmentation).

The right answers are the solutions published in the notebook, extracted and executed.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np
import pytest
from exercise_helpers import assert_fails, assert_passes, run_solution, solutions

from course_utils import models
from course_utils.exercises import (
    check_augmentation_pipeline,
    check_rotation_degrees,
    check_safe_augmentations,
)

NB03 = "03_data_augmentation.ipynb"
L = keras.layers


def test_lesson03_has_three_solutions() -> None:
    assert sorted(solutions(NB03)) == [1, 2, 3]


def test_checks_are_exported() -> None:
    from course_utils import exercises

    for name in ("check_rotation_degrees", "check_safe_augmentations",
                 "check_augmentation_pipeline"):
        assert name in exercises.__all__


# --------------------------------------------------------------------------- Exercise 1


def test_rotation_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB03, 1)
    out = assert_passes(capsys, check_rotation_degrees(ns["max_degrees"]))
    assert "18°" in out


@pytest.mark.parametrize("answer", [18, 18.0, np.float32(18.0), -18])
def test_rotation_accepts_18_in_any_number_type(capsys: pytest.CaptureFixture[str],
                                                answer: Any) -> None:
    assert_passes(capsys, check_rotation_degrees(answer))


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (0, "replace 0"),
        (0.05 * 180, "360°, not 180°"),
        (0.05 * 2 * math.pi, "radians"),
        (36, "ONE direction"),
        (5, "not 5 percent"),
        (0.05, "multiply it by 360"),
        (20, "fraction of a full turn"),
    ],
)
def test_rotation_typical_mistakes(capsys: pytest.CaptureFixture[str], answer: float,
                                   fragment: str) -> None:
    assert_fails(capsys, check_rotation_degrees(answer), fragment)


@pytest.mark.parametrize("answer", ["18", None, [18], True])
def test_rotation_not_a_number(capsys: pytest.CaptureFixture[str], answer: Any) -> None:
    assert_fails(capsys, check_rotation_degrees(answer), "one number of degrees")


# --------------------------------------------------------------------------- Exercise 2

DIGITS = {"rotate_small", "shift", "zoom"}
PHOTOS = {"flip_left_right", "rotate_small", "shift", "zoom"}
CELLS = {"flip_left_right", "flip_up_down", "rotate_small", "rotate_any", "shift", "zoom"}


def test_safe_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB03, 2)
    ok = check_safe_augmentations(ns["safe_for_digits"], ns["safe_for_photos"],
                                  ns["safe_for_cells"])
    assert_passes(capsys, ok)


def test_safe_accepts_lists_and_tuples(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_safe_augmentations(sorted(DIGITS), tuple(PHOTOS), list(CELLS))
    assert_passes(capsys, ok)


def test_safe_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_safe_augmentations(set(), set(), set()),
                 "safe_for_digits is empty")


@pytest.mark.parametrize(
    ("digits", "photos", "cells", "fragments"),
    [
        (DIGITS | {"flip_left_right"}, PHOTOS, CELLS, ("flip_left_right", "mirrored 2")),
        (DIGITS | {"rotate_any"}, PHOTOS, CELLS, ("rotate_any", "looks like a 9")),
        (DIGITS | {"flip_up_down"}, PHOTOS, CELLS, ("flip_up_down", "digits")),
        (DIGITS - {"rotate_small"}, PHOTOS, CELLS, ("left out", "rotate_small", "slanted")),
        (DIGITS, PHOTOS | {"flip_up_down"}, CELLS, ("flip_up_down", "upright")),
        (DIGITS, PHOTOS | {"rotate_any"}, CELLS, ("rotate_any", "upright")),
        (DIGITS, PHOTOS - {"flip_left_right"}, CELLS, ("flip_left_right", "mirrored cat")),
        (DIGITS, PHOTOS, PHOTOS, ("blood cells", "flip_up_down", "microscope")),
        (DIGITS, PHOTOS, CELLS - {"rotate_any"}, ("rotate_any", "microscope")),
    ],
)
def test_safe_typical_mistakes(capsys: pytest.CaptureFixture[str], digits: set, photos: set,
                               cells: set, fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_safe_augmentations(digits, photos, cells), *fragments)


def test_safe_unknown_option_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_safe_augmentations({"RandomFlip"}, PHOTOS, CELLS)
    assert_fails(capsys, ok, '"RandomFlip"', "not an option", '"rotate_small"')


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("shift", "not one string"), (3, "you gave an int"), ({1, 2}, "option names as strings"),
     ({"shift": True}, "you gave a dict")],
)
def test_safe_wrong_types(capsys: pytest.CaptureFixture[str], value: Any, fragment: str) -> None:
    assert_fails(capsys, check_safe_augmentations(value, PHOTOS, CELLS), fragment)


# --------------------------------------------------------------------------- Exercise 3


def _run_solution_3() -> dict[str, Any]:
    namespace: dict[str, Any] = {"np": np, "math": math, "keras": keras}
    exec(compile(solutions(NB03)[3], "exercise 3", "exec"), namespace)
    return namespace


def _pipeline(*layers: keras.layers.Layer) -> keras.Sequential:
    return keras.Sequential(list(layers))


def _good(**replace: keras.layers.Layer) -> keras.Sequential:
    parts = {
        "flip": L.RandomFlip("horizontal"),
        "rotation": L.RandomRotation(15 / 360),
        "translation": L.RandomTranslation(0.1, 0.1),
        "zoom": L.RandomZoom(0.1),
    }
    parts.update(replace)
    return _pipeline(*(layer for layer in parts.values() if layer is not None))


def test_pipeline_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = _run_solution_3()
    assert_passes(capsys, check_augmentation_pipeline(ns["my_augmentation"]))


def test_pipeline_from_the_course_recipe_passes(capsys: pytest.CaptureFixture[str]) -> None:
    recipe = models.cifar_augmentation(rotation=15 / 360, zoom=0.1)
    assert_passes(capsys, check_augmentation_pipeline(recipe))


def test_pipeline_in_another_order_with_explicit_factors_passes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pipeline = _pipeline(L.RandomZoom((-0.1, 0.1), (-0.1, 0.1)),
                         L.RandomTranslation((-0.1, 0.1), 0.1, fill_mode="constant"),
                         L.RandomRotation((-15 / 360, 15 / 360)), L.RandomFlip("horizontal"))
    assert_passes(capsys, check_augmentation_pipeline(pipeline))


def test_pipeline_nested_sequential_passes(capsys: pytest.CaptureFixture[str]) -> None:
    nested = _pipeline(_pipeline(L.RandomFlip("horizontal"), L.RandomRotation(15 / 360)),
                       L.RandomTranslation(0.1, 0.1), L.RandomZoom(0.1))
    assert_passes(capsys, check_augmentation_pipeline(nested))


def test_pipeline_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    starter = _pipeline(L.RandomFlip("horizontal"))
    assert_fails(capsys, check_augmentation_pipeline(starter), "no RandomRotation",
                 "RandomRotation(15 / 360)")


@pytest.mark.parametrize(
    ("pipeline", "fragments"),
    [
        (_good(rotation=L.RandomRotation(math.radians(15))), ("radians",)),
        (_good(rotation=L.RandomRotation(15 / 180)), ("360°", "not 15 / 180")),
        (_good(rotation=L.RandomRotation((0, 15 / 360))), ("only turns one way",)),
        (_good(rotation=L.RandomRotation((-15 / 360, 0))), ("only turns one way",)),
        (_good(rotation=L.RandomRotation(0.05)), ("±18°", "15 / 360")),
        (_good(translation=L.RandomTranslation(0.0, 0.1)), ("BOTH directions",)),
        (_good(translation=L.RandomTranslation(0.2, 0.2)), ("RandomTranslation(0.1, 0.1)",)),
        (_good(zoom=L.RandomZoom(0.2)), ("RandomZoom(0.1)",)),
        (_good(flip=L.RandomFlip()), ('"horizontal_and_vertical"', 'RandomFlip("horizontal")')),
        (_good(zoom=None), ("no RandomZoom",)),
        (_pipeline(L.RandomFlip("horizontal"), L.RandomRotation(15 / 360),
                   L.RandomTranslation(0.1, 0.1), L.RandomZoom(0.1), L.RandomContrast(0.2)),
         ("four layers", "RandomContrast")),
        (_pipeline(L.RandomFlip("horizontal"), L.RandomFlip("horizontal"),
                   L.RandomRotation(15 / 360), L.RandomTranslation(0.1, 0.1),
                   L.RandomZoom(0.1)),
         ("2 RandomFlip layers",)),
    ],
)
def test_pipeline_typical_mistakes(capsys: pytest.CaptureFixture[str],
                                   pipeline: keras.Sequential,
                                   fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_augmentation_pipeline(pipeline), *fragments)


def test_pipeline_single_layer_is_read_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_augmentation_pipeline(L.RandomFlip("horizontal")),
                 "no RandomRotation")


@pytest.mark.parametrize("value", [None, "RandomFlip", [L.RandomFlip("horizontal")],
                                   keras.Sequential])
def test_pipeline_not_a_keras_layer(capsys: pytest.CaptureFixture[str], value: Any) -> None:
    assert_fails(capsys, check_augmentation_pipeline(value), "keras.Sequential")
