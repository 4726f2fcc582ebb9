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
loaded before it has been verified, and a failed download never changes what
is already in the data directory.

Two downloads into the same data directory (a lesson and ``python -m
course_utils fetch``, say) take turns: the second waits, then finds the file
there. When everything is present nothing is written at all, so a complete
read-only data directory (a shared drive) works.

For your own images, ``scan_image_folder`` and ``load_image_folder`` (from
``course_utils.folders``, also importable from here) check and load a
class-per-folder dataset.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import pickle
import posixpath
import shutil
import sys
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
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

DOWNLOAD_TIMEOUT: tuple[float, float] = (15.0, 60.0)
"""Seconds to wait for a server to accept the connection, and for the next piece of data.

The second number is the longest silence allowed during a download, not a
limit on its total time: a slow but steady download is never cut off.
"""

_MANIFESTS = Path(__file__).parent / "manifests"
_BLOOD_COMMIT = "0b22eb2084b1004d464fb5ab87adc85ab94b2079"
_MAX_IMAGE_BYTES = 16 * 1024 * 1024
"""A blood-cell image is about 10 kB; an archive member claiming more is refused unread."""


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
    """A download did not match its published checksum or manifest, or was an unsafe archive.

    The download was deleted and nothing in the data directory was changed.
    """


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
    try:
        arrays = _read_npz(path)
    except _UNREADABLE_NPZ as err:
        arrays, problem = {}, f"unreadable: {err}"
    else:
        problem = _check_arrays(arrays, image_shape)
    if problem:
        raise DataUnavailableError(
            f"{path} is not a valid {_entry(name).title} file ({problem}). "
            f"Delete it and run again to download a fresh copy."
        )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


_UNREADABLE_NPZ = (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error)
"""What ``_read_npz`` raises for a file that is not a plain-array ``.npz`` (or is damaged)."""


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read the four arrays of a dataset ``.npz``; raises one of ``_UNREADABLE_NPZ``."""
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
    verified, converted where needed and renamed into place; when another
    process is downloading into the same data directory, it waits for that
    first. Raises ``DataUnavailableError`` with instructions when the
    download fails, and ``ChecksumError`` when the file does not match its
    checksum (nothing is kept in either case, and a file already in place is
    never touched).
    """
    entry = _entry(name)
    target = dataset_path(name)
    if is_present(name):
        return target
    root = config.data_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _download_lock(root) as locked:
            if is_present(name):  # another process fetched it while we waited
                return target
            if locked:
                _remove_abandoned_downloads(root)
            work = Path(tempfile.mkdtemp(prefix=f".{name}-download-", dir=root))
            try:
                downloaded = _download(entry, work, progress)
                _INSTALLERS[name](entry, downloaded, work, target)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except PermissionError as err:
        raise DataUnavailableError(
            f"Cannot write to the data directory {root} ({err.strerror}): set COURSE_DATA_DIR "
            f"to a folder you can write to."
        ) from None
    except OSError as err:
        raise DataUnavailableError(
            f"Could not save {entry.title} in {root} ({err.strerror or err}): free some disk "
            f"space, or set COURSE_DATA_DIR to a folder with room for {entry.size}."
        ) from None
    return target


@contextlib.contextmanager
def _download_lock(root: Path) -> Iterator[bool]:
    """Hold an exclusive lock on the data directory while one dataset is downloaded into it.

    A second ``fetch`` (another notebook, ``python -m course_utils fetch``)
    waits here, then finds the dataset present. Yields False where no lock is
    available (Windows, some network drives): downloads may then overlap, and
    the atomic rename still leaves one good copy. The lock is the folder's
    own (``flock``), so no lock file is left behind, and it is released when
    the process ends, however it ends.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield False
        return
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked = True
        except BlockingIOError:
            print(f"Waiting for another download into {root} to finish...", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
            locked = True
        except OSError:  # the file system does not support locks
            locked = False
        yield locked
    finally:
        os.close(fd)  # releases the lock


def _remove_abandoned_downloads(root: Path) -> None:
    """Delete temporary folders left by a download that was killed (only call under the lock)."""
    for name in DATASETS:
        for leftover in root.glob(f".{name}-download-*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def download_url(entry: Dataset) -> str:
    """Return the URL ``entry`` is downloaded from: the mirror's when one is set."""
    mirror = config.data_mirror()
    return f"{mirror}/{entry.filename}" if mirror else entry.url


def _download(entry: Dataset, folder: Path, progress: bool) -> Path:
    """Download ``entry`` into ``folder`` with a progress bar; verify its checksum.

    pooch streams into a temporary file in ``folder`` and checks the SHA-256
    before giving it its name; on any failure the temporary file is deleted.
    """
    import pooch
    import requests

    url = download_url(entry)
    pooch.get_logger().setLevel("WARNING")  # we print our own one-line message
    known_hash = f"sha256:{entry.sha256}" if entry.sha256 else None
    print(f"Downloading {entry.title} ({entry.size}) from {url}", file=sys.stderr)
    downloader = pooch.HTTPDownloader(progressbar=progress, timeout=DOWNLOAD_TIMEOUT)
    try:
        path = pooch.retrieve(
            url,
            known_hash=known_hash,
            fname=entry.filename,
            path=folder,
            downloader=downloader,
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


def _failure(err: Exception) -> str:
    """Say in a few words why a download failed."""
    import requests

    response = getattr(err, "response", None)
    if response is not None:
        return f"the server answered HTTP {response.status_code}"
    if isinstance(err, requests.exceptions.ConnectTimeout):
        return f"no answer within {DOWNLOAD_TIMEOUT[0]:g} s"
    if isinstance(err, requests.exceptions.Timeout) or "timed out" in str(err).lower():
        return f"the server sent nothing for {DOWNLOAD_TIMEOUT[1]:g} s"
    if isinstance(err, requests.exceptions.ChunkedEncodingError):
        return "the connection closed before the download finished"
    if isinstance(err, requests.exceptions.ConnectionError):
        return "could not connect"
    return type(err).__name__


def _offline_message(entry: Dataset, url: str, err: Exception) -> str:
    root = config.data_dir()
    return (
        f"Could not download {entry.title} from {url} ({_failure(err)}). You may be offline, "
        f"or the server may be down: try again later.\n"
        f"Nothing was changed in the data directory {root}. To fill it by hand, either:\n"
        f"  - on a computer with internet, run `python -m course_utils fetch {entry.name}` "
        f"and copy {entry.target} from its data directory (`python -m course_utils fetch "
        f"--where`) into {root}; or\n"
        f"  - set COURSE_DATA_MIRROR to a server that has {entry.filename} "
        f"(a workshop mirror); or\n"
        f"  - set COURSE_DATA_DIR to a folder that already holds the course data."
    )


def _install_npz(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Check a verified ``.npz`` (plain arrays only) and rename it into the data directory."""
    try:
        problem = _check_arrays(_read_npz(downloaded), (28, 28))
    except _UNREADABLE_NPZ as err:
        problem = f"unreadable ({err})"
    if problem:
        raise DataUnavailableError(
            f"The downloaded {entry.filename} is not a valid {entry.title} file ({problem}); "
            f"nothing was installed: use another mirror."
        )
    _rename_into_place(downloaded, target, entry.name)


def _rename_into_place(staged: Path, target: Path, name: str) -> None:
    """Rename ``staged`` to ``target`` in one step; keep a copy another process finished first.

    Without a download lock (Windows) two processes can get here; renaming
    over a file another process has open fails on Windows, and a folder
    cannot replace a folder: either way, theirs is as good as ours.
    """
    try:
        os.replace(staged, target)
    except OSError:
        if is_present(name):
            return
        if target.exists() or target.is_symlink():
            raise DataUnavailableError(
                f"{target} is there but incomplete: delete it and run again to download a "
                f"fresh copy."
            ) from None
        raise


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
    except (pickle.UnpicklingError, tarfile.TarError, KeyError, TypeError, ValueError,
            IndexError, AttributeError, EOFError, zlib.error, OSError) as err:
        raise DataUnavailableError(
            f"{entry.filename} is not the CIFAR-10 archive ({err}); nothing was installed: "
            f"use another mirror."
        ) from None
    partial = work / "cifar10.partial.npz"
    np.savez(
        partial,
        x_train=np.concatenate([x for x, _ in train]),
        y_train=np.concatenate([y for _, y in train]),
        x_test=x_test,
        y_test=y_test,
    )
    _rename_into_place(partial, target, entry.name)


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


def _unsafe_member(member: tarfile.TarInfo) -> str | None:
    """Why an archive member could write outside the extraction folder, or None."""
    name = member.name
    parts = name.split("/")
    if name.startswith("/") or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return "has an absolute or non-portable path"
    if any(p in ("", ".", "..") for p in parts):
        return "has a '..' or empty path part"
    if member.islnk() or member.issym():
        link = member.linkname
        inside = PurePosixPath(*parts[:-1]) if member.issym() else PurePosixPath()
        resolved = posixpath.normpath(str(inside / link)) if link else ".."
        if link.startswith("/") or "\\" in link or resolved.split("/")[0] == "..":
            return f"is a link pointing out of the archive ({link})"
    if member.isdev() or member.isfifo():
        return "is a device file"
    return None


def _archive_members(tar: tarfile.TarFile, wanted: Iterable[str]) -> dict[str, tarfile.TarInfo]:
    """The members of a GitHub archive that hold the ``images/TRAIN`` and ``images/TEST`` files.

    Returns them by their path relative to ``images/``. Raises ``ValueError``
    when any member could escape the extraction folder (absolute path,
    ``..``, a link pointing out, a device file), or when a wanted file is not
    a regular file, appears twice or is implausibly large.
    """
    wanted = set(wanted)
    found: dict[str, tarfile.TarInfo] = {}
    for member in tar.getmembers():
        problem = _unsafe_member(member)
        parts = member.name.split("/")
        rel = "/".join(parts[2:])
        if problem is None and len(parts) > 2 and parts[1] == "images" and rel in wanted:
            if not member.isfile():
                problem = "is a link or special file where an image should be"
            elif rel in found:
                problem = "appears twice"
            elif member.size > _MAX_IMAGE_BYTES:
                problem = f"is far too large for an image ({member.size} bytes)"
            else:
                found[rel] = member
        if problem:
            raise ValueError(f"its member {member.name!r} {problem}")
    return found


def _extract_and_verify(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo],
                        manifest: dict[str, str], folder: Path) -> list[str]:
    """Copy each regular-file member to ``folder/<rel>``, hashing as it goes; return problems."""
    problems = [f"missing: {rel}" for rel in manifest if rel not in members]
    made: set[Path] = set()
    for rel, member in members.items():
        source = tar.extractfile(member)
        if source is None:  # not a regular file; _archive_members already refused those
            raise ValueError(f"its member {member.name!r} is not a regular file")
        dest = folder.joinpath(*rel.split("/"))
        if dest.parent not in made:
            dest.parent.mkdir(parents=True, exist_ok=True)
            made.add(dest.parent)
        digest = hashlib.sha256()
        with source, open(dest, "xb") as out:
            for block in iter(lambda f=source: f.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != manifest[rel]:
            problems.append(f"checksum mismatch: {rel}")
    return problems


def _install_blood_cells(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Extract TRAIN/TEST from the repository archive safely, verify every file, rename.

    The archive itself has no published checksum (GitHub builds it on the
    fly), so it is treated as untrusted: an archive with any member that
    could land outside the extraction folder is refused outright; only
    regular files named in the shipped manifest are copied out (never
    opened as images), each checked against the manifest, into a temporary
    folder; the folder is renamed into place only when all of them match.
    """
    assert entry.manifest is not None
    manifest = read_manifest(entry.manifest)
    staged = work / "blood_cells"
    try:
        with tarfile.open(downloaded, "r:*") as tar:
            members = _archive_members(tar, manifest)
            tops = {m.name.split("/")[0] for m in members.values()}
            if len(tops) > 1:
                raise ValueError("it holds more than one repository folder")
            problems = _extract_and_verify(tar, members, manifest, staged)
    except (tarfile.TarError, ValueError, EOFError, zlib.error) as err:
        raise ChecksumError(
            f"{entry.filename} is not a safe copy of the blood-cell archive ({err}); nothing "
            f"was installed in {config.data_dir()}: try again later, or use another mirror."
        ) from None
    except OSError as err:
        if not isinstance(err, gzip.BadGzipFile):
            raise  # the disk, not the archive: fetch() says so
        raise ChecksumError(
            f"{entry.filename} is damaged ({err}); nothing was installed in "
            f"{config.data_dir()}: try again later, or use another mirror."
        ) from None
    if problems:
        shown = "; ".join(problems[:3])
        raise ChecksumError(
            f"{entry.filename} does not match the blood-cell manifest ({len(problems)} problems, "
            f"e.g. {shown}); nothing was installed in {config.data_dir()}."
        )
    _rename_into_place(staged, target, entry.name)


_INSTALLERS: dict[str, Callable[[Dataset, Path, Path, Path], None]] = {
    "mnist": _install_npz,
    "cifar10": _install_cifar10,
    "blood_cells": _install_blood_cells,
}


# Checking and loading your own image folders lives in course_utils.folders; learners
# look for everything about data here too.
from .folders import FolderScan, load_image_folder, scan_image_folder  # noqa: E402

__all__ = [
    "BLOOD_CELL_CLASSES",
    "CIFAR10_CLASSES",
    "DATASETS",
    "DOWNLOAD_TIMEOUT",
    "MNIST_CLASSES",
    "ChecksumError",
    "DataUnavailableError",
    "Dataset",
    "FolderScan",
    "blood_cells_dir",
    "dataset_path",
    "download_url",
    "fetch",
    "is_present",
    "load_cifar10",
    "load_image_folder",
    "load_mnist",
    "read_manifest",
    "scan_image_folder",
    "sha256_file",
    "verify_folder",
]
