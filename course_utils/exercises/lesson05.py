"""Checks for the exercises of lesson 05 (your own image folder: blood cells).

Exercise 4 (a ``tf.data`` pipeline) is checked in ``lesson05_pipeline``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import call, is_number, kind, not_callable, report, show

__all__ = ["check_goes_to_validation", "check_image_size_for", "check_scan_reading"]


def _whole(value: Any) -> int | None:
    """Return ``value`` as an int when it is an int (Python or NumPy), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    return None


# --------------------------------------------------------------------------- Exercise 1

# The report of Exercise 1: 215 usable images; rose_17.jpg (empty) and rose_18.jpg
# (truncated) make Keras fail; the empty folder tulip/ is still class 2.
_USABLE, _CRASH, _CLASSES = 215, 2, 3


def check_scan_reading(n_usable: Any, n_crash: Any, n_classes: Any) -> bool:
    """Check Exercise 1 of lesson 05: what the scan report of the flower folder tells you.

    Pass three whole numbers: how many images Keras can train on, how many
    files would stop training with an error, and how many classes (outputs)
    a model trained on this folder would have::

        check_scan_reading(n_usable, n_crash, n_classes)
    """
    answers = {"n_usable": n_usable, "n_crash": n_crash, "n_classes": n_classes}
    numbers = {}
    for name, value in answers.items():
        number = _whole(value)
        if number is None:
            return report(False, f"{name} should be a whole number; you gave {kind(value)} "
                                 f"({show(value)}).")
        numbers[name] = number
    usable, crash, classes = numbers["n_usable"], numbers["n_crash"], numbers["n_classes"]
    if usable != _USABLE:
        hints = {
            0: "replace 0 with the number the report gives.",
            _USABLE + _CRASH: "Keras finds 217 files, but 2 of them cannot be decoded: they are "
            "not usable images, they stop training.",
            221: "that counts every file; only the images the scan calls usable can be trained on.",
            120: "that is only the daisies; add the usable images of every class.",
        }
        hint = hints.get(usable, "read the first line of the report: the number of usable "
                                 "images.")
        return report(False, f"n_usable is {usable}: {hint}")
    if crash != _CRASH:
        hints = {
            0: "look for the problems that say 'Keras would stop with an error'.",
            3: "IMG_0042.HEIC is not read at all (its extension is ignored), so it cannot crash "
            "anything; only files Keras tries to decode can.",
            6: "not every problem crashes training: ignored files and system files are simply "
            "skipped. Count the ones that say 'Keras would stop with an error'.",
            7: "not every problem crashes training: count only the files that say 'Keras would "
            "stop with an error'.",
        }
        hint = hints.get(crash, "count the problems that say 'Keras would stop with an error'.")
        return report(False, f"n_usable is right, but n_crash is {crash}: {hint}")
    if classes != _CLASSES:
        hints = {
            2: "the empty folder tulip/ still becomes a class (label 2): the model gets a "
            "third output that it never sees an example of. Delete the folder or fill it.",
            4: "files and hidden folders in the root are not classes; count the class folders.",
        }
        hint = hints.get(classes, "every sub-folder is a class, even an empty one; count the "
                                  "'label' lines.")
        return report(False, f"n_usable and n_crash are right, but n_classes is {classes}: {hint}")
    return report(True, "215 usable images; 2 files (empty and truncated) would stop training "
                        "mid-epoch; and 3 classes, because the empty tulip/ folder still counts. "
                        "Fix all three before you train.")


# --------------------------------------------------------------------------- Exercise 2

# (height, photo_width, photo_height) -> the exact width that keeps the shape.
_SIZE_CASES = [
    (90, 320, 240),
    (120, 320, 240),
    (60, 320, 240),
    (100, 320, 240),
    (90, 1920, 1080),
    (100, 300, 400),
]


def check_image_size_for(image_size_for: Any) -> bool:
    """Check Exercise 2 of lesson 05: an ``image_size`` that keeps the photos' shape.

    Pass your function (without calling it). It takes the new ``height`` and
    the photos' ``photo_width`` and ``photo_height`` (as PIL reports sizes:
    width first) and returns Keras' ``image_size`` ``(height, width)``::

        check_image_size_for(image_size_for)
    """
    problem = not_callable("check_image_size_for", "image_size_for", image_size_for)
    if problem:
        return report(False, problem)
    for height, photo_width, photo_height in _SIZE_CASES:
        exact = height * photo_width / photo_height
        args = f"image_size_for({height}, photo_width={photo_width}, photo_height={photo_height})"
        result, error = call(args, image_size_for, height, photo_width, photo_height)
        if error:
            return report(False, error)
        if result is None:
            return report(False, f"{args} returned None: end your function with "
                                 f"return (height, width).")
        if not isinstance(result, tuple | list) or len(result) != 2:
            return report(False, f"{args} returned {kind(result)} ({show(result)}); return two "
                                 f"numbers, (height, width).")
        got_h, got_w = result
        if not (is_number(got_h) and is_number(got_w)):
            return report(False, f"{args} returned {show(result)}; both entries must be numbers.")
        if _whole(got_h) is None or _whole(got_w) is None:
            return report(False, f"{args} returned {show(tuple(result))}: Keras needs whole "
                                 f"numbers (int), not floats; use round(...).")
        got_h, got_w = int(got_h), int(got_w)
        if (got_h, got_w) == (round(exact), height) or (got_w == height and got_h != height):
            return report(False, f"{args} returned {(got_h, got_w)}: Keras' image_size is "
                                 f"(height, width), height first; PIL's sizes are the other "
                                 f"way round.")
        if got_h != height:
            return report(False, f"{args} returned height {got_h}; the height should be the one "
                                 f"you asked for, {height}.")
        if abs(got_w - exact) < 1:
            continue
        if abs(got_w - height * photo_height / photo_width) < 1:
            return report(False, f"{args} returned width {got_w}: the ratio is upside down. "
                                 f"Width / height must stay photo_width / photo_height, so "
                                 f"width = height * photo_width / photo_height.")
        if got_w == height:
            return report(False, f"{args} returned a square {(got_h, got_w)}: that squashes the "
                                 f"photos, the mistake this exercise is about.")
        if abs(got_w - height * 320 / 240) < 1:
            return report(False, f"{args} returned width {got_w}, right for 320×240 photos but "
                                 f"not for {photo_width}×{photo_height}: use the photo_width "
                                 f"and photo_height arguments instead of 320 and 240.")
        return report(False, f"{args} returned width {got_w}; expected about {exact:.1f} "
                             f"(height * photo_width / photo_height).")
    return report(True, "(90, 120) for the 320×240 blood cells, (90, 160) for 1920×1080 video "
                        "frames, (100, 75) for portrait photos: the shapes stay undistorted.")


# --------------------------------------------------------------------------- Exercise 3

# Names as in the blood-cell folders: _<source cell>_<random number>.jpeg.
_CELL_NAMES = [
    ("_0_1169.jpeg", 0),
    ("_0_207.jpeg", 0),
    ("_1_33.jpeg", 1),
    ("_3_120.jpeg", 3),
    ("_3_971.jpeg", 3),
    ("_4_5.jpeg", 4),
    ("_5_2087.jpeg", 5),
    ("_10_6.jpeg", 10),
    ("_10_4410.jpeg", 10),
    ("_12_15.jpeg", 12),
    ("_15_1234.jpeg", 15),
    ("_74_20.jpeg", 74),
    ("_158_2287.jpeg", 158),
]


def check_goes_to_validation(goes_to_validation: Any) -> bool:
    """Check Exercise 3 of lesson 05: a validation split by source cell.

    Pass your function (without calling it). For a file name such as
    ``"_12_345.jpeg"`` (source cell 12) it returns True when the file goes to
    validation, that is when the source cell's number is a multiple of 5::

        check_goes_to_validation(goes_to_validation)
    """
    problem = not_callable("check_goes_to_validation", "goes_to_validation", goes_to_validation)
    if problem:
        return report(False, problem)
    answers: dict[str, bool] = {}
    for name, _ in _CELL_NAMES:
        result, error = call(f"goes_to_validation({name!r})", goes_to_validation, name)
        if error:
            return report(False, error)
        if not isinstance(result, bool | np.bool_):
            return report(False, f"goes_to_validation({name!r}) returned {kind(result)} "
                                 f"({show(result)}); return True or False, for example "
                                 f"return cell % 5 == 0.")
        answers[name] = bool(result)
    by_cell: dict[int, set[bool]] = {}
    for name, cell in _CELL_NAMES:
        by_cell.setdefault(cell, set()).add(answers[name])
    for cell, sides in by_cell.items():
        if len(sides) == 2:
            names = [n for n, c in _CELL_NAMES if c == cell]
            return report(False, f"copies of source cell {cell} ({' and '.join(names)}) land on "
                                 f"different sides, so near-duplicates leak into validation "
                                 f"again. Decide by the first number (the source cell), not "
                                 f"the random one.")
    if all(answers.values()) or not any(answers.values()):
        side = "validation" if all(answers.values()) else "training"
        return report(False, f"every file goes to {side}; a file should go to validation "
                             f"when its source cell is a multiple of 5 (cell % 5 == 0).")
    for name, cell in _CELL_NAMES:
        expected = cell % 5 == 0
        if answers[name] != expected:
            digits = " Read all the digits between the first two underscores." \
                if cell >= 10 else ""
            return report(False, f"{name} is source cell {cell}, so it should "
                                 f"{'' if expected else 'not '}go to validation "
                                 f"({cell} % 5 == {cell % 5}); yours says {answers[name]}."
                                 f"{digits}")
    return report(True, "every copy of a source cell lands on the same side, and a fifth of "
                        "the cells (0, 5, 10, ...) go to validation.")

