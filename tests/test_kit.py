"""course_utils.data.kit: pack-data and unpack-data, with small fake data directories.

A kit is untrusted input: these tests hand unpack kits with damaged files,
escaping names, links, pickles and wrong data, and check that nothing at all
is installed then.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from data_helpers import make_course_data, pin, rewrite_kit, sha256

from course_utils import __main__ as cli
from course_utils.data import kit


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (following links) by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _all(folder: Path) -> list[str]:
    """Everything under ``folder``, hidden temp files included."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if (
        folder.exists()) else []


@pytest.fixture
def src(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete fake data directory (the pins point at it)."""
    return make_course_data(tmp_path / "src", monkeypatch)


@pytest.fixture
def packed(src: Path, tmp_path: Path) -> Path:
    """A kit made from ``src``."""
    return kit.pack(tmp_path / "kit.zip", root=src, quiet=True, say=lambda _: None)


# --------------------------------------------------------------- pack and unpack


def test_round_trip_gives_identical_files(src: Path, packed: Path, tmp_path: Path) -> None:
    installed = kit.unpack(packed, root=tmp_path / "dst", quiet=True, say=lambda _: None)
    assert installed == ["mnist", "cifar10", "blood_cells"]
    assert _tree(tmp_path / "dst") == _tree(src)
    assert not [p for p in _all(tmp_path / "dst") if p.startswith(".")]  # no temp folder left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dst", "kit.zip", "src",
                                                          "src-blood_cells.sha256.gz"]


def test_kit_manifest(src: Path, packed: Path) -> None:
    with zipfile.ZipFile(packed) as zf:
        manifest = json.loads(zf.read("course-kit.json"))
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
    assert manifest["format"] == kit.KIT_FORMAT and manifest["course_utils"] == "0.1.0"
    assert manifest["datasets"] == ["mnist", "cifar10", "blood_cells"]
    assert len(manifest["files"]) == 2 + 8 + 1  # npz x2, 8 images, the CIFAR-10 source record
    mnist = manifest["files"]["mnist.npz"]
    assert mnist == {"sha256": sha256(src / "mnist.npz"),
                     "size": (src / "mnist.npz").stat().st_size}


def test_pack_refuses_missing_datasets(src: Path, tmp_path: Path) -> None:
    (src / "mnist.npz").unlink()
    target = tmp_path / "kit.zip"
    with pytest.raises(kit.KitError, match=r"^mnist missing from .*--allow-missing"):
        kit.pack(target, root=src, quiet=True)
    assert not target.exists() and not [p for p in tmp_path.iterdir() if "partial" in p.name]
    kit.pack(target, root=src, allow_missing=True, quiet=True, say=lambda _: None)
    kit.pack(tmp_path / "two.zip", ["blood_cells", "cifar10"], root=src, quiet=True,
             say=lambda _: None)
    with zipfile.ZipFile(tmp_path / "two.zip") as zf:
        assert "mnist.npz" not in zf.namelist() and "cifar10.npz" in zf.namelist()


def test_pack_refuses_a_broken_dataset_and_an_existing_kit(src: Path, packed: Path) -> None:
    with pytest.raises(kit.KitError, match="already exists.*--force"):
        kit.pack(packed, root=src, quiet=True)
    next((src / "blood_cells").rglob("*.jpeg")).write_bytes(b"damaged")
    with pytest.raises(kit.KitError, match="blood_cells in .* is damaged"):
        kit.pack(packed, root=src, force=True, quiet=True)


def test_present_datasets_are_skipped_and_force_replaces(
    src: Path, packed: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "dst"
    kit.unpack(packed, root=dst, quiet=True, say=lambda _: None)
    os.utime(dst / "mnist.npz", (0, 0))
    said: list[str] = []
    assert kit.unpack(packed, root=dst, quiet=True, say=said.append) == []
    assert any("mnist: already present and verified" in s and "skipped" in s for s in said)
    assert (dst / "mnist.npz").stat().st_mtime == 0  # not rewritten
    assert kit.unpack(packed, root=dst, force=True, quiet=True, say=said.append) == [
        "mnist", "cifar10", "blood_cells"]
    assert (dst / "mnist.npz").stat().st_mtime != 0
    assert _tree(dst) == _tree(src) and not [p for p in _all(dst) if p.startswith(".")]


def test_a_broken_present_dataset_is_replaced(src: Path, packed: Path, tmp_path: Path) -> None:
    dst = tmp_path / "dst"
    kit.unpack(packed, root=dst, quiet=True, say=lambda _: None)
    (dst / "cifar10.npz").write_bytes(b"damaged")
    said: list[str] = []
    assert kit.unpack(packed, root=dst, quiet=True, say=said.append) == ["cifar10"]
    assert any("cifar10: present but damaged" in s for s in said)
    assert _tree(dst) == _tree(src)


@pytest.mark.skipif(os.name == "nt", reason="symbolic links")
def test_force_replaces_a_link_without_touching_what_it_points_to(
    src: Path, packed: Path, tmp_path: Path
) -> None:
    """Like a data directory made by make_course_data.py, whose datasets are links."""
    elsewhere = tmp_path / "shared_blood_cells"
    (elsewhere / "TRAIN" / "X").mkdir(parents=True)
    (elsewhere / "TRAIN" / "X" / "keep.jpeg").write_bytes(b"keep me")
    dst = tmp_path / "dst"
    dst.mkdir()
    (dst / "blood_cells").symlink_to(elsewhere, target_is_directory=True)
    kit.unpack(packed, root=dst, force=True, quiet=True, say=lambda _: None)
    assert not (dst / "blood_cells").is_symlink()
    assert _tree(dst / "blood_cells") == _tree(src / "blood_cells")
    assert (elsewhere / "TRAIN" / "X" / "keep.jpeg").read_bytes() == b"keep me"


# --------------------------------------------------------------- untrusted kits


def test_tampered_member_is_refused_and_nothing_installed(packed: Path, tmp_path: Path) -> None:
    def flip(name: str, payload: bytes) -> bytes:
        return payload[:-1] + bytes([payload[-1] ^ 1]) if name.endswith(".jpeg") else payload

    bad = rewrite_kit(packed, tmp_path / "bad.zip", flip)
    with pytest.raises(kit.KitError, match=r"does not match its checksum in course-kit\.json"):
        kit.unpack(bad, root=tmp_path / "dst", quiet=True)
    assert not (tmp_path / "dst").exists()


def test_changed_data_with_a_matching_kit_manifest_fails_the_course_pins(
    packed: Path, tmp_path: Path
) -> None:
    """Whoever changes a file can update course-kit.json too: the course's manifest decides."""
    def flip(name: str, payload: bytes) -> bytes:
        return payload + b"x" if name.startswith("blood_cells/TEST/") else payload

    bad = rewrite_kit(packed, tmp_path / "bad.zip", flip, update_manifest=True)
    dst = tmp_path / "dst"
    dst.mkdir()
    with pytest.raises(kit.KitError, match="blood_cells in the kit is damaged.*checksum mismatch"):
        kit.unpack(bad, root=dst, quiet=True)
    assert _all(dst) == []  # mnist and cifar10 were fine, but all-or-nothing


def test_pickled_npz_is_refused(packed: Path, tmp_path: Path) -> None:
    evil = tmp_path / "evil.npz"
    np.savez(evil, x_train=np.array([print], dtype=object), y_train=np.zeros(1),
             x_test=np.zeros(1), y_test=np.zeros(1))
    bad = rewrite_kit(packed, tmp_path / "bad.zip",
                   lambda n, b: evil.read_bytes() if n == "cifar10.npz" else b,
                   update_manifest=True)
    with pytest.raises(kit.KitError, match="cifar10 in the kit is damaged: unreadable"):
        kit.unpack(bad, root=tmp_path / "dst", quiet=True)
    assert not (tmp_path / "dst").exists()


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../evil", "path part that is empty, '..' or unusual"),
        ("blood_cells/TRAIN/../../evil.jpeg", "'..'"),
        ("/etc/evil", "absolute"),
        ("blood_cells\\..\\evil.jpeg", "non-portable"),
        (_symlink("blood_cells/TRAIN/EOSINOPHIL/link.jpeg"), "symbolic link"),
        ("mnist.npz", "the name mnist.npz twice"),
        ("notebooks/evil.py", "not part of any course dataset"),
    ],
)
def test_unsafe_members_are_refused(
    packed: Path, tmp_path: Path, member: zipfile.ZipInfo | str, message: str
) -> None:
    payload = b"/etc/passwd" if isinstance(member, zipfile.ZipInfo) else b"evil"
    bad = rewrite_kit(packed, tmp_path / "bad.zip", extra=[(member, payload)])
    dst = tmp_path / "dst"
    with pytest.raises(kit.KitError, match=message):
        kit.unpack(bad, root=dst, quiet=True)
    assert not dst.exists() and not (tmp_path / "evil").exists()


def test_kit_whose_files_and_manifest_disagree_is_refused(packed: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(packed) as zin, zipfile.ZipFile(bad, "w") as zout:
        for name in zin.namelist():
            if name != "mnist.npz":
                zout.writestr(name, zin.read(name))
    with pytest.raises(kit.KitError, match="disagree"):
        kit.unpack(bad, root=tmp_path / "dst", quiet=True)


def test_unofficial_data_needs_allow_unofficial(
    src: Path, packed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin(monkeypatch, "mnist", sha256="0" * 64)  # the kit's MNIST is no longer the pinned one
    with pytest.raises(kit.KitError, match="mnist in the kit is not the official data.*"
                                           "--allow-unofficial"):
        kit.unpack(packed, root=tmp_path / "dst", quiet=True)
    assert not (tmp_path / "dst").exists()
    kit.unpack(packed, root=tmp_path / "dst", allow_unofficial=True, quiet=True,
               say=lambda _: None)
    assert _tree(tmp_path / "dst") == _tree(src)


def test_newer_kit_format_is_refused(packed: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(packed) as zin, zipfile.ZipFile(bad, "w") as zout:
        for name in zin.namelist():
            payload = zin.read(name)
            if name == kit.MANIFEST_NAME:
                payload = json.dumps({**json.loads(payload), "format": 2}).encode()
            zout.writestr(name, payload)
    with pytest.raises(kit.KitError, match="format 2.*update course_utils"):
        kit.unpack(bad, root=tmp_path / "dst", quiet=True)


# --------------------------------------------------------------- the command line


def test_cli_round_trip_and_exit_codes(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(src))
    target = tmp_path / "usb" / "course-kit.zip"
    assert cli.main(["pack-data", str(target), "--quiet"]) == 0
    assert "Packed mnist, cifar10, blood_cells (11 files" in capsys.readouterr().out
    assert cli.main(["pack-data", str(target), "--quiet"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["pack-data", str(target), "imagenet"]) == 2

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "laptop"))
    assert cli.main(["unpack-data", str(target), "--quiet"]) == 0
    assert _tree(tmp_path / "laptop") == _tree(src)
    assert cli.main(["unpack-data", str(target), "--quiet"]) == 0
    assert capsys.readouterr().out.count("skipped") == 3
    assert cli.main(["unpack-data", str(target), "--quiet", "--force",
                     "--data-dir", str(tmp_path / "other")]) == 0
    assert _tree(tmp_path / "other") == _tree(src)


def test_cli_missing_or_bad_kit_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["unpack-data", str(tmp_path / "nope.zip")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nope.zip not found" in err and "Traceback" not in err
    (tmp_path / "garbage.zip").write_bytes(b"this is not a zip file")
    assert cli.main(["unpack-data", str(tmp_path / "garbage.zip")]) == 1
    assert "is not a zip file or is damaged" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
    with pytest.raises(SystemExit) as usage:
        cli.main(["unpack-data"])
    assert usage.value.code == 2
