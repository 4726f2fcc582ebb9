"""Figures of the data and of training: sample images, class counts, training curves.

Every function here draws one static figure and returns it as a
``matplotlib.figure.Figure``. In a notebook, assign the result and the figure
appears below the cell (a bare last-line call would show it twice)::

    from course_utils.plots import plot_samples
    fig = plot_samples(x_train, y_train, class_names)

Keep the return value to save the figure too: ``fig.savefig("samples.png")``.
Figures of a model's answers live in ``course_utils.predictions``, the
confusion matrix and the misclassified images in ``course_utils.mistakes``.

``image_grid`` and ``show_image`` are the grid of image panels that all the
image figures of the course share. Read the help of any function with
``help(plot_samples)``.
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

from .inputs import (
    check_count,
    check_same_length,
    check_whole,
    class_columns,
    class_name,
    count_classes,
    prepare_images,
    to_labels,
)

__all__ = [
    "RIGHT_COLOR",
    "WRONG_COLOR",
    "image_grid",
    "plot_history",
    "plot_history_comparison",
    "plot_label_counts",
    "plot_samples",
    "show_image",
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


# --------------------------------------------------------------------------- image grids


def image_grid(n: int, ncols: int, title: str, xlabel: str) -> tuple[Figure, list[Axes]]:
    """Make a figure with a grid of ``n`` image panels, ``ncols`` per row.

    ``title`` goes above the grid and ``xlabel`` below it (say what a panel
    shows). Returns the figure and the ``n`` axes to draw into, row by row;
    the unused panels of the last row are hidden.
    """
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


def show_image(ax: Axes, image: np.ndarray, white: float) -> None:
    """Draw one image (from ``inputs.prepare_images``) without ticks.

    Grey images use a grey colour map from 0 to ``white``. The frame stays, so
    a figure can colour it (red for a mistake).
    """
    if image.ndim == 2:
        ax.imshow(image, cmap="gray", vmin=0, vmax=white)
    else:
        ax.imshow(image)
    ax.set_xticks([])
    ax.set_yticks([])


# --------------------------------------------------------------------------- data


def plot_samples(
    images: ArrayLike,
    labels: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
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
        >>> fig = plot_samples(x_train, y_train, ["airplane", "car"], n=8)
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    imgs, white = prepare_images(images)
    labs = to_labels(labels, "labels")
    check_same_length(images=imgs, labels=labs)
    count_classes(class_names, class_columns(labels), labels=labs)
    shown = min(n, len(imgs))
    fig, axes = image_grid(shown, ncols, title, "each panel: one image, panel title = its label")
    for ax, image, label in zip(axes, imgs, labs, strict=False):
        show_image(ax, image, white)
        ax.set_title(class_name(int(label), class_names), fontsize="small")
    return fig


def plot_label_counts(
    labels: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
    title: str = "Images per class",
    ax: Axes | None = None,
) -> Figure:
    """Draw a bar chart of how many images each class has.

    Use this to see whether your dataset is balanced: if one class has far
    fewer images, the model sees it less often and may learn it worse.

    Args:
        labels: one label per image, as class numbers (N,) or (N, 1), or one-hot (N, C).
        class_names: the name of each class, written under its bar. Classes
            with no images still get a bar (of height 0) when you pass names.
        title: the title above the chart.
        ax: a matplotlib Axes to draw into (for side-by-side figures); by
            default a new figure is made.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_label_counts(y_train, class_names)
    """
    labs = to_labels(labels, "labels")
    if len(labs) == 0:
        raise ValueError("There are no labels to count: labels is empty.")
    n_classes = count_classes(class_names, class_columns(labels), labels=labs)
    counts = np.bincount(labs, minlength=n_classes)
    names = [class_name(i, class_names) for i in range(n_classes)]

    many = n_classes > 15
    if ax is None:
        fig, ax = plt.subplots(
            figsize=(min(max(6.0, 0.45 * n_classes), 24.0), 4.5), layout="constrained"
        )
        fig.suptitle(title)
    else:
        fig = ax.figure
        ax.set_title(title)
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
    return fig


# --------------------------------------------------------------------------- training


def _history_data(history: Any, what: str) -> Mapping[str, Any]:
    """The dict of lists inside a Keras ``History`` (or the dict itself)."""
    data = getattr(history, "history", history)
    if not isinstance(data, Mapping):
        raise TypeError(
            f"{what} should be the History object returned by model.fit, or a dict of "
            f"lists; got {type(history).__name__}."
        )
    return data


def _epoch_axes(ax: Axes, n_epochs: int, ylabel: str, title: str, small: bool) -> None:
    """Label an axes whose x axis counts epochs 1, 2, 3 ... (``small``: smaller texts)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    if n_epochs == 1:
        ax.set_xlim(0.5, 1.5)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize="medium" if small else "large")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small" if small else "medium")


def plot_history(history: Any, *, title: str = "Training history") -> Figure:
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
    data = _history_data(history, "history")
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
        _epoch_axes(ax, train.size, ylabel, ylabel.capitalize(), small=False)
    fig.suptitle(title)
    return fig


def plot_history_comparison(
    histories: Mapping[str, Any], *, title: str = "Training runs compared"
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
        data = _history_data(history, f"The history of {name!r}")
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
    _epoch_axes(acc_ax, longest, "accuracy", "Accuracy (dashed: training, solid: validation)",
                small=True)
    _epoch_axes(gap_ax, longest, "training − validation accuracy",
                "Gap between training and validation", small=True)
    fig.suptitle(title)
    return fig
