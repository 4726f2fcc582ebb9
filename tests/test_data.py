"""course_utils.data: loading from the data directory and the real download path.

Downloads are served from a local HTTP server on 127.0.0.1 (the ``mirror``
fixture) through COURSE_DATA_MIRROR, with small archives of the real formats
(tests/data_helpers.py).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from data_helpers import (
    blood_archive,
    blood_files,
    cifar_batch,
    jpeg,
    leftovers,
    pin,
    sha256,
    small_mnist,
    tar_add,
)

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


def test_public_names_and_no_folder_helpers() -> None:
    """Your own image folders are course_utils.folders' job; data does not re-export it."""
    assert all(hasattr(data, name) for name in data.__all__)
    for name in ("FolderScan", "load_image_folder", "scan_image_folder"):
        assert not hasattr(data, name)
    assert data.DataUnavailableError.__module__ == data.ChecksumError.__module__ == (
        "course_utils.errors")


def test_importing_data_imports_neither_tensorflow_nor_pooch() -> None:
    code = ("import sys; from course_utils import data; "
            "print(sorted({'tensorflow', 'keras', 'pooch'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_unknown_dataset_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Unknown dataset 'imagenet'.*mnist, cifar10"):
        data.fetch("imagenet")


# --------------------------------------------------------------- downloads from a mirror


@pytest.mark.download
def test_fetch_mnist_from_mirror(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = small_mnist(mirror / "mnist.npz")
    pin(monkeypatch, "mnist", sha256=sha256(mirror / "mnist.npz"))
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert leftovers(config.data_dir()) == ["mnist.npz"]  # no temp files left


@pytest.mark.download
def test_checksum_mismatch_leaves_nothing(mirror: Path) -> None:
    small_mnist(mirror / "mnist.npz")  # not the file Keras pins
    with pytest.raises(data.ChecksumError, match="does not match the published SHA-256"):
        data.load_mnist()
    assert leftovers(config.data_dir()) == []


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
    assert leftovers(tmp_path / "data") == []


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
            tar_add(tar, f"cifar-10-batches-py/{name}", cifar_batch(images, labels))
        tar_add(tar, "cifar-10-batches-py/batches.meta", pickle.dumps({b"label_names": []}))
    pin(monkeypatch, "cifar10", sha256=sha256(archive))

    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    np.testing.assert_array_equal(x_train, np.concatenate([b[0] for b in batches[:5]]))
    assert y_train.tolist() == sum((b[1] for b in batches[:5]), [])
    np.testing.assert_array_equal(x_test, batches[5][0])
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    # The archive's verified checksum is recorded next to the converted file...
    stamp = config.data_dir() / "cifar10.npz.source-sha256"
    npz = config.data_dir() / "cifar10.npz"
    assert stamp.read_text().split() == [sha256(archive), sha256(npz)]
    assert leftovers(config.data_dir()) == ["cifar10.npz", "cifar10.npz.source-sha256"]
    # ...so the CIFAR-10 a learner downloaded shows as the official one...
    found = data.dataset_status("cifar10")
    assert (found.state, found.official) == ("verified", True), found
    # ...but another well-formed npz put in its place by hand is not taken for it.
    np.savez(npz, x_train=x_train[:2], y_train=y_train[:2], x_test=x_test, y_test=y_test)
    found = data.dataset_status("cifar10")
    assert (found.state, found.official) == ("present", False), found


@pytest.mark.download
def test_cifar10_pickle_with_code_is_refused(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    archive = mirror / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar_add(tar, "cifar-10-batches-py/data_batch_1", pickle.dumps({b"data": Evil()}))
    pin(monkeypatch, "cifar10", sha256=sha256(archive))
    with pytest.raises(data.DataUnavailableError, match="refusing to load"):
        data.load_cifar10()
    assert leftovers(config.data_dir()) == []


def _blood_archive(mirror: Path, monkeypatch: pytest.MonkeyPatch, tamper: bool = False) -> dict:
    """Serve a blood-cell archive with a few images, files that are not part of the dataset
    (a README, another image folder) and, with ``tamper``, images that fail the manifest."""
    def others(tar: tarfile.TarFile) -> None:
        top = data.DATASETS["blood_cells"].filename.removesuffix(".tar.gz")
        tar_add(tar, f"{top}/README.md", b"not part of the dataset")
        tar_add(tar, f"{top}/images/TEST_SIMPLE/NEUTROPHIL/_0_1.jpeg", jpeg((0, 0, 0)))

    files = blood_files()
    served = {rel: b[:-10] for rel, b in files.items()} if tamper else files
    payload = blood_archive(mirror.parent, monkeypatch, extra=others, files=served)
    (mirror / data.DATASETS["blood_cells"].filename).write_bytes(payload)
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
    with pytest.raises(data.ChecksumError, match="does not match the blood_cells manifest"):
        data.blood_cells_dir()
    assert leftovers(config.data_dir()) == []


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
    assert leftovers(tmp_path / "d") == []


@pytest.mark.download
def test_cli_fetch_refuses_a_mirror_file_with_the_wrong_checksum(mirror: Path) -> None:
    """The real pinned checksum, against a mirror that serves a different mnist.npz."""
    small_mnist(mirror / "mnist.npz")
    result = _cli("fetch", "mnist", "--quiet", env={})
    assert result.returncode == 1
    assert "does not match the published SHA-256" in result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers(config.data_dir()) == []


def test_cli_rejects_unknown_dataset(tmp_path: Path) -> None:
    result = _cli("fetch", "imagenet", env={"COURSE_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "unknown dataset 'imagenet'" in result.stderr
