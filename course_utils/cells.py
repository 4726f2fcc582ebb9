"""Lesson 05's blood-cell classifier in one call, for the lessons that use a cell model.

Lesson 05 builds it step by step: the blood-cell TRAIN folder split by source
cell (``pretrained.cell_group_split``), a ``tf.data`` pipeline that stores
``uint8`` pixels, caches and reshuffles every epoch, and a small CNN of four
convolution–batch-normalization–ReLU–pooling blocks, trained while a
checkpoint keeps the best epoch by validation accuracy. Lesson 09 needs such
a model to put to work, so this module does the same in one call::

    from course_utils.cells import train_cell_model

    trained = train_cell_model(train_dir, image_size=(60, 80), epochs=4)
    trained.model, trained.class_names, trained.val_accuracy
    probabilities = trained.model.predict(trained.val_ds)   # the validation split

TensorFlow is imported when you call a function, not when you import this module.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import config

if TYPE_CHECKING:
    import keras
    import tensorflow as tf

__all__ = ["TrainedCells", "cell_cnn", "prepare", "train_cell_model"]

BATCH_SIZE = 32


def cell_cnn(image_size: tuple[int, int], num_classes: int) -> keras.Model:
    """Lesson 05's small CNN for the blood cells: uint8 in, Rescaling, 4 blocks, softmax out."""
    import keras

    def block(filters: int) -> list[Any]:
        return [keras.layers.Conv2D(filters, kernel_size=3, padding="same", use_bias=False),
                keras.layers.BatchNormalization(momentum=0.9),
                keras.layers.ReLU(),
                keras.layers.MaxPooling2D(pool_size=2)]

    model = keras.Sequential([
        keras.Input(shape=(*image_size, 3), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        *block(8), *block(16), *block(32), *block(64),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(num_classes, activation="softmax"),
    ], name="cell_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def prepare(dataset: tf.data.Dataset, *, shuffle: bool = False, fast: int = 1000,
            seed: int = 42) -> tf.data.Dataset:
    """Lesson 05's pipeline: uint8 → cache → shuffle (every epoch) → batch of 32 → prefetch.

    ``dataset`` holds single images (``load_image_folder(..., batch_size=None)``).
    In the course's fast mode only the first ``fast`` images are kept.
    """
    import tensorflow as tf

    n_images = config.fast_size(len(dataset), fast=fast)
    dataset = dataset.take(n_images).map(lambda image, label: (tf.cast(image, tf.uint8), label))
    dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(n_images, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)


@dataclass
class TrainedCells:
    """What ``train_cell_model`` returns.

    Attributes:
        model: the trained Keras model, with the weights of its best epoch.
        class_names: the class folders in label order.
        image_size: the model's input ``(height, width)``.
        val_ds: the validation split, batched (``prepare``), in a fixed order.
        val_accuracy: the validation accuracy of the kept epoch.
        best_epoch: which epoch was kept (1 = the first).
        history: ``fit``'s history dictionary.
    """

    model: keras.Model
    class_names: list[str]
    image_size: tuple[int, int]
    val_ds: tf.data.Dataset
    val_accuracy: float
    best_epoch: int
    history: dict[str, list[float]]

    def validation_labels(self) -> np.ndarray:
        """The labels of ``val_ds``, in its order."""
        return np.concatenate([labels.numpy() for _, labels in self.val_ds])


def train_cell_model(train_dir: str | os.PathLike[str], image_size: tuple[int, int] = (60, 80),
                     epochs: int = 4, *, seed: int = 42, verbose: int = 2) -> TrainedCells:
    """Train lesson 05's cell CNN on a blood-cell TRAIN folder, split by source cell.

    A fifth of the source cells of each class (every copy of them) go to
    validation, as lesson 05 teaches; ``ModelCheckpoint`` keeps the weights
    of the epoch with the best validation accuracy. The seed is set first, so
    the same call gives the same model on the same computer. In fast mode the
    epochs and images are cut (``course_utils.epochs``, ``fast_size``).

    Args:
        train_dir: the folder with one sub-folder per class (the blood cells' ``TRAIN``).
        image_size: the model's input ``(height, width)``; 60×80 keeps the photos' 4:3.
        epochs: training epochs (1 in fast mode).
        seed: the seed for the split, the weights and the shuffling.
        verbose: passed to ``fit`` (2: one line per epoch).
    """
    import keras

    from .folders import load_image_folder, scan_image_folder
    from .pretrained import cell_group_split

    scan = scan_image_folder(train_dir, quick=True)  # lesson 05 checked every file
    split = cell_group_split(train_dir, scan.class_names, seed=seed)
    train_ds, val_ds = load_image_folder(train_dir, image_size, batch_size=None,
                                         validation_split=split, seed=seed, scan=scan)
    train_batches = prepare(train_ds, shuffle=True, fast=256, seed=seed)
    val_batches = prepare(val_ds, fast=128)
    config.set_seed(seed)
    model = cell_cnn(image_size, len(scan.class_names))
    with tempfile.TemporaryDirectory() as folder:
        best_file = Path(folder) / "best.weights.h5"
        keep_best = keras.callbacks.ModelCheckpoint(best_file, monitor="val_accuracy",
                                                    mode="max", save_best_only=True,
                                                    save_weights_only=True)
        history = model.fit(train_batches, validation_data=val_batches,
                            epochs=config.epochs(epochs), callbacks=[keep_best],
                            verbose=verbose)
        model.load_weights(best_file)
    scores = history.history["val_accuracy"]
    best = int(np.argmax(scores))
    return TrainedCells(model, scan.class_names, tuple(image_size), val_batches,
                        float(scores[best]), best + 1, dict(history.history))
