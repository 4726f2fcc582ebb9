"""Download, verify, cache and load the course datasets.

Every dataset lives in the data directory (``course_utils.data_dir()``;
change it with ``COURSE_DATA_DIR``):

=================================  ==========================================
``mnist.npz``                      MNIST digits, 60,000 + 10,000, uint8
``cifar10.npz``                    CIFAR-10 photos, 50,000 + 10,000, uint8
``blood_cells/TRAIN/<CLASS>/``     white-blood-cell images, one folder a class
``blood_cells/TEST/<CLASS>/``
=================================  ==========================================

The loaders (``load_mnist``, ``load_cifar10``, ``blood_cells_dir``) read what
is there and download only what is missing: from the official source, or
from ``COURSE_DATA_MIRROR`` when that is set. A download goes to a temporary
file, is checked against a published SHA-256 checksum (or, for the blood
cells, every extracted file against a manifest shipped with this package),
and only then is renamed into place. Nothing from the network is unpickled or
extracted before it has been verified.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import shutil
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from . import config

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

MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))
"""MNIST class names: the digits "0" to "9"."""

BLOOD_CELL_CLASSES: tuple[str, ...] = ("EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL")
"""The four white-blood-cell classes, in folder-name (label) order."""

_MANIFESTS = Path(__file__).parent / "manifests"
_BLOOD_COMMIT = "0b22eb2084b1004d464fb5ab87adc85ab94b2079"


@dataclass(frozen=True)
class Dataset:
    """One entry of the dataset registry: where it comes from and how it is checked."""

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
    manifest: Path | None = None


DATASETS: dict[str, Dataset] = {
    "mnist": Dataset(
        name="mnist",
        title="MNIST",
        target="mnist.npz",
        filename="mnist.npz",
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        # The checksum Keras pins in keras.datasets.mnist.
        sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        size="11 MB",
    ),
    "cifar10": Dataset(
        name="cifar10",
        title="CIFAR-10",
        target="cifar10.npz",
        filename="cifar-10-python.tar.gz",
        url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        # The checksum Keras pins in keras.datasets.cifar10.
        sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
        size="163 MB",
    ),
    "blood_cells": Dataset(
        name="blood_cells",
        title="Blood cell images (dataset2-master TRAIN/TEST)",
        target="blood_cells",
        filename=f"wbc-classification-{_BLOOD_COMMIT}.tar.gz",
        # The repository Kaggle's "Blood Cell Images" dataset2-master comes from,
        # at a fixed commit; no login needed.
        url=f"https://github.com/dhruvp/wbc-classification/archive/{_BLOOD_COMMIT}.tar.gz",
        sha256=None,
        size="about 130 MB",
        manifest=_MANIFESTS / "blood_cells.sha256.gz",
    ),
}
"""The datasets the course knows, by name."""


class DataUnavailableError(RuntimeError):
    """A dataset is missing and could not be downloaded (offline, server down)."""


class ChecksumError(RuntimeError):
    """A downloaded file did not match its published checksum; it was deleted."""


# --------------------------------------------------------------------------- paths


def dataset_path(name: str) -> Path:
    """Return where dataset ``name`` lives (or will live) in the data directory."""
    return config.data_dir() / _entry(name).target


def is_present(name: str) -> bool:
    """Return True when dataset ``name`` is already in the data directory.

    This is a quick look (the file or the TRAIN and TEST class folders
    exist), not a full verification; see ``verify``.
    """
    path = dataset_path(name)
    if name == "blood_cells":
        return all(
            (path / split).is_dir() and any((path / split).iterdir()) for split in ("TRAIN", "TEST")
        )
    return path.is_file()


def _entry(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(DATASETS)
        raise ValueError(f"Unknown dataset {name!r}; the course has: {known}.") from None


# --------------------------------------------------------------------------- loaders


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST handwritten digits, downloading them the first time.

    Returns ``(x_train, y_train), (x_test, y_test)``: images of shape
    ``(60000, 28, 28)`` and ``(10000, 28, 28)`` and labels of shape ``(N,)``,
    all ``uint8`` (pixels 0-255, labels 0-9).
    """
    return _load_npz("mnist", image_shape=(28, 28))


def load_cifar10() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-10 colour photos, downloading them the first time.

    Returns ``(x_train, y_train), (x_test, y_test)``: images of shape
    ``(50000, 32, 32, 3)`` and ``(10000, 32, 32, 3)`` and labels of shape
    ``(N,)``, all ``uint8``. ``CIFAR10_CLASSES[label]`` gives a label's name.
    """
    return _load_npz("cifar10", image_shape=(32, 32, 3))


def blood_cells_dir() -> Path:
    """Return the blood-cell folder (with ``TRAIN`` and ``TEST`` inside), downloading it once.

    Each of ``TRAIN`` and ``TEST`` has one sub-folder per class
    (``BLOOD_CELL_CLASSES``), the layout
    ``keras.utils.image_dataset_from_directory`` reads.
    """
    return fetch("blood_cells")


_NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")


def _load_npz(name: str, image_shape: tuple[int, ...]):
    path = fetch(name)
    arrays = _read_npz(path)
    problem = _check_arrays(arrays, image_shape)
    if problem:
        raise DataUnavailableError(
            f"{path} is not a valid {_entry(name).title} file ({problem}). "
            f"Delete it and run again to download a fresh copy."
        )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    # allow_pickle=False: an .npz can then only hold plain arrays, never code.
    with np.load(path, allow_pickle=False) as f:
        missing = [k for k in _NPZ_KEYS if k not in f.files]
        if missing:
            return {"missing": np.array(missing)}
        arrays = {k: f[k] for k in _NPZ_KEYS}
    for k in ("y_train", "y_test"):
        arrays[k] = arrays[k].reshape(-1)
    return arrays


def _check_arrays(arrays: dict[str, np.ndarray], image_shape: tuple[int, ...]) -> str | None:
    """Return what is wrong with a dataset's arrays, or None when they look right."""
    if "missing" in arrays:
        return "missing keys " + ", ".join(arrays["missing"].tolist())
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.dtype != np.uint8 or y.dtype != np.uint8:
            return f"{split} arrays are {x.dtype}/{y.dtype}, expected uint8"
        if x.shape[1:] != image_shape:
            return f"x_{split} has images of shape {x.shape[1:]}, expected {image_shape}"
        if len(x) != len(y) or len(x) == 0:
            return f"{len(x)} {split} images but {len(y)} labels"
    return None


# --------------------------------------------------------------------------- fetching


def fetch(name: str, progress: bool = True) -> Path:
    """Make sure dataset ``name`` is in the data directory and return its path.

    When it is already there nothing is downloaded or written. Otherwise it
    is downloaded from its official source (or ``$COURSE_DATA_MIRROR``),
    verified, converted where needed and renamed into place. Raises
    ``DataUnavailableError`` with instructions when the download fails, and
    ``ChecksumError`` when the file does not match its checksum (nothing is
    kept in either case).
    """
    entry = _entry(name)
    target = dataset_path(name)
    if is_present(name):
        return target
    root = config.data_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}-download-", dir=root))
    except OSError as err:
        raise DataUnavailableError(
            f"Cannot write to the data directory {root} ({err.strerror}). "
            f"Set COURSE_DATA_DIR to a folder you can write to."
        ) from None
    try:
        downloaded = _download(entry, work, progress)
        _INSTALLERS[name](entry, downloaded, work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def download_url(entry: Dataset) -> str:
    """Return the URL ``entry`` is downloaded from: the mirror's when one is set."""
    mirror = config.data_mirror()
    return f"{mirror}/{entry.filename}" if mirror else entry.url


def _download(entry: Dataset, folder: Path, progress: bool) -> Path:
    """Download ``entry`` into ``folder`` with a progress bar; verify its checksum."""
    import pooch
    import requests

    url = download_url(entry)
    pooch.get_logger().setLevel("WARNING")  # we print our own one-line message
    known_hash = f"sha256:{entry.sha256}" if entry.sha256 else None
    print(f"Downloading {entry.title} ({entry.size}) from {url}", file=sys.stderr)
    try:
        path = pooch.retrieve(
            url,
            known_hash=known_hash,
            fname=entry.filename,
            path=folder,
            progressbar=progress,
        )
    except requests.exceptions.RequestException as err:
        raise DataUnavailableError(_offline_message(entry, url, err)) from None
    except ValueError as err:
        if "hash" not in str(err).lower():
            raise
        raise ChecksumError(
            f"The file downloaded from {url} does not match the published SHA-256 checksum "
            f"of {entry.filename} ({entry.sha256}); it was deleted and nothing was changed in "
            f"{config.data_dir()}. The download or the mirror is damaged: try again later, "
            f"or use another mirror."
        ) from None
    return Path(path)


def _offline_message(entry: Dataset, url: str, err: Exception) -> str:
    reason = type(err).__name__
    if getattr(err, "response", None) is not None:
        reason = f"HTTP {err.response.status_code}"  # type: ignore[attr-defined]
    root = config.data_dir()
    return (
        f"Could not download {entry.title} from {url} ({reason}). You may be offline.\n"
        f"The data directory is {root}. To fill it by hand, either:\n"
        f"  - on a computer with internet, run `python -m course_utils fetch {entry.name}` "
        f"and copy {entry.target} from its data directory (`python -m course_utils fetch "
        f"--where`) into {root}; or\n"
        f"  - set COURSE_DATA_MIRROR to a server that has {entry.filename} "
        f"(a workshop mirror); or\n"
        f"  - set COURSE_DATA_DIR to a folder that already holds the course data."
    )


def _install_npz(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Check a downloaded ``.npz`` and rename it into the data directory."""
    arrays = _read_npz(downloaded)
    problem = _check_arrays(arrays, (28, 28)) if entry.name == "mnist" else None
    if problem:
        raise DataUnavailableError(f"The downloaded {entry.filename} is not valid: {problem}.")
    os.replace(downloaded, target)


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles plain NumPy arrays, dicts and lists; refuses everything else."""

    _ALLOWED = {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy.core.numeric", "_frombuffer"),
        ("_codecs", "encode"),  # how protocol-2 pickles written by Python 3 store bytes
    }

    def find_class(self, module: str, name: str):  # noqa: D102
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")
        return super().find_class(module, name)


def _cifar_batch(tar: tarfile.TarFile, member: str) -> tuple[np.ndarray, np.ndarray]:
    f = tar.extractfile(member)
    if f is None:
        raise KeyError(member)
    batch = _ArrayUnpickler(io.BytesIO(f.read()), encoding="bytes").load()
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    labels = np.asarray(batch[b"labels"], dtype=np.uint8)
    return images, labels


def _install_cifar10(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Convert the verified official tarball to ``cifar10.npz`` (uint8, channels last)."""
    folder = "cifar-10-batches-py"
    try:
        with tarfile.open(downloaded, "r:gz") as tar:
            train = [_cifar_batch(tar, f"{folder}/data_batch_{i}") for i in range(1, 6)]
            x_test, y_test = _cifar_batch(tar, f"{folder}/test_batch")
    except (KeyError, tarfile.TarError, pickle.UnpicklingError) as err:
        raise DataUnavailableError(f"{entry.filename} is not the CIFAR-10 archive: {err}") from None
    partial = work / "cifar10.partial.npz"
    np.savez(
        partial,
        x_train=np.concatenate([x for x, _ in train]),
        y_train=np.concatenate([y for _, y in train]),
        x_test=x_test,
        y_test=y_test,
    )
    os.replace(partial, target)


def read_manifest(path: Path) -> dict[str, str]:
    """Read a ``sha256sum``-style manifest (optionally gzipped): relative path → sha256."""
    opener: Callable[..., io.TextIOBase] = gzip.open if path.suffix == ".gz" else open  # type: ignore[assignment]
    entries: dict[str, str] = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                digest, rel = line.rstrip("\n").split(maxsplit=1)
                entries[rel.lstrip("*").removeprefix("./")] = digest
    return entries


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_folder(folder: Path, manifest: dict[str, str]) -> list[str]:
    """Compare a folder with a manifest; return a list of problems (empty when all match)."""
    problems = []
    for rel, digest in manifest.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif sha256_file(path) != digest:
            problems.append(f"checksum mismatch: {rel}")
    return problems


def _archive_members(tar: tarfile.TarFile, wanted: Iterable[str]) -> list[tarfile.TarInfo]:
    """The members of a GitHub archive that hold ``images/TRAIN`` and ``images/TEST`` files."""
    wanted = set(wanted)
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if len(parts) > 2 and parts[1] == "images" and "/".join(parts[2:]) in wanted:
            members.append(member)
    return members


def _install_blood_cells(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Extract TRAIN/TEST from the repository archive safely, verify every file, rename."""
    assert entry.manifest is not None
    manifest = read_manifest(entry.manifest)
    extracted = work / "extracted"
    try:
        with tarfile.open(downloaded, "r:*") as tar:
            members = _archive_members(tar, manifest)
            # filter="data" refuses absolute paths, "..", links out of the folder
            # and device files, whatever the archive holds.
            tar.extractall(extracted, members=members, filter="data")
    except (tarfile.TarError, OSError) as err:
        raise DataUnavailableError(
            f"Could not extract {entry.filename} safely: {err}. Nothing was installed."
        ) from None
    tops = {PurePosixPath(m.name).parts[0] for m in members}
    if len(tops) != 1:
        raise DataUnavailableError(f"{entry.filename} does not hold the blood-cell images.")
    images = extracted / tops.pop() / "images"
    problems = verify_folder(images, manifest)
    if problems:
        shown = "; ".join(problems[:3])
        raise ChecksumError(
            f"{entry.filename} does not match the blood-cell manifest ({len(problems)} problems, "
            f"e.g. {shown}); nothing was installed in {config.data_dir()}."
        )
    staged = work / "blood_cells"
    staged.mkdir()
    for split in ("TRAIN", "TEST"):
        os.replace(images / split, staged / split)
    try:
        os.rename(staged, target)
    except OSError:
        if not is_present(entry.name):  # another process finished first: keep theirs
            raise


_INSTALLERS: dict[str, Callable[[Dataset, Path, Path, Path], None]] = {
    "mnist": _install_npz,
    "cifar10": _install_cifar10,
    "blood_cells": _install_blood_cells,
}
