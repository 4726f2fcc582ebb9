"""course_utils.folders.scan: it finds what image_dataset_from_directory would skip or fail on."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from image_corpus import Corpus, Kind, build_corpus
from PIL import Image

from conftest import ROOT
from course_utils.folders import KERAS_IMAGE_EXTENSIONS, FolderScan, scan_image_folder
from course_utils.folders.scan import plural


def _image(path: Path, size: tuple[int, int] = (40, 30), mode: str = "RGB",
           fmt: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(len(path.name))
    channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
    pixels = rng.integers(0, 256, (size[1], size[0], channels), dtype=np.uint8)
    Image.fromarray(pixels.squeeze(), mode).save(path, format=fmt)
    return path


def _jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    pixels = np.random.default_rng(0).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """A small dataset with one of each problem the scan must find."""
    root = tmp_path / "pets"
    _image(root / "cats" / "c1.jpg")
    _image(root / "cats" / "c2.PNG", fmt="PNG")  # upper-case extension: Keras reads it
    _image(root / "cats" / "more" / "c3.png", mode="L")  # nested folder: still class "cats"
    (root / "cats" / "empty.jpg").write_bytes(b"")
    (root / "cats" / "notes.png").write_text("this is not a picture")
    (root / "cats" / "half.jpg").write_bytes(_jpeg_bytes()[:400])  # truncated JPEG
    (root / "cats" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    _image(root / "dogs" / "d1.jpeg", size=(30, 40))
    _image(root / "dogs" / "d2.tif", fmt="TIFF")  # a fine image Keras never sees
    (root / "empty_class").mkdir()
    (root / ".ipynb_checkpoints").mkdir()
    _image(root / "loose.jpg")  # not in a class folder
    (root / "Thumbs.db").write_bytes(b"\0")
    return root


def test_counts_usable_images_per_class_in_keras_order(messy: Path) -> None:
    scan = scan_image_folder(messy)
    assert isinstance(scan, FolderScan)
    assert list(scan.classes) == ["cats", "dogs", "empty_class"]
    assert scan.classes == {"cats": 3, "dogs": 1, "empty_class": 0}
    assert scan.usable == 4
    assert not scan.ok


def test_sizes_and_modes(messy: Path) -> None:
    scan = scan_image_folder(messy)
    assert scan.sizes == {(40, 30): 3, (30, 40): 1}
    assert scan.modes == {"RGB": 3, "L": 1}


def test_every_problem_is_reported_once_with_its_reason(messy: Path) -> None:
    problems = dict(scan_image_folder(messy).problems)
    expected = {
        ".ipynb_checkpoints": "hidden folder",
        "Thumbs.db": "system file",
        "loose.jpg": "not in a class folder",
        "cats/.DS_Store": "system file",
        "cats/empty.jpg": "empty file (0 bytes)",
        "cats/half.jpg": "truncated",
        "cats/notes.png": "not an image but text",
        "dogs/d2.tif": "ignored by Keras",
        "empty_class": "empty class folder",
    }
    assert set(problems) == set(expected)
    for path, fragment in expected.items():
        assert fragment in problems[path], (path, problems[path])
    assert len(scan_image_folder(messy).problems) == len(expected)


def test_report_is_readable(messy: Path) -> None:
    text = str(scan_image_folder(messy))
    assert text.startswith("Folder pets: 3 class folders, 4 usable images")
    assert "label 0: cats" in text and "label 2: empty_class" in text
    assert "40×30 (3)" in text
    assert "9 problems" in text
    assert "cats/empty.jpg" in text and "dogs/d2.tif" in text
    assert "\n  empty_class/  " in text and "\n  .ipynb_checkpoints/  " in text  # folders end in /
    assert scan_image_folder(messy).summary() == text


def test_clean_folder_has_no_problems(tmp_path: Path) -> None:
    for i in range(3):
        _image(tmp_path / "a" / f"{i}.png", fmt="PNG")
    _image(tmp_path / "b" / "x.bmp", fmt="BMP")
    _image(tmp_path / "b" / "y.gif", mode="L", fmt="GIF")
    scan = scan_image_folder(tmp_path)
    assert scan.ok and scan.problems == []
    assert scan.classes == {"a": 3, "b": 2}
    assert "No problems found" in str(scan)


def test_image_in_a_format_keras_cannot_decode(tmp_path: Path) -> None:
    _image(tmp_path / "a" / "photo.jpg", fmt="TIFF")  # a TIFF with a .jpg name
    (path, reason), = scan_image_folder(tmp_path).problems[:1]
    assert path == "a/photo.jpg"
    assert "TIFF" in reason and "cannot decode" in reason


def test_files_but_no_class_folders(tmp_path: Path) -> None:
    _image(tmp_path / "one.jpg")
    scan = scan_image_folder(tmp_path)
    assert scan.classes == {} and scan.usable == 0
    problems = dict(scan.problems)
    assert problems["one.jpg"] == "not in a class folder: ignored by Keras (move it into one)"
    assert "no class folders" in problems["."]
    assert "\n  ./  " in str(scan)


def test_class_folder_without_usable_images(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "readme.txt").write_text("hello")
    problems = dict(scan_image_folder(tmp_path).problems)
    assert "no usable image" in problems["a"]


def test_long_problem_lists_are_cut_in_the_report(tmp_path: Path) -> None:
    for i in range(25):
        (tmp_path / "a" / f"{i:02}.txt").parent.mkdir(exist_ok=True)
        (tmp_path / "a" / f"{i:02}.txt").write_text("x")
    scan = scan_image_folder(tmp_path)
    assert len(scan.problems) == 26
    assert "... and 6 more" in str(scan)


def test_missing_folder_and_file_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no folder"):
        scan_image_folder(tmp_path / "nope")
    file = _image(tmp_path / "x.png", fmt="PNG")
    with pytest.raises(NotADirectoryError, match="one sub-folder per class"):
        scan_image_folder(file)


def test_extensions_match_keras() -> None:
    from keras.src.utils.image_dataset_utils import ALLOWLIST_FORMATS

    assert set(KERAS_IMAGE_EXTENSIONS) == set(ALLOWLIST_FORMATS)


def test_keras_sees_what_the_scan_says(messy: Path) -> None:
    """Keras lists exactly the classes and files the scan counts, plus the ones that fail."""
    import keras

    scan = scan_image_folder(messy)
    ds = keras.utils.image_dataset_from_directory(messy, image_size=(8, 8), shuffle=False,
                                                  verbose=False)
    assert ds.class_names == list(scan.classes)
    failing = [p for p, reason in scan.problems if "Keras would stop" in reason
               or "would try to read" in reason]
    assert len(ds.file_paths) == scan.usable + len(failing)


@pytest.mark.parametrize("name", ["empty.jpg", "notes.png", "half.jpg"])
def test_keras_fails_on_the_files_the_scan_flags(tmp_path: Path, name: str) -> None:
    import keras
    import tensorflow as tf

    _image(tmp_path / "a" / "good.jpg")
    source = {"empty.jpg": b"", "notes.png": b"not a picture", "half.jpg": _jpeg_bytes()[:400]}
    (tmp_path / "a" / name).write_bytes(source[name])
    assert "Keras would stop" in dict(scan_image_folder(tmp_path).problems)[f"a/{name}"]
    ds = keras.utils.image_dataset_from_directory(tmp_path, image_size=(8, 8), batch_size=1,
                                                  shuffle=False, verbose=False)
    with pytest.raises(tf.errors.InvalidArgumentError):
        for _ in ds:
            pass


def test_truncated_jpeg_that_verify_accepts_is_found_by_load(tmp_path: Path) -> None:
    """verify() only checks the header of some files; decoding all pixels finds the rest."""
    data = _jpeg_bytes((256, 192))
    _image(tmp_path / "a" / "good.jpg")
    (tmp_path / "a" / "cut.jpg").write_bytes(data[: len(data) * 2 // 3])
    problems = dict(scan_image_folder(tmp_path).problems)
    assert "truncated" in problems["a/cut.jpg"]


# ------------------------------------------------ the corpus: every problem, every odd kind

@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("scan") / "corpus")


@pytest.fixture(scope="module")
def corpus_scan(corpus: Corpus) -> FolderScan:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the scan keeps PIL's warnings to itself
        return scan_image_folder(corpus.root)


def _kinds() -> list[Kind]:
    with tempfile.TemporaryDirectory() as folder:
        return build_corpus(Path(folder) / "corpus").kinds


@pytest.mark.parametrize("kind", _kinds(), ids=lambda kind: kind.what)
def test_corpus_file_is_judged_right(corpus_scan: FolderScan, kind: Kind) -> None:
    problems = dict(corpus_scan.problems)
    usable = {image.path for image in corpus_scan.images}
    if kind.expected is None:
        assert kind.path in usable, problems.get(kind.path)
        assert kind.path not in problems
    else:
        assert kind.path not in usable
        assert kind.expected in problems[kind.path], problems[kind.path]


def test_corpus_has_nothing_else(corpus: Corpus, corpus_scan: FolderScan) -> None:
    assert [path for path, _ in corpus_scan.problems].count("cats/empty.jpg") == 1
    assert set(dict(corpus_scan.problems)) == set(corpus.problems)
    assert {image.path for image in corpus_scan.images} == set(corpus.usable)
    assert corpus_scan.classes == corpus.classes
    assert corpus_scan.usable == len(corpus.usable)
    assert len(corpus_scan.problems) == len(corpus.problems)


def test_images_are_listed_in_keras_order_with_their_labels(corpus: Corpus,
                                                             corpus_scan: FolderScan) -> None:
    from keras.src.utils import dataset_utils

    paths, labels, names = dataset_utils.index_directory(
        str(corpus.root), "inferred", KERAS_IMAGE_EXTENSIONS, shuffle=False, verbose=False)
    keras_order = [(Path(p).relative_to(corpus.root).as_posix(), int(label))
                   for p, label in zip(paths, labels, strict=True)]
    usable = {image.path for image in corpus_scan.images}
    assert names == corpus_scan.class_names
    assert [(i.path, i.label) for i in corpus_scan.images] == [
        item for item in keras_order if item[0] in usable]


def test_sizes_modes_and_formats_of_odd_images(corpus_scan: FolderScan) -> None:
    info = {image.path: image for image in corpus_scan.images}
    assert info["cats/cmyk.jpg"].mode == "CMYK"
    assert info["cats/grey16.png"].mode.startswith("I")
    assert info["cats/really_a_bmp.jpg"].format == "BMP"
    assert info["cats/tiny.png"].size == (1, 1)
    assert info["dogs/large.jpg"].size == (2000, 1500)
    assert corpus_scan.sizes[(40, 30)] == sum(1 for i in info.values() if i.size == (40, 30))
    assert sum(corpus_scan.modes.values()) == corpus_scan.usable


def test_to_dict_is_the_json_report(corpus: Corpus, corpus_scan: FolderScan) -> None:
    report = corpus_scan.to_dict()
    assert list(report) == ["classes", "problems", "usable", "rotated"]
    assert report["classes"] == corpus.classes
    assert report["usable"] == len(corpus.usable)
    assert report["rotated"] == 1  # cats/rotated.jpg, EXIF orientation 6
    assert all(set(p) == {"path", "reason"} for p in report["problems"])
    assert {"path": "empty", "reason": "empty class folder: Keras still makes it class 2, "
                                       "with no images"} in report["problems"]


def test_report_can_list_every_problem(corpus_scan: FolderScan) -> None:
    assert len(corpus_scan.problems) > 20
    assert "... and" in corpus_scan.summary()
    full = corpus_scan.summary(max_problems=None)
    assert "... and" not in full
    for path, reason in corpus_scan.problems:
        assert path in full and reason in full


@pytest.mark.parametrize("how", ["argument", "module constant"])
def test_pixel_limit_can_be_lowered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    how: str) -> None:
    from course_utils.folders import scan as scan_module

    _image(tmp_path / "a" / "big.png", size=(200, 100), fmt="PNG")
    _image(tmp_path / "a" / "small.png", size=(20, 10), fmt="PNG")
    assert scan_image_folder(tmp_path).ok  # under the default limit
    if how == "argument":
        scan = scan_image_folder(tmp_path, max_pixels=10_000)
    else:
        monkeypatch.setattr(scan_module, "MAX_IMAGE_PIXELS", 10_000)
        scan = scan_image_folder(tmp_path)
    problems = dict(scan.problems)
    assert problems == {"a/big.png": "too large: 200×100 = 20,000 pixels is over the limit of "
                                     "10,000 (a decompression bomb?): shrink it or delete it"}


@pytest.mark.parametrize("max_pixels", [0, -5, 1.5e6, "1000", True])
def test_bad_pixel_limit_is_one_clear_sentence(tmp_path: Path, max_pixels: object) -> None:
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match=r"^max_pixels must be a whole number .* you gave"):
        scan_image_folder(tmp_path, max_pixels=max_pixels)  # type: ignore[arg-type]


def test_link_to_a_class_folder_is_a_class(tmp_path: Path) -> None:
    _image(tmp_path / "store" / "x.png", fmt="PNG")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "linked_class").symlink_to(tmp_path / "store", target_is_directory=True)
    scan = scan_image_folder(tmp_path / "data")
    assert scan.ok and scan.classes == {"linked_class": 1}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_pipe_with_an_image_name_does_not_hang_the_scan(tmp_path: Path) -> None:
    _image(tmp_path / "a" / "ok.png", fmt="PNG")
    os.mkfifo(tmp_path / "a" / "pipe.jpg")
    problems = dict(scan_image_folder(tmp_path).problems)
    assert problems == {"a/pipe.jpg": "not a regular file (a device or pipe?): delete it"}


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the user may not read (tests often run as root, so PIL is made to refuse)."""
    from course_utils.folders import image_files

    _image(tmp_path / "a" / "locked.png", fmt="PNG")
    _image(tmp_path / "a" / "ok.png", fmt="PNG")
    real_open = image_files.Image.open

    def refuse(path: Path, *args: object, **kwargs: object) -> Image.Image:
        if Path(path).name == "locked.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(image_files.Image, "open", refuse)
    problems = dict(scan_image_folder(tmp_path).problems)
    assert problems == {"a/locked.png": "cannot be read (Permission denied): check its "
                                        "permissions"}


def test_file_problems_leave_out_the_folders(messy: Path) -> None:
    scan = scan_image_folder(messy)
    files = dict(scan.file_problems)
    assert set(files) == {"Thumbs.db", "loose.jpg", "cats/.DS_Store", "cats/empty.jpg",
                          "cats/half.jpg", "cats/notes.png", "dogs/d2.tif"}
    assert all(files[path] == reason for path, reason in scan.problems if path in files)
    assert len(scan.problems) - len(files) == 2  # .ipynb_checkpoints and empty_class


def test_plural() -> None:
    assert [plural(n, "image") for n in (0, 1, 2)] == ["images", "image", "images"]
    assert plural(1, "class", "classes") == "class"
    assert plural(3, "class", "classes") == "classes"


def test_importing_the_package_does_not_import_tensorflow() -> None:
    """check-folder must start fast: only load_image_folder, when called, needs TensorFlow."""
    code = ("import sys, course_utils.folders as f; "
            "from course_utils.folders import load_image_folder, scan_image_folder; "
            "assert 'tensorflow' not in sys.modules, 'tensorflow'; "
            "assert 'keras' not in sys.modules, 'keras'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_quick_scan_reads_headers_only(tmp_path: Path) -> None:
    """quick=True finds what the header says (format, size, frames, orientation), not a cut file."""
    import io

    from PIL import Image

    folder = tmp_path / "cats"
    folder.mkdir()
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = image.getexif()
    exif[0x0112] = 6
    image.save(folder / "rotated.jpg", exif=exif)
    buffer = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, format="JPEG")  # cut half-way: inside the pixels
    (folder / "cut.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    (folder / "notes.jpg").write_text("not an image")
    full = scan_image_folder(tmp_path)
    quick = scan_image_folder(tmp_path, quick=True)
    assert [i.path for i in full.images] == ["cats/rotated.jpg"]
    assert [i.path for i in quick.images] == ["cats/cut.jpg", "cats/rotated.jpg"]
    assert quick.images[1] == full.images[0]  # size as shown (30, 40), orientation 6
    assert quick.images[1].size == (30, 40) and quick.rotated == 1
    assert [p for p, _ in quick.problems] == ["cats/notes.jpg"]
