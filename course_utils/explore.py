"""Interactive explorers: move a slider or pick a class and the figure redraws.

Each explorer is a widget for Jupyter and also a plain function that returns
a matplotlib Figure (handy for saving, or outside Jupyter)::

    from course_utils.explore import (augmentation_explorer, confusion_explorer,
                                      prediction_explorer)

    augmentation_explorer(x_train[:4])                       # lesson 03
    probs = model.predict(x_test)
    prediction_explorer(x_test, probs, y_test, class_names)  # lessons 01/02
    confusion_explorer(x_test, y_test, probs, class_names)   # lesson 04

Make the call the last line of a cell. In a static viewer (GitHub, an HTML
export) you see the current picture; run the notebook in Jupyter to use the
controls. The plain functions are ``plot_augmentation_grid``,
``plot_confusion_pair`` and ``plot_prediction``; read ``help()`` of any of them.
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
from matplotlib.patches import Patch
from numpy.typing import ArrayLike

from .errors import _class_index, _confusion, _labels_and_predictions, _n_classes
from .plots import (
    RIGHT_COLOR,
    WRONG_COLOR,
    _as_array,
    _check_count,
    _class_name,
    _image_grid,
    _prepare_images,
    _show_image,
)

__all__ = ["AugmentationExplorer", "ConfusionExplorer", "PredictionExplorer",
           "augmentation_explorer", "confusion_explorer", "plot_augmentation_grid",
           "plot_confusion_pair", "plot_prediction", "prediction_explorer"]

_STATIC_NOTE = "Run this notebook in Jupyter to use the controls."


def _images(images: ArrayLike) -> tuple[np.ndarray, float]:
    """Check a batch of images and return it ready for ``imshow`` (see ``_prepare_images``)."""
    arr = _as_array(images, "images")
    if arr.ndim == 3 and arr.shape[-1] == 3:
        raise ValueError(f"images has shape {arr.shape}, which looks like ONE colour image; "
                         "pass a batch such as x_test[:4] (or image[None] for one image).")
    imgs, white = _prepare_images(arr)
    if len(imgs) == 0:
        raise ValueError("There are no images: the array is empty; pass at least one image.")
    return imgs, white


def _png(fig: Figure) -> bytes:
    """Draw a figure to PNG bytes and close it, so no figure is left open."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=90)
    finally:
        plt.close(fig)
    return buffer.getvalue()


# --------------------------------------------------------------------------- plain figures


def plot_augmentation_grid(
    images: ArrayLike, rotation: float = 0.1, zoom: float = 0.1, translation: float = 0.1,
    contrast: float = 0.0, flip: bool = True, n_versions: int = 5, seed: int = 0,
    n_images: int = 4,
) -> Figure:
    """Show a few images, each next to random augmented versions of it.

    Row = one image; the first column is the original, the other columns are
    what the model could see in training steps. The Keras layers are the ones
    ``course_utils.models.cifar_augmentation`` uses; a parameter of 0 (or
    ``flip=False``) leaves that layer out.

    Args:
        images: a batch of images, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3),
            uint8 0..255 or floats 0..1. Only the first ``n_images`` are used.
        rotation: largest turn, as a fraction of a full turn (0.1 = up to ±36°).
        zoom: largest zoom in or out, as a fraction of the image size.
        translation: largest shift, as a fraction of the image height and width.
        contrast: largest contrast change (0.5: between 50% and 150% contrast).
        flip: mirror left-right at random.
        n_versions: how many random versions per image.
        seed: the random seed; the same seed gives the same figure.
        n_images: how many images (rows) to show at most.

    Returns the matplotlib Figure. Example:
        >>> fig = plot_augmentation_grid(x_train[:4], rotation=0.05, flip=True, seed=1)
    """
    imgs, white = _images(images)
    n_versions = _check_count(n_versions, "n_versions")
    n_images = _check_count(n_images, "n_images")
    for name, value in (("rotation", rotation), ("zoom", zoom), ("translation", translation),
                        ("contrast", contrast)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} should be between 0 and 1, got {value}.")
    import keras  # imported here so the other explorers work without TensorFlow
    from keras import layers

    steps: list[Any] = []
    if flip:
        steps.append(layers.RandomFlip("horizontal", seed=seed))
    if translation:
        steps.append(layers.RandomTranslation(translation, translation, fill_mode="reflect",
                                              seed=seed + 1))
    if rotation:
        steps.append(layers.RandomRotation(rotation, fill_mode="reflect", seed=seed + 2))
    if zoom:
        steps.append(layers.RandomZoom(zoom, fill_mode="reflect", seed=seed + 3))
    if contrast:
        steps.append(layers.RandomContrast(contrast, seed=seed + 4))

    originals = imgs[:n_images]
    grey = originals.ndim == 3
    # Floats in 0..255, one copy per version: the layers draw new randomness per copy.
    batch = np.repeat(originals, n_versions, axis=0).astype(np.float32) * (255.0 / white)
    batch = batch[..., np.newaxis] if grey else batch
    out = batch
    for step in steps:
        out = step(out, training=True)
    out = np.clip(keras.ops.convert_to_numpy(out), 0.0, 255.0) / 255.0 * white
    out = out[..., 0] if grey else out
    out = np.rint(out).astype(np.uint8) if originals.dtype == np.uint8 else out
    out = out.reshape(len(originals), n_versions, *originals.shape[1:])

    on = [f"rotation {rotation:.2f}", f"zoom {zoom:.2f}", f"translation {translation:.2f}",
          f"contrast {contrast:.2f}", f"flip {'on' if flip else 'off'}"]
    ncols = n_versions + 1
    fig, axes = _image_grid(
        len(originals) * ncols, ncols, f"Random augmentations (seed {seed})",
        "first column: the original; the others: random versions with " + ", ".join(on),
    )
    for row, original in enumerate(originals):
        for col, panel in enumerate([original, *out[row]]):
            ax = axes[row * ncols + col]
            _show_image(ax, panel, white)
            if row == 0:
                ax.set_title("original" if col == 0 else f"version {col}", fontsize="small")
    return fig


def plot_confusion_pair(
    images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike, true_class: int | str,
    pred_class: int | str, class_names: Sequence[str] | None = None, max_images: int = 16,
) -> Figure:
    """Show the images of class ``true_class`` that the model predicted as ``pred_class``.

    One cell of the confusion matrix, as pictures. With probabilities, the
    most confident predictions come first. Pick the same class twice to see
    the images it gets right. When there are no such images, the figure says so.

    Args:
        images: all the images, shape (N, H, W), (N, H, W, 1) or (N, H, W, 3).
        y_true: their true labels, class numbers (N,) or one-hot (N, C).
        y_pred: the predictions, class numbers (N,) or probabilities (N, C).
        true_class: the true class, by number (3) or by name ("cat").
        pred_class: the predicted class, by number or by name.
        class_names: the name of each class.
        max_images: how many images to show at most.

    Returns the matplotlib Figure. Example:
        >>> fig = plot_confusion_pair(x_test, y_test, probs, "cat", "dog", class_names)
    """
    imgs, white = _images(images)
    true, pred, conf = _labels_and_predictions(y_true, y_pred)
    if len(imgs) != len(true):
        raise ValueError(f"You passed {len(imgs)} images but {len(true)} labels; pass one "
                         "label and one prediction per image.")
    n = _n_classes(true, pred, y_pred, class_names)
    t, p = (_class_index(c, class_names, what) for c, what in
            ((true_class, "true_class"), (pred_class, "pred_class")))
    if max(t, p) >= n:
        raise ValueError(f"There are only {n} classes (0 to {n - 1}); pick one of those.")
    max_images = _check_count(max_images, "max_images")
    chosen = np.flatnonzero((true == t) & (pred == p))
    if conf is not None:
        chosen = chosen[np.argsort(-conf[chosen], kind="stable")]
    t_name, p_name = _class_name(t, class_names), _class_name(p, class_names)
    shown = chosen[:max_images]
    title = f"True {t_name}, predicted {p_name}: {len(chosen)} images (showing {len(shown)})"
    if len(shown) == 0:
        fig, ax = plt.subplots(figsize=(6, 2.5), layout="constrained")
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"No image of class {t_name!r} was predicted as {p_name!r}.\n"
                "Pick another pair.", ha="center", va="center", fontsize="large")
        fig.suptitle(title)
        fig.supxlabel("this cell of the confusion matrix is 0", fontsize="medium")
        return fig
    order = "most confident first" if conf is not None else "in dataset order"
    fig, axes = _image_grid(len(shown), 8, title,
                            f"each panel: one test image ({order}); title = its index")
    fig.set_figwidth(max(fig.get_figwidth(), 7.0))  # room for the title with few images
    for ax, i in zip(axes, shown, strict=True):
        _show_image(ax, imgs[i], white)
        label = f"#{i}" + (f" p={conf[i]:.2f}" if conf is not None else "")
        ax.set_title(label, fontsize="small", color=RIGHT_COLOR if t == p else WRONG_COLOR)
    return fig


def plot_prediction(
    image: ArrayLike, probabilities: ArrayLike, class_names: Sequence[str] | None = None,
    true_label: int | str | None = None,
) -> Figure:
    """Show one image next to a bar chart of the model's probability for each class.

    The predicted class is the longest bar. Green marks the true class; when
    the prediction is wrong, the predicted bar is red. The title says right or wrong.

    Args:
        image: ONE image, shape (H, W), (H, W, 1) or (H, W, 3), uint8 or floats 0..1.
        probabilities: the model's C class probabilities for this image, e.g.
            ``model.predict(x_test[:1])[0]``.
        class_names: the name of each class (C names).
        true_label: the true class, by number or name (optional).

    Returns the matplotlib Figure. Example:
        >>> fig = plot_prediction(x_test[0], probs[0], class_names, true_label=y_test[0])
    """
    arr = _as_array(image, "image")
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (1, 3)):
        raise ValueError(f"image should be ONE image of shape (H, W), (H, W, 1) or (H, W, 3), "
                         f"got shape {arr.shape}; pass x_test[i], not x_test.")
    imgs, white = _prepare_images(arr[np.newaxis])
    probs = _check_probabilities(probabilities, class_names, ndim=1)
    pred = int(np.argmax(probs))
    true = None if true_label is None else _class_index(
        true_label.item() if isinstance(true_label, np.ndarray) else true_label,
        class_names, "true_label")
    if true is not None and true >= len(probs):
        raise ValueError(f"true_label {true} is not one of the {len(probs)} classes.")
    names = [_class_name(i, class_names) for i in range(len(probs))]

    colors = ["lightgray"] * len(probs)
    if true is None:
        colors[pred] = "tab:blue"
        title = f"Predicted {names[pred]} ({probs[pred]:.0%})"
    else:
        colors[pred] = RIGHT_COLOR if pred == true else WRONG_COLOR
        colors[true] = RIGHT_COLOR
        verdict = "Right" if pred == true else "Wrong"
        title = f"{verdict}: predicted {names[pred]} ({probs[pred]:.0%}), true {names[true]}"
    fig, (ax_img, ax_bar) = plt.subplots(
        1, 2, figsize=(8, max(2.8, 0.3 * len(probs) + 1.2)), width_ratios=[1, 1.5],
        layout="constrained")
    _show_image(ax_img, imgs[0], white)
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
    fig.suptitle(title, color="black" if true is None else colors[pred])
    return fig


def _check_probabilities(
    probabilities: ArrayLike, class_names: Sequence[str] | None, ndim: int
) -> np.ndarray:
    """Return probabilities as floats; check their shape, range and class count."""
    try:
        probs = np.asarray(probabilities, dtype=float)
    except (ValueError, TypeError) as err:
        raise ValueError("probabilities should be numbers, one per class (the output of "
                         "model.predict); these could not be read as numbers.") from err
    if probs.ndim != ndim or probs.shape[-1] < 2:
        shape = "(C,) for one image" if ndim == 1 else "(N, C), one row per image"
        raise ValueError(f"probabilities should have shape {shape}, with C >= 2 classes; "
                         f"got shape {probs.shape}. Pass the output of model.predict.")
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or probs.max() > 1:
        raise ValueError("probabilities should be between 0 and 1; if your model's last layer "
                         "has no softmax, apply keras.activations.softmax to its output.")
    if class_names is not None and len(class_names) != probs.shape[-1]:
        raise ValueError(f"Each probabilities row has {probs.shape[-1]} values but class_names "
                         f"has {len(class_names)} names; pass one probability per class.")
    return probs


# --------------------------------------------------------------------------- widgets


class _Explorer:
    """Shared machinery: an Image widget showing the current figure and an HTML status line."""

    kind = "Explorer"
    widget: widgets.VBox

    def __init__(self) -> None:
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
    """Sliders for each random augmentation, redrawing a grid of augmented images.

    Attributes: ``rotation``, ``zoom``, ``translation``, ``contrast`` (sliders),
    ``flip`` (checkbox), ``new_draw`` (button: new random versions), ``seed``,
    ``image`` (the picture), ``status`` (one line of text), ``widget`` (everything).
    """

    kind = "Augmentation explorer"

    def __init__(self, images: ArrayLike, n_versions: int = 5, seed: int = 0,
                 n_images: int = 4) -> None:
        super().__init__()
        self.images = _images(images)[0][:n_images]
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
            self.images, rotation=self.rotation.value, zoom=self.zoom.value,
            translation=self.translation.value, contrast=self.contrast.value,
            flip=self.flip.value, n_versions=self.n_versions, seed=self.seed,
            n_images=len(self.images))

    def describe(self) -> str:
        return (f"rotation {self.rotation.value:.2f}, zoom {self.zoom.value:.2f}, "
                f"translation {self.translation.value:.2f}, contrast {self.contrast.value:.2f}, "
                f"flip {'on' if self.flip.value else 'off'} (seed {self.seed})")


class ConfusionExplorer(_Explorer):
    """Two dropdowns (true class, predicted class) and the test images in that cell.

    Starts on the most confused pair. Attributes: ``true_class`` and
    ``pred_class`` (dropdowns), ``image``, ``status``, ``widget``.
    """

    kind = "Confusion explorer"

    def __init__(self, images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike,
                 class_names: Sequence[str] | None = None, max_images: int = 16) -> None:
        super().__init__()
        self.images, self.y_pred = np.asarray(images), y_pred
        self.class_names, self.max_images = class_names, max_images
        self.true, self.pred, _ = _labels_and_predictions(y_true, y_pred)
        n = _n_classes(self.true, self.pred, y_pred, class_names)
        self.counts = _confusion(self.true, self.pred, n)
        off = self.counts * (1 - np.eye(n, dtype=int))
        t, p = divmod(int(np.argmax(off)), n) if off.any() else (0, 0)
        options = [(_class_name(i, class_names), i) for i in range(n)]
        self.true_class = widgets.Dropdown(options=options, value=t, description="true class")
        self.pred_class = widgets.Dropdown(options=options, value=p, description="predicted")
        for dropdown in (self.true_class, self.pred_class):
            dropdown.observe(self.redraw, names="value")
        self.widget = widgets.VBox([widgets.HBox([self.true_class, self.pred_class]),
                                    self.status, self.image])
        self.redraw()

    def figure(self) -> Figure:
        return plot_confusion_pair(self.images, self.true, self.y_pred, self.true_class.value,
                                   self.pred_class.value, self.class_names, self.max_images)

    def describe(self) -> str:
        t, p = self.true_class.value, self.pred_class.value
        count = int(self.counts[t, p])
        return (f"{count} images true {_class_name(t, self.class_names)} → predicted "
                f"{_class_name(p, self.class_names)} (showing {min(count, self.max_images)})")


class PredictionExplorer(_Explorer):
    """A slider over the test images and a "Next mistake" button; shows image and probabilities.

    Attributes: ``index`` (IntSlider), ``next_mistake`` (button), ``mistakes``
    (indices of the wrong predictions), ``image``, ``status``, ``widget``.
    """

    kind = "Prediction explorer"

    def __init__(self, images: ArrayLike, probabilities: ArrayLike, y_true: ArrayLike,
                 class_names: Sequence[str] | None = None, start: int = 0) -> None:
        super().__init__()
        self.images = _images(images)[0]
        self.probs = _check_probabilities(probabilities, class_names, ndim=2)
        self.true, self.pred, _ = _labels_and_predictions(y_true, self.probs)
        self.class_names = class_names
        if not len(self.images) == len(self.probs) == len(self.true):
            raise ValueError(f"You passed {len(self.images)} images, {len(self.probs)} "
                             f"probability rows and {len(self.true)} labels; pass one of each "
                             "per image.")
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
        return plot_prediction(self.images[i], self.probs[i], self.class_names,
                               int(self.true[i]))

    def describe(self) -> str:
        i = self.index.value
        t, p = int(self.true[i]), int(self.pred[i])
        return (f"image {i}: true {_class_name(t, self.class_names)}, predicted "
                f"{_class_name(p, self.class_names)} (p={self.probs[i, p]:.2f}) — "
                f"{'right' if t == p else 'wrong'}; {len(self.mistakes)} mistakes "
                f"in {len(self.images)} images")


# --------------------------------------------------------------------------- short-cuts


def augmentation_explorer(images: ArrayLike, n_versions: int = 5, seed: int = 0,
                          n_images: int = 4) -> AugmentationExplorer:
    """Explore data augmentation: sliders redraw ``plot_augmentation_grid`` live.

    Example:
        >>> augmentation_explorer(x_train[:4])   # last line of a cell
    """
    return AugmentationExplorer(images, n_versions=n_versions, seed=seed, n_images=n_images)


def confusion_explorer(images: ArrayLike, y_true: ArrayLike, y_pred: ArrayLike,
                       class_names: Sequence[str] | None = None,
                       max_images: int = 16) -> ConfusionExplorer:
    """Pick a true and a predicted class and see those images (``plot_confusion_pair``).

    Example:
        >>> confusion_explorer(x_test, y_test, model.predict(x_test), class_names)
    """
    return ConfusionExplorer(images, y_true, y_pred, class_names, max_images=max_images)


def prediction_explorer(images: ArrayLike, probabilities: Any, y_true: ArrayLike,
                        class_names: Sequence[str] | None = None,
                        start: int = 0) -> PredictionExplorer:
    """Step through images and see the model's probabilities (``plot_prediction``).

    ``probabilities`` is the output of ``model.predict(images)``, or the Keras
    model itself: then ``model.predict`` runs once, here, not on every slider move.

    Example:
        >>> prediction_explorer(x_test[:500], model, y_test[:500], class_names)
    """
    if hasattr(probabilities, "predict"):
        probabilities = probabilities.predict(np.asarray(images), verbose=0)
    return PredictionExplorer(images, probabilities, y_true, class_names, start=start)
