"""course_utils.pretrained: the MobileNetV3Small classifier and lesson 05's split by cell."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import course_utils  # noqa: F401
from course_utils.pretrained import cell_group_split, mobilenet_classifier, source_cell


def test_classifier_takes_uint8_and_trains_only_its_head() -> None:
    model, base = mobilenet_classifier(4, weights=None, image_size=64)
    assert str(model.inputs[0].dtype).endswith("uint8")
    assert tuple(model.output.shape) == (None, 4)
    assert not base.trainable
    assert sum(int(np.prod(w.shape)) for w in model.trainable_weights) == 576 * 4 + 4
    images = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)
    probabilities = model.predict(images, verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_split_by_cell_keeps_every_cell_on_one_side(tmp_path: Path) -> None:
    for name in ("A", "B"):
        (tmp_path / name).mkdir()
        for cell in range(10):
            for copy in range(3):
                (tmp_path / name / f"_{cell}_{copy}.jpeg").write_bytes(b"")
    in_validation = cell_group_split(tmp_path, ["A", "B"], fraction=0.2, seed=1)
    files = sorted(str(p) for p in tmp_path.glob("*/*.jpeg"))
    val = {source_cell(p) for p in files if in_validation(p)}
    train = {source_cell(p) for p in files if not in_validation(p)}
    assert not val & train
    assert len(val) == 4 and {c for c, _ in val} == {"A", "B"}  # 2 of 10 cells per class
    again = cell_group_split(tmp_path, ["A", "B"], fraction=0.2, seed=1)
    assert [again(p) for p in files] == [in_validation(p) for p in files]


def test_folder_transfer_runs_both_phases_on_a_tiny_folder(tmp_path: Path) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for c, name in enumerate(("A", "B")):
        (tmp_path / name).mkdir()
        for cell in range(5):
            for copy in range(2):
                pixels = np.full((40, 40, 3), 60 + 120 * c, dtype=np.uint8)
                pixels += rng.integers(0, 20, pixels.shape, dtype=np.uint8)
                Image.fromarray(pixels).save(tmp_path / name / f"_{cell}_{copy}.jpeg")
    from course_utils.pretrained import folder_transfer

    result = folder_transfer(None, tmp_path, ["A", "B"], image_size=32, steps=(2, 2),
                             top_layers=5)
    assert 0 <= result["frozen"] <= 1 and 0 <= result["fine-tuned"] <= 1
    before, after = result["trainable"]
    assert before == 576 * 2 + 2 and after > before
    bn = [la for la in result["model"].get_layer("MobileNetV3Small").layers
          if type(la).__name__ == "BatchNormalization"]
    assert bn and not any(la.trainable for la in bn)
