"""Checks for the exercises of lesson 06 (saving and loading models)."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ._common import as_int, error, kind, report, show

__all__ = [
    "RESUME_FILES",
    "RESUME_TOTAL_EPOCHS",
    "check_reloaded_model",
    "check_resume_plan",
    "check_save_names",
]

# The scenario of Exercise 3: a run planned for 15 epochs with
# ModelCheckpoint("run_e{epoch}.keras") stopped during epoch 12. The files are listed in
# the arbitrary order os.listdir() may give them.
RESUME_TOTAL_EPOCHS = 15
RESUME_FILES = [f"run_e{n}.keras" for n in (10, 3, 11, 1, 7, 9, 2, 5, 4, 8, 6)]


def _as_name(value: Any) -> str | None:
    """Return a file name given as str or Path, else None."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, str):
        return value
    return None


# --------------------------------------------------------------------------- Exercise 1


def _whole_model_problem(name: str) -> str | None:
    if name.endswith(".weights.h5"):
        return (
            f"whole_model = {name!r} is a weights-only name: model.save() needs a name ending "
            "in .keras, so the architecture and optimizer are saved too."
        )
    if name.endswith((".h5", ".hdf5")):
        return (
            f"whole_model = {name!r} uses the legacy HDF5 format (.h5). It still loads, with a "
            "warning, but new code should use the native format: a name ending in .keras."
        )
    if not name.endswith(".keras"):
        return f"whole_model = {name!r}: model.save() needs a file name ending in .keras."
    return None


def _weights_problem(name: str) -> str | None:
    if name.endswith(".weights.h5"):
        return None
    if name.endswith((".h5", ".hdf5")):
        return (
            f"weights_only = {name!r}: Keras 3 refuses this name. save_weights() needs a name "
            "ending in .weights.h5 (both parts: .weights and .h5)."
        )
    if name.endswith(".keras"):
        return (
            f"weights_only = {name!r} is a whole-model name: save_weights() needs a name "
            "ending in .weights.h5."
        )
    return f"weights_only = {name!r}: save_weights() needs a name ending in .weights.h5."


def _serving_problem(name: str) -> str | None:
    stripped = name.rstrip("/\\")
    if not stripped:
        return "for_serving is empty: give the name of a folder, for example 'digits_export'."
    if stripped.endswith((".keras", ".h5", ".hdf5")):
        return (
            f"for_serving = {name!r} looks like a file name. model.export() writes a folder "
            "(a TensorFlow SavedModel with saved_model.pb and a variables/ folder): give a "
            "folder name without an extension, such as 'digits_export'."
        )
    return None


def check_save_names(whole_model: Any, weights_only: Any, for_serving: Any) -> bool:
    """Check Exercise 1 of lesson 06: the right name for each kind of save.

    Pass three names (strings or ``Path`` objects):

    - ``whole_model``: for ``model.save(...)`` (architecture + weights + optimizer);
    - ``weights_only``: for ``model.save_weights(...)``;
    - ``for_serving``: for ``model.export(...)`` (a SavedModel for TensorFlow Serving)::

        check_save_names(whole_model, weights_only, for_serving)
    """
    names = {}
    for label, value in (("whole_model", whole_model), ("weights_only", weights_only),
                         ("for_serving", for_serving)):
        name = _as_name(value)
        if name is None:
            return report(False, f"{label} should be a file or folder name (a str or a Path); "
                                 f"you gave {kind(value)} ({show(value)}).")
        names[label] = name
    for problem in (_whole_model_problem(names["whole_model"]),
                    _weights_problem(names["weights_only"]),
                    _serving_problem(names["for_serving"])):
        if problem:
            return report(False, problem)
    return report(True, ".keras for a whole model, .weights.h5 for weights only, and a plain "
                        "folder for model.export().")


# --------------------------------------------------------------------------- Exercise 2


def _is_keras_model(value: Any) -> bool:
    try:
        import keras
    except ImportError:  # pragma: no cover - keras is a course requirement
        return False
    return isinstance(value, keras.Model)


def _probe_inputs(model: Any) -> np.ndarray:
    """A fixed batch of random inputs that fits the model's input shape and dtype."""
    spec = model.inputs[0]
    shape = tuple(8 if d is None else int(d) for d in spec.shape)
    dtype = np.dtype(str(getattr(spec, "dtype", "float32")))
    rng = np.random.default_rng(6)
    if dtype.kind in "ui":
        return rng.integers(0, 256, size=shape).astype(dtype)
    return rng.random(size=shape).astype(dtype)


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(x, verbose=0))


def check_reloaded_model(model: Any, reloaded: Any, path: Any) -> bool:
    """Check Exercise 2 of lesson 06: save a model, load it back, compare predictions.

    ``model`` is the model you saved, ``reloaded`` what ``keras.models.load_model``
    gave you back, and ``path`` the file you saved to::

        check_reloaded_model(model, reloaded, exercise_path)

    The check runs both models on the same 8 random images and passes when the
    predictions are identical, bit for bit.
    """
    if not _is_keras_model(model):
        return report(False, f"the first argument should be your trained Keras model; you gave "
                             f"{kind(model)} ({show(model)}).")
    name = _as_name(path)
    if name is None:
        return report(False, f"path should be the file name you saved to (a str or a Path); "
                             f"you gave {kind(path)} ({show(path)}).")
    problem = _whole_model_problem(name)
    if problem:
        return report(False, problem.replace("whole_model", "path"))
    file = Path(name)
    if not file.is_file():
        return report(False, f"there is no file {name!r} yet: save the model first with "
                             "model.save(exercise_path).")
    if not zipfile.is_zipfile(file):
        return report(False, f"{name!r} is not a .keras file (a .keras file is a zip archive); "
                             "write it with model.save(exercise_path).")
    if reloaded is None:
        return report(False, "reloaded is still None: load the file with "
                             "reloaded = keras.models.load_model(exercise_path).")
    if reloaded is model:
        return report(False, "reloaded is the very same object as model (reloaded = model), so "
                             "comparing them proves nothing: load it from the file with "
                             "keras.models.load_model(exercise_path).")
    if not _is_keras_model(reloaded):
        return report(False, f"reloaded should be a Keras model from keras.models.load_model; "
                             f"it is {kind(reloaded)} ({show(reloaded)}).")
    try:
        x = _probe_inputs(model)
        expected = _predict(model, x)
    except Exception as exc:  # noqa: BLE001 - any problem becomes a message
        return report(False, f"could not run model on test images: {error(exc)}")
    try:
        got = _predict(reloaded, x)
    except Exception as exc:  # noqa: BLE001
        return report(False, f"reloaded does not accept the same images as model "
                             f"({error(exc)}): did you load a different model?")
    if got.shape != expected.shape:
        return report(False, f"reloaded predicts shape {got.shape}, model {expected.shape}: "
                             "it is a different model. Load the file you just saved.")
    if not np.array_equal(got, expected):
        on_disk = _file_matches(file, x, expected)
        if on_disk is False:
            return report(False, f"the file {name!r} does not hold model's current weights: "
                                 "save again with model.save(exercise_path), then reload.")
        return report(False, "reloaded gives different predictions from model (largest "
                             f"difference {np.max(np.abs(got - expected)):.3g}): did you load "
                             "another file, or build a new model without loading weights?")
    size_kb = file.stat().st_size / 1024
    return report(True, f"saved to {file.name} ({size_kb:,.0f} kB) and reloaded: the predictions "
                        f"on {len(x)} images are identical.")


def _file_matches(file: Path, x: np.ndarray, expected: np.ndarray) -> bool | None:
    """True/False: does the model stored in ``file`` predict ``expected``? None if unknown."""
    try:
        import keras

        stored = keras.models.load_model(file, compile=False)
        return bool(np.array_equal(_predict(stored, x), expected))
    except Exception:  # noqa: BLE001 - unreadable file: we cannot tell
        return None


# --------------------------------------------------------------------------- Exercise 3

_EPOCH = re.compile(r"^run_e(\d+)\.keras$")


def check_resume_plan(checkpoint_to_load: Any, initial_epoch: Any, epochs: Any) -> bool:
    """Check Exercise 3 of lesson 06: resume an interrupted run from the right checkpoint.

    A run planned for ``RESUME_TOTAL_EPOCHS`` (15) epochs saved
    ``run_e{epoch}.keras`` after every epoch and stopped during epoch 12; the
    files on disk are ``RESUME_FILES``. Pass the file you would load and the
    two numbers for ``fit``::

        check_resume_plan(checkpoint_to_load, initial_epoch, epochs)
    """
    name = _as_name(checkpoint_to_load)
    if name is None:
        return report(False, f"checkpoint_to_load should be one of the file names (a str); you "
                             f"gave {kind(checkpoint_to_load)} ({show(checkpoint_to_load)}).")
    name = Path(name).name
    match = _EPOCH.match(name)
    latest = max(int(_EPOCH.match(f).group(1)) for f in RESUME_FILES)  # type: ignore[union-attr]
    if name not in RESUME_FILES:
        if match and int(match.group(1)) > latest:
            return report(False, f"{name!r} does not exist: epoch {match.group(1)} never "
                                 f"finished, so no checkpoint was written for it. The files "
                                 f"go up to run_e{latest}.keras.")
        return report(False, f"{name!r} is not one of the files in files_on_disk.")
    found = int(match.group(1))  # type: ignore[union-attr]
    if found != latest:
        if name == max(RESUME_FILES):
            return report(False, f"{name!r} is the largest name as text ('9' sorts after '1'), "
                                 "not the latest epoch. Compare the epoch numbers: "
                                 "max(files_on_disk, key=...) with a key that returns the number.")
        return report(False, f"{name!r} holds epoch {found}, but epochs up to {latest} finished: "
                             f"load the latest checkpoint, or you redo {latest - found} epoch(s).")
    start = as_int(initial_epoch)
    if start is None:
        return report(False, f"initial_epoch should be a whole number; you gave "
                             f"{kind(initial_epoch)} ({show(initial_epoch)}).")
    if start != latest:
        if start == latest + 1:
            hint = (f"initial_epoch counts the epochs already done. With {start}, Keras would "
                    f"start at epoch {start + 1} and skip epoch {start}.")
        elif start == 0:
            hint = "with 0, Keras numbers the epochs from 1 again and trains 15 more epochs."
        else:
            hint = "initial_epoch is the number of epochs the checkpoint has already done."
        return report(False, f"initial_epoch = {start} is not right: {hint}")
    end = as_int(epochs)
    if end is None:
        return report(False, f"epochs should be a whole number; you gave {kind(epochs)} "
                             f"({show(epochs)}).")
    if end != RESUME_TOTAL_EPOCHS:
        if end <= start:
            hint = (f"in fit(), epochs is the number of the last epoch, not how many more to "
                    f"run. With epochs={end} ≤ initial_epoch={start}, fit trains nothing.")
        elif end == start + RESUME_TOTAL_EPOCHS:
            hint = (f"that trains {end - start} more epochs, {end} in total; epochs is the "
                    f"number of the last epoch, and the plan was {RESUME_TOTAL_EPOCHS}.")
        else:
            hint = f"the run was planned for {RESUME_TOTAL_EPOCHS} epochs in total."
        return report(False, f"epochs = {end} is not right: {hint}")
    return report(True, f"load {name}, then fit(..., initial_epoch={start}, epochs={end}) "
                        f"runs epochs {start + 1} to {end}.")
