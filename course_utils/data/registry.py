"""The registry: every fact about each course download, in one place.

Each entry (a ``Dataset``) says what it is (``kind``: a ``"dataset"`` or
model ``"weights"``), where it comes from (``url``, ``filename``, and its
checksum: ``sha256``, or ``md5`` where that is all the source publishes),
what ends up in the data directory (``target``), what it must look like
(``image_shape``, ``splits``, ``classes``, ``manifest``) and which installer
turns the download into the target (``installer``). The other modules of
``course_utils.data`` read these facts; none of them names an entry.

``DATASETS`` holds the datasets every learner needs; ``WEIGHTS`` the
pretrained model weights, which only an optional part of the course needs
(``Dataset.optional`` says which).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

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

CHECKSUM_NAMES: dict[str, str] = {"sha256": "SHA-256", "md5": "MD5"}
"""The checksum algorithms an entry can pin, with the names messages give them."""

KINDS: dict[str, str] = {"dataset": "dataset", "weights": "model weights"}
"""The kinds of entry, with the words messages use for them."""

_BLOOD_COMMIT = "0b22eb2084b1004d464fb5ab87adc85ab94b2079"


@dataclass(frozen=True)
class Dataset:
    """One entry of the registry: where it comes from, what it holds, how it is checked.

    A dataset is stored either as one ``.npz`` file of arrays (``image_shape``
    set: the arrays ``x_<split>`` and ``y_<split>`` for each split) or as a
    folder of images (``manifest`` set: one sub-folder per split, each with
    one folder per class, every file listed in ``manifest``). Model weights
    (``kind="weights"``) are one file, stored as it was downloaded and
    checked against its pinned checksum.
    """

    name: str
    title: str
    target: str
    """What ends up in the data directory: a file or folder name, or a path with ``/``."""
    filename: str
    """The downloaded file's name; a mirror serves it under this name."""
    url: str
    sha256: str | None
    """SHA-256 of the downloaded file, or None (a manifest checks the contents, or ``md5``)."""
    size: str
    """Roughly how much it downloads, for messages."""
    installer: str
    """How the download becomes ``target``: ``"npz"`` (kept as it is), ``"cifar-batches"``
    (pickled batches converted to an ``.npz``), ``"image-archive"`` (images extracted) or
    ``"file"`` (kept as it is, never opened)."""
    classes: tuple[str, ...] = ()
    """The class names, in label order (none for model weights)."""
    splits: tuple[str, ...] = ()
    """The parts of the dataset: array-name suffixes in an ``.npz``, or sub-folders."""
    image_shape: tuple[int, ...] | None = None
    """The shape of one image in the ``.npz`` (height, width[, channels]); None otherwise."""
    archive_folder: str | None = None
    """The folder inside the downloaded archive that holds the data (None: not an archive)."""
    manifest: Path | None = None
    """A ``sha256sum``-style list of every file of a folder dataset."""
    md5: str | None = None
    """MD5 of the downloaded file, for a source that publishes no SHA-256 (used when
    ``sha256`` is None)."""
    kind: str = "dataset"
    """What it is: one of ``KINDS`` (``"dataset"`` or ``"weights"``)."""
    optional: str = ""
    """Empty when every learner needs it; otherwise the part of the course that does (for
    example "lesson 08's optional ImageNet section"). ``python -m course_utils fetch`` with
    no name skips an optional entry, and the doctor only warns when it is missing."""

    @property
    def is_folder(self) -> bool:
        """True when it is a folder of image files (checked by a manifest), else one file."""
        return self.manifest is not None

    @property
    def has_arrays(self) -> bool:
        """True when it is an ``.npz`` file of image and label arrays."""
        return self.image_shape is not None

    @property
    def kind_label(self) -> str:
        """The words for its kind in a message: "dataset" or "model weights"."""
        return KINDS[self.kind]

    @property
    def checksum(self) -> tuple[str, str] | None:
        """The download's pinned checksum as (algorithm, hex digest), or None.

        The algorithm is a key of ``CHECKSUM_NAMES`` (``"sha256"`` or
        ``"md5"``), the form pooch's ``known_hash="md5:..."`` takes.
        """
        if self.sha256:
            return "sha256", self.sha256
        if self.md5:
            return "md5", self.md5
        return None

    @property
    def installed_unchanged(self) -> bool:
        """True when the installed file is the download itself (same bytes, maybe a folder)."""
        return not self.is_folder and PurePosixPath(self.target).name == self.filename

    @property
    def pinned_checksum(self) -> tuple[str, str] | None:
        """The checksum the installed file itself must have (when it is the download unchanged)."""
        return self.checksum if self.installed_unchanged else None

    @property
    def pinned_sha256(self) -> str | None:
        """The SHA-256 the installed file itself must have (when it is the download unchanged)."""
        return self.sha256 if self.installed_unchanged else None

    @property
    def stamp(self) -> str | None:
        """The name of the file that records which archive ``target`` was converted from.

        Only a dataset converted from a pinned download has one (CIFAR-10):
        the converted file cannot match the download's checksum, so the
        stamp keeps that checksum next to it.
        """
        if self.sha256 is None or self.is_folder or self.installed_unchanged:
            return None
        return self.target + STAMP_SUFFIX

    def path(self, root: Path | None = None) -> Path:
        """Where this entry lives (or will live) in ``root`` (default: the data directory)."""
        return (root if root is not None else config.data_dir()).joinpath(
            *PurePosixPath(self.target).parts)

    def root_of(self, path: Path) -> Path:
        """The data directory that ``path`` (this entry's ``path(root)``) lies in."""
        return path.parents[len(PurePosixPath(self.target).parts) - 1]


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
"""The datasets the course knows, by name (every learner needs them)."""


_MOBILENET_V3_SMALL = "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"

WEIGHTS: dict[str, Dataset] = {
    "mobilenet_v3_small": Dataset(
        name="mobilenet_v3_small", kind="weights",
        title="MobileNetV3Small ImageNet weights (no top)", size="about 4 MB",
        # The file keras.applications.MobileNetV3Small(include_top=False) downloads
        # (alpha 1.0, not minimalistic), kept under its own name so that Keras can load it.
        url="https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
            + _MOBILENET_V3_SMALL,
        filename=_MOBILENET_V3_SMALL,
        # No SHA-256 is published: this is the checksum Keras itself pins, an MD5
        # (WEIGHTS_HASHES["small_224_1.0_float"][1] in keras.applications.mobilenet_v3).
        sha256=None, md5="d3e8ec802a04aa4fc771ee12a9a9b836",
        target=f"weights/{_MOBILENET_V3_SMALL}", installer="file",
        optional="lesson 08's optional ImageNet section",
    ),
}
"""The pretrained model weights the course knows, by name (all optional)."""


def all_entries() -> dict[str, Dataset]:
    """Every registry entry by name: the datasets, then the model weights.

    Built on each call, so it always shows what ``DATASETS`` and ``WEIGHTS``
    hold now.
    """
    return {**DATASETS, **WEIGHTS}


def get_dataset(name: str) -> Dataset:
    """Return the registry entry ``name``, a dataset or model weights; else a clear ValueError."""
    entry = DATASETS.get(name) or WEIGHTS.get(name)
    if entry is None:
        raise ValueError(f"Unknown dataset {name!r}; the course has: {', '.join(DATASETS)} "
                         f"(datasets) and {', '.join(WEIGHTS)} (model weights).")
    return entry


def dataset_path(name: str, root: Path | None = None) -> Path:
    """Return where entry ``name`` lives (or will live) in ``root`` (default: the data dir)."""
    return get_dataset(name).path(root)
