"""Two runs of the same small training, each in a fresh Python, print the same numbers.

``course_utils.setup()`` seeds everything and switches on TensorFlow's deterministic ops.
That switch is global to a process and cannot be undone, so each run happens in a
subprocess: the other tests in this pytest process keep TensorFlow's default behaviour.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# A small lesson in miniature: setup(), augmentation in a parallel tf.data map (the case
# where thread timing changes the numbers without deterministic ops) and inside the model,
# Conv/BatchNorm/MaxPooling/GlobalAveragePooling/Dropout, fit with validation data, and the
# one-line final test. It prints a digest of every trained weight, bit for bit.
LESSON = textwrap.dedent(
    """
    import hashlib

    import keras
    import numpy as np
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    import course_utils
    from course_utils import models
    from course_utils.evaluation import evaluate_on_test

    course_utils.setup(seed=7)
    print("determinism enabled:", tf_config.is_op_determinism_enabled())

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (240, 16, 20, 3), dtype=np.uint8)
    y = (x[..., 0].mean(axis=(1, 2)) > x[..., 1].mean(axis=(1, 2))).astype("int64")
    x_train, y_train, x_test, y_test = x[:200], y[:200], x[200:], y[200:]

    pipeline_augmentation = models.cifar_augmentation(rotation=0.05, zoom=0.1, contrast=0.2)
    train_ds = (
        tf.data.Dataset.from_tensor_slices((x_train[:160], y_train[:160]))
        .shuffle(160)
        .batch(32)
        .map(lambda images, labels: (pipeline_augmentation(tf.cast(images, "float32"),
                                                           training=True), labels),
             num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )
    model = keras.Sequential([
        keras.Input((16, 20, 3)),
        keras.layers.Rescaling(1 / 255),
        models.cifar_augmentation(),
        keras.layers.Conv2D(8, 3, padding="same", use_bias=False),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(train_ds, validation_data=(x_train[160:], y_train[160:]), epochs=2,
                        verbose=0)
    print("val_loss:", [repr(v) for v in history.history["val_loss"]])
    evaluate_on_test(model, x_test, y_test)
    weights = b"".join(np.ascontiguousarray(w).tobytes() for w in model.get_weights())
    print("weights sha256:", hashlib.sha256(weights).hexdigest())
    """
)


def _run_lesson() -> str:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-c", LESSON], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.slow
def test_two_runs_print_the_same_test_accuracy_and_weights() -> None:
    first, second = _run_lesson(), _run_lesson()
    assert "Deterministic ops: on" in first
    assert "determinism enabled: True" in first
    assert "Test accuracy: " in first and "weights sha256: " in first
    assert first == second
