"""A trained model ready to classify photos: its input size, its class names, top-k answers.

``Predictor`` wraps a Keras model (in memory, a ``.keras`` file, or a folder
written by ``model.export``) with what a photo needs on the way in (upright,
cut to the model's shape, resized: ``photos.model_view``) and what a person
needs on the way out (class names, probabilities, the top 3)::

    from course_utils.predictor import Predictor, save_with_classes
    from course_utils.photos import read_photo

    save_with_classes(model, "cells.keras", class_names)   # the names travel in the file
    predictor = Predictor.from_file("cells.keras")          # safe_mode=True
    answer = predictor.predict_photo(read_photo("my_cell.jpg"))
    answer.class_name, answer.probability, answer.top       # "MONOCYTE", 0.91, [...]

The upload widget, the folder predictions and the web service of lesson 09
all use it, so a photo is prepared the same way everywhere.
"""

from __future__ import annotations

import json
import os
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .photos import Photo, model_view

__all__ = ["CLASS_NAMES_FILE", "Prediction", "Predictor", "save_with_classes",
           "saved_class_names"]

CLASS_NAMES_FILE = "class_names.json"
"""Where ``save_with_classes`` keeps the class names: a member of the ``.keras`` zip archive,
or a file in an export folder. Keras ignores it when it loads the model."""


@dataclass
class Prediction:
    """A model's answer for one photo.

    Attributes:
        class_name: the most probable class.
        probability: its probability (0 to 1).
        top: the most probable classes, best first, as ``(name, probability)`` pairs.
        pixels: the image the model saw: uint8 (height, width, 3).
    """

    class_name: str
    probability: float
    top: list[tuple[str, float]]
    pixels: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        """The answer, ready for JSON: ``{"class", "probability", "top": [...]}``."""
        return {"class": self.class_name, "probability": round(self.probability, 6),
                "top": [{"class": name, "probability": round(p, 6)} for name, p in self.top]}


def save_with_classes(model: Any, path: str | os.PathLike[str],
                      class_names: Sequence[str]) -> Path:
    """Save ``model`` with its class names, so a program that loads it can name its answers.

    ``path`` ending in ``.keras``: ``model.save(path)``, and the names are
    added to the archive as ``class_names.json``. Any other ``path``: a
    folder, ``model.export(path)`` (a SavedModel for serving), with
    ``class_names.json`` inside. Returns the path.
    """
    names = [str(name) for name in class_names]
    outputs = int(model.outputs[0].shape[-1])
    if len(names) != outputs:
        raise ValueError(f"The model has {outputs} outputs but you gave {len(names)} class "
                         f"names: give one name per output, in label order.")
    path = Path(path)
    payload = json.dumps({"class_names": names}, indent=1)
    if path.suffix == ".keras":
        model.save(path)
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(CLASS_NAMES_FILE, payload)
    else:
        model.export(path, verbose=False)
        (path / CLASS_NAMES_FILE).write_text(payload, encoding="utf-8")
    return path


def saved_class_names(path: str | os.PathLike[str]) -> list[str] | None:
    """The class names that ``save_with_classes`` stored in a ``.keras`` file or folder, or None."""
    path = Path(path)
    try:
        if path.is_dir():
            text = (path / CLASS_NAMES_FILE).read_text(encoding="utf-8")
        else:
            with zipfile.ZipFile(path) as archive:
                text = archive.read(CLASS_NAMES_FILE).decode("utf-8")
        names = json.loads(text)["class_names"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if isinstance(names, list) and all(isinstance(name, str) for name in names):
        return names
    return None


class Predictor:
    """A model that classifies photos: ``predict_photo``, ``predict_photos``, ``predict_pixels``.

    Make one from a model in memory, ``Predictor(model, class_names)``, or
    from a file, ``Predictor.from_file(path)``. It reads the input size from
    the model (which must take images of a fixed ``(height, width, 3)``) and
    turns logits into probabilities when the model has no softmax. Calls are
    serialised with a lock, so one predictor can serve several threads.

    Attributes:
        image_size: the model's input ``(height, width)``.
        class_names: one name per output, in label order.
        source: where the model came from (a path, or "memory").
    """

    def __init__(self, model: Any, class_names: Sequence[str] | None = None, *,
                 source: str = "memory") -> None:
        self._call, shape, dtype, outputs = _callable_of(model)
        self.image_size: tuple[int, int] = shape
        self._dtype = dtype
        self.source = source
        if class_names is None:
            class_names = [str(i) for i in range(outputs)]
        self.class_names = [str(name) for name in class_names]
        if len(self.class_names) != outputs:
            raise ValueError(f"The model has {outputs} outputs but {len(self.class_names)} "
                             f"class names were given: give one name per output "
                             f"(--classes a,b,c).")
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | os.PathLike[str],
                  class_names: Sequence[str] | None = None) -> Predictor:
        """Load a ``.keras`` file (``safe_mode=True``) or an export folder, with its class names.

        The names come from ``class_names`` if you give them, else from the
        file (``save_with_classes``), else they are the label numbers.
        """
        path = Path(path).expanduser()
        if path.is_dir() and (path / "saved_model.pb").exists():
            import tensorflow as tf

            model: Any = tf.saved_model.load(os.fspath(path))
        else:
            from .saving import load_model

            model = load_model(path, compile=False)
        names = class_names if class_names is not None else saved_class_names(path)
        return cls(model, names, source=os.fspath(path))

    def predict_pixels(self, pixels: np.ndarray) -> np.ndarray:
        """Probabilities (n, classes) for uint8 images (n, height, width, 3) of the model's size."""
        batch = np.asarray(pixels)
        if batch.ndim == 3:
            batch = batch[np.newaxis]
        if batch.shape[1:] != (*self.image_size, 3):
            raise ValueError(f"The model takes images of {(*self.image_size, 3)}, not "
                             f"{batch.shape[1:]}: prepare them with photos.model_view.")
        with self._lock:
            scores = np.asarray(self._call(batch.astype(self._dtype)), dtype=np.float64)
        return _as_probabilities(scores)

    def predict_photo(self, photo: Photo, top: int = 3) -> Prediction:
        """The model's answer for one photo (read with ``photos.read_photo``)."""
        return self.predict_photos([photo], top=top)[0]

    def predict_photos(self, photos: Sequence[Photo], top: int = 3,
                       batch_size: int = 32) -> list[Prediction]:
        """The model's answers for several photos, ``batch_size`` at a time."""
        views = [model_view(photo, self.image_size) for photo in photos]
        answers: list[Prediction] = []
        for start in range(0, len(views), batch_size):
            chunk = views[start:start + batch_size]
            for pixels, probabilities in zip(chunk, self.predict_pixels(np.stack(chunk)),
                                             strict=True):
                answers.append(self._answer(pixels, probabilities, top))
        return answers

    def _answer(self, pixels: np.ndarray, probabilities: np.ndarray, top: int) -> Prediction:
        order = np.argsort(probabilities)[::-1][:max(1, top)]
        ranked = [(self.class_names[i], float(probabilities[i])) for i in order]
        return Prediction(ranked[0][0], ranked[0][1], ranked, pixels)

    def __repr__(self) -> str:
        return (f"Predictor({self.source}: {self.image_size[0]}×{self.image_size[1]} input, "
                f"{len(self.class_names)} classes: {', '.join(self.class_names)})")


def _as_probabilities(scores: np.ndarray) -> np.ndarray:
    """Softmax the rows unless they already are probabilities."""
    if scores.min() >= 0 and np.allclose(scores.sum(axis=-1), 1.0, atol=1e-3):
        return scores
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _callable_of(model: Any) -> tuple[Any, tuple[int, int], str, int]:
    """(call on a uint8/float batch → scores, (height, width), input dtype, number of outputs)."""
    signatures = getattr(model, "signatures", None)
    if signatures is not None and "serving_default" in signatures:  # a loaded export folder
        function = signatures["serving_default"]
        import tensorflow as tf

        ((argument, spec),) = function.structured_input_signature[1].items()
        shape, dtype = tuple(spec.shape), spec.dtype.name
        outputs = next(iter(function.structured_outputs.values())).shape[-1]

        def call(batch: np.ndarray) -> Any:
            result = function(**{argument: tf.constant(batch)})
            return next(iter(result.values())).numpy()
    elif hasattr(model, "inputs") and hasattr(model, "predict"):
        spec = model.inputs[0]
        shape, dtype = tuple(spec.shape), str(spec.dtype)
        outputs = model.outputs[0].shape[-1]

        def call(batch: np.ndarray) -> Any:
            return model(batch, training=False)
    else:
        raise TypeError(f"Predictor takes a Keras model or a loaded export folder, not "
                        f"{type(model).__name__}.")
    if len(shape) != 4 or shape[3] != 3 or shape[1] is None or shape[2] is None:
        raise ValueError(f"The model must take colour images of a fixed size, (height, width, "
                         f"3); its input is {shape[1:]}.")
    return call, (int(shape[1]), int(shape[2])), dtype.replace("tf.", ""), int(outputs)
