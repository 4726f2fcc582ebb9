"""The four benchmarked recipes: two seeds from the original tutorials, two from the course.

Each recipe is a function ``recipe(data, epochs=None, steps=None) -> Outcome``
that builds its model, trains it, and evaluates it once on the test set
(``steps`` caps the batches per epoch, for quick checks on the full data). The seed
recipes are written out here as the original tutorials wrote them; the course
recipes call ``course_utils.models`` and nothing else, so the benchmark times
exactly what lessons 01 and 02 teach.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

DATASET_OF: dict[str, str] = {
    "seed_mnist": "mnist",
    "course_mnist": "mnist",
    "seed_cifar10": "cifar10",
    "course_cifar10": "cifar10",
}
"""Which dataset each recipe trains on."""


@dataclass(frozen=True)
class Data:
    """One dataset as ``uint8`` arrays, straight from ``course_utils.data``."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass
class Outcome:
    """What one training run measured."""

    test_acc: float
    train_s: float
    """Seconds spent in ``model.fit`` (training plus the per-epoch validation)."""
    epochs: int
    epoch_s: list[float] = field(default_factory=list)
    """Seconds of training (without validation) in each epoch."""
    val_acc: list[float] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


def _epoch_timer():
    """A Keras callback that records the training part of every epoch."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.train_s: list[float] = []
            self._start = 0.0
            self._in_epoch = False

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self._start, self._in_epoch = time.perf_counter(), True

        def on_test_begin(self, logs: dict | None = None) -> None:
            # Validation starts: the training part of this epoch is over.
            if self._in_epoch:
                self.train_s.append(time.perf_counter() - self._start)
                self._in_epoch = False

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            if self._in_epoch:  # an epoch without validation
                self.train_s.append(time.perf_counter() - self._start)
                self._in_epoch = False

    return EpochTimer()


def _fit(model: Any, *args: Any, steps: int | None = None,
         **kwargs: Any) -> tuple[Any, float, list[float]]:
    """``model.fit`` with a stopwatch: returns (history, seconds, per-epoch training seconds)."""
    timer = _epoch_timer()
    start = time.perf_counter()
    history = model.fit(*args, callbacks=[timer], verbose=2, steps_per_epoch=steps, **kwargs)
    return history, time.perf_counter() - start, [round(s, 2) for s in timer.train_s]


def _val_accuracy(history: Any) -> list[float]:
    return [round(float(v), 4) for v in history.history.get("val_accuracy", [])]


# --------------------------------------------------------------------------- seeds


def seed_mnist_cnn() -> Any:
    """The original MNIST tutorial's model: Conv32–Pool–Conv64–Pool–Dense128, float inputs."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="seed_mnist_cnn",
    )


def seed_mnist(data: Data, epochs: int | None = None, steps: int | None = None) -> Outcome:
    """Original MNIST recipe: Adam, batch 32, 10 epochs, float32 /255, test set as validation.

    Validating on the test set is what the original did (and what the course
    teaches not to do); it is kept so the timing compares like with like.
    """
    epochs = 10 if epochs is None else epochs
    x_train = data.x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
    x_test = data.x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
    model = seed_mnist_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history, seconds, epoch_s = _fit(model, x_train, data.y_train, batch_size=32, epochs=epochs,
                                     validation_data=(x_test, data.y_test), steps=steps)
    _, test_acc = model.evaluate(x_test, data.y_test, verbose=0)
    return Outcome(float(test_acc), seconds, epochs, epoch_s, _val_accuracy(history),
                   {"batch_size": 32, "optimizer": "adam", "validation": "test set"})


def seed_cifar_cnn() -> Any:
    """The original CIFAR-10 tutorial's model: Conv32–Pool–Conv64–Pool (same padding)–Dense128.

    That is lesson 02's ``classic_cifar_cnn`` without its ``Rescaling`` layer:
    the original fed it float32 images already divided by 255.
    """
    import keras
    from keras import layers

    classic = _models().classic_cifar_cnn()
    return keras.Sequential(
        [keras.Input(shape=(32, 32, 3)),
         *(layer for layer in classic.layers if not isinstance(layer, layers.Rescaling))],
        name="seed_cifar_cnn",
    )


def seed_cifar10(data: Data, epochs: int | None = None, steps: int | None = None) -> Outcome:
    """Original CIFAR-10 recipe: Adam, batch 64, 15 epochs, float32 /255, one-hot labels.

    No validation data during training (the original reported training
    accuracy and one test evaluation at the end).
    """
    import keras

    epochs = 15 if epochs is None else epochs
    x_train = data.x_train.astype("float32") / 255
    x_test = data.x_test.astype("float32") / 255
    y_train = keras.utils.to_categorical(data.y_train, 10)
    y_test = keras.utils.to_categorical(data.y_test, 10)
    model = seed_cifar_cnn()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history, seconds, epoch_s = _fit(model, x_train, y_train, batch_size=64, epochs=epochs,
                                     steps=steps)
    _, test_acc = model.evaluate(x_test, y_test, verbose=0)
    outcome = Outcome(float(test_acc), seconds, epochs, epoch_s, [],
                      {"batch_size": 64, "optimizer": "adam", "validation": "none"})
    outcome.settings["final_train_acc"] = round(float(history.history["accuracy"][-1]), 4)
    return outcome


# --------------------------------------------------------------------------- course


def _course(data: Data, recipe: Any, build: Callable[..., Any], epochs: int | None,
            steps: int | None) -> Outcome:
    """Train a course recipe exactly as its lesson does; touch the test set once at the end."""
    train_ds, val_ds = _pipelines().train_val_datasets(data.x_train, data.y_train, recipe)
    epochs = recipe.epochs if epochs is None else epochs
    model = build(steps_per_epoch=len(train_ds), epochs=epochs)
    history, seconds, epoch_s = _fit(model, train_ds, validation_data=val_ds, epochs=epochs,
                                     steps=steps)
    x_test = data.x_test[..., np.newaxis] if data.x_test.ndim == 3 else data.x_test
    test_acc = evaluate_on_test(model, x_test, data.y_test)  # what the lessons call
    return Outcome(float(test_acc), seconds, epochs, epoch_s, _val_accuracy(history),
                   {**recipe.as_dict(), "validation": "last part of the training set"})


def _models():
    from course_utils import models

    return models


def _pipelines():
    from course_utils import pipelines

    return pipelines


def evaluate_on_test(model: Any, x_test: np.ndarray, y_test: np.ndarray) -> float:
    """``course_utils.evaluation.evaluate_on_test``: the lessons' one final test."""
    from course_utils.evaluation import evaluate_on_test as evaluate

    return evaluate(model, x_test, y_test)


def course_mnist(data: Data, epochs: int | None = None, steps: int | None = None) -> Outcome:
    """Lesson 01's better recipe: ``models.better_mnist_model`` with ``models.BETTER_MNIST``."""
    models = _models()
    return _course(data, models.BETTER_MNIST, models.better_mnist_model, epochs, steps)


def course_cifar10(data: Data, epochs: int | None = None, steps: int | None = None) -> Outcome:
    """Lesson 02's better recipe: ``models.better_cifar_model`` with ``models.BETTER_CIFAR``."""
    models = _models()
    return _course(data, models.BETTER_CIFAR, models.better_cifar_model, epochs, steps)


RECIPES: dict[str, Callable[[Data, int | None, int | None], Outcome]] = {
    "seed_mnist": seed_mnist,
    "course_mnist": course_mnist,
    "seed_cifar10": seed_cifar10,
    "course_cifar10": course_cifar10,
}
"""Recipe name → function, in the order ``bench`` runs them."""
