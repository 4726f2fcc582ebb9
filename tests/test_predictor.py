"""course_utils.predictor and cells: a model with its class names, from memory or from a file."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from course_utils.cells import cell_cnn, train_cell_model
from course_utils.photos import read_photo
from course_utils.predictor import (
    CLASS_NAMES_FILE,
    Predictor,
    save_with_classes,
    saved_class_names,
)

NAMES = ["a", "b", "c"]


def tiny_model(activation: str | None = "softmax") -> keras.Model:
    keras.utils.set_random_seed(1)
    return keras.Sequential([
        keras.Input((30, 40, 3), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(4, 3),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(3, activation=activation),
    ])


@pytest.fixture(scope="module")
def model() -> keras.Model:
    return tiny_model()


@pytest.fixture(scope="module")
def pixels() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (5, 30, 40, 3), dtype=np.uint8)


def test_a_keras_file_keeps_its_class_names(model: keras.Model, pixels: np.ndarray,
                                            tmp_path: Path) -> None:
    path = save_with_classes(model, tmp_path / "m.keras", NAMES)
    with zipfile.ZipFile(path) as archive:
        assert CLASS_NAMES_FILE in archive.namelist()
    assert saved_class_names(path) == NAMES
    loaded = Predictor.from_file(path)
    assert loaded.class_names == NAMES and loaded.image_size == (30, 40)
    expected = model.predict(pixels, verbose=0)
    assert np.allclose(loaded.predict_pixels(pixels), expected, atol=1e-6)
    assert "30×40 input, 3 classes: a, b, c" in repr(loaded)


def test_an_export_folder_keeps_its_class_names(model: keras.Model, pixels: np.ndarray,
                                                tmp_path: Path) -> None:
    folder = save_with_classes(model, tmp_path / "export", NAMES)
    assert (folder / "saved_model.pb").exists() and saved_class_names(folder) == NAMES
    loaded = Predictor.from_file(folder)
    assert loaded.image_size == (30, 40)
    assert np.allclose(loaded.predict_pixels(pixels), model.predict(pixels, verbose=0),
                       atol=1e-5)
    assert Predictor.from_file(folder, ["x", "y", "z"]).class_names == ["x", "y", "z"]


def test_a_file_without_names_gets_label_numbers(model: keras.Model, tmp_path: Path) -> None:
    model.save(tmp_path / "plain.keras")
    assert saved_class_names(tmp_path / "plain.keras") is None
    assert Predictor.from_file(tmp_path / "plain.keras").class_names == ["0", "1", "2"]


def test_wrong_class_counts_are_refused(model: keras.Model, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="3 outputs but you gave 2 class names"):
        save_with_classes(model, tmp_path / "m.keras", ["a", "b"])
    with pytest.raises(ValueError, match="3 outputs but 4 class names"):
        Predictor(model, ["a", "b", "c", "d"])


def test_logits_become_probabilities(pixels: np.ndarray) -> None:
    logits = tiny_model(activation=None)
    probabilities = Predictor(logits, NAMES).predict_pixels(pixels)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    scores = logits.predict(pixels, verbose=0)
    assert np.array_equal(probabilities.argmax(axis=1), scores.argmax(axis=1))


def test_photos_are_fitted_to_the_model(model: keras.Model, tmp_path: Path) -> None:
    path = tmp_path / "square.png"
    Image.new("RGB", (300, 300), (10, 200, 30)).save(path)
    answer = Predictor(model, NAMES).predict_photo(read_photo(path), top=2)
    assert answer.pixels.shape == (30, 40, 3)
    assert len(answer.top) == 2 and answer.top[0] == (answer.class_name, answer.probability)
    as_dict = answer.to_dict()
    assert as_dict["class"] == answer.class_name and len(as_dict["top"]) == 2
    many = Predictor(model, NAMES).predict_photos([read_photo(path)] * 5, batch_size=2)
    assert len(many) == 5 and len({m.class_name for m in many}) == 1


def test_a_predictor_can_serve_threads(model: keras.Model, pixels: np.ndarray) -> None:
    predictor = Predictor(model, NAMES)
    expected = predictor.predict_pixels(pixels)
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(predictor.predict_pixels(pixels)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(np.allclose(r, expected) for r in results)


def test_bad_inputs(model: keras.Model) -> None:
    with pytest.raises(ValueError, match=r"takes images of \(30, 40, 3\)"):
        Predictor(model, NAMES).predict_pixels(np.zeros((1, 40, 30, 3), np.uint8))
    free = keras.Sequential([keras.Input((None, None, 3)), keras.layers.GlobalAveragePooling2D(),
                             keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="fixed size"):
        Predictor(free)
    with pytest.raises(TypeError, match="Keras model or a loaded export folder"):
        Predictor("model.keras")


def test_the_cell_model_trains_on_a_cell_folder(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for label, name in enumerate(["EOSINOPHIL", "LYMPHOCYTE"]):
        folder = tmp_path / "TRAIN" / name
        folder.mkdir(parents=True)
        for cell in range(5):
            for copy in range(2):
                pixels = rng.integers(0, 60, (24, 32, 3)) + 150 * label
                Image.fromarray(pixels.astype(np.uint8)).save(folder / f"_{cell}_{copy}.jpeg")
    trained = train_cell_model(tmp_path / "TRAIN", image_size=(24, 32), epochs=1, verbose=0)
    assert trained.class_names == ["EOSINOPHIL", "LYMPHOCYTE"]
    assert trained.best_epoch == 1 and 0.0 <= trained.val_accuracy <= 1.0
    labels = trained.validation_labels()
    assert len(labels) == 4 and set(labels) == {0, 1}  # one cell of each class, 2 copies
    assert trained.model.inputs[0].shape[1:] == (24, 32, 3)
    assert cell_cnn((24, 32), 4).outputs[0].shape[-1] == 4
