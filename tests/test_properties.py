"""Property-based tests: the figures on odd inputs either work or refuse clearly, as predicted.

Hypothesis generates images of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3) with N from 0
to 5 and H, W from 1 to 40 (mostly not square), as uint8, whole-number integers or floats
(in 0..1 or 0..255, sometimes with NaN or infinity), and labels as class numbers (N,) or
(N, 1), one-hot rows, probabilities, fractions, negative numbers, or of the wrong length.

Every generated input knows what it is: which class numbers it stands for, or which error
it alone must cause (``Drawn.problem``). From that, each test first decides whether the
call must succeed, and then checks it:

- no problem: the call returns; a Figure has a title and an axis label, draws without an
  error, and shows what it should (the number of panels, bars or cells, its title);
- problems: the call raises one of their errors (``TypeError`` for a value of the wrong
  kind, ``ValueError`` for a wrong value) from a ``raise`` statement in course_utils, and
  the message names the argument at fault -- not a traceback from inside numpy or matplotlib.

So a function that refused every input fails these tests, as does one that accepted a bad one.
"""

from __future__ import annotations

import io
import re
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
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
from course_utils import config, mistakes, plots, predictions
from course_utils.inputs import MAX_CLASSES

COURSE_UTILS = Path(course_utils.__file__).resolve().parent

# Hypothesis keeps a cache (and, by default, an example database) in .hypothesis/ under the
# current folder; keep it out of the checkout.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "course-hypothesis")

# Plain-numpy figures are cheap: many examples. TensorFlow-based ones: very few.
# No example database: nothing is written into the checkout. Derandomized: every run tries
# the same examples, so a failure in CI is reproduced by running the test again.
FAST = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
FEW = settings(FAST, max_examples=6)

Problems = dict[str, type[Exception]]


# --------------------------------------------------------------------------- outcomes


def _text(artist: Any) -> str:
    return artist.get_text() if artist is not None else ""


def _mentions(message: str, name: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", message) is not None


def expect(call: Callable[[], Any], problems: Problems) -> Any:
    """Run ``call``, which must succeed when ``problems`` is empty and raise otherwise.

    ``problems`` maps an argument's name to the error it must cause. On success the
    result is returned; a Figure is checked (title, axis label, it draws) and closed, but
    can still be inspected. On failure the error is returned after checking that it is one
    of ``problems``: its type, a ``raise`` statement in course_utils, a message naming it.
    """
    if not problems:
        result = call()
        if isinstance(result, Figure):
            titles = [_text(result._suptitle)] + [ax.get_title() for ax in result.axes]
            labels = [_text(result._supxlabel), _text(result._supylabel)]
            labels += [ax.get_xlabel() + ax.get_ylabel() for ax in result.axes]
            assert any(titles), "the figure has no title"
            assert any(labels), "the figure has no axis label"
            result.savefig(io.BytesIO(), format="png", dpi=20)
            plt.close(result)
        return result
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    err = info.value
    last = traceback.extract_tb(err.__traceback__)[-1]
    origin = Path(last.filename).resolve()
    assert origin.is_relative_to(COURSE_UTILS), (
        f"{type(err).__name__} raised in {origin}:{last.lineno}, not by course_utils: {err}"
    )
    assert (last.line or "").lstrip().startswith("raise"), (
        f"{type(err).__name__} from {origin.name}:{last.lineno} ({last.line!r}), "
        f"not from a raise statement: {err}"
    )
    fitting = [name for name, kind in problems.items()
               if type(err) is kind and _mentions(str(err), name)]
    assert fitting, f"{type(err).__name__}: {err!r} matches none of the problems {problems}"
    return err


def _image_panels(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.images]


# --------------------------------------------------------------------------- strategies


@dataclass
class Drawn:
    """A generated argument, and what a correct reading of it gives.

    ``problem``: the error this value must cause on its own (None: it is fine).
    ``classes``: the class numbers it stands for, ``columns``: how many one-hot or
    probability columns it has (0 for class numbers).
    """

    value: Any
    problem: type[Exception] | None = None
    classes: np.ndarray | None = None
    columns: int = 0

    def __len__(self) -> int:
        return len(self.value)


@st.composite
def image_batches(draw: st.DrawFn, max_n: int = 5) -> Drawn:
    """A batch of N images: grey (N, H, W) or (N, H, W, 1), or colour (N, H, W, 3).

    Sometimes a list of images of different sizes instead, which is no batch at all. A
    batch is refused when it is ragged, empty, or (N, H, 3): that is ONE colour image.
    """
    n = draw(st.integers(0, max_n))
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    layout = draw(st.sampled_from(["grey", "grey1", "rgb", "rgb", "ragged"]))
    if layout == "ragged" and n >= 2:
        return Drawn([_pixels(draw, (h + i, w, 3)) for i in range(n)], ValueError)
    shape = {"grey": (n, h, w), "grey1": (n, h, w, 1)}.get(layout, (n, h, w, 3))
    bad = n == 0 or (len(shape) == 3 and w == 3)
    return Drawn(_pixels(draw, shape), ValueError if bad else None)


@st.composite
def single_images(draw: st.DrawFn) -> np.ndarray:
    """ONE image: (H, W), (H, W, 1) or (H, W, 3); always a valid image."""
    h, w = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    shape = draw(st.sampled_from([(h, w), (h, w, 1), (h, w, 3)]))
    return _pixels(draw, shape)


def _pixels(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    kind = draw(st.sampled_from(["uint8", "int64", "float01", "float255", "float_odd"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "uint8":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if kind == "int64":
        return rng.integers(-300, 600, shape)  # out of range on purpose: clipped
    if kind == "float01":
        return rng.random(shape, dtype=np.float32)
    if kind == "float255":
        return (rng.random(shape) * 255).astype(np.float64)
    pixels = rng.random(shape, dtype=np.float32)
    if pixels.size:
        pixels.flat[0] = draw(st.sampled_from([np.nan, np.inf, -np.inf, -1.0, 300.0]))
    return pixels


@st.composite
def labels_for(draw: st.DrawFn, n: int, n_classes: int) -> Drawn:
    """Labels for n images: mostly right, sometimes with the wrong length or odd values."""
    length = draw(st.sampled_from([n, n, n, n, n, max(n - 1, 0), n + 1]))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    classes = rng.integers(0, n_classes, length)
    form = draw(st.sampled_from(["int", "int", "column", "one_hot", "float_whole", "fraction",
                                 "negative", "too_big", "huge", "nan", "no_columns"]))
    bad = {  # bad values; but an empty array has no bad values
        "huge": classes + 10**9,  # pixel values or file numbers passed as labels
        "nan": np.where(np.arange(length) == 0, np.nan, classes.astype(float)),
        "fraction": classes + 0.5,
        "negative": classes - n_classes,
    }
    if form in bad:
        return Drawn(bad[form], ValueError) if length else Drawn(bad[form], classes=classes)
    if form == "no_columns":
        return Drawn(np.zeros((length, 0)), ValueError)
    if form == "column":
        return Drawn(classes[:, np.newaxis], classes=classes)
    if form == "one_hot":
        columns = max(n_classes, 2)  # one column would be a column of class numbers
        return Drawn(np.eye(columns)[classes], classes=classes, columns=columns)
    if form == "float_whole":
        return Drawn(classes.astype(float), classes=classes)
    if form == "too_big":  # fine as numbers; too big for the class names
        return Drawn(classes + n_classes, classes=classes + n_classes)
    return Drawn(classes, classes=classes)


@st.composite
def predictions_for(draw: st.DrawFn, n: int, n_classes: int) -> Drawn:
    """Predictions: class numbers, probability rows, or a one-unit sigmoid column."""
    form = draw(st.sampled_from(["labels", "probs", "probs", "sigmoid"]))
    if form == "labels":
        return draw(labels_for(n, n_classes))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if form == "sigmoid":
        p = rng.random((n, 1)) * 0.98 + 0.01  # strictly between 0 and 1
        return Drawn(p, classes=(p[:, 0] >= 0.5).astype(int))
    columns = max(n_classes, 2)
    raw = rng.random((n, columns)) + 1e-3
    return Drawn(raw / raw.sum(axis=1, keepdims=True), classes=raw.argmax(axis=1),
                 columns=columns)


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
    }


# Mostly fine counts, so that a bad label or image is often the only problem of a call.
COUNTS = st.sampled_from([1, 2, 3, 4, 5, 8, 8, 8, 0, -1, 2.5])


# --------------------------------------------------------------------------- oracles


def count_problem(value: Any, minimum: int = 1) -> type[Exception] | None:
    """The error a count such as ``n`` must cause: TypeError if not whole, else ValueError."""
    if not isinstance(value, int):
        return TypeError
    return ValueError if value < minimum else None


def problems_of(images: Drawn | None = None, class_names: list[str] | None = None,
                empty: str | None = None, **labels: Drawn) -> Problems:
    """The problems of images, labels and class names together (lengths and names included).

    ``labels`` are the label-like arguments by name, the first being the one that counts
    images; ``empty``: the name of the argument that must not be empty, if any.
    """
    found = {name: d.problem for name, d in labels.items() if d.problem}
    if images is not None and images.problem:
        found["images"] = images.problem
    arrays = {name: d for name, d in labels.items() if not d.problem}
    if images is not None and not images.problem:
        arrays = {"images": images, **arrays}
    lengths = {len(d) for d in arrays.values()}
    if len(lengths) > 1:
        found.update({name: ValueError for name in arrays})
    if empty and not labels[empty].problem and len(labels[empty]) == 0:
        found[empty] = ValueError
    if class_names is not None:
        readable = [d for d in labels.values() if not d.problem]
        too_big = any(d.classes.size and d.classes.max() >= len(class_names) for d in readable)
        if too_big or any(d.columns > len(class_names) for d in readable):
            found["class_names"] = ValueError
    return found


def classes_counted(class_names: list[str] | None, *labels: Drawn) -> int:
    """How many classes a figure shows: one per name, else up to the largest class or column."""
    if class_names is not None:
        return len(class_names)
    largest = max((int(d.classes.max()) + 1 for d in labels if d.classes.size), default=1)
    return max([largest] + [d.columns for d in labels])


# --------------------------------------------------------------------------- plots


@FAST
@given(batch=labelled_batches(), n=COUNTS)
def test_plot_samples(batch: dict[str, Any], n: Any) -> None:
    images, labels, names = batch["images"], batch["y_true"], batch["class_names"]
    problems = problems_of(images, names, labels=labels)
    if count_problem(n):
        problems["n"] = count_problem(n)
    fig = expect(lambda: plots.plot_samples(images.value, labels.value, names, n=n, ncols=3),
                 problems)
    if problems:
        return
    panels = _image_panels(fig)
    assert len(panels) == min(n, len(images))
    expected = [names[c] if names else str(c) for c in labels.classes[: len(panels)]]
    assert [ax.get_title() for ax in panels] == expected
    assert fig._suptitle.get_text() == "Sample images"


@FAST
@given(batch=labelled_batches())
def test_plot_label_counts(batch: dict[str, Any]) -> None:
    labels, names = batch["y_true"], batch["class_names"]
    problems = problems_of(None, names, empty="labels", labels=labels)
    fig = expect(lambda: plots.plot_label_counts(labels.value, names), problems)
    if problems:
        return
    heights = [bar.get_height() for bar in fig.axes[0].patches]
    assert len(heights) == classes_counted(names, labels)
    assert heights == np.bincount(labels.classes, minlength=len(heights)).tolist()
    assert fig._suptitle.get_text() == "Images per class"


@FAST
@given(batch=labelled_batches(), n=COUNTS)
def test_plot_predictions(batch: dict[str, Any], n: Any) -> None:
    images, y_true, y_pred, names = (batch[k] for k in ("images", "y_true", "y_pred",
                                                        "class_names"))
    problems = problems_of(images, names, empty="y_true", y_true=y_true, y_pred=y_pred)
    if count_problem(n):
        problems["n"] = count_problem(n)
    fig = expect(lambda: predictions.plot_predictions(
        images.value, y_true.value, y_pred.value, names, n=n), problems)
    if problems:
        return
    shown = min(n, len(images))
    assert len(_image_panels(fig)) == shown
    wrong = int(np.sum(y_true.classes[:shown] != y_pred.classes[:shown]))
    assert fig._suptitle.get_text() == f"Predictions: {wrong} of {shown} wrong"


def _flip(batch: Any, training: bool = False) -> np.ndarray:
    """A cheap stand-in for an augmentation layer: mirror every image."""
    return np.asarray(batch)[:, :, ::-1]


@FAST
@given(image=single_images(), n=COUNTS)
def test_plot_augmentations_with_a_cheap_function(image: np.ndarray, n: Any) -> None:
    problem = count_problem(n, minimum=2)
    fig = expect(lambda: predictions.plot_augmentations(image, _flip, n=n),
                 {"n": problem} if problem else {})
    if not problem:
        titles = [ax.get_title() for ax in _image_panels(fig)]
        assert titles == ["original"] + [f"random {i}" for i in range(1, n)]


@FEW
@given(image=single_images())
def test_plot_augmentations_with_a_keras_layer(image: np.ndarray) -> None:
    import keras

    fig = expect(lambda: predictions.plot_augmentations(
        image, keras.layers.RandomFlip("horizontal"), n=3), {})
    shape = image.shape[:2] + (() if image.ndim == 2 or image.shape[-1] == 1 else (3,))
    assert [np.asarray(ax.images[0].get_array()).shape for ax in _image_panels(fig)] == [shape] * 3


@FAST
@given(images=image_batches(max_n=2))
def test_plot_augmentations_takes_one_image_not_a_batch(images: Drawn) -> None:
    """Passing x_train[:k] instead of x_train[0] is the classic mistake.

    A batch of one (1, H, W, C) is its image; so is (N, H, W) with W in 1, 3, 4, which has
    the shape of one (H, W, C) image: no function can tell those apart.
    """
    arr = images.value
    one = isinstance(arr, np.ndarray) and (
        (arr.ndim == 4 and len(arr) == 1) or (arr.ndim == 3 and arr.shape[-1] in (1, 3, 4)
                                              and len(arr) > 0))
    fig = expect(lambda: predictions.plot_augmentations(arr, _flip, n=3),
                 {} if one else {"image": ValueError})
    if one:
        assert len(_image_panels(fig)) == 3


# --------------------------------------------------------------------------- mistakes


@FAST
@given(batch=labelled_batches(), normalize=st.booleans())
def test_plot_confusion_matrix(batch: dict[str, Any], normalize: bool) -> None:
    y_true, y_pred, names = batch["y_true"], batch["y_pred"], batch["class_names"]
    problems = problems_of(None, names, empty="y_true", y_true=y_true, y_pred=y_pred)
    fig = expect(lambda: mistakes.plot_confusion_matrix(
        y_true.value, y_pred.value, names, normalize=normalize), problems)
    if problems:
        return
    n_classes = classes_counted(names, y_true, y_pred)
    values = np.asarray(fig.axes[0].collections[0].get_array()).reshape(n_classes, n_classes)
    expected = np.zeros((n_classes, n_classes))
    np.add.at(expected, (y_true.classes, y_pred.classes), 1)
    if normalize:
        totals = expected.sum(axis=1, keepdims=True)
        expected = np.divide(expected, totals, out=np.zeros_like(expected), where=totals > 0)
    np.testing.assert_allclose(values, expected)
    assert fig.axes[0].get_title() == "Confusion matrix"


@FAST
@given(batch=labelled_batches(), n=COUNTS)
def test_most_confused_pairs(batch: dict[str, Any], n: Any) -> None:
    y_true, y_pred, names = batch["y_true"], batch["y_pred"], batch["class_names"]
    problems = problems_of(None, names, empty="y_true", y_true=y_true, y_pred=y_pred)
    if count_problem(n):
        problems["n"] = count_problem(n)
    pairs = expect(lambda: mistakes.most_confused_pairs(
        y_true.value, y_pred.value, names, n=n), problems)
    if problems:
        return
    mistaken = Counter((int(t), int(p)) for t, p in zip(y_true.classes, y_pred.classes,
                                                         strict=True) if t != p)
    expected = sorted(mistaken.items(), key=lambda item: (-item[1], item[0]))[:n]
    assert [(p.true, p.predicted, p.count) for p in pairs] == [(t, p, c) for (t, p), c in expected]
    for pair in pairs:
        assert pair.share == pytest.approx(pair.count / np.sum(y_true.classes == pair.true))
        assert pair.true_name == (names[pair.true] if names else str(pair.true))
        assert f"{pair.true_name} predicted as" in str(pair)


def _class_problem(cls: Any, n_classes: int | None) -> type[Exception] | None:
    if not isinstance(cls, int):
        return TypeError
    if cls < 0 or (n_classes is not None and cls >= n_classes):
        return ValueError
    return None


@FAST
@given(batch=labelled_batches(), t=st.one_of(st.integers(-1, 6), st.just(0.5)),
       p=st.integers(-1, 6))
def test_plot_misclassified(batch: dict[str, Any], t: Any, p: int) -> None:
    images, y_true, y_pred, names = (batch[k] for k in ("images", "y_true", "y_pred",
                                                        "class_names"))
    problems = problems_of(images, names, empty="y_true", y_true=y_true, y_pred=y_pred)
    n_classes = None if problems else classes_counted(names, y_true, y_pred)
    for name, cls in (("true_class", t), ("predicted_class", p)):
        if _class_problem(cls, n_classes):
            problems[name] = _class_problem(cls, n_classes)
    fig = expect(lambda: mistakes.plot_misclassified(
        images.value, y_true.value, y_pred.value, names, true_class=t, predicted_class=p, n=4),
        problems)
    if problems:
        return
    count = int(np.sum((y_true.classes == t) & (y_pred.classes == p)))
    t_name, p_name = (names[t], names[p]) if names else (str(t), str(p))
    assert len(_image_panels(fig)) == min(4, count)
    assert fig._suptitle.get_text().startswith(f"{t_name} predicted as {p_name} ({count} in total")


# --------------------------------------------------------------------------- predictions


@st.composite
def probability_vectors(draw: st.DrawFn) -> Drawn:
    """The probabilities of one image: fine, or too few classes, logits, a row, a NaN."""
    c = draw(st.integers(0, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    form = draw(st.sampled_from(["softmax", "softmax", "logits", "row", "nan"]))
    raw = rng.random(c) + 1e-3
    probs = raw / raw.sum() if c else raw
    if form == "logits":
        probs = rng.normal(0, 3, c)
    elif form == "row":
        return Drawn(probs[np.newaxis], ValueError, columns=c)
    elif form == "nan" and c:
        probs[0] = np.nan
    fine = c >= 2 and np.all((probs >= 0) & (probs <= 1))  # NaN fails both comparisons
    return Drawn(probs, None if fine else ValueError, columns=c)


@FAST
@given(image=single_images(), probs=probability_vectors(), true=st.integers(-1, 6),
       named=st.booleans(), give_true=st.booleans())
def test_plot_prediction(
    image: np.ndarray, probs: Drawn, true: int, named: bool, give_true: bool
) -> None:
    names = [f"class {i}" for i in range(probs.columns)] if named else None
    problems: Problems = {"probabilities": probs.problem} if probs.problem else {}
    if give_true and not probs.problem and not 0 <= true < probs.columns:
        problems["y_true"] = ValueError
    fig = expect(lambda: predictions.plot_prediction(
        image, true if give_true else None, probs.value, names), problems)
    if problems:
        return
    image_ax, bar_ax = fig.axes
    assert len(bar_ax.patches) == probs.columns
    verdict = "Predicted" if not give_true else ("Right" if np.argmax(probs.value) == true
                                                  else "Wrong")
    assert fig._suptitle.get_text().startswith(verdict)


@FEW
@given(images=image_batches(max_n=2), n_versions=st.integers(0, 2))
def test_plot_augmentation_grid(images: Drawn, n_versions: int) -> None:
    problems = problems_of(images)
    if n_versions < 1:
        problems["n_versions"] = ValueError
    fig = expect(lambda: predictions.plot_augmentation_grid(
        images.value, rotation=0.1, zoom=0.1, translation=0.1, contrast=0.2,
        n_versions=n_versions, n=2), problems)
    if not problems:
        assert len(_image_panels(fig)) == min(2, len(images)) * (n_versions + 1)
        assert fig._suptitle.get_text() == "Random augmentations (seed 0)"


# --------------------------------------------------------------------------- one input alone

SIX = Drawn(np.random.default_rng(0).integers(0, 256, (6, 8, 8, 3), dtype=np.uint8))
SIX_RIGHT = Drawn(np.arange(6) % 2, classes=np.arange(6) % 2)


@FAST
@given(data=st.data(), n_classes=st.integers(1, 6))
def test_each_figure_judges_labels_alone_the_same_way(data: st.DataObject,
                                                      n_classes: int) -> None:
    """Everything else fine: a label array alone decides, the same way in every figure."""
    labels = data.draw(labels_for(6, n_classes))
    y_pred = data.draw(predictions_for(6, n_classes))
    expect(lambda: plots.plot_samples(SIX.value, labels.value),
           problems_of(SIX, labels=labels))
    expect(lambda: plots.plot_label_counts(labels.value),
           problems_of(None, empty="labels", labels=labels))
    expect(lambda: predictions.plot_predictions(SIX.value, labels.value, SIX_RIGHT.value),
           problems_of(SIX, empty="y_true", y_true=labels, y_pred=SIX_RIGHT))
    expect(lambda: mistakes.most_confused_pairs(SIX_RIGHT.value, y_pred.value),
           problems_of(None, empty="y_true", y_true=SIX_RIGHT, y_pred=y_pred))
    expect(lambda: mistakes.confusion_counts(labels.value, y_pred.value),
           problems_of(None, empty="y_true", y_true=labels, y_pred=y_pred))


# --------------------------------------------------------------------------- config.shrink


@settings(FAST, max_examples=40)
@given(lengths=st.lists(st.integers(0, 30), min_size=0, max_size=3),
       fast=st.integers(0, 40), fast_mode=st.booleans())
def test_shrink(lengths: list[int], fast: int, fast_mode: bool) -> None:
    arrays = [np.arange(k) for k in lengths]
    bad = not lengths or len(set(lengths)) > 1
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_FAST", "1" if fast_mode else "0")
        if bad:
            with pytest.raises(ValueError):
                config.shrink(*arrays, fast=fast)
            return
        result = config.shrink(*arrays, fast=fast)
    expected = min(lengths[0], fast) if fast_mode else lengths[0]
    assert [len(a) for a in result] == [expected] * len(arrays)


# --------------------------------------------------------------------------- found crashes

_IMG = np.zeros((2, 5, 6), np.uint8)

# Each of these crashed inside numpy, matplotlib or scikit-learn (or ran out of memory)
# before course_utils checked for it; kept here so they stay fixed: (call, argument, error).
FOUND = {
    "an empty batch read as one image": (lambda: predictions.plot_augmentations(
        np.zeros((0, 1, 1), np.uint8), _flip, n=3), "image", ValueError),
    "images of different sizes": (lambda: plots.plot_samples(
        [np.zeros((3, 3)), np.zeros((4, 4))], [0, 1]), "images", ValueError),
    "one-hot labels with no columns": (lambda: plots.plot_label_counts(np.zeros((3, 0))),
                                       "labels", ValueError),
    "labels in the billions": (lambda: plots.plot_label_counts(np.array([0, 10**12])),
                               "labels", ValueError),
    "confusion matrix of a billion classes": (lambda: mistakes.plot_confusion_matrix(
        [0, 10**9], [0, 1]), "y_true", ValueError),
    "a fractional n": (lambda: plots.plot_samples(_IMG, [0, 1], n=1.5), "n", TypeError),
    "a fractional top": (lambda: mistakes.most_confused_pairs([0, 1], [1, 0], n=1.5),
                         "n", TypeError),
    "a fractional class number": (lambda: mistakes.plot_misclassified(
        _IMG, [0, 1], [1, 0], true_class=0.5, predicted_class=1), "true_class", TypeError),
    "probabilities that are text": (lambda: predictions.plot_prediction(
        _IMG[0], None, ["a", "b"]), "probabilities", ValueError),
    "an augmentation without training=": (lambda: predictions.plot_augmentations(
        _IMG[0], lambda batch: batch, n=3), "augmentation", TypeError),
    "class names as one string": (lambda: plots.plot_label_counts([0, 1], "ab"),
                                  "class_names", TypeError),
    "string probability rows": (lambda: predictions.plot_predictions(
        _IMG, [0, 1], np.array([["a", "b"], ["c", "d"]])), "y_pred", ValueError),
}


@pytest.mark.parametrize(("call", "argument", "error"), FOUND.values(), ids=FOUND.keys())
def test_crashes_found_are_now_clear_errors(call: Callable[[], Any], argument: str,
                                            error: type[Exception]) -> None:
    expect(call, {argument: error})


def test_the_largest_class_number_is_accepted() -> None:
    """MAX_CLASSES - 1 is still a class number: the limit is not off by one."""
    fig = expect(lambda: plots.plot_label_counts([0, MAX_CLASSES - 1]), {})
    assert len(fig.axes[0].patches) == MAX_CLASSES
