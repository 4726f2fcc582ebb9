"""Lesson 02 exercise checks: the published solutions pass, typical mistakes get a hint."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import keras
import nbformat
import pytest
from exercise_helpers import NOTEBOOKS, assert_fails, assert_passes, run_solution, solutions
from keras import layers

from course_utils import models
from course_utils.exercises import (
    check_float32_memory,
    check_same_padding_shapes,
    check_small_cifar_cnn,
)

NB = "02_cifar10_cnn.ipynb"


def lesson_namespace() -> dict[str, Any]:
    """The names the lesson's setup cell defines that a solution or starter cell uses."""
    return {"keras": keras, "layers": layers, "conv_block": models.conv_block,
            "CIFAR10_SHAPE": models.CIFAR10_SHAPE,
            "cifar_augmentation": models.cifar_augmentation,
            "check_same_padding_shapes": check_same_padding_shapes,
            "check_small_cifar_cnn": check_small_cifar_cnn}


def run(code: str) -> dict[str, Any]:
    namespace = lesson_namespace()
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, NB, "exec"), namespace)
    return namespace


def code_cell_calling(check: str) -> str:
    nb = nbformat.read(NOTEBOOKS / NB, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and f"= {check}(" in c.source]
    assert len(cells) == 1, f"one cell should call {check}"
    return cells[0]


def exercise_text(number: int) -> str:
    nb = nbformat.read(NOTEBOOKS / NB, as_version=4)
    return next(c.source for c in nb.cells
                if c.cell_type == "markdown" and c.source.startswith(f"## Exercise {number}:"))


def test_solutions_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert set(solutions(NB)) == {1, 2, 3}
    ns = run_solution(NB, 1)
    assert_passes(capsys, check_float32_memory(ns["float32_megabytes"]))
    ns = run_solution(NB, 2)
    out = assert_passes(capsys, check_same_padding_shapes(ns["sizes_after_blocks"],
                                                          ns["feature_maps_after_last_block"]))
    assert "32 → 16 → 8 → 4 → 4, with 256 feature maps of 4×4" in out
    ns = run(solutions(NB)[3])
    out = assert_passes(capsys, check_small_cifar_cnn(ns["small_model"]))
    assert "11 layers" in out and "20,330 parameters" in out


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


# Exercise 2: the answer is read from models.better_cifar_cnn() ----------------------------

@pytest.mark.parametrize("sizes, maps, fragment", [
    ([30, 15, 13, 11], 256, 'padding="same"'),
    ([16, 8, 4, 2], 256, "block 4 has no MaxPooling2D (look for pool=False)"),
    ([16, 8, 8, 8], 256, "after block 3 the size is not 8: each block keeps the size"),
    ([16, 8, 4, 4], 128, "128 is the number after block 3, and the last block is block 4"),
    ([16, 8, 4, 4], 100, "the last block does not have 100 feature maps"),
    ([16, 8, 4, 4], None, "feature_maps should be a whole number"),
    ([16, 8, 4], 128, "4 numbers, one per block (the better model has 4 conv_blocks)"),
    ([16, 8, 4.5, 4], 256, "number 3 is 4.5"),
    (16, 256, "list of 4 numbers"),
    ("16844", 256, "list of 4 numbers; you gave a str"),
])
def test_padding_wrong_answers(capsys: pytest.CaptureFixture[str], sizes: Any, maps: Any,
                               fragment: str) -> None:
    assert_fails(capsys, check_same_padding_shapes(sizes, maps), fragment)


def test_padding_check_follows_a_changed_model(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def three_blocks(num_classes: int = 10, augment: bool = True) -> keras.Model:
        return keras.Sequential([
            keras.Input(shape=models.CIFAR10_SHAPE, dtype="uint8"),
            layers.Rescaling(1 / 255),
            *models.conv_block(24),
            *models.conv_block(48, pool=False),
            *models.conv_block(96),
            layers.GlobalAveragePooling2D(),
            layers.Dense(num_classes, activation="softmax"),
        ])

    monkeypatch.setattr(models, "better_cifar_cnn", three_blocks)
    out = assert_passes(capsys, check_same_padding_shapes([16, 16, 8], 96))
    assert "32 → 16 → 16 → 8, with 96 feature maps of 8×8" in out
    assert_fails(capsys, check_same_padding_shapes([16, 8, 4, 4], 256), "3 numbers")
    assert_fails(capsys, check_same_padding_shapes([16, 8, 4], 96), "block 2 has no MaxPooling2D")


def test_exercise_2_text_and_starter_agree_with_the_model() -> None:
    blocks = sum(isinstance(layer, layers.ReLU) for layer in models.better_cifar_cnn().layers)
    words = {3: "three", 4: "four", 5: "five"}
    text = exercise_text(2)
    assert f"each of the {words[blocks]} blocks" in text
    assert len(re.findall(rf"\b{words[blocks]} blocks\b", text)) == 2
    starter = run(code_cell_calling("check_same_padding_shapes"))
    assert len(starter["sizes_after_blocks"]) == blocks


def test_exercise_2_starter_runs_and_fails_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run(code_cell_calling("check_same_padding_shapes"))
    assert ns["passed"] is False
    assert_fails(capsys, check_same_padding_shapes(ns["sizes_after_blocks"],
                                                   ns["feature_maps_after_last_block"]),
                 "after block 1 the size is not 32")


# Exercise 3: build a small better model -----------------------------------------------------

def small(*body: layers.Layer, dtype: str = "uint8") -> keras.Model:
    return keras.Sequential([keras.Input(shape=(32, 32, 3), dtype=dtype), *body])


def head() -> list[layers.Layer]:
    return [layers.GlobalAveragePooling2D(), layers.Dense(10, activation="softmax")]


def test_small_model_starter_cell_runs_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run(code_cell_calling("check_small_cifar_cnn"))
    assert ns["small_model"] is None and ns["passed"] is False


@pytest.mark.parametrize("model, fragments", [
    (lambda: None, ("Your model is None", "keras.Input(shape=(32, 32, 3), dtype='uint8')")),
    (lambda: small(layers.Rescaling(1 / 255), layers.Conv2D(32, 3, padding="same",
                                                            use_bias=False),
                   layers.BatchNormalization(), layers.ReLU(), layers.MaxPooling2D(),
                   *models.conv_block(64), *head()),
     ("the description's layer 3, MaxPooling2D(), is missing: add it after your layer 2, "
      "Conv2D(32, 3, padding='same', use_bias=False)",
      "your layer 5, MaxPooling2D(), is not in the description: remove it")),
    (lambda: small(layers.Rescaling(1 / 255), layers.Conv2D(32, 3, padding="same"),
                   *models.conv_block(32)[1:], *models.conv_block(64), *head()),
     ("layer 2 is Conv2D(32, 3, padding='same'), expected Conv2D(32, 3, padding='same', "
      "use_bias=False) (use_bias is True, expected False)",
      "your model has 20,362 parameters, expected 20,330")),
    (lambda: small(layers.Rescaling(1 / 255), *models.conv_block(32), *models.conv_block(64),
                   layers.Flatten(), layers.Dense(10, activation="softmax")),
     ("layer 10 is Flatten(), expected GlobalAveragePooling2D()",
      "your model has 60,650 parameters, expected 20,330")),
    (lambda: small(layers.Rescaling(1 / 255), *models.conv_block(32), *head()),
     ("the description's layers 6–9 (Conv2D, MaxPooling2D, BatchNormalization, ReLU) are "
      "missing: add them after your layer 5, ReLU()",)),
    (lambda: small(layers.Rescaling(1 / 255), *models.conv_block(32), *models.conv_block(64),
                   *head(), dtype="float32"),
     ("Your keras.Input has dtype float32, expected uint8",)),
])
def test_small_model_mistakes(capsys: pytest.CaptureFixture[str], model: Any,
                              fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_small_cifar_cnn(model()), *fragments)


def test_the_recipes_shown_run_when_copied() -> None:
    # what show_source displays, pasted into a new cell after the setup cell
    import inspect

    for recipe in (models.classic_cifar_cnn, models.conv_block, models.cifar_augmentation,
                   models.better_cifar_cnn):
        ns = lesson_namespace()
        exec(compile(inspect.getsource(recipe), NB, "exec"), ns)
        built = ns[recipe.__name__](*([32] if recipe is models.conv_block else []))
        assert built
