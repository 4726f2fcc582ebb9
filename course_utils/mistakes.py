"""Error analysis: which classes a classifier confuses, and what those mistakes look like.

Three tools, to use after the single final evaluation on the test set (or, while
you are still improving the model, on the validation split)::

    from course_utils.errors import most_confused_pairs, plot_confusion_matrix, plot_misclassified

    probs = model.predict(x_test)
    fig = plot_confusion_matrix(y_test, probs, class_names)              # counts
    fig = plot_confusion_matrix(y_test, probs, class_names, normalize=True)  # row shares
    for pair in most_confused_pairs(y_test, probs, class_names, top=5):
        print(pair)
    fig = plot_misclassified(x_test, y_test, probs, "cat", "dog", class_names)

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

from .plots import (
    _as_array,
    _check_class_count,
    _check_count,
    _check_whole,
    _class_name,
    _pred_labels,
    _to_int_labels,
    plot_predictions,
)

__all__ = [
    "ConfusedPair",
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


# --------------------------------------------------------------------------- helpers


def _labels_and_predictions(
    y_true: ArrayLike, y_pred: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (true labels, predicted labels, confidence or None), checked to match."""
    true = _to_int_labels(y_true, what="y_true")
    pred, conf = _pred_labels(y_pred)
    if len(true) == 0 or len(pred) == 0:
        raise ValueError(
            "There is nothing to analyse: y_true or y_pred is empty. "
            "Pass the labels and the predictions of at least one image."
        )
    if len(true) != len(pred):
        raise ValueError(
            f"You passed {len(true)} true labels but {len(pred)} predictions; "
            "pass one prediction per image (for example model.predict(x_test) with y_test)."
        )
    if true.min() < 0 or pred.min() < 0:
        raise ValueError("Class numbers must be 0 or more.")
    return true, pred, conf


def _n_classes(
    true: np.ndarray, pred: np.ndarray, y_pred: ArrayLike, class_names: Sequence[str] | None
) -> int:
    """Number of classes: from the names if given, else the largest label seen."""
    n = int(max(true.max(), pred.max())) + 1
    arr = np.asarray(y_pred)
    if arr.ndim == 2 and arr.shape[1] > 1:
        n = max(n, arr.shape[1])
    _check_class_count(n)
    if class_names is not None:
        if n > len(class_names):
            raise ValueError(
                f"A label or prediction is {n - 1}, but class_names has only "
                f"{len(class_names)} entries (labels 0 to {len(class_names) - 1})."
            )
        n = len(class_names)
    return n


def _confusion(true: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    """The (n_classes, n_classes) matrix of counts: row = true class, column = predicted."""
    with warnings.catch_warnings():
        # With one class, scikit-learn warns to pass `labels`, which this call already does.
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        return confusion_matrix(true, pred, labels=np.arange(n_classes))


def _class_index(cls: int | str, class_names: Sequence[str] | None, what: str) -> int:
    """Turn a class given by number or by name into its number."""
    if isinstance(cls, str):
        if class_names is None or cls not in list(class_names):
            known = ", ".join(map(repr, class_names)) if class_names is not None else "none"
            raise ValueError(f"{what} {cls!r} is not a class name (known names: {known}).")
        return list(class_names).index(cls)
    if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)):
        if not (isinstance(cls, (float, np.floating)) and float(cls).is_integer()):
            raise TypeError(f"{what} should be a class number or a class name, got {cls!r}.")
    index = int(cls)
    if index < 0 or (class_names is not None and index >= len(class_names)):
        raise ValueError(f"{what} {index} is not a class number.")
    return index


# --------------------------------------------------------------------------- public API


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str],
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
        class_names: the name of each class, written on both axes.
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
    true, pred, _ = _labels_and_predictions(y_true, y_pred)
    n = _n_classes(true, pred, y_pred, class_names)
    counts = _confusion(true, pred, n)
    names = [_class_name(i, class_names) for i in range(n)]

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
    top: int = 5,
) -> list[ConfusedPair]:
    """Return the most frequent mistakes: the largest off-diagonal cells of the confusion matrix.

    Each mistake is a ``ConfusedPair`` (true class, predicted class, count,
    share of the true class, and both names), largest count first; ties keep
    the order of the matrix (row by row). Pairs with a count of 0 are left out,
    so you may get fewer than ``top``. Note that (cat → dog) and (dog → cat) are
    two different pairs.

    Args:
        y_true: the true labels, class numbers (N,) or (N, 1), or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or class probabilities (N, C).
        class_names: the name of each class (optional).
        top: how many pairs to return at most.

    Returns:
        A list of ``ConfusedPair``; ``print(pair)`` shows one readable line.

    Example:
        >>> for pair in most_confused_pairs(y_test, probs, class_names, top=3):
        ...     print(pair)
        >>> worst = most_confused_pairs(y_test, probs, class_names, top=1)[0]
        >>> worst.true_name, worst.predicted_name, worst.count
    """
    top = _check_count(top, "top")
    true, pred, _ = _labels_and_predictions(y_true, y_pred)
    n = _n_classes(true, pred, y_pred, class_names)
    counts = _confusion(true, pred, n)
    totals = counts.sum(axis=1)
    off = counts.copy()
    np.fill_diagonal(off, 0)
    order = np.argsort(-off.ravel(), kind="stable")
    pairs = []
    for flat in order[:top]:
        t, p = divmod(int(flat), n)
        if off[t, p] == 0:
            break
        pairs.append(
            ConfusedPair(
                true=t,
                predicted=p,
                count=int(off[t, p]),
                share=float(off[t, p] / totals[t]),
                true_name=_class_name(t, class_names),
                predicted_name=_class_name(p, class_names),
            )
        )
    return pairs


def plot_misclassified(
    images: ArrayLike,
    y_true: ArrayLike,
    y_pred_or_probs: ArrayLike,
    true_class: int | str,
    predicted_class: int | str,
    class_names: Sequence[str] | None = None,
    n: int = 16,
    title: str | None = None,
    ncols: int = 8,
) -> Figure:
    """Show the images of ``true_class`` that the model predicted as ``predicted_class``.

    Each panel shows the prediction with its confidence and the true label
    (drawn by ``course_utils.plots.plot_predictions``). With probabilities, the
    most confident mistakes come first; with class numbers, the original order
    is kept.

    Args:
        images: all the images, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3).
        y_true: their true labels, class numbers (N,) or one-hot (N, C).
        y_pred_or_probs: the predictions, class numbers (N,) or the class
            probabilities (N, C) from ``model.predict`` (then confidences are shown).
        true_class: the true class, by number (3) or by name ("cat").
        predicted_class: the wrongly predicted class, by number or by name.
        class_names: the name of each class.
        n: how many images to show at most.
        title: the title above the grid (default: "<true> predicted as <predicted>").
        ncols: how many images per row.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: if no image of ``true_class`` was predicted as ``predicted_class``.

    Example:
        >>> fig = plot_misclassified(x_test, y_test, probs, "cat", "dog", class_names)
    """
    n, ncols = _check_count(n, "n"), _check_whole(ncols, "ncols")
    true, pred, conf = _labels_and_predictions(y_true, y_pred_or_probs)
    t = _class_index(true_class, class_names, "true_class")
    p = _class_index(predicted_class, class_names, "predicted_class")
    if t == p:
        raise ValueError(
            f"true_class and predicted_class are both {_class_name(t, class_names)!r}: "
            "those images are correct, not misclassified. Pick two different classes."
        )
    images = _as_array(images, "images")
    if images.ndim == 0 or len(images) != len(true):
        raise ValueError(
            f"You passed {len(images) if images.ndim else 'no'} images but {len(true)} labels; "
            "these must be equal."
        )
    chosen = np.flatnonzero((true == t) & (pred == p))
    t_name, p_name = _class_name(t, class_names), _class_name(p, class_names)
    if chosen.size == 0:
        raise ValueError(
            f"No image of class {t_name!r} was predicted as {p_name!r}, so there is "
            "nothing to show. Pick a pair from most_confused_pairs()."
        )
    if conf is not None:
        chosen = chosen[np.argsort(-conf[chosen], kind="stable")]
    if title is None:
        title = f"{t_name} predicted as {p_name}"
    shown = chosen[:n]
    return plot_predictions(
        np.asarray(images)[shown],
        true[shown],
        np.asarray(y_pred_or_probs)[shown],
        class_names,
        n=n,
        ncols=ncols,
        title=f"{title} ({chosen.size} in total, most confident first)"
        if conf is not None and chosen.size > 1
        else f"{title} ({chosen.size} in total)",
    )
