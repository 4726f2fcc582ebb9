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


def choose_by_validation(candidates: dict[str, tuple[Any, Any]]) -> tuple[str, Any]:
    """Pick the model with the best validation accuracy; print how each one did.

    ``candidates`` maps a name to ``(model, history)``, where ``history`` is
    what ``model.fit(..., validation_split=...)`` returned (or its
    ``.history`` dict). Only validation numbers are used: this is the
    decision you make *before* the one final test. Returns ``(name, model)``::

        chosen, final_model = choose_by_validation({
            "classic": (model, history),
            "dropout": (model_dropout, history_dropout),
        })
    """
    if not candidates:
        raise ValueError("Give at least one (model, history) pair to choose from.")
    best: dict[str, float] = {}
    for name, (_, history) in candidates.items():
        metrics = getattr(history, "history", history)
        if "val_accuracy" not in metrics:
            raise ValueError(
                f"{name!r} has no validation accuracy: train it with validation_split= or "
                "validation_data=, and metrics=['accuracy']."
            )
        best[name] = max(metrics["val_accuracy"])
    width = max(len(name) for name in best)
    for name, accuracy in best.items():
        print(f"{name:{width}}  best validation accuracy: {accuracy:.4f}")
    chosen = max(best, key=best.__getitem__)
    print(f"chosen: {chosen}")
    return chosen, candidates[chosen][0]
