"""Checks for the exercises of lesson 08 (transfer learning).

Exercise 1 asks how many weights training may change after freezing, and
after unfreezing the top block; Exercise 2 for a model to fine-tune, built on
the animal backbone, that the check inspects layer by layer.
"""

from __future__ import annotations

from typing import Any

from ._common import as_int, kind, report, show

__all__ = ["check_fine_tune_model", "check_trainable_counts", "trainable_answer"]

# The backbone of models.better_cifar_cnn ends in a 3×3 Conv2D from 128 to 256 channels,
# then global average pooling: 256 features.
_FEATURES = 256
_TOP_CONV = 3 * 3 * 128 * 256  # no bias: the batch normalization after it shifts


def trainable_answer(num_classes: int = 4) -> dict[str, int]:
    """The right answers of Exercise 1, computed from the layer shapes."""
    head = _FEATURES * num_classes + num_classes
    return {"frozen": head, "top block unfrozen": head + _TOP_CONV}


def check_trainable_counts(answer: Any) -> bool:
    """Check Exercise 1: ``{"frozen": n1, "top block unfrozen": n2}``, two whole numbers."""
    if not isinstance(answer, dict):
        return report(False, f'answer should be a dict {{"frozen": ..., "top block unfrozen": '
                             f'...}}, got {kind(answer)}.')
    right = trainable_answer()
    for key, value in right.items():
        given = as_int(answer.get(key))
        if given is None:
            return report(False, f"answer[{key!r}] should be a whole number, got "
                                 f"{show(answer.get(key))}.")
        if given != value:
            hint = ("only the new Dense layer trains: 256 inputs × 4 outputs, plus 4 biases"
                    if key == "frozen" else
                    "add the top Conv2D: 3 × 3 kernel × 128 input channels × 256 filters "
                    "(it has no biases: the batch normalization after it, which stays "
                    "frozen, does the shifting)")
            return report(False, f"answer[{key!r}] is {given}: {hint}.")
    return report(True, f"{right['frozen']:,} weights train with the backbone frozen, "
                        f"{right['top block unfrozen']:,} with its top block unfrozen; "
                        "trainable_counts(model) says the same.")


def check_fine_tune_model(model: Any) -> bool:
    """Check Exercise 2: a uint8 → 4-class model whose only trainable layers are the top Conv2D
    of the backbone and the new head, with every BatchNormalization layer frozen."""
    try:
        import keras
    except ImportError:  # pragma: no cover - the course always has Keras
        return report(False, "Keras is not installed.")
    if not isinstance(model, keras.Model):
        return report(False, f"pass a Keras model, got {kind(model)}.")
    try:
        shape = tuple(model.inputs[0].shape[1:])
        dtype = str(model.inputs[0].dtype)
        outputs = tuple(model.outputs[0].shape[1:])
    except Exception:  # noqa: BLE001 - an unbuilt model
        return report(False, "the model has no input yet: start it with keras.Input(...) (or "
                             "use transfer_model).")
    if shape != (32, 32, 3) or "uint8" not in dtype:
        return report(False, f"the input should be uint8 images (32, 32, 3), got {dtype} "
                             f"{shape}: use transfer_model(backbone, 4).")
    if outputs != (4,):
        return report(False, f"the output should give 4 probabilities, got shape {outputs}.")
    layers = _all_layers(model)
    convs = [la for la in layers if type(la).__name__ == "Conv2D"]
    if len(convs) < 2:
        return report(False, "the model should contain the animal backbone's convolutions: "
                             "build it with transfer_model(backbone_of(animal_model), 4).")
    bn = [la for la in layers if type(la).__name__ == "BatchNormalization" and la.trainable]
    if bn:
        return report(False, f"{len(bn)} BatchNormalization layer(s) are trainable ("
                             f"{bn[0].name}, ...): keep them frozen so they keep the animal "
                             "statistics (unfreeze_top does so by default).")
    trainable_convs = [c.name for c in convs if c.trainable]
    if trainable_convs != [convs[-1].name]:
        return report(False, f"the trainable convolutions are {trainable_convs or 'none'}; "
                             f"only the top one ({convs[-1].name}) should be: "
                             "unfreeze_top(backbone, 1).")
    trainable = sum(_size(w.shape) for w in model.trainable_weights)
    expected = trainable_answer()["top block unfrozen"]
    if trainable != expected:
        return report(False, f"{trainable:,} weights are trainable, expected {expected:,}: "
                             "only the top Conv2D and the new Dense(4) head should train.")
    return report(True, f"only {convs[-1].name} and the new head train ({trainable:,} "
                        "weights); every batch normalization layer keeps its statistics. "
                        "Compile it (with a low learning rate) before fit.")


def _size(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _all_layers(model: Any) -> list[Any]:
    out = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            out.extend(_all_layers(layer))
        else:
            out.append(layer)
    return out
