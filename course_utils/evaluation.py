"""Choosing a model on the validation data, and the one final evaluation on the test set."""

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


def last_validation_accuracy(history: Any, name: str = "this model") -> float:
    """The validation accuracy of the last epoch in ``history``: the score of the weights kept.

    ``history`` is what ``model.fit(...)`` returned, or its ``.history`` dict.
    After ``fit`` a model holds the weights of its *last* epoch, so this is the
    number that describes the model you have now, not its best epoch (unless
    a callback such as ``EarlyStopping(restore_best_weights=True)`` put other
    weights back; then score it with ``model.evaluate`` on the validation data).
    """
    metrics = getattr(history, "history", history)
    try:
        values = list(metrics["val_accuracy"])
    except (KeyError, TypeError):
        values = None
    if not values:
        raise ValueError(
            f"{name!r} has no validation accuracy: train it with validation_split= or "
            "validation_data=, and metrics=['accuracy']."
        )
    return float(values[-1])


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

    Each model is scored by the validation accuracy of its **last** epoch
    (``last_validation_accuracy``), because those are the weights it holds and
    the weights you will test (a tie goes to the first). A better epoch earlier in training is gone:
    ranking by it would choose a model by a number it no longer has. To keep
    the best epoch instead, train with
    ``keras.callbacks.EarlyStopping(restore_best_weights=True)`` or a
    ``ModelCheckpoint`` and score the restored model with ``model.evaluate``.
    """
    if not candidates:
        raise ValueError("Give at least one (model, history) pair to choose from.")
    scores = {name: last_validation_accuracy(history, name)
              for name, (_, history) in candidates.items()}
    width = max(len(name) for name in scores)
    for name, accuracy in scores.items():
        print(f"{name:{width}}  validation accuracy (last epoch): {accuracy:.4f}")
    chosen = max(scores, key=scores.__getitem__)
    print(f"chosen: {chosen}")
    return chosen, candidates[chosen][0]
