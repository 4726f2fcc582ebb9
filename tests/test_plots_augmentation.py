"""Augmentation figures and the training-run comparison.

predictions.plot_augmentations (one image, the original first, then random versions),
predictions.plot_augmentation_grid (rows of images next to random versions, made by
models.cifar_augmentation), and plots.plot_history_comparison.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
from figure_helpers import image_axes

from course_utils import models, plots, predictions


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
    fig = predictions.plot_augmentations(COLOUR, keras.layers.RandomFlip("horizontal"), n=16,
                                   title="Flips")
    axes = image_axes(fig)
    assert len(axes) == 16
    assert axes[0].get_title() == "original"
    assert [ax.get_title() for ax in axes[1:3]] == ["random 1", "random 2"]
    assert fig._suptitle.get_text() == "Flips"
    assert "original" in fig._supxlabel.get_text()
    np.testing.assert_allclose(_panel(axes[0]), COLOUR / 255.0, atol=1e-6)


def test_every_panel_is_the_image_or_its_mirror() -> None:
    fig = predictions.plot_augmentations(COLOUR, keras.layers.RandomFlip("horizontal"), n=12)
    image = COLOUR / 255.0
    for ax in image_axes(fig)[1:]:
        panel = _panel(ax)
        assert np.allclose(panel, image, atol=1e-5) or np.allclose(panel, image[:, ::-1],
                                                                   atol=1e-5)


def test_layer_is_called_once_with_training_true_on_n_minus_1_copies() -> None:
    layer = _Recorder()
    fig = predictions.plot_augmentations(COLOUR, layer, n=5)
    assert layer.calls == [((4, 32, 32, 3), True)]
    axes = image_axes(fig)
    assert len(axes) == 5
    np.testing.assert_allclose(_panel(axes[1]), 1.0 - COLOUR / 255.0, atol=1e-6)


def test_grey_uint8_image_stays_grey_with_its_shape() -> None:
    fig = predictions.plot_augmentations(GREY, keras.layers.RandomRotation(10 / 360), n=8)
    axes = image_axes(fig)
    assert len(axes) == 8
    assert all(_panel(ax).shape == (28, 28) for ax in axes)
    assert axes[0].images[0].get_cmap().name == "gray"
    np.testing.assert_allclose(_panel(axes[0]), GREY / 255.0, atol=1e-6)


def test_channel_axis_of_one_and_batch_of_one_are_accepted() -> None:
    fig = predictions.plot_augmentations(GREY[np.newaxis, ..., np.newaxis],
                                   keras.layers.RandomZoom(0.1), n=4)
    assert [_panel(ax).shape for ax in image_axes(fig)] == [(28, 28)] * 4


def test_float_images_in_0_1_and_in_0_255_look_the_same() -> None:
    as_unit = predictions.plot_augmentations(COLOUR / 255.0, _Recorder(), n=2)
    as_bytes = predictions.plot_augmentations(COLOUR.astype("float32"), _Recorder(), n=2)
    np.testing.assert_allclose(_panel(image_axes(as_unit)[0]), COLOUR / 255.0, atol=1e-6)
    np.testing.assert_allclose(_panel(image_axes(as_bytes)[0]), COLOUR / 255.0, atol=1e-6)


def test_augmented_values_are_clipped_to_the_visible_range() -> None:
    contrast = keras.layers.RandomContrast(0.9, seed=3)
    fig = predictions.plot_augmentations(COLOUR, contrast, n=6)
    for ax in image_axes(fig):
        panel = _panel(ax)
        assert panel.min() >= 0.0 and panel.max() <= 1.0


def test_fewer_panels_than_columns() -> None:
    fig = predictions.plot_augmentations(COLOUR, keras.layers.RandomFlip(), n=3, ncols=8)
    assert len(image_axes(fig)) == 3


def test_a_whole_dataset_instead_of_one_image_is_refused() -> None:
    batch = np.stack([COLOUR, COLOUR])
    with pytest.raises(ValueError, match="ONE image"):
        predictions.plot_augmentations(batch, keras.layers.RandomFlip())


def test_bad_n_and_non_layer_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        predictions.plot_augmentations(COLOUR, keras.layers.RandomFlip(), n=1)
    with pytest.raises(TypeError, match="Keras layer"):
        predictions.plot_augmentations(COLOUR, "flip")
    with pytest.raises(ValueError, match="numbers"):
        predictions.plot_augmentations(np.full((8, 8), "a"), keras.layers.RandomFlip())
    with pytest.raises(TypeError, match="n .* whole number"):
        predictions.plot_augmentations(COLOUR, keras.layers.RandomFlip(), n=2.5)


# --------------------------------------------------------------------------- grid

IMAGES = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_augmentation_grid_has_original_column_title_and_label() -> None:
    fig = predictions.plot_augmentation_grid(IMAGES, n_versions=3, seed=5)
    axes = image_axes(fig)
    assert len(axes) == 4 * 4
    assert [ax.get_title() for ax in axes[:4]] == ["original", "version 1", "version 2",
                                                   "version 3"]
    assert fig._suptitle.get_text() == "Random augmentations (seed 5)"
    assert "first column: the original" in fig._supxlabel.get_text()
    for row in range(4):
        np.testing.assert_array_equal(_panel(axes[row * 4]), IMAGES[row])
    titled = predictions.plot_augmentation_grid(IMAGES, n=1, n_versions=1, title="Cats")
    assert titled._suptitle.get_text() == "Cats (seed 0)" and len(image_axes(titled)) == 2


def test_same_seed_same_figure_and_different_seed_or_params_differ() -> None:
    def grid(**kwargs: Any) -> np.ndarray:
        return _pixels(predictions.plot_augmentation_grid(IMAGES[:2], n_versions=2, **kwargs))

    first = grid(seed=1)
    np.testing.assert_array_equal(first, grid(seed=1))
    assert not np.array_equal(first, grid(seed=2))
    assert not np.array_equal(first, grid(seed=1, zoom=0.4))


def test_grid_versions_are_what_cifar_augmentation_makes() -> None:
    """One augmentation definition: the grid shows models.cifar_augmentation's output."""
    fig = predictions.plot_augmentation_grid(IMAGES[:1], n_versions=3, rotation=0.2, zoom=0.0,
                                             translation=0.1, contrast=0.3, seed=7)
    layers = models.cifar_augmentation(flip=True, translation=0.1, rotation=0.2, zoom=0.0,
                                       contrast=0.3, seed=7)
    batch = np.repeat(IMAGES[:1], 3, axis=0).astype("float32")
    expected = np.rint(np.clip(keras.ops.convert_to_numpy(layers(batch, training=True)), 0, 255))
    shown = np.stack([_panel(ax) for ax in image_axes(fig)[1:]]).astype(int)
    assert not np.array_equal(shown[0], IMAGES[0])
    np.testing.assert_allclose(shown, expected, atol=1)  # 1: rounding after rescaling


def test_all_zero_parameters_leave_the_images_unchanged() -> None:
    fig = predictions.plot_augmentation_grid(IMAGES, rotation=0, zoom=0, translation=0,
                                             contrast=0, flip=False, n_versions=2)
    for i, ax in enumerate(image_axes(fig)):
        np.testing.assert_array_equal(_panel(ax), IMAGES[i // 3])


def test_augmentation_grid_accepts_grey_and_float_images() -> None:
    grey = predictions.plot_augmentation_grid(IMAGES[:2, :, :, :1], n_versions=2)
    assert [_panel(ax).shape for ax in image_axes(grey)] == [(32, 32)] * 6
    floats = predictions.plot_augmentation_grid(IMAGES[:1] / 255.0, contrast=0.9, n_versions=2)
    for ax in image_axes(floats):
        assert 0.0 <= _panel(ax).min() and _panel(ax).max() <= 1.0


@pytest.mark.parametrize("call, error, message", [
    (lambda: predictions.plot_augmentation_grid(IMAGES[:0]), ValueError, "images is empty"),
    (lambda: predictions.plot_augmentation_grid(IMAGES[0]), ValueError, "ONE colour image"),
    (lambda: predictions.plot_augmentation_grid(np.zeros((2, 8, 8, 5))), ValueError, "shape"),
    (lambda: predictions.plot_augmentation_grid(IMAGES, zoom=2), ValueError,
     "zoom should be between 0 and 1"),
    (lambda: predictions.plot_augmentation_grid(IMAGES, n_versions=0), ValueError,
     "n_versions must be at least 1"),
    (lambda: predictions.plot_augmentation_grid(IMAGES, n=1.0), TypeError, "n should be"),
])
def test_augmentation_grid_bad_inputs(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


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
