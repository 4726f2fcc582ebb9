"""course_utils.explore: the plain figures, the widgets driven headlessly, and the fallbacks."""

from __future__ import annotations

import base64

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_helpers import image_axes
from matplotlib.colors import to_rgba

from course_utils import explore
from course_utils.plots import RIGHT_COLOR, WRONG_COLOR

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
NAMES = ["cat", "dog", "frog"]
# 12 tiny images: true and predicted labels with 3 cat→dog, 1 dog→cat, 1 frog→dog mistakes.
Y_TRUE = np.array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
Y_PRED = np.array([1, 1, 0, 1, 0, 1, 0, 1, 2, 1, 2, 2])
SMALL = RNG.integers(0, 256, (12, 8, 8, 3), dtype=np.uint8)
PROBS = np.full((12, 3), 0.1)
PROBS[np.arange(12), Y_PRED] = 0.8
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def _panel(ax) -> np.ndarray:
    return np.asarray(ax.images[0].get_array())


# --------------------------------------------------------------------------- augmentation


def test_augmentation_grid_has_original_column_title_and_label() -> None:
    fig = explore.plot_augmentation_grid(IMAGES, n_versions=3, seed=5)
    axes = image_axes(fig)
    assert len(axes) == 4 * 4
    assert [ax.get_title() for ax in axes[:4]] == ["original", "version 1", "version 2",
                                                   "version 3"]
    assert fig._suptitle.get_text() == "Random augmentations (seed 5)"
    assert "first column: the original" in fig._supxlabel.get_text()
    for row in range(4):
        np.testing.assert_array_equal(_panel(axes[row * 4]), IMAGES[row])


def test_same_seed_same_figure_and_different_seed_or_params_differ() -> None:
    first = _pixels(explore.plot_augmentation_grid(IMAGES[:2], n_versions=2, seed=1))
    again = _pixels(explore.plot_augmentation_grid(IMAGES[:2], n_versions=2, seed=1))
    other_seed = _pixels(explore.plot_augmentation_grid(IMAGES[:2], n_versions=2, seed=2))
    other_zoom = _pixels(explore.plot_augmentation_grid(IMAGES[:2], n_versions=2, seed=1,
                                                        zoom=0.4))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other_seed)
    assert not np.array_equal(first, other_zoom)


def test_all_zero_parameters_leave_the_images_unchanged() -> None:
    fig = explore.plot_augmentation_grid(IMAGES, rotation=0, zoom=0, translation=0,
                                         contrast=0, flip=False, n_versions=2)
    axes = image_axes(fig)
    for i, ax in enumerate(axes):
        np.testing.assert_array_equal(_panel(ax), IMAGES[i // 3])


def test_augmentation_grid_accepts_grey_and_float_images() -> None:
    grey = explore.plot_augmentation_grid(IMAGES[:2, :, :, :1], n_versions=2)
    assert [_panel(ax).shape for ax in image_axes(grey)] == [(32, 32)] * 6
    floats = explore.plot_augmentation_grid(IMAGES[:1] / 255.0, contrast=0.9, n_versions=2)
    for ax in image_axes(floats):
        assert 0.0 <= _panel(ax).min() and _panel(ax).max() <= 1.0


def test_augmentation_explorer_redraws_on_slider_button_and_checkbox() -> None:
    ex = explore.augmentation_explorer(IMAGES[:2], n_versions=2)
    assert bytes(ex.image.value).startswith(b"\x89PNG")
    png, status = ex.image.value, ex.status.value
    ex.rotation.value = 0.3
    assert ex.image.value != png and "rotation 0.30" in ex.status.value != status
    png = ex.image.value
    ex.new_draw.click()
    assert ex.image.value != png and "seed 1" in ex.status.value
    ex.flip.value = False
    assert "flip off" in ex.status.value
    assert plt.get_fignums() == []


# --------------------------------------------------------------------------- confusion pair


def test_confusion_pair_title_and_number_of_panels() -> None:
    fig = explore.plot_confusion_pair(SMALL, Y_TRUE, Y_PRED, "cat", "dog", NAMES, max_images=2)
    assert fig._suptitle.get_text() == "True cat, predicted dog: 3 images (showing 2)"
    assert len(image_axes(fig)) == 2
    fig = explore.plot_confusion_pair(SMALL, Y_TRUE, PROBS, 2, 1, NAMES)
    assert fig._suptitle.get_text() == "True frog, predicted dog: 1 images (showing 1)"
    [ax] = image_axes(fig)
    assert ax.get_title() == "#9 p=0.80"
    np.testing.assert_array_equal(_panel(ax), SMALL[9])


def test_confusion_pair_without_images_says_so() -> None:
    fig = explore.plot_confusion_pair(SMALL, Y_TRUE, Y_PRED, "frog", "cat", NAMES)
    assert fig._suptitle.get_text() == "True frog, predicted cat: 0 images (showing 0)"
    assert image_axes(fig) == []
    assert "No image of class 'frog' was predicted as 'cat'" in fig.axes[0].texts[0].get_text()


def test_confusion_explorer_starts_on_worst_pair_and_follows_dropdowns() -> None:
    ex = explore.confusion_explorer(SMALL, Y_TRUE, PROBS, NAMES, max_images=2)
    assert (ex.true_class.value, ex.pred_class.value) == (0, 1)
    assert [label for label, _ in ex.true_class.options] == NAMES
    assert ex.status.value == "3 images true cat → predicted dog (showing 2)"
    png = ex.image.value
    ex.true_class.value = 1
    ex.pred_class.value = 0
    assert ex.status.value == "1 images true dog → predicted cat (showing 1)"
    assert ex.image.value != png
    ex.true_class.value = 2
    assert ex.status.value.startswith("0 images true frog")
    assert plt.get_fignums() == []


# --------------------------------------------------------------------------- prediction


def _bar_colors(fig) -> list[tuple]:
    return [patch.get_facecolor() for patch in fig.axes[1].patches]


def test_prediction_plot_wrong_colours_true_green_and_predicted_red() -> None:
    fig = explore.plot_prediction(IMAGES[0], [0.2, 0.7, 0.1], NAMES, true_label="cat")
    assert fig._suptitle.get_text() == "Wrong: predicted dog (70%), true cat"
    colors = _bar_colors(fig)
    assert colors[0] == to_rgba(RIGHT_COLOR) and colors[1] == to_rgba(WRONG_COLOR)
    assert colors[2] == to_rgba("lightgray")
    image_ax, bar_ax = fig.axes
    assert bar_ax.get_xlabel() == "probability" and bar_ax.get_ylabel() == "class"
    assert [t.get_text() for t in bar_ax.get_yticklabels()] == NAMES
    assert image_ax.get_xlabel() == "true class: cat"


def test_prediction_plot_right_and_without_true_label() -> None:
    fig = explore.plot_prediction(IMAGES[0, :, :, 0], np.array([0.1, 0.1, 0.8]), NAMES,
                                  true_label=np.array([2]))
    assert fig._suptitle.get_text().startswith("Right: predicted frog")
    assert _bar_colors(fig)[2] == to_rgba(RIGHT_COLOR)
    fig = explore.plot_prediction(IMAGES[0], [0.6, 0.4])
    assert fig._suptitle.get_text() == "Predicted 0 (60%)"


def test_prediction_explorer_slider_and_next_mistake_wraps() -> None:
    ex = explore.prediction_explorer(SMALL, PROBS, Y_TRUE, NAMES)
    assert list(ex.mistakes) == [0, 1, 3, 6, 9]
    assert ex.status.value.startswith("image 0: true cat, predicted dog (p=0.80) — wrong")
    png = ex.image.value
    ex.index.value = 2
    assert "image 2: true cat, predicted cat" in ex.status.value and "right" in ex.status.value
    assert ex.image.value != png
    ex.next_mistake.click()
    assert ex.index.value == 3
    ex.index.value = 10
    ex.next_mistake.click()
    assert ex.index.value == 0
    assert plt.get_fignums() == []


def test_prediction_explorer_runs_a_model_once() -> None:
    class Model:
        calls = 0

        def predict(self, x, verbose=0):
            Model.calls += 1
            return PROBS[: len(x)]

    ex = explore.prediction_explorer(SMALL, Model(), Y_TRUE, NAMES)
    ex.index.value = 5
    assert Model.calls == 1


# --------------------------------------------------------------------------- fallbacks, errors


@pytest.mark.parametrize("make", [
    lambda: explore.augmentation_explorer(IMAGES[:1], n_versions=1),
    lambda: explore.confusion_explorer(SMALL, Y_TRUE, Y_PRED, NAMES),
    lambda: explore.prediction_explorer(SMALL, PROBS, Y_TRUE),
])
def test_mimebundle_has_widget_view_png_and_text(make) -> None:
    ex = make()
    bundle = ex._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert base64.b64decode(bundle["image/png"]) == bytes(ex.image.value)
    text = bundle["text/plain"]
    assert "\n" not in text and "Run this notebook in Jupyter" in text
    assert plt.get_fignums() == []


def test_mimebundle_falls_back_without_widget_view(monkeypatch) -> None:
    ex = explore.prediction_explorer(SMALL, PROBS, Y_TRUE)
    monkeypatch.setattr(type(ex.widget), "_repr_mimebundle_", lambda self, **kw: None)
    assert set(ex._repr_mimebundle_()) == {"image/png", "text/plain"}


@pytest.mark.parametrize("call, message", [
    (lambda: explore.plot_augmentation_grid(IMAGES[:0]), "no images"),
    (lambda: explore.plot_augmentation_grid(IMAGES[0]), "ONE colour image"),
    (lambda: explore.plot_augmentation_grid(np.zeros((2, 8, 8, 5))), "shape"),
    (lambda: explore.plot_augmentation_grid(IMAGES, zoom=2), "between 0 and 1"),
    (lambda: explore.plot_confusion_pair(SMALL[:5], Y_TRUE, Y_PRED, 0, 1), "5 images"),
    (lambda: explore.plot_confusion_pair(SMALL, Y_TRUE, Y_PRED, "horse", "cat", NAMES),
     "not a class name"),
    (lambda: explore.plot_confusion_pair(SMALL, Y_TRUE, Y_PRED, 0, 7), "only 3 classes"),
    (lambda: explore.plot_prediction(IMAGES, [0.5, 0.5]), "ONE image"),
    (lambda: explore.plot_prediction(IMAGES[0], [0.5, 0.5], NAMES), "one probability"),
    (lambda: explore.plot_prediction(IMAGES[0], [3.0, -1.0]), "softmax"),
    (lambda: explore.prediction_explorer(SMALL, PROBS[:, :2], Y_TRUE, NAMES), "one probability"),
    (lambda: explore.prediction_explorer(SMALL[:3], PROBS, Y_TRUE), "3 images"),
    (lambda: explore.prediction_explorer(SMALL, PROBS, Y_TRUE[:4]), "4 true labels"),
    (lambda: explore.confusion_explorer(SMALL[:3], Y_TRUE, Y_PRED), "3 images"),
])
def test_bad_inputs_are_clear_errors(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
