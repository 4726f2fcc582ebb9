"""course_utils.pipelines: NumPy arrays to tf.data batches, uint8 kept, validation held out."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import models, pipelines


def _numbered(n: int, shape: tuple[int, ...] = (4, 4, 3)) -> tuple[np.ndarray, np.ndarray]:
    """Images whose every pixel holds the image's index (mod 256); labels = index."""
    x = (np.arange(n, dtype=np.int64)[:, None] * np.ones((1, int(np.prod(shape))), np.int64))
    return (x % 256).astype(np.uint8).reshape(n, *shape), np.arange(n, dtype=np.int64)


def test_train_val_datasets_hold_out_the_last_images_and_keep_uint8() -> None:
    x, y = _numbered(100)
    recipe = models.TrainingRecipe(epochs=1, batch_size=16, peak_learning_rate=1e-3,
                                   validation_fraction=0.2)
    train_ds, val_ds = pipelines.train_val_datasets(x, y, recipe, seed=1)
    assert len(train_ds) == 5  # 80 images in batches of 16
    images, labels = next(iter(train_ds))
    assert images.dtype == "uint8" and images.shape == (16, 4, 4, 3)
    np.testing.assert_array_equal(images.numpy()[:, 0, 0, 0], labels.numpy() % 256)
    val_labels = np.concatenate([lab.numpy() for _, lab in val_ds])
    np.testing.assert_array_equal(val_labels, np.arange(80, 100))
    epoch1 = np.concatenate([lab.numpy() for _, lab in train_ds])
    epoch2 = np.concatenate([lab.numpy() for _, lab in train_ds])
    np.testing.assert_array_equal(np.sort(epoch1), np.arange(80))  # every image, once
    assert not np.array_equal(epoch1, np.arange(80))  # shuffled ...
    assert not np.array_equal(epoch1, epoch2)  # ... differently every epoch
    # Autotuning is off (it made every other epoch single-threaded on a CPU).
    assert train_ds.options().autotune.enabled is False


def test_batched_dataset_does_not_copy_the_images() -> None:
    x, y = _numbered(64)
    ds = pipelines.batched_dataset(x, y, 64)
    x[:] = 7  # the pipeline reads the array itself, batch by batch
    assert (next(iter(ds))[0].numpy() == 7).all()


def test_train_val_datasets_add_a_channel_axis_and_check_inputs() -> None:
    x, y = _numbered(20, shape=(28, 28))
    train_ds, _ = pipelines.train_val_datasets(x, y, models.BETTER_MNIST)
    assert next(iter(train_ds))[0].shape[1:] == (28, 28, 1)
    with pytest.raises(ValueError, match="20 images but 19 labels"):
        pipelines.train_val_datasets(x, y[:19], models.BETTER_MNIST)
    with pytest.raises(ValueError, match="no training or no validation images"):
        pipelines.train_val_datasets(x[:3], y[:3], models.BETTER_MNIST)
    with pytest.raises(ValueError, match="a recipe or a batch_size, not both"):
        pipelines.train_val_datasets(x, y, models.BETTER_MNIST, batch_size=8)
    with pytest.raises(ValueError, match="batch_size must be"):
        pipelines.train_val_datasets(x, y)


def test_train_val_datasets_with_a_batch_size_instead_of_a_recipe() -> None:
    x, y = _numbered(50)
    train_ds, val_ds = pipelines.train_val_datasets(x, y, batch_size=10, validation_fraction=0.2)
    assert len(train_ds) == 4 and len(val_ds) == 1  # 40 training images; validation batch 20
    assert [len(lab) for _, lab in train_ds] == [10, 10, 10, 10]
    np.testing.assert_array_equal(np.concatenate([lab.numpy() for _, lab in val_ds]),
                                  np.arange(40, 50))


@pytest.mark.parametrize("build", [models.better_mnist_model, models.better_cifar_model])
def test_compiled_recipe_models_train_on_their_datasets(build) -> None:
    mnist = build is models.better_mnist_model
    recipe = models.BETTER_MNIST if mnist else models.BETTER_CIFAR
    x, y = _numbered(40, shape=(28, 28) if mnist else (32, 32, 3))
    train_ds, val_ds = pipelines.train_val_datasets(x, y % 10, recipe)
    model = build(steps_per_epoch=len(train_ds), epochs=2)
    assert model.optimizer is not None and model.compiled
    history = model.fit(train_ds, validation_data=val_ds, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"][-1]) and len(history.history["val_accuracy"]) == 2
    assert float(model.optimizer.iterations) == 2 * len(train_ds)
    # The cosine schedule spans epochs × steps_per_epoch and peaks at the recipe's rate.
    schedule = build(steps_per_epoch=50, epochs=4).optimizer.get_config()["learning_rate"]
    config = schedule["config"]
    assert config["warmup_target"] == pytest.approx(recipe.peak_learning_rate)
    assert config["warmup_steps"] + config["decay_steps"] == 200
    assert config["warmup_steps"] == int(200 * recipe.warmup_fraction)
