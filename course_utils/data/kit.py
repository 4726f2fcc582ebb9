"""The offline kit: every dataset (and the model weights) in one zip file, for a USB stick.

On a computer that has the data::

    python -m course_utils pack-data course-kit.zip

On each computer without internet::

    python -m course_utils unpack-data course-kit.zip

A kit holds the data directory's files unchanged (``mnist.npz``,
``cifar10.npz``, ``blood_cells/TRAIN/...``, and ``weights/...h5`` when the
optional model weights are there) and ``course-kit.json``: the format
version and the SHA-256 and size of every file.

Unpacking treats the kit as untrusted input. Before anything is installed it
checks that no member name could escape the data directory (absolute paths,
``..``, links, duplicates), that every file matches ``course-kit.json``, and
that every dataset passes ``dataset_status`` against the course's own pins
(the weights: the MD5 Keras pins; a kit cannot bring its own pins; the
loaders and the doctor use the same
function on the data directory). Files are extracted into a temporary folder
inside the data directory and each dataset is then renamed into place in one
step; on any failure the temporary folder is deleted and nothing is
installed. Nothing is unpickled.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from tqdm.auto import tqdm

from .. import __version__, config
from ..errors import KitError
from .registry import all_entries, get_dataset
from .status import copy_hashed, dataset_status, read_manifest

KIT_FORMAT = 1
"""The version of the kit format this course_utils writes and reads."""
MANIFEST_NAME = "course-kit.json"
"""The kit's own list of its files, with their SHA-256 and size."""
_SAFE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_MAX_MANIFEST_BYTES = 50 * 1024 * 1024

Say = Callable[[str], None]


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def dataset_files(name: str, root: Path) -> list[tuple[str, Path]]:
    """The files of dataset (or weights) ``name`` in ``root``, as (name in the kit, path) pairs."""
    entry = get_dataset(name)
    path = entry.path(root)
    if entry.manifest is not None:
        return [(f"{entry.target}/{rel}", path / rel)
                for rel in sorted(read_manifest(entry.manifest))]
    files = [(entry.target, path)]
    if entry.stamp and (root / entry.stamp).is_file():
        files.append((entry.stamp, root / entry.stamp))
    return files


def dataset_of(member: str) -> str | None:
    """Which dataset (or weights) a file in a kit belongs to, or None when it belongs to none."""
    for name, entry in all_entries().items():
        if entry.is_folder and member.startswith(entry.target + "/"):
            return name
        if not entry.is_folder and member in (entry.target, entry.stamp):
            return name
    return None


# --------------------------------------------------------------------------- pack


def pack(kit: Path, names: list[str] | None = None, root: Path | None = None,
         allow_missing: bool = False, force: bool = False, quiet: bool = False,
         say: Say = print) -> Path:
    """Write the datasets of ``root`` (default: the data directory) into the zip ``kit``.

    ``names`` chooses datasets or weights (default: every dataset, and each
    optional entry, such as the model weights, that is there). A missing
    dataset is an error unless ``allow_missing``; an existing ``kit`` is
    replaced only with ``force``. The zip is written under a temporary name
    and renamed when it is complete.
    """
    root = root or config.data_dir()
    if not names:
        names = [n for n, entry in all_entries().items() if not entry.optional
                 or dataset_status(n, root, quick=True).state != "missing"]
    names = list(dict.fromkeys(names))
    missing = [n for n in names if dataset_status(n, root, quick=True).state == "missing"]
    if missing and not allow_missing:
        raise KitError(f"{', '.join(missing)} missing from {root}: run `python -m "
                       f"course_utils fetch {' '.join(missing)}` first, or pack the others "
                       f"with --allow-missing.")
    names = [n for n in names if n not in missing]
    if not names:
        raise KitError(f"No dataset to pack: {root} holds none of them.")
    if kit.exists() and not force:
        raise KitError(f"{kit} already exists: choose another name or add --force to replace it.")
    for name in names:
        found = dataset_status(name, root)
        if not found.usable:
            raise KitError(f"{name} in {root} is {found.state} ({found.reason}): run "
                           f"`python -m course_utils doctor` and fix it before packing.")
        if found.official is False:
            say(f"note: {name}: {found.reason}; unpacking will need --allow-unofficial.")
    files = [pair for name in names for pair in dataset_files(name, root)]
    total = sum(path.stat().st_size for _, path in files)
    kit.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{kit.name}.", suffix=".partial", dir=kit.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        entries: dict[str, dict] = {}
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as zf, tqdm(
            total=total, unit="B", unit_scale=True, desc="pack", disable=quiet
        ) as bar:
            for arcname, path in files:
                info = zipfile.ZipInfo.from_file(path, arcname)
                info.compress_type = zipfile.ZIP_STORED  # npz and jpeg barely compress
                with open(path, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                    digest, size = copy_hashed(src, dst, progress=bar.update)
                entries[arcname] = {"sha256": digest, "size": size}
            manifest = {
                "format": KIT_FORMAT,
                "course_utils": __version__,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "datasets": names,
                "files": entries,
            }
            zf.writestr(MANIFEST_NAME, json.dumps(manifest, indent=1))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a kit is meant to be shared
        os.replace(tmp, kit)
    except OSError as err:
        raise KitError(f"Could not write {kit}: {err.strerror or err}.") from None
    finally:
        tmp.unlink(missing_ok=True)
    say(f"Packed {', '.join(names)} ({len(files)} files, {_mb(kit.stat().st_size)}) into {kit}.")
    return kit


# --------------------------------------------------------------------------- read a kit


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member may not be extracted, or None when its name and type are safe."""
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "is not a regular file"
    if info.flag_bits & 0x1:
        return "is encrypted"
    parts = name.rstrip("/").split("/")
    if name.startswith("/") or "\\" in name or ":" in name:
        return "has an absolute or non-portable path"
    if any(p in ("", ".", "..") or not _SAFE_PART.fullmatch(p) for p in parts):
        return "has a path part that is empty, '..' or unusual"
    return None


def read_kit(zf: zipfile.ZipFile) -> dict[str, dict]:
    """Check a kit's member list and manifest; return the manifest's ``files`` table."""
    infos = zf.infolist()
    names = Counter(i.filename.rstrip("/").casefold() for i in infos)
    dupes = [n for n, count in names.items() if count > 1]
    if dupes:
        raise KitError(f"The kit has the name {dupes[0]} twice: it is not a valid kit.")
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise KitError(f"The kit member {info.filename!r} {problem}: refusing this kit.")
    try:
        info = zf.getinfo(MANIFEST_NAME)
    except KeyError:
        raise KitError(f"The file has no {MANIFEST_NAME}: it is not a course kit.") from None
    if info.file_size > _MAX_MANIFEST_BYTES:
        raise KitError(f"{MANIFEST_NAME} is too large: it is not a course kit.")
    try:
        manifest = json.loads(zf.read(info))
        version, files = manifest["format"], manifest["files"]
    except (ValueError, KeyError, TypeError):
        raise KitError(f"{MANIFEST_NAME} is unreadable: it is not a course kit.") from None
    if version != KIT_FORMAT:
        raise KitError(f"The kit has format {version!r}; this course_utils reads format "
                       f"{KIT_FORMAT}: update course_utils, or pack the kit again.")
    members = {i.filename: i for i in infos if not i.is_dir() and i.filename != MANIFEST_NAME}
    if not isinstance(files, dict) or set(files) != set(members):
        extra = sorted(set(members) ^ set(files) if isinstance(files, dict) else members)
        raise KitError(f"The kit's files and its {MANIFEST_NAME} disagree (e.g. {extra[:1]}): "
                       f"refusing this kit.")
    for name, meta in files.items():
        ok = (isinstance(meta, dict) and isinstance(meta.get("size"), int)
              and isinstance(meta.get("sha256"), str) and len(meta["sha256"]) == 64)
        if not ok or members[name].file_size != meta["size"]:
            raise KitError(f"{MANIFEST_NAME} has a wrong entry for {name}: refusing this kit.")
        if dataset_of(name) is None:
            raise KitError(f"The kit member {name!r} is not part of any course dataset: "
                           f"refusing this kit.")
    return files


def _extract(zf: zipfile.ZipFile, member: str, meta: dict, dest: Path, bar: tqdm) -> None:
    """Copy one member to ``dest``, checking its size and SHA-256 against the manifest."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(member) as src, open(dest, "wb") as out:
        digest, size = copy_hashed(src, out, limit=meta["size"], progress=bar.update)
    if size != meta["size"] or digest != meta["sha256"]:
        raise KitError(f"The kit member {member} does not match its checksum in {MANIFEST_NAME}: "
                       f"the kit is damaged; nothing was installed.")


# --------------------------------------------------------------------------- unpack


def unpack(kit: Path, root: Path | None = None, force: bool = False,
           allow_unofficial: bool = False, quiet: bool = False, say: Say = print) -> list[str]:
    """Verify the kit, then install its datasets into ``root`` (default: the data directory).

    Datasets already present and verified are skipped unless ``force``.
    ``allow_unofficial`` accepts datasets that work but are not the official
    files (for example a MNIST rebuilt from another source). Returns the
    names of the datasets installed.
    """
    root = root or config.data_dir()
    if not kit.is_file():
        raise KitError(f"{kit} not found: give the path of the kit .zip file.")
    created_root = not root.exists()
    try:
        with zipfile.ZipFile(kit) as zf:
            return _unpack(zf, root, force, allow_unofficial, quiet, say)
    except (zipfile.BadZipFile, EOFError, NotImplementedError):
        raise KitError(f"{kit} is not a zip file or is damaged: copy it again.") from None
    except OSError as err:
        raise KitError(f"Could not unpack into {root}: {err.strerror or err}; "
                       f"nothing was installed.") from None
    finally:
        if created_root:
            try:
                root.rmdir()  # only when it stayed empty
            except OSError:
                pass


def _unpack(zf: zipfile.ZipFile, root: Path, force: bool, allow_unofficial: bool,
            quiet: bool, say: Say) -> list[str]:
    files = read_kit(zf)
    in_kit = [n for n in all_entries() if any(dataset_of(m) == n for m in files)]
    todo = []
    for name in in_kit:
        if not force and dataset_status(name, root, quick=True).state != "missing":
            found = dataset_status(name, root)
            if found.usable:
                say(f"{name}: already present and {found.state} in {root}, skipped "
                    f"(--force replaces it).")
                continue
            say(f"{name}: present but {found.state} ({found.reason}): replacing it.")
        todo.append(name)
    if not todo:
        say("Nothing to install.")
        return []
    members = {m: meta for m, meta in files.items() if dataset_of(m) in todo}
    need = sum(meta["size"] for meta in members.values())
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    if free < need:
        raise KitError(f"{root} has {_mb(free)} free but the kit needs {_mb(need)}: "
                       f"free some space or use --data-dir.")
    staging = Path(tempfile.mkdtemp(prefix=".kit-unpack-", dir=root))
    try:
        with tqdm(total=need, unit="B", unit_scale=True, desc="unpack", disable=quiet) as bar:
            for member, meta in members.items():
                _extract(zf, member, meta, staging.joinpath(*member.split("/")), bar)
        for name in todo:
            found = dataset_status(name, staging)
            if not found.usable:
                raise KitError(f"{name} in the kit is {found.state}: {found.reason}; "
                               f"nothing was installed.")
            if found.official is False and not allow_unofficial:
                raise KitError(f"{name} in the kit is not the official data: {found.reason}; "
                               f"nothing was installed (add --allow-unofficial if you trust "
                               f"whoever made the kit).")
        for name in todo:
            _install(name, staging, root)
            say(f"{name}: installed in {root}.")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return todo


def _install(name: str, staging: Path, root: Path) -> None:
    """Move one verified dataset from ``staging`` into ``root``, replacing an old copy.

    An old copy (even a symbolic link) is first renamed into ``staging``, which
    is deleted afterwards; links are removed, never followed. A target inside
    a folder (``weights/...``) gets its folder made.
    """
    entry = get_dataset(name)
    moves = [entry.target, *([entry.stamp] if entry.stamp else [])]
    old = staging / ".replaced"
    old.mkdir(exist_ok=True)
    for rel in moves:
        target = root / rel
        had_old = target.is_symlink() or target.exists()
        if had_old:
            (old / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, old / rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if (staging / rel).exists():
            try:
                os.replace(staging / rel, target)
            except OSError:
                if had_old:
                    os.replace(old / rel, target)  # put the old copy back
                raise
