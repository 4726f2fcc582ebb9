"""Property-based tests: plotting and data helpers on odd inputs never crash from deep inside.

Hypothesis generates images of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3) with N from 0
to 5 and H, W from 1 to 40 (mostly not square), as uint8, whole-number integers or floats
(in 0..1 or 0..255, sometimes with NaN or infinity), and labels as class numbers (N,) or
(N, 1), one-hot rows, probabilities, fractions, negative numbers, or of the wrong length.

Each call must end one of two ways:

- a matplotlib Figure that has a title and an axis label, and draws without an error; or
- a ValueError or TypeError raised by a ``raise`` statement in course_utils, with a
  message: a clear error for the learner, not a traceback from inside numpy or matplotlib.

Anything else (IndexError, ZeroDivisionError, an error from matplotlib while drawing ...)
fails the test, and Hypothesis shows the smallest input that does it.
"""

from __future__ import annotations

import io
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from matplotlib.figure import Figure

import course_utils
from course_utils import config, errors, explore, plots

COURSE_UTILS = Path(course_utils.__file__).resolve().parent

# Hypothesis keeps a cache (and, by default, an example database) in .hypothesis/ under the
# current folder; keep it out of the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "course-hypothesis")

# Plain-numpy figures are cheap: many examples. TensorFlow-based ones: very few.
# No example database: nothing is written into the checkout.
FAST = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
FEW = settings(FAST, max_examples=6)


# --------------------------------------------------------------------------- outcomes


def _text(artist: Any) -> str:
    return artist.get_text() if artist is not None else ""


def _check_figure(fig: Figure) -> None:
    """A title, an axis label, and the figure draws (many crashes happen only when drawing)."""
    titles = [_text(fig._suptitle)] + [ax.get_title() for ax in fig.axes]
    labels = [_text(fig._supxlabel), _text(fig._supylabel)]
    labels += [ax.get_xlabel() + ax.get_ylabel() for ax in fig.axes]
    assert any(titles), "the figure has no title"
    assert any(labels), "the figure has no axis label"
    fig.savefig(io.BytesIO(), format="png", dpi=20)


def outcome(call: Callable[[], Any]) -> Any:
    """Run ``call``; return its result (figures checked) or the clear error it raised."""
    try:
        result = call()
    except (ValueError, TypeError) as err:
        last = traceback.extract_tb(err.__traceback__)[-1]
        origin = Path(last.filename).resolve()
        assert origin.is_relative_to(COURSE_UTILS), (
            f"{type(err).__name__} raised in {origin}:{last.lineno}, not by course_utils: {err}"
        )
        assert (last.line or "").lstrip().startswith("raise"), (
            f"{type(err).__name__} from a call at {origin.name}:{last.lineno} "
            f"({last.line!r}), not from a raise statement: {err}"
        )
        assert len(str(err)) >= 20, f"the message is too short to help: {err!r}"
        return err
    if isinstance(result, Figure):
        _check_figure(result)
        plt.close(result)
    return result


# --------------------------------------------------------------------------- strategies


@st.composite
def image_batches(draw: st.DrawFn, max_n: int = 5) -> Any:
    """A batch of N images: grey (N, H, W) or (N, H, W, 1), or colour (N, H, W, 3).

    Sometimes a list of images of different sizes instead, which is no batch at all.
    """
    n = draw(st.integers(0, max_n))
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    layout = draw(st.sampled_from(["grey", "grey1", "rgb", "rgb", "ragged"]))
    if layout == "ragged" and n >= 2:
        return [_pixels(draw, (h + i, w, 3)) for i in range(n)]
    shape = {"grey": (n, h, w), "grey1": (n, h, w, 1)}.get(layout, (n, h, w, 3))
    return _pixels(draw, shape)


@st.composite
def single_images(draw: st.DrawFn) -> np.ndarray:
    """ONE image: (H, W), (H, W, 1) or (H, W, 3)."""
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    shape = draw(st.sampled_from([(h, w), (h, w, 1), (h, w, 3)]))
    return _pixels(draw, shape)


def _pixels(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    kind = draw(st.sampled_from(["uint8", "int64", "float01", "float255", "float_odd"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "uint8":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if kind == "int64":
        return rng.integers(-300, 600, shape)  # out of range on purpose
    if kind == "float01":
        return rng.random(shape, dtype=np.float32)
    if kind == "float255":
        return (rng.random(shape) * 255).astype(np.float64)
    pixels = rng.random(shape, dtype=np.float32)
    if pixels.size:
        pixels.flat[0] = draw(st.sampled_from([np.nan, np.inf, -np.inf, -1.0, 300.0]))
    return pixels


@st.composite
def labels_for(draw: st.DrawFn, n: int, n_classes: int) -> np.ndarray:
    """Labels for n images: mostly right, sometimes with the wrong length or odd values."""
    length = draw(st.sampled_from([n, n, n, max(n - 1, 0), n + 1]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    classes = rng.integers(0, n_classes, length)
    form = draw(
        st.sampled_from(
            ["int", "int", "column", "one_hot", "float_whole", "fraction", "negative", "too_big",
             "huge", "nan", "no_columns"]
        )
    )
    if form == "huge":  # pixel values or file numbers passed as labels
        return classes + 10**9
    if form == "nan":
        return np.where(np.arange(length) == 0, np.nan, classes.astype(float))
    if form == "no_columns":
        return np.zeros((length, 0))
    if form == "column":
        return classes[:, np.newaxis]
    if form == "one_hot":
        return np.eye(n_classes)[classes]
    if form == "float_whole":
        return classes.astype(float)
    if form == "fraction":
        return classes + 0.5
    if form == "negative":
        return classes - n_classes
    if form == "too_big":
        return classes + n_classes
    return classes


@st.composite
def predictions_for(draw: st.DrawFn, n: int, n_classes: int) -> np.ndarray:
    """Predictions: class numbers, probability rows, or a one-unit sigmoid column."""
    form = draw(st.sampled_from(["labels", "probs", "probs", "sigmoid"]))
    if form == "labels":
        return draw(labels_for(n, n_classes))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if form == "sigmoid":
        return rng.random((n, 1))
    raw = rng.random((n, n_classes)) + 1e-3
    return raw / raw.sum(axis=1, keepdims=True)


def class_names_for(n_classes: int) -> st.SearchStrategy[list[str] | None]:
    """None, the right number of names, or too few names."""
    names = [f"class {i}" for i in range(n_classes)]
    return st.sampled_from([None, names, names, names[: max(n_classes - 1, 1)]])


@st.composite
def labelled_batches(draw: st.DrawFn) -> dict[str, Any]:
    images = draw(image_batches())
    n_classes = draw(st.integers(1, 6))
    n = len(images)
    return {
        "images": images,
        "y_true": draw(labels_for(n, n_classes)),
        "y_pred": draw(predictions_for(n, n_classes)),
        "class_names": draw(class_names_for(n_classes)),
        "n_classes": n_classes,
    }


# --------------------------------------------------------------------------- plots


COUNTS = st.one_of(st.integers(-1, 8), st.just(2.5))


@FAST
@given(batch=labelled_batches(), n=COUNTS)
def test_plot_samples(batch: dict[str, Any], n: int) -> None:
    result = outcome(lambda: plots.plot_samples(
        batch["images"], batch["y_true"], batch["class_names"], n=n, ncols=3))
    if isinstance(result, Figure):
        assert len([ax for ax in result.axes if ax.images]) == min(n, len(batch["images"]))


@FAST
@given(batch=labelled_batches())
def test_plot_label_counts(batch: dict[str, Any]) -> None:
    labels = batch["y_true"]
    result = outcome(lambda: plots.plot_label_counts(labels, batch["class_names"]))
    if isinstance(result, Figure):
        heights = [bar.get_height() for bar in result.axes[0].patches]
        assert sum(heights) == len(labels)


@FAST
@given(batch=labelled_batches(), n=COUNTS)
def test_plot_predictions(batch: dict[str, Any], n: int) -> None:
    result = outcome(lambda: plots.plot_predictions(
        batch["images"], batch["y_true"], batch["y_pred"], batch["class_names"], n=n))
    if isinstance(result, Figure):
        assert len([ax for ax in result.axes if ax.images]) == min(n, len(batch["images"]))


def _flip(batch: Any, training: bool = False) -> np.ndarray:
    """A cheap stand-in for an augmentation layer: mirror every image."""
    return np.asarray(batch)[:, :, ::-1]


@FAST
@given(image=single_images(), n=COUNTS)
def test_plot_augmentations_with_a_cheap_function(image: np.ndarray, n: int) -> None:
    result = outcome(lambda: plots.plot_augmentations(image, _flip, n=n))
    if isinstance(result, Figure):
        assert len([ax for ax in result.axes if ax.images]) == n


@FEW
@given(image=single_images())
def test_plot_augmentations_with_a_keras_layer(image: np.ndarray) -> None:
    import keras

    outcome(lambda: plots.plot_augmentations(image, keras.layers.RandomFlip("horizontal"), n=3))


@FAST
@given(images=image_batches(max_n=2))
def test_plot_augmentations_rejects_a_batch_or_wrong_shapes(images: np.ndarray) -> None:
    """Passing x_train[:k] instead of x_train[0] is the classic mistake."""
    result = outcome(lambda: plots.plot_augmentations(images, _flip, n=3))
    if isinstance(result, Figure):
        # A batch of one is one image; so is (N, H, W) with W in 1, 3, 4, which has the
        # shape of one (H, W, C) image: no function can tell those apart.
        assert len(images) == 1 or (images.ndim == 3 and images.shape[-1] in (1, 3, 4))


# --------------------------------------------------------------------------- errors


@FAST
@given(batch=labelled_batches(), normalize=st.booleans())
def test_plot_confusion_matrix(batch: dict[str, Any], normalize: bool) -> None:
    names = batch["class_names"] or [str(i) for i in range(batch["n_classes"])]
    result = outcome(lambda: errors.plot_confusion_matrix(
        batch["y_true"], batch["y_pred"], names, normalize=normalize))
    if isinstance(result, Figure) and not normalize:
        counts = result.axes[0].collections[0].get_array()
        assert counts.sum() == len(batch["y_true"])


@FAST
@given(batch=labelled_batches(), top=COUNTS)
def test_most_confused_pairs(batch: dict[str, Any], top: int) -> None:
    result = outcome(lambda: errors.most_confused_pairs(
        batch["y_true"], batch["y_pred"], batch["class_names"], top=top))
    if isinstance(result, list):
        assert len(result) <= top
        assert all(p.true != p.predicted and p.count > 0 and 0 < p.share <= 1 for p in result)
        assert [p.count for p in result] == sorted((p.count for p in result), reverse=True)
        assert all(isinstance(str(p), str) for p in result)


@FAST
@given(batch=labelled_batches(), t=st.one_of(st.integers(-1, 6), st.just(0.5)),
       p=st.integers(-1, 6))
def test_plot_misclassified(batch: dict[str, Any], t: int, p: int) -> None:
    outcome(lambda: errors.plot_misclassified(
        batch["images"], batch["y_true"], batch["y_pred"], t, p, batch["class_names"], n=4))


# --------------------------------------------------------------------------- explore


@st.composite
def probability_vectors(draw: st.DrawFn) -> np.ndarray:
    c = draw(st.integers(0, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    form = draw(st.sampled_from(["softmax", "softmax", "logits", "row", "nan"]))
    raw = rng.random(c) + 1e-3
    probs = raw / raw.sum() if c else raw
    if form == "logits":
        return rng.normal(0, 3, c)
    if form == "row":
        return probs[np.newaxis]
    if form == "nan" and c:
        probs[0] = np.nan
    return probs


@FAST
@given(image=single_images(), probs=probability_vectors(), true=st.integers(-1, 6),
       named=st.booleans(), give_true=st.booleans())
def test_plot_prediction(
    image: np.ndarray, probs: np.ndarray, true: int, named: bool, give_true: bool
) -> None:
    names = [f"class {i}" for i in range(probs.shape[-1])] if named else None
    outcome(lambda: explore.plot_prediction(
        image, probs, names, true_label=true if give_true else None))


@FAST
@given(batch=labelled_batches(), t=st.integers(-1, 6), p=st.integers(-1, 6),
       max_images=COUNTS)
def test_plot_confusion_pair(batch: dict[str, Any], t: int, p: int, max_images: int) -> None:
    outcome(lambda: explore.plot_confusion_pair(
        batch["images"], batch["y_true"], batch["y_pred"], t, p, batch["class_names"],
        max_images=max_images))


@FEW
@given(images=image_batches(max_n=2), n_versions=st.integers(0, 2))
def test_plot_augmentation_grid(images: np.ndarray, n_versions: int) -> None:
    outcome(lambda: explore.plot_augmentation_grid(
        images, rotation=0.1, zoom=0.1, translation=0.1, contrast=0.2,
        n_versions=n_versions, n_images=2))


# --------------------------------------------------------------------------- config.shrink


@settings(FAST, max_examples=40)
@given(lengths=st.lists(st.integers(0, 30), min_size=0, max_size=3),
       fast=st.integers(0, 40), fast_mode=st.booleans())
def test_shrink(lengths: list[int], fast: int, fast_mode: bool) -> None:
    arrays = [np.arange(k) for k in lengths]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_FAST", "1" if fast_mode else "0")
        result = outcome(lambda: config.shrink(*arrays, fast=fast))
    if isinstance(result, Exception):
        assert not lengths or len(set(lengths)) > 1
        return
    expected = min(lengths[0], fast) if fast_mode else lengths[0]
    assert [len(a) for a in result] == [expected] * len(arrays)


# --------------------------------------------------------------------------- found crashes

_IMG = np.zeros((2, 5, 6), np.uint8)

# Each of these crashed inside numpy, matplotlib or scikit-learn (or ran out of memory)
# before course_utils checked for it; kept here so they stay fixed.
FOUND = {
    "an empty batch read as one image": lambda: plots.plot_augmentations(
        np.zeros((0, 1, 1), np.uint8), _flip, n=3),
    "images of different sizes": lambda: plots.plot_samples(
        [np.zeros((3, 3)), np.zeros((4, 4))], [0, 1]),
    "one-hot labels with no columns": lambda: plots.plot_label_counts(np.zeros((3, 0))),
    "labels in the billions": lambda: plots.plot_label_counts(np.array([0, 10**12])),
    "confusion matrix of a billion classes": lambda: errors.plot_confusion_matrix(
        [0, 10**9], [0, 1], None),
    "a fractional n": lambda: plots.plot_samples(_IMG, [0, 1], n=1.5),
    "a fractional top": lambda: errors.most_confused_pairs([0, 1], [1, 0], top=1.5),
    "a fractional class number": lambda: errors.plot_misclassified(_IMG, [0, 1], [1, 0], 0.5, 1),
    "probabilities that are text": lambda: explore.plot_prediction(_IMG[0], ["a", "b"]),
    "an augmentation without training=": lambda: plots.plot_augmentations(
        _IMG[0], lambda batch: batch, n=3),
}


@pytest.mark.parametrize("call", FOUND.values(), ids=FOUND.keys())
def test_crashes_found_are_now_clear_errors(call: Callable[[], Any]) -> None:
    assert isinstance(outcome(call), (ValueError, TypeError))
