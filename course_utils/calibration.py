"""How often is the model right when it says 90%? Calibration of its confidence.

A model's top-class probability is its confidence. A *calibrated* model is
right about 90% of the time on the images where it says 90%. Deep networks
are often over-confident: they say 99% and are right 90% of the time. To see
it, put the test images into bins by confidence (0–10%, ..., 90–100%) and
compare, in each bin, the mean confidence with the share of right answers::

    from course_utils.calibration import (
        expected_calibration_error, plot_reliability, reliability_table)

    probabilities = model.predict(x_test)
    reliability_table(y_test, probabilities)          # one row per bin
    expected_calibration_error(y_test, probabilities) # 0.0 = perfectly calibrated
    fig = plot_reliability(y_test, probabilities)

The bins are those of scikit-learn's ``calibration_curve`` (uniform bins;
a confidence exactly on an edge goes to the lower bin), which computes the
mean confidence and accuracy of each bin here.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .inputs import check_count, check_probabilities, check_same_length, to_labels

__all__ = ["expected_calibration_error", "plot_reliability", "reliability_table"]

CONFIDENCE_LABEL = "model's confidence (top-class probability)"
ACCURACY_LABEL = "share of correct answers"


def _confidence_and_correct(y_true: ArrayLike, probabilities: ArrayLike,
                            n_bins: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """Check the inputs; return (top-class probability, 1 where right else 0, n_bins)."""
    n_bins = check_count(n_bins, "n_bins")
    true = to_labels(y_true, "y_true")
    if len(true) == 0 or len(probabilities) == 0:  # type: ignore[arg-type]
        raise ValueError("There are no predictions: y_true or probabilities is empty.")
    probs = check_probabilities(probabilities, None, ndim=2)
    check_same_length(y_true=true, probabilities=probs)
    if true.max() >= probs.shape[1]:
        raise ValueError(f"y_true contains the class {true.max()} but probabilities has only "
                         f"{probs.shape[1]} columns (classes 0 to {probs.shape[1] - 1}): pass "
                         f"the labels of the images you predicted.")
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == true).astype(int)
    return confidence, correct, n_bins


def _edge(value: float) -> str:
    text = f"{round(float(value), 6):g}"
    return text if "." in text else text + ".0"


def reliability_table(y_true: ArrayLike, probabilities: ArrayLike,
                      n_bins: int = 10) -> pd.DataFrame:
    """One row per confidence bin: its range, mean confidence, share right, number of images.

    Args:
        y_true: the true labels, class numbers (N,) or one-hot (N, C).
        probabilities: the model's class probabilities (N, C), e.g. ``model.predict(x_test)``.
        n_bins: how many equal bins to cut [0, 1] into.

    Returns:
        A ``pandas.DataFrame`` with the columns ``bin`` (e.g. "0.9–1.0"), ``low``,
        ``high``, ``mean_confidence``, ``accuracy``, ``gap`` (accuracy − confidence:
        negative means over-confident) and ``count``. Every bin has a row; an
        empty bin has count 0 and NaN for the rest. The counts add up to N.

    Example:
        >>> reliability_table(y_test, model.predict(x_test), n_bins=5)
    """
    from sklearn.calibration import calibration_curve

    confidence, correct, n_bins = _confidence_and_correct(y_true, probabilities, n_bins)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # The same rule as calibration_curve: a confidence on an edge goes to the lower bin.
    counts = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=n_bins)
    accuracy, mean_confidence = np.full(n_bins, np.nan), np.full(n_bins, np.nan)
    accuracy_in, confidence_in = calibration_curve(correct, confidence, n_bins=n_bins,
                                                   strategy="uniform", pos_label=1)
    accuracy[counts > 0], mean_confidence[counts > 0] = accuracy_in, confidence_in
    return pd.DataFrame({
        "bin": [f"{_edge(low)}–{_edge(high)}"
                for low, high in zip(edges[:-1], edges[1:], strict=True)],
        "low": edges[:-1], "high": edges[1:],
        "mean_confidence": mean_confidence, "accuracy": accuracy,
        "gap": accuracy - mean_confidence, "count": counts.astype(int),
    })


def expected_calibration_error(y_true: ArrayLike, probabilities: ArrayLike,
                               n_bins: int = 10) -> float:
    """The expected calibration error (ECE): how far confidence is from accuracy, on average.

    The mean over the bins of ``|accuracy − mean confidence|``, each bin
    weighted by its number of images. 0 is perfectly calibrated; 0.1 means
    the model's confidence is off by 10 percentage points on average.
    Arguments as in ``reliability_table``.

    Example:
        >>> expected_calibration_error(y_test, model.predict(x_test))
        0.043
    """
    table = reliability_table(y_true, probabilities, n_bins)
    used = table[table["count"] > 0]
    return float((used["gap"].abs() * used["count"]).sum() / used["count"].sum())


def plot_reliability(y_true: ArrayLike, probabilities: ArrayLike, *, n_bins: int = 10,
                     title: str | None = None, ax: Axes | None = None) -> Figure:
    """Draw the reliability diagram: the share of right answers against the model's confidence.

    Each point is one bin of images: across, their mean confidence; up, the
    share the model got right. A calibrated model's points lie on the dashed
    diagonal; points below it mean the model is over-confident (it says 90%
    and is right less often). Below the diagram, a bar chart shows how many
    images each bin holds (most are usually near 100%).

    Args:
        y_true: the true labels, class numbers (N,) or one-hot (N, C).
        probabilities: the model's class probabilities (N, C).
        n_bins: how many equal bins to cut [0, 1] into.
        title: the title (default: "How often is the model right when it is this sure?").
        ax: a matplotlib Axes to draw the diagram into (for side-by-side figures);
            then the counts are written next to the points instead of in a panel below.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_reliability(y_test, model.predict(x_test))
    """
    table = reliability_table(y_true, probabilities, n_bins)
    used = table[table["count"] > 0]
    ece = float((used["gap"].abs() * used["count"]).sum() / used["count"].sum())
    if title is None:
        title = "How often is the model right when it is this sure?"
    if ax is None:
        fig, (ax, ax_counts) = plt.subplots(2, 1, figsize=(6, 6.8), height_ratios=[3, 1],
                                            sharex=True, layout="constrained")
        fig.suptitle(title)
    else:
        fig, ax_counts = ax.figure, None
        ax.set_title(title)
    ax.plot([0, 1], [0, 1], linestyle="--", color="gray", label="perfectly calibrated")
    ax.plot(used["mean_confidence"], used["accuracy"], marker="o", color="tab:blue",
            label=f"the model (ECE {ece:.3f})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal" if ax_counts is None else "auto")
    ax.set_ylabel(ACCURACY_LABEL)
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    if ax_counts is None:
        ax.set_xlabel(CONFIDENCE_LABEL)
        for row in used.itertuples(index=False):
            ax.annotate(f"n={row.count}", (row.mean_confidence, row.accuracy),
                        textcoords="offset points", xytext=(4, -10), fontsize="x-small")
        return fig
    width = 1.0 / len(table)
    bars = ax_counts.bar(table["low"] + width / 2, table["count"], width=width * 0.9,
                         color="tab:blue", alpha=0.7)
    ax_counts.bar_label(bars, labels=[str(c) if c else "" for c in table["count"]],
                        fontsize="x-small", padding=1)
    ax_counts.margins(y=0.25)
    ax_counts.set_xlim(0, 1)
    ax_counts.set_xlabel(CONFIDENCE_LABEL)
    ax_counts.set_ylabel("number of images")
    return fig
