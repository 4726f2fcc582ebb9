"""The dataset registry: every fact about each course dataset, in one place.

Each ``Dataset`` says where the data comes from (``url``, ``filename``,
``sha256``), what ends up in the data directory (``target``), what it must
look like (``image_shape``, ``splits``, ``classes``, ``manifest``) and which
installer turns the download into the target (``installer``). The other
modules of ``course_utils.data`` read these facts; none of them names a
dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config

MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))
"""MNIST class names: the digits "0" to "9"."""

CIFAR10_CLASSES: tuple[str, ...] = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
"""CIFAR-10 class names; ``CIFAR10_CLASSES[label]`` names a label."""

BLOOD_CELL_CLASSES: tuple[str, ...] = ("EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL")
"""The four white-blood-cell classes, in folder-name (label) order."""

STAMP_SUFFIX = ".source-sha256"
"""``cifar10.npz.source-sha256`` holds the SHA-256 of the archive ``cifar10.npz`` was built from."""

MANIFESTS = Path(__file__).parent / "manifests"
"""The checksum manifests shipped with the package."""

_BLOOD_COMMIT = "0b22eb2084b1004d464fb5ab87adc85ab94b2079"


@dataclass(frozen=True)
class Dataset:
    """One entry of the dataset registry: where it comes from, what it holds, how it is checked.

    A dataset is stored either as one ``.npz`` file of arrays (``image_shape``
    set: the arrays ``x_<split>`` and ``y_<split>`` for each split) or as a
    folder of images (``image_shape`` None: one sub-folder per split, each
    with one folder per class, every file listed in ``manifest``).
    """

    name: str
    title: str
    target: str
    """What ends up in the data directory (a file or a folder name)."""
    filename: str
    """The downloaded file's name; a mirror serves it under this name."""
    url: str
    sha256: str | None
    """Checksum of the downloaded file, or None when a manifest checks the contents."""
    size: str
    """Roughly how much it downloads, for messages."""
    installer: str
    """How the download becomes ``target``: ``"npz"`` (kept as it is), ``"cifar-batches"``
    (pickled batches converted to an ``.npz``) or ``"image-archive"`` (images extracted)."""
    classes: tuple[str, ...]
    """The class names, in label order."""
    splits: tuple[str, ...]
    """The parts of the dataset: array-name suffixes in an ``.npz``, or sub-folders."""
    image_shape: tuple[int, ...] | None = None
    """The shape of one image in the ``.npz`` (height, width[, channels]); None for folders."""
    archive_folder: str | None = None
    """The folder inside the downloaded archive that holds the data (None: not an archive)."""
    manifest: Path | None = None
    """A ``sha256sum``-style list of every file of a folder dataset."""

    @property
    def is_folder(self) -> bool:
        """True when the dataset is a folder of image files, False for an ``.npz`` of arrays."""
        return self.image_shape is None

    @property
    def pinned_sha256(self) -> str | None:
        """The checksum the installed file itself must have (when it is the download unchanged)."""
        return self.sha256 if self.target == self.filename else None

    @property
    def stamp(self) -> str | None:
        """The name of the file that records which archive ``target`` was converted from.

        Only a dataset converted from a pinned download has one (CIFAR-10):
        the converted file cannot match the download's checksum, so the
        stamp keeps that checksum next to it.
        """
        if self.sha256 is None or self.is_folder or self.target == self.filename:
            return None
        return self.target + STAMP_SUFFIX

    def path(self, root: Path | None = None) -> Path:
        """Where this dataset lives (or will live) in ``root`` (default: the data directory)."""
        return (root if root is not None else config.data_dir()) / self.target


DATASETS: dict[str, Dataset] = {
    "mnist": Dataset(
        name="mnist", title="MNIST", size="11 MB",
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        filename="mnist.npz",
        # The checksum Keras pins in keras.datasets.mnist.
        sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        target="mnist.npz", installer="npz",
        classes=MNIST_CLASSES, splits=("train", "test"), image_shape=(28, 28),
    ),
    "cifar10": Dataset(
        name="cifar10", title="CIFAR-10", size="163 MB",
        url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        filename="cifar-10-python.tar.gz", archive_folder="cifar-10-batches-py",
        # The checksum Keras pins in keras.datasets.cifar10.
        sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
        target="cifar10.npz", installer="cifar-batches",
        classes=CIFAR10_CLASSES, splits=("train", "test"), image_shape=(32, 32, 3),
    ),
    "blood_cells": Dataset(
        name="blood_cells", title="Blood cell images (dataset2-master TRAIN/TEST)",
        size="about 130 MB",
        # The repository Kaggle's "Blood Cell Images" dataset2-master comes from,
        # at a fixed commit; no login needed.
        url=f"https://github.com/dhruvp/wbc-classification/archive/{_BLOOD_COMMIT}.tar.gz",
        filename=f"wbc-classification-{_BLOOD_COMMIT}.tar.gz", archive_folder="images",
        sha256=None, manifest=MANIFESTS / "blood_cells.sha256.gz",
        target="blood_cells", installer="image-archive",
        classes=BLOOD_CELL_CLASSES, splits=("TRAIN", "TEST"),
    ),
}
"""The datasets the course knows, by name."""


def get_dataset(name: str) -> Dataset:
    """Return the registry entry of dataset ``name``; a clear ``ValueError`` for an unknown name."""
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise ValueError(f"Unknown dataset {name!r}; the course has: {known}.") from None


def dataset_path(name: str, root: Path | None = None) -> Path:
    """Return where dataset ``name`` lives (or will live) in ``root`` (default: the data dir)."""
    return get_dataset(name).path(root)
