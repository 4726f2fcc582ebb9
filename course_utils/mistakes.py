"""Error analysis: which classes a classifier confuses, and what those mistakes look like.

Four tools, to use after the single final evaluation on the test set (or, while
you are still improving the model, on the validation split)::

    from course_utils.mistakes import (confusion_counts, most_confused_pairs,
                                       plot_confusion_matrix, plot_misclassified)

    probs = model.predict(x_test)
    fig = plot_confusion_matrix(y_test, probs, class_names)                  # counts
    fig = plot_confusion_matrix(y_test, probs, class_names, normalize=True)  # row shares
    for pair in most_confused_pairs(y_test, probs, class_names, n=5):
        print(pair)
    fig = plot_misclassified(x_test, y_test, probs, class_names,
                             true_class="cat", predicted_class="dog")

Predictions can always be passed either as class numbers (N,) or as the class
probabilities (N, C) that ``model.predict`` returns (the largest one wins).

Read the help of any function with ``help(plot_confusion_matrix)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from sklearn.metrics import confusion_matrix

from .inputs import (
    check_count,
    check_same_length,
    check_whole,
    class_columns,
    class_index,
    class_name,
    count_classes,
    image_batch,
    labels_and_predictions,
)
from .predictions import plot_predictions

__all__ = [
    "ConfusedPair",
    "confusion_counts",
    "most_confused_pairs",
    "plot_confusion_matrix",
    "plot_misclassified",
]


class ConfusedPair(NamedTuple):
    """One kind of mistake: images of class ``true`` that the model called ``predicted``.

    Fields: ``true`` and ``predicted`` (class numbers), ``count`` (how many images),
    ``share`` (``count`` as a fraction of all images of the true class),
    ``true_name`` and ``predicted_name`` (class names, or the numbers as text).
    ``print(pair)`` gives one readable line.
    """

    true: int
    predicted: int
    count: int
    share: float
    true_name: str
    predicted_name: str

    def __str__(self) -> str:
        images = "image " if self.count == 1 else "images"
        return (
            f"{self.true_name:>12} predicted as {self.predicted_name:<12} "
            f"{self.count:5d} {images} ({100 * self.share:.1f}% of all {self.true_name})"
        )


# --------------------------------------------------------------------------- public API


def confusion_counts(
    y_true: ArrayLike, y_pred: ArrayLike, class_names: Sequence[str] | None = None
) -> np.ndarray:
    """Return the confusion matrix as counts: row = true class, column = predicted class.

    The cell ``[3, 5]`` is the number of images of class 3 that the model
    called 5. There is one row and one column per class: per name in
    ``class_names``, or up to the largest class number (or probability column).

    Args:
        y_true: the true labels, class numbers (N,) or (N, 1), or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or class probabilities (N, C).
        class_names: the name of each class (optional).

    Returns:
        A (C, C) array of whole numbers.

    Example:
        >>> counts = confusion_counts(y_test, model.predict(x_test), class_names)
        >>> counts[3, 5]   # cats called dogs
    """
    true, pred, _ = labels_and_predictions(y_true, y_pred)
    columns = max(class_columns(y_true), class_columns(y_pred))
    n_classes = count_classes(class_names, columns, y_true=true, y_pred=pred)
    with warnings.catch_warnings():
        # With one class, scikit-learn warns to pass `labels`, which this call already does.
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        return confusion_matrix(true, pred, labels=np.arange(n_classes))


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
    normalize: bool = False,
    title: str = "Confusion matrix",
    ax: Axes | None = None,
) -> Figure:
    """Draw the confusion matrix as a heatmap: rows are true classes, columns predictions.

    The cell in row "cat", column "dog" tells how many cat images the model
    called "dog". The diagonal holds the correct answers; everything else is a
    mistake.

    Args:
        y_true: the true labels, class numbers (N,) or (N, 1), or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or the class probabilities
            (N, C) from ``model.predict`` (the largest probability is the prediction).
        class_names: the name of each class, written on both axes (without
            names, the class numbers are).
        normalize: False shows counts of images; True divides each row by the
            number of images of that true class, so each row sums to 100% and
            the diagonal is the recall of each class.
        title: the title above the heatmap.
        ax: a matplotlib Axes to draw into (for side-by-side figures); by
            default a new figure is made.

    Returns:
        The matplotlib Figure.

    Example:
        >>> probs = model.predict(x_test)
        >>> fig = plot_confusion_matrix(y_test, probs, class_names, normalize=True)
    """
    counts = confusion_counts(y_true, y_pred, class_names)
    n = len(counts)
    names = [class_name(i, class_names) for i in range(n)]

    if normalize:
        totals = counts.sum(axis=1, keepdims=True)
        values = np.divide(
            counts, totals, out=np.zeros(counts.shape, dtype=float), where=totals > 0
        )
        fmt, bar_label, vmax = ".0%", "share of the true class", 1.0
    else:
        values = counts
        fmt, bar_label, vmax = "d", "number of images", None

    if ax is None:
        side = min(max(4.5, 0.6 * n + 2.0), 16.0)
        fig, ax = plt.subplots(figsize=(side + 1.2, side), layout="constrained")
    else:
        fig = ax.figure
    sns.heatmap(
        values,
        annot=n <= 20,
        fmt=fmt,
        cmap="Blues",
        vmin=0,
        vmax=vmax,
        square=True,
        linewidths=0.5,
        linecolor="white",
        xticklabels=names,
        yticklabels=names,
        cbar_kws={"label": bar_label},
        annot_kws={"fontsize": "small"},
        ax=ax,
    )
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=45)
    ax.tick_params(axis="y", labelrotation=0)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
        tick.set_rotation_mode("anchor")
    return fig


def most_confused_pairs(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
    n: int = 5,
) -> list[ConfusedPair]:
    """Return the most frequent mistakes: the largest off-diagonal cells of the confusion matrix.

    Each mistake is a ``ConfusedPair`` (true class, predicted class, count,
    share of the true class, and both names), largest count first; ties keep
    the order of the matrix (row by row). Pairs with a count of 0 are left out,
    so you may get fewer than ``n``. Note that (cat → dog) and (dog → cat) are
    two different pairs.

    Args:
        y_true: the true labels, class numbers (N,) or (N, 1), or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or class probabilities (N, C).
        class_names: the name of each class (optional).
        n: how many pairs to return at most.

    Returns:
        A list of ``ConfusedPair``; ``print(pair)`` shows one readable line.

    Example:
        >>> for pair in most_confused_pairs(y_test, probs, class_names, n=3):
        ...     print(pair)
        >>> worst = most_confused_pairs(y_test, probs, class_names, n=1)[0]
        >>> worst.true_name, worst.predicted_name, worst.count
    """
    n = check_count(n, "n")
    counts = confusion_counts(y_true, y_pred, class_names)
    n_classes = len(counts)
    totals = counts.sum(axis=1)
    off = counts.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off.ravel(), kind="stable")
    pairs = []
    for flat in order[:n]:
        t, p = divmod(int(flat), n_classes)
        if off[t, p] == 0:
            break
        pairs.append(
            ConfusedPair(
                true=t,
                predicted=p,
                count=int(off[t, p]),
                share=float(off[t, p] / totals[t]),
                true_name=class_name(t, class_names),
                predicted_name=class_name(p, class_names),
            )
        )
    return pairs


def plot_misclassified(
    images: ArrayLike,
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
    *,
    true_class: int | str,
    predicted_class: int | str,
    n: int = 16,
    ncols: int = 8,
    title: str | None = None,
) -> Figure:
    """Show the images of ``true_class`` that the model predicted as ``predicted_class``.

    One cell of the confusion matrix, as pictures. Each panel shows the
    prediction with its confidence and the true label (drawn by
    ``course_utils.predictions.plot_predictions``). With probabilities, the
    most confident predictions come first; with class numbers, the original
    order is kept. Pick the same class twice to see the images it gets right.
    When no image matches, the figure says so (it is not an error).

    Args:
        images: all the images, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3).
        y_true: their true labels, class numbers (N,) or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or the class
            probabilities (N, C) from ``model.predict`` (then confidences are shown).
        class_names: the name of each class.
        true_class: the true class, by number (3) or by name ("cat").
        predicted_class: the predicted class, by number or by name.
        n: how many images to show at most.
        ncols: how many images per row.
        title: the title above the grid (default: "<true> predicted as <predicted>");
            how many images there are is added to it.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_misclassified(x_test, y_test, probs, class_names,
        ...                          true_class="cat", predicted_class="dog")
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    batch = image_batch(images)
    true, pred, conf = labels_and_predictions(y_true, y_pred)
    check_same_length(images=batch, y_true=true)
    columns = max(class_columns(y_true), class_columns(y_pred))
    n_classes = count_classes(class_names, columns, y_true=true, y_pred=pred)
    t = class_index(true_class, class_names, "true_class", n_classes)
    p = class_index(predicted_class, class_names, "predicted_class", n_classes)
    t_name, p_name = class_name(t, class_names), class_name(p, class_names)
    if title is None:
        title = f"{t_name} predicted as {p_name}"
    chosen = np.flatnonzero((true == t) & (pred == p))
    if chosen.size == 0:
        return _nothing_to_show(title, t_name, p_name)
    if conf is not None:
        chosen = chosen[np.argsort(-conf[chosen], kind="stable")]
    shown = chosen[:n]
    most_confident = conf is not None and chosen.size > 1
    return plot_predictions(
        batch[shown],
        true[shown],
        np.asarray(y_pred)[shown],
        class_names,
        n=n,
        ncols=ncols,
        title=f"{title} ({chosen.size} in total{', most confident first' * most_confident})",
    )


def _nothing_to_show(title: str, t_name: str, p_name: str) -> Figure:
    """The figure for an empty cell of the confusion matrix: a sentence instead of images."""
    fig, ax = plt.subplots(figsize=(6, 2.5), layout="constrained")
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"No image of class {t_name!r} was predicted as {p_name!r}.\n"
            "Pick another pair, for example one from most_confused_pairs().",
            ha="center", va="center", fontsize="large")
    fig.suptitle(f"{title} (0 in total)")
    fig.supxlabel("this cell of the confusion matrix is 0", fontsize="medium")
    return fig
