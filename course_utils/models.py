"""Model recipes the lessons teach, defined once so lessons and benchmarks share them.

Each builder function returns a new, *uncompiled* ``keras.Model`` that takes
``uint8`` images and scales them itself with a ``Rescaling`` layer. Read a
recipe with ``course_utils.show_source(models.classic_cifar_cnn)`` or ``help()``.

The "better" recipes come in three parts, so a lesson can show each one:

* the layers: ``better_mnist_cnn`` and ``better_cifar_cnn``;
* the training settings (epochs, batch size, learning rate, ...):
  ``BETTER_MNIST`` and ``BETTER_CIFAR``, two ``TrainingRecipe`` objects;
* the compile step every recipe shares: ``compile_recipe`` (the data
  pipeline it is fed with is ``course_utils.pipelines.train_val_datasets``).

``better_mnist_model`` and ``better_cifar_model`` put the first two together
and return a compiled model. A lesson trains one like this::

    recipe = models.BETTER_CIFAR
    train_ds, val_ds = pipelines.train_val_datasets(x_train, y_train, recipe)
    model = models.better_cifar_model(steps_per_epoch=len(train_ds))
    history = model.fit(train_ds, validation_data=val_ds, epochs=recipe.epochs, verbose=2)

The course's benchmarks (``python -m benchmarks``) time exactly these recipes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import keras
from keras import layers

from .distributed import strategy_scope

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
    contrast: float = 0.0, interpolation: str = "bilinear", seed: int | None = None,
) -> keras.Sequential:
    """Random image changes for training on photos, as Keras layers.

    They are active only while the model trains (``training=True``); at
    prediction time they pass images through unchanged. Defaults: a random
    horizontal flip (a mirrored cat is still a cat) and shifts of up to 10%
    of the image size. ``rotation`` is a fraction of a full turn (0.03 ≈ ±11°).
    ``interpolation="nearest"`` shifts by whole pixels (no blurring), which
    is about twice as fast as the default ``"bilinear"`` on a CPU. ``seed``
    makes the random changes repeatable (the layers get ``seed``, ``seed + 1``, ...);
    ``None`` draws from the global seed that ``course_utils.setup`` sets.
    """

    def seed_of(step: int) -> int | None:
        return None if seed is None else seed + step

    steps: list[layers.Layer] = []
    if flip:
        steps.append(layers.RandomFlip("horizontal", seed=seed_of(0)))
    if translation:
        steps.append(layers.RandomTranslation(translation, translation, fill_mode="reflect",
                                              interpolation=interpolation, seed=seed_of(1)))
    if rotation:
        steps.append(layers.RandomRotation(rotation, fill_mode="reflect",
                                           interpolation=interpolation, seed=seed_of(2)))
    if zoom:
        steps.append(layers.RandomZoom(zoom, fill_mode="reflect", interpolation=interpolation,
                                       seed=seed_of(3)))
    if contrast:
        steps.append(layers.RandomContrast(contrast, seed=seed_of(4)))
    return keras.Sequential(steps, name="augmentation")


# --------------------------------------------------------------------------- better recipes


@dataclass(frozen=True)
class TrainingRecipe:
    """How a "better" model is trained: every setting apart from its layers.

    Print one to see the whole recipe at a glance (``print(models.BETTER_CIFAR)``).

    ``epochs`` and ``batch_size`` are the usual ``fit`` settings. Adam's learning
    rate follows ``cosine_schedule``: it warms up for the first
    ``warmup_fraction`` of the steps to ``peak_learning_rate`` and then falls
    to zero. ``label_smoothing`` replaces the hard 0/1 targets by 0.01 and 0.91
    (for 0.1 and 10 classes), so the model is not pushed to be 100% sure.
    ``validation_fraction`` of the training images (the last ones) are held
    out for validation; the test set is not touched while training.
    """

    epochs: int
    batch_size: int
    peak_learning_rate: float
    warmup_fraction: float = 0.1
    label_smoothing: float = 0.0
    validation_fraction: float = 0.1

    def __str__(self) -> str:
        settings = ", ".join(f"{key}={value}" for key, value in asdict(self).items())
        return f"TrainingRecipe({settings})"

    def as_dict(self) -> dict[str, float]:
        """The settings as a plain dict (for printing or saving as JSON)."""
        return asdict(self)


def conv_block(filters: int, pool: bool = True) -> list[layers.Layer]:
    """One block of the better models: Conv2D → MaxPooling2D → BatchNormalization → ReLU.

    The 3×3 convolution has no bias (the batch normalization right after it
    has its own shift). Pooling comes *before* batch normalization and ReLU,
    not after them as in many tutorials: those two then work on a quarter of
    the numbers, so a training step takes less time. Lesson 01 (section 6.1)
    times both orders on the better MNIST model; the course's benchmark
    profile measured 68.1 against 99.8 ms per CIFAR-10 batch of 128, about
    30% less (``benchmarks/results.md``). The two orders compute almost the
    same thing: max pooling gives the same result before or after a ReLU, and
    before or after batch normalization's per-channel scale and shift (while
    the scale is positive); only the batch statistics then come from the
    pooled maps. ``pool=False`` leaves the pooling out (the size stays the same).
    """
    return [
        layers.Conv2D(filters, 3, padding="same", use_bias=False),
        *([layers.MaxPooling2D()] if pool else []),
        layers.BatchNormalization(),
        layers.ReLU(),
    ]


MNIST_SHAPE = (28, 28, 1)

BETTER_MNIST = TrainingRecipe(epochs=8, batch_size=256, peak_learning_rate=6e-3)
"""Training settings of lesson 01's better model, ``better_mnist_cnn``."""


def better_mnist_cnn(num_classes: int = 10) -> keras.Model:
    """Lesson 01's better MNIST model, trained with the ``BETTER_MNIST`` settings.

    Random shifts by up to 2 pixels (8%, only while training), two
    ``conv_block``s with 16 and 32 filters (28×28 → 14×14 → 7×7), then the
    classic head: ``Flatten``, ``Dense(128)`` and the softmax output, with
    dropout before each Dense layer. Batch normalization lets it learn with
    a high learning rate, so eight epochs are enough.
    """
    return keras.Sequential(
        [
            keras.Input(shape=MNIST_SHAPE, dtype="uint8"),
            layers.Rescaling(1 / 255),
            layers.RandomTranslation(0.08, 0.08, fill_mode="constant", interpolation="nearest"),
            *conv_block(16),
            *conv_block(32),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="better_mnist_cnn",
    )


BETTER_CIFAR = TrainingRecipe(epochs=8, batch_size=128, peak_learning_rate=3e-3,
                              label_smoothing=0.1)
"""Training settings of lesson 02's better model, ``better_cifar_cnn``."""


def better_cifar_cnn(num_classes: int = 10, augment: bool = True) -> keras.Model:
    """Lesson 02's better CIFAR-10 model, trained with the ``BETTER_CIFAR`` settings.

    Compared with ``classic_cifar_cnn`` it adds data augmentation
    (``cifar_augmentation``: random flips and whole-pixel shifts, active only
    in training), batch normalization, and more filters in more blocks: three
    ``conv_block``s with 32, 64 and 128 filters halve the image
    (32 → 16 → 8 → 4) while doubling the feature maps, and a fourth with 256
    filters and no pooling (``pool=False``) works on the 4×4 maps. A
    global-average-pooling head replaces ``Flatten`` + a big ``Dense`` layer.
    """
    return keras.Sequential(
        [
            keras.Input(shape=CIFAR10_SHAPE, dtype="uint8"),
            layers.Rescaling(1 / 255),
            *([cifar_augmentation(interpolation="nearest")] if augment else []),
            *conv_block(32),
            *conv_block(64),
            *conv_block(128),
            *conv_block(256, pool=False),
            layers.GlobalAveragePooling2D(),
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


def compile_recipe(
    model: keras.Model, recipe: TrainingRecipe, steps_per_epoch: int, epochs: int | None = None
) -> keras.Model:
    """Compile ``model`` the way ``recipe`` says, and return it.

    Adam with ``cosine_schedule`` over ``epochs × steps_per_epoch`` steps
    (``epochs`` defaults to ``recipe.epochs``), sparse categorical
    cross-entropy with ``recipe.label_smoothing``, and accuracy as the metric.
    ``steps_per_epoch`` is the number of batches in an epoch, ``len(train_ds)``
    for the training dataset of ``train_val_datasets``.
    """
    epochs = recipe.epochs if epochs is None else epochs
    schedule = cosine_schedule(
        max(int(epochs) * int(steps_per_epoch), 1),
        peak=recipe.peak_learning_rate,
        warmup_fraction=recipe.warmup_fraction,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=sparse_crossentropy(recipe.label_smoothing),
        metrics=["accuracy"],
    )
    return model


def sparse_crossentropy(label_smoothing: float = 0.0) -> keras.losses.Loss:
    """Cross-entropy for integer labels (0–9), optionally with label smoothing.

    Keras' ``SparseCategoricalCrossentropy`` has no ``label_smoothing``
    argument, so with smoothing the labels are turned into one-hot vectors
    first and ``CategoricalCrossentropy(label_smoothing=...)`` is used.
    """
    if not label_smoothing:
        return keras.losses.SparseCategoricalCrossentropy()
    return SmoothedSparseCrossentropy(label_smoothing=label_smoothing)


@keras.saving.register_keras_serializable(package="course_utils")
class SmoothedSparseCrossentropy(keras.losses.Loss):
    """Categorical cross-entropy with label smoothing, for integer labels."""

    def __init__(self, label_smoothing: float = 0.1, name: str = "smoothed_crossentropy",
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.label_smoothing = float(label_smoothing)

    def call(self, y_true, y_pred):  # noqa: D102 - the Keras Loss interface
        num_classes = keras.ops.shape(y_pred)[-1]
        labels = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1,))
        one_hot = keras.ops.one_hot(labels, num_classes, dtype=y_pred.dtype)
        return keras.losses.categorical_crossentropy(
            one_hot, y_pred, label_smoothing=self.label_smoothing
        )

    def get_config(self) -> dict:  # noqa: D102
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


def better_mnist_model(steps_per_epoch: int, epochs: int | None = None,
                       strategy: Any = None) -> keras.Model:
    """``better_mnist_cnn`` compiled with the ``BETTER_MNIST`` settings (see ``compile_recipe``).

    ``strategy``: a ``tf.distribute`` strategy to build and compile the model under
    (``strategy.scope()``), or None for none (lesson 10).
    """
    with strategy_scope(strategy):
        return compile_recipe(better_mnist_cnn(), BETTER_MNIST, steps_per_epoch, epochs)


def better_cifar_model(steps_per_epoch: int, epochs: int | None = None,
                       strategy: Any = None) -> keras.Model:
    """``better_cifar_cnn`` compiled with the ``BETTER_CIFAR`` settings (see ``compile_recipe``).

    ``strategy``: a ``tf.distribute`` strategy to build and compile the model under
    (``strategy.scope()``), or None for none (lesson 10).
    """
    with strategy_scope(strategy):
        return compile_recipe(better_cifar_cnn(), BETTER_CIFAR, steps_per_epoch, epochs)
