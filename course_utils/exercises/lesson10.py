"""Checks for the exercises of lesson 10 (GPUs and many machines).

Exercise 1 asks for the global batch size when each of N replicas works on a
given number of images, and the learning rate the linear rule gives it;
Exercise 2 asks which layers of the CIFAR-10 recipe do most of the
multiply-adds; Exercise 3 asks for a model built and compiled under a
strategy, which the check inspects.
"""

from __future__ import annotations

from typing import Any

from ._common import as_int, is_number, kind, report, show

__all__ = ["check_dominant_layers", "check_global_batch", "check_model_under_strategy"]


def check_global_batch(answer: Any, per_replica: int = 64, replicas: int = 4,
                       base_rate: float = 3e-3, base_batch: int = 128) -> bool:
    """Check Exercise 1: ``{"global batch": n, "learning rate": r}``.

    ``per_replica`` images on each of ``replicas`` devices; the recipe's rate
    ``base_rate`` was tuned for ``base_batch`` images.
    """
    if not isinstance(answer, dict):
        return report(False, 'answer should be a dict {"global batch": ..., "learning rate": '
                             f"...}}, got {kind(answer)}.")
    batch = as_int(answer.get("global batch"))
    right_batch = per_replica * replicas
    if batch != right_batch:
        return report(False, f'answer["global batch"] is {show(answer.get("global batch"))}: '
                             f"each of the {replicas} replicas gets {per_replica} images of "
                             "every global batch.")
    rate = answer.get("learning rate")
    right_rate = base_rate * right_batch / base_batch
    if not is_number(rate) or abs(float(rate) - right_rate) > 1e-9 + 1e-6 * right_rate:
        return report(False, f'answer["learning rate"] is {show(rate)}: the linear rule '
                             f"multiplies {base_rate:g} by {right_batch} / {base_batch}.")
    return report(True, f"a global batch of {right_batch}, learning rate {right_rate:g} "
                        "(distributed.scaled_learning_rate says the same).")


def check_dominant_layers(names: Any, table: Any) -> bool:
    """Check Exercise 2: the smallest set of layer names that do at least 90% of the MACs.

    ``table`` is the ``scaling.MacsTable`` of the model (``count_macs(model)``).
    """
    layers = getattr(table, "layers", None)
    if layers is None:
        return report(False, f"table should be count_macs(model), got {kind(table)}.")
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        return report(False, f"names should be a list of layer names, got {kind(names)}.")
    given = [str(name) for name in names]
    known = {row.name for row in layers}
    unknown = [name for name in given if name not in known]
    if unknown:
        return report(False, f"the model has no layer named {unknown[0]!r}: copy the names "
                             "from the table.")
    ranked = sorted(layers, key=lambda row: row.macs, reverse=True)
    needed, total = [], 0
    for row in ranked:
        if total >= 0.9 * table.forward_macs:
            break
        needed.append(row.name)
        total += row.macs
    if set(given) != set(needed):
        share = sum(table.share(name) for name in set(given))
        return report(False, f"those layers do {share:.0%} of the multiply-adds; find the "
                             f"fewest that do at least 90% ({len(needed)} layers).")
    return report(True, f"{', '.join(needed)} do {total / table.forward_macs:.0%} of the "
                        "multiply-adds: make them cheaper and training gets faster.")


def check_model_under_strategy(model: Any, strategy: Any) -> bool:
    """Check Exercise 3: a compiled Keras model whose weights belong to ``strategy``."""
    try:
        import keras
        import tensorflow as tf
    except ImportError:  # pragma: no cover - the course always has them
        return report(False, "TensorFlow and Keras are needed.")
    if not isinstance(model, keras.Model):
        return report(False, f"pass a Keras model, got {kind(model)}.")
    if getattr(model, "optimizer", None) is None:
        return report(False, "compile the model inside the strategy's scope too.")
    variable = model.weights[0].value if model.weights else None
    if not isinstance(variable, tf.distribute.DistributedValues):
        return report(False, "its weights are ordinary variables: build the model inside "
                             "`with strategy.scope():`.")
    if getattr(variable, "_distribute_strategy", strategy) is not strategy:
        return report(False, "its weights belong to another strategy: use the one given.")
    replicas = strategy.num_replicas_in_sync
    return report(True, f"the model's weights are mirrored on {replicas} "
                        f"replica{'s' if replicas != 1 else ''}.")
