"""course_utils.data: loading from the data directory and the real download path.

Downloads are served from a local HTTP server on 127.0.0.1 (the ``mirror``
fixture) through COURSE_DATA_MIRROR, with small archives of the real formats
built here.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, SHARED_DATA
from course_utils import config, data

# --------------------------------------------------------------- the data directory

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture
def course_data() -> Path:
    """The complete data directory the tests run against (COURSE_DATA_DIR)."""
    if not os.environ.get("COURSE_DATA_DIR"):
        pytest.fail(
            "Set COURSE_DATA_DIR to a complete course data directory "
            "(python ../shared/data/make_course_data.py DIR)."
        )
    return config.data_dir()


def test_load_mnist_from_data_dir(course_data: Path) -> None:
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    # The published label counts and first labels of MNIST.
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert round(float(x_train.mean() / 255), 4) == 0.1307


@pytest.mark.skipif(not (SHARED_DATA / "mnist.npz").exists(), reason="../shared/data not here")
def test_load_mnist_identical_to_reference_copy(course_data: Path) -> None:
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    with np.load(SHARED_DATA / "mnist.npz") as ref:
        for name, arr in [("x_train", x_train), ("y_train", y_train), ("x_test", x_test),
                          ("y_test", y_test)]:
            np.testing.assert_array_equal(arr, ref[name], err_msg=name)


def test_load_cifar10_from_data_dir(course_data: Path) -> None:
    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    assert x_train.shape == (50000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert y_train.shape == (50000,) and y_test.shape == (10000,)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [5000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert y_train[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert len(data.CIFAR10_CLASSES) == 10 and data.CIFAR10_CLASSES[6] == "frog"


def test_blood_cells_dir(course_data: Path) -> None:
    root = data.blood_cells_dir()
    for split in ("TRAIN", "TEST"):
        classes = sorted(p.name for p in (root / split).iterdir() if p.is_dir())
        assert classes == list(data.BLOOD_CELL_CLASSES)
    assert len(list((root / "TEST" / "MONOCYTE").glob("*.jpeg"))) == 620


def test_present_dataset_is_not_downloaded_or_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mnist.npz").write_bytes(b"")  # present, so fetch must not touch it
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")  # nothing listens there
    assert data.fetch("mnist") == tmp_path / "mnist.npz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist.npz"]


def test_folder_helpers_are_importable_from_data() -> None:
    from course_utils import folders

    for name in ("FolderScan", "load_image_folder", "scan_image_folder"):
        assert getattr(data, name) is getattr(folders, name) and name in data.__all__
    assert all(hasattr(data, name) for name in data.__all__)


def test_unknown_dataset_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Unknown dataset 'imagenet'.*mnist, cifar10"):
        data.fetch("imagenet")


# --------------------------------------------------------------- downloads from a mirror


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pin(monkeypatch: pytest.MonkeyPatch, name: str, **changes) -> None:
    """Replace registry fields for this test (the real pins belong to the real files)."""
    entry = dataclasses.replace(data.DATASETS[name], **changes)
    monkeypatch.setitem(data.DATASETS, name, entry)


def _small_mnist(path: Path) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 12, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 5, dtype=np.uint8),
    }
    np.savez_compressed(path, **arrays)
    return arrays


def _leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.download
def test_fetch_mnist_from_mirror(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = _small_mnist(mirror / "mnist.npz")
    _pin(monkeypatch, "mnist", sha256=_sha256(mirror / "mnist.npz"))
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert _leftovers(config.data_dir()) == ["mnist.npz"]  # no temp files left


@pytest.mark.download
def test_checksum_mismatch_leaves_nothing(mirror: Path) -> None:
    _small_mnist(mirror / "mnist.npz")  # not the file Keras pins
    with pytest.raises(data.ChecksumError, match="does not match the published SHA-256"):
        data.load_mnist()
    assert _leftovers(config.data_dir()) == []


@pytest.mark.download
def test_connection_refused_gives_offline_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")
    with pytest.raises(data.DataUnavailableError) as err:
        data.load_cifar10()
    message = str(err.value)
    assert "You may be offline" in message
    assert str(tmp_path / "data") in message and "COURSE_DATA_MIRROR" in message
    assert _leftovers(tmp_path / "data") == []


def _cifar_batch(images: np.ndarray, labels: list[int]) -> bytes:
    """A batch in the official format: a pickled dict with bytes keys, rows of CHW pixels."""
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
    batch = {b"batch_label": b"testing", b"labels": labels, b"data": rows,
             b"filenames": [b"img_%d.png" % i for i in range(len(labels))]}
    return pickle.dumps(batch, protocol=2)


def _add(tar: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


@pytest.mark.download
def test_fetch_cifar10_converts_official_tarball(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(1)
    batches = [(rng.integers(0, 256, (3, 32, 32, 3), dtype=np.uint8), [i, i + 1, 9])
               for i in range(6)]
    archive = mirror / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
        for name, (images, labels) in zip(names, batches, strict=True):
            _add(tar, f"cifar-10-batches-py/{name}", _cifar_batch(images, labels))
        _add(tar, "cifar-10-batches-py/batches.meta", pickle.dumps({b"label_names": []}))
    _pin(monkeypatch, "cifar10", sha256=_sha256(archive))

    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    np.testing.assert_array_equal(x_train, np.concatenate([b[0] for b in batches[:5]]))
    assert y_train.tolist() == sum((b[1] for b in batches[:5]), [])
    np.testing.assert_array_equal(x_test, batches[5][0])
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    assert _leftovers(config.data_dir()) == ["cifar10.npz"]


@pytest.mark.download
def test_cifar10_pickle_with_code_is_refused(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    archive = mirror / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        _add(tar, "cifar-10-batches-py/data_batch_1", pickle.dumps({b"data": Evil()}))
    _pin(monkeypatch, "cifar10", sha256=_sha256(archive))
    with pytest.raises(data.DataUnavailableError, match="refusing to load"):
        data.load_cifar10()
    assert _leftovers(config.data_dir()) == []


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, format="JPEG")
    return buf.getvalue()


def _blood_archive(mirror: Path, monkeypatch: pytest.MonkeyPatch, tamper: bool = False) -> dict:
    """A GitHub-style archive of the repository with a few images, and its manifest."""
    files = {f"{split}/{cls}/_{i}_{k}.jpeg": _jpeg((i * 40, k * 20, 100))
             for split in ("TRAIN", "TEST") for i, cls in enumerate(data.BLOOD_CELL_CLASSES)
             for k in range(2)}
    entry = data.DATASETS["blood_cells"]
    top = entry.filename.removesuffix(".tar.gz")
    with tarfile.open(mirror / entry.filename, "w:gz") as tar:
        for rel, payload in files.items():
            _add(tar, f"{top}/images/{rel}", payload[:-10] if tamper else payload)
        _add(tar, f"{top}/README.md", b"not part of the dataset")
        _add(tar, f"{top}/images/TEST_SIMPLE/NEUTROPHIL/_0_1.jpeg", _jpeg((0, 0, 0)))
    manifest = mirror.parent / "blood_cells.sha256.gz"
    with gzip.open(manifest, "wt") as f:
        for rel, payload in files.items():
            f.write(f"{hashlib.sha256(payload).hexdigest()}  ./{rel}\n")
    _pin(monkeypatch, "blood_cells", manifest=manifest)
    return files


@pytest.mark.download
def test_fetch_blood_cells_extracts_and_verifies(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _blood_archive(mirror, monkeypatch)
    root = data.blood_cells_dir()
    assert root == config.data_dir() / "blood_cells"
    got = sorted(str(p.relative_to(root)) for p in root.rglob("*.jpeg"))
    assert got == sorted(files)  # TRAIN and TEST only, nothing else from the archive
    for rel, payload in files.items():
        assert (root / rel).read_bytes() == payload
    # Only the finished folder is left: no archive, no temporary extraction folder.
    assert [p.name for p in config.data_dir().iterdir()] == ["blood_cells"]


@pytest.mark.download
def test_blood_cells_that_fail_the_manifest_are_not_installed(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _blood_archive(mirror, monkeypatch, tamper=True)
    with pytest.raises(data.ChecksumError, match="does not match the blood-cell manifest"):
        data.blood_cells_dir()
    assert _leftovers(config.data_dir()) == []


def test_shipped_blood_cell_manifest_covers_both_splits() -> None:
    manifest = data.read_manifest(data.DATASETS["blood_cells"].manifest)
    assert len(manifest) == 9957 + 2487
    assert {rel.split("/")[1] for rel in manifest} == set(data.BLOOD_CELL_CLASSES)
    assert all(len(digest) == 64 for digest in manifest.values())


# --------------------------------------------------------------- the command line


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course_utils", *args],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env}, timeout=120,
    )


def test_cli_where_prints_data_dir(tmp_path: Path) -> None:
    result = _cli("fetch", "--where", env={"COURSE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert result.stdout.strip() == str(tmp_path)


def test_cli_fetch_skips_present_datasets(course_data: Path) -> None:
    result = _cli("fetch", "all", env={"COURSE_DATA_MIRROR": "http://127.0.0.1:9"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("already present") == 3


@pytest.mark.download
def test_cli_fetch_offline_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = _cli("fetch", "mnist", env={"COURSE_DATA_DIR": str(tmp_path / "d"),
                                        "COURSE_DATA_MIRROR": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Could not download MNIST" in result.stderr and "python -m course_utils fetch" in (
        result.stderr)
    assert _leftovers(tmp_path / "d") == []


@pytest.mark.download
def test_cli_fetch_refuses_a_mirror_file_with_the_wrong_checksum(mirror: Path) -> None:
    """The real pinned checksum, against a mirror that serves a different mnist.npz."""
    _small_mnist(mirror / "mnist.npz")
    result = _cli("fetch", "mnist", "--quiet", env={})
    assert result.returncode == 1
    assert "does not match the published SHA-256" in result.stderr
    assert "Traceback" not in result.stderr
    assert _leftovers(config.data_dir()) == []


def test_cli_rejects_unknown_dataset(tmp_path: Path) -> None:
    result = _cli("fetch", "imagenet", env={"COURSE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "unknown dataset 'imagenet'" in result.stderr
