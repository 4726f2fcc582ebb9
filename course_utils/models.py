"""Model recipes the lessons teach, defined once so lessons and benchmarks share them.

Each function returns a new, *uncompiled* ``keras.Model`` that takes ``uint8``
images and scales them itself with a ``Rescaling`` layer. Read a recipe with
``course_utils.show_source(models.classic_cifar_cnn)`` or ``help()``.
"""

from __future__ import annotations

import keras
from keras import layers

CIFAR10_SHAPE = (32, 32, 3)


def classic_cifar_cnn(num_classes: int = 10) -> keras.Model:
    """The classic small CNN for CIFAR-10 from the original tutorials.

    Two Conv–MaxPool blocks with ``padding="same"`` (32 and 64 filters), a
    ``Dense(128)`` layer and a softmax output. It learns fast and overfits
    fast: about 70% test accuracy, with training accuracy far above it.
    """
    return keras.Sequential(
        [
            keras.Input(shape=CIFAR10_SHAPE, dtype="uint8"),
            layers.Rescaling(1 / 255),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="classic_cifar_cnn",
    )


def cifar_augmentation(
    flip: bool = True, translation: float = 0.1, rotation: float = 0.0, zoom: float = 0.0,
    contrast: float = 0.0,
) -> keras.Sequential:
    """Random image changes for training on photos, as Keras layers.

    They are active only while the model trains (``training=True``); at
    prediction time they pass images through unchanged. Defaults: a random
    horizontal flip (a mirrored cat is still a cat) and shifts of up to 10%
    of the image size. ``rotation`` is a fraction of a full turn (0.03 ≈ ±11°).
    """
    steps: list[layers.Layer] = []
    if flip:
        steps.append(layers.RandomFlip("horizontal"))
    if translation:
        steps.append(layers.RandomTranslation(translation, translation, fill_mode="reflect"))
    if rotation:
        steps.append(layers.RandomRotation(rotation, fill_mode="reflect"))
    if zoom:
        steps.append(layers.RandomZoom(zoom, fill_mode="reflect"))
    if contrast:
        steps.append(layers.RandomContrast(contrast))
    return keras.Sequential(steps, name="augmentation")
