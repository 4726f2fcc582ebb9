"""Figures for lesson 08: the backbone-and-head picture, accuracy against labels, search trials.

Each function draws one figure and returns it (a ``matplotlib.figure.Figure``),
like the other course figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch


def plot_backbone_and_head(blocks: Sequence[str], keep: int, *,
                           head: str = "new head: Dense(4)",
                           title: str = "Transfer learning: keep the backbone, replace the head"
                           ) -> Figure:
    """Boxes for the layers of a network, left to right: kept ones blue, new ones orange.

    ``blocks`` names the layers or blocks of the pretrained network (its
    head last); the first ``keep`` are kept (frozen), the rest are replaced
    by ``head``.
    """
    import matplotlib.pyplot as plt

    if not 0 < keep <= len(blocks):
        raise ValueError(f"keep must be between 1 and {len(blocks)}, got {keep}")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 3.6))
    rows = [(top, list(blocks), len(blocks), "pretrained on the 6 animal classes"),
            (bottom, [*blocks[:keep], head], keep, "reused for the 4 vehicle classes")]
    for ax, names, kept, label in rows:
        for i, name in enumerate(names):
            colour = "#9ecae1" if i < kept else "#fdae6b"
            ax.add_patch(FancyBboxPatch((i * 1.1, 0), 1.0, 1.0, boxstyle="round,pad=0.02",
                                        facecolor=colour, edgecolor="black"))
            ax.text(i * 1.1 + 0.5, 0.5, name, ha="center", va="center", fontsize=8, wrap=True)
            if i:
                ax.annotate("", xy=(i * 1.1, 0.5), xytext=(i * 1.1 - 0.1, 0.5),
                            arrowprops={"arrowstyle": "->"})
        ax.set_xlim(-0.1, len(blocks) * 1.1)
        ax.set_ylim(-0.15, 1.15)
        ax.set_xlabel("layers, from the image (left) to the answer (right)")
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    top.annotate("general: edges, colours, textures", xy=(0.5, 1.05), fontsize=8)
    top.annotate("task-specific parts", xy=((len(blocks) - 1.5) * 1.1, 1.05), fontsize=8)
    fig.suptitle(title)
    fig.text(0.5, 0.005, "blue: kept (trained on animals, frozen); orange: new, trained on "
             "the vehicles", ha="center", fontsize=9)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def plot_accuracy_by_labels(results: Any, *, value: str = "val_accuracy",
                            title: str = "Validation accuracy against labelled images"
                            ) -> Figure:
    """One line per method: ``results[value]`` against ``results["per_class"]`` (log axis).

    ``results`` is a pandas DataFrame with the columns ``method``,
    ``per_class`` and ``value``, one row per run.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for method, rows in results.groupby("method", sort=False):
        rows = rows.sort_values("per_class")
        ax.plot(rows["per_class"], rows[value], marker="o", label=str(method))
    sizes = sorted(results["per_class"].unique())
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.minorticks_off()
    ax.set_xlabel("labelled images per class (log scale)")
    ax.set_ylabel(value.replace("_", " "))
    ax.axhline(0.25, color="grey", linestyle=":", label="chance (4 classes)")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_trials(trials: Any, *, title: str = "The search's trials, best first") -> Figure:
    """A bar per trial: its validation accuracy, labelled with its hyperparameters.

    ``trials`` is a DataFrame with a ``val_accuracy`` column and one column per
    hyperparameter, one row per trial.
    """
    import matplotlib.pyplot as plt

    ordered = trials.sort_values("val_accuracy", ascending=False)
    names = [c for c in ordered.columns if c not in ("trial", "val_accuracy")]
    labels = [", ".join(f"{c}={_short(row[c])}" for c in names) for _, row in ordered.iterrows()]
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(ordered) + 1.4))
    y = np.arange(len(ordered))
    ax.barh(y, ordered["val_accuracy"], color="#6baed6")
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("validation accuracy")
    ax.set_ylabel("trial (hyperparameters)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def _short(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a whole number that pandas turned into a float
    if isinstance(value, float):
        return f"{value:.2g}"
    return str(value)
