"""Reuse a trained network (lesson 08): split CIFAR-10, cut a backbone, put a new head on it.

The lesson's experiment pretrains the course's CIFAR-10 recipe on the six
animal classes, then learns the four vehicle classes from a few labelled
images in three ways: from scratch, with the animal backbone frozen under a
new head, and by fine-tuning the top of that backbone. The pieces:

- ``class_subset`` keeps some classes and numbers them 0, 1, ...;
- ``labelled_and_validation`` draws nested labelled sets (25 ⊂ 100 ⊂ 400 per
  class) and a validation set from the images that were not labelled;
- ``backbone_of`` cuts the convolutional part out of a trained
  ``models.better_cifar_cnn``; ``transfer_model`` puts a new head on it;
- ``unfreeze_top`` makes the last convolution blocks trainable again;
- ``trainable_counts`` says how many weights training may change.

Batch normalization needs care when fine-tuning: its moving mean and
variance, learned on the animals, must not be re-estimated from a few small
batches of vehicles. Keras' transfer-learning guide calls the backbone with
``training=False`` for this. In Keras 3 that is not enough: ``fit`` calls the
whole model with ``training=True``, and that overrides the ``training=False``
recorded for the nested backbone (keras-team/keras#20285), so an unfrozen
batch normalization layer updates its statistics anyway. What does keep them
is the layer's own ``trainable = False``: a frozen ``BatchNormalization``
always runs in inference mode. ``unfreeze_top`` therefore leaves the batch
normalization layers frozen unless you ask otherwise; lesson 08 measures both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .data import CIFAR10_CLASSES

ANIMALS: tuple[str, ...] = ("bird", "cat", "deer", "dog", "frog", "horse")
"""The six CIFAR-10 animal classes: the backbone is pretrained on these."""

VEHICLES: tuple[str, ...] = ("airplane", "automobile", "ship", "truck")
"""The four CIFAR-10 vehicle classes: the new task, learned from few labels."""


def class_subset(images: np.ndarray, labels: np.ndarray, classes: Sequence[str],
                 all_classes: Sequence[str] = CIFAR10_CLASSES) -> tuple[np.ndarray, np.ndarray]:
    """Keep the images of ``classes`` and number their labels 0, 1, ... in that order.

    ``labels`` are indices into ``all_classes`` (CIFAR-10's by default)::

        x_animals, y_animals = class_subset(x_train, y_train, ANIMALS)
        # y_animals: 0 = bird, 1 = cat, ..., 5 = horse

    The images keep their order and stay uint8.
    """
    labels = np.asarray(labels).reshape(-1)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    unknown = [c for c in classes if c not in all_classes]
    if unknown:
        raise ValueError(f"unknown classes {unknown}; the classes are {list(all_classes)}")
    old = np.array([list(all_classes).index(c) for c in classes])
    keep = np.isin(labels, old)
    new_label = {int(o): n for n, o in enumerate(old)}
    return images[keep], np.array([new_label[int(v)] for v in labels[keep]], dtype=np.int64)


def labelled_and_validation(
    images: np.ndarray, labels: np.ndarray, per_class: Sequence[int], validation_per_class: int,
    seed: int = 0,
) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], tuple[np.ndarray, np.ndarray]]:
    """Draw labelled training sets of each size in ``per_class``, and a validation set.

    Returns ``(labelled, validation)``: ``labelled[n]`` is ``(x, y)`` with ``n``
    images of every class; ``validation`` is ``(x, y)`` with
    ``validation_per_class`` images of every class. The sets are nested (the
    25 images of a class are among its 100, those among its 400), so a larger
    set only adds labels, and no validation image is in any labelled set. The
    same ``seed`` draws the same images.
    """
    labels = np.asarray(labels).reshape(-1)
    largest = max(per_class)
    rng = np.random.default_rng(seed)
    chosen: dict[int, list[np.ndarray]] = {n: [] for n in per_class}
    val_index: list[np.ndarray] = []
    for c in np.unique(labels):
        order = rng.permutation(np.flatnonzero(labels == c))
        if len(order) < largest + validation_per_class:
            raise ValueError(f"class {c} has {len(order)} images, fewer than the {largest} "
                             f"labelled + {validation_per_class} validation images asked for")
        val_index.append(order[:validation_per_class])
        pool = order[validation_per_class:]
        for n in per_class:
            chosen[n].append(pool[:n])
    labelled = {}
    for n, parts in chosen.items():
        index = rng.permutation(np.concatenate(parts))  # classes mixed, not one after another
        labelled[n] = (images[index], labels[index])
    index = np.concatenate(val_index)
    return labelled, (images[index], labels[index])


def _is_augmentation(layer: Any) -> bool:
    return getattr(layer, "name", "").startswith("augmentation") or (
        type(layer).__name__ == "Sequential" and all(
            type(sub).__name__.startswith("Random") for sub in layer.layers))


def backbone_of(model: Any, copy: bool = True) -> Any:
    """The convolutional part of a trained ``models.better_cifar_cnn``, as a ``keras.Model``.

    Everything between the input's ``Rescaling`` (and augmentation) and the
    ``GlobalAveragePooling2D`` head: the four convolution blocks. The layers
    are a copy of the trained model's (``copy=True``, the default: fine-tuning
    one backbone leaves ``model`` and the other backbones as they were) or
    its own layers (``copy=False``: the same weights). It takes float images in
    [0, 1] of the model's input size.
    """
    import keras

    if copy:
        clone = keras.models.clone_model(model)
        clone.set_weights(model.get_weights())
        model = clone
    layers = list(model.layers)
    kinds = [type(layer).__name__ for layer in layers]
    if "GlobalAveragePooling2D" not in kinds:
        raise ValueError("backbone_of expects a model with a GlobalAveragePooling2D head, like "
                         "models.better_cifar_cnn; this one has layers " + ", ".join(kinds))
    end = kinds.index("GlobalAveragePooling2D")
    start = 0
    while start < end and (kinds[start] == "Rescaling" or _is_augmentation(layers[start])):
        start += 1
    if not any(k == "Conv2D" for k in kinds[start:end]):
        raise ValueError("the model has no Conv2D layer before its head")
    inputs = keras.Input(shape=tuple(model.inputs[0].shape[1:]))
    x = inputs
    for layer in layers[start:end]:
        x = layer(x)
    return keras.Model(inputs, x, name="backbone")


def transfer_model(backbone: Any, num_classes: int, *, augment: bool = True,
                   dropout: float = 0.2, backbone_training: bool | None = False) -> Any:
    """A new model: uint8 images → Rescaling → augmentation → ``backbone`` → a new head.

    The head is global average pooling, ``Dropout(dropout)`` and a
    ``Dense(num_classes)`` softmax layer, freshly initialised. The backbone is
    called with ``training=backbone_training`` (``False``, as Keras' guide
    advises; ``None`` leaves it to ``fit``). In Keras 3 ``fit`` overrides it
    (see the module's help), so what keeps batch normalization's statistics
    is ``unfreeze_top``'s default of leaving those layers frozen.

    Freezing is up to you: ``backbone.trainable = False`` before ``compile``.
    """
    import keras

    from .models import cifar_augmentation

    shape = tuple(backbone.inputs[0].shape[1:])
    inputs = keras.Input(shape=shape, dtype="uint8")
    x = keras.layers.Rescaling(1 / 255)(inputs)
    if augment:
        x = cifar_augmentation(interpolation="nearest")(x)
    x = backbone(x, training=backbone_training)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="new_head")(x)
    return keras.Model(inputs, outputs, name="transfer")


def conv_blocks(backbone: Any) -> list[list[Any]]:
    """The backbone's layers grouped into blocks, each starting at a ``Conv2D``."""
    blocks: list[list[Any]] = []
    for layer in backbone.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        if type(layer).__name__ == "Conv2D" or not blocks:
            blocks.append([])
        blocks[-1].append(layer)
    return blocks


def unfreeze_top(backbone: Any, blocks: int = 1, batchnorm: bool = False) -> list[str]:
    """Make the last ``blocks`` convolution blocks of ``backbone`` trainable; freeze the rest.

    The ``BatchNormalization`` layers stay frozen (and so in inference mode,
    keeping their statistics) unless ``batchnorm=True``. Returns the names of
    the layers with weights that are now trainable. Compile the model again
    afterwards: Keras reads ``trainable`` when it compiles.
    """
    groups = conv_blocks(backbone)
    if not 0 <= blocks <= len(groups):
        raise ValueError(f"the backbone has {len(groups)} blocks; cannot unfreeze {blocks}")
    backbone.trainable = True
    names = []
    for i, group in enumerate(groups):
        for layer in group:
            is_bn = type(layer).__name__ == "BatchNormalization"
            layer.trainable = i >= len(groups) - blocks and (batchnorm or not is_bn)
            if layer.trainable and layer.weights:
                names.append(layer.name)
    return names


def trainable_counts(model: Any) -> tuple[int, int]:
    """``(trainable, non_trainable)``: how many weights training may change, and how many not.

    The same two numbers as the bottom of ``model.summary()``; batch
    normalization's moving mean and variance always count as non-trainable.
    """
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen


def repeated_batches(images: np.ndarray, labels: np.ndarray, batch_size: int = 64,
                     seed: int = 0) -> Any:
    """A ``tf.data`` pipeline that reshuffles ``(images, labels)`` and repeats them forever.

    Train with a number of steps, not epochs, so that 100 and 1,600 labelled
    images get the same budget: ``model.fit(ds, steps_per_epoch=200, epochs=1)``.
    The images stay uint8; the model's ``Rescaling`` layer scales them.
    """
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((images, labels))
    ds = ds.shuffle(len(images), seed=seed, reshuffle_each_iteration=True).repeat()
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
