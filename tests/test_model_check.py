"""model_check: describing a model, and saying precisely how it differs from a description."""

from __future__ import annotations

from typing import Any

import keras
import pytest
from exercise_helpers import assert_fails, assert_passes
from keras import layers

from course_utils import models
from course_utils.exercises import model_check
from course_utils.exercises.model_check import (
    check_model,
    describe_model,
    model_differences,
    model_problem,
)

INPUT = (28, 28, 1)


def conv(filters: int, **settings: Any) -> layers.Layer:
    return layers.Conv2D(filters, 3, **{"padding": "same", "activation": "relu", **settings})


def build(*body: layers.Layer, shape: tuple[int, ...] = INPUT, dtype: str = "uint8") -> Any:
    return keras.Sequential([keras.Input(shape=shape, dtype=dtype), *body])


def described(**changes: Any) -> list[layers.Layer]:
    """The layers of the reference below; ``changes`` maps a position (l1 ... l7) to a layer."""
    body = {
        "l1": layers.Rescaling(1 / 255),
        "l2": conv(32),
        "l3": layers.MaxPooling2D(),
        "l4": conv(64),
        "l5": layers.MaxPooling2D(),
        "l6": layers.Flatten(),
        "l7": layers.Dense(10, activation="softmax"),
    }
    body.update(changes)  # a new key such as "l6b" goes between l6 and l7
    return [body[key] for key in sorted(body) if body[key] is not None]


@pytest.fixture(scope="module")
def reference() -> Any:
    return build(*described())


def test_describe_model_writes_layers_as_you_would(reference: Any) -> None:
    infos = describe_model(reference)
    assert [i.description for i in infos] == [
        "Rescaling(1/255)",
        "Conv2D(32, 3, padding='same', activation='relu')",
        "MaxPooling2D()",
        "Conv2D(64, 3, padding='same', activation='relu')",
        "MaxPooling2D()",
        "Flatten()",
        "Dense(10, activation='softmax')",
    ]
    assert [i.number for i in infos] == list(range(1, 8))
    assert infos[4].output_shape == (None, 7, 7, 64)
    assert infos[5].output_shape == (None, 3136)
    assert [i.params for i in infos] == [0, 320, 0, 18_496, 0, 0, 31_370]
    assert sum(i.params for i in infos) == reference.count_params()
    assert str(infos[1]).startswith(" 2. Conv2D(32, 3, padding='same', activation='relu')")


def test_describe_model_of_a_course_recipe() -> None:
    infos = describe_model(models.better_cifar_cnn())
    assert infos[1].description == "Sequential(RandomFlip, RandomTranslation)"
    assert infos[2].description == "Conv2D(32, 3, padding='same', use_bias=False)"
    assert infos[4].description == "BatchNormalization()"
    assert infos[-1].output_shape == (None, 10)


def test_a_functional_model_that_matches_passes(capsys: pytest.CaptureFixture[str],
                                                 reference: Any) -> None:
    inputs = keras.Input(shape=INPUT, dtype="uint8")
    x = inputs
    for layer in described():
        x = layer(x)
    assert_passes(capsys, check_model(keras.Model(inputs, x), reference))


def test_the_same_model_passes_and_says_what_it_checked(capsys: pytest.CaptureFixture[str],
                                                        reference: Any) -> None:
    out = assert_passes(capsys, check_model(build(*described()), reference))
    assert "7 layers, output shape (None, 10), 50,186 parameters" in out


# Each kind of mistake, and the precise sentence it gets ------------------------------------

@pytest.mark.parametrize("changes, expected", [
    ({"l3": conv(64), "l4": layers.MaxPooling2D()},
     ["layer 3 is Conv2D(64, 3, padding='same', activation='relu'), expected MaxPooling2D()",
      "layer 4 is MaxPooling2D(), expected Conv2D(64, 3, padding='same', activation='relu')"]),
    ({"l2": conv(32, padding="valid")},
     ["layer 2 is Conv2D(32, 3, activation='relu'), expected Conv2D(32, 3, padding='same', "
      "activation='relu') (padding is 'valid', expected 'same')",
      "your model has 41,866 parameters, expected 50,186"]),
    ({"l4": conv(32)},
     ["layer 4 is Conv2D(32, 3, padding='same', activation='relu'), expected Conv2D(64, 3, "
      "padding='same', activation='relu') (filters is 32, expected 64)",
      "your model has 25,258 parameters, expected 50,186"]),
    ({"l7": layers.Dense(10)},
     ["layer 7 is Dense(10), expected Dense(10, activation='softmax') "
      "(activation is 'linear', expected 'softmax')"]),
    ({"l2": conv(32, use_bias=False)},
     ["layer 2 is Conv2D(32, 3, padding='same', activation='relu', use_bias=False), expected "
      "Conv2D(32, 3, padding='same', activation='relu') (use_bias is False, expected True)",
      "your model has 50,154 parameters, expected 50,186"]),
    ({"l2": conv(32, strides=2)},
     ["layer 2 is Conv2D(32, 3, strides=2, padding='same', activation='relu'), expected "
      "Conv2D(32, 3, padding='same', activation='relu')",
      "your model has 24,586 parameters, expected 50,186"]),
    ({"l4": None},
     ["the description's layer 4, Conv2D(64, 3, padding='same', activation='relu'), is missing:"
      " add it after your layer 3, MaxPooling2D()",
      "your model has 16,010 parameters, expected 50,186"]),
    ({"l1": None},
     ["the description's layer 1, Rescaling(1/255), is missing: add it first, right after "
      "keras.Input"]),
    ({"l6": layers.Flatten(), "l6b": layers.Dropout(0.5)},
     ["your layer 7, Dropout(0.5), is not in the description: remove it"]),
    ({"l2": None, "l3": None, "l4": None, "l5": None, "l6": None, "l7": None},
     ["the description's layers 2–7 (Conv2D, MaxPooling2D, Conv2D, MaxPooling2D, Flatten, "
      "Dense) are missing: add them after your layer 1, Rescaling(1/255), starting with "
      "Conv2D(32, 3, padding='same', activation='relu')",
      "your model has 0 parameters, expected 50,186"]),
    ({"l1": layers.Rescaling(1.0)},
     ["layer 1 is Rescaling(1), expected Rescaling(1/255) (scale is 1, expected 1/255)"]),
])
def test_each_mistake_is_named_precisely(reference: Any, changes: dict[str, Any],
                                         expected: list[str]) -> None:
    assert model_differences(build(*described(**changes)), reference) == expected


def test_a_missing_block_is_named_where_it_is_missing(reference: Any) -> None:
    assert model_differences(build(*described(l4=None, l5=None)), reference) == [
        "the description's layers 4–5 (Conv2D, MaxPooling2D) are missing: add them after your "
        "layer 3, MaxPooling2D(), starting with Conv2D(64, 3, padding='same', activation='relu')",
        "your model has 63,050 parameters, expected 50,186"]


def test_a_setting_no_rule_covers_still_shows_in_the_shapes() -> None:
    # dilation_rate is not among the compared settings, but the output shapes tell
    mine = build(layers.Rescaling(1 / 255), layers.Conv2D(4, 3, dilation_rate=2))
    ref = build(layers.Rescaling(1 / 255), layers.Conv2D(4, 3))
    assert model_differences(mine, ref) == [
        "after layer 2 (Conv2D) the output shape is (None, 24, 24, 4), expected "
        "(None, 26, 26, 4)"]


def test_the_input_shape_and_dtype_are_compared(reference: Any) -> None:
    assert model_differences(build(*described(), dtype="float32"), reference) == [
        "your keras.Input has dtype float32, expected uint8: write "
        "keras.Input(shape=(28, 28, 1), dtype='uint8')"]
    found = model_differences(build(*described(), shape=(32, 32, 1)), reference)
    assert found[0] == "your model takes inputs of shape (32, 32, 1), expected (28, 28, 1)"
    assert found[-1] == "your model has 59,786 parameters, expected 50,186"


def test_a_check_writes_one_line_with_every_difference(capsys: pytest.CaptureFixture[str],
                                                       reference: Any) -> None:
    mine = build(*described(l2=conv(16), l4=conv(32)))
    assert_fails(capsys, check_model(mine, reference), "3 differences from the description: (1) "
                 "layer 2 is Conv2D(16", "(2) layer 4 is Conv2D(32", "(3) your model has")
    assert_fails(capsys, check_model(build(*described(l7=layers.Dense(10))), reference),
                 "Layer 7 is Dense(10), expected Dense(10, activation='softmax')")


def test_a_check_shortens_a_long_list(capsys: pytest.CaptureFixture[str],
                                      reference: Any) -> None:
    mine = build(layers.Rescaling(1.0), conv(8), layers.AveragePooling2D(2), conv(8),
                 layers.AveragePooling2D(2), layers.GlobalAveragePooling2D(), layers.Dense(3))
    out = assert_fails(capsys, check_model(mine, reference), "8 differences", "and 4 more.")
    assert "(4)" in out and "(5)" not in out


# What is not a model at all ----------------------------------------------------------------

@pytest.mark.parametrize("value, fragment", [
    (None, "Your model is None: build it, for example model = keras.Sequential([...]) (start "
           "the list with keras.Input(shape=(28, 28, 1), dtype='uint8'))"),
    ([layers.Dense(3)], "You passed a list of layers: wrap it in keras.Sequential([...])."),
    (layers.Dense(3), "You passed one Dense layer: put all the layers in keras.Sequential"),
    (keras.Sequential, "You passed the class Sequential itself"),
    (lambda: None, "You passed a function: call it and pass the model it returns"),
    ("model", "You passed a str, not a Keras model"),
    (3, "You passed an int, not a Keras model"),
])
def test_what_is_not_a_model_gets_one_sentence(capsys: pytest.CaptureFixture[str],
                                               reference: Any, value: Any, fragment: str) -> None:
    assert_fails(capsys, check_model(value, reference), fragment)


def test_a_model_without_input_or_layers(capsys: pytest.CaptureFixture[str],
                                         reference: Any) -> None:
    unbuilt = keras.Sequential([layers.Conv2D(32, 3)])
    assert_fails(capsys, check_model(unbuilt, reference), "no input yet",
                 "start the list with keras.Input(shape=(28, 28, 1), dtype='uint8')")
    empty = keras.Sequential([keras.Input(shape=INPUT, dtype="uint8")])
    assert_fails(capsys, check_model(empty, reference), "no layers yet")
    assert model_problem(build(*described())) is None


def test_a_check_never_raises(capsys: pytest.CaptureFixture[str], reference: Any,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(model: Any, ref: Any) -> list[str]:
        raise RuntimeError("something odd")

    monkeypatch.setattr(model_check, "model_differences", broken)
    assert_fails(capsys, check_model(build(*described()), reference),
                 "could not inspect your model (RuntimeError: something odd)")
