"""course_utils.models: the recipes build, take uint8 images, and train one step."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import models
from course_utils.display import show_source


@pytest.mark.parametrize("build", [models.classic_cifar_cnn, models.better_cifar_cnn])
def test_recipe_takes_uint8_and_outputs_probabilities(build) -> None:
    model = build()
    assert model.inputs[0].dtype == "uint8"
    assert model.layers[0].__class__.__name__ == "Rescaling"
    x = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    probs = model.predict(x, verbose=0)
    assert probs.shape == (4, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("build", [models.classic_cifar_cnn, models.better_cifar_cnn])
def test_recipe_trains_one_step(build) -> None:
    import keras

    model = build()
    model.compile(keras.optimizers.Adam(models.cosine_schedule(10)),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(1).integers(0, 256, (8, 32, 32, 3), dtype=np.uint8)
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


def test_show_source_shows_the_recipe() -> None:
    source = show_source(models.classic_cifar_cnn)
    assert str(source).startswith("def classic_cifar_cnn(")
    bundle = source._repr_mimebundle_()
    assert "Conv2D" in bundle["text/plain"] and "<div" in bundle["text/html"]
    with pytest.raises(ValueError, match="Cannot show the source"):
        show_source(42)
