"""course_utils.folders.image_files: the verdict on one file, as Keras would meet it."""

from __future__ import annotations

from pathlib import Path

import pytest
from image_corpus import image_bytes

from course_utils.folders import MAX_IMAGE_PIXELS, FileCheck, check_file
from course_utils.folders.image_files import is_system_file, printable


def _check(folder: Path, name: str, data: bytes, max_pixels: int = MAX_IMAGE_PIXELS) -> FileCheck:
    """Write ``data`` to ``folder / name`` and check it."""
    file = folder / name
    file.write_bytes(data)
    return check_file(file, name, max_pixels)


@pytest.mark.parametrize(("fmt", "mode", "name"), [("PNG", "RGB", "a.png"),
                                                   ("JPEG", "L", "b.JPG"),
                                                   ("BMP", "RGB", "c.bmp")])
def test_a_good_image_is_usable_with_its_size_mode_and_format(tmp_path: Path, fmt: str,
                                                              mode: str, name: str) -> None:
    checked = _check(tmp_path, name, image_bytes(fmt, mode, (40, 30)))
    assert checked == FileCheck(None, (40, 30), mode, fmt)


@pytest.mark.parametrize(("name", "data", "fragment"), [
    ("empty.jpg", b"", "empty file (0 bytes): Keras would stop with an error"),
    ("notes.png", b"just some words", "not an image but text"),
    ("page.jpg", b"<!DOCTYPE html><html></html>", "a web page"),
    ("photo.tif", b"II*\0", "ignored by Keras: .tif is not one of .bmp .gif .jpeg .jpg .png"),
    ("._photo.jpg", b"\0\5\26\7", "system file (macOS metadata)"),
])
def test_a_bad_file_has_a_reason(tmp_path: Path, name: str, data: bytes, fragment: str) -> None:
    checked = _check(tmp_path, name, data)
    assert checked.problem is not None and fragment in checked.problem, checked
    assert checked.size == (0, 0) and checked.mode == checked.format == ""


def test_the_pixel_limit_is_the_argument(tmp_path: Path) -> None:
    data = image_bytes("PNG", "RGB", (40, 30))
    assert _check(tmp_path, "a.png", data, max_pixels=1200).problem is None
    problem = _check(tmp_path, "a.png", data, max_pixels=1199).problem
    assert problem is not None and problem.startswith("too large: 40×30 = 1,200 pixels")


def test_broken_link(tmp_path: Path) -> None:
    link = tmp_path / "gone.jpg"
    link.symlink_to(tmp_path / "nowhere.jpg")
    problem = check_file(link, "gone.jpg", MAX_IMAGE_PIXELS).problem
    assert problem is not None and problem.startswith("broken link: it points to")


def test_system_files_and_printable_names() -> None:
    assert all(is_system_file(name) for name in (".DS_Store", "Thumbs.db", "desktop.ini",
                                                  "._cat.jpg"))
    assert not any(is_system_file(name) for name in ("cat.jpg", ".hidden.png", "thumbs.png"))
    assert printable("caf\udce9.jpg") == "caf\N{REPLACEMENT CHARACTER}.jpg"
    assert printable("café.jpg") == "café.jpg"
