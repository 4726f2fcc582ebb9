"""course_utils.transfer: class subsets, nested labelled sets, backbones, heads and freezing."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import course_utils
from course_utils import models
from course_utils.transfer import (
    ANIMALS,
    VEHICLES,
    backbone_of,
    class_subset,
    conv_blocks,
    labelled_and_validation,
    repeated_batches,
    trainable_counts,
    transfer_model,
    unfreeze_top,
)


def test_animals_and_vehicles_split_cifar10() -> None:
    assert sorted(ANIMALS + VEHICLES) == sorted(course_utils.data.CIFAR10_CLASSES)


def test_class_subset_keeps_order_and_renumbers() -> None:
    images = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)
    labels = np.array([0, 1, 8, 9, 2, 8, 0, 5, 1, 9])  # CIFAR-10 label numbers
    x, y = class_subset(images, labels, VEHICLES)  # airplane 0, automobile 1, ship 8, truck 9
    assert x.ravel().tolist() == [0, 1, 2, 3, 5, 6, 8, 9]
    assert y.tolist() == [0, 1, 2, 3, 2, 0, 1, 3]
    assert x.dtype == np.uint8
    with pytest.raises(ValueError, match="unknown classes"):
        class_subset(images, labels, ["airplane", "submarine"])


def test_labelled_sets_are_nested_balanced_and_apart_from_validation() -> None:
    labels = np.repeat(np.arange(4), 60)
    images = np.arange(240).reshape(240, 1, 1, 1)  # each image is its own index
    labelled, (x_val, y_val) = labelled_and_validation(images, labels, [5, 20], 10, seed=3)
    small, large = (set(labelled[n][0].ravel()) for n in (5, 20))
    assert len(small) == 20 and len(large) == 80 and small < large
    assert np.bincount(labelled[5][1]).tolist() == [5] * 4
    assert np.bincount(y_val).tolist() == [10] * 4
    assert not set(x_val.ravel()) & large
    assert (labels[labelled[20][0].ravel()] == labelled[20][1]).all()  # labels stay with images
    again, _ = labelled_and_validation(images, labels, [5, 20], 10, seed=3)
    np.testing.assert_array_equal(again[20][0], labelled[20][0])
    with pytest.raises(ValueError, match="fewer than"):
        labelled_and_validation(images, labels, [55], 10)


@pytest.fixture(scope="module")
def pretrained() -> keras.Model:
    keras.utils.set_random_seed(0)
    return models.better_cifar_cnn(num_classes=6)


def test_backbone_shares_the_trained_layers(pretrained: keras.Model) -> None:
    backbone = backbone_of(pretrained)
    assert type(conv_blocks(backbone)[0][0]).__name__ == "Conv2D"
    assert tuple(backbone.output.shape) == (None, 4, 4, 256)
    conv = [layer for layer in pretrained.layers if isinstance(layer, keras.layers.Conv2D)]
    assert conv_blocks(backbone)[0][0] is not conv[0]  # a copy by default ...
    np.testing.assert_array_equal(conv_blocks(backbone)[0][0].kernel, conv[0].kernel)
    assert conv_blocks(backbone_of(pretrained, copy=False))[0][0] is conv[0]  # ... or shared
    assert len(conv_blocks(backbone)) == 4
    flat = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="GlobalAveragePooling2D"):
        backbone_of(flat)


def test_freezing_and_unfreezing_change_the_trainable_counts(pretrained: keras.Model) -> None:
    backbone = backbone_of(pretrained)
    model = transfer_model(backbone, len(VEHICLES))
    assert tuple(model.output.shape) == (None, 4)
    backbone.trainable = False
    trainable, frozen = trainable_counts(model)
    assert trainable == 256 * 4 + 4  # only the new Dense head
    assert frozen == backbone.count_params()
    names = unfreeze_top(backbone, 1)
    top_conv, top_bn = conv_blocks(backbone)[-1][:2]
    assert names == [top_conv.name] and not top_bn.trainable
    trainable_now, _ = trainable_counts(model)
    assert trainable_now == trainable + top_conv.count_params()
    assert unfreeze_top(backbone, 1, batchnorm=True) == [top_conv.name, top_bn.name]
    assert trainable_counts(model)[0] == trainable_now + 2 * 256  # + gamma and beta
    assert sum(trainable_counts(model)) == model.count_params()
    with pytest.raises(ValueError, match="4 blocks"):
        unfreeze_top(backbone, 5)


def _moving_means(backbone: keras.Model) -> np.ndarray:
    bn = conv_blocks(backbone)[-1][1]
    return np.asarray(bn.moving_mean).copy()


@pytest.mark.parametrize(
    ("training", "batchnorm", "changes"),
    [(False, False, False),  # batch normalization left frozen: statistics kept
     (False, True, True),  # unfrozen: fit's training=True overrides training=False (keras#20285)
     (None, True, True)])
def test_what_keeps_the_batch_norm_statistics(training: bool | None, batchnorm: bool,
                                              changes: bool) -> None:
    keras.utils.set_random_seed(1)
    backbone = backbone_of(models.better_cifar_cnn(num_classes=6))
    model = transfer_model(backbone, 4, backbone_training=training, augment=False)
    unfreeze_top(backbone, 1, batchnorm=batchnorm)
    model.compile("adam", "sparse_categorical_crossentropy")
    before = _moving_means(backbone)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (32, 32, 32, 3), dtype=np.uint8)
    model.fit(x, rng.integers(0, 4, 32), epochs=1, batch_size=16, verbose=0)
    assert (not np.allclose(before, _moving_means(backbone))) is changes


def test_repeated_batches_cycle_through_every_image() -> None:
    images = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)
    ds = repeated_batches(images, np.arange(10), batch_size=4, seed=0)
    seen = np.concatenate([x.numpy().ravel() for x, _ in ds.take(5)])  # 20 = two passes
    assert sorted(seen[:10]) == list(range(10)) and sorted(seen[10:]) == list(range(10))
    assert seen.dtype == np.uint8
