"""course_utils.scaling and .distributed: multiply-adds from the shapes, timing, the rules."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils import distributed, models, scaling


def tiny_model() -> keras.Model:
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(4, 3, padding="same", name="conv"),
        keras.layers.SeparableConv2D(6, 3, padding="valid", name="sep"),
        keras.layers.DepthwiseConv2D(3, name="depth"),
        keras.layers.GlobalAveragePooling2D(name="pool"),
        keras.layers.Dense(5, name="dense"),
    ])


def test_macs_are_counted_from_the_shapes() -> None:
    table = scaling.count_macs(tiny_model())
    macs = {row.name: row.macs for row in table.layers}
    assert macs["conv"] == 8 * 8 * 4 * 3 * 3 * 1
    assert macs["sep"] == 6 * 6 * 4 * 3 * 3 + 6 * 6 * 4 * 6  # depthwise, then pointwise
    assert macs["depth"] == 4 * 4 * 6 * 3 * 3
    assert macs["dense"] == 6 * 5 and macs["pool"] == 0
    forward = sum(macs.values())
    assert table.forward_macs == forward
    # forward + weight gradients + input gradients, except the first layer's input gradient
    assert table.training_macs(10) == 10 * (3 * forward - macs["conv"])
    assert table.share("conv") == pytest.approx(macs["conv"] / forward)
    assert "dense" in str(table) and len(table.to_rows()) == len(table.layers)


def test_the_cifar_recipe_is_dominated_by_its_three_last_convolutions() -> None:
    table = scaling.count_macs(models.better_cifar_cnn())
    assert table.forward_macs == 15_043_072
    biggest = sorted(table.layers, key=lambda row: row.macs)[-3:]
    assert {row.kind for row in biggest} == {"Conv2D"}
    assert sum(table.share(row.name) for row in biggest) > 0.9


def test_the_macs_plot_has_one_labelled_bar_per_weighted_layer() -> None:
    table = scaling.count_macs(tiny_model())
    fig = scaling.plot_macs(table)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dense", "depth", "sep", "conv"]
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([r.macs / 1e6 for r in table.layers if r.macs][::-1])
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    shares = [t.get_text() for t in ax.texts]
    assert shares[-1] == f"{table.share('conv'):.0%}"
    with pytest.raises(ValueError, match="no layer with multiply-adds"):
        scaling.plot_macs(scaling.MacsTable("empty", ()))


def test_step_timing_and_peak_rate_are_measured() -> None:
    model = models.better_mnist_model(steps_per_epoch=4, epochs=1)
    images = np.zeros((64, 28, 28, 1), np.uint8)
    labels = np.arange(64) % 10
    step = scaling.time_training_step(model, images, labels, batch_size=32, steps=3, warmup=1)
    assert len(step.seconds) == 3 and step.median_s > 0 and step.images_per_s > 0
    peak = scaling.peak_rate(size=256, repeats=3)
    assert peak.macs_per_s > 1e6 and "256×256" in str(peak)


def test_batch_and_learning_rate_rules() -> None:
    assert distributed.global_batch_size(64, 2) == 128
    assert distributed.scaled_learning_rate(3e-3, 128, 512) == pytest.approx(1.2e-2)
    with pytest.raises(ValueError):
        distributed.global_batch_size(0, 2)
    with pytest.raises(ValueError):
        distributed.scaled_learning_rate(1e-3, 0, 4)


def test_one_device_gets_the_default_strategy() -> None:
    strategy = distributed.strategy_for_devices()
    assert strategy.num_replicas_in_sync >= 1
    assert "replica" in distributed.describe(strategy)
    pays, why = distributed.mixed_precision_pays()
    assert isinstance(pays, bool) and why
    with distributed.strategy_scope(None):
        pass
