"""Checks for the exercises of lesson 01."""

from __future__ import annotations

from typing import Any

from ._common import as_int, kind, report, show
from .model_check import check_model

__all__ = ["check_conv_params", "check_feature_map_shapes", "check_same_padding_cnn"]


def check_conv_params(answer: Any) -> bool:
    """Check Exercise 1 of lesson 01: the parameters of the second Conv2D layer.

    The layer has 64 filters of 3×3 on 32 input channels. Pass your number::

        check_conv_params(second_conv_params)
    """
    expected = 64 * (3 * 3 * 32 + 1)
    number = as_int(answer)
    if number is None:
        return report(False, f"Give a whole number; you gave {kind(answer)} ({show(answer)}).")
    if number == expected:
        return report(True, f"64 filters × (3·3·32 weights + 1 bias) = {expected:,} parameters.")
    hints = {
        64 * 3 * 3 * 32: "you counted the weights but not the 64 biases (one per filter).",
        64 * (3 * 3 + 1): "each filter sees all 32 input channels: it has 3·3·32 weights.",
        32 * (3 * 3 * 1 + 1): "that is the first Conv2D layer; this one has 64 filters on 32 "
        "channels.",
        0: "replace 0 with your calculation.",
    }
    hint = hints.get(number, "count k·k·c weights per filter, plus one bias, times the filters.")
    return report(False, f"{number:,} is not right: {hint}")


def check_feature_map_shapes(sizes: Any, flattened_length: Any) -> bool:
    """Check Exercise 2 of lesson 01: feature-map sizes after each layer, and after Flatten.

    ``sizes`` lists the height (= width) after Conv2D, MaxPooling2D, Conv2D,
    MaxPooling2D for a 28×28 input; ``flattened_length`` is the length of the
    vector after Flatten::

        check_feature_map_shapes([..., ..., ..., ...], flattened_length)
    """
    expected = [26, 13, 11, 5]
    steps = [
        "the first Conv2D (3×3 makes it 2 pixels smaller)",
        "the first MaxPooling2D (halves it)",
        "the second Conv2D (2 pixels smaller again)",
        "the second MaxPooling2D (halves it, rounding down)",
    ]
    try:
        given = [as_int(s) for s in sizes]
    except TypeError:
        return report(False, f"sizes should be a list of 4 numbers; you gave {kind(sizes)}.")
    if len(given) != 4:
        return report(False, f"sizes should hold 4 numbers, one per layer; yours has {len(given)}.")
    for got, want, step in zip(given, expected, steps, strict=True):
        if got != want:
            return report(
                False,
                f"after {step} the size is not {show(got)}: work it out from the size before.",
            )
    length = as_int(flattened_length)
    if length != 5 * 5 * 64:
        if length == 5 * 5:
            return report(
                False, "the sizes are right; Flatten keeps all 64 feature maps, so multiply by 64."
            )
        return report(
            False,
            f"the sizes are right, but the length after Flatten is not "
            f"{show(flattened_length)}: it is height × width × feature maps.",
        )
    return report(True, "28 → 26 → 13 → 11 → 5, and 5·5·64 = 1,600 values after Flatten.")


def _same_padding_cnn() -> Any:
    """The model Exercise 3 describes, built from its table."""
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(shape=(28, 28, 1), dtype="uint8"),
        layers.Rescaling(1 / 255),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def check_same_padding_cnn(model: Any) -> bool:
    """Check Exercise 3 of lesson 01: the model you built from the description.

    The description: ``keras.Input`` of 28×28×1 ``uint8`` images, then
    ``Rescaling(1/255)``; ``Conv2D`` with 32 filters of 3×3, ``padding="same"``
    and ReLU; ``MaxPooling2D`` (2×2); ``Conv2D`` with 64 filters, the same way;
    ``MaxPooling2D``; ``Flatten``; and ``Dense(10)`` with softmax. Pass your
    model (it need not be trained)::

        passed = check_same_padding_cnn(my_model)

    The check compares the layer types in order, each layer's settings, the
    output shapes and the number of parameters, and says what differs.
    """
    return check_model(model, _same_padding_cnn)
