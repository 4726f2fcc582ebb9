"""Figures of a model's answers, and of the random changes that augmentation makes.

Every function here draws one static figure and returns its matplotlib
``Figure`` (assign it: ``fig = ...``), except ``mistakes_then_correct``, which
picks which images to show::

    from course_utils.predictions import mistakes_then_correct, plot_predictions

    probabilities = model.predict(x_test)
    order = mistakes_then_correct(y_test, probabilities, n=8)
    fig = plot_predictions(x_test[order], y_test[order], probabilities[order], class_names)

``plot_prediction`` shows one image with the probability of every class;
``plot_augmentations`` and ``plot_augmentation_grid`` show what random
augmentation layers do to an image. Predictions can be passed as class
numbers (N,) or as the class probabilities (N, C) that ``model.predict``
returns. Read the help of any function with ``help(plot_predictions)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from numpy.typing import ArrayLike

from .inputs import (
    check_count,
    check_probabilities,
    check_same_length,
    check_whole,
    class_columns,
    class_index,
    class_name,
    count_classes,
    labels_and_predictions,
    one_image,
    prepare_images,
)
from .plots import RIGHT_COLOR, WRONG_COLOR, image_grid, show_image

__all__ = [
    "mistakes_then_correct",
    "plot_augmentation_grid",
    "plot_augmentations",
    "plot_prediction",
    "plot_predictions",
]


# --------------------------------------------------------------------------- predictions


def mistakes_then_correct(y_true: ArrayLike, y_pred: ArrayLike, *, n: int | None = 8) -> np.ndarray:
    """Return the indices of the first ``n`` wrong predictions, then of the first ``n`` right ones.

    With ``n=None`` you get every index, all the wrong ones first; within the
    wrong ones, and within the right ones, the original order is kept. Use it
    to pick a grid that shows both what the model gets wrong and what it gets
    right.

    Args:
        y_true: the true labels, class numbers (N,) or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or class probabilities (N, C).
        n: how many wrong and how many right ones at most (None: all of them).

    Returns:
        A 1-D array of indices into your images.

    Example:
        >>> order = mistakes_then_correct(y_test, probabilities, n=8)
        >>> fig = plot_predictions(x_test[order], y_test[order], probabilities[order])
    """
    n = None if n is None else check_count(n, "n")
    true, pred, _ = labels_and_predictions(y_true, y_pred)
    wrong = np.flatnonzero(true != pred)[:n]
    right = np.flatnonzero(true == pred)[:n]
    return np.concatenate([wrong, right])


def plot_predictions(
    images: ArrayLike,
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
    n: int = 16,
    ncols: int = 8,
    title: str = "Predictions",
) -> Figure:
    """Show images with the model's prediction and the true label; mark mistakes in red.

    Each panel is titled "pred: <predicted class> (confidence)" over
    "true: <true class>". Wrong predictions get a red title and a red frame.

    Args:
        images: the images, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3).
        y_true: the true labels, class numbers (N,) or (N, 1), or one-hot (N, C).
        y_pred: the predictions: class numbers (N,), or the class probabilities
            (N, C) from ``model.predict`` -- then the confidence is shown too.
        class_names: the name of each class.
        n: how many images to show (all of them if you have fewer).
        ncols: how many images per row.
        title: the title above the grid; "k of n wrong" is added to it.

    Returns:
        The matplotlib Figure.

    Example:
        >>> probs = model.predict(x_test[:16])
        >>> fig = plot_predictions(x_test[:16], y_test[:16], probs, class_names)
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    imgs, white = prepare_images(images)
    true, pred, conf = labels_and_predictions(y_true, y_pred)
    check_same_length(images=imgs, y_true=true)
    columns = max(class_columns(y_true), class_columns(y_pred))
    count_classes(class_names, columns, y_true=true, y_pred=pred)
    shown = min(n, len(imgs))
    n_wrong = int(np.sum(true[:shown] != pred[:shown]))
    fig, axes = image_grid(
        shown,
        ncols,
        f"{title}: {n_wrong} of {shown} wrong",
        "each panel: one image, pred = the model's answer, true = the correct label (red = wrong)",
    )
    for i, ax in enumerate(axes):
        show_image(ax, imgs[i], white)
        pred_text = class_name(int(pred[i]), class_names)
        if conf is not None:
            pred_text += f" ({100 * conf[i]:.0f}%)"
        wrong = pred[i] != true[i]
        ax.set_title(
            f"pred: {pred_text}\ntrue: {class_name(int(true[i]), class_names)}",
            fontsize="small",
            color=WRONG_COLOR if wrong else RIGHT_COLOR,
        )
        for spine in ax.spines.values():
            if wrong:
                spine.set_edgecolor(WRONG_COLOR)
                spine.set_linewidth(3)
            else:
                spine.set_visible(False)
    return fig


def plot_prediction(
    image: ArrayLike,
    y_true: int | str | None,
    probabilities: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Show one image next to a bar chart of the model's probability for each class.

    The predicted class is the longest bar. Green marks the true class; when
    the prediction is wrong, the predicted bar is red. The title says right or wrong.

    Args:
        image: ONE image, shape (H, W), (H, W, 1) or (H, W, 3), uint8 or floats 0..1.
        y_true: its true class, by number or name; None if you do not know it.
        probabilities: the model's C class probabilities for this image, e.g.
            ``model.predict(x_test[:1])[0]``.
        class_names: the name of each class (C names).
        title: put before the verdict in the title ("<title>: Wrong: predicted ...").

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_prediction(x_test[0], y_test[0], probs[0], class_names)
    """
    arr = one_image(image)
    # A batch of one, with a channel axis (a grey 1x3 image is not a colour pixel).
    imgs, white = prepare_images(arr[np.newaxis] if arr.ndim == 3 else arr[np.newaxis, ..., None])
    probs = check_probabilities(probabilities, class_names, ndim=1)
    pred = int(np.argmax(probs))
    true = None if y_true is None else class_index(y_true, class_names, "y_true", len(probs))
    names = [class_name(i, class_names) for i in range(len(probs))]

    colors = ["lightgray"] * len(probs)
    if true is None:
        colors[pred] = "tab:blue"
        verdict = f"Predicted {names[pred]} ({probs[pred]:.0%})"
    else:
        colors[pred] = RIGHT_COLOR if pred == true else WRONG_COLOR
        colors[true] = RIGHT_COLOR
        verdict = f"{'Right' if pred == true else 'Wrong'}: predicted {names[pred]} " \
                  f"({probs[pred]:.0%}), true {names[true]}"
    fig, (ax_img, ax_bar) = plt.subplots(
        1, 2, figsize=(8, max(2.8, 0.3 * len(probs) + 1.2)), width_ratios=[1, 1.5],
        layout="constrained")
    show_image(ax_img, imgs[0], white)
    ax_img.set_title("the image", fontsize="medium")
    ax_img.set_xlabel("true class: " + ("not given" if true is None else names[true]))
    ax_bar.barh(np.arange(len(probs)), probs, color=colors)
    ax_bar.set_yticks(np.arange(len(probs)), names)
    ax_bar.invert_yaxis()
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("probability")
    ax_bar.set_ylabel("class")
    ax_bar.set_title("What the model thinks", fontsize="medium")
    legend = [Patch(color=RIGHT_COLOR, label="true class")] if true is not None else []
    if true is None or pred != true:
        legend.append(Patch(color=colors[pred], label="predicted (wrong)" if true is not None
                            else "predicted"))
    ax_bar.legend(handles=legend, loc="lower right", fontsize="small")
    fig.suptitle(verdict if title is None else f"{title}: {verdict}",
                 color="black" if true is None else colors[pred])
    return fig


# --------------------------------------------------------------------------- augmentation


def _augment(augmentation: Any, batch: np.ndarray) -> np.ndarray:
    """Call a Keras augmentation layer with ``training=True``; return the result as floats."""
    import keras  # imported here so the other figures work without TensorFlow

    try:
        augmented = augmentation(batch, training=True)
    except TypeError as err:
        if "unexpected keyword argument 'training'" not in str(err):
            raise
        raise TypeError(
            "augmentation should be a Keras layer (or keras.Sequential), which accepts "
            f"training=True; {getattr(augmentation, '__name__', 'yours')} does not."
        ) from err
    augmented = np.asarray(keras.ops.convert_to_numpy(augmented), dtype=np.float32)
    if augmented.ndim != batch.ndim or len(augmented) != len(batch):
        raise ValueError(
            f"The augmentation turned a batch of shape {batch.shape} into shape "
            f"{augmented.shape}; it should return one image per input image."
        )
    return augmented


def plot_augmentations(
    image: ArrayLike,
    augmentation: Any,
    *,
    n: int = 16,
    ncols: int = 8,
    title: str = "One image, randomly augmented",
) -> Figure:
    """Show one image and ``n - 1`` random versions of it made by an augmentation layer.

    The first panel is the original; each other panel is what the model
    could see in one training step. Use it to check that your augmentation
    keeps the images recognisable before you train with it.

    Args:
        image: ONE image, shape (H, W), (H, W, 1) or (H, W, 3), whole numbers
            0..255 (uint8) or floats 0..1 (or 0..255). Pass ``x_train[0]``,
            not ``x_train[:1]``.
        augmentation: a Keras layer or ``keras.Sequential`` of random layers,
            such as ``keras.layers.RandomFlip("horizontal")``. It is called with
            ``training=True`` (random layers do nothing otherwise) on a batch of
            ``n - 1`` copies of the image, so every copy is changed differently.
            The copies are float32 in the image's own range (0..255 for uint8).
        n: how many panels, the original included (at least 2).
        ncols: how many panels per row.
        title: the title above the grid.

    Returns:
        The matplotlib Figure.

    Example:
        >>> flip_and_turn = keras.Sequential([keras.layers.RandomFlip("horizontal"),
        ...                                   keras.layers.RandomRotation(0.05)])
        >>> fig = plot_augmentations(x_train[0], flip_and_turn)
    """
    arr = one_image(image)
    if not callable(augmentation):
        raise TypeError(
            "augmentation should be a Keras layer or keras.Sequential of random layers, "
            f"got {type(augmentation).__name__}."
        )
    n = check_count(n, "n (the original and at least one augmented copy)", minimum=2)
    ncols = check_whole(ncols, "ncols")

    grey = arr.ndim == 2
    # Pixel scale of the input: uint8 and floats above 1 are 0..255, other floats 0..1.
    big = np.max(arr, initial=0, where=~np.isnan(arr)) > 1.0
    scale = 255.0 if arr.dtype.kind in "biu" or big else 1.0
    batch = np.repeat(arr[np.newaxis, ..., np.newaxis] if grey else arr[np.newaxis], n - 1, axis=0)
    # Floats in the image's own range: some layers (RandomContrast) cannot compute on uint8.
    batch = batch.astype(np.float32)
    augmented = _augment(augmentation, batch)
    # Scale both to floats in 0..1 the same way, so brightness changes stay visible.
    original, white = prepare_images(np.clip(batch[:1] / scale, 0.0, 1.0))
    changed, _ = prepare_images(np.clip(augmented / scale, 0.0, 1.0))
    panels = [original[0], *changed]

    fig, axes = image_grid(
        n,
        ncols,
        title,
        "first panel: the original image; the others: random versions of it (training=True)",
    )
    for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        show_image(ax, panel, white)
        ax.set_title("original" if i == 0 else f"random {i}", fontsize="small")
        if i == 0:
            for spine in ax.spines.values():
                spine.set_linewidth(2.5)
    return fig


def plot_augmentation_grid(
    images: ArrayLike, *, n: int = 4, n_versions: int = 5, rotation: float = 0.1,
    zoom: float = 0.1, translation: float = 0.1, contrast: float = 0.0, flip: bool = True,
    seed: int = 0, title: str | None = None,
) -> Figure:
    """Show a few images, each next to random augmented versions of it.

    Row = one image; the first column is the original, the other columns are
    what the model could see in training steps. The layers are
    ``course_utils.models.cifar_augmentation(flip, translation, rotation, zoom,
    contrast, seed)``; a parameter of 0 (or ``flip=False``) leaves that layer out.

    Args:
        images: a batch of images, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3),
            uint8 0..255 or floats 0..1. Only the first ``n`` are used.
        n: how many images (rows) to show at most.
        n_versions: how many random versions per image.
        rotation: largest turn, as a fraction of a full turn (0.1 = up to ±36°).
        zoom: largest zoom in or out, as a fraction of the image size.
        translation: largest shift, as a fraction of the image height and width.
        contrast: largest contrast change (0.5: between 50% and 150% contrast).
        flip: mirror left-right at random.
        seed: the random seed; the same seed gives the same figure.
        title: the title above the grid (default "Random augmentations"); the seed is added.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_augmentation_grid(x_train[:4], rotation=0.05, flip=True, seed=1)
    """
    imgs, white = prepare_images(images)
    n, n_versions = check_count(n, "n"), check_count(n_versions, "n_versions")
    seed = check_whole(seed, "seed")
    for name, value in (("rotation", rotation), ("zoom", zoom), ("translation", translation),
                        ("contrast", contrast)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} should be between 0 and 1, got {value}.")
    from . import models  # imported here: models needs TensorFlow, the other figures do not

    originals = imgs[:n]
    grey = originals.ndim == 3
    # Floats in 0..255, one copy per version: the layers draw new randomness per copy.
    batch = np.repeat(originals, n_versions, axis=0).astype(np.float32) * (255.0 / white)
    batch = batch[..., np.newaxis] if grey else batch
    layers = models.cifar_augmentation(flip=flip, translation=translation, rotation=rotation,
                                       zoom=zoom, contrast=contrast, seed=seed)
    out = _augment(layers, batch) if layers.layers else batch
    out = np.clip(out, 0.0, 255.0) / 255.0 * white
    out = out[..., 0] if grey else out
    out = np.rint(out).astype(np.uint8) if originals.dtype == np.uint8 else out
    out = out.reshape(len(originals), n_versions, *originals.shape[1:])

    settings = [f"rotation {rotation:.2f}", f"zoom {zoom:.2f}", f"translation {translation:.2f}",
                f"contrast {contrast:.2f}", f"flip {'on' if flip else 'off'}"]
    ncols = n_versions + 1
    fig, axes = image_grid(
        len(originals) * ncols, ncols, f"{title or 'Random augmentations'} (seed {seed})",
        "first column: the original; the others: random versions with " + ", ".join(settings),
    )
    for row, original in enumerate(originals):
        for col, panel in enumerate([original, *out[row]]):
            ax = axes[row * ncols + col]
            show_image(ax, panel, white)
            if row == 0:
                ax.set_title("original" if col == 0 else f"version {col}", fontsize="small")
    return fig
