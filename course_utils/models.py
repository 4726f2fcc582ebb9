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


BETTER_CIFAR_EPOCHS = 12
"""How many epochs lesson 02 trains ``better_cifar_cnn`` for (with ``cosine_schedule``)."""


def _conv_bn_relu(filters: int) -> list[layers.Layer]:
    # No bias: the BatchNormalization right after it has its own shift (beta).
    return [
        layers.Conv2D(filters, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.ReLU(),
    ]


def better_cifar_cnn(num_classes: int = 10, augment: bool = True) -> keras.Model:
    """Lesson 02's better CIFAR-10 model, trained for ``BETTER_CIFAR_EPOCHS`` epochs.

    Compared with ``classic_cifar_cnn`` it adds data augmentation (random
    flips and shifts, active only in training), three blocks of
    Conv–BatchNorm–ReLU layers (one with 32 filters, two with 64, two with
    128), each block followed by max pooling, and a global-average-pooling
    head with dropout instead of a large Dense layer. Train it with Adam and
    ``cosine_schedule``.
    """
    return keras.Sequential(
        [
            keras.Input(shape=CIFAR10_SHAPE, dtype="uint8"),
            layers.Rescaling(1 / 255),
            *([cifar_augmentation()] if augment else []),
            *_conv_bn_relu(32),
            layers.MaxPooling2D(),
            *_conv_bn_relu(64),
            *_conv_bn_relu(64),
            layers.MaxPooling2D(),
            *_conv_bn_relu(128),
            *_conv_bn_relu(128),
            layers.MaxPooling2D(),
            layers.GlobalAveragePooling2D(),
            layers.Dropout(0.3),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="better_cifar_cnn",
    )


def cosine_schedule(
    total_steps: int, peak: float = 3e-3, warmup_fraction: float = 0.1
) -> keras.optimizers.schedules.LearningRateSchedule:
    """A learning rate that warms up to ``peak`` and then falls to 0 along a cosine curve.

    ``total_steps`` is epochs × batches per epoch. The first
    ``warmup_fraction`` of the steps rise linearly from 0 to ``peak``::

        keras.optimizers.Adam(cosine_schedule(epochs * steps_per_epoch))
    """
    if total_steps < 1:
        raise ValueError(f"total_steps must be at least 1, got {total_steps}")
    warmup = int(total_steps * warmup_fraction)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0,
        decay_steps=max(total_steps - warmup, 1),
        warmup_target=peak,
        warmup_steps=warmup,
    )
