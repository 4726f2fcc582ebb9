"""Tests for the exercise checks of lesson 05 (course_utils.exercises.lesson05).

The right answers come from the solutions published in the notebook, so these tests also
prove that what learners see passes the checks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from exercise_helpers import assert_fails, assert_passes, run_solution, solutions

from course_utils.exercises import (
    check_goes_to_validation,
    check_image_size_for,
    check_pipeline,
    check_scan_reading,
)

NB05 = "05_custom_folder_dataset.ipynb"


def test_lesson05_has_four_checked_solutions() -> None:
    assert sorted(solutions(NB05)) == [1, 2, 3, 4]


# Exercise 1: read a scan report ---------------------------------------------------


def test_scan_reading_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 1)
    out = assert_passes(capsys, check_scan_reading(ns["n_usable"], ns["n_crash"],
                                                   ns["n_classes"]))
    assert "215 usable" in out


def test_scan_reading_numpy_ints_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert_passes(capsys, check_scan_reading(np.int64(215), 2, np.int32(3)))


def test_scan_reading_report_matches_the_real_scanner(tmp_path: Any) -> None:
    """The report printed in the exercise is what scan_image_folder prints for such a folder."""
    from PIL import Image

    from course_utils.folders import scan_image_folder

    markdown = next(c for c in _markdown_cells() if "## Exercise 1" in c)
    report = markdown.split("```text\n")[1].split("```")[0]
    report = "\n".join(line.removeprefix("# ") for line in report.splitlines())

    root = tmp_path / "flowers"
    rng = np.random.default_rng(0)

    def image(path: Any, size: tuple[int, int], mode: str = "RGB") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
        Image.fromarray(pixels).convert(mode).save(path, quality=30)

    for i in range(120):
        image(root / "daisy" / f"daisy_{i:03}.jpg", (640, 480) if i < 110 else (480, 640))
    (root / "daisy" / "IMG_0042.HEIC").write_bytes(b"\0\0\0\x18ftypheic" + bytes(100))
    (root / "daisy" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    for i in range(97):
        if i not in (17, 18):
            image(root / "rose" / f"rose_{i:02}.jpg", (640, 480), "L" if i > 90 else "RGB")
    (root / "rose" / "rose_17.jpg").write_bytes(b"")
    image(root / "rose" / "full.jpg", (640, 480))
    full = (root / "rose" / "full.jpg").read_bytes()
    (root / "rose" / "full.jpg").unlink()
    (root / "rose" / "rose_18.jpg").write_bytes(full[:5000])
    (root / "rose" / "notes.txt").write_text("where did I take these?")
    (root / "tulip").mkdir()
    (root / "tulips.zip").write_bytes(b"PK" + bytes(50))
    assert str(scan_image_folder(root)).strip() == report.strip()


def _markdown_cells() -> list[str]:
    import nbformat
    from exercise_helpers import NOTEBOOKS

    nb = nbformat.read(NOTEBOOKS / NB05, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


@pytest.mark.parametrize(
    ("answers", "fragments"),
    [
        ((0, 0, 0), ("n_usable is 0", "replace 0")),
        ((217, 2, 3), ("n_usable is 217", "cannot be decoded")),
        ((221, 2, 3), ("n_usable is 221", "counts every file")),
        ((120, 2, 3), ("only the daisies",)),
        ((215, 0, 3), ("n_crash is 0", "Keras would stop with an error")),
        ((215, 3, 3), ("n_crash is 3", "HEIC")),
        ((215, 6, 3), ("n_crash is 6", "skipped")),
        ((215, 7, 3), ("n_crash is 7", "not every problem")),
        ((215, 2, 2), ("n_classes is 2", "empty folder tulip/ still becomes a class")),
        ((215, 2, 4), ("n_classes is 4", "not classes")),
        ((215, 2, 5), ("n_classes is 5", "every sub-folder is a class")),
    ],
)
def test_scan_reading_typical_mistakes(
    capsys: pytest.CaptureFixture[str], answers: tuple[Any, ...], fragments: tuple[str, ...]
) -> None:
    assert_fails(capsys, check_scan_reading(*answers), *fragments)


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        (("215", 2, 3), "n_usable should be a whole number; you gave a str"),
        ((215, 2.0, 3), "n_crash should be a whole number; you gave a float"),
        ((215, 2, None), "n_classes should be a whole number; you gave a NoneType"),
        ((True, 2, 3), "n_usable should be a whole number; you gave a bool"),
    ],
)
def test_scan_reading_wrong_types(capsys: pytest.CaptureFixture[str], answers: tuple[Any, ...],
                                  fragment: str) -> None:
    assert_fails(capsys, check_scan_reading(*answers), fragment)


# Exercise 2: image_size_for --------------------------------------------------------


def test_image_size_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 2)
    out = assert_passes(capsys, check_image_size_for(ns["image_size_for"]))
    assert "(90, 120)" in out
    assert ns["image_size_for"](90) == (90, 120)


def test_image_size_with_int_truncation_and_list_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ok = check_image_size_for(lambda h, w=320, hh=240: [h, int(h * w / hh)])
    assert_passes(capsys, ok)


@pytest.mark.parametrize(
    ("func", "fragments"),
    [
        (lambda h, w=320, hh=240: (h, h), ("squashes",)),
        (lambda h, w=320, hh=240: (round(h * w / hh), h), ("height first",)),
        (lambda h, w=320, hh=240: (h, round(h * hh / w)), ("upside down",)),
        (lambda h, w=320, hh=240: (h, h * w / hh), ("whole numbers", "round")),
        (lambda h, w=320, hh=240: (h, round(h * 320 / 240)), ("1920×1080", "photo_width")),
        (lambda h, w=320, hh=240: (h + 1, round(h * w / hh)), ("height 91",)),
        (lambda h, w=320, hh=240: (h, 2 * h), ("expected about 120.0",)),
        (lambda h, w=320, hh=240: None, ("returned None", "return")),
        (lambda h, w=320, hh=240: h * w / hh, ("returned a float", "two numbers")),
        (lambda h, w=320, hh=240: (h, "120"), ("must be numbers",)),
        (lambda h, w=320, hh=240: 1 / 0, ("raised ZeroDivisionError",)),
        (lambda h: (h, round(h * 4 / 3)), ("raised TypeError",)),
    ],
)
def test_image_size_typical_mistakes(capsys: pytest.CaptureFixture[str], func: Any,
                                     fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_image_size_for(func), *fragments)


def test_image_size_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_image_size_for((90, 120)), "check_image_size_for(image_size_for)")


# Exercise 3: goes_to_validation ---------------------------------------------------


def test_goes_to_validation_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 3)
    out = assert_passes(capsys, check_goes_to_validation(ns["goes_to_validation"]))
    assert "same side" in out


def test_goes_to_validation_regex_and_numpy_bool_pass(capsys: pytest.CaptureFixture[str]) -> None:
    import re

    def with_regex(name: str) -> Any:
        return np.bool_(int(re.match(r"_(\d+)_", name).group(1)) % 5 == 0)

    assert_passes(capsys, check_goes_to_validation(with_regex))


def test_goes_to_validation_agrees_with_the_lesson_split() -> None:
    """A fifth of the cells, all copies together: the rule used in the lesson's text."""
    ns = run_solution(NB05, 3)
    names = [f"_{cell}_{copy}.jpeg" for cell in range(20) for copy in (3, 77)]
    chosen = {int(n.split("_")[1]) for n in names if ns["goes_to_validation"](n)}
    assert chosen == {0, 5, 10, 15}


@pytest.mark.parametrize(
    ("func", "fragments"),
    [
        (lambda name: False, ("every file goes to training", "multiple of 5")),
        (lambda name: True, ("every file goes to validation",)),
        (lambda name: int(name.split("_")[2].split(".")[0]) % 5 == 0,
         ("land on different sides", "not the random one")),
        (lambda name: int(name[1]) % 5 == 0, ("_10_6.jpeg is source cell 10", "all the digits")),
        (lambda name: int(name.split("_")[1]) % 5 != 0, ("_0_1169.jpeg is source cell 0",
                                                         "yours says False")),
        (lambda name: int(name.split("_")[1]) % 5, ("returned an int", "True or False")),
        (lambda name: int(name.split("_")[0]) % 5 == 0, ("raised ValueError",)),
        (lambda name: None, ("returned a NoneType",)),
    ],
)
def test_goes_to_validation_typical_mistakes(capsys: pytest.CaptureFixture[str], func: Any,
                                             fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_goes_to_validation(func), *fragments)


def test_goes_to_validation_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_goes_to_validation("_0_1.jpeg"),
                 "check_goes_to_validation(goes_to_validation)")


# Exercise 4: make_pipeline -----------------------------------------------------------


def test_pipeline_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    ns = run_solution(NB05, 4)
    out = assert_passes(capsys, check_pipeline(ns["make_pipeline"]))
    assert "batches of 32" in out and "cached" in out


def _lesson_functions(*names: str) -> dict[str, Any]:
    """Define the lesson's own functions ``names`` (from its code cells), nothing else."""
    import ast

    import nbformat
    import tensorflow as tf
    from exercise_helpers import NOTEBOOKS

    import course_utils

    nb = nbformat.read(NOTEBOOKS / NB05, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "def " in cell.source:
            tree = ast.parse(cell.source)
            found += [node for node in tree.body
                      if isinstance(node, ast.FunctionDef) and node.name in names]
    assert sorted(node.name for node in found) == sorted(names)
    namespace: dict[str, Any] = {"tf": tf, "np": np, "course_utils": course_utils,
                                 "BATCH_SIZE": 32}
    exec(compile(ast.Module(body=found, type_ignores=[]), NB05, "exec"), namespace)
    return namespace


def _epoch(dataset: Any) -> tuple[list[bytes], list[int]]:
    images, labels = [], []
    for batch_images, batch_labels in dataset:
        images += [image.tobytes() for image in batch_images.numpy()]
        labels += batch_labels.numpy().tolist()
    return images, labels


def test_the_lessons_training_pipeline_reshuffles_every_epoch(tmp_path: Any) -> None:
    """Two epochs of the lesson's pipeline: the same images, in a different order, in batches."""
    from PIL import Image

    from course_utils.folders import load_image_folder

    rng = np.random.default_rng(5)
    for c, name in enumerate(["a", "b", "c"]):
        (tmp_path / name).mkdir()
        for i in range(30):
            pixels = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / name / f"{c}_{i:02}.png")
    train, val = load_image_folder(tmp_path, (12, 16), batch_size=None, validation_split=0.2,
                                   seed=1, verbose=False)
    prepare = _lesson_functions("to_uint8", "prepare")["prepare"]
    train_ds, val_ds = prepare(train, shuffle=True), prepare(val)
    assert train_ds.element_spec[0].dtype.name == "uint8"
    assert train_ds.element_spec[0].shape.as_list() == [None, 12, 16, 3]

    first, first_labels = _epoch(train_ds)
    second, second_labels = _epoch(train_ds)
    assert len(first) == 72 and len(set(first)) == 72
    assert first != second and first_labels != second_labels  # a new order every epoch
    assert sorted(first) == sorted(second)  # of the same images
    batches = [first[i:i + 32] for i in range(0, 72, 32)]
    assert all(batch != second[i * 32:(i + 1) * 32] for i, batch in enumerate(batches))
    assert _epoch(val_ds) == _epoch(val_ds)  # validation: one fixed order


def test_the_lessons_pipeline_passes_the_exercise_check(capsys: pytest.CaptureFixture[str]) -> None:
    prepare = _lesson_functions("to_uint8", "prepare")["prepare"]
    assert_passes(capsys, check_pipeline(lambda ds: prepare(ds, shuffle=True)))
    # the validation pipeline is not shuffled, which is what the check says
    assert_fails(capsys, check_pipeline(prepare), "same order in every epoch", ".shuffle(")


def _u8(image: Any, label: Any) -> tuple[Any, Any]:
    import tensorflow as tf

    return tf.cast(image, tf.uint8), label


def _pipelines() -> dict[str, Any]:
    """Typical mistakes, each a variation of the right pipeline."""
    import tensorflow as tf

    auto = tf.data.AUTOTUNE

    def right(ds: Any) -> Any:
        return ds.map(_u8).cache().shuffle(len(ds)).batch(32).prefetch(auto)

    return {
        "right": right,
        "unchanged": lambda ds: ds,
        "no cast": lambda ds: ds.cache().shuffle(100).batch(32).prefetch(auto),
        "divided": lambda ds: ds.map(lambda x, y: (x / 255, y)).cache().shuffle(100).batch(32),
        "convert_image_dtype": lambda ds: ds.map(
            lambda x, y: (tf.image.convert_image_dtype(x, tf.uint8, saturate=True), y)
        ).cache().shuffle(100).batch(32).prefetch(auto),
        "labels dropped": lambda ds: ds.map(lambda x, y: tf.cast(x, tf.uint8)).batch(32),
        "not batched": lambda ds: ds.map(_u8).cache().shuffle(100).prefetch(auto),
        "batched twice": lambda ds: ds.map(_u8).cache().shuffle(100).batch(32).batch(2),
        "batches of 16": lambda ds: ds.map(_u8).cache().shuffle(100).batch(16).prefetch(auto),
        "drop_remainder": lambda ds: ds.map(_u8).cache().shuffle(100).batch(
            32, drop_remainder=True).prefetch(auto),
        "take": lambda ds: ds.map(_u8).take(50).cache().shuffle(50).batch(32).prefetch(auto),
        "repeat": lambda ds: ds.map(_u8).cache().shuffle(100).batch(32).repeat(),
        "repeat twice": lambda ds: ds.map(_u8).cache().repeat(2).shuffle(200).batch(32),
        "no cache": lambda ds: ds.map(_u8).shuffle(100).batch(32).prefetch(auto),
        "shuffle before cache": lambda ds: ds.map(_u8).shuffle(100).cache().batch(32).prefetch(
            auto),
        "no reshuffle": lambda ds: ds.map(_u8).cache().shuffle(
            100, reshuffle_each_iteration=False).batch(32).prefetch(auto),
        "no shuffle": lambda ds: ds.map(_u8).cache().batch(32).prefetch(auto),
        "shuffle after batch": lambda ds: ds.map(_u8).cache().batch(32).shuffle(4).prefetch(
            auto),
        "small buffer": lambda ds: ds.map(_u8).cache().shuffle(8).batch(32).prefetch(auto),
        "no prefetch": lambda ds: ds.map(_u8).cache().shuffle(100).batch(32),
        "prefetch before batch": lambda ds: ds.map(_u8).cache().shuffle(100).prefetch(
            auto).batch(32),
        "cast after cache": lambda ds: ds.cache().map(_u8).shuffle(100).batch(32).prefetch(auto),
    }


def test_pipeline_right_answer_with_options_passes(capsys: pytest.CaptureFixture[str]) -> None:
    import tensorflow as tf

    right = _pipelines()["right"]
    assert_passes(capsys, check_pipeline(lambda ds: right(ds).with_options(tf.data.Options())))
    assert_passes(capsys, check_pipeline(
        lambda ds: ds.map(_u8).cache().shuffle(1000, seed=3).batch(32).prefetch(1)))


@pytest.mark.parametrize(
    ("mistake", "fragments"),
    [
        ("unchanged", ("images are float32", "tf.uint8", "before .cache()")),
        ("no cast", ("images are float32",)),
        ("divided", ("images are float32", "Do not divide by 255")),
        ("convert_image_dtype", ("pixel values or labels changed", "tf.cast")),
        ("labels dropped", ("pair (images, labels)",)),
        ("not batched", ("not in batches", ".batch(32)")),
        ("batched twice", ("batched twice",)),
        ("batches of 16", ("batches hold 16 images", "32")),
        ("drop_remainder", ("96 of the 100", "drop_remainder=True")),
        ("take", ("only 50 of the 100", ".take(")),
        ("repeat", ("never ends", ".repeat()")),
        ("repeat twice", ("200 images", ".repeat()")),
        ("no cache", ("read from the source again", ".cache()")),
        ("shuffle before cache", ("same shuffled order", "shuffle after .cache()")),
        ("no reshuffle", ("same shuffled order", "reshuffle_each_iteration=False")),
        ("no shuffle", ("same order in every epoch", "add .shuffle(...) after .cache()")),
        ("shuffle after batch", ("same batches", "after .batch()")),
        ("small buffer", ("shuffle buffer is small", "len(ds)")),
        ("no prefetch", ("end with .prefetch(tf.data.AUTOTUNE)",)),
        ("prefetch before batch", ("last step", "after .batch()")),
        ("cast after cache", ("cache stores float32", "before .cache()")),
    ],
)
def test_pipeline_typical_mistakes(capsys: pytest.CaptureFixture[str], mistake: str,
                                   fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_pipeline(_pipelines()[mistake]), *fragments)


@pytest.mark.parametrize(
    ("func", "fragments"),
    [
        (lambda ds: None, ("returned None", "return ds")),
        (lambda ds: [ds], ("returned a list", "tf.data.Dataset")),
        (lambda ds: ds.batch(int("thirty-two")), ("raised ValueError",)),
        (lambda: None, ("raised TypeError",)),
    ],
)
def test_pipeline_wrong_functions(capsys: pytest.CaptureFixture[str], func: Any,
                                  fragments: tuple[str, ...]) -> None:
    assert_fails(capsys, check_pipeline(func), *fragments)


def test_pipeline_not_a_function(capsys: pytest.CaptureFixture[str]) -> None:
    assert_fails(capsys, check_pipeline("ds.cache()"), "check_pipeline(make_pipeline)")


def test_pipeline_check_survives_a_dataset_that_fails_to_read(
        capsys: pytest.CaptureFixture[str]) -> None:
    import tensorflow as tf

    def broken(ds: Any) -> Any:
        def fail(image: Any, label: Any) -> tuple[Any, Any]:
            tf.debugging.assert_less(tf.reduce_max(image), 0.0, message="boom")
            return tf.cast(image, tf.uint8), label
        return ds.map(fail).cache().shuffle(100).batch(32).prefetch(1)

    assert_fails(capsys, check_pipeline(broken), "could not read your dataset",
                 "InvalidArgumentError")


def test_checks_never_raise(capsys: pytest.CaptureFixture[str]) -> None:
    for value in (None, math.nan, [], object()):
        assert check_scan_reading(value, value, value) is False
        assert check_image_size_for(value) is False
        assert check_goes_to_validation(value) is False
        assert check_pipeline(value) is False
        assert check_pipeline(lambda ds, v=value: v) is False
    capsys.readouterr()
