"""Checks for the exercises of lesson 02."""

from __future__ import annotations

import math
from typing import Any

from ._common import is_number, kind, report, show

__all__ = ["check_float32_memory", "check_same_padding_shapes"]


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


def check_same_padding_shapes(sizes: Any, feature_maps: Any) -> bool:
    """Check Exercise 2 of lesson 02: sizes after the three blocks of the better model.

    ``sizes`` lists the height (= width) after each block for a 32×32 input;
    ``feature_maps`` is the number of feature maps after the last block::

        passed = check_same_padding_shapes([..., ..., ...], feature_maps_after_last_block)
    """
    expected = [16, 8, 4]
    try:
        given = list(sizes)
    except TypeError:
        return report(False, f"sizes should be a list of 3 numbers; you gave {kind(sizes)}.")
    if len(given) != 3:
        return report(False, f"sizes should hold 3 numbers, one per block; yours has {len(given)}.")
    if given == [30, 15, 13] or given[:1] == [30]:
        return report(False, "with padding=\"same\" the convolution keeps the size (32 → 32); "
                             "only the pooling halves it.")
    for i, (got, want) in enumerate(zip(given, expected, strict=True)):
        if got != want:
            return report(False, f"after block {i + 1} the size is not {show(got)}: each block "
                                 "keeps the size in its convolution and halves it in pooling.")
    if feature_maps != 128:
        return report(False, f"the sizes are right, but the last block does not have "
                             f"{show(feature_maps)} feature maps: count its Conv2D filters.")
    return report(True, "32 → 16 → 8 → 4, with 128 feature maps of 4×4 at the end.")
