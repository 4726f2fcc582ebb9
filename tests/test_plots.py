"""course_utils.plots and course_utils.predictions: every figure has a title and axis labels,
and shows the right things."""

from __future__ import annotations

import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_helpers import image_axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from course_utils import plots, predictions


def _has_title_and_labels(fig: Figure) -> bool:
    title = fig._suptitle.get_text() if fig._suptitle else ""
    labels = [fig._supxlabel.get_text() if fig._supxlabel else ""]
    labels += [ax.get_xlabel() + ax.get_ylabel() for ax in fig.axes]
    return bool(title) and any(labels)


GREY = np.random.default_rng(0).integers(0, 256, (20, 28, 28), dtype=np.uint8)
COLOUR = np.random.default_rng(1).integers(0, 256, (5, 32, 32, 3), dtype=np.uint8)


def test_plot_samples_grid_with_class_names() -> None:
    labels = np.arange(20) % 3
    fig = plots.plot_samples(GREY, labels, ["zero", "one", "two"], n=16, title="Digits")
    axes = image_axes(fig)
    assert len(axes) == 16
    assert [ax.get_title() for ax in axes[:4]] == ["zero", "one", "two", "zero"]
    assert fig._suptitle.get_text() == "Digits" and _has_title_and_labels(fig)


def test_plot_samples_shows_all_when_fewer_and_reads_one_hot_labels() -> None:
    one_hot = np.eye(10)[[3, 1, 4, 1, 5]]
    fig = plots.plot_samples(COLOUR, one_hot, n=16)
    axes = image_axes(fig)
    assert len(axes) == 5 and [ax.get_title() for ax in axes] == ["3", "1", "4", "1", "5"]
    assert axes[0].images[0].get_array().shape == (32, 32, 3)


def test_plot_samples_rejects_empty_and_mismatched_input() -> None:
    with pytest.raises(ValueError):
        plots.plot_samples(GREY[:0], np.array([], dtype=int))
    with pytest.raises(ValueError, match="images has 20 items but labels has 3"):
        plots.plot_samples(GREY, np.array([1, 2, 3]))


def test_plot_label_counts_bars_match_counts() -> None:
    labels = np.array([0, 0, 1, 2, 2, 2])
    fig = plots.plot_label_counts(labels, ["a", "b", "c"])
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [2, 1, 3]
    assert ax.get_xlabel() == "class" and ax.get_ylabel() == "number of images"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert _has_title_and_labels(fig)


HISTORY = {"accuracy": [0.8, 0.9, 0.95], "val_accuracy": [0.85, 0.88, 0.89],
           "loss": [0.5, 0.3, 0.2], "val_loss": [0.4, 0.35, 0.36]}


def test_plot_history_two_panels_train_and_validation() -> None:
    fig = plots.plot_history(HISTORY, title="Run")
    acc_ax, loss_ax = fig.axes
    assert acc_ax.get_ylabel() == "accuracy" and loss_ax.get_ylabel() == "loss"
    assert acc_ax.get_xlabel() == "epoch"
    assert len(acc_ax.lines) == 2 and len(loss_ax.lines) == 2
    np.testing.assert_array_equal(acc_ax.lines[0].get_xdata(), [1, 2, 3])  # epochs count from 1
    np.testing.assert_allclose(acc_ax.lines[1].get_ydata(), HISTORY["val_accuracy"])
    assert fig._suptitle.get_text() == "Run"


def test_plot_history_accepts_keras_history_without_validation() -> None:
    import keras

    history = keras.callbacks.History()
    history.history = {"accuracy": [0.7], "loss": [0.9]}
    fig = plots.plot_history(history)
    assert [len(ax.lines) for ax in fig.axes] == [1, 1]


def test_plot_history_without_metrics_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="lr"):
        plots.plot_history({"lr": [0.1]})


def test_plot_predictions_marks_wrong_ones_red() -> None:
    y_true = np.array([1, 2, 3, 4])
    probs = np.eye(10)[[1, 7, 3, 4]] * 0.9 + 0.01
    fig = predictions.plot_predictions(COLOUR[:4], y_true, probs)
    axes = image_axes(fig)
    assert "1 of 4 wrong" in fig._suptitle.get_text()
    wrong_title = axes[1].title
    assert to_rgba(wrong_title.get_color()) == to_rgba(plots.WRONG_COLOR)
    assert to_rgba(axes[0].title.get_color()) == to_rgba(plots.RIGHT_COLOR)
    assert "pred: 7 (91%)" in wrong_title.get_text() and "true: 2" in wrong_title.get_text()
    assert _has_title_and_labels(fig)


def test_mistakes_then_correct_without_n_orders_all_mistakes_first_and_keeps_order() -> None:
    order = predictions.mistakes_then_correct(np.array([0, 1, 2, 3, 4]), np.array([0, 9, 2, 9, 4]),
                                              n=None)
    assert order.tolist() == [1, 3, 0, 2, 4]


def test_plot_samples_grayscale_uses_gray_cmap_and_column_labels() -> None:
    fig = plots.plot_samples(GREY[:3, ..., None], np.array([[0], [1], [2]]), ncols=2)
    axes = image_axes(fig)
    assert [ax.get_title() for ax in axes] == ["0", "1", "2"]
    assert axes[0].images[0].get_cmap().name == "gray"
    assert "each panel" in fig._supxlabel.get_text()


def test_plot_samples_zero_images_message_is_a_sentence() -> None:
    with pytest.raises(ValueError, match="no images to show"):
        plots.plot_samples(np.zeros((0, 8, 8, 3)), np.zeros((0,), dtype=int))


def test_plot_history_single_epoch_has_visible_marker_and_integer_tick() -> None:
    fig = plots.plot_history({"loss": [0.9], "val_loss": [1.1]})
    (ax,) = fig.axes  # no accuracy recorded: only the loss panel
    assert all(line.get_marker() not in (None, "None", "") for line in ax.lines)
    assert [t for t in ax.get_xticks() if 0.5 <= t <= 1.5] == [1]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"training", "validation"}


def test_plot_predictions_with_int_predictions_frames_mistakes() -> None:
    fig = predictions.plot_predictions(GREY[:3], [0, 1, 2], [0, 1, 1], class_names=["a", "b", "c"])
    axes = image_axes(fig)
    assert axes[2].title.get_text() == "pred: b\ntrue: c"  # no confidence without probabilities
    assert "1 of 3 wrong" in fig._suptitle.get_text()
    frame = axes[2].spines["top"]
    assert frame.get_visible() and to_rgba(frame.get_edgecolor()) == to_rgba(plots.WRONG_COLOR)
    assert not axes[0].spines["top"].get_visible()


def test_mistakes_then_correct_accepts_probabilities() -> None:
    probs = np.eye(3)[[0, 2, 2]]
    assert predictions.mistakes_then_correct([0, 1, 2], probs, n=None).tolist() == [1, 0, 2]


def test_mistakes_then_correct_picks_wrong_then_right() -> None:
    y_true = np.array([0, 1, 2, 3, 4, 5])
    probs = np.eye(6)[[0, 2, 2, 0, 4, 1]]
    assert predictions.mistakes_then_correct(y_true, probs, n=2).tolist() == [1, 3, 0, 2]
    assert predictions.mistakes_then_correct(y_true, y_true, n=3).tolist() == [0, 1, 2]
    assert predictions.mistakes_then_correct(y_true, probs).tolist() == [1, 3, 5, 0, 2, 4]


def test_mistakes_then_correct_refuses_bad_n_and_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="n must be at least 1"):
        predictions.mistakes_then_correct([0, 1], [0, 1], n=0)
    with pytest.raises(ValueError, match="y_true has 3 items but y_pred has 2"):
        predictions.mistakes_then_correct([0, 1, 2], [0, 1])


def test_plot_label_counts_draws_into_given_axes() -> None:
    fig, (left, right) = plt.subplots(1, 2)
    returned = plots.plot_label_counts([0, 1, 1], ["a", "b"], title="right side", ax=right)
    assert returned is fig
    assert right.get_title() == "right side" and [p.get_height() for p in right.patches] == [1, 2]
    assert not left.patches and fig._suptitle is None


def test_labels_beyond_the_class_names_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match="labels contains class 3, but class_names has only 2"):
        plots.plot_samples(GREY[:2], [0, 3], ["a", "b"])
    with pytest.raises(ValueError, match="y_pred contains class 5"):
        predictions.plot_predictions(GREY[:2], [0, 1], [0, 5], ["a", "b"])
    with pytest.raises(TypeError, match="class_names should be a list"):
        plots.plot_label_counts([0, 1], "ab")


def test_one_colour_image_instead_of_a_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="images has shape .* ONE colour image"):
        plots.plot_samples(COLOUR[0], [0] * 32)


# --------------------------------------------------------------------------- one prediction


NAMES = ["cat", "dog", "frog"]


def _bar_colors(fig) -> list[tuple]:
    return [patch.get_facecolor() for patch in fig.axes[1].patches]


def test_prediction_plot_wrong_colours_true_green_and_predicted_red() -> None:
    fig = predictions.plot_prediction(COLOUR[0], "cat", [0.2, 0.7, 0.1], NAMES)
    assert fig._suptitle.get_text() == "Wrong: predicted dog (70%), true cat"
    colors = _bar_colors(fig)
    assert colors[0] == to_rgba(plots.RIGHT_COLOR) and colors[1] == to_rgba(plots.WRONG_COLOR)
    assert colors[2] == to_rgba("lightgray")
    image_ax, bar_ax = fig.axes
    assert bar_ax.get_xlabel() == "probability" and bar_ax.get_ylabel() == "class"
    assert [t.get_text() for t in bar_ax.get_yticklabels()] == NAMES
    assert image_ax.get_xlabel() == "true class: cat"


def test_prediction_plot_right_without_true_label_and_with_title() -> None:
    fig = predictions.plot_prediction(COLOUR[0, :, :, 0], np.array([2]),
                                      np.array([0.1, 0.1, 0.8]), NAMES)
    assert fig._suptitle.get_text().startswith("Right: predicted frog")
    assert _bar_colors(fig)[2] == to_rgba(plots.RIGHT_COLOR)
    fig = predictions.plot_prediction(COLOUR[0], None, [0.6, 0.4])
    assert fig._suptitle.get_text() == "Predicted 0 (60%)"
    fig = predictions.plot_prediction(COLOUR[0], 1, [0.6, 0.4], title="Test image 7")
    assert fig._suptitle.get_text() == "Test image 7: Wrong: predicted 0 (60%), true 1"


@pytest.mark.parametrize("call, error, message", [
    (lambda: predictions.plot_prediction(COLOUR, 0, [0.5, 0.5]), ValueError, "image .*ONE image"),
    (lambda: predictions.plot_prediction(COLOUR[0], 0, [0.5, 0.5], NAMES), ValueError,
     "one probability"),
    (lambda: predictions.plot_prediction(COLOUR[0], 0, [3.0, -1.0]), ValueError, "softmax"),
    (lambda: predictions.plot_prediction(COLOUR[0], 2, [0.5, 0.5]), ValueError,
     "y_true 2 is not a class number"),
    (lambda: predictions.plot_prediction(COLOUR[0], 0.5, [0.5, 0.5]), TypeError, "y_true"),
])
def test_prediction_plot_bad_inputs(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------- the API


FIGURES = [plots.plot_samples, plots.plot_label_counts, predictions.plot_predictions,
           predictions.plot_prediction, predictions.plot_augmentations,
           predictions.plot_augmentation_grid]


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.__name__)
def test_figures_take_options_as_keywords_and_return_figures(figure) -> None:
    parameters = inspect.signature(figure).parameters
    order = [p for p in ("images", "image", "labels", "y_true", "y_pred", "probabilities",
                         "class_names") if p in parameters]
    positional = [name for name, p in parameters.items()
                  if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert [p for p in positional if p in order] == order
    for option in ("n", "ncols", "title", "ax"):
        if option in parameters:
            assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY, option
    assert "title" in parameters
    assert inspect.signature(figure).return_annotation in ("Figure", Figure)
