"""Lesson 10's exercise checks accept the published solutions and explain wrong answers."""

from __future__ import annotations

import keras
import pytest
import tensorflow as tf
from exercise_helpers import assert_fails, assert_passes, solutions

from course_utils import models, scaling
from course_utils.exercises.lesson10 import (
    check_dominant_layers,
    check_global_batch,
    check_model_under_strategy,
)

NOTEBOOK = "10_scaling_up.ipynb"


@pytest.fixture(scope="module")
def table() -> scaling.MacsTable:
    return scaling.count_macs(models.better_cifar_cnn())


@pytest.fixture(scope="module")
def strategy() -> tf.distribute.Strategy:
    # One device: the lesson's two logical CPUs can only be made before TensorFlow starts,
    # and other tests in this process have started it. The variables are mirrored all the same.
    return tf.distribute.MirroredStrategy(["/cpu:0"])


def small_cnn() -> keras.Model:
    model = keras.Sequential([
        keras.Input((32, 32, 3)), keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(4, 3, activation="relu"), keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_check_global_batch(capsys: pytest.CaptureFixture[str]) -> None:
    assert_passes(capsys, check_global_batch({"global batch": 256, "learning rate": 0.006}))
    assert_fails(capsys, check_global_batch({"global batch": 64, "learning rate": 0.006}),
                 "each of the 4 replicas gets 64 images")
    assert_fails(capsys, check_global_batch({"global batch": 256, "learning rate": 0.003}),
                 "multiplies 0.003 by 256 / 128")
    assert_fails(capsys, check_global_batch({"global batch": None, "learning rate": None}))
    assert_fails(capsys, check_global_batch([256, 0.006]), "should be a dict")


def test_check_dominant_layers(table: scaling.MacsTable,
                               capsys: pytest.CaptureFixture[str]) -> None:
    ranked = sorted(table.layers, key=lambda row: row.macs, reverse=True)
    needed, total = [], 0
    for row in ranked:
        needed.append(row.name)
        total += row.macs
        if total >= 0.9 * table.forward_macs:
            break
    out = assert_passes(capsys, check_dominant_layers(list(reversed(needed)), table))
    assert f"{total / table.forward_macs:.0%}" in out
    assert_fails(capsys, check_dominant_layers(needed[:-1], table), f"({len(needed)} layers)")
    assert_fails(capsys, check_dominant_layers([*needed, ranked[-1].name], table))
    assert_fails(capsys, check_dominant_layers(["conv99"], table), "no layer named 'conv99'")
    assert_fails(capsys, check_dominant_layers("conv2d", table), "list of layer names")
    assert_fails(capsys, check_dominant_layers(needed, None), "count_macs(model)")


def test_check_model_under_strategy(strategy: tf.distribute.Strategy,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    with strategy.scope():
        inside = small_cnn()
    out = assert_passes(capsys, check_model_under_strategy(inside, strategy))
    assert "mirrored on 1 replica." in out
    assert_fails(capsys, check_model_under_strategy(small_cnn(), strategy),
                 "build the model inside")
    with strategy.scope():
        uncompiled = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    assert_fails(capsys, check_model_under_strategy(uncompiled, strategy), "compile")
    other = tf.distribute.MirroredStrategy(["/cpu:0"])
    assert_fails(capsys, check_model_under_strategy(inside, other), "another strategy")
    assert_fails(capsys, check_model_under_strategy(None, strategy), "a Keras model")


def test_the_published_solutions_pass(table: scaling.MacsTable,
                                      strategy: tf.distribute.Strategy,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    published = solutions(NOTEBOOK)
    assert sorted(published) == [1, 2, 3]
    namespace: dict = {"table": table, "strategy": strategy, "keras": keras}
    for number in (1, 2, 3):
        exec(compile(published[number], f"exercise {number}", "exec"), namespace)
    assert check_global_batch(namespace["answer"])
    assert check_dominant_layers(namespace["dominant"], table)
    assert check_model_under_strategy(namespace["my_model"], strategy)
    assert capsys.readouterr().out.count("✅ Correct") == 3


def test_the_starting_code_fails(table: scaling.MacsTable, strategy: tf.distribute.Strategy,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert not check_global_batch({"global batch": None, "learning rate": None})
    assert not check_dominant_layers([], table)
    assert not check_model_under_strategy(None, strategy)
    assert capsys.readouterr().out.count("❌") == 3
