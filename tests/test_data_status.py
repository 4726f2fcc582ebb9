"""course_utils.data.dataset_status: the one answer to "is this dataset usable?".

Each of the three kinds of dataset (an ``.npz`` that is the download itself,
an ``.npz`` converted from a pinned archive, a folder checked by a manifest)
in each of the four states, quick looks against full checks, and the
registry as the one place that knows a dataset's facts.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from data_helpers import jpeg, leftovers, make_course_data, npz, pin, sha256, small_mnist

from conftest import ROOT
from course_utils import data
from course_utils.data import install, registry


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete, verified fake data directory as COURSE_DATA_DIR; nothing is downloaded."""
    folder = make_course_data(tmp_path / "data", monkeypatch)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")  # a download would fail
    return folder


def _image(root: Path, rel: str = "TEST/MONOCYTE/_2_4.jpeg") -> Path:
    return root / "blood_cells" / rel


def _state(name: str, root: Path, quick: bool = False) -> tuple[str, bool | None]:
    found = data.dataset_status(name, root, quick)
    assert found.state in data.STATES and found.reason and found.path == root / found.path.name
    return found.state, found.official


# --------------------------------------------------------------- the four states, each kind

Change = Callable[[Path, pytest.MonkeyPatch], None]


def _nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pass


CASES: list[tuple[str, Change, str, bool | None, str]] = [
    # MNIST: the installed file is the download, so its own SHA-256 is pinned.
    ("mnist", _nothing, "verified", True, "SHA-256 matches the official file"),
    ("mnist", lambda r, m: pin(m, "mnist", sha256="0" * 64), "present", False,
     "SHA-256 is not the official file's"),
    ("mnist", lambda r, m: (r / "mnist.npz").write_bytes(b"PK\x03\x04 damaged"), "damaged", None,
     "unreadable"),
    ("mnist", lambda r, m: (r / "mnist.npz").unlink(), "missing", None, "mnist.npz not found"),
    # CIFAR-10: converted here; the stamp records the archive it came from.
    ("cifar10", _nothing, "verified", True, "built from the official archive"),
    ("cifar10", lambda r, m: (r / "cifar10.npz.source-sha256").unlink(), "present", None,
     "arrays are fine"),
    ("cifar10", lambda r, m: (r / "cifar10.npz.source-sha256").write_text("1" * 64), "present",
     False, "built from another source"),
    ("cifar10", lambda r, m: npz(r / "cifar10.npz", (32, 32)), "damaged", None,
     "x_train has images of shape (32, 32), expected (32, 32, 3)"),
    ("cifar10", lambda r, m: (r / "cifar10.npz").unlink(), "missing", None, "not found"),
    # Blood cells: every file against the manifest.
    ("blood_cells", _nothing, "verified", True, "all 8 files match the manifest"),
    ("blood_cells", lambda r, m: _image(r, "TRAIN/MONOCYTE/extra.jpeg").write_bytes(jpeg((0,) * 3)),
     "present", False, "1 files not in the course's manifest, e.g. TRAIN/MONOCYTE/extra.jpeg"),
    ("blood_cells", lambda r, m: _image(r).write_bytes(b"damaged"), "damaged", None,
     "1 of 8 files wrong, e.g. checksum mismatch: TEST/MONOCYTE/_2_4.jpeg"),
    ("blood_cells", lambda r, m: _image(r).unlink(), "damaged", None,
     "missing: TEST/MONOCYTE/_2_4.jpeg"),
    ("blood_cells", lambda r, m: [p.unlink() for p in (r / "blood_cells").rglob("*.jpeg")],
     "missing", None, "holds none of its files"),
]


@pytest.mark.parametrize(("name", "change", "state", "official", "reason"), CASES)
def test_each_state_of_each_kind_of_dataset(
    name: str, change: Change, state: str, official: bool | None, reason: str, root: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    change(root, monkeypatch)
    found = data.dataset_status(name, root)
    assert (found.name, found.state, found.official) == (name, state, official), found
    assert reason in found.reason
    assert found.usable == (state in ("present", "verified"))
    assert str(found) == f"{name}: {state} ({found.reason})"
    if state != "missing":  # the others are the other datasets: untouched, still verified
        others = [n for n in data.DATASETS if n != name]
        assert {n: _state(n, root)[0] for n in others} == dict.fromkeys(others, "verified")


def test_default_root_is_the_data_directory(root: Path) -> None:
    assert data.dataset_status("mnist").path == root / "mnist.npz"
    assert data.dataset_path("blood_cells") == root / "blood_cells"
    with pytest.raises(ValueError, match="Unknown dataset 'imagenet'"):
        data.dataset_status("imagenet")


def test_nothing_at_all_is_missing_for_every_dataset(tmp_path: Path) -> None:
    for name in data.DATASETS:
        for quick in (True, False):
            assert _state(name, tmp_path / "nowhere", quick) == ("missing", None)


# --------------------------------------------------------------- quick looks


def test_quick_only_looks_that_the_files_are_there(root: Path) -> None:
    """quick=True reads no file: damaged contents pass, a missing file does not."""
    (root / "mnist.npz").write_bytes(b"not an npz at all")
    (root / "cifar10.npz.source-sha256").write_text("1" * 64)
    _image(root).write_bytes(b"damaged")
    expected = {"mnist": ("present", None), "cifar10": ("present", None),
                "blood_cells": ("present", None)}
    assert {n: _state(n, root, quick=True) for n in data.DATASETS} == expected
    assert "quick look" in data.dataset_status("mnist", root, quick=True).reason
    assert {n: _state(n, root)[0] for n in data.DATASETS} == {
        "mnist": "damaged", "cifar10": "present", "blood_cells": "damaged"}
    _image(root).unlink()
    assert _state("blood_cells", root, quick=True) == ("damaged", None)


def test_a_folder_where_a_file_belongs_and_the_reverse_are_damaged(root: Path) -> None:
    (root / "mnist.npz").unlink()
    (root / "mnist.npz").mkdir()
    for path in (root / "blood_cells").rglob("*"):
        if path.is_file():
            path.unlink()
    for path in sorted((root / "blood_cells").rglob("*"), reverse=True):
        path.rmdir()
    (root / "blood_cells").rmdir()
    (root / "blood_cells").write_bytes(b"")
    for name in ("mnist", "blood_cells"):
        for quick in (True, False):
            assert _state(name, root, quick) == ("damaged", None)


def test_fetch_refuses_a_damaged_copy_in_place(root: Path) -> None:
    """What is there is never replaced: fetch says what is wrong and what to do."""
    _image(root).unlink()
    with pytest.raises(data.DataUnavailableError,
                       match=r"blood_cells is there but damaged \(1 of 8 files wrong, e\.g\. "
                             r"missing: TEST/MONOCYTE/_2_4\.jpeg\)\. Delete it and run again"):
        data.blood_cells_dir()


# --------------------------------------------------------------- the registry decides


def test_one_registry_fact_drives_every_shape_check(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong-shaped mnist.npz is damaged, and the loader says so, naming the shape."""
    npz(root / "mnist.npz", (32, 32, 3))
    found = data.dataset_status("mnist", root)
    assert found.state == "damaged"
    assert found.reason == "x_train has images of shape (32, 32, 3), expected (28, 28)"
    with pytest.raises(data.DataUnavailableError,
                       match=r"mnist\.npz is not a valid MNIST file \(x_train has images of "
                             r"shape \(32, 32, 3\), expected \(28, 28\)\)\. Delete it"):
        data.load_mnist()
    # Change the registry's fact, and the same file is right.
    pin(monkeypatch, "mnist", image_shape=(32, 32, 3))
    assert _state("mnist", root) == ("present", False)
    (x_train, _), _ = data.load_mnist()
    assert x_train.shape[1:] == (32, 32, 3)


@pytest.mark.download
def test_the_downloaded_file_is_checked_against_the_registry_shape(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_mnist(mirror / "mnist.npz")
    pin(monkeypatch, "mnist", sha256=sha256(mirror / "mnist.npz"), image_shape=(14, 14))
    with pytest.raises(data.DataUnavailableError,
                       match=r"downloaded mnist\.npz is not a valid MNIST file \(x_train has "
                             r"images of shape \(28, 28\), expected \(14, 14\)\); nothing was "
                             r"installed"):
        data.fetch("mnist", progress=False)
    assert leftovers(mirror.parent / "data") == []


@pytest.mark.parametrize(
    ("arrays", "problem"),
    [
        ({"x_train": np.zeros((2, 28, 28), np.uint8)}, "missing arrays y_train, x_test, y_test"),
        ({"x_train": np.zeros((2, 28, 28)), "y_train": np.zeros(2, np.uint8)},
         "train arrays are float64/uint8, expected uint8"),
        ({"y_train": np.zeros(3, np.uint8)}, "2 train images but 3 labels"),
        ({"y_train": np.array([0, 10], np.uint8)}, "y_train has label 10, but there are 10"),
        ({"x_test": np.zeros((0, 28, 28), np.uint8), "y_test": np.zeros(0, np.uint8)},
         "0 test images but 0 labels"),
    ],
)
def test_what_is_wrong_with_the_arrays_is_said(
    arrays: dict[str, np.ndarray], problem: str, root: Path
) -> None:
    good = {"x_train": np.zeros((2, 28, 28), np.uint8), "y_train": np.zeros(2, np.uint8),
            "x_test": np.zeros((1, 28, 28), np.uint8), "y_test": np.zeros((1, 1), np.uint8)}
    if "missing" in problem:
        good = {}
    np.savez(root / "mnist.npz", **{**good, **arrays})
    found = data.dataset_status("mnist", root)
    assert found.state == "damaged" and found.reason.startswith(problem), found


def test_every_registry_entry_is_complete_and_consistent() -> None:
    for name, entry in data.DATASETS.items():
        assert entry.name == name and entry.installer in install.INSTALLERS
        assert entry.classes and entry.splits and entry.title and entry.size
        if entry.is_folder:
            assert entry.manifest is not None and entry.manifest.is_file()
            assert entry.manifest.is_relative_to(ROOT / "course_utils" / "data" / "manifests")
            assert entry.stamp is None and entry.pinned_sha256 is None
        else:
            assert entry.manifest is None and len(entry.image_shape) in (2, 3)
            assert (entry.pinned_sha256 is None) != (entry.stamp is None)
    assert data.DATASETS["cifar10"].stamp == "cifar10.npz.source-sha256"
    assert data.DATASETS["mnist"].image_shape == (28, 28)
    assert data.DATASETS["blood_cells"].classes == data.BLOOD_CELL_CLASSES
    assert {e.kind for e in data.DATASETS.values()} == {"dataset"}
    assert not any(e.optional for e in data.DATASETS.values())  # every learner needs them


def test_every_weights_entry_is_one_pinned_file_kept_as_downloaded() -> None:
    assert data.WEIGHTS and not set(data.WEIGHTS) & set(data.DATASETS)
    for name, entry in data.WEIGHTS.items():
        assert entry.name == name and entry.kind == "weights" and entry.installer == "file"
        assert entry.title and entry.size and entry.optional
        assert not (entry.is_folder or entry.has_arrays or entry.classes or entry.splits)
        assert entry.target == f"weights/{entry.filename}" and entry.stamp is None
        assert entry.checksum is not None and entry.pinned_checksum == entry.checksum
        assert entry.checksum[0] in registry.CHECKSUM_NAMES
    assert list(data.all_entries()) == [*data.DATASETS, *data.WEIGHTS]


def test_no_code_outside_the_registry_compares_a_dataset_name() -> None:
    """No ``if name == "blood_cells"``: a fact about a dataset belongs in its registry entry."""
    names = set(registry.all_entries())
    found = []
    for path in sorted((ROOT / "course_utils").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Compare, ast.MatchValue)):
                for const in ast.walk(node):
                    if isinstance(const, ast.Constant) and const.value in names:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []
