"""Figures of a model's answers for your own photos (lesson 09).

``plot_photo_prediction`` shows one answer: the image as the model sees it
and its top classes as bars. ``plot_least_confident`` shows the photos of a
folder that the model was least sure about (from ``predict_folder``)::

    from course_utils.photo_figures import plot_photo_prediction, plot_least_confident

    photo = read_photo("my_cell.jpg")
    fig = plot_photo_prediction(predictor.predict_photo(photo), photo=photo)
    fig = plot_least_confident(table, "new_cells", n=8)

Both return their matplotlib ``Figure``; the upload widget
(``photo_widget``) draws the first one after every upload.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .errors import PhotoError
from .folder_predictions import least_confident
from .inputs import check_count, check_whole
from .photos import Photo, read_photo
from .plots import image_grid, show_image

__all__ = ["percent", "plot_least_confident", "plot_photo_prediction"]

_NOTE_WIDTH = 44  # characters per line of the notes under the image


def percent(probability: float) -> str:
    """A probability as a percentage a person reads at a glance: "91%", "99.7%", "0.3%"."""
    p = float(probability)
    return f"{p:.0%}" if 0.01 <= p <= 0.99 or p in (0.0, 1.0) else f"{p:.1%}"


def _short(name: str, width: int) -> str:
    return name if len(name) <= width else "…" + name[-(width - 1):]


def plot_photo_prediction(prediction: Any, *, photo: Photo | None = None,
                          title: str | None = None) -> Figure:
    """Show one photo as the model saw it, next to the model's top classes.

    Left: ``prediction.pixels``, the image after it was turned upright, cut to
    the model's shape and resized: what the model really looked at. Right: a
    bar for each of the top classes with its probability written on it. The
    title says the predicted class and its probability.

    Args:
        prediction: a ``predictor.Prediction`` (from ``Predictor.predict_photo``).
        photo: the ``photos.Photo`` it came from; then the left panel gives the
            photo's name and size, and what was done to it (turned upright,
            converted to colour, shrunk) is written under it.
        title: put before the answer in the title ("<title>: predicted ...").

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_photo_prediction(predictor.predict_photo(photo), photo=photo)
    """
    pixels = np.asarray(prediction.pixels)
    if pixels.ndim != 3 or pixels.shape[-1] != 3:
        raise ValueError(f"prediction.pixels should be one colour image (height, width, 3), "
                         f"not shape {pixels.shape}: pass what Predictor.predict_photo returns.")
    top = [(str(name), float(p)) for name, p in prediction.top]
    if not top:
        raise ValueError("prediction.top is empty: predict with top=1 or more.")
    fig, (ax_img, ax_bar) = plt.subplots(
        1, 2, figsize=(8.5, max(3.2, 0.45 * len(top) + 2.2)), width_ratios=[1, 1.4],
        layout="constrained")
    show_image(ax_img, pixels.astype(np.uint8), 255.0)
    height, width = pixels.shape[:2]
    label = f"the model's input: {width}×{height} pixels"
    if photo is None:
        ax_img.set_title("as the model sees it", fontsize="medium")
    else:
        shown_w, shown_h = photo.size
        ax_img.set_title(f"{_short(photo.name, 24)}\n{shown_w}×{shown_h} photo",
                         fontsize="medium")
        notes = [textwrap.fill(note, _NOTE_WIDTH) for note in photo.notes[:4]]
        label = "\n".join([label, *notes])
    ax_img.set_xlabel(label, fontsize="small")

    names, values = [name for name, _ in top], [p for _, p in top]
    rows = np.arange(len(top))
    colors = ["tab:blue"] + ["lightgray"] * (len(top) - 1)
    ax_bar.barh(rows, values, color=colors)
    for row, value in zip(rows, values, strict=True):
        inside = value >= 0.75
        ax_bar.text(value - 0.02 if inside else value + 0.02, row, percent(value),
                    va="center", ha="right" if inside else "left",
                    color="white" if inside else "black", fontsize="medium")
    ax_bar.set_yticks(rows, names)
    ax_bar.invert_yaxis()
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("probability")
    ax_bar.set_ylabel("class")
    ax_bar.set_title(f"the model's top {len(top)}", fontsize="medium")
    answer = f"Predicted {prediction.class_name} ({percent(prediction.probability)})"
    fig.suptitle(answer if title is None else f"{title}: {answer}")
    return fig


def plot_least_confident(table: pd.DataFrame, folder: str | os.PathLike[str], n: int = 8, *,
                         ncols: int = 4, title: str | None = None) -> Figure:
    """Show the ``n`` photos of a folder that the model was least sure about.

    Each panel is one photo (upright, as a person sees it) titled with the
    predicted class and its probability, lowest first. Look at them: are they
    blurred, two cells at once, or a kind of image the model never saw?

    Args:
        table: the table from ``folder_predictions.predict_folder``.
        folder: the folder that table was made from (its ``file`` paths are relative to it).
        n: how many photos to show at most.
        ncols: how many photos per row.
        title: the title above the grid (default: "The N least confident predictions").

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_least_confident(table, "new_cells", n=8)
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    rows = least_confident(table, n)
    if title is None:
        title = f"The {len(rows)} least confident predictions"
    if rows.empty:
        fig, ax = plt.subplots(figsize=(6, 2.5), layout="constrained")
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No photo in this table was predicted: every file had a problem\n"
                "(see the table's problem column).", ha="center", va="center")
        fig.suptitle(title)
        fig.supxlabel("nothing to show", fontsize="medium")
        return fig
    fig, axes = image_grid(len(rows), ncols, title,
                           "each panel: one photo, title = predicted class (probability), "
                           "least sure first")
    root = Path(folder)
    for ax, row in zip(axes, rows.itertuples(index=False), strict=True):
        try:
            picture = read_photo(root / row.file, name=row.file).image
            picture.thumbnail((256, 256))
            show_image(ax, np.asarray(picture), 255.0)
        except (PhotoError, OSError):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.text(0.5, 0.5, "cannot read\nthis file now", ha="center", va="center",
                    transform=ax.transAxes, fontsize="small")
        ax.set_title(f"{row.predicted_class} ({percent(row.probability)})", fontsize="small")
        ax.set_xlabel(_short(Path(row.file).name, 18), fontsize="x-small")
    return fig
