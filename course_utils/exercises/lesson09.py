"""Checks for the exercises of lesson 09 (put your model to work).

Exercise 1 asks for a function that prepares one photo for a model (upright,
RGB, cut to the model's shape, resized), which the check runs on photos with
EXIF orientation tags; Exercise 2 for the share of right answers among the
confident ones; Exercise 3 for a function that asks the web service about a
photo, which the check runs against the service.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ._common import as_float_array, call, kind, not_callable, report, show

__all__ = ["check_ask_service", "check_confident_share", "check_prepare_photo",
           "confident_share"]

# The check's photos: (stored width, stored height, EXIF orientation). Sizes differ from the
# model's 3:4 shape, so a squashed resize shows; orientations 6 and 8 swap width and height.
_PHOTOS = [(160, 120, 1), (120, 160, 6), (200, 100, 3), (90, 150, 8), (150, 150, 1)]
_SIZE = (30, 40)  # (height, width) asked for
_TOLERANCE = 6.0  # mean difference in grey levels allowed (PIL's and TF's resizing differ)


def _pattern(width: int, height: int) -> np.ndarray:
    """A smooth picture that changes under every turn and mirror: red left→right, green top→down."""
    x = np.linspace(0, 1, width)[np.newaxis, :, np.newaxis]
    y = np.linspace(0, 1, height)[:, np.newaxis, np.newaxis]
    red = np.broadcast_to(x * 255, (height, width, 1))
    green = np.broadcast_to(y * 255, (height, width, 1))
    blue = np.broadcast_to(((x + y) / 2) ** 2 * 255, (height, width, 1))
    return np.concatenate([red, green, blue], axis=-1).astype(np.uint8)


def _write_photos(folder: Path) -> list[Path]:
    from PIL import Image

    from ..photos import turn_upright

    paths = []
    for i, (width, height, orientation) in enumerate(_PHOTOS):
        stored = Image.fromarray(_pattern(width, height))
        # Store the pixels so that the tag turns them into the upright pattern.
        shown_w, shown_h = turn_upright(stored, orientation).size
        upright = Image.fromarray(_pattern(shown_w, shown_h))
        inverse = {1: 1, 3: 3, 6: 8, 8: 6}[orientation]
        stored = turn_upright(upright, inverse)
        exif = stored.getexif()
        exif[0x0112] = orientation
        path = folder / f"photo_{i}.jpg"
        stored.save(path, format="JPEG", quality=95, exif=exif)
        paths.append(path)
    return paths


def check_prepare_photo(prepare_photo: Any) -> bool:
    """Check Exercise 1: ``prepare_photo(path, image_size)`` → uint8 (height, width, 3).

    Pass your function (without calling it). The check writes five JPEG
    photos, some with an EXIF orientation tag and none with the model's
    shape, runs ``prepare_photo(path, (30, 40))`` on each, and compares the
    result with what the course's ``photos.model_view(read_photo(path), ...)``
    gives: upright, cut to the shape, then resized.
    """
    problem = not_callable("check_prepare_photo", "prepare_photo", prepare_photo)
    if problem:
        return report(False, problem + ".")
    from PIL import Image, ImageOps

    from ..photos import model_view, read_photo

    with tempfile.TemporaryDirectory() as folder:
        for path in _write_photos(Path(folder)):
            result, problem = call("prepare_photo", prepare_photo, path, _SIZE)
            if problem:
                return report(False, f"{problem} on {path.name}.")
            if not isinstance(result, np.ndarray):
                return report(False, f"prepare_photo should return a NumPy array "
                                     f"(np.asarray(image)), got {kind(result)}.")
            if result.shape != (*_SIZE, 3):
                swapped = result.shape[:2] == _SIZE[::-1]
                return report(False, f"for image_size={_SIZE} the result should have shape "
                                     f"{(*_SIZE, 3)} (height, width, RGB), got {result.shape}"
                                     f"{': PIL sizes are (width, height)' if swapped else ''}.")
            if result.dtype != np.uint8:
                return report(False, f"the result should be uint8 (0-255, as the model's "
                                     f"input), got {result.dtype}.")
            right = model_view(read_photo(path), _SIZE).astype(float)
            if np.abs(result - right).mean() <= _TOLERANCE:
                continue
            with Image.open(path) as stored:
                sideways = ImageOps.fit(stored.convert("RGB"), _SIZE[::-1])
                squashed = ImageOps.exif_transpose(stored).convert("RGB").resize(_SIZE[::-1])
            if np.abs(result - np.asarray(sideways, dtype=float)).mean() <= _TOLERANCE:
                return report(False, f"{path.name} came out as stored, not as shown: turn it "
                                     f"upright first with ImageOps.exif_transpose(image).")
            if np.abs(result - np.asarray(squashed, dtype=float)).mean() <= _TOLERANCE:
                return report(False, f"{path.name} was squashed to the new shape: cut its "
                                     f"centre to the model's aspect ratio first "
                                     f"(ImageOps.fit(image, (width, height)) does both).")
            return report(False, f"{path.name} differs from the upright, centre-cut photo "
                                 f"(mean difference {np.abs(result - right).mean():.1f} grey "
                                 f"levels): turn it upright, convert it to RGB, cut and resize "
                                 f"it.")
    return report(True, "all five photos came out upright, in the model's shape, as uint8 - "
                        "the photo a model sees is the photo a person sees.")


def confident_share(y_true: Any, probabilities: Any, threshold: float = 0.9) -> float:
    """The share of right answers among those whose top probability is at least ``threshold``."""
    probabilities = np.asarray(probabilities, dtype=float)
    confident = probabilities.max(axis=1) >= threshold
    right = probabilities.argmax(axis=1) == np.asarray(y_true)
    return float(right[confident].mean()) if confident.any() else float("nan")


def check_confident_share(answer: Any, y_true: Any, probabilities: Any) -> bool:
    """Check Exercise 2: the share of right answers when the model is at least 90% sure."""
    value = as_float_array(answer)
    if value is None or value.ndim != 0:
        return report(False, f"answer should be one number between 0 and 1, got "
                             f"{kind(answer)} ({show(answer)}).")
    share = confident_share(y_true, probabilities)
    overall = confident_share(y_true, probabilities, threshold=0.0)
    given = float(value)
    if abs(given - share) <= 0.005:
        n = int((np.asarray(probabilities).max(axis=1) >= 0.9).sum())
        return report(True, f"when it is at least 90% sure ({n:,} answers), the model is right "
                            f"{share:.1%} of the time.")
    if abs(given - overall) <= 0.005:
        return report(False, "that is the accuracy over all answers: keep only those whose "
                             "top probability (probabilities.max(axis=1)) is at least 0.9.")
    if abs(given * 100 - share * 100) > 0.5 and abs(given / 100 - share) <= 0.005:
        return report(False, "give a share between 0 and 1, not a percentage.")
    return report(False, f"{show(given)} is not the share of right answers among the "
                         f"confident ones: compare probabilities.argmax(axis=1) with y_true, "
                         f"only where probabilities.max(axis=1) >= 0.9.")


def check_ask_service(ask_service: Any, url: str, path: Any, expected: str) -> bool:
    """Check Exercise 3: ``ask_service(url, path)`` returns the class the service names."""
    problem = not_callable("check_ask_service", "ask_service", ask_service)
    if problem:
        return report(False, problem + ".")
    result, problem = call("ask_service", ask_service, url, path)
    if problem:
        return report(False, f"{problem}: send the file as files={{'file': open(path, 'rb')}} "
                             f"to url + '/predict'.")
    if isinstance(result, dict):
        return report(False, "that is the whole answer: return only its class, "
                             "answer['class'].")
    if not isinstance(result, str):
        return report(False, f"ask_service should return the class name (a str), got "
                             f"{kind(result)}.")
    if result != expected:
        return report(False, f"the service answered {expected!r} for this photo, but your "
                             f"function returned {result!r}.")
    return report(True, f"the service says {expected!r}, the same answer as the model in this "
                        "notebook: it is the same model, behind HTTP.")
