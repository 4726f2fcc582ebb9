"""Lesson 08's exercise checks accept the solutions and explain wrong answers."""

from __future__ import annotations

import keras
import pytest

import course_utils  # noqa: F401
from course_utils import models
from course_utils.exercises.lesson08 import (
    check_fine_tune_model,
    check_trainable_counts,
    trainable_answer,
)
from course_utils.transfer import backbone_of, trainable_counts, transfer_model, unfreeze_top


@pytest.fixture(scope="module")
def animal_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    return models.better_cifar_cnn(num_classes=6)


def test_the_counts_are_those_keras_reports(animal_model: keras.Model) -> None:
    backbone = backbone_of(animal_model)
    model = transfer_model(backbone, 4)
    backbone.trainable = False
    assert trainable_counts(model)[0] == trainable_answer()["frozen"] == 1028
    unfreeze_top(backbone, 1)
    assert trainable_counts(model)[0] == trainable_answer()["top block unfrozen"]


def test_check_trainable_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_trainable_counts(trainable_answer())
    assert not check_trainable_counts({"frozen": 1024, "top block unfrozen": 1})
    assert "256 inputs × 4 outputs, plus 4 biases" in capsys.readouterr().out
    assert not check_trainable_counts({"frozen": 1028, "top block unfrozen": 296196})
    assert "add the top Conv2D" in capsys.readouterr().out
    assert not check_trainable_counts([1028])
    assert not check_trainable_counts({"frozen": "many", "top block unfrozen": 2})


def test_check_fine_tune_model(animal_model: keras.Model,
                               capsys: pytest.CaptureFixture[str]) -> None:
    backbone = backbone_of(animal_model)
    model = transfer_model(backbone, 4)
    backbone.trainable = False
    assert not check_fine_tune_model(model)  # nothing of the backbone trains yet
    assert "trainable convolutions are none" in capsys.readouterr().out
    unfreeze_top(backbone, 1, batchnorm=True)
    assert not check_fine_tune_model(model)
    assert "BatchNormalization" in capsys.readouterr().out
    unfreeze_top(backbone, 2)
    assert not check_fine_tune_model(model)
    unfreeze_top(backbone, 1)
    assert check_fine_tune_model(model)
    assert "✅" in capsys.readouterr().out
    assert not check_fine_tune_model(None)
    assert not check_fine_tune_model(models.better_cifar_cnn(num_classes=4))  # from scratch


def test_the_published_solutions_pass(animal_model: keras.Model,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from exercise_helpers import solutions

    from course_utils import transfer

    published = solutions("08_transfer_learning.ipynb")
    assert sorted(published) == [1, 2]
    namespace: dict = {"animal_model": animal_model, **{name: getattr(transfer, name) for name in
                       ("VEHICLES", "backbone_of", "transfer_model", "unfreeze_top")}}
    exec(compile(published[1], "exercise 1", "exec"), namespace)
    exec(compile(published[2], "exercise 2", "exec"), namespace)
    assert check_trainable_counts(namespace["answer"])
    assert check_fine_tune_model(namespace["my_model"])
    assert capsys.readouterr().out.count("✅ Correct") == 2


def test_the_starting_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert not check_trainable_counts({"frozen": 0, "top block unfrozen": 0})
    assert not check_fine_tune_model(None)
    assert capsys.readouterr().out.count("❌") == 2
