"""Where a training step's time goes, and what augmentation costs per epoch.

``augmentation_cost`` trains ``better_cifar_cnn`` with and without its
augmentation layers for whole epochs, alternating, and reports the ratio of
the epoch times (the course's budget: at most 1.2).

``step_profile`` times the pieces of one training step of the CIFAR-10
recipe on its own: the input pipeline, each augmentation layer, the forward
pass, and a whole training step with and without augmentation. It is how
the course found out where the time went (see ``results.md``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def _timed(fn: Callable[[], Any], repeats: int, warmup: int = 3) -> tuple[float, float]:
    """Median wall and mean CPU milliseconds of ``fn()`` over ``repeats`` calls.

    The CPU time counts all threads of this process; it changes little when
    other programs compete for the cores, the wall time does.
    """
    for _ in range(warmup):
        fn()
    times = []
    cpu_start = time.process_time()
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    cpu = (time.process_time() - cpu_start) / repeats
    return round(1000 * statistics.median(times), 1), round(1000 * cpu, 1)


def _cifar_datasets(limit: int | None):
    from course_utils import models, pipelines

    from .harness import load_data

    data = load_data("cifar10", limit)
    recipe = models.BETTER_CIFAR
    train_ds, _ = pipelines.train_val_datasets(data.x_train, data.y_train, recipe)
    return recipe, train_ds


def augmentation_cost(epochs: int = 3, limit: int | None = None, seed: int = 42) -> dict[str, Any]:
    """Time whole training epochs of ``better_cifar_cnn`` with and without augmentation.

    Both models are compiled the same way and each trains ``epochs`` epochs
    the way the lesson trains it; the first epoch, which includes building
    the training function, is left out. Returns the median epoch seconds of each and their ratio
    ``augmented_epoch_s / plain_epoch_s``.
    """
    from course_utils import config, models

    from .harness import other_load, wall_seconds
    from .recipes import _epoch_timer

    config.set_seed(seed)
    recipe, train_ds = _cifar_datasets(limit)
    seconds: dict[str, list[float]] = {}
    for name, augment in (("plain", False), ("augmented", True)):
        model = models.compile_recipe(models.better_cifar_cnn(augment=augment), recipe,
                                      len(train_ds))
        timer = _epoch_timer()
        model.fit(train_ds, epochs=epochs, verbose=0, callbacks=[timer])
        seconds[name] = [round(t, 2) for t in timer.train_s[1:]]
    plain, augmented = (statistics.median(seconds[k]) for k in ("plain", "augmented"))
    return {
        "plain_epoch_s": round(plain, 2),
        "augmented_epoch_s": round(augmented, 2),
        "ratio": round(augmented / plain, 3),
        "runs": seconds,
        "epochs": epochs,
        "steps_per_epoch": len(train_ds),
        "batch_size": recipe.batch_size,
        "augmentation": [type(layer).__name__
                         for layer in models.better_cifar_cnn().get_layer("augmentation").layers],
        "other_load": other_load(wall_seconds()),
    }


def autotune_effect(train_ds: Any, chunks: int = 8, steps: int = 20) -> dict[str, list[float]]:
    """Milliseconds per training step when every few steps start a new input pipeline iterator.

    ``fit`` starts a new iterator over the training data every epoch. This
    trains ``better_cifar_cnn`` for ``chunks`` short "epochs" of ``steps``
    batches each, once with tf.data's autotuning on (the default, and what
    ``fit(x_train, y_train)`` on NumPy arrays uses) and once with it off (what
    ``pipelines.batched_dataset`` does), and returns the mean step time of each
    chunk. With autotuning on, some chunks run on one core only.
    """
    import tensorflow as tf

    from course_utils import models

    result: dict[str, list[float]] = {}
    for name, enabled in (("autotune on", True), ("autotune off", False)):
        options = tf.data.Options()
        options.autotune.enabled = enabled
        pipeline = train_ds.with_options(options)  # the same pipeline, autotuning switched
        model = models.compile_recipe(models.better_cifar_cnn(), models.BETTER_CIFAR, 100)
        model.fit(pipeline.take(3), verbose=0)
        times = []
        for _ in range(chunks):
            start = time.perf_counter()
            model.fit(pipeline.take(steps), verbose=0)
            times.append(round(1000 * (time.perf_counter() - start) / steps, 1))
        result[name] = times
    return result


def _lesson02_cnn_before() -> Any:
    """The better CIFAR-10 model lesson 02 taught before the benchmarks (for comparison only).

    Conv–BatchNorm–ReLU blocks (32; 64, 64; 128, 128 filters), max pooling
    after each block, flip/shift/rotate/zoom augmentation with reflect fill
    and bilinear interpolation, dropout 0.3; trained 12 epochs.
    """
    import keras
    from keras import layers

    from course_utils import models

    def cbr(filters: int) -> list:
        return [layers.Conv2D(filters, 3, padding="same", use_bias=False),
                layers.BatchNormalization(), layers.ReLU()]

    return keras.Sequential([
        keras.Input(shape=(32, 32, 3), dtype="uint8"), layers.Rescaling(1 / 255),
        models.cifar_augmentation(rotation=0.03, zoom=0.1),
        *cbr(32), layers.MaxPooling2D(), *cbr(64), *cbr(64), layers.MaxPooling2D(),
        *cbr(128), *cbr(128), layers.MaxPooling2D(),
        layers.GlobalAveragePooling2D(), layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ])


def _pool_last(model: Any) -> Any:
    """A fresh copy of ``model``'s layers with each max pooling moved after the next ReLU."""
    import keras
    from keras import layers

    rebuilt, pool_due = [], False
    for layer in model.layers:
        if isinstance(layer, layers.MaxPooling2D):
            pool_due = True
            continue
        config = {k: v for k, v in layer.get_config().items() if k != "name"}
        rebuilt.append(layer.__class__.from_config(config))
        if pool_due and isinstance(layer, layers.ReLU):
            rebuilt.append(layers.MaxPooling2D())
            pool_due = False
    return keras.Sequential([keras.Input(shape=(32, 32, 3), dtype="uint8"), *rebuilt])


def step_profile(limit: int | None = None, repeats: int = 20, seed: int = 42) -> dict[str, Any]:
    """Wall and CPU milliseconds per batch for each piece of a CIFAR-10 training step.

    Every piece runs on its own, on one batch of ``BETTER_CIFAR.batch_size``
    images: the input pipeline, the augmentation layers (the course's and
    the ones lesson 02 used before), a forward pass, and whole training
    steps of several models: the course model with and without augmentation,
    the same layers with pooling after batch normalization, the same with
    XLA (``jit_compile=True``), the model lesson 02 taught before, and the
    seed recipe's model on float32 inputs.
    """
    import keras
    import tensorflow as tf

    from course_utils import config, models

    from .recipes import seed_cifar_cnn

    config.set_seed(seed)
    recipe, train_ds = _cifar_datasets(limit)
    batches = iter(train_ds.repeat())
    x, y = next(batches)
    scaled = tf.cast(x, "float32") / 255
    pieces: dict[str, tuple[float, float]] = {}

    pieces["input pipeline (next batch)"] = _timed(lambda: next(batches), repeats)

    def layer_cost(layer: keras.layers.Layer) -> tuple[float, float]:
        fn = tf.function(lambda images: layer(images, training=True))
        return _timed(lambda: fn(scaled), repeats)

    course_aug = models.better_cifar_cnn().get_layer("augmentation")
    pieces["course augmentation (all layers)"] = layer_cost(course_aug)
    for layer in course_aug.layers:
        label = f"{type(layer).__name__}, {getattr(layer, 'interpolation', '')}".rstrip(", ")
        pieces[f"  {label}"] = layer_cost(layer)
    old = models.cifar_augmentation(rotation=0.03, zoom=0.1)
    pieces["lesson 02's former augmentation (all layers)"] = layer_cost(old)
    for layer in old.layers:  # "(former)": the course's pieces of the same name stay apart
        label = f"{type(layer).__name__}, {getattr(layer, 'interpolation', '')}".rstrip(", ")
        pieces[f"  {label} (former)"] = layer_cost(layer)

    def step_cost(model: keras.Model, jit: bool = False, inputs: Any = x,
                  labels: Any = y) -> tuple[float, float]:
        models.compile_recipe(model, recipe, 100)
        if jit:
            model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["accuracy"],
                          jit_compile=True)
        return _timed(lambda: model.train_on_batch(inputs, labels), repeats)

    plain = models.better_cifar_cnn(augment=False)
    forward = tf.function(lambda images: plain(images, training=False))
    pieces["course model: forward pass only"] = _timed(lambda: forward(x), repeats)
    pieces["course model: training step, no augmentation"] = step_cost(plain)
    pieces["course model: training step, with augmentation"] = step_cost(
        models.better_cifar_cnn())
    pieces["same layers, pooling after BatchNorm–ReLU"] = step_cost(_pool_last(plain))
    pieces["course model with XLA (jit_compile=True)"] = step_cost(
        models.better_cifar_cnn(augment=False), jit=True)
    pieces["lesson 02's former better model: training step"] = step_cost(_lesson02_cnn_before())
    floats, one_hot = scaled, tf.one_hot(tf.cast(y, "int32"), 10)
    seed_model = seed_cifar_cnn()
    seed_model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    pieces["seed model (float32 inputs): training step"] = _timed(
        lambda: seed_model.train_on_batch(floats, one_hot), repeats)
    return {
        "batch_size": recipe.batch_size,
        "repeats": repeats,
        "autotune": autotune_effect(train_ds),
        "ms_per_batch": {piece: wall for piece, (wall, _) in pieces.items()},
        "cpu_ms_per_batch": {piece: cpu for piece, (_, cpu) in pieces.items()},
    }
