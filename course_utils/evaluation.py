"""The one final evaluation on the test set."""

from __future__ import annotations

from typing import Any

import numpy as np


def evaluate_on_test(model: Any, x_test: Any, y_test: Any = None, batch_size: int = 256) -> float:
    """Evaluate ``model`` on the test set once and print ``Test accuracy: 0.xxxx``.

    Call this a single time, at the very end of a lesson, with the model you
    chose using the *validation* data. Looking at test accuracy while you
    still change the model would turn the test set into a second
    validation set, and its number would no longer tell you how the model
    does on new data.

    ``x_test`` may be an array (with labels in ``y_test``) or a
    ``tf.data.Dataset`` of ``(images, labels)`` batches (leave ``y_test``
    out). The model must be compiled with an ``"accuracy"`` metric.
    Returns the accuracy as a float; the line it prints is read by the
    course's tooling, so its format is fixed.
    """
    if y_test is None:
        results = model.evaluate(x_test, verbose=0, return_dict=True)
    else:
        results = model.evaluate(
            x_test, np.asarray(y_test), batch_size=batch_size, verbose=0, return_dict=True
        )
    accuracy = next((float(v) for k, v in results.items() if k.endswith("accuracy")), None)
    if accuracy is None:
        raise ValueError(
            "The model reports no accuracy: compile it with metrics=['accuracy'] "
            f"(it reports {sorted(results)})."
        )
    print(f"Test accuracy: {accuracy:.4f}")
    return accuracy
