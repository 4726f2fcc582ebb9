"""Load a saved Keras model safely, with errors a learner can act on.

``keras.models.load_model`` does the work; this module adds checks around it so
that each common problem gives one clear message instead of a long traceback::

    from course_utils.saving import load_model

    model = load_model("saved_models/mnist_cnn.keras")

Who uses it: the web service of lesson 09 loads the model a learner saved
with it (a file from disk, so the checks matter). Lesson 06 teaches
``keras.saving.load_model`` itself, the call this module makes; no other
lesson needs it.

Safe mode stays on: a model file with a ``Lambda`` layer is refused, because
loading it would run Python code stored in the file. The problems it explains:

- the file does not exist (``FileNotFoundError``);
- the file is damaged or incomplete, for example a download that stopped half-way
  (Keras itself then says "File not found", which is misleading);
- the file holds a ``Lambda`` layer or another piece of Python code;
- the file holds only weights (``.weights.h5``), or is a folder from ``model.export``;
- the file is a legacy ``.h5`` model (loaded, with a warning that says how to convert it).

The original Keras error stays attached to each error (``raise ... from``), so
nothing is hidden: scroll up in the traceback to see it.
"""

from __future__ import annotations

import json
import os
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UnsafeModelError

if TYPE_CHECKING:
    import keras

__all__ = ["load_model"]

_LEGACY_SUFFIXES = (".h5", ".hdf5")


def load_model(
    path: str | os.PathLike[str],
    *,
    safe_mode: bool = True,
    compile: bool = True,
    custom_objects: dict[str, Any] | None = None,
) -> keras.Model:
    """Load a model saved with ``model.save("name.keras")``, in Keras' safe mode.

    It calls ``keras.models.load_model(path, safe_mode=True)`` and returns the
    model, compiled as it was saved. When something is wrong with the file,
    the error says what and what to do.

    Args:
        path: the ``.keras`` file (or a legacy ``.h5`` model file).
        safe_mode: keep it True. A file with a ``Lambda`` layer is then refused,
            because loading it would run Python code stored in the file, and a
            file from someone else can hold any code. Pass False only for a file
            you made yourself.
        compile: False loads the model without its optimizer, loss and metrics
            (enough for ``predict``).
        custom_objects: your own layer classes by name, if the model uses any
            (better: decorate them with ``@keras.saving.register_keras_serializable()``).

    Returns:
        The loaded ``keras.Model``.

    Raises:
        FileNotFoundError: there is no file at ``path``.
        course_utils.errors.UnsafeModelError: (a ``ValueError``) the file holds
            Python code, such as a ``Lambda`` layer, and ``safe_mode`` is True.
        ValueError: the file is damaged or incomplete, holds only weights, is an
            export folder, or is not a Keras model file.

    Example:
        >>> model.save("my_model.keras")
        >>> same = load_model("my_model.keras")
    """
    import keras

    path = Path(path)
    _check_path(path)
    legacy = path.suffix.lower() in _LEGACY_SUFFIXES
    if not legacy:
        problem = _zip_problem(path)
        if problem is not None:
            raise ValueError(_damaged_message(path)) from problem
    if legacy:
        warnings.warn(
            f"{path.name} is a legacy .h5 model file (Keras 2). It loads, but convert it once "
            f"and keep the copy: model.save({path.with_suffix('.keras').name!r}).",
            UserWarning,
            stacklevel=2,
        )
    try:
        return keras.models.load_model(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    except Exception as err:
        if _mentions_safe_mode(err):
            raise UnsafeModelError(_unsafe_message(path)) from err
        if legacy and compile and "deserializ" in str(err):
            raise ValueError(
                f"Keras could not rebuild the loss or metrics stored in the legacy file "
                f"{path.name}: load it with load_model({str(path)!r}, compile=False), call "
                "model.compile(...) yourself, and save it as a .keras file."
            ) from err
        if isinstance(err, (OSError, KeyError, EOFError, zipfile.BadZipFile)):
            raise ValueError(_damaged_message(path)) from err
        raise


# --------------------------------------------------------------------------- checks


def _check_path(path: Path) -> None:
    """Raise a clear error when ``path`` cannot be a Keras model file."""
    if not path.exists():
        raise FileNotFoundError(
            f"There is no model file at {path} (looked in {Path.cwd()}): check the name and "
            "the folder, and run the cell that saves the model first."
        )
    if path.is_dir():
        if (path / "saved_model.pb").exists():
            raise ValueError(
                f"{path} is a folder written by model.export() (a SavedModel), which "
                "load_model cannot read; call it with "
                f"keras.layers.TFSMLayer({str(path)!r}, call_endpoint='serving_default')."
            )
        raise ValueError(f"{path} is a folder, not a model file: pass the .keras file inside it.")
    name = path.name.lower()
    if name.endswith(".weights.h5"):
        raise ValueError(
            f"{path.name} holds only weights, not a whole model: build the model with the same "
            f"code as before, then call model.load_weights({str(path)!r})."
        )
    if path.suffix.lower() not in (".keras", *_LEGACY_SUFFIXES):
        raise ValueError(
            f"{path.name} is not a Keras model file: load_model reads files saved with "
            "model.save('name.keras') (or legacy .h5 files)."
        )


def _zip_problem(path: Path) -> Exception | None:
    """Return None if ``path`` is a zip archive whose members all read back intact.

    Otherwise return the error that shows it is not (it is chained to the
    learner's error, so the details are not lost).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (OSError, EOFError, zipfile.BadZipFile, ValueError) as err:
        return err
    if bad is not None:
        return zipfile.BadZipFile(f"bad CRC or header for member {bad!r} of {path}")
    return None


def _damaged_message(path: Path) -> str:
    kind = "HDF5 file" if path.suffix.lower() in _LEGACY_SUFFIXES else ".keras archive"
    return (
        f"The model file {path.name} is damaged or incomplete (not a complete {kind}; "
        "perhaps a download or a save that stopped half-way): save the model again, or "
        "download the file again."
    )


def _mentions_safe_mode(err: BaseException) -> bool:
    """True if ``err`` or an error it came from is Keras' safe-mode refusal."""
    return any("safe_mode" in str(e) for e in _chain(err))


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _unsafe_message(path: Path) -> str:
    lambdas = _lambda_layer_names(path)
    if lambdas:
        what = (f"its Lambda layer {', '.join(map(repr, lambdas))} holds" if len(lambdas) == 1
                else f"its Lambda layers {', '.join(map(repr, lambdas))} hold")
    else:
        what = "it holds"
    return (
        f"Safe mode refused to load {path.name}: {what} Python code that would run on your "
        "computer as the model loads, and code in a file can do anything you can. Load only "
        "files you trust: pass safe_mode=False only for a file you made yourself; otherwise "
        "build the same model in your own code and call model.load_weights("
        f"{str(path)!r}), which reads the weights and never runs the stored code."
    )


def _lambda_layer_names(path: Path) -> list[str]:
    """The names of the Lambda layers in a .keras file's config.json (best effort)."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return []
    names: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("class_name") == "Lambda":
                names.append(str(node.get("config", {}).get("name", "?")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return names
