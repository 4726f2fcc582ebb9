"""course_utils.folders and the EXIF orientation tag: phone photos are measured and fed upright.

A phone stores a photo as its sensor saw it and adds a tag (1 to 8) that says
how to turn it for showing; TensorFlow's decoders ignore that tag. Every test
image here is 40×30 as stored, with four differently coloured quarters, so
each of the eight orientations gives a different picture.
"""

from __future__ import annotations

import dataclasses
import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from course_utils.__main__ import main
from course_utils.folders import FileCheck, check_file, load_image_folder, scan_image_folder

ORIENTATIONS = list(range(1, 9))
STORED = (40, 30)  # (width, height) in the file
QUARTERS = [(230, 30, 30), (30, 200, 40), (40, 60, 220), (240, 220, 50)]
MAX_PIXELS = 1_000_000

# Pillow warns about the damaged EXIF blocks written on purpose below.
pytestmark = pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")


def _picture() -> Image.Image:
    """40×30 RGB: red, green / blue, yellow quarters; no mirroring or turn leaves it unchanged."""
    pixels = np.zeros((STORED[1], STORED[0], 3), dtype=np.uint8)
    half_h, half_w = STORED[1] // 2, STORED[0] // 2
    pixels[:half_h, :half_w], pixels[:half_h, half_w:] = QUARTERS[0], QUARTERS[1]
    pixels[half_h:, :half_w], pixels[half_h:, half_w:] = QUARTERS[2], QUARTERS[3]
    return Image.fromarray(pixels)


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _shown(orientation: int) -> tuple[int, int]:
    """(width, height) as a person sees the photo: orientations 5 to 8 turn it by 90°."""
    return (STORED[1], STORED[0]) if orientation >= 5 else STORED


def _write(folder: Path, name: str, orientation: int | None) -> Path:
    """Save the picture as JPEG or PNG (by ``name``), with this orientation tag (None: no EXIF)."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    fmt = "PNG" if name.endswith(".png") else "JPEG"
    options: dict[str, object] = {"quality": 95} if fmt == "JPEG" else {}
    if orientation is not None:
        options["exif"] = _exif(orientation)
    _picture().save(file, fmt, **options)
    return file


def _jpeg_with_app1(payload: bytes) -> bytes:
    """A JPEG of the picture whose EXIF block (APP1 segment) holds ``payload``."""
    buffer = io.BytesIO()
    _picture().save(buffer, "JPEG", quality=95)
    data = buffer.getvalue()
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def _png_with_exif_after_pixels(orientation: int) -> bytes:
    """A PNG whose eXIf chunk comes after the pixels (IDAT), as some programs write it."""
    buffer = io.BytesIO()
    _picture().save(buffer, "PNG", exif=_exif(orientation))
    data, pos, chunks = buffer.getvalue(), 8, []
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        chunks.append((data[pos + 4:pos + 8], data[pos:pos + 12 + length]))
        pos += 12 + length
    exif = [chunk for kind, chunk in chunks if kind == b"eXIf"]
    others = [chunk for kind, chunk in chunks if kind != b"eXIf"]
    assert len(exif) == 1 and chunks[-1][0] == b"IEND"
    return data[:8] + b"".join(others[:-1]) + exif[0] + others[-1]


# Files whose EXIF says nothing usable: each must count as stored upright (orientation 1).
NO_ORIENTATION = {
    "no_exif.jpg": None,
    "no_exif.png": None,
    "damaged_exif.jpg": b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\x12" * 20,  # IFD far away
    "cut_exif.jpg": b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03",
    "tag_9.jpg": 9,  # not an orientation
    "tag_0.png": 0,
}


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``wide/`` holds orientations 1 to 4 (shown 40×30) and the files of NO_ORIENTATION;
    ``tall/`` holds orientations 5 to 8 (shown 30×40) and a PNG with its EXIF after the pixels.
    """
    root = tmp_path_factory.mktemp("exif")
    for orientation in ORIENTATIONS:
        folder = root / ("wide" if orientation <= 4 else "tall") / "cells"
        for ext in ("jpg", "png"):
            _write(folder, f"o{orientation}.{ext}", orientation)
    odd = root / "wide" / "odd"
    odd.mkdir()
    for name, exif in NO_ORIENTATION.items():
        if isinstance(exif, bytes):
            (odd / name).write_bytes(_jpeg_with_app1(exif))
        else:
            _write(odd, name, exif)
    late = root / "tall" / "late"
    late.mkdir()
    (late / "o6_exif_last.png").write_bytes(_png_with_exif_after_pixels(6))
    return root


def _upright(file: Path) -> np.ndarray:
    """The reference: what Pillow shows, upright, as RGB."""
    with Image.open(file) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"), dtype=np.float32)


def _stored(file: Path) -> np.ndarray:
    """The pixels as stored in the file, not turned: what Keras would feed."""
    with Image.open(file) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float32)


def _assert_same_picture(found: np.ndarray, expected: np.ndarray, file: Path) -> None:
    assert found.shape == expected.shape, (file.name, found.shape, expected.shape)
    difference = np.abs(found - expected)
    if file.suffix == ".png":
        assert difference.max() == 0, file.name
    else:  # TensorFlow's and Pillow's JPEG decoders differ a little at the colour edges
        assert difference.max() <= 16 and difference.mean() <= 2, (file.name, difference.max())


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_scan_reports_the_shown_size_and_the_orientation(tmp_path: Path,
                                                         orientation: int) -> None:
    for ext, fmt in (("jpg", "JPEG"), ("png", "PNG")):
        file = _write(tmp_path / "photos" / "cells", f"photo.{ext}", orientation)
        assert check_file(file, f"cells/photo.{ext}", MAX_PIXELS) == FileCheck(
            None, _shown(orientation), "RGB", fmt, orientation)
    scan = scan_image_folder(tmp_path / "photos")
    assert [(i.path, i.size, i.orientation) for i in scan.images] == [
        ("cells/photo.jpg", _shown(orientation), orientation),
        ("cells/photo.png", _shown(orientation), orientation)]
    assert scan.sizes == {_shown(orientation): 2}
    rotated = 0 if orientation == 1 else 2
    assert scan.rotated == rotated and scan.to_dict()["rotated"] == rotated
    shown = "×".join(map(str, _shown(orientation)))
    report = [
        "Folder photos: 1 class folder, 2 usable images",
        "  label 0: cells        2",
        f"Image sizes (width × height): {shown} (2)",
        "Colour modes: RGB (2)",
        "2 images carry a rotation tag; they are turned upright",
        "No problems found: image_dataset_from_directory can read every image.",
    ]
    if orientation == 1:
        report.remove("2 images carry a rotation tag; they are turned upright")
    assert scan.summary().splitlines() == report


def test_one_rotated_image_has_a_singular_report_line(tmp_path: Path) -> None:
    _write(tmp_path / "a", "upright.png", None)
    _write(tmp_path / "a", "tagged_upright.jpg", 1)
    _write(tmp_path / "b", "turned.jpg", 8)
    scan = scan_image_folder(tmp_path)
    assert scan.rotated == 1 and scan.to_dict()["rotated"] == 1
    assert scan.sizes == {(40, 30): 2, (30, 40): 1}
    assert "1 image carries a rotation tag; it is turned upright" in scan.summary().splitlines()


def test_damaged_or_absent_exif_is_orientation_1(photos: Path) -> None:
    scan = scan_image_folder(photos / "wide")
    odd = {Path(i.path).name: i for i in scan.images if i.path.startswith("odd/")}
    assert sorted(odd) == sorted(NO_ORIENTATION)  # every one of them is usable
    for name, info in odd.items():
        assert (info.orientation, info.size) == (1, STORED), name
    assert not [p for p in scan.problems if p[0].startswith("odd/")]
    assert scan.rotated == 3 * 2  # orientations 2, 3 and 4, as JPEG and PNG


def test_exif_after_the_pixels_of_a_png_is_found(photos: Path) -> None:
    scan = scan_image_folder(photos / "tall")
    info = {i.path: i for i in scan.images}["late/o6_exif_last.png"]
    assert (info.orientation, info.size) == (6, (30, 40))


@pytest.fixture(scope="module")
def loaded(photos: Path) -> dict[Path, np.ndarray]:
    """Every photo as load_image_folder gives it, at its shown (height, width): no resizing."""
    pytest.importorskip("tensorflow")
    pixels = {}
    for name, (width, height) in (("wide", STORED), ("tall", STORED[::-1])):
        ds = load_image_folder(photos / name, (height, width), batch_size=None, shuffle=False,
                               verbose=False)
        pixels.update({Path(path): image.numpy() for path, (image, _) in zip(ds.file_paths, ds,
                                                                             strict=True)})
    return pixels


@pytest.mark.parametrize("ext", ["png", "jpg"])
@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_load_image_folder_feeds_the_photo_upright(photos: Path, loaded: dict[Path, np.ndarray],
                                                   orientation: int, ext: str) -> None:
    file = photos / ("wide" if orientation <= 4 else "tall") / "cells" / f"o{orientation}.{ext}"
    expected = _upright(file)
    if orientation != 1:  # the picture is not symmetric: leaving it as stored would fail
        stored = _stored(file)
        assert stored.shape != expected.shape or np.abs(stored - expected).max() > 100
    _assert_same_picture(loaded[file], expected, file)


@pytest.mark.parametrize("name", [*NO_ORIENTATION, "late/o6_exif_last.png"])
def test_load_image_folder_with_odd_exif(photos: Path, loaded: dict[Path, np.ndarray],
                                         name: str) -> None:
    file = photos / "tall" / name if "/" in name else photos / "wide" / "odd" / name
    expected = _upright(file)
    if name in NO_ORIENTATION:
        np.testing.assert_array_equal(expected, _stored(file))  # nothing to turn
    _assert_same_picture(loaded[file], expected, file)


def test_shuffled_split_keeps_each_photo_with_its_orientation(tmp_path: Path) -> None:
    """Shuffling and splitting move the orientations with their files; order is as before."""
    tf = pytest.importorskip("tensorflow")
    for label, name in enumerate(["a", "b"]):
        for orientation in ORIENTATIONS:
            _write(tmp_path / "mixed" / name, f"{label}_{orientation}.png", orientation)
    root = tmp_path / "mixed"
    scan = scan_image_folder(root)
    train, val = load_image_folder(root, (24, 20), batch_size=3, validation_split=0.25,
                                   seed=7, scan=scan, verbose=False)
    # The same call with every tag ignored (as before) gives the same files, labels and split.
    untagged = dataclasses.replace(scan, images=[i._replace(orientation=1) for i in scan.images])
    before = load_image_folder(root, (24, 20), batch_size=3, validation_split=0.25, seed=7,
                               scan=untagged, verbose=False)
    assert [train.file_paths, val.file_paths] == [ds.file_paths for ds in before]
    assert len(val.file_paths) == 4 and train.class_names == ["a", "b"]
    for ds in (train, val):
        batches = [(x.numpy(), y.numpy()) for x, y in ds]  # one pass: each one reshuffles
        images = np.concatenate([x for x, _ in batches])
        labels = np.concatenate([y for _, y in batches]).tolist()
        expected = [tf.image.resize(_upright(Path(path)).astype(np.uint8), (24, 20)).numpy()
                    for path in ds.file_paths]
        expected_labels = [int(Path(path).name[0]) for path in ds.file_paths]
        if ds is val:  # in file_paths order
            assert labels == expected_labels
            np.testing.assert_array_equal(images, np.stack(expected))
        else:  # reshuffled on every pass, as Keras' training set: the same (image, label)s
            found = sorted((label, image.tobytes()) for label, image in zip(labels, images,
                                                                            strict=True))
            wanted = sorted((label, image.tobytes()) for label, image in zip(
                expected_labels, expected, strict=True))
            assert found == wanted


def test_check_folder_json_counts_the_rotated_photos(photos: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check-folder", str(photos / "tall"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert status == 0 and report["problems"] == []
    assert report["rotated"] == 4 * 2 + 1 == report["usable"]  # 5 to 8 twice, the late PNG
