"""course_utils.mistakes: confusion matrix, most confused pairs, misclassified images."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from course_utils import mistakes

NAMES = ["cat", "dog", "car"]
# true:  cat cat cat cat dog dog dog car car car
# pred:  cat dog dog car dog cat dog car car dog
Y_TRUE = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
Y_PRED = np.array([0, 1, 1, 2, 1, 0, 1, 2, 2, 1])
EXPECTED = np.array([[1, 2, 1], [1, 2, 0], [0, 1, 2]])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _probs(pred: np.ndarray, confidence: np.ndarray | None = None) -> np.ndarray:
    """Probabilities (N, 3) whose argmax is ``pred`` with the given confidences."""
    conf = np.full(len(pred), 0.8) if confidence is None else confidence
    probs = np.tile(((1 - conf) / 2)[:, None], (1, 3))
    probs[np.arange(len(pred)), pred] = conf
    return probs


def _heatmap_values(fig) -> np.ndarray:
    ax = fig.axes[0]
    return np.asarray(ax.collections[0].get_array()).reshape(len(NAMES), len(NAMES))


def _annotations(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


# ------------------------------------------------------------------ plot_confusion_matrix


def test_confusion_matrix_counts_labels_and_axes() -> None:
    fig = mistakes.plot_confusion_matrix(Y_TRUE, Y_PRED, NAMES, title="Pets")
    ax = fig.axes[0]
    np.testing.assert_array_equal(_heatmap_values(fig), EXPECTED)
    assert _annotations(fig) == [str(v) for v in EXPECTED.ravel()]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.get_title() == "Pets"
    assert [t.get_text() for t in ax.get_xticklabels()] == NAMES
    assert [t.get_text() for t in ax.get_yticklabels()] == NAMES


def test_confusion_matrix_matches_sklearn_on_random_data() -> None:
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    fig = mistakes.plot_confusion_matrix(y_true, y_pred, NAMES)
    np.testing.assert_array_equal(_heatmap_values(fig), confusion_matrix(y_true, y_pred))


def test_confusion_matrix_normalized_rows_sum_to_one() -> None:
    fig = mistakes.plot_confusion_matrix(Y_TRUE, Y_PRED, NAMES, normalize=True)
    values = _heatmap_values(fig)
    np.testing.assert_allclose(values.sum(axis=1), 1.0)
    np.testing.assert_allclose(values[0], [0.25, 0.5, 0.25])
    assert _annotations(fig)[:3] == ["25%", "50%", "25%"]


def test_confusion_matrix_reads_probabilities_and_one_hot_labels() -> None:
    fig = mistakes.plot_confusion_matrix(np.eye(3)[Y_TRUE], _probs(Y_PRED), NAMES)
    np.testing.assert_array_equal(_heatmap_values(fig), EXPECTED)


def test_confusion_matrix_shows_classes_that_never_occur() -> None:
    fig = mistakes.plot_confusion_matrix([0, 0, 1], [0, 1, 1], NAMES, normalize=True)
    values = _heatmap_values(fig)
    assert values.shape == (3, 3)
    np.testing.assert_array_equal(values[2], [0, 0, 0])  # no car images: a row of zeros, no NaN


def test_confusion_matrix_draws_into_given_axes() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    returned = mistakes.plot_confusion_matrix(Y_TRUE, Y_PRED, NAMES, ax=right, title="right")
    assert returned is fig
    assert right.get_title() == "right" and not left.collections


@pytest.mark.parametrize(
    ("y_true", "y_pred", "match"),
    [
        (Y_TRUE, Y_PRED[:5], "y_true has 10 items but y_pred has 5"),
        ([], [], "y_true is empty"),
        ([0, 5], [0, 1], "y_true contains class 5, but class_names has only 3"),
        (Y_TRUE, np.full((10, 4), 0.25), "4 columns .* class_names has only 3 names"),
    ],
)
def test_confusion_matrix_clear_errors(y_true, y_pred, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        mistakes.plot_confusion_matrix(y_true, y_pred, NAMES)


# ------------------------------------------------------------------ most_confused_pairs


def test_most_confused_pairs_order_and_fields() -> None:
    pairs = mistakes.most_confused_pairs(Y_TRUE, Y_PRED, NAMES, n=3)
    assert [(p.true, p.predicted, p.count) for p in pairs] == [(0, 1, 2), (0, 2, 1), (1, 0, 1)]
    first = pairs[0]
    assert (first.true_name, first.predicted_name) == ("cat", "dog")
    assert first.share == pytest.approx(0.5)
    assert "cat predicted as dog" in str(first) and "50.0% of all cat" in str(first)


def test_most_confused_pairs_skips_zero_counts_and_diagonal() -> None:
    pairs = mistakes.most_confused_pairs(Y_TRUE, Y_PRED, NAMES, n=20)
    assert len(pairs) == 4  # only four off-diagonal cells are non-zero
    assert all(p.true != p.predicted and p.count > 0 for p in pairs)
    counts = [p.count for p in pairs]
    assert counts == sorted(counts, reverse=True)


def test_most_confused_pairs_without_names_and_with_probabilities() -> None:
    pairs = mistakes.most_confused_pairs(Y_TRUE, _probs(Y_PRED), n=1)
    assert pairs[0][:3] == (0, 1, 2)
    assert (pairs[0].true_name, pairs[0].predicted_name) == ("0", "1")


def test_most_confused_pairs_perfect_predictions_give_empty_list() -> None:
    assert mistakes.most_confused_pairs(Y_TRUE, Y_TRUE, NAMES) == []


def test_most_confused_pairs_rejects_bad_n() -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        mistakes.most_confused_pairs(Y_TRUE, Y_PRED, NAMES, n=0)
    with pytest.raises(TypeError, match="n should be a whole number"):
        mistakes.most_confused_pairs(Y_TRUE, Y_PRED, NAMES, n=1.5)


# ------------------------------------------------------------------ confusion_counts


def test_confusion_counts_rows_true_columns_predicted() -> None:
    np.testing.assert_array_equal(mistakes.confusion_counts(Y_TRUE, Y_PRED, NAMES), EXPECTED)
    np.testing.assert_array_equal(mistakes.confusion_counts(Y_TRUE, _probs(Y_PRED)), EXPECTED)
    assert mistakes.confusion_counts([0, 1], [1, 1], ["a", "b", "c", "d"]).shape == (4, 4)


# ------------------------------------------------------------------ plot_misclassified

IMAGES = np.arange(10, dtype=np.uint8)[:, None, None, None] * np.ones((1, 4, 4, 3), np.uint8)


def _panel_values(fig) -> list[int]:
    """The image number (its constant pixel value) of each panel."""
    return [int(ax.images[0].get_array()[0, 0, 0]) for ax in fig.axes if ax.images]


def test_plot_misclassified_selects_the_pair_most_confident_first() -> None:
    conf = np.linspace(0.5, 0.95, 10)  # image 2 is more confident than image 1
    fig = mistakes.plot_misclassified(IMAGES, Y_TRUE, _probs(Y_PRED, conf), NAMES,
                                      true_class="cat", predicted_class="dog")
    assert _panel_values(fig) == [2, 1]
    titles = [ax.get_title() for ax in fig.axes if ax.images]
    assert titles[0].startswith("pred: dog (") and titles[0].endswith("true: cat")
    assert fig._suptitle.get_text().startswith(
        "cat predicted as dog (2 in total, most confident first)")


def test_plot_misclassified_with_class_numbers_keeps_order() -> None:
    fig = mistakes.plot_misclassified(IMAGES, Y_TRUE, Y_PRED, NAMES, true_class=2,
                                      predicted_class=1, title="Cars")
    assert _panel_values(fig) == [9]
    assert fig._suptitle.get_text().startswith("Cars (1 in total)")


def test_plot_misclassified_limits_to_n() -> None:
    y_true = np.zeros(10, dtype=int)
    y_pred = np.ones(10, dtype=int)
    fig = mistakes.plot_misclassified(IMAGES, y_true, y_pred, NAMES, true_class=0,
                                      predicted_class=1, n=4)
    assert _panel_values(fig) == [0, 1, 2, 3]
    assert "(10 in total)" in fig._suptitle.get_text()


def test_plot_misclassified_no_such_images_is_a_figure_that_says_so() -> None:
    fig = mistakes.plot_misclassified(IMAGES, Y_TRUE, Y_PRED, NAMES, true_class="car",
                                      predicted_class="cat")
    assert not [ax for ax in fig.axes if ax.images]
    assert fig._suptitle.get_text() == "car predicted as cat (0 in total)"
    assert "No image of class 'car' was predicted as 'cat'" in fig.axes[0].texts[0].get_text()
    assert "confusion matrix is 0" in fig._supxlabel.get_text()


def test_plot_misclassified_same_class_twice_shows_the_right_answers() -> None:
    fig = mistakes.plot_misclassified(IMAGES, Y_TRUE, Y_PRED, NAMES, true_class="dog",
                                      predicted_class="dog")
    assert _panel_values(fig) == [4, 6]
    assert "0 of 2 wrong" in fig._suptitle.get_text()


def test_plot_misclassified_takes_the_classes_as_keywords_only() -> None:
    with pytest.raises(TypeError):
        mistakes.plot_misclassified(IMAGES, Y_TRUE, Y_PRED, NAMES, "cat", "dog")


@pytest.mark.parametrize(
    ("true_class", "predicted_class", "error", "match"),
    [("bird", "dog", ValueError, "true_class 'bird' is not a class name"),
     (0, 7, ValueError, "predicted_class 7 is not a class number: there are only 3"),
     (-1, 0, ValueError, "true_class -1 is not a class number"),
     (0.5, 0, TypeError, "true_class should be a class number or a class name")],
)
def test_plot_misclassified_bad_classes(true_class, predicted_class, error: type,
                                        match: str) -> None:
    with pytest.raises(error, match=match):
        mistakes.plot_misclassified(IMAGES, Y_TRUE, Y_PRED, NAMES, true_class=true_class,
                                    predicted_class=predicted_class)


def test_plot_misclassified_mismatched_images() -> None:
    with pytest.raises(ValueError, match="images has 5 items but y_true has 10"):
        mistakes.plot_misclassified(IMAGES[:5], Y_TRUE, Y_PRED, NAMES, true_class="cat",
                                    predicted_class="dog")
