"""Download a dataset into the data directory: once, safely, and with a useful message on failure.

``fetch(name)`` downloads only what is missing, from the official source or
from ``COURSE_DATA_MIRROR`` when that is set; it does the same for the model
weights in the registry (``WEIGHTS``). A download goes to a temporary folder
inside the data directory, is checked against its published checksum
(SHA-256, or MD5 where the source pins only that, as Keras does for its
weights; for a folder dataset, every extracted file against its manifest),
is converted where needed, and only then renamed into place. A failed
download never changes what is already in the data directory.

Two downloads into the same data directory (a lesson and ``python -m
course_utils fetch``, say) take turns: the second waits, then finds the
dataset there. When everything is present nothing is written at all, so a
complete read-only data directory (a shared drive) works.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .. import config
from ..errors import ChecksumError, DataUnavailableError
from .install import INSTALLERS
from .registry import CHECKSUM_NAMES, Dataset, all_entries, get_dataset
from .status import dataset_status

DOWNLOAD_TIMEOUT: tuple[float, float] = (15.0, 60.0)
"""Seconds to wait for a server to accept the connection, and for the next piece of data.

The second number is the longest silence allowed during a download, not a
limit on its total time: a slow but steady download is never cut off.
"""


def fetch(name: str, progress: bool = True) -> Path:
    """Make sure dataset (or model weights) ``name`` is in the data directory; return its path.

    When it is already there nothing is downloaded or written. Otherwise it
    is downloaded from its official source (or ``$COURSE_DATA_MIRROR``),
    verified, converted where needed and renamed into place; when another
    process is downloading into the same data directory, it waits for that
    first. Raises ``DataUnavailableError`` with instructions when the
    download fails or a damaged copy is in the way, and ``ChecksumError``
    when the download does not match its checksum (nothing is kept in
    either case, and a file already in place is never touched).
    """
    entry = get_dataset(name)
    root = config.data_dir()
    target = entry.path(root)
    if _already_there(entry, root):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _download_lock(root) as locked:
            if _already_there(entry, root):  # another process fetched it while we waited
                return target
            if locked:
                _remove_abandoned_downloads(root)
            work = Path(tempfile.mkdtemp(prefix=f".{name}-download-", dir=root))
            try:
                downloaded = _download(entry, work, progress)
                INSTALLERS[entry.installer](entry, downloaded, work, target)
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


def _already_there(entry: Dataset, root: Path) -> bool:
    """True when ``entry`` is in ``root`` (a quick look); a damaged copy is an error."""
    found = dataset_status(entry.name, root, quick=True)
    if found.state == "damaged":
        raise DataUnavailableError(
            f"{found.path} is there but damaged ({found.reason}). Delete it and run again to "
            f"download a fresh copy."
        )
    return found.usable


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
    for name in all_entries():
        for leftover in root.glob(f".{name}-download-*"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def download_url(entry: Dataset) -> str:
    """Return the URL ``entry`` is downloaded from: the mirror's when one is set."""
    mirror = config.data_mirror()
    return f"{mirror}/{entry.filename}" if mirror else entry.url


def _download(entry: Dataset, folder: Path, progress: bool) -> Path:
    """Download ``entry`` into ``folder`` with a progress bar; verify its checksum.

    pooch streams into a temporary file in ``folder`` and checks the pinned
    checksum (SHA-256 or MD5) before giving it its name; on any failure the
    temporary file is deleted.
    """
    import pooch
    import requests

    url = download_url(entry)
    pooch.get_logger().setLevel("WARNING")  # we print our own one-line message
    checksum = entry.checksum
    known_hash = f"{checksum[0]}:{checksum[1]}" if checksum else None
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
        raise DataUnavailableError(offline_message(entry, url, err)) from None
    except ValueError as err:
        if "hash" not in str(err).lower() or checksum is None:
            raise
        raise ChecksumError(
            f"The file downloaded from {url} does not match the published "
            f"{CHECKSUM_NAMES[checksum[0]]} checksum of {entry.filename} ({checksum[1]}); it "
            f"was deleted and nothing was changed in "
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


def offline_message(entry: Dataset, url: str, err: Exception) -> str:
    """What to say when ``entry`` could not be downloaded from ``url``: why, and how else."""
    root = config.data_dir()
    return (
        f"Could not download {entry.title} from {url} ({_failure(err)}). You may be offline, "
        f"or the server may be down: try again later.\n"
        f"Nothing was changed in the data directory {root}. To fill it by hand, either:\n"
        f"  - on a computer with internet, run `python -m course_utils fetch {entry.name}` "
        f"and copy {_files(entry)} from its data directory (`python -m course_utils fetch "
        f"--where`) into {root}; or\n"
        f"  - set COURSE_DATA_MIRROR to a server that has {entry.filename} "
        f"(a workshop mirror); or\n"
        f"  - set COURSE_DATA_DIR to a folder that already holds the course data; or\n"
        f"  - unpack the course's offline kit: `python -m course_utils unpack-data KIT.zip`."
    )


def _files(entry: Dataset) -> str:
    """What to copy by hand: the target, and its stamp when it has one."""
    return f"{entry.target} and {entry.stamp}" if entry.stamp else entry.target
