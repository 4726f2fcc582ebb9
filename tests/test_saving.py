"""course_utils.saving.load_model: safe mode, clear errors, exact round trips."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from course_utils.errors import CourseError, UnsafeModelError
from course_utils.saving import load_model

SAMPLE = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1), dtype=np.uint8)


def _small_cnn() -> keras.Model:
    """A compiled model with the kinds of state lessons save: conv, BN statistics, Adam slots."""
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1), dtype="uint8"),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(4, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(),
            keras.layers.ReLU(),
            keras.layers.MaxPooling2D(),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[keras.Model, Path]:
    """A model trained for two steps (so BN statistics and optimizer state are not fresh)."""
    keras.utils.set_random_seed(0)
    model = _small_cnn()
    model.fit(SAMPLE, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)
    path = tmp_path_factory.mktemp("saving") / "small.keras"
    model.save(path)
    return model, path


@pytest.fixture(scope="module")
def lambda_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(2, name="dense"),
            keras.layers.Lambda(lambda x: x * 2, name="doubler"),
        ]
    )
    path = tmp_path_factory.mktemp("saving") / "doubler.keras"
    model.save(path)
    return path


# --------------------------------------------------------------------------- round trips


def test_keras_round_trip_predicts_identically(trained: tuple[keras.Model, Path]) -> None:
    model, path = trained
    reloaded = load_model(path)
    np.testing.assert_array_equal(reloaded.predict(SAMPLE, verbose=0),
                                  model.predict(SAMPLE, verbose=0))
    assert int(reloaded.optimizer.iterations) == int(model.optimizer.iterations) == 2


def test_weights_round_trip_predicts_identically(
    trained: tuple[keras.Model, Path], tmp_path: Path
) -> None:
    model, _ = trained
    weights = tmp_path / "small.weights.h5"
    model.save_weights(weights)
    fresh = _small_cnn()
    assert not np.array_equal(fresh.predict(SAMPLE, verbose=0), model.predict(SAMPLE, verbose=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "skipping optimizer variables": expected, see lesson 06
        fresh.load_weights(weights)
    np.testing.assert_array_equal(fresh.predict(SAMPLE, verbose=0),
                                  model.predict(SAMPLE, verbose=0))


def test_legacy_h5_loads_with_a_conversion_hint(
    trained: tuple[keras.Model, Path], tmp_path: Path
) -> None:
    model, _ = trained
    legacy = tmp_path / "old_model.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras' own "legacy format" warning
        model.save(legacy)
    with pytest.warns(UserWarning, match=r"legacy \.h5.*model\.save\('old_model\.keras'\)"):
        reloaded = load_model(legacy)
    np.testing.assert_array_equal(reloaded.predict(SAMPLE, verbose=0),
                                  model.predict(SAMPLE, verbose=0))


# --------------------------------------------------------------------------- safe mode


def test_lambda_layer_is_refused_with_an_explanation(lambda_file: Path) -> None:
    with pytest.raises(UnsafeModelError) as info:
        load_model(lambda_file)
    message = str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CourseError)
    assert "Lambda layer 'doubler'" in message
    assert "Python code that would run" in message
    assert "safe_mode=False only for a file you made yourself" in message
    assert "load_weights" in message
    assert "Lambda" in str(info.value.__cause__)  # Keras' own error is kept


def test_lambda_file_loads_when_you_trust_it_or_via_weights(lambda_file: Path) -> None:
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    trusted = load_model(lambda_file, safe_mode=False)
    rebuilt = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(2, name="dense"),
            keras.layers.Lambda(lambda x: x * 2, name="doubler"),
        ]
    )
    rebuilt.load_weights(lambda_file)  # the safe route the error message recommends
    np.testing.assert_array_equal(rebuilt.predict(x, verbose=0), trusted.predict(x, verbose=0))


def test_lambda_layers_inside_a_nested_model_are_named(tmp_path: Path) -> None:
    inner = keras.Sequential([keras.layers.Lambda(lambda x: x + 1, name="plus_one")], name="inner")
    model = keras.Sequential(
        [keras.Input((3,)), inner, keras.layers.Lambda(lambda x: x * 2, name="times_two")]
    )
    path = tmp_path / "nested.keras"
    model.save(path)
    with pytest.raises(UnsafeModelError, match="Lambda layers 'plus_one', 'times_two' hold"):
        load_model(path)


# --------------------------------------------------------------------------- damaged files


def _truncate(source: Path, dest: Path, keep: float) -> Path:
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * keep)])
    return dest


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.99])
def test_truncated_keras_file_is_called_damaged(
    trained: tuple[keras.Model, Path], tmp_path: Path, keep: float
) -> None:
    path = _truncate(trained[1], tmp_path / "cut.keras", keep)
    with pytest.raises(ValueError, match="cut.keras is damaged or incomplete") as info:
        load_model(path)
    assert "save the model again" in str(info.value) and "File not found" not in str(info.value)
    assert info.value.__cause__ is not None


def test_damaged_member_inside_the_archive_is_called_damaged(
    trained: tuple[keras.Model, Path], tmp_path: Path
) -> None:
    """A zip that is whole, but whose weights file was cut short before zipping."""
    path = tmp_path / "inner.keras"
    with zipfile.ZipFile(trained[1]) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data[: len(data) // 2] if name.endswith(".h5") else data)
    with pytest.raises(ValueError, match="damaged or incomplete") as info:
        load_model(path)
    assert isinstance(info.value.__cause__, OSError)


def test_flipped_bytes_fail_the_checksum(trained: tuple[keras.Model, Path], tmp_path: Path) -> None:
    data = bytearray(trained[1].read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    path = tmp_path / "flipped.keras"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged or incomplete"):
        load_model(path)


def test_truncated_h5_is_called_damaged(trained: tuple[keras.Model, Path], tmp_path: Path) -> None:
    legacy = tmp_path / "whole.h5"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained[0].save(legacy)
    path = _truncate(legacy, tmp_path / "half.h5", 0.5)
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="not a complete HDF5"):
        load_model(path)


# --------------------------------------------------------------------------- wrong kinds of path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no model file at .*nothing.keras"):
        load_model(tmp_path / "nothing.keras")


def test_weights_file_points_to_load_weights(
    trained: tuple[keras.Model, Path], tmp_path: Path
) -> None:
    path = tmp_path / "only.weights.h5"
    trained[0].save_weights(path)
    with pytest.raises(ValueError, match=r"holds only weights.*model\.load_weights"):
        load_model(path)


def test_export_folder_points_to_tfsmlayer(
    trained: tuple[keras.Model, Path], tmp_path: Path
) -> None:
    export_dir = tmp_path / "exported"
    trained[0].export(export_dir, verbose=False)
    with pytest.raises(ValueError, match="TFSMLayer"):
        load_model(export_dir)
    with pytest.raises(ValueError, match="folder, not a model file"):
        load_model(tmp_path)


def test_other_suffix_is_not_a_model_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not a Keras model file"):
        load_model(path)
