"""Tests for the exercise checks of lesson 06 (saving and loading models).

The right answers come from the solutions published in the notebook; the
wrong answers are the mistakes learners typically make.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from exercise_helpers import NOTEBOOKS, assert_fails, assert_passes, run_solution, solutions

from course_utils.exercises import check_reloaded_model, check_resume_plan, check_save_names
from course_utils.exercises.lesson06 import RESUME_FILES, RESUME_TOTAL_EPOCHS

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
keras = pytest.importorskip("keras")

NB = "06_save_and_load.ipynb"


def _exec(code: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Run notebook code in ``namespace`` (quietly) and return the namespace."""
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, NB, "exec"), namespace)
    return namespace


def _starter_cell(marker: str) -> str:
    """The source of the code cell that contains ``marker``."""
    nb = nbformat.read(NOTEBOOKS / NB, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"expected one code cell with {marker!r}, found {len(cells)}"
    return cells[0]


def _tiny_model() -> Any:
    """A small compiled model with a uint8 image input, like the lesson's."""
    model = keras.Sequential([
        keras.Input(shape=(6, 6, 1), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def model() -> Any:
    keras.utils.set_random_seed(0)
    return _tiny_model()


@pytest.fixture
def sample() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, size=(5, 6, 6, 1)).astype("uint8")


def test_lesson06_has_three_solutions() -> None:
    assert sorted(solutions(NB)) == [1, 2, 3]


# Exercise 1: file names ------------------------------------------------------


def test_save_names_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB, 1)
    out = assert_passes(capsys, check_save_names(ns["whole_model"], ns["weights_only"],
                                                 ns["for_serving"]))
    assert ".weights.h5" in out


def test_save_names_solution_works_with_keras(tmp_path: Path, model: Any) -> None:
    ns = run_solution(NB, 1)
    model.save(tmp_path / ns["whole_model"])
    model.save_weights(tmp_path / ns["weights_only"])
    model.export(tmp_path / ns["for_serving"], verbose=False)
    assert (tmp_path / ns["for_serving"] / "saved_model.pb").is_file()


def test_save_names_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    ns = _exec(_starter_cell("check_save_names("), {"check_save_names": lambda *a: None})
    ok = check_save_names(ns["whole_model"], ns["weights_only"], ns["for_serving"])
    assert_fails(capsys, ok, "legacy HDF5", ".keras")


def test_save_names_accepts_paths(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_save_names(Path("m") / "a.keras", Path("a.weights.h5"), Path("exports") / "a")
    assert_passes(capsys, ok)


@pytest.mark.parametrize(("names", "fragments"), [
    (("a.weights.h5", "a.weights.h5", "a_export"), ("weights-only name", "model.save()")),
    (("a.hdf5", "a.weights.h5", "a_export"), ("legacy HDF5",)),
    (("a", "a.weights.h5", "a_export"), ("ending in .keras",)),
    (("a.keras", "a.h5", "a_export"), ("Keras 3 refuses", ".weights.h5")),
    (("a.keras", "a.keras", "a_export"), ("whole-model name", ".weights.h5")),
    (("a.keras", "a.weights", "a_export"), ("ending in .weights.h5",)),
    (("a.keras", "a.weights.h5", "a.keras"), ("looks like a file name", "folder")),
    (("a.keras", "a.weights.h5", "a.h5"), ("looks like a file name",)),
    (("a.keras", "a.weights.h5", ""), ("for_serving is empty",)),
    ((None, "a.weights.h5", "a_export"), ("whole_model should be a file or folder name",)),
    (("a.keras", 3, "a_export"), ("weights_only should be", "an int")),
])
def test_save_names_wrong_answers(capsys: pytest.CaptureFixture[str], names: tuple[Any, ...],
                                  fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_save_names(*names), *fragments)


# Exercise 2: save, reload, compare ----------------------------------------------


def _run_exercise_2(model: Any, sample: np.ndarray, path: Path) -> dict[str, Any]:
    namespace = {"np": np, "keras": keras, "model": model, "sample": sample,
                 "exercise_path": path}
    return _exec(solutions(NB)[2], namespace)


def test_reloaded_model_solution_passes(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        model: Any, sample: np.ndarray) -> None:
    path = tmp_path / "exercise_model.keras"
    ns = _run_exercise_2(model, sample, path)
    out = assert_passes(capsys, check_reloaded_model(model, ns["reloaded_model"], path))
    assert "identical" in out


def test_reloaded_model_accepts_str_path(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         model: Any, sample: np.ndarray) -> None:
    path = tmp_path / "m.keras"
    ns = _run_exercise_2(model, sample, path)
    assert_passes(capsys, check_reloaded_model(model, ns["reloaded_model"], str(path)))


def test_reloaded_model_starter_code_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           model: Any) -> None:
    path = tmp_path / "exercise_model.keras"
    assert_fails(capsys, check_reloaded_model(model, None, path), "no file", "model.save")


def test_reloaded_model_saved_but_not_loaded(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             model: Any) -> None:
    path = tmp_path / "m.keras"
    model.save(path)
    assert_fails(capsys, check_reloaded_model(model, None, path), "still None", "load_model")


def test_reloaded_model_same_object(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    model: Any) -> None:
    path = tmp_path / "m.keras"
    model.save(path)
    assert_fails(capsys, check_reloaded_model(model, model, path), "very same object")


def test_reloaded_model_fresh_model_without_weights(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, model: Any) -> None:
    path = tmp_path / "m.keras"
    model.save(path)
    assert_fails(capsys, check_reloaded_model(model, _tiny_model(), path),
                 "different predictions", "without loading weights")


def test_reloaded_model_stale_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    trained = _tiny_model()
    path = tmp_path / "m.keras"
    trained.save(path)
    reloaded = keras.models.load_model(path)
    trained.set_weights([w + 0.5 for w in trained.get_weights()])  # "trained further"
    assert_fails(capsys, check_reloaded_model(trained, reloaded, path),
                 "does not hold model's current weights", "save again")


def test_reloaded_model_other_architecture(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           model: Any) -> None:
    path = tmp_path / "m.keras"
    model.save(path)
    other = keras.Sequential([keras.Input(shape=(6, 6, 1), dtype="uint8"),
                              keras.layers.Flatten(), keras.layers.Dense(4)])
    assert_fails(capsys, check_reloaded_model(model, other, path), "different model")


@pytest.mark.parametrize(("name", "fragment"), [
    ("m.h5", "legacy HDF5"),
    ("m.weights.h5", "weights-only name"),
    ("m.txt", "ending in .keras"),
])
def test_reloaded_model_wrong_file_names(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         model: Any, name: str, fragment: str) -> None:
    ok = check_reloaded_model(model, model, tmp_path / name)
    out = assert_fails(capsys, ok, fragment)
    assert "path = " in out


def test_reloaded_model_not_a_zip(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                  model: Any) -> None:
    path = tmp_path / "m.keras"
    path.write_text("not a model")
    assert_fails(capsys, check_reloaded_model(model, model, path), "not a .keras file")


@pytest.mark.parametrize(("args", "fragment"), [
    (("model", None, "m.keras"), "trained Keras model"),
    (("MODEL", None, 3), "should be the file name"),
])
def test_reloaded_model_wrong_types(capsys: pytest.CaptureFixture[str], model: Any,
                                    args: tuple[Any, ...], fragment: str) -> None:
    args = tuple(model if a == "MODEL" else a for a in args)
    assert_fails(capsys, check_reloaded_model(*args), fragment)


def test_reloaded_model_not_a_model(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    model: Any, sample: np.ndarray) -> None:
    path = tmp_path / "m.keras"
    model.save(path)
    ok = check_reloaded_model(model, model.predict(sample, verbose=0), path)
    assert_fails(capsys, ok, "should be a Keras model", "a NumPy array")


# Exercise 3: resume plan -------------------------------------------------------


def _exercise_3_namespace() -> dict[str, Any]:
    """Run the starter cell (for files_on_disk etc.), with the check switched off."""
    return _exec(_starter_cell("check_resume_plan("), {"check_resume_plan": lambda *a: None})


def test_notebook_scenario_matches_the_check() -> None:
    ns = _exercise_3_namespace()
    assert ns["files_on_disk"] == RESUME_FILES
    assert ns["total_epochs_planned"] == RESUME_TOTAL_EPOCHS


def test_resume_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = _exec(solutions(NB)[3], _exercise_3_namespace())
    ok = check_resume_plan(ns["checkpoint_to_load"], ns["initial_epoch"], ns["epochs"])
    out = assert_passes(capsys, ok)
    assert "run_e11.keras" in out and "epochs 12 to 15" in out


def test_resume_starter_code_fails(capsys: pytest.CaptureFixture[str]) -> None:
    ns = _exercise_3_namespace()
    ok = check_resume_plan(ns["checkpoint_to_load"], ns["initial_epoch"], ns["epochs"])
    assert_fails(capsys, ok, "not one of the files")


def test_resume_accepts_paths_and_numpy(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_resume_plan(Path("ckpt") / "run_e11.keras", np.int64(11), 15.0)
    assert_passes(capsys, ok)


@pytest.mark.parametrize(("answer", "fragments"), [
    ((max(RESUME_FILES), 9, 15), ("largest name as text", "key=")),
    (("run_e12.keras", 12, 15), ("does not exist", "never finished")),
    (("run_e10.keras", 10, 15), ("holds epoch 10", "redo 1 epoch")),
    (("model.keras", 11, 15), ("not one of the files",)),
    (("run_e11.keras", 12, 15), ("initial_epoch = 12", "skip epoch 12")),
    (("run_e11.keras", 0, 15), ("initial_epoch = 0", "from 1 again")),
    (("run_e11.keras", 5, 15), ("initial_epoch = 5", "already done")),
    (("run_e11.keras", 11, 4), ("epochs = 4", "trains nothing")),
    (("run_e11.keras", 11, 26), ("epochs = 26", "15 more epochs", "the plan was 15")),
    (("run_e11.keras", 11, 20), ("epochs = 20", "planned for 15")),
    ((11, 11, 15), ("checkpoint_to_load should be", "an int")),
    (("run_e11.keras", "11", 15), ("initial_epoch should be a whole number", "a str")),
    (("run_e11.keras", 11, None), ("epochs should be a whole number",)),
    (("run_e11.keras", True, 15), ("initial_epoch should be a whole number",)),
])
def test_resume_wrong_answers(capsys: pytest.CaptureFixture[str], answer: tuple[Any, ...],
                              fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_resume_plan(*answer), *fragments)


def test_resume_numbers_match_what_keras_does(model: Any) -> None:
    """fit(initial_epoch=11, epochs=15) trains epochs 12..15: four more epochs."""
    x = np.zeros((4, 6, 6, 1), dtype="uint8")
    y = np.zeros(4, dtype="int64")
    history = model.fit(x, y, initial_epoch=11, epochs=15, verbose=0)
    assert history.epoch == [11, 12, 13, 14]
    assert model.fit(x, y, initial_epoch=11, epochs=4, verbose=0).epoch == []
