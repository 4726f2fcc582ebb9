"""Turn a verified download into a dataset in the data directory, treating archives as hostile.

Each registry entry names its installer (``Dataset.installer``); ``INSTALLERS``
maps that name to a function ``install(entry, downloaded, work, target)``
that checks or converts the download inside the temporary folder ``work``
and renames the result to ``target`` in one step:

- ``"npz"``: the download is the ``.npz`` itself; its arrays are checked.
- ``"cifar-batches"``: the official CIFAR-10 archive; its pickled batches are
  read in memory with an unpickler that accepts plain arrays only, and saved
  as one ``.npz``, with a stamp recording the archive's checksum.
- ``"image-archive"``: a GitHub archive of image files; only regular files
  listed in the manifest are copied out (none is opened as an image), each
  checked against the manifest.
- ``"file"``: a file kept as it was downloaded and verified (model weights);
  it is never opened here.

No archive member is ever extracted by name: a member that could land outside
the extraction folder (absolute path, ``..``, a link pointing out, a device
file) makes the whole archive refused.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import posixpath
import tarfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

import numpy as np

from .. import config
from ..errors import ChecksumError, DataUnavailableError
from .registry import Dataset
from .status import copy_hashed, dataset_status, read_arrays, read_manifest, sha256_file

MAX_IMAGE_BYTES = 16 * 1024 * 1024
"""A blood-cell image is about 10 kB; an archive member claiming more is refused unread."""

Installer = Callable[[Dataset, Path, Path, Path], None]


def rename_into_place(staged: Path, target: Path, entry: Dataset) -> None:
    """Rename ``staged`` to ``target`` in one step; keep a copy another process finished first.

    Without a download lock (Windows) two processes can get here; renaming
    over a file another process has open fails on Windows, and a folder
    cannot replace a folder: either way, theirs is as good as ours.
    """
    try:
        os.replace(staged, target)
    except OSError:
        if dataset_status(entry.name, entry.root_of(target), quick=True).usable:
            return
        if target.exists() or target.is_symlink():
            raise DataUnavailableError(
                f"{target} is there but incomplete: delete it and run again to download a "
                f"fresh copy."
            ) from None
        raise


# --------------------------------------------------------------------------- .npz


def install_npz(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Check a verified ``.npz`` (plain arrays only) and rename it into the data directory."""
    _, problem = read_arrays(downloaded, entry)
    if problem:
        raise DataUnavailableError(
            f"The downloaded {entry.filename} is not a valid {entry.title} file ({problem}); "
            f"nothing was installed: use another mirror."
        )
    rename_into_place(downloaded, target, entry)


# --------------------------------------------------------------------------- a plain file


def install_file(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Rename a verified download into place unchanged (model weights: a ``.h5`` file).

    The download already matched its pinned checksum, so it is not opened;
    the folder it goes into (``weights/``) is made when it is not there.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    rename_into_place(downloaded, target, entry)


# --------------------------------------------------------------------------- CIFAR-10


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


def _cifar_batch(tar: tarfile.TarFile, member: str,
                 image_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    f = tar.extractfile(member)
    if f is None:
        raise KeyError(member)
    batch = _ArrayUnpickler(io.BytesIO(f.read()), encoding="bytes").load()
    height, width, channels = image_shape
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    images = data.reshape(-1, channels, height, width).transpose(0, 2, 3, 1)
    labels = np.asarray(batch[b"labels"], dtype=np.uint8)
    return images, labels


def install_cifar_batches(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Convert the verified official tarball to an ``.npz`` (uint8, channels last).

    Then writes the stamp (``cifar10.npz.source-sha256``) holding the
    archive's verified SHA-256 and the new file's, so that ``dataset_status``
    can tell the converted file comes from the official archive.
    """
    assert entry.image_shape is not None and entry.stamp is not None and entry.sha256
    folder = entry.archive_folder
    try:
        with tarfile.open(downloaded, "r:gz") as tar:
            train = [_cifar_batch(tar, f"{folder}/data_batch_{i}", entry.image_shape)
                     for i in range(1, 6)]
            x_test, y_test = _cifar_batch(tar, f"{folder}/test_batch", entry.image_shape)
    except (pickle.UnpicklingError, tarfile.TarError, KeyError, TypeError, ValueError,
            IndexError, AttributeError, EOFError, zlib.error, OSError) as err:
        raise DataUnavailableError(
            f"{entry.filename} is not the {entry.title} archive ({err}); nothing was installed: "
            f"use another mirror."
        ) from None
    partial = work / f"{entry.name}.partial.npz"
    np.savez(
        partial,
        x_train=np.concatenate([x for x, _ in train]),
        y_train=np.concatenate([y for _, y in train]),
        x_test=x_test,
        y_test=y_test,
    )
    stamp = work / entry.stamp
    # Line 1: the archive's checksum (checked above); line 2: the file made from it, so a
    # different .npz put there later by hand is not taken for this one.
    stamp.write_text(f"{entry.sha256}\n{sha256_file(partial)}\n", encoding="ascii")
    rename_into_place(partial, target, entry)
    os.replace(stamp, target.with_name(entry.stamp))


# --------------------------------------------------------------------------- image archives


def unsafe_member(member: tarfile.TarInfo) -> str | None:
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


def _archive_members(tar: tarfile.TarFile, folder: str,
                     wanted: Iterable[str]) -> dict[str, tarfile.TarInfo]:
    """The members of a GitHub archive ``<top>/<folder>/<rel>`` whose ``rel`` is wanted.

    Returns them by ``rel``. Raises ``ValueError`` when any member could
    escape the extraction folder (absolute path, ``..``, a link pointing
    out, a device file), or when a wanted file is not a regular file,
    appears twice or is implausibly large.
    """
    wanted = set(wanted)
    found: dict[str, tarfile.TarInfo] = {}
    for member in tar.getmembers():
        problem = unsafe_member(member)
        parts = member.name.split("/")
        rel = "/".join(parts[2:])
        if problem is None and len(parts) > 2 and parts[1] == folder and rel in wanted:
            if not member.isfile():
                problem = "is a link or special file where an image should be"
            elif rel in found:
                problem = "appears twice"
            elif member.size > MAX_IMAGE_BYTES:
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
        with source, open(dest, "xb") as out:
            digest, _ = copy_hashed(source, out)
        if digest != manifest[rel]:
            problems.append(f"checksum mismatch: {rel}")
    return problems


def install_image_archive(entry: Dataset, downloaded: Path, work: Path, target: Path) -> None:
    """Extract the image folders from a repository archive safely, verify every file, rename.

    The archive itself has no published checksum (GitHub builds it on the
    fly), so it is treated as untrusted: an archive with any member that
    could land outside the extraction folder is refused outright; only
    regular files named in the shipped manifest are copied out (never
    opened as images), each checked against the manifest, into a temporary
    folder; the folder is renamed into place only when all of them match.
    """
    assert entry.manifest is not None and entry.archive_folder is not None
    manifest = read_manifest(entry.manifest)
    staged = work / entry.target
    try:
        with tarfile.open(downloaded, "r:*") as tar:
            members = _archive_members(tar, entry.archive_folder, manifest)
            tops = {m.name.split("/")[0] for m in members.values()}
            if len(tops) > 1:
                raise ValueError("it holds more than one repository folder")
            problems = _extract_and_verify(tar, members, manifest, staged)
    except (tarfile.TarError, ValueError, EOFError, zlib.error) as err:
        raise ChecksumError(
            f"{entry.filename} is not a safe copy of the {entry.name} archive ({err}); "
            f"nothing was installed in {config.data_dir()}: try again later, or use another "
            f"mirror."
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
            f"{entry.filename} does not match the {entry.name} manifest ({len(problems)} "
            f"problems, e.g. {shown}); nothing was installed in {config.data_dir()}."
        )
    rename_into_place(staged, target, entry)


INSTALLERS: dict[str, Installer] = {
    "npz": install_npz,
    "cifar-batches": install_cifar_batches,
    "image-archive": install_image_archive,
    "file": install_file,
}
"""Installer functions by the name a registry entry gives in ``Dataset.installer``."""
