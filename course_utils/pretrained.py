"""An ImageNet-trained backbone for your own images (lesson 08, section 4).

``mobilenet_classifier`` puts a new head on ``keras.applications.MobileNetV3Small``
without its ImageNet classifier; the weights file comes from
``course_utils.data.imagenet_weights`` (downloaded once, checked against the
MD5 that Keras itself pins for it). ``cell_group_split`` is lesson 05's split
of the blood-cell TRAIN folder by source cell, so that no copy of a
validation cell is among the training images.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def mobilenet_classifier(num_classes: int, weights: str | os.PathLike[str] | None,
                         image_size: int = 128, dropout: float = 0.2) -> tuple[Any, Any]:
    """``(model, base)``: MobileNetV3Small (no top) with a new softmax head of ``num_classes``.

    ``weights`` is the path of the ImageNet weights file (or None for random
    weights, only for tests). The model takes uint8 images of
    ``image_size`` × ``image_size`` × 3. MobileNetV3 scales its input itself
    (``include_preprocessing=True``: a Rescaling layer inside), so its
    ``keras.applications.mobilenet_v3.preprocess_input`` does nothing and the
    images go in as they are. The base is frozen and called with
    ``training=False``; unfreeze its top with ``base.trainable = True`` and
    freeze the rest yourself, keeping the BatchNormalization layers frozen.
    """
    import keras

    base = keras.applications.MobileNetV3Small(
        input_shape=(image_size, image_size, 3), include_top=False,
        weights=None if weights is None else str(weights), include_preprocessing=True)
    base.trainable = False
    inputs = keras.Input(shape=(image_size, image_size, 3), dtype="uint8")
    x = keras.layers.Rescaling(1.0, name="to_float")(inputs)  # uint8 → float, values kept
    x = keras.layers.RandomFlip("horizontal_and_vertical")(x)
    x = base(x, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="new_head")(x)
    return keras.Model(inputs, outputs, name="mobilenet_transfer"), base


def source_cell(path: str | os.PathLike[str]) -> tuple[str, int]:
    """(class folder, source-cell number) of a blood-cell file ``_<cell>_<n>.jpeg``."""
    p = Path(path)
    return p.parent.name, int(p.name.split("_")[1])


def cell_group_split(train_dir: str | os.PathLike[str], classes: Sequence[str],
                     fraction: float = 0.2, seed: int = 42) -> Callable[[str], bool]:
    """Lesson 05's split by source cell: a function that is True for validation files.

    ``fraction`` of the source cells of each class are chosen at random (with
    ``seed``); every file of a chosen cell goes to validation. Give the
    function to ``load_image_folder(..., validation_split=...)``.
    """
    rng = np.random.default_rng(seed)
    chosen: set[tuple[str, int]] = set()
    for name in classes:
        cells = sorted({source_cell(p)[1] for p in (Path(train_dir) / name).glob("*.jpeg")})
        if not cells:
            raise ValueError(f"no _<cell>_<n>.jpeg files in {Path(train_dir) / name}")
        picked = rng.choice(cells, size=max(1, round(fraction * len(cells))), replace=False)
        chosen |= {(name, int(c)) for c in picked}

    def in_validation(path: str) -> bool:
        return source_cell(path) in chosen

    return in_validation
