"""course_utils.models: the recipes build, take uint8 images, and train one step."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import models, show_source

BUILDERS = [models.classic_cifar_cnn, models.better_cifar_cnn, models.better_mnist_cnn]


@pytest.mark.parametrize("build", BUILDERS)
def test_recipe_takes_uint8_and_outputs_probabilities(build) -> None:
    model = build()
    assert model.inputs[0].dtype == "uint8"
    assert model.layers[0].__class__.__name__ == "Rescaling"
    shape = tuple(model.inputs[0].shape[1:])
    x = np.random.default_rng(0).integers(0, 256, (4, *shape), dtype=np.uint8)
    probs = model.predict(x, verbose=0)
    assert probs.shape == (4, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("build", BUILDERS)
def test_recipe_trains_one_step(build) -> None:
    import keras

    model = build()
    model.compile(keras.optimizers.Adam(models.cosine_schedule(10)),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    shape = tuple(model.inputs[0].shape[1:])
    x = np.random.default_rng(1).integers(0, 256, (8, *shape), dtype=np.uint8)
    y = np.arange(8) % 10
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_augmentation_changes_images_only_in_training() -> None:
    x = np.random.default_rng(2).integers(0, 256, (2, 32, 32, 3)).astype("float32")
    aug = models.cifar_augmentation(rotation=0.05, zoom=0.1, contrast=0.2)
    assert [type(layer).__name__ for layer in aug.layers] == [
        "RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom", "RandomContrast"]
    np.testing.assert_array_equal(np.asarray(aug(x, training=False)), x)
    assert not np.array_equal(np.asarray(aug(x, training=True)), x)


def test_nearest_interpolation_shifts_by_whole_pixels() -> None:
    aug = models.cifar_augmentation(flip=False, translation=0.2, interpolation="nearest")
    assert aug.layers[0].interpolation == "nearest"
    x = np.random.default_rng(3).integers(0, 256, (4, 32, 32, 3)).astype("float32")
    shifted = np.asarray(aug(x, training=True))
    # No blending of neighbours: every output value is one of the input values.
    assert set(np.unique(shifted)) <= set(np.unique(x))
    assert models.cifar_augmentation().layers[1].interpolation == "bilinear"  # lesson 03's default


def test_conv_block_pools_before_batchnorm() -> None:
    names = [type(layer).__name__ for layer in models.conv_block(8)]
    assert names == ["Conv2D", "MaxPooling2D", "BatchNormalization", "ReLU"]
    unpooled = [type(layer).__name__ for layer in models.conv_block(8, pool=False)]
    assert unpooled == ["Conv2D", "BatchNormalization", "ReLU"]
    assert models.conv_block(8)[0].use_bias is False


def test_better_model_without_augmentation_has_no_augmentation_block() -> None:
    names = [layer.name for layer in models.better_cifar_cnn(augment=False).layers]
    assert "augmentation" not in names
    assert "augmentation" in [layer.name for layer in models.better_cifar_cnn().layers]


def test_cosine_schedule_warms_up_then_decays_to_zero() -> None:
    schedule = models.cosine_schedule(100, peak=0.01, warmup_fraction=0.1)
    rates = [float(schedule(step)) for step in (0, 5, 10, 55, 100)]
    assert rates[0] == 0.0 and rates[1] == pytest.approx(0.005)
    assert rates[2] == pytest.approx(0.01)
    assert rates[3] == pytest.approx(0.005, abs=1e-4)
    assert rates[4] == pytest.approx(0.0, abs=1e-7)
    with pytest.raises(ValueError):
        models.cosine_schedule(0)


def test_show_source_shows_the_recipe(capsys: pytest.CaptureFixture) -> None:
    assert show_source(models.classic_cifar_cnn) is None
    assert capsys.readouterr().out.startswith("def classic_cifar_cnn(")
    with pytest.raises(ValueError, match="Cannot show the source"):
        show_source(42)


# --------------------------------------------------------------------------- better recipes


def test_training_recipes_print_every_setting() -> None:
    text = str(models.BETTER_CIFAR)
    for key in ("epochs", "batch_size", "peak_learning_rate", "label_smoothing",
                "validation_fraction"):
        assert f"{key}=" in text
    assert models.BETTER_MNIST.as_dict()["batch_size"] == models.BETTER_MNIST.batch_size
    with pytest.raises(AttributeError):
        models.BETTER_MNIST.epochs = 99  # frozen: lessons cannot change it by accident


def test_smoothed_crossentropy_matches_keras_on_one_hot_labels() -> None:
    import keras

    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], dtype="float32")
    labels = np.array([0, 1])
    expected = keras.losses.CategoricalCrossentropy(label_smoothing=0.1)(
        keras.utils.to_categorical(labels, 3), probs)
    got = models.sparse_crossentropy(0.1)(labels, probs)
    assert float(got) == pytest.approx(float(expected), rel=1e-5)
    plain = models.sparse_crossentropy(0.0)
    assert isinstance(plain, keras.losses.SparseCategoricalCrossentropy)
    assert float(plain(labels, probs)) < float(got)  # smoothing penalises confident mistakes
