"""Small fake datasets for the tests of course_utils.data (and the doctor's).

``make_course_data`` builds a complete but tiny data directory and points the
registry's pins at it (the real pins belong to the real files). The other
helpers build files in the datasets' real formats: an MNIST ``.npz``, the
official CIFAR-10 archive, a GitHub-style blood-cell archive, and a stand-in
for the ImageNet weights (``add_weights``; the optional weights are not part
of ``make_course_data``).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import pickle
import tarfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_utils import data

FAKE_ARCHIVE_SHA = hashlib.sha256(b"the official CIFAR-10 archive").hexdigest()
"""The CIFAR-10 archive pin ``make_course_data`` sets, and records next to cifar10.npz."""

BLOOD = data.DATASETS["blood_cells"]
BLOOD_TOP = BLOOD.filename.removesuffix(".tar.gz")
"""The top folder of the blood-cell archive GitHub serves."""


def sha256(path: Path) -> str:
    """The SHA-256 of a file, computed here (not with the code under test)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pin(monkeypatch: pytest.MonkeyPatch, name: str, **changes) -> None:
    """Replace registry fields of dataset (or weights) ``name`` for this test only."""
    table = data.DATASETS if name in data.DATASETS else data.WEIGHTS
    monkeypatch.setitem(table, name, dataclasses.replace(table[name], **changes))


def md5(payload: bytes) -> str:
    """The MD5 of some bytes, computed here (not with the code under test)."""
    return hashlib.md5(payload).hexdigest()


def stand_in_weights(seed: int = 0) -> bytes:
    """A 64 kB stand-in for a ``.h5`` weights file: the HDF5 signature, then random bytes."""
    return b"\x89HDF\r\n\x1a\n" + np.random.default_rng(seed).bytes(64 * 1024 - 8)


def add_weights(root: Path, monkeypatch: pytest.MonkeyPatch,
                name: str = "mobilenet_v3_small") -> Path:
    """Put a stand-in for weights ``name`` where they belong in ``root``; pin its MD5.

    Returns the file's path (``root/weights/<the file Keras downloads>``).
    """
    payload = stand_in_weights()
    path = data.WEIGHTS[name].path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    pin(monkeypatch, name, md5=md5(payload))
    return path


def leftovers(folder: Path) -> list[str]:
    """Everything under ``folder``, hidden files included (empty when it does not exist)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def npz(path: Path, image_shape: tuple[int, ...], n: int = 6, dtype=np.uint8) -> None:
    """A small dataset ``.npz``: ``n`` training and 2 test images of ``image_shape``."""
    rng = np.random.default_rng(len(image_shape))
    np.savez(path, x_train=rng.integers(0, 256, (n, *image_shape)).astype(dtype),
             y_train=rng.integers(0, 10, n, dtype=np.uint8),
             x_test=rng.integers(0, 256, (2, *image_shape)).astype(dtype),
             y_test=rng.integers(0, 10, 2, dtype=np.uint8))


def small_mnist(path: Path) -> dict[str, np.ndarray]:
    """A compressed MNIST-shaped ``.npz`` of 12 + 5 images; returns its arrays."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 12, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 5, dtype=np.uint8),
    }
    np.savez_compressed(path, **arrays)
    return arrays


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (32, 24)) -> bytes:
    """A small one-colour JPEG."""
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="JPEG")
    return buf.getvalue()


def tar_add(tar: tarfile.TarFile, name: str, payload: bytes) -> None:
    """Add a regular file ``name`` holding ``payload`` to an open tar archive."""
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


def cifar_batch(images: np.ndarray, labels: list[int]) -> bytes:
    """A batch in the official format: a pickled dict with bytes keys, rows of CHW pixels."""
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
    batch = {b"batch_label": b"testing", b"labels": labels, b"data": rows,
             b"filenames": [b"img_%d.png" % i for i in range(len(labels))]}
    return pickle.dumps(batch, protocol=2)


def cifar_archive(path: Path, extra: Callable[[tarfile.TarFile], None] | None = None) -> Path:
    """A small archive in the official CIFAR-10 format (3 images a batch)."""
    rng = np.random.default_rng(2)
    with tarfile.open(path, "w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            images = rng.integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
            tar_add(tar, f"cifar-10-batches-py/{name}", cifar_batch(images, [0, 1, 2]))
        if extra:
            extra(tar)
    return path


def blood_files() -> dict[str, bytes]:
    """Eight small blood-cell "images": two per class and split, by relative path."""
    return {f"{split}/{cls}/_{i}_{k}.jpeg": jpeg((i * 40, k * 20, 100))
            for split in ("TRAIN", "TEST") for i, cls in enumerate(data.BLOOD_CELL_CLASSES)
            for k in range(2)}


def write_manifest(path: Path, files: dict[str, bytes]) -> Path:
    """A gzipped ``sha256sum`` manifest of ``files`` (relative path → bytes)."""
    with gzip.open(path, "wt") as f:
        f.writelines(f"{hashlib.sha256(b).hexdigest()}  ./{rel}\n" for rel, b in files.items())
    return path


def make_course_data(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete, tiny data directory in ``root``, with the course's pins pointed at it.

    mnist.npz matches the (patched) MNIST pin, cifar10.npz records the
    (patched) CIFAR-10 archive pin, blood_cells/ matches a (patched) manifest.
    """
    root.mkdir(parents=True, exist_ok=True)
    npz(root / "mnist.npz", (28, 28))
    npz(root / "cifar10.npz", (32, 32, 3))
    (root / "cifar10.npz.source-sha256").write_text(FAKE_ARCHIVE_SHA)
    files = {}
    for split in ("TRAIN", "TEST"):
        for i, cls in enumerate(data.BLOOD_CELL_CLASSES):
            rel = f"{split}/{cls}/_{i}_{len(split)}.jpeg"
            files[rel] = jpeg((i * 50 + len(split), 90, 160), size=(16, 12))
            (root / "blood_cells" / split / cls).mkdir(parents=True)
            (root / "blood_cells" / rel).write_bytes(files[rel])
    manifest = write_manifest(root.parent / f"{root.name}-blood_cells.sha256.gz", files)
    pin(monkeypatch, "mnist", sha256=sha256(root / "mnist.npz"))
    pin(monkeypatch, "cifar10", sha256=FAKE_ARCHIVE_SHA)
    pin(monkeypatch, "blood_cells", manifest=manifest)
    return root


def rewrite_kit(kit_path: Path, out: Path, change=None, update_manifest: bool = False,
                extra: list[tuple[zipfile.ZipInfo | str, bytes]] = ()) -> Path:
    """Copy a kit, changing members with ``change(name, bytes)`` and adding ``extra`` members."""
    from course_utils.data import kit

    with zipfile.ZipFile(kit_path) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    manifest = json.loads(members.pop(kit.MANIFEST_NAME))

    def record(name: str, payload: bytes) -> None:
        manifest["files"][name] = {"sha256": hashlib.sha256(payload).hexdigest(),
                                   "size": len(payload)}

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about duplicate names
        with zipfile.ZipFile(out, "w") as zout:
            for name, payload in members.items():
                payload = change(name, payload) if change else payload
                if update_manifest:
                    record(name, payload)
                zout.writestr(name, payload)
            for info, payload in extra:
                zout.writestr(info, payload)
                record(info.filename if isinstance(info, zipfile.ZipInfo) else info, payload)
            zout.writestr(kit.MANIFEST_NAME, json.dumps(manifest))
    return out


def blood_archive(folder: Path, monkeypatch: pytest.MonkeyPatch,
                  extra: Callable[[tarfile.TarFile], None] | None = None,
                  files: dict[str, bytes] | None = None) -> bytes:
    """A GitHub-style blood-cell archive (its bytes); pins a manifest of ``blood_files()``.

    The manifest is written into ``folder``. ``extra`` adds members first (a
    link, then files written through it, is the classic attack); ``files``
    replaces the images (the manifest stays the good one).
    """
    good = blood_files()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        if extra:
            extra(tar)
        for rel, payload in (files or good).items():
            tar_add(tar, f"{BLOOD_TOP}/images/{rel}", payload)
    pin(monkeypatch, "blood_cells", manifest=write_manifest(folder / "blood_cells.sha256.gz", good))
    return buf.getvalue()
