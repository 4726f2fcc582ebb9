"""course_utils.folders.pipeline: load_image_folder is Keras' folder loader without the crashes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from image_corpus import Corpus, build_corpus, image_bytes
from PIL import Image, ImageOps

from course_utils.folders import load_image_folder, scan_image_folder

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("loader") / "corpus")


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder Keras reads without trouble: 3 classes, mixed sizes, modes and formats."""
    root = tmp_path_factory.mktemp("clean") / "flowers"
    kinds = [("JPEG", "RGB", ".jpg"), ("PNG", "RGB", ".png"), ("PNG", "L", ".png"),
             ("JPEG", "L", ".jpeg"), ("PNG", "RGBA", ".PNG")]
    for c, name in enumerate(["daisy", "rose", "tulip"]):
        for i in range(6 + 2 * c):
            fmt, mode, ext = kinds[i % len(kinds)]
            sub = "more/" if i % 4 == 3 else ""
            file = root / name / f"{sub}{name}_{i:02}{ext}"
            file.parent.mkdir(parents=True, exist_ok=True)
            size = (40 + 3 * i, 30 + 2 * c)
            file.write_bytes(image_bytes(fmt, mode, size, seed=100 * c + i))
    return root


def _epoch(ds: tf.data.Dataset) -> tuple[np.ndarray, np.ndarray]:
    images, labels = zip(*((x.numpy(), y.numpy()) for x, y in ds), strict=True)
    return np.concatenate(images), np.concatenate(labels)


def _reference(path: Path, size: tuple[int, int]) -> np.ndarray:
    """The image decoded by PIL, upright (EXIF orientation), as RGB, resized as Keras does."""
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)  # load_image_folder turns rotated photos
        if image.mode == "I;16" or image.mode == "I":  # 16-bit grey: Keras keeps the top byte
            grey = (np.asarray(image).astype(np.uint32) >> 8).astype(np.uint8)
            pixels = np.stack([grey] * 3, axis=-1)
        else:
            pixels = np.asarray(image.convert("RGB"))
    return tf.image.resize(pixels, size).numpy()


def test_one_epoch_over_the_corpus_yields_exactly_the_usable_images(
        corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    scan = scan_image_folder(corpus.root)
    ds = load_image_folder(corpus.root, (12, 16), batch_size=5, shuffle=False, scan=scan)
    images, labels = _epoch(ds)  # never raises, although half the corpus is broken
    assert images.shape == (len(corpus.usable), 12, 16, 3) and images.dtype == np.float32
    assert labels.dtype == np.int32
    assert ds.class_names == list(corpus.classes)
    expected_paths = sorted(corpus.usable)
    assert sorted(Path(p).relative_to(corpus.root).as_posix()
                  for p in ds.file_paths) == expected_paths
    assert labels.tolist() == [image.label for image in scan.images]
    assert np.bincount(labels, minlength=4).tolist() == list(corpus.classes.values())
    for info, image in zip(scan.images, images, strict=True):
        # JPEG decoders differ by a few levels; everything else is decoded identically
        tolerance = 5 if info.format == "JPEG" else 0
        difference = np.abs(_reference(corpus.root / info.path, (12, 16)) - image).max()
        assert difference <= tolerance, (info, difference)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert f"corpus: {len(corpus.usable)} usable images in 4 classes" in out
    assert f"skipped {sum(1 for p in corpus.problems if '/' in p)} problem files" in out
    assert "no images in classes empty, junk" in out


def test_split_of_the_corpus_covers_every_usable_image_once(corpus: Corpus) -> None:
    train, val = load_image_folder(corpus.root, 8, batch_size=4, validation_split=0.25,
                                   seed=3, verbose=False)
    n = len(corpus.usable)
    assert len(val.file_paths) == int(0.25 * n)
    assert len(set(train.file_paths) | set(val.file_paths)) == n
    assert _epoch(train)[0].shape[0] + _epoch(val)[0].shape[0] == n
    assert train.class_names == val.class_names == list(corpus.classes)


@pytest.mark.parametrize("shuffle", [True, False])
def test_split_labels_and_pixels_match_keras_on_a_clean_folder(clean: Path,
                                                                shuffle: bool) -> None:
    kw = dict(image_size=(20, 24), batch_size=4, validation_split=0.25, seed=11)
    ours = load_image_folder(clean, shuffle=shuffle, verbose=False, **kw)
    theirs = keras.utils.image_dataset_from_directory(clean, subset="both", shuffle=shuffle,
                                                      verbose=False, **kw)
    for mine, keras_ds in zip(ours, theirs, strict=True):
        assert mine.class_names == keras_ds.class_names == ["daisy", "rose", "tulip"]
        assert mine.file_paths == keras_ds.file_paths
        assert mine.element_spec == keras_ds.element_spec
    # Validation is never reshuffled: same images, same order, same pixels.
    (val_images, val_labels), (k_images, k_labels) = _epoch(ours[1]), _epoch(theirs[1])
    assert val_labels.tolist() == k_labels.tolist()
    assert np.array_equal(val_images, k_images)
    # Training is reshuffled each epoch, with the same seed and buffer as Keras.
    train_labels, k_train_labels = _epoch(ours[0])[1], _epoch(theirs[0])[1]
    assert train_labels.tolist() == k_train_labels.tolist()


def test_without_split_and_shuffle_it_is_keras_order(clean: Path) -> None:
    ours = load_image_folder(clean, (16, 16), batch_size=None, shuffle=False, verbose=False)
    theirs = keras.utils.image_dataset_from_directory(clean, image_size=(16, 16),
                                                      batch_size=None, shuffle=False,
                                                      verbose=False)
    assert ours.file_paths == theirs.file_paths
    first, label = next(iter(ours))
    assert first.shape == (16, 16, 3) and label.shape == ()
    images, labels = zip(*((x.numpy(), int(y)) for x, y in ours), strict=True)
    k_images, k_labels = zip(*((x.numpy(), int(y)) for x, y in theirs), strict=True)
    assert labels == k_labels
    assert np.array_equal(np.stack(images), np.stack(k_images))


def test_summary_line_on_a_clean_split(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load_image_folder(clean, 8, validation_split=0.2)
    assert capsys.readouterr().out == (
        "flowers: 24 usable images in 3 classes, 20 for training and 4 for validation; "
        "nothing skipped\n")


@pytest.mark.parametrize("image_size", [(0, 10), (10,), "90x120", (9.5, 12), None, (True, 3)])
def test_bad_image_size_is_one_clear_sentence(clean: Path, image_size: object) -> None:
    with pytest.raises(ValueError, match=r"^image_size must be \(height, width\) .* you gave"):
        load_image_folder(clean, image_size)  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"validation_split": 1.5}, "validation_split must be a fraction between 0 and 1"),
    ({"validation_split": 0}, "validation_split must be a fraction between 0 and 1"),
    ({"batch_size": 0}, "batch_size must be a whole number above 0"),
    ({"seed": "42"}, "seed must be a whole number"),
    ({"validation_split": 0.01}, "leaves no image for validation"),
])
def test_bad_arguments_are_one_clear_sentence(clean: Path, kwargs: dict,
                                              message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_image_folder(clean, 8, verbose=False, **kwargs)


def test_folders_without_images(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="check the path"):
        load_image_folder(tmp_path / "nope", 8)
    (tmp_path / "loose.txt").write_text("x")
    with pytest.raises(ValueError, match="has no class folders: put each class's images"):
        load_image_folder(tmp_path, 8)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "empty.jpg").write_bytes(b"")
    with pytest.raises(ValueError, match="has no usable image: run python -m course_utils "
                                         "check-folder"):
        load_image_folder(tmp_path, 8)


def test_a_scan_of_another_folder_is_refused(clean: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="The scan you passed is of"):
        load_image_folder(clean, 8, scan=scan_image_folder(tmp_path))


def test_a_scan_with_a_lower_pixel_limit_skips_the_large_images(
        clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scan = scan_image_folder(clean, max_pixels=50 * 32)  # the first images of each class fit
    kept = {image.path for image in scan.images}
    assert 0 < len(kept) < 24 and len(scan.file_problems) == 24 - len(kept)
    ds = load_image_folder(clean, 8, batch_size=None, shuffle=False, scan=scan)
    assert sorted(Path(p).relative_to(clean).as_posix() for p in ds.file_paths) == sorted(kept)
    assert sum(1 for _ in ds) == len(kept)
    assert f"skipped {24 - len(kept)} problem files" in capsys.readouterr().out


def _number(path: str) -> int:
    """The file's number in the clean folder: <class>_<number>.<ext>."""
    return int(Path(path).stem.split("_")[1])


def test_a_function_as_validation_split_keeps_groups_together(
        clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def in_validation(path: str) -> bool:  # group = the file's number: every third one
        return _number(path) % 3 == 0

    train, val = load_image_folder(clean, (10, 12), batch_size=None, seed=7,
                                   validation_split=in_validation)
    assert all(in_validation(p) for p in val.file_paths)
    assert not any(in_validation(p) for p in train.file_paths)
    everything = load_image_folder(clean, (10, 12), batch_size=None, seed=7, verbose=False)
    # the same shuffled file list as without a split, only divided by the function
    assert val.file_paths == [p for p in everything.file_paths if in_validation(p)]
    assert train.file_paths == [p for p in everything.file_paths if not in_validation(p)]
    assert train.class_names == val.class_names == ["daisy", "rose", "tulip"]
    assert train.element_spec == val.element_spec == everything.element_spec
    n_val = len(val.file_paths)
    assert capsys.readouterr().out == (
        f"flowers: 24 usable images in 3 classes, {24 - n_val} for training and {n_val} for "
        f"validation; nothing skipped\n")
    # validation yields its files in their order; the labels match the class folders
    labels = [int(label) for _, label in val]
    names = ["daisy", "rose", "tulip"]
    assert labels == [names.index(Path(p).relative_to(clean).parts[0]) for p in val.file_paths]
    assert sum(1 for _ in train) == 24 - n_val


def test_a_function_as_validation_split_works_with_batches_and_no_shuffle(clean: Path) -> None:
    train, val = load_image_folder(clean, 8, batch_size=4, shuffle=False, verbose=False,
                                   validation_split=lambda p: "rose" in Path(p).parts)
    assert [Path(p).relative_to(clean).parts[0] for p in val.file_paths] == ["rose"] * 8
    assert {Path(p).relative_to(clean).parts[0] for p in train.file_paths} == {"daisy", "tulip"}
    assert _epoch(val)[1].tolist() == [1] * 8


@pytest.mark.parametrize(("in_validation", "side"), [(lambda p: False, "training"),
                                                     (lambda p: True, "validation"),
                                                     (lambda p: None, "training")])
def test_a_function_that_sends_everything_to_one_side_is_one_clear_sentence(
        clean: Path, in_validation: object, side: str) -> None:
    with pytest.raises(ValueError, match=f"^Your validation_split function sends every image "
                                         f"to {side}: it should return True for some paths"):
        load_image_folder(clean, 8, validation_split=in_validation, verbose=False)
