"""course_utils.explore: the widgets driven headlessly, the figures they draw, and the fallbacks."""

from __future__ import annotations

import base64
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_helpers import image_axes

from course_utils import explore

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


def _panel(ax) -> np.ndarray:
    return np.asarray(ax.images[0].get_array())


# --------------------------------------------------------------------------- augmentation


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


def test_augmentation_explorer_draws_n_images_with_its_title() -> None:
    ex = explore.augmentation_explorer(IMAGES, n=3, n_versions=2, title="Photos")
    fig = ex.figure()
    assert len(image_axes(fig)) == 3 * 3
    assert fig._suptitle.get_text() == "Photos (seed 0)"


# --------------------------------------------------------------------------- confusion


def test_confusion_explorer_starts_on_worst_pair_and_follows_dropdowns() -> None:
    ex = explore.confusion_explorer(SMALL, Y_TRUE, PROBS, NAMES, n=2)
    assert (ex.true_class.value, ex.predicted_class.value) == (0, 1)
    assert [label for label, _ in ex.true_class.options] == NAMES
    assert ex.status.value == "3 images true cat → predicted dog (showing 2)"
    png = ex.image.value
    ex.true_class.value = 1
    ex.predicted_class.value = 0
    assert ex.status.value == "1 images true dog → predicted cat (showing 1)"
    assert ex.image.value != png
    ex.true_class.value = 2
    assert ex.status.value.startswith("0 images true frog")
    assert plt.get_fignums() == []


def test_confusion_explorer_draws_plot_misclassified() -> None:
    """One misclassified-images figure: the explorer shows mistakes.plot_misclassified."""
    ex = explore.confusion_explorer(SMALL, Y_TRUE, Y_PRED, NAMES, n=2)
    fig = ex.figure()
    assert fig._suptitle.get_text() == "cat predicted as dog (3 in total): 2 of 2 wrong"
    panels = image_axes(fig)
    assert [ax.get_title() for ax in panels] == ["pred: dog\ntrue: cat"] * 2
    np.testing.assert_array_equal(_panel(panels[0]), SMALL[0])
    ex.true_class.value, ex.predicted_class.value = 2, 0  # an empty cell: a figure says so
    fig = ex.figure()
    assert image_axes(fig) == []
    assert "No image of class 'frog' was predicted as 'cat'" in fig.axes[0].texts[0].get_text()
    ex.predicted_class.value = 2  # the diagonal: the images it gets right
    assert len(image_axes(ex.figure())) == 2


def test_confusion_explorer_title_goes_before_the_pair() -> None:
    ex = explore.confusion_explorer(SMALL, Y_TRUE, PROBS, NAMES, title="Test set")
    assert ex.figure()._suptitle.get_text().startswith("Test set: cat predicted as dog (3 in")


# --------------------------------------------------------------------------- prediction


def test_prediction_explorer_slider_and_next_mistake_wraps() -> None:
    ex = explore.prediction_explorer(SMALL, Y_TRUE, PROBS, NAMES)
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


def test_prediction_explorer_draws_plot_prediction_with_its_title() -> None:
    ex = explore.prediction_explorer(SMALL, Y_TRUE, PROBS, NAMES, start=2, title="Test image")
    fig = ex.figure()
    assert fig._suptitle.get_text() == "Test image: Right: predicted cat (80%), true cat"
    assert [ax.get_title() for ax in fig.axes] == ["the image", "What the model thinks"]


def test_prediction_explorer_runs_a_model_once() -> None:
    class Model:
        calls = 0

        def predict(self, x, verbose=0):
            Model.calls += 1
            return PROBS[: len(x)]

    ex = explore.prediction_explorer(SMALL, Y_TRUE, Model(), NAMES)
    ex.index.value = 5
    assert Model.calls == 1


# --------------------------------------------------------------------------- fallbacks, errors


@pytest.mark.parametrize("make", [
    lambda: explore.augmentation_explorer(IMAGES[:1], n_versions=1),
    lambda: explore.confusion_explorer(SMALL, Y_TRUE, Y_PRED, NAMES),
    lambda: explore.prediction_explorer(SMALL, Y_TRUE, PROBS),
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
    ex = explore.prediction_explorer(SMALL, Y_TRUE, PROBS)
    monkeypatch.setattr(type(ex.widget), "_repr_mimebundle_", lambda self, **kw: None)
    assert set(ex._repr_mimebundle_()) == {"image/png", "text/plain"}


@pytest.mark.parametrize("call, message", [
    (lambda: explore.augmentation_explorer(IMAGES[:0]), "images is empty"),
    (lambda: explore.augmentation_explorer(IMAGES[0]), "ONE colour image"),
    (lambda: explore.prediction_explorer(SMALL, Y_TRUE, PROBS[:, :2], NAMES), "one probability"),
    (lambda: explore.prediction_explorer(SMALL[:3], Y_TRUE, PROBS), "images has 3 items"),
    (lambda: explore.prediction_explorer(SMALL, Y_TRUE[:4], PROBS),
     "y_true has 4 items but probabilities has 12"),
    (lambda: explore.prediction_explorer(SMALL, Y_TRUE, PROBS, start=12), "start is 12"),
    (lambda: explore.confusion_explorer(SMALL[:3], Y_TRUE, Y_PRED), "images has 3 items"),
    (lambda: explore.confusion_explorer(SMALL, Y_TRUE, Y_PRED, NAMES[:2]),
     "y_true contains class 2, but class_names has only 2"),
])
def test_bad_inputs_are_clear_errors(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("explorer", [explore.augmentation_explorer, explore.confusion_explorer,
                                      explore.prediction_explorer])
def test_explorers_share_one_argument_order_and_take_a_title(explorer) -> None:
    parameters = inspect.signature(explorer).parameters
    positional = [name for name, p in parameters.items()
                  if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    expected = ["images", "y_true", "y_pred", "probabilities", "class_names"]
    assert positional == [name for name in expected if name in positional]
    assert positional[0] == "images"
    assert parameters["title"].kind is inspect.Parameter.KEYWORD_ONLY
    assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
               for name in ("n", "start", "n_versions", "seed") if name in parameters)
