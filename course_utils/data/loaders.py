"""The loaders the lessons call: MNIST and CIFAR-10 as arrays, the blood cells as a folder,
the pretrained ImageNet weights as a file.

Each one reads what is in the data directory and downloads (``fetch``) only
what is missing. A file that is there but damaged is an error that says what
to do, never a traceback from deep inside NumPy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataUnavailableError
from .download import fetch
from .registry import WEIGHTS, get_dataset
from .status import dataset_status, read_arrays

Split = tuple[np.ndarray, np.ndarray]


def load_mnist() -> tuple[Split, Split]:
    """Load MNIST handwritten digits, downloading them the first time.

    Returns ``(x_train, y_train), (x_test, y_test)``: images of shape
    ``(60000, 28, 28)`` and ``(10000, 28, 28)`` and labels of shape ``(N,)``,
    all ``uint8`` (pixels 0-255, labels 0-9). ``MNIST_CLASSES[label]`` gives
    a label's name.
    """
    return load_arrays("mnist")


def load_cifar10() -> tuple[Split, Split]:
    """Load CIFAR-10 colour photos, downloading them the first time.

    Returns ``(x_train, y_train), (x_test, y_test)``: images of shape
    ``(50000, 32, 32, 3)`` and ``(10000, 32, 32, 3)`` and labels of shape
    ``(N,)``, all ``uint8``. ``CIFAR10_CLASSES[label]`` gives a label's name.
    """
    return load_arrays("cifar10")


def blood_cells_dir() -> Path:
    """Return the blood-cell folder (with ``TRAIN`` and ``TEST`` inside), downloading it once.

    Each of ``TRAIN`` and ``TEST`` has one sub-folder per class
    (``BLOOD_CELL_CLASSES``), the layout
    ``keras.utils.image_dataset_from_directory`` reads.
    """
    return fetch("blood_cells")


def imagenet_weights(name: str = "mobilenet_v3_small") -> Path:
    """Return the path of a pretrained model's ImageNet weights, downloading them once.

    The weights (``WEIGHTS``; ``"mobilenet_v3_small"``: the ones
    ``keras.applications.MobileNetV3Small(include_top=False)`` uses, about
    4 MB) are downloaded into ``weights/`` in the data directory, from
    Keras's own server or ``COURSE_DATA_MIRROR``, and checked against the
    checksum Keras itself pins, an MD5, before they are kept. Hand the path
    to Keras instead of ``weights="imagenet"``, which would download them
    again without the course's checks::

        path = data.imagenet_weights()
        base = keras.applications.MobileNetV3Small(
            input_shape=(224, 224, 3), include_top=False, weights=str(path))

    A copy already there is checked against that checksum each time (a few
    milliseconds). Raises ``DataUnavailableError`` when they cannot be had
    (offline, server down): its message says how to place the file by hand,
    use a mirror or unpack the offline kit; also when the copy there is
    damaged (the message says to delete it). Raises ``ChecksumError`` when a
    download does not match the checksum (nothing is kept). Both are
    ``RuntimeError``s.
    """
    if name not in WEIGHTS:
        raise ValueError(f"No pretrained weights called {name!r}; the course has: "
                         f"{', '.join(WEIGHTS)}.")
    path = fetch(name)
    found = dataset_status(name)
    if not found.usable:
        raise DataUnavailableError(
            f"{path} is there but damaged ({found.reason}). Delete it and run again to "
            f"download a fresh copy."
        )
    return path


def load_arrays(name: str) -> tuple[Split, Split]:
    """Load the ``.npz`` dataset ``name`` as ``(x_train, y_train), (x_test, y_test)``.

    Downloads it when it is missing; raises ``DataUnavailableError`` (saying
    to delete it) when the file there is damaged or has the wrong arrays.
    """
    entry = get_dataset(name)
    if not entry.has_arrays:
        raise ValueError(f"{name} is not a dataset of arrays: use its path (fetch) instead.")
    path = fetch(name)
    arrays, problem = read_arrays(path, entry)
    if problem:
        raise DataUnavailableError(
            f"{path} is not a valid {entry.title} file ({problem}). "
            f"Delete it and run again to download a fresh copy."
        )
    train, test = ((arrays[f"x_{s}"], arrays[f"y_{s}"]) for s in entry.splits)
    return train, test
