"""Model recipes the lessons teach, defined once so lessons and benchmarks share them.

Each builder function returns a new, *uncompiled* ``keras.Model`` that takes
``uint8`` images and scales them itself with a ``Rescaling`` layer. Read a
recipe with ``course_utils.show_source(models.classic_cifar_cnn)`` or ``help()``.

The "better" recipes come in three parts, so a lesson can show each one:

* the layers: ``better_mnist_cnn`` and ``better_cifar_cnn``;
* the training settings (epochs, batch size, learning rate, ...):
  ``BETTER_MNIST`` and ``BETTER_CIFAR``, two ``TrainingRecipe`` objects;
* the data pipeline and compile step every recipe shares:
  ``train_val_datasets`` and ``compile_recipe``.

``better_mnist_model`` and ``better_cifar_model`` put the first two together
and return a compiled model. A lesson trains one like this::

    recipe = models.BETTER_CIFAR
    train_ds, val_ds = models.train_val_datasets(x_train, y_train, recipe)
    model = models.better_cifar_model(steps_per_epoch=len(train_ds))
    history = model.fit(train_ds, validation_data=val_ds, epochs=recipe.epochs, verbose=2)

The course's benchmarks (``python -m benchmarks``) time exactly these recipes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import keras
import numpy as np
from keras import layers

if TYPE_CHECKING:
    import tensorflow as tf

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
    contrast: float = 0.0, interpolation: str = "bilinear",
) -> keras.Sequential:
    """Random image changes for training on photos, as Keras layers.

    They are active only while the model trains (``training=True``); at
    prediction time they pass images through unchanged. Defaults: a random
    horizontal flip (a mirrored cat is still a cat) and shifts of up to 10%
    of the image size. ``rotation`` is a fraction of a full turn (0.03 ≈ ±11°).
    ``interpolation="nearest"`` shifts by whole pixels (no blurring), which
    is about twice as fast as the default ``"bilinear"`` on a CPU.
    """
    steps: list[layers.Layer] = []
    if flip:
        steps.append(layers.RandomFlip("horizontal"))
    if translation:
        steps.append(layers.RandomTranslation(translation, translation, fill_mode="reflect",
                                              interpolation=interpolation))
    if rotation:
        steps.append(layers.RandomRotation(rotation, fill_mode="reflect",
                                           interpolation=interpolation))
    if zoom:
        steps.append(layers.RandomZoom(zoom, fill_mode="reflect", interpolation=interpolation))
    if contrast:
        steps.append(layers.RandomContrast(contrast))
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
    has its own shift). Pooling comes *before* batch normalization and ReLU:
    those two then work on a quarter of the numbers, which makes a training
    step about 40% faster on a CPU, and the network learns just as well.
    ``pool=False`` leaves the pooling out (the image size stays the same).
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
    filters works on the 4×4 maps. A global-average-pooling head replaces
    ``Flatten`` + a big ``Dense`` layer.
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


def better_mnist_model(steps_per_epoch: int, epochs: int | None = None) -> keras.Model:
    """``better_mnist_cnn`` compiled with the ``BETTER_MNIST`` settings (see ``compile_recipe``)."""
    return compile_recipe(better_mnist_cnn(), BETTER_MNIST, steps_per_epoch, epochs)


def better_cifar_model(steps_per_epoch: int, epochs: int | None = None) -> keras.Model:
    """``better_cifar_cnn`` compiled with the ``BETTER_CIFAR`` settings (see ``compile_recipe``)."""
    return compile_recipe(better_cifar_cnn(), BETTER_CIFAR, steps_per_epoch, epochs)


def train_val_datasets(
    images: np.ndarray, labels: np.ndarray, recipe: TrainingRecipe | None = None, *,
    batch_size: int | None = None, validation_fraction: float = 0.1, seed: int | None = None,
) -> tuple[tf.data.Dataset, tf.data.Dataset]:
    """Split off the validation images and return ``(train_ds, val_ds)`` as ``tf.data`` pipelines.

    Give either a ``recipe`` (its ``batch_size`` and ``validation_fraction``
    are used) or a ``batch_size``::

        train_ds, val_ds = models.train_val_datasets(x_train, y_train, models.BETTER_CIFAR)
        train_ds, val_ds = models.train_val_datasets(x_train, y_train, batch_size=64)

    The last ``validation_fraction`` of the images become the validation set
    (the same images ``fit(validation_split=...)`` would hold out). Images
    stay ``uint8`` (the model's ``Rescaling`` layer scales them) and are not
    copied (see ``batched_dataset``), which saves about 250 MB for CIFAR-10
    compared with passing the arrays to ``fit``. Every epoch the training set
    is shuffled: the pipeline shuffles the image *numbers* and picks a whole
    batch at once, which is much cheaper than shuffling 45,000 separate
    images. ``len(train_ds)`` is the number of batches in an epoch.

    MNIST-style images without a channel axis, shape ``(N, 28, 28)``, get
    one: ``(N, 28, 28, 1)``.
    """
    if recipe is not None:
        if batch_size is not None:
            raise ValueError("Give a recipe or a batch_size, not both.")
        batch_size, validation_fraction = recipe.batch_size, recipe.validation_fraction
    if batch_size is None or int(batch_size) < 1:
        raise ValueError(f"batch_size must be a whole number of at least 1, got {batch_size}")
    images, labels = np.asarray(images), np.asarray(labels).reshape(-1)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    n_val = int(round(len(images) * validation_fraction))
    if not 0 < n_val < len(images):
        raise ValueError(
            f"validation_fraction={validation_fraction} leaves no training or no "
            f"validation images out of {len(images)}"
        )
    n_train = len(images) - n_val
    train_ds = batched_dataset(images[:n_train], labels[:n_train], int(batch_size),
                               shuffle=True, seed=seed)
    val_ds = batched_dataset(images[n_train:], labels[n_train:], int(batch_size) * 2)
    return train_ds, val_ds


def batched_dataset(
    images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle: bool = False,
    seed: int | None = None,
) -> tf.data.Dataset:
    """A ``tf.data`` pipeline of ``(images, labels)`` batches, read straight from the arrays.

    The pipeline works on image *numbers*: it shuffles them (with
    ``shuffle=True``, in a new order every epoch), groups them into batches,
    and only then picks each batch's images out of the NumPy array. So the
    images are never copied as a whole (``tf.constant(images)`` would keep
    two extra copies in memory) and stay ``uint8`` until the model's
    ``Rescaling`` layer. ``prefetch(2)`` prepares the next batches while the
    model trains on the current one.

    The pipeline switches off tf.data's *autotuning*: picking a batch takes
    microseconds, so there is nothing to tune, and with autotuning on,
    TensorFlow 2.21 on a CPU runs about every other epoch on a single core
    (1.7× slower).
    """
    import tensorflow as tf

    def pick(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return images[numbers], labels[numbers]

    def pick_batch(numbers: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        x, y = tf.numpy_function(pick, [numbers], (tf.as_dtype(images.dtype),
                                                   tf.as_dtype(labels.dtype)), stateful=False)
        return tf.ensure_shape(x, (None, *images.shape[1:])), tf.ensure_shape(y, (None,))

    ds = tf.data.Dataset.range(len(images))
    if shuffle:
        ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(pick_batch).prefetch(2)
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)
