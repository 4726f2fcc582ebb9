"""Interactive explorers: move a slider or pick a class and the figure redraws.

Each explorer is a widget for Jupyter that redraws a plain figure function;
outside Jupyter (or in a static viewer) you see the current picture::

    from course_utils.explore import (augmentation_explorer, confusion_explorer,
                                      prediction_explorer)

    augmentation_explorer(x_train[:4])                       # lesson 03
    probs = model.predict(x_test)
    prediction_explorer(x_test, y_test, probs, class_names)  # lessons 01/02
    confusion_explorer(x_test, y_test, probs, class_names)   # lesson 04

Make the call the last line of a cell. In a static viewer (GitHub, an HTML
export) you see the current picture; run the notebook in Jupyter to use the
controls. The figures they draw are ``predictions.plot_augmentation_grid``,
``mistakes.plot_misclassified`` and ``predictions.plot_prediction``; call those
yourself to save a picture, and read ``help()`` of any of them.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .inputs import (
    as_array,
    check_count,
    check_probabilities,
    check_same_length,
    class_name,
    labels_and_predictions,
    prepare_images,
)
from .mistakes import confusion_counts, plot_misclassified
from .predictions import plot_augmentation_grid, plot_prediction

__all__ = ["AugmentationExplorer", "ConfusionExplorer", "PredictionExplorer",
           "augmentation_explorer", "confusion_explorer", "prediction_explorer"]

_STATIC_NOTE = "Run this notebook in Jupyter to use the controls."


def _png(fig: Figure) -> bytes:
    """Draw a figure to PNG bytes and close it, so no figure is left open."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=90)
    finally:
        plt.close(fig)
    return buffer.getvalue()


# --------------------------------------------------------------------------- widgets


class _Explorer:
    """Shared machinery: an Image widget showing the current figure and an HTML status line."""

    kind = "Explorer"
    widget: widgets.VBox

    def __init__(self, title: str | None) -> None:
        self.title = title
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()

    def figure(self) -> Figure:
        """Return the figure for the current settings (as a new, open matplotlib Figure)."""
        raise NotImplementedError

    def describe(self) -> str:
        """Return one line of plain text describing the current view."""
        raise NotImplementedError

    def redraw(self, *_args: Any) -> None:
        """Draw the current figure into the image widget and update the status line."""
        self.image.value = _png(self.figure())
        self.status.value = html.escape(self.describe())

    def __repr__(self) -> str:
        return f"{self.kind}: {self.describe()}. {_STATIC_NOTE}"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Jupyter shows the widget; static viewers show the picture or this text."""
        png = base64.b64encode(self.image.value).decode("ascii")
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle.update({"image/png": png, "text/plain": repr(self)})
        return bundle


class AugmentationExplorer(_Explorer):
    """Sliders for each random augmentation, redrawing ``plot_augmentation_grid``.

    Arguments as for ``augmentation_explorer``. Attributes: ``rotation``,
    ``zoom``, ``translation``, ``contrast`` (sliders), ``flip`` (checkbox),
    ``new_draw`` (button: new random versions), ``seed``, ``image`` (the
    picture), ``status`` (one line of text), ``widget`` (everything).
    """

    kind = "Augmentation explorer"

    def __init__(self, images: ArrayLike, *, n: int = 4, n_versions: int = 5, seed: int = 0,
                 title: str | None = None) -> None:
        super().__init__(title)
        # Only the first n: a copy of all of x_train would cost Binder's memory.
        arr, n = as_array(images, "images"), check_count(n, "n")
        self.images = prepare_images(arr[:n] if arr.ndim else arr)[0]
        self.n_versions, self.seed = n_versions, seed

        def slider(label: str, value: float, top: float) -> widgets.FloatSlider:
            return widgets.FloatSlider(value=value, min=0.0, max=top, step=0.01,
                                       description=label, continuous_update=False,
                                       style={"description_width": "initial"})

        self.rotation = slider("rotation", 0.05, 0.5)
        self.zoom = slider("zoom", 0.1, 0.5)
        self.translation = slider("translation", 0.1, 0.5)
        self.contrast = slider("contrast", 0.0, 1.0)
        self.flip = widgets.Checkbox(value=True, description="random left-right flip")
        self.new_draw = widgets.Button(description="New random draw", icon="refresh")
        controls = [self.rotation, self.zoom, self.translation, self.contrast, self.flip]
        for control in controls:
            control.observe(self.redraw, names="value")
        self.new_draw.on_click(self._on_new_draw)
        self.widget = widgets.VBox([widgets.HBox([widgets.VBox(controls[:2]),
                                                  widgets.VBox(controls[2:4]),
                                                  widgets.VBox([self.flip, self.new_draw])]),
                                    self.status, self.image])
        self.redraw()

    def _on_new_draw(self, _button: Any = None) -> None:
        self.seed += 1
        self.redraw()

    def figure(self) -> Figure:
        return plot_augmentation_grid(
            self.images, n=len(self.images), n_versions=self.n_versions,
            rotation=self.rotation.value, zoom=self.zoom.value,
            translation=self.translation.value, contrast=self.contrast.value,
            flip=self.flip.value, seed=self.seed, title=self.title)

    def describe(self) -> str:
        return (f"rotation {self.rotation.value:.2f}, zoom {self.zoom.value:.2f}, "
                f"translation {self.translation.value:.2f}, contrast {self.contrast.value:.2f}, "
                f"flip {'on' if self.flip.value else 'off'} (seed {self.seed})")


class ConfusionExplorer(_Explorer):
    """Two dropdowns (true class, predicted class) and the images in that cell.

    Arguments as for ``confusion_explorer``; it draws ``plot_misclassified``
    and starts on the most confused pair. Attributes: ``true_class`` and
    ``predicted_class`` (dropdowns), ``counts`` (the confusion matrix),
    ``image``, ``status``, ``widget``.
    """

    kind = "Confusion explorer"

    def __init__(self, images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike,
                 class_names: Sequence[str] | None = None, *, n: int = 16,
                 title: str | None = None) -> None:
        super().__init__(title)
        self.images, self.y_pred = np.asarray(images), y_pred
        self.class_names, self.n = class_names, check_count(n, "n")
        self.true, _, _ = labels_and_predictions(y_true, y_pred)
        check_same_length(images=self.images, y_true=self.true)
        self.counts = confusion_counts(self.true, y_pred, class_names)
        n_classes = len(self.counts)
        off = self.counts * (1 - np.eye(n_classes, dtype=int))
        t, p = divmod(int(np.argmax(off)), n_classes) if off.any() else (0, 0)
        options = [(class_name(i, class_names), i) for i in range(n_classes)]
        self.true_class = widgets.Dropdown(options=options, value=t, description="true class")
        self.predicted_class = widgets.Dropdown(options=options, value=p, description="predicted")
        for dropdown in (self.true_class, self.predicted_class):
            dropdown.observe(self.redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.true_class, self.predicted_class]),
                                    self.status, self.image])
        self.redraw()

    def figure(self) -> Figure:
        t, p = self.true_class.value, self.predicted_class.value
        pair = f"{class_name(t, self.class_names)} predicted as {class_name(p, self.class_names)}"
        title = pair if self.title is None else f"{self.title}: {pair}"
        return plot_misclassified(self.images, self.true, self.y_pred, self.class_names,
                                  true_class=t, predicted_class=p, n=self.n, title=title)

    def describe(self) -> str:
        t, p = self.true_class.value, self.predicted_class.value
        count = int(self.counts[t, p])
        return (f"{count} images true {class_name(t, self.class_names)} → predicted "
                f"{class_name(p, self.class_names)} (showing {min(count, self.n)})")


class PredictionExplorer(_Explorer):
    """A slider over the images and a "Next mistake" button; draws ``plot_prediction``.

    Arguments as for ``prediction_explorer``. Attributes: ``index``
    (IntSlider), ``next_mistake`` (button), ``mistakes`` (indices of the wrong
    predictions), ``image``, ``status``, ``widget``.
    """

    kind = "Prediction explorer"

    def __init__(self, images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike,
                 class_names: Sequence[str] | None = None, *, start: int = 0,
                 title: str | None = None) -> None:
        super().__init__(title)
        self.images = prepare_images(images)[0]
        self.probs = check_probabilities(probabilities, class_names, ndim=2)
        self.true, self.pred, _ = labels_and_predictions(y_true, self.probs, "probabilities")
        check_same_length(images=self.images, y_true=self.true)
        self.class_names = class_names
        start = check_count(start, "start", minimum=0)
        if start >= len(self.images):
            raise ValueError(f"start is {start}, but there are only {len(self.images)} images "
                             f"(0 to {len(self.images) - 1}).")
        self.mistakes = np.flatnonzero(self.true != self.pred)
        self.index = widgets.IntSlider(value=start, min=0, max=len(self.images) - 1,
                                       description="image", continuous_update=False)
        self.next_mistake = widgets.Button(description="Next mistake", icon="forward")
        self.index.observe(self.redraw, names="value")
        self.next_mistake.on_click(self._on_next_mistake)
        self.widget = widgets.VBox([widgets.HBox([self.index, self.next_mistake]),
                                    self.status, self.image])
        self.redraw()

    def _on_next_mistake(self, _button: Any = None) -> None:
        if len(self.mistakes) == 0:
            self.status.value = "No mistakes: the model gets every image right."
            return
        later = self.mistakes[self.mistakes > self.index.value]
        self.index.value = int(later[0] if len(later) else self.mistakes[0])

    def figure(self) -> Figure:
        i = self.index.value
        return plot_prediction(self.images[i], int(self.true[i]), self.probs[i],
                               self.class_names, title=self.title)

    def describe(self) -> str:
        i = self.index.value
        t, p = int(self.true[i]), int(self.pred[i])
        return (f"image {i}: true {class_name(t, self.class_names)}, predicted "
                f"{class_name(p, self.class_names)} (p={self.probs[i, p]:.2f}) — "
                f"{'right' if t == p else 'wrong'}; {len(self.mistakes)} mistakes "
                f"in {len(self.images)} images")


# --------------------------------------------------------------------------- short-cuts


def augmentation_explorer(images: ArrayLike, *, n: int = 4, n_versions: int = 5, seed: int = 0,
                          title: str | None = None) -> AugmentationExplorer:
    """Explore data augmentation: sliders redraw ``predictions.plot_augmentation_grid`` live.

    Args:
        images: a batch of images; the first ``n`` are shown, one per row.
        n: how many images (rows).
        n_versions: how many random versions of each image.
        seed: the first random seed ("New random draw" adds 1).
        title: the title above the picture (the seed is added).

    Example:
        >>> augmentation_explorer(x_train[:4])   # last line of a cell
    """
    return AugmentationExplorer(images, n=n, n_versions=n_versions, seed=seed, title=title)


def confusion_explorer(images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike,
                       class_names: Sequence[str] | None = None, *, n: int = 16,
                       title: str | None = None) -> ConfusionExplorer:
    """Pick a true and a predicted class and see those images (``mistakes.plot_misclassified``).

    Args:
        images: all the images, e.g. ``x_test``.
        y_true: their true labels.
        y_pred: the predictions, class numbers or the probabilities from ``model.predict``.
        class_names: the name of each class (the dropdowns show them).
        n: how many images to show at most.
        title: put before "<true> predicted as <predicted>" in the picture's title.

    Example:
        >>> confusion_explorer(x_test, y_test, model.predict(x_test), class_names)
    """
    return ConfusionExplorer(images, y_true, y_pred, class_names, n=n, title=title)


def prediction_explorer(images: ArrayLike, y_true: ArrayLike, probabilities: Any,
                        class_names: Sequence[str] | None = None, *, start: int = 0,
                        title: str | None = None) -> PredictionExplorer:
    """Step through images and see the model's probabilities (``predictions.plot_prediction``).

    Args:
        images: the images, e.g. ``x_test``.
        y_true: their true labels.
        probabilities: the output of ``model.predict(images)``, or the Keras
            model itself: then ``model.predict`` runs once, here, not on every slider move.
        class_names: the name of each class.
        start: the index of the first image shown.
        title: put before the verdict in the picture's title.

    Example:
        >>> prediction_explorer(x_test[:500], y_test[:500], model, class_names)
    """
    if hasattr(probabilities, "predict"):
        probabilities = probabilities.predict(np.asarray(images), verbose=0)
    return PredictionExplorer(images, y_true, probabilities, class_names, start=start,
                              title=title)
