"""Checks for the exercises of lesson 02."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ._common import as_int, error, is_number, kind, report, show
from .model_check import check_model, describe_model

__all__ = ["check_float32_memory", "check_same_padding_shapes", "check_small_cifar_cnn"]


def check_float32_memory(megabytes: Any) -> bool:
    """Check Exercise 1 of lesson 02: the size of CIFAR-10's training images as float32, in MB.

    Pass your number of megabytes (1 MB = 1,000,000 bytes)::

        passed = check_float32_memory(float32_megabytes)
    """
    expected = 50_000 * 32 * 32 * 3 * 4 / 1e6
    if not is_number(megabytes) or not math.isfinite(float(megabytes)):
        return report(False, f"Give a number of megabytes; you gave {kind(megabytes)}.")
    value = float(megabytes)
    if math.isclose(value, expected, rel_tol=0.01):
        return report(True, f"{expected:.1f} MB as float32, four times the {expected / 4:.1f} MB "
                            "of uint8.")
    if math.isclose(value, expected / 4, rel_tol=0.01):
        return report(False, f"{show(value)} MB is the uint8 size: float32 takes 4 bytes per "
                             "number.")
    if math.isclose(value, expected * 1e6, rel_tol=0.01):
        return report(False, "that is the number of bytes: divide by 1,000,000 for megabytes.")
    if math.isclose(value, expected / 3, rel_tol=0.01):
        return report(False, "each pixel has 3 numbers (red, green, blue): multiply by 3.")
    if math.isclose(value, expected / 1.048576, rel_tol=0.01):
        return report(False, "you divided by 1,048,576 (MiB); this exercise uses 1 MB = "
                             "1,000,000 bytes.")
    return report(False, f"{show(value)} MB is not right: images × height × width × channels "
                         "× 4 bytes, divided by 1,000,000.")


@dataclass(frozen=True)
class _Block:
    size: int  # height (= width) after the block
    maps: int  # feature maps after the block
    pooled: bool  # whether the block has a pooling layer


def _better_model_blocks() -> tuple[int, list[_Block]]:
    """The input size of ``models.better_cifar_cnn()`` and its blocks, read from its layers.

    A block ends with its ReLU layer (``models.conv_block``); the sizes are
    the output shapes Keras computes, so the answer follows the model.
    """
    from .. import models

    model = models.better_cifar_cnn()
    blocks, pooled = [], False
    for layer in describe_model(model):
        pooled = pooled or ("Pooling2D" in layer.kind and "Global" not in layer.kind)
        if layer.kind == "ReLU" and layer.output_shape is not None:
            blocks.append(_Block(layer.output_shape[1], layer.output_shape[-1], pooled))
            pooled = False
    return int(model.inputs[0].shape[1]), blocks


def check_same_padding_shapes(sizes: Any, feature_maps: Any) -> bool:
    """Check Exercise 2 of lesson 02: sizes after each block of the better model.

    ``sizes`` lists the height (= width) after each ``conv_block`` of
    ``models.better_cifar_cnn()`` for a 32×32 input; ``feature_maps`` is the
    number of feature maps after the last block. The expected answer is read
    from the model itself, so it follows the recipe::

        passed = check_same_padding_shapes([..., ..., ..., ...], feature_maps_after_last_block)
    """
    try:
        input_size, blocks = _better_model_blocks()
    except Exception as exc:  # noqa: BLE001 - the check never raises
        return report(False, f"could not build models.better_cifar_cnn() ({error(exc)}); run "
                             "the lesson's setup cell first.")
    n = len(blocks)
    if isinstance(sizes, str | bytes) or not hasattr(sizes, "__len__"):
        return report(False, f"sizes should be a list of {n} numbers; you gave {kind(sizes)}.")
    given = list(sizes)
    if len(given) != n:
        return report(False, f"sizes should hold {n} numbers, one per block (the better model "
                             f"has {n} conv_blocks); yours has {len(given)}.")
    numbers = [as_int(g) for g in given]
    for i, (number, raw) in enumerate(zip(numbers, given, strict=True)):
        if number is None:
            return report(False, f"sizes should hold whole numbers; number {i + 1} is "
                                 f"{show(raw)} ({kind(raw)}).")
    if numbers[0] == input_size - 2:
        return report(False, f"with padding=\"same\" the convolution keeps the size "
                             f"({input_size} → {input_size}); only the pooling halves it.")
    for i, (got, block) in enumerate(zip(numbers, blocks, strict=True)):
        if got != block.size:
            why = ("each block keeps the size in its convolution and halves it in pooling"
                   if block.pooled else f"block {i + 1} has no MaxPooling2D (look for "
                   "pool=False), so nothing halves its size")
            return report(False, f"after block {i + 1} the size is not {show(got)}: {why}.")
    maps, last = as_int(feature_maps), blocks[-1]
    if maps is None:
        return report(False, f"the sizes are right; feature_maps should be a whole number, "
                             f"but you gave {kind(feature_maps)} ({show(feature_maps)}).")
    if maps != last.maps:
        earlier = [i + 1 for i, b in enumerate(blocks[:-1]) if b.maps == maps]
        where = (f"{maps} is the number after block {earlier[-1]}, and the last block is "
                 f"block {n}" if earlier else
                 f"the last block does not have {show(feature_maps)} feature maps")
        return report(False, f"the sizes are right, but {where}: count its Conv2D filters.")
    path = " → ".join(str(size) for size in [input_size, *numbers])
    return report(True, f"{path}, with {last.maps} feature maps of {last.size}×{last.size} "
                        "at the end.")


def _small_cifar_cnn() -> Any:
    """The model Exercise 3 describes, built with the course's ``conv_block``."""
    import keras
    from keras import layers

    from .. import models

    return keras.Sequential([
        keras.Input(shape=models.CIFAR10_SHAPE, dtype="uint8"),
        layers.Rescaling(1 / 255),
        *models.conv_block(32),
        *models.conv_block(64),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax"),
    ])


def check_small_cifar_cnn(model: Any) -> bool:
    """Check Exercise 3 of lesson 02: the small better model you built from the description.

    The description: ``keras.Input`` of 32×32×3 ``uint8`` images and
    ``Rescaling(1/255)``; two blocks of ``Conv2D`` (3×3, ``padding="same"``,
    no bias) → ``MaxPooling2D`` → ``BatchNormalization`` → ``ReLU``, with 32 and
    then 64 filters; ``GlobalAveragePooling2D``; ``Dense(10)`` with softmax.
    Pass your model (it need not be trained)::

        passed = check_small_cifar_cnn(small_model)

    The check compares the layer types in order, each layer's settings, the
    output shapes and the number of parameters, and says what differs.
    """
    return check_model(model, _small_cifar_cnn)
