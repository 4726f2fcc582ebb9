"""course_utils.data against bad downloads, bad archives and unusual data directories.

Every download goes to a local server on 127.0.0.1 through COURSE_DATA_MIRROR:
the plain ``mirror`` fixture, or ``scripted_mirror``, which can cut a transfer
short, stall or hold its answer back (both in conftest.py). The issue's
checklist, and where each item is tested:

- wrong checksum: refused, nothing left in the data directory
    test_wrong_checksum_is_refused_and_leaves_nothing (also test_data.py)
- a server that closes mid-transfer (or stalls) leaves nothing
    test_server_closing_mid_transfer_leaves_nothing, test_truncated_file_served_whole_is_refused,
    test_stalled_server_times_out_and_leaves_nothing
- connection refused: the offline message, not a traceback
    test_connection_refused_gives_the_offline_message_not_a_traceback (also test_data.py)
- a good cached file is never replaced by a failed download
    test_good_cached_file_is_never_replaced_by_a_failed_download,
    test_good_file_arriving_during_a_failed_download_is_kept
- two ``fetch`` processes at once end with one good copy
    test_two_fetch_processes_at_once_end_with_one_good_copy
- archive members escaping the target (``../``, absolute paths, links, devices) are refused
    test_blood_cell_archive_with_escaping_or_special_members_is_refused,
    test_cifar_archive_members_are_never_written_to_disk
- ``unpack-data`` verifies before installing
    test_unpack_data_verifies_everything_before_installing_anything (and test_kit.py)
- a complete read-only data directory works, with no writes
    test_complete_read_only_data_dir_works_without_writing
- nothing from the network is unpickled or loaded before its checksum is verified
    test_np_load_never_allows_pickle, test_malicious_pickle_with_wrong_checksum_is_never_unpickled,
    test_malicious_pickle_with_right_checksum_is_refused,
    test_blood_cell_archive_contents_are_never_unpickled_or_decoded
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import pickle
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from data_helpers import (
    BLOOD,
    BLOOD_TOP,
    blood_archive,
    blood_files,
    cifar_archive,
    leftovers,
    make_course_data,
    pin,
    rewrite_kit,
    sha256,
    small_mnist,
    tar_add,
)

from conftest import ROOT, ScriptedServer
from course_utils import __main__ as cli
from course_utils import config, data
from course_utils.data import download, kit

pytestmark = pytest.mark.download

# --------------------------------------------------------------- auditing what the course does

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_WRITE_EVENTS = {
    "os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.chmod", "os.chown", "os.utime",
    "os.symlink", "os.link", "os.truncate", "shutil.rmtree", "shutil.move", "shutil.copyfile",
    "tempfile.mkdtemp", "tempfile.mkstemp",
}
_AUDIT: dict[str, list] = {}
"""While a test audits: "root" holds the watched folder, "events" what touched it."""


def _audit_hook(event: str, args: tuple) -> None:
    if not _AUDIT:
        return
    root = _AUDIT["root"][0]
    if event == "pickle.find_class" or event == "fcntl.flock":
        _AUDIT["events"].append((event, args))
        return
    if event == "open":
        path, _mode, flags = args
        if not isinstance(flags, int) or not flags & _WRITE_FLAGS:
            return
        paths = [path]
    elif event in _WRITE_EVENTS:
        paths = list(args)
    else:
        return
    for path in paths:
        if isinstance(path, (str, bytes, os.PathLike)):
            full = os.path.abspath(os.fsdecode(path))
            if full == root or full.startswith(root + os.sep):
                _AUDIT["events"].append((event, full))


sys.addaudithook(_audit_hook)  # hooks cannot be removed; it does nothing outside _audited()


class _Audited:
    """What happened inside an ``_audited`` block."""

    events: list[tuple[str, object]]

    @property
    def writes(self) -> list[tuple[str, object]]:
        return [e for e in self.events if e[0] not in ("pickle.find_class", "fcntl.flock")]

    def of(self, event: str) -> list[object]:
        return [args for name, args in self.events if name == event]


class _audited:  # noqa: N801 - reads like a function in a with-statement
    """Record writes under ``root``, every lock and every class a pickle asks for."""

    def __init__(self, root: Path) -> None:
        self.root = str(Path(root).resolve())
        self.result = _Audited()

    def __enter__(self) -> _Audited:
        self.result.events = []
        _AUDIT.update(root=[self.root], events=self.result.events)
        return self.result

    def __exit__(self, *exc: object) -> None:
        _AUDIT.clear()


# --------------------------------------------------------------- helpers


def _snapshot(folder: Path, itself: bool = True) -> dict[str, tuple[int, int, int]]:
    """Every entry under ``folder`` (and ``folder`` itself unless not ``itself``): mode, size,
    mtime. A download that fails still changes the folder's own mtime (its temp folder came
    and went), so tests of failures leave the folder itself out."""
    entries = [folder, *folder.rglob("*")] if itself else list(folder.rglob("*"))
    return {str(p.relative_to(folder)): (p.lstat().st_mode, p.lstat().st_size,
                                         p.lstat().st_mtime_ns) for p in entries}


def _mnist_bytes(tmp_path: Path, seed_name: str = "mnist.npz") -> bytes:
    path = tmp_path / f"src-{seed_name}"
    small_mnist(path)
    return path.read_bytes()


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "", size: int = 0,
            payload: bytes | None = None) -> Callable[[tarfile.TarFile], None]:
    """An ``extra`` that adds one member of any kind."""
    def add(tar: tarfile.TarFile) -> None:
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = link
        if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
            info.devmajor, info.devminor = 1, 3
        body = payload if payload is not None else b"\0" * size
        info.size = len(body) if kind == tarfile.REGTYPE else 0
        tar.addfile(info, io.BytesIO(body) if kind == tarfile.REGTYPE else None)
    return add


class _Marker:
    """Pickles to "open(path, 'w')": unpickling it creates the file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _pickle_npz(path: Path, marker: Path) -> bytes:
    """An .npz whose arrays hold a pickled object that would create ``marker``."""
    arrays = {k: np.array([_Marker(marker)], dtype=object)
              for k in ("x_train", "y_train", "x_test", "y_test")}
    np.savez(path, **arrays)
    return path.read_bytes()


def _pickle_cifar(path: Path, marker: Path) -> bytes:
    """A CIFAR-10-shaped archive whose first batch would create ``marker`` when unpickled."""
    with tarfile.open(path, "w:gz") as tar:
        tar_add(tar, "cifar-10-batches-py/data_batch_1",
             pickle.dumps({b"data": _Marker(marker), b"labels": [0]}, protocol=2))
    return path.read_bytes()


@pytest.fixture
def quick_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give up on a silent server after half a second instead of a minute."""
    monkeypatch.setattr(download, "DOWNLOAD_TIMEOUT", (5.0, 0.5))


# --------------------------------------------------------------- failed downloads leave nothing


@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_wrong_checksum_is_refused_and_leaves_nothing(
    name: str, scripted_mirror: ScriptedServer, tmp_path: Path
) -> None:
    """The real pins, a mirror serving other bytes; another dataset already there is untouched."""
    entry = data.DATASETS[name]
    scripted_mirror.files[entry.filename] = b"not the official file " * 1000
    root = config.data_dir()
    root.mkdir()
    (root / "blood_cells").mkdir()
    before = _snapshot(root, itself=False)
    with pytest.raises(data.ChecksumError, match=f"does not match the published SHA-256.*"
                                                 f"{entry.filename}.*nothing was changed"):
        data.fetch(name, progress=False)
    assert _snapshot(root, itself=False) == before  # no partial, no temp folder, nothing touched


@pytest.mark.parametrize("name", ["mnist", "cifar10", "blood_cells"])
def test_server_closing_mid_transfer_leaves_nothing(
    name: str, scripted_mirror: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Content-Length larger than what arrives, then the socket closes."""
    entry = data.DATASETS[name]
    if name == "blood_cells":  # no checksum of its own: only the transfer itself can tell
        payload = blood_archive(tmp_path, monkeypatch)
    else:
        payload = _mnist_bytes(tmp_path)
        pin(monkeypatch, name, sha256=hashlib.sha256(payload).hexdigest())
    scripted_mirror.files[entry.filename] = payload
    scripted_mirror.mode = "truncate"
    with pytest.raises(data.DataUnavailableError,
                       match=r"\(the connection closed before the download finished\)"):
        data.fetch(name, progress=False)
    assert leftovers(config.data_dir()) == []


@pytest.mark.parametrize("name", ["mnist", "blood_cells"])
def test_truncated_file_served_whole_is_refused(
    name: str, mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A half-copied file on the mirror arrives "complete": the checksum or the archive tells."""
    entry = data.DATASETS[name]
    if name == "blood_cells":
        payload = blood_archive(tmp_path, monkeypatch)
        message = "is damaged|is not a safe copy"
    else:
        payload = _mnist_bytes(tmp_path)
        pin(monkeypatch, name, sha256=hashlib.sha256(payload).hexdigest())
        message = "does not match the published SHA-256"
    (mirror / entry.filename).write_bytes(payload[: len(payload) // 2])
    with pytest.raises(data.ChecksumError, match=message):
        data.fetch(name, progress=False)
    assert leftovers(config.data_dir()) == []


@pytest.mark.parametrize("mode", ["stall", "silent"])
def test_stalled_server_times_out_and_leaves_nothing(
    mode: str, scripted_mirror: ScriptedServer, tmp_path: Path, quick_timeouts: None,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half the file then silence, or no answer at all: the read timeout ends it."""
    payload = _mnist_bytes(tmp_path)
    pin(monkeypatch, "mnist", sha256=hashlib.sha256(payload).hexdigest())
    scripted_mirror.files["mnist.npz"] = payload
    scripted_mirror.mode = mode
    start = time.monotonic()
    with pytest.raises(data.DataUnavailableError,
                       match=r"\(the server sent nothing for 0.5 s\). You may be offline"):
        data.load_mnist()
    assert time.monotonic() - start < 10
    assert leftovers(config.data_dir()) == []


def test_download_timeout_is_set() -> None:
    """requests waits forever without a timeout; the course sets both numbers."""
    connect, read = download.DOWNLOAD_TIMEOUT
    assert 5 <= connect <= 60 and 30 <= read <= 300


@pytest.mark.parametrize("served", [False, True])
def test_connection_refused_gives_the_offline_message_not_a_traceback(
    served: bool, scripted_mirror: ScriptedServer, tmp_path: Path
) -> None:
    """Nothing listening (refused), and a mirror that lacks the file (HTTP 404), via the CLI."""
    mirror = scripted_mirror.url if served else "http://127.0.0.1:9"
    result = subprocess.run(
        [sys.executable, "-m", "course_utils", "fetch", "all", "--quiet"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "COURSE_DATA_MIRROR": mirror, "COURSE_DATA_DIR": str(tmp_path / "d")},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    reason = "the server answered HTTP 404" if served else "could not connect"
    for title in ("MNIST", "CIFAR-10", "Blood cell images"):
        assert f"error: Could not download {title}" in result.stderr
    assert result.stderr.count(f"({reason}). You may be offline") == 3
    assert leftovers(tmp_path / "d") == []


# --------------------------------------------------------------- a good copy is never lost


def test_good_cached_file_is_never_replaced_by_a_failed_download(
    scripted_mirror: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verified file in place: no request at all, the file untouched."""
    root = config.data_dir()
    root.mkdir()
    good = root / "mnist.npz"
    small_mnist(good)
    os.utime(good, (0, 0))
    pin(monkeypatch, "mnist", sha256=sha256(good))
    scripted_mirror.files["mnist.npz"] = b"garbage"
    scripted_mirror.mode = "truncate"
    before = _snapshot(root)  # nothing at all is written: not even the folder's mtime changes
    data.load_mnist()
    assert data.fetch("mnist") == good
    assert cli.main(["fetch", "mnist", "--quiet"]) == 0
    assert scripted_mirror.requests == []
    assert _snapshot(root) == before


@pytest.mark.parametrize(("mode", "error"), [("truncate", data.DataUnavailableError),
                                             ("ok", data.ChecksumError)])
def test_good_file_arriving_during_a_failed_download_is_kept(
    mode: str, error: type[Exception], scripted_mirror: ScriptedServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A good copy appears mid-download (copied in, or unpack-data); the failure keeps it."""
    good_bytes = _mnist_bytes(tmp_path)
    pin(monkeypatch, "mnist", sha256=hashlib.sha256(good_bytes).hexdigest())
    root = config.data_dir()
    scripted_mirror.files["mnist.npz"] = good_bytes if mode == "truncate" else b"bad" * 999
    scripted_mirror.mode = mode
    scripted_mirror.on_request = lambda: (root / "mnist.npz").write_bytes(good_bytes)
    with pytest.raises(error):
        data.fetch("mnist", progress=False)
    assert (root / "mnist.npz").read_bytes() == good_bytes
    assert leftovers(root) == ["mnist.npz"]
    assert data.fetch("mnist") == root / "mnist.npz" and len(scripted_mirror.requests) == 1


def test_abandoned_download_folder_is_removed_by_the_next_download(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A download killed outright leaves its temp folder; the next download clears it."""
    small_mnist(mirror / "mnist.npz")
    pin(monkeypatch, "mnist", sha256=sha256(mirror / "mnist.npz"))
    abandoned = config.data_dir() / ".cifar10-download-k1ll3d"
    abandoned.mkdir(parents=True)
    (abandoned / "cifar-10-python.tar.gz").write_bytes(b"half")
    data.fetch("mnist", progress=False)
    assert leftovers(config.data_dir()) == ["mnist.npz"]


_SHIM = '''\
"""Test shim: patch the course's pins before `python -m course_utils` runs."""
import dataclasses, json, pathlib
from course_utils import data
for name, changes in json.loads((pathlib.Path(__file__).parent / "pins.json").read_text()).items():
    data.DATASETS[name] = dataclasses.replace(data.DATASETS[name], **changes)
'''


@pytest.mark.skipif(os.name == "nt", reason="Windows has no download lock: both download")
def test_two_fetch_processes_at_once_end_with_one_good_copy(
    scripted_mirror: ScriptedServer, tmp_path: Path
) -> None:
    """Two real `python -m course_utils fetch mnist`; the mirror answers only once both run."""
    payload = _mnist_bytes(tmp_path)
    scripted_mirror.files["mnist.npz"] = payload
    scripted_mirror.release.clear()  # hold the first download until the second one waits
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(_SHIM)
    (shim / "pins.json").write_text(json.dumps({"mnist": {
        "sha256": hashlib.sha256(payload).hexdigest()}}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(shim), *filter(None, [os.environ.get("PYTHONPATH")])])}
    logs = [tmp_path / f"fetch{i}.log" for i in (1, 2)]
    procs = []
    for log in logs:
        with open(log, "w") as err:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "course_utils", "fetch", "mnist", "--quiet"],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True))
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any(
                "Waiting for another download" in log.read_text() for log in logs):
            assert all(p.poll() is None for p in procs), [log.read_text() for log in logs]
            time.sleep(0.1)
        waited = [log.read_text() for log in logs]
        scripted_mirror.release.set()
        outputs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        scripted_mirror.release.set()
        for p in procs:
            if p.poll() is None:
                p.kill()
    stderr = [log.read_text() for log in logs]
    assert [p.returncode for p in procs] == [0, 0], stderr
    assert sum("Waiting for another download" in s for s in waited) == 1, waited
    assert scripted_mirror.requests == ["/mnist.npz"]  # one download, the other one waited
    assert all(out.startswith("mnist: ") for out in outputs), outputs
    root = tmp_path / "data"
    assert leftovers(root) == ["mnist.npz"]  # no temp file, no lock file
    assert (root / "mnist.npz").read_bytes() == payload


# --------------------------------------------------------------- hostile archives


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (_member("../escaped.jpeg"), "'..'"),
        (_member(f"{BLOOD_TOP}/images/../../../escaped.jpeg"), "'..'"),
        (_member("ESCAPE/escaped.jpeg"), "absolute"),
        (_member("/images/TRAIN/EOSINOPHIL/_0_0.jpeg"), "absolute"),
        (_member(f"{BLOOD_TOP}\\..\\..\\escaped.jpeg"), "absolute or non-portable"),
        (_member(f"{BLOOD_TOP}/images/TRAIN/EOSINOPHIL/x.jpeg", tarfile.SYMTYPE, "/etc/passwd"),
         "link pointing out"),
        (_member(f"{BLOOD_TOP}/images/TRAIN/up", tarfile.SYMTYPE, "../../../../escaped.jpeg"),
         "link pointing out"),
        (_member(f"{BLOOD_TOP}/images/TRAIN/EOSINOPHIL", tarfile.SYMTYPE, "ESCAPE"),
         "link pointing out"),
        (_member(f"{BLOOD_TOP}/images/TRAIN/EOSINOPHIL/_0_0.jpeg", tarfile.LNKTYPE,
                 "/etc/passwd"), "link pointing out"),
        (_member(f"{BLOOD_TOP}/images/TRAIN/EOSINOPHIL/h.jpeg", tarfile.LNKTYPE,
                 "../escaped.jpeg"), "link pointing out"),
        (_member(f"{BLOOD_TOP}/images/TRAIN/EOSINOPHIL/_0_1.jpeg", tarfile.SYMTYPE,
                 "_0_0.jpeg"), "link or special file where an image should be"),
        (_member(f"{BLOOD_TOP}/images/TEST/MONOCYTE/null", tarfile.CHRTYPE), "device"),
        (_member(f"{BLOOD_TOP}/images/TEST/MONOCYTE/pipe", tarfile.FIFOTYPE), "device"),
        (_member(f"{BLOOD_TOP}/images/TEST/MONOCYTE/_2_1.jpeg", size=17 * 2**20),
         "far too large"),
        (_member(f"{BLOOD_TOP}/images/TEST/MONOCYTE/_2_1.jpeg", payload=b"again"),
         "appears twice"),
    ],
    ids=["dotdot-top", "dotdot-inside", "absolute", "absolute-images", "backslashes",
         "symlink-absolute", "symlink-relative", "symlink-dir", "hardlink-absolute",
         "hardlink-relative", "symlink-as-image", "char-device", "fifo", "huge", "duplicate"],
)
def test_blood_cell_archive_with_escaping_or_special_members_is_refused(
    extra: Callable[[tarfile.TarFile], None], problem: str, scripted_mirror: ScriptedServer,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    # ESCAPE in a name or link target stands for the absolute path of tmp_path/outside.
    payload = _replace_escape(blood_archive(tmp_path, monkeypatch, extra), str(outside))
    scripted_mirror.files[BLOOD.filename] = payload
    images_existed = Path("/images").exists()
    with pytest.raises(data.ChecksumError,
                       match=f"{BLOOD.filename} is not a safe copy of the blood_cells archive "
                             f"\\(its member .*{problem}.*nothing was installed"):
        data.blood_cells_dir()
    assert leftovers(config.data_dir()) == []
    assert leftovers(outside) == ["keep.txt"] and not (tmp_path / "escaped.jpeg").exists()
    assert Path("/images").exists() == images_existed


def _replace_escape(archive: bytes, outside: str) -> bytes:
    """Rewrite member names and link targets "ESCAPE..." to the absolute path ``outside``."""
    src = tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz")
    buf = io.BytesIO()
    with src, tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as out:
        for info in src.getmembers():
            body = src.extractfile(info) if info.isfile() else None
            info.name = info.name.replace("ESCAPE", outside)
            info.linkname = info.linkname.replace("ESCAPE", outside)
            out.addfile(info, body)
    return buf.getvalue()


def test_blood_cell_archive_contents_are_never_unpickled_or_decoded(
    scripted_mirror: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An "image" that is a malicious pickle fails the manifest; good images are never opened."""
    marker = tmp_path / "pwned"
    files = blood_files()
    files["TRAIN/EOSINOPHIL/_0_0.jpeg"] = pickle.dumps(_Marker(marker))
    scripted_mirror.files[BLOOD.filename] = blood_archive(tmp_path, monkeypatch, files=files)
    with _audited(tmp_path) as audit, pytest.raises(
            data.ChecksumError, match="checksum mismatch: TRAIN/EOSINOPHIL/_0_0.jpeg"):
        data.blood_cells_dir()
    assert not marker.exists() and audit.of("pickle.find_class") == []
    assert leftovers(config.data_dir()) == []

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("an image from the download was decoded")

    monkeypatch.setattr("PIL.Image.open", no_decoding)
    scripted_mirror.files[BLOOD.filename] = blood_archive(tmp_path, monkeypatch)
    assert sorted(p.name for p in (data.blood_cells_dir() / "TEST").iterdir()) == list(
        data.BLOOD_CELL_CLASSES)


def test_cifar_archive_members_are_never_written_to_disk(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CIFAR-10 batches are read from the archive in memory: hostile names go nowhere."""
    def hostile(tar: tarfile.TarFile) -> None:
        tar_add(tar, "../escaped", b"x")
        tar_add(tar, str(tmp_path / "escaped-absolute"), b"x")
        _member("cifar-10-batches-py/batches.meta", tarfile.SYMTYPE, "/etc/passwd")(tar)

    archive = cifar_archive(mirror / "cifar-10-python.tar.gz", hostile)
    pin(monkeypatch, "cifar10", sha256=sha256(archive))
    (x_train, _), _ = data.load_cifar10()
    assert x_train.shape == (15, 32, 32, 3)
    assert leftovers(config.data_dir()) == ["cifar10.npz", "cifar10.npz.source-sha256"]
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "escaped-absolute").exists()

    # A batch that is a link: resolved inside the archive only, never on disk.
    for installed in config.data_dir().iterdir():
        installed.unlink()
    with tarfile.open(archive, "w:gz") as tar:
        _member("cifar-10-batches-py/data_batch_1", tarfile.SYMTYPE, "/etc/passwd")(tar)
    pin(monkeypatch, "cifar10", sha256=sha256(archive))
    with pytest.raises(data.DataUnavailableError, match="is not the CIFAR-10 archive"):
        data.load_cifar10()
    assert leftovers(config.data_dir()) == []


# --------------------------------------------------------------- nothing unpickled


def _calls(tree: ast.AST, dotted: set[str]) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in dotted:
            yield node


def test_np_load_never_allows_pickle() -> None:
    """Every np.load in course_utils passes allow_pickle=False; no pickle.load, no extractall."""
    loads = 0
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, {"np.load", "numpy.load"}):
            loads += 1
            kw = {k.arg: k.value for k in call.keywords}
            ok = isinstance(kw.get("allow_pickle"), ast.Constant) and (
                kw["allow_pickle"].value is False)
            assert ok, f"{path.name}:{call.lineno}: np.load without allow_pickle=False"
        for call in _calls(tree, {"pickle.load", "pickle.loads", "pickle.Unpickler"}):
            raise AssertionError(f"{path.name}:{call.lineno}: unrestricted unpickling")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("extractall", "extract"):
                raise AssertionError(f"{path.name}:{node.lineno}: {node.attr} from an archive")
    assert loads >= 1


@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_malicious_pickle_with_wrong_checksum_is_never_unpickled(
    name: str, scripted_mirror: ScriptedServer, tmp_path: Path
) -> None:
    """The real pins: the hostile file is deleted before anything reads it."""
    marker = tmp_path / "pwned"
    build = _pickle_npz if name == "mnist" else _pickle_cifar
    entry = data.DATASETS[name]
    scripted_mirror.files[entry.filename] = build(tmp_path / entry.filename, marker)
    with _audited(tmp_path) as audit, pytest.raises(data.ChecksumError):
        data.fetch(name, progress=False)
    assert not marker.exists() and audit.of("pickle.find_class") == []
    assert leftovers(config.data_dir()) == []


@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_malicious_pickle_with_right_checksum_is_refused(
    name: str, scripted_mirror: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a file that matches its pin cannot run code: np.load and the unpickler refuse."""
    marker = tmp_path / "pwned"
    build = _pickle_npz if name == "mnist" else _pickle_cifar
    entry = data.DATASETS[name]
    payload = build(tmp_path / entry.filename, marker)
    scripted_mirror.files[entry.filename] = payload
    pin(monkeypatch, name, sha256=hashlib.sha256(payload).hexdigest())
    message = "not a valid MNIST file.*allow_pickle=False" if name == "mnist" else (
        "refusing to load io.open")
    with _audited(tmp_path) as audit, pytest.raises(data.DataUnavailableError, match=message):
        data.fetch(name, progress=False)
    assert not marker.exists()
    assert ("builtins", "open") not in audit.of("pickle.find_class")
    assert ("io", "open") not in audit.of("pickle.find_class")
    assert leftovers(config.data_dir()) == []


def test_unreadable_file_in_the_data_dir_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged or pickled mnist.npz already there: one sentence saying to delete it."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    marker = tmp_path / "pwned"
    for content in (b"PK\x03\x04 damaged", None):
        if content is None:
            _pickle_npz(tmp_path / "mnist.npz", marker)
        else:
            (tmp_path / "mnist.npz").write_bytes(content)
        with pytest.raises(data.DataUnavailableError,
                           match=r"mnist.npz is not a valid MNIST file \(unreadable.*\)\. Delete "
                                 r"it and run again"):
            data.load_mnist()
    assert not marker.exists()


# --------------------------------------------------------------- unpack-data and read-only dirs


def test_unpack_data_verifies_everything_before_installing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    src = make_course_data(tmp_path / "src", monkeypatch)
    packed = kit.pack(tmp_path / "kit.zip", root=src, quiet=True, say=lambda _: None)
    dst = tmp_path / "dst"
    real_status = data.dataset_status
    with _audited(dst) as audit:
        def verify(name: str, root: Path | None = None,
                   quick: bool = False) -> data.DatasetStatus:
            if not quick:  # a quick look reads nothing
                audit.events.append(("verify", name))
            return real_status(name, root, quick)

        monkeypatch.setattr(kit, "dataset_status", verify)
        assert cli.main(["unpack-data", str(packed), "--quiet", "--data-dir", str(dst)]) == 0
    events = audit.events
    assert [a for e, a in events if e == "verify"] == ["mnist", "cifar10", "blood_cells"]
    last_verify = max(i for i, (e, _) in enumerate(events) if e == "verify")
    installs = [i for i, (e, a) in enumerate(events)
                if e == "os.rename" and Path(str(a)).parent == dst]
    assert len(installs) >= 3 and min(installs) > last_verify
    # Before that, everything written went into the hidden staging folder.
    early = [a for e, a in events[:last_verify] if e != "verify" and str(a) != str(dst)]
    assert early and all("/.kit-unpack-" in str(a) for a in early), early[:3]

    # A kit whose last dataset fails the course's pins installs nothing, and says so.
    def flip(name: str, payload: bytes) -> bytes:
        return payload + b"x" if name.startswith("blood_cells/TEST/") else payload

    bad = rewrite_kit(packed, tmp_path / "bad.zip", flip, update_manifest=True)
    fresh = tmp_path / "fresh"
    assert cli.main(["unpack-data", str(bad), "--quiet", "--data-dir", str(fresh)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: blood_cells in the kit is damaged") and "Traceback" not in err
    assert "nothing was installed" in err and not fresh.exists()


def _make_read_only(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True) + [folder]:
        mode = 0o555 if path.is_dir() else 0o444
        path.chmod(mode)


def _make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_complete_read_only_data_dir_works_without_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A shared read-only drive: loaders and `fetch all` read, and write, lock or download nothing.

    Tests run as root in CI, and root ignores file permissions: the audit hook
    is what proves that nothing is written.
    """
    root = make_course_data(tmp_path / "data", monkeypatch)
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")  # a download would fail
    _make_read_only(root)
    try:
        before = _snapshot(root)
        with _audited(root) as audit:
            (x_train, _), _ = data.load_mnist()
            (c_train, _), _ = data.load_cifar10()
            cells = data.blood_cells_dir()
            paths = [data.fetch(name) for name in data.DATASETS]
            assert cli.main(["fetch", "all", "--quiet"]) == 0
        assert x_train.dtype == c_train.dtype == np.uint8
        assert cells == root / "blood_cells" and paths[-1] == cells
        assert capsys.readouterr().out.count("already present") == 3
        assert audit.writes == [] and audit.of("fcntl.flock") == []
        assert _snapshot(root) == before
    finally:
        _make_writable(root)


def test_data_dir_that_cannot_be_written_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dataset is missing and the folder is not writable: say so, and what to do."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")

    def refuse(*args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkdtemp", refuse)
    with pytest.raises(data.DataUnavailableError,
                       match=r"Cannot write to the data directory .*data \(Permission denied\): "
                             r"set COURSE_DATA_DIR to a folder you can write to\."):
        data.fetch("mnist")

