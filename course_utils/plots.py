"""Figures for the lessons: sample images, class counts, training curves, predictions.

Every function here draws one static figure and returns it as a
``matplotlib.figure.Figure``. In a notebook, assign the result and the figure
appears below the cell (a bare last-line call would show it twice)::

    from course_utils.plots import plot_samples
    fig = plot_samples(x_train, y_train, class_names=class_names)

Keep the return value to save the figure too: ``fig.savefig("samples.png")``.

Read the help of any function with ``help(plot_samples)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

__all__ = [
    "mistakes_then_correct",
    "errors_first",
    "plot_augmentations",
    "plot_history",
    "plot_history_comparison",
    "plot_label_counts",
    "plot_predictions",
    "plot_samples",
]

RIGHT_COLOR = "darkgreen"
WRONG_COLOR = "tab:red"

# Keys that Keras uses for an accuracy metric, most common first.
_ACCURACY_KEYS = (
    "accuracy",
    "acc",
    "sparse_categorical_accuracy",
    "categorical_accuracy",
    "binary_accuracy",
)


# Class numbers above this are almost surely not class numbers (pixel values, file ids ...),
# and a figure or matrix with that many classes would not fit in memory.
MAX_CLASSES = 1000

# --------------------------------------------------------------------------- helpers


def _as_array(values: ArrayLike, what: str) -> np.ndarray:
    """``np.asarray`` with a clear error for ragged input (rows or images of different sizes)."""
    try:
        return np.asarray(values)
    except ValueError as err:
        raise ValueError(
            f"{what} could not be turned into one array: its items have different shapes "
            "(images of different sizes, or rows of different lengths). Give every item the "
            "same shape first, for example by resizing the images."
        ) from err


def _check_whole(value: Any, name: str) -> int:
    """Return ``value`` as an int if it is a whole number (not a bool); else raise TypeError."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} should be a whole number such as 8, got {value!r}.")
    return int(value)


def _check_count(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``; else raise."""
    value = _check_whole(value, name)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def _check_class_count(n_classes: int) -> None:
    if n_classes > MAX_CLASSES:
        raise ValueError(
            f"The largest class number is {n_classes - 1}, which would make {n_classes} "
            f"classes (more than {MAX_CLASSES}). Are these really class numbers 0, 1, 2, ...? "
            "Pass the labels, not pixel values or file numbers."
        )


def _to_int_labels(labels: ArrayLike, what: str = "labels") -> np.ndarray:
    """Return labels as a 1-D integer array.

    Accepts integer labels of shape (N,) or (N, 1) and one-hot (or probability)
    rows of shape (N, C), which are turned into class numbers with argmax.
    """
    arr = _as_array(labels, what)
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(
            f"{what} has shape {arr.shape}: one-hot rows need at least one column per class."
        )
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    elif arr.ndim == 2:
        arr = np.argmax(arr, axis=1)
    elif arr.ndim != 1:
        raise ValueError(
            f"{what} should have shape (N,), (N, 1) or one-hot (N, C), got shape {arr.shape}."
        )
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{what} should be numbers, got values of type {arr.dtype}.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} contain NaN or infinity; pass whole class numbers 0, 1, 2, ...")
    if arr.dtype.kind == "f" and arr.size and not np.all(np.mod(arr, 1) == 0):
        raise ValueError(
            f"{what} contain fractions such as {arr[np.mod(arr, 1) != 0][0]!r}; "
            "pass whole class numbers, or class probabilities of shape (N, C)."
        )
    return arr.astype(int)


def _pred_labels(y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray | None]:
    """Return (predicted class numbers, confidence in [0, 1] or None).

    ``y_pred`` is either class numbers (N,) or class probabilities (N, C).
    A float column (N, 1) is read as the output of a one-unit sigmoid layer.
    """
    arr = _as_array(y_pred, "y_pred")
    if arr.ndim == 2 and arr.shape[1] > 1:
        return np.argmax(arr, axis=1).astype(int), np.max(arr, axis=1)
    if arr.ndim == 2 and arr.shape[1] == 1 and arr.dtype.kind == "f":
        p = arr[:, 0]
        if np.all((p >= 0) & (p <= 1)) and not np.all(np.mod(p, 1) == 0):
            return (p >= 0.5).astype(int), np.where(p >= 0.5, p, 1 - p)
    return _to_int_labels(arr, what="y_pred"), None


def _class_name(label: int, class_names: Sequence[str] | None) -> str:
    """Return the name of class ``label`` (or the number itself without names)."""
    if class_names is None:
        return str(label)
    if not 0 <= label < len(class_names):
        raise ValueError(
            f"Label {label} has no name: class_names has only {len(class_names)} entries "
            f"(labels 0 to {len(class_names) - 1})."
        )
    return str(class_names[label])


def _prepare_images(images: ArrayLike) -> tuple[np.ndarray, float]:
    """Return images ready for ``imshow`` and the value that means "white".

    Drops a trailing channel axis of size 1 and rescales floats that were
    left in 0..255 so they fit in 0..1.
    """
    arr = _as_array(images, "images")
    if arr.ndim not in (3, 4) or (arr.ndim == 4 and arr.shape[-1] not in (1, 3, 4)):
        raise ValueError(
            "images should have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3), "
            f"got shape {arr.shape}."
        )
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if 0 in arr.shape[1:3]:
        raise ValueError(
            f"The images have no pixels (shape {arr.shape}: height or width is 0); "
            "check how you cropped or resized them."
        )
    if arr.dtype.kind == "f":
        if arr.size and np.nanmax(arr) > 1.0:
            arr = arr / 255.0
        return np.clip(arr, 0.0, 1.0), 1.0
    if arr.dtype.kind in "iub":
        return np.clip(arr, 0, 255).astype(np.uint8), 255.0
    raise ValueError(f"images should hold numbers, got values of type {arr.dtype}.")


def _check_not_empty(n_images: int) -> None:
    if n_images == 0:
        raise ValueError(
            "There are no images to show: the array you passed is empty. "
            "Check that your dataset loaded and that any filtering kept some images."
        )


def _image_grid(n: int, ncols: int, title: str, xlabel: str) -> tuple[Figure, list[Axes]]:
    """Make a figure with a grid of ``n`` image panels; return it and the used axes."""
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(1.5 * ncols + 0.4, 1.75 * nrows + 0.9),
        squeeze=False,
        layout="constrained",
    )
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_axis_off()
    fig.suptitle(title)
    fig.supxlabel(xlabel, fontsize="medium")
    return fig, flat[:n]


def _show_image(ax: Axes, image: np.ndarray, white: float) -> None:
    """Draw one image without ticks (the frame stays so it can be coloured)."""
    if image.ndim == 2:
        ax.imshow(image, cmap="gray", vmin=0, vmax=white)
    else:
        ax.imshow(image)
    ax.set_xticks([])
    ax.set_yticks([])


# --------------------------------------------------------------------------- public API


def plot_samples(
    images: ArrayLike,
    labels: ArrayLike,
    class_names: Sequence[str] | None = None,
    n: int = 16,
    ncols: int = 8,
    title: str = "Sample images",
) -> Figure:
    """Show the first ``n`` images in a grid, each with its label as a title.

    Use this to look at your data before you train anything.

    Args:
        images: your images, shape (N, H, W) or (N, H, W, 1) for grayscale and
            (N, H, W, 3) for colour; whole numbers 0..255 or floats 0..1.
        labels: one label per image, as class numbers (N,) or (N, 1), or one-hot (N, C).
        class_names: the name of each class, so a panel says "cat" instead of "3".
        n: how many images to show (all of them if you have fewer).
        ncols: how many images per row.
        title: the title above the grid.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_samples(x_train, y_train, class_names=["airplane", "car"], n=8)
    """
    n, ncols = _check_count(n, "n"), _check_whole(ncols, "ncols")
    imgs, white = _prepare_images(images)
    labs = _to_int_labels(labels)
    _check_not_empty(len(imgs))
    if len(labs) != len(imgs):
        raise ValueError(f"You passed {len(imgs)} images but {len(labs)} labels.")
    shown = min(n, len(imgs))
    fig, axes = _image_grid(shown, ncols, title, "each panel: one image, panel title = its label")
    for ax, image, label in zip(axes, imgs, labs, strict=False):
        _show_image(ax, image, white)
        ax.set_title(_class_name(int(label), class_names), fontsize="small")
    return fig


def plot_label_counts(
    labels: ArrayLike,
    class_names: Sequence[str] | None = None,
    title: str = "Images per class",
) -> Figure:
    """Draw a bar chart of how many images each class has.

    Use this to see whether your dataset is balanced: if one class has far
    fewer images, the model sees it less often and may learn it worse.

    Args:
        labels: one label per image, as class numbers (N,) or (N, 1), or one-hot (N, C).
        class_names: the name of each class, written under its bar. Classes
            with no images still get a bar (of height 0) when you pass names.
        title: the title above the chart.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_label_counts(y_train, class_names=class_names)
    """
    labs = _to_int_labels(labels)
    if len(labs) == 0:
        raise ValueError("There are no labels to count: the array you passed is empty.")
    if labs.min() < 0:
        raise ValueError(f"Labels must be 0 or more, found {labs.min()}.")
    n_classes = max(int(labs.max()) + 1, len(class_names) if class_names is not None else 0)
    _check_class_count(n_classes)
    counts = np.bincount(labs, minlength=n_classes)
    names = [_class_name(i, class_names) for i in range(n_classes)]

    many = n_classes > 15
    fig, ax = plt.subplots(
        figsize=(min(max(6.0, 0.45 * n_classes), 24.0), 4.5), layout="constrained"
    )
    bars = ax.bar(range(n_classes), counts, color="tab:blue")
    ax.bar_label(
        bars, fontsize="small" if many else "medium", rotation=90 if many else 0, padding=2
    )
    ax.set_xticks(range(n_classes), names, rotation=90 if many else 0)
    if not many and max(len(s) for s in names) > 6:
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    ax.margins(y=0.15 if many else 0.1)
    ax.set_xlabel("class")
    ax.set_ylabel("number of images")
    fig.suptitle(title)
    return fig


def plot_history(history: Any, title: str = "Training history") -> Figure:
    """Plot accuracy and loss per epoch, for training and validation data.

    Pass what ``model.fit`` returns. A training curve that keeps improving
    while the validation curve gets worse is the classic sign of overfitting.

    Args:
        history: the ``History`` object from ``model.fit``, or a plain dict such as
            ``{"accuracy": [...], "val_accuracy": [...], "loss": [...], "val_loss": [...]}``.
            The ``val_`` entries are optional.
        title: the title above the two panels.

    Returns:
        The matplotlib Figure (one panel for accuracy, one for loss).

    Example:
        >>> history = model.fit(x_train, y_train, validation_split=0.1, epochs=5)
        >>> fig = plot_history(history)
    """
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            "plot_history needs the History object returned by model.fit, or a dict of "
            f"lists; got {type(history).__name__}."
        )
    acc_key = next((k for k in _ACCURACY_KEYS if k in data), None)
    panels = [
        (key, ylabel)
        for key, ylabel in ((acc_key, "accuracy"), ("loss", "loss"))
        if key is not None and key in data
    ]
    if not panels:
        found = ", ".join(repr(k) for k in data) or "none"
        raise ValueError(
            "The history has neither an accuracy nor a loss entry "
            f"(keys found: {found}). Did you compile the model with metrics=['accuracy']?"
        )

    fig, axes = plt.subplots(
        1, len(panels), figsize=(5.5 * len(panels), 4), squeeze=False, layout="constrained"
    )
    for ax, (key, ylabel) in zip(axes[0], panels, strict=True):
        train = np.asarray(data[key], dtype=float).ravel()
        if train.size == 0:
            raise ValueError(f"The history entry {key!r} is empty: no epoch has finished.")
        epochs = np.arange(1, train.size + 1)
        ax.plot(epochs, train, marker="o", markersize=4, label="training")
        val_key = f"val_{key}"
        if val_key in data:
            val = np.asarray(data[val_key], dtype=float).ravel()
            ax.plot(
                np.arange(1, val.size + 1),
                val,
                marker="s",
                markersize=4,
                linestyle="--",
                label="validation",
            )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        if train.size == 1:
            ax.set_xlim(0.5, 1.5)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.set_title(ylabel.capitalize())
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    return fig


def errors_first(y_true: ArrayLike, y_pred: ArrayLike) -> np.ndarray:
    """Return the indices of all images, wrong predictions first.

    Within the wrong ones, and within the right ones, the original order is
    kept. Use it to look at your model's mistakes.

    Args:
        y_true: the true labels, class numbers (N,) or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or class probabilities (N, C).

    Returns:
        A 1-D array of indices.

    Example:
        >>> probs = model.predict(x_test)
        >>> idx = errors_first(y_test, probs)[:16]
        >>> fig = plot_predictions(x_test[idx], y_test[idx], probs[idx])
    """
    true = _to_int_labels(y_true, what="y_true")
    pred, _ = _pred_labels(y_pred)
    if len(true) != len(pred):
        raise ValueError(f"You passed {len(true)} true labels but {len(pred)} predictions.")
    return np.argsort(true == pred, kind="stable")


def mistakes_then_correct(y_true: ArrayLike, y_pred: ArrayLike, n: int = 8) -> np.ndarray:
    """Return the indices of the first ``n`` wrong predictions, then the first ``n`` right ones.

    ``y_pred`` may be class numbers or the probabilities from ``model.predict``.
    Use it to pick a grid that shows both what the model gets wrong and what
    it gets right::

        order = mistakes_then_correct(y_test, probabilities)
        fig = plot_predictions(x_test[order], y_test[order], probabilities[order])
    """
    true = _to_int_labels(y_true, what="y_true")
    pred, _ = _pred_labels(y_pred)
    if len(true) != len(pred):
        raise ValueError(f"You passed {len(true)} true labels but {len(pred)} predictions.")
    wrong = np.flatnonzero(true != pred)[:n]
    right = np.flatnonzero(true == pred)[:n]
    return np.concatenate([wrong, right])


def plot_predictions(
    images: ArrayLike,
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
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
        >>> fig = plot_predictions(x_test[:16], y_test[:16], probs, class_names=class_names)
    """
    n, ncols = _check_count(n, "n"), _check_whole(ncols, "ncols")
    imgs, white = _prepare_images(images)
    _check_not_empty(len(imgs))
    true = _to_int_labels(y_true, what="y_true")
    pred, conf = _pred_labels(y_pred)
    if not len(imgs) == len(true) == len(pred):
        raise ValueError(
            f"You passed {len(imgs)} images, {len(true)} true labels and "
            f"{len(pred)} predictions; these numbers must be equal."
        )
    shown = min(n, len(imgs))
    n_wrong = int(np.sum(true[:shown] != pred[:shown]))
    fig, axes = _image_grid(
        shown,
        ncols,
        f"{title}: {n_wrong} of {shown} wrong",
        "each panel: one image, pred = the model's answer, true = the correct label (red = wrong)",
    )
    for i, ax in enumerate(axes):
        _show_image(ax, imgs[i], white)
        pred_text = _class_name(int(pred[i]), class_names)
        if conf is not None:
            pred_text += f" ({100 * conf[i]:.0f}%)"
        wrong = pred[i] != true[i]
        color = WRONG_COLOR if wrong else RIGHT_COLOR
        ax.set_title(
            f"pred: {pred_text}\ntrue: {_class_name(int(true[i]), class_names)}",
            fontsize="small",
            color=color,
        )
        for spine in ax.spines.values():
            if wrong:
                spine.set_edgecolor(WRONG_COLOR)
                spine.set_linewidth(3)
            else:
                spine.set_visible(False)
    return fig


# --------------------------------------------------------------------------- augmentation


def plot_augmentations(
    image: ArrayLike,
    augmentation: Any,
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
    arr = _as_array(image, "image")
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (1, 3, 4)):
        raise ValueError(
            "plot_augmentations needs ONE image of shape (H, W), (H, W, 1) or (H, W, 3), "
            f"got shape {arr.shape}. Pass x_train[0], not the whole array."
        )
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"image should hold numbers, got values of type {arr.dtype}.")
    if arr.size == 0:
        raise ValueError(
            f"The image has no pixels (shape {arr.shape}): pass one image such as x_train[0], "
            "and check that your dataset loaded."
        )
    if not callable(augmentation):
        raise TypeError(
            "augmentation should be a Keras layer or keras.Sequential of random layers, "
            f"got {type(augmentation).__name__}."
        )
    n = _check_count(n, "n (the original and at least one augmented copy)", minimum=2)
    ncols = _check_whole(ncols, "ncols")

    import keras  # imported here so the other plots work without TensorFlow

    grey = arr.ndim == 2
    # Pixel scale of the input: uint8 and floats above 1 are 0..255, other floats 0..1.
    scale = 255.0 if arr.dtype.kind in "biu" or (arr.size and np.nanmax(arr) > 1.0) else 1.0
    batch = np.repeat(arr[np.newaxis, ..., np.newaxis] if grey else arr[np.newaxis], n - 1, axis=0)
    # Floats in the image's own range: some layers (RandomContrast) cannot compute on uint8.
    batch = batch.astype(np.float32)
    try:
        augmented = augmentation(batch, training=True)
    except TypeError as err:
        if "unexpected keyword argument 'training'" not in str(err):
            raise
        raise TypeError(
            "augmentation should be a Keras layer (or keras.Sequential), which accepts "
            f"training=True; {getattr(augmentation, '__name__', 'yours')} does not."
        ) from err
    augmented = keras.ops.convert_to_numpy(augmented)
    augmented = np.asarray(augmented, dtype=np.float32)
    if augmented.ndim != 4 or len(augmented) != n - 1:
        raise ValueError(
            f"The augmentation turned a batch of shape {batch.shape} into shape "
            f"{augmented.shape}; it should return one image per input image."
        )
    # Scale both to floats in 0..1 the same way, so brightness changes stay visible.
    original, white = _prepare_images(np.clip(batch[:1] / scale, 0.0, 1.0))
    changed, _ = _prepare_images(np.clip(augmented / scale, 0.0, 1.0))
    panels = [original[0], *changed]

    fig, axes = _image_grid(
        n,
        ncols,
        title,
        "first panel: the original image; the others: random versions of it (training=True)",
    )
    for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        _show_image(ax, panel, white)
        ax.set_title("original" if i == 0 else f"random {i}", fontsize="small")
        if i == 0:
            for spine in ax.spines.values():
                spine.set_linewidth(2.5)
    return fig


def plot_history_comparison(
    histories: Mapping[str, Any], title: str = "Training runs compared"
) -> Figure:
    """Compare training runs: their accuracy curves, and their overfitting gap.

    The left panel shows the training accuracy (dashed) and validation
    accuracy (solid) of every run, one colour per run. The right panel shows
    the *gap*, training accuracy minus validation accuracy, per epoch: the
    higher it climbs, the more the model memorises its training images.

    Args:
        histories: a dict that maps a name for each run to the ``History`` that
            its ``model.fit`` returned (or to a dict with ``"accuracy"`` and
            ``"val_accuracy"`` lists), e.g. ``{"no augmentation": h1, "augmented": h2}``.
        title: the title above the two panels.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_history_comparison({"plain": history, "augmented": history_aug})
    """
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError(
            "plot_history_comparison needs a dict {name: history}, e.g. "
            '{"plain": history, "augmented": history_aug}; '
            f"got {type(histories).__name__}{' (empty)' if not histories else ''}."
        )
    runs = []
    for name, history in histories.items():
        data = getattr(history, "history", history)
        if not isinstance(data, Mapping):
            raise TypeError(
                f"The history of {name!r} should be the History returned by model.fit, or a "
                f"dict of lists; got {type(history).__name__}."
            )
        key = next((k for k in _ACCURACY_KEYS if k in data and f"val_{k}" in data), None)
        if key is None:
            raise ValueError(
                f"The history of {name!r} has no training and validation accuracy "
                f"(keys found: {', '.join(map(repr, data)) or 'none'}). Train with "
                "metrics=['accuracy'] and a validation split."
            )
        train = np.asarray(data[key], dtype=float).ravel()
        val = np.asarray(data[f"val_{key}"], dtype=float).ravel()
        if train.size == 0 or train.size != val.size:
            raise ValueError(
                f"The history of {name!r} has {train.size} training and {val.size} "
                "validation values; it needs the same number (at least one)."
            )
        runs.append((str(name), train, val))

    fig, (acc_ax, gap_ax) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    longest = max(train.size for _, train, _ in runs)
    for i, (name, train, val) in enumerate(runs):
        color = f"C{i}"
        epochs = np.arange(1, train.size + 1)
        acc_ax.plot(epochs, train, color=color, linestyle="--", linewidth=1.2, marker="x",
                    markersize=3, label=f"{name}: training")
        acc_ax.plot(epochs, val, color=color, marker="o", markersize=3,
                    label=f"{name}: validation")
        gap_ax.plot(epochs, train - val, color=color, marker="o", markersize=3, label=name)
    gap_ax.axhline(0.0, color="grey", linewidth=0.8)
    for ax, ylabel, panel_title in (
        (acc_ax, "accuracy", "Accuracy (dashed: training, solid: validation)"),
        (gap_ax, "training − validation accuracy", "Gap between training and validation"),
    ):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        if longest == 1:
            ax.set_xlim(0.5, 1.5)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.set_title(panel_title, fontsize="medium")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    fig.suptitle(title)
    return fig
