"""course_utils.plots.plot_augmentations: one image, the original first, then random versions."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
from figure_helpers import image_axes

from course_utils import plots


def _panel(ax) -> np.ndarray:
    return np.asarray(ax.images[0].get_array())


COLOUR = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)
GREY = np.random.default_rng(0).integers(0, 256, (28, 28), dtype=np.uint8)


class _Recorder(keras.layers.Layer):
    """Inverts the image and remembers how it was called."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[tuple[int, ...], Any]] = []

    def call(self, inputs, training=None):
        self.calls.append((tuple(inputs.shape), training))
        return 255.0 - keras.ops.cast(inputs, "float32")


def test_grid_of_n_panels_original_first_with_title_and_label() -> None:
    fig = plots.plot_augmentations(COLOUR, keras.layers.RandomFlip("horizontal"), n=16,
                                   title="Flips")
    axes = image_axes(fig)
    assert len(axes) == 16
    assert axes[0].get_title() == "original"
    assert [ax.get_title() for ax in axes[1:3]] == ["random 1", "random 2"]
    assert fig._suptitle.get_text() == "Flips"
    assert "original" in fig._supxlabel.get_text()
    np.testing.assert_allclose(_panel(axes[0]), COLOUR / 255.0, atol=1e-6)


def test_every_panel_is_the_image_or_its_mirror() -> None:
    fig = plots.plot_augmentations(COLOUR, keras.layers.RandomFlip("horizontal"), n=12)
    image = COLOUR / 255.0
    for ax in image_axes(fig)[1:]:
        panel = _panel(ax)
        assert np.allclose(panel, image, atol=1e-5) or np.allclose(panel, image[:, ::-1],
                                                                   atol=1e-5)


def test_layer_is_called_once_with_training_true_on_n_minus_1_copies() -> None:
    layer = _Recorder()
    fig = plots.plot_augmentations(COLOUR, layer, n=5)
    assert layer.calls == [((4, 32, 32, 3), True)]
    axes = image_axes(fig)
    assert len(axes) == 5
    np.testing.assert_allclose(_panel(axes[1]), 1.0 - COLOUR / 255.0, atol=1e-6)


def test_grey_uint8_image_stays_grey_with_its_shape() -> None:
    fig = plots.plot_augmentations(GREY, keras.layers.RandomRotation(10 / 360), n=8)
    axes = image_axes(fig)
    assert len(axes) == 8
    assert all(_panel(ax).shape == (28, 28) for ax in axes)
    assert axes[0].images[0].get_cmap().name == "gray"
    np.testing.assert_allclose(_panel(axes[0]), GREY / 255.0, atol=1e-6)


def test_channel_axis_of_one_and_batch_of_one_are_accepted() -> None:
    fig = plots.plot_augmentations(GREY[np.newaxis, ..., np.newaxis],
                                   keras.layers.RandomZoom(0.1), n=4)
    assert [_panel(ax).shape for ax in image_axes(fig)] == [(28, 28)] * 4


def test_float_images_in_0_1_and_in_0_255_look_the_same() -> None:
    as_unit = plots.plot_augmentations(COLOUR / 255.0, _Recorder(), n=2)
    as_bytes = plots.plot_augmentations(COLOUR.astype("float32"), _Recorder(), n=2)
    np.testing.assert_allclose(_panel(image_axes(as_unit)[0]), COLOUR / 255.0, atol=1e-6)
    np.testing.assert_allclose(_panel(image_axes(as_bytes)[0]), COLOUR / 255.0, atol=1e-6)


def test_augmented_values_are_clipped_to_the_visible_range() -> None:
    contrast = keras.layers.RandomContrast(0.9, seed=3)
    fig = plots.plot_augmentations(COLOUR, contrast, n=6)
    for ax in image_axes(fig):
        panel = _panel(ax)
        assert panel.min() >= 0.0 and panel.max() <= 1.0


def test_fewer_panels_than_columns() -> None:
    fig = plots.plot_augmentations(COLOUR, keras.layers.RandomFlip(), n=3, ncols=8)
    assert len(image_axes(fig)) == 3


def test_a_whole_dataset_instead_of_one_image_is_refused() -> None:
    batch = np.stack([COLOUR, COLOUR])
    with pytest.raises(ValueError, match="ONE image"):
        plots.plot_augmentations(batch, keras.layers.RandomFlip())


def test_bad_n_and_non_layer_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        plots.plot_augmentations(COLOUR, keras.layers.RandomFlip(), n=1)
    with pytest.raises(TypeError, match="Keras layer"):
        plots.plot_augmentations(COLOUR, "flip")
    with pytest.raises(ValueError, match="numbers"):
        plots.plot_augmentations(np.full((8, 8), "a"), keras.layers.RandomFlip())


# --------------------------------------------------------------------------- comparison

PLAIN = {"accuracy": [0.5, 0.7, 0.9], "val_accuracy": [0.5, 0.55, 0.55],
         "loss": [1.0, 0.8, 0.3], "val_loss": [1.0, 0.9, 1.1]}
AUGMENTED = {"accuracy": [0.4, 0.55, 0.6], "val_accuracy": [0.45, 0.55, 0.6]}


class _History:
    def __init__(self, history: dict) -> None:
        self.history = history


def test_comparison_has_accuracy_and_gap_panels_with_labels() -> None:
    fig = plots.plot_history_comparison({"plain": _History(PLAIN), "augmented": AUGMENTED},
                                        title="Compared")
    acc_ax, gap_ax = fig.axes
    assert fig._suptitle.get_text() == "Compared"
    assert acc_ax.get_xlabel() == gap_ax.get_xlabel() == "epoch"
    assert acc_ax.get_ylabel() == "accuracy" and "gap" in gap_ax.get_title().lower()
    assert gap_ax.get_ylabel()
    labels = [line.get_label() for line in acc_ax.lines]
    assert labels == ["plain: training", "plain: validation",
                      "augmented: training", "augmented: validation"]


def test_comparison_gap_is_training_minus_validation() -> None:
    fig = plots.plot_history_comparison({"plain": PLAIN, "augmented": AUGMENTED})
    gap_ax = fig.axes[1]
    runs = [line for line in gap_ax.lines if not line.get_label().startswith("_")]
    plain_gap, augmented_gap = runs
    np.testing.assert_allclose(plain_gap.get_ydata(), [0.0, 0.15, 0.35])
    np.testing.assert_allclose(augmented_gap.get_ydata(), [-0.05, 0.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(plain_gap.get_xdata(), [1, 2, 3])
    assert plain_gap.get_color() != augmented_gap.get_color()


def test_comparison_of_runs_of_different_length_and_one_epoch() -> None:
    short = {"accuracy": [0.3], "val_accuracy": [0.35]}
    fig = plots.plot_history_comparison({"long": PLAIN, "short": short})
    assert len(fig.axes[0].lines) == 4


def test_comparison_refuses_what_it_cannot_plot() -> None:
    with pytest.raises(TypeError, match="dict"):
        plots.plot_history_comparison([PLAIN, AUGMENTED])
    with pytest.raises(TypeError, match="dict"):
        plots.plot_history_comparison({})
    with pytest.raises(ValueError, match="validation split"):
        plots.plot_history_comparison({"no val": {"accuracy": [0.5], "loss": [1.0]}})
    with pytest.raises(ValueError, match="same number"):
        plots.plot_history_comparison({"odd": {"accuracy": [0.5, 0.6], "val_accuracy": [0.5]}})
