"""Is a dataset there, and is it the right one? Checksums, manifests and the dataset's status.

``dataset_status(name)`` is the one answer to "is this dataset usable?" that
the loaders, ``fetch``, the offline kit and the doctor all use, for the
datasets and for the model weights alike. It says one of four things:

============  ============================================================
``missing``   nothing of it in the data directory
``present``   there and usable, but not shown to be the official data
              (a quick look only, or no checksum applies, or it works but
              differs from the official file: then ``official`` is False)
``verified``  matches the course's pinned checksums
``damaged``   there but unusable: unreadable, wrong shapes, files missing
              or changed
============  ============================================================

and ``reason`` says why, in a sentence. ``quick=True`` only looks that the
files are there; the default reads them (checksums, arrays, manifest).
Nothing here unpickles anything: ``.npz`` files are read with
``allow_pickle=False``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from .registry import CHECKSUM_NAMES, Dataset, get_dataset

BLOCK = 1 << 20
"""How many bytes are read at a time when hashing or copying."""

STATES = ("missing", "present", "verified", "damaged")
"""The states a dataset can be in; see ``DatasetStatus``."""

_UNREADABLE_NPZ = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)
"""What ``np.load`` raises for a file that is not a plain-array ``.npz`` (or is damaged)."""


# --------------------------------------------------------------------------- checksums


def copy_hashed(source: IO[bytes], out: IO[bytes] | None = None, limit: int | None = None,
                progress: Callable[[int], object] | None = None,
                algorithm: str = "sha256") -> tuple[str, int]:
    """Read ``source`` to its end, writing it to ``out`` (if given); return (digest, size).

    The digest is the hex SHA-256, or the ``algorithm`` given (a key of
    ``CHECKSUM_NAMES``). With ``limit``, reading stops as soon as more than
    ``limit`` bytes came (the size returned is then larger than ``limit``,
    and not all of it was written). ``progress(n)`` is called after each
    block of ``n`` bytes.
    """
    digest, size = hashlib.new(algorithm), 0
    for block in iter(lambda: source.read(BLOCK), b""):
        size += len(block)
        if limit is not None and size > limit:
            break
        digest.update(block)
        if out is not None:
            out.write(block)
        if progress is not None:
            progress(len(block))
    return digest.hexdigest(), size


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    return checksum_file(path, "sha256")


def checksum_file(path: Path, algorithm: str) -> str:
    """Return the hex digest of a file with ``algorithm`` (``"sha256"`` or ``"md5"``)."""
    with open(path, "rb") as f:
        return copy_hashed(f, algorithm=algorithm)[0]


def read_manifest(path: Path) -> dict[str, str]:
    """Read a ``sha256sum``-style manifest (optionally gzipped): relative path → sha256."""
    opener = gzip.open if path.suffix == ".gz" else open
    entries: dict[str, str] = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                digest, rel = line.rstrip("\n").split(maxsplit=1)
                entries[rel.lstrip("*").removeprefix("./")] = digest
    return entries


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


# --------------------------------------------------------------------------- arrays


def read_arrays(path: Path, entry: Dataset) -> tuple[dict[str, np.ndarray], str | None]:
    """Read the arrays of an ``.npz`` dataset file and check them against the registry.

    Returns ``(arrays, None)`` when they look right: ``x_<split>`` and
    ``y_<split>`` for each of ``entry.splits``, uint8, images of
    ``entry.image_shape``, one label (less than the number of classes) per
    image. Otherwise returns ``({}, problem)``, ``problem`` saying what is
    wrong in a few words. Never unpickles: an ``.npz`` holding objects is
    "unreadable".
    """
    keys = [f"{xy}_{split}" for split in entry.splits for xy in ("x", "y")]
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in keys if k not in f.files]
            if missing:
                return {}, "missing arrays " + ", ".join(missing)
            arrays = {k: f[k] for k in keys}
    except _UNREADABLE_NPZ as err:
        return {}, f"unreadable: {err}"
    for split in entry.splits:
        arrays[f"y_{split}"] = y = arrays[f"y_{split}"].reshape(-1)
        problem = _split_problem(split, arrays[f"x_{split}"], y, entry)
        if problem:
            return {}, problem
    return arrays, None


def _split_problem(split: str, x: np.ndarray, y: np.ndarray, entry: Dataset) -> str | None:
    if x.dtype != np.uint8 or y.dtype != np.uint8:
        return f"{split} arrays are {x.dtype}/{y.dtype}, expected uint8"
    if x.shape[1:] != entry.image_shape:
        return f"x_{split} has images of shape {x.shape[1:]}, expected {entry.image_shape}"
    if len(x) != len(y) or len(x) == 0:
        return f"{len(x)} {split} images but {len(y)} labels"
    if int(y.max()) >= len(entry.classes):
        return f"y_{split} has label {int(y.max())}, but there are {len(entry.classes)} classes"
    return None


# --------------------------------------------------------------------------- the status


@dataclass(frozen=True)
class DatasetStatus:
    """What ``dataset_status`` found for one dataset.

    ``state`` is one of ``STATES``: ``"missing"``, ``"present"``,
    ``"verified"`` or ``"damaged"``; ``reason`` says why in a sentence;
    ``path`` is where the dataset is (or would be). ``official`` is True
    when it matches the official data, False when it works but is not the
    official data (worth a warning), None when that is not known (a quick
    look, or nothing to compare with).
    """

    name: str
    state: str
    reason: str
    path: Path
    official: bool | None = None

    @property
    def usable(self) -> bool:
        """True when the lessons can use the dataset as it is (present or verified)."""
        return self.state in ("present", "verified")

    def __str__(self) -> str:
        return f"{self.name}: {self.state} ({self.reason})"


def dataset_status(name: str, root: Path | None = None, quick: bool = False) -> DatasetStatus:
    """Check dataset (or model weights) ``name`` in folder ``root`` (default: the data directory).

    ``.npz`` datasets: the file's SHA-256 against its pin where the file is
    the download itself (MNIST), else its arrays, and the recorded source
    checksum where there is one (CIFAR-10 is converted on your computer, so
    ``cifar10.npz.source-sha256`` records the archive it came from). Folder
    datasets (blood cells): every file against the shipped manifest, and no
    extra files. Model weights: the file against its pinned checksum (for
    MobileNetV3Small the MD5 Keras pins); any other file is damaged.
    ``quick=True`` reads no file: it only looks that everything is there.
    """
    entry = get_dataset(name)
    path = entry.path(root)
    if entry.is_folder:
        return _folder_status(entry, path, quick)
    if entry.has_arrays:
        return _file_status(entry, path, quick)
    return _pinned_file_status(entry, path, quick)


def _first_look(entry: Dataset, path: Path, quick: bool) -> DatasetStatus | None:
    """A one-file entry's status when no reading is needed (missing, not a file, quick)."""
    if not path.exists():
        return DatasetStatus(entry.name, "missing", f"{path.name} not found", path, None)
    if not path.is_file():
        return DatasetStatus(entry.name, "damaged", f"{path.name} is not a file", path, None)
    if quick:
        return DatasetStatus(entry.name, "present",
                             f"{path.name} is there (contents not checked: quick look)", path, None)
    return None


def _file_status(entry: Dataset, path: Path, quick: bool) -> DatasetStatus:
    def status(state: str, reason: str, official: bool | None = None) -> DatasetStatus:
        return DatasetStatus(entry.name, state, reason, path, official)

    first_look = _first_look(entry, path, quick)
    if first_look is not None:
        return first_look
    pinned = entry.pinned_checksum
    if pinned and checksum_file(path, pinned[0]) == pinned[1]:
        return status("verified", f"{CHECKSUM_NAMES[pinned[0]]} matches the official file", True)
    _, problem = read_arrays(path, entry)
    if problem:
        return status("damaged", problem)
    if pinned:
        return status("present", f"arrays are fine, but its {CHECKSUM_NAMES[pinned[0]]} is not "
                                 f"the official file's", False)
    stamp = path.with_name(entry.stamp) if entry.stamp else None
    if stamp is None or not stamp.is_file():
        return status("present", "arrays are fine (uint8, expected shapes)")
    with open(stamp, "rb") as f:
        recorded = f.read(300).decode("ascii", "replace").split()
    # A stamp written by fetch also names the file it made; older stamps only the archive.
    made_here = len(recorded) < 2 or recorded[1] == sha256_file(path)
    if recorded[:1] == [entry.sha256] and made_here:
        return status("verified", "arrays are fine; built from the official archive", True)
    return status("present", "arrays are fine, but built from another source than the "
                             "official archive", False)


def _pinned_file_status(entry: Dataset, path: Path, quick: bool) -> DatasetStatus:
    """A file that is only ever checked by its checksum (model weights: never opened here)."""
    def status(state: str, reason: str, official: bool | None = None) -> DatasetStatus:
        return DatasetStatus(entry.name, state, reason, path, official)

    first_look = _first_look(entry, path, quick)
    if first_look is not None:
        return first_look
    pinned = entry.pinned_checksum
    if pinned is None:
        return status("present", f"{path.name} is there (no checksum to compare it with)")
    algorithm = CHECKSUM_NAMES[pinned[0]]
    if checksum_file(path, pinned[0]) == pinned[1]:
        return status("verified", f"{algorithm} matches the official file", True)
    return status("damaged", f"its {algorithm} is not the official file's (incomplete, "
                             f"damaged or another file)")


def _folder_status(entry: Dataset, path: Path, quick: bool) -> DatasetStatus:
    def status(state: str, reason: str, official: bool | None = None) -> DatasetStatus:
        return DatasetStatus(entry.name, state, reason, path, official)

    assert entry.manifest is not None, f"{entry.name}: a folder dataset needs a manifest"
    manifest = read_manifest(entry.manifest)
    if not path.exists():
        return status("missing", f"{path.name}/ not found")
    if not path.is_dir():
        return status("damaged", f"{path.name} is not a folder")
    found = _files_under(path)
    absent = [rel for rel in manifest if rel not in found]
    if len(absent) == len(manifest):
        return status("missing", f"{path.name}/ holds none of its files")
    problems = [f"missing: {rel}" for rel in absent]
    if not quick and not problems:
        problems = verify_folder(path, manifest)
    if problems:
        return status("damaged", f"{len(problems)} of {len(manifest)} files wrong, "
                                 f"e.g. {problems[0]}")
    extra = sorted(found - set(manifest))
    if extra:
        return status("present", f"{len(extra)} files not in the course's manifest, "
                                 f"e.g. {extra[0]}", False)
    if quick:
        return status("present", f"all {len(manifest)} files there (not hashed: quick look)")
    return status("verified", f"all {len(manifest)} files match the manifest", True)


def _files_under(folder: Path) -> set[str]:
    """Every file under ``folder`` (following links), as a relative path with ``/``."""
    found: set[str] = set()
    for parent, _, files in os.walk(folder, followlinks=True):
        rel = Path(parent).relative_to(folder).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in files)
    return found
