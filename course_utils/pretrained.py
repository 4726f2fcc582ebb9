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


def folder_transfer(weights: str | os.PathLike[str] | None, train_dir: str | os.PathLike[str],
                    classes: Sequence[str], *, image_size: int = 128,
                    steps: tuple[int, int] = (150, 150), top_layers: int = 20,
                    seed: int = 42) -> dict[str, Any]:
    """Train MobileNetV3Small's new head on a class folder, then fine-tune its top; measure both.

    The folder is split by source cell (``cell_group_split``); the head trains
    for ``steps[0]`` batches of 32 with the base frozen (Adam, 1e-3), then the
    last ``top_layers`` layers of the base (batch normalization excepted)
    train too, for ``steps[1]`` batches at a 10× lower learning rate.
    Returns ``{"frozen": val_accuracy, "fine-tuned": val_accuracy,
    "trainable": (before, after), "model": model}``.
    """
    import keras
    import tensorflow as tf

    from .folders import load_image_folder
    from .transfer import trainable_counts

    split = cell_group_split(train_dir, classes, seed=seed)
    train_ds, val_ds = load_image_folder(train_dir, image_size, batch_size=32,
                                         validation_split=split, seed=seed, verbose=False)

    def to_uint8(images: Any, labels: Any) -> tuple[Any, Any]:
        return tf.cast(tf.clip_by_value(tf.round(images), 0, 255), tf.uint8), labels

    train_ds = train_ds.map(to_uint8).repeat().prefetch(tf.data.AUTOTUNE)
    val_ds = val_ds.map(to_uint8).prefetch(tf.data.AUTOTUNE)
    model, base = mobilenet_classifier(len(classes), weights, image_size)
    result: dict[str, Any] = {"model": model}
    before = trainable_counts(model)[0]
    for phase, (learning_rate, n_steps) in enumerate([(1e-3, steps[0]), (1e-4, steps[1])]):
        if phase == 1:
            base.trainable = True
            for i, layer in enumerate(base.layers):
                top = i >= len(base.layers) - top_layers
                layer.trainable = top and not isinstance(layer, keras.layers.BatchNormalization)
        model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(train_ds, steps_per_epoch=n_steps, epochs=1, verbose=0)
        result["frozen" if phase == 0 else "fine-tuned"] = float(
            model.evaluate(val_ds, verbose=0)[1])
    result["trainable"] = (before, trainable_counts(model)[0])
    return result
