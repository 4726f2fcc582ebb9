"""course_utils.folder_predictions and plot_least_confident on a real folder of mixed files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from figure_helpers import image_axes
from PIL import Image

from course_utils.folder_predictions import (
    COLUMNS,
    folder_files,
    least_confident,
    predict_folder,
    read_predictions,
)
from course_utils.photo_figures import percent, plot_least_confident
from course_utils.photos import read_photo
from course_utils.predictor import Predictor

PHOTOS = ["x/one.png", "x/two.jpg", "y/four.jpeg", "y/three.png", "y/turned.jpg"]
PROBLEMS = {"notes.txt": "not an image", "y/broken.jpg": "truncated",
            "y/header.jpg": "truncated", "x/empty.png": "empty"}
EXPECTED_FILES = sorted([*PHOTOS, *PROBLEMS])


def image_bytes(colour: tuple[int, int, int], fmt: str, orientation: int = 1) -> bytes:
    """An 80×60 image: a flat ``colour`` with a white square (so it is no flat colour)."""
    pixels = np.empty((60, 80, 3), dtype=np.uint8)
    pixels[:] = colour
    pixels[10:30, 10:30] = 255
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation != 1:
        exif[0x0112] = orientation
    Image.fromarray(pixels).save(buffer, format=fmt, exif=exif)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cells(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """cells/ with photos in two sub-folders, problem files, and files that must be skipped."""
    root = tmp_path_factory.mktemp("lesson") / "cells"
    files = {
        "x/one.png": image_bytes((200, 30, 30), "PNG"),
        "x/two.jpg": image_bytes((30, 200, 30), "JPEG"),
        "y/three.png": image_bytes((30, 30, 200), "PNG"),
        "y/four.jpeg": image_bytes((120, 120, 120), "JPEG"),
        "y/turned.jpg": image_bytes((10, 90, 160), "JPEG", orientation=6),
        "notes.txt": b"These are notes, not a photo.\n",
        "y/broken.jpg": image_bytes((50, 50, 50), "JPEG")[:-200],
        "y/header.jpg": image_bytes((50, 50, 50), "JPEG")[:300],
        "x/empty.png": b"",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
        "x/._one.png": b"AppleDouble",
        "Thumbs.db": b"\xd0\xcf\x11\xe0",
        ".ipynb_checkpoints/old.png": image_bytes((0, 0, 0), "PNG"),
        "__MACOSX/x/one.png": b"resource fork",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


@pytest.fixture(scope="module")
def table(predictor: Predictor, cells: Path) -> pd.DataFrame:
    return predict_folder(predictor, cells, verbose=False)


def test_every_file_gets_a_row_sorted_and_hidden_files_are_skipped(cells: Path,
                                                                   table: pd.DataFrame) -> None:
    assert folder_files(cells) == EXPECTED_FILES
    assert list(table.columns) == list(COLUMNS)
    assert table["file"].tolist() == EXPECTED_FILES


def test_photos_have_a_prediction_and_problems_have_a_sentence(table: pd.DataFrame) -> None:
    rows = table.set_index("file")
    for file in PHOTOS:
        assert rows.loc[file, "problem"] == ""
        assert rows.loc[file, "predicted_class"] in {"a", "b", "c"}
        assert 1 / 3 <= rows.loc[file, "probability"] <= 1
    for file, fragment in PROBLEMS.items():
        problem = rows.loc[file, "problem"]
        assert fragment in problem and Path(file).name in problem and problem.endswith(".")
        assert rows.loc[file, "predicted_class"] == ""
        assert np.isnan(rows.loc[file, "probability"])


def test_the_table_says_what_the_predictor_says_for_one_photo(predictor: Predictor,
                                                              cells: Path,
                                                              table: pd.DataFrame) -> None:
    rows = table.set_index("file")
    for file in ("y/turned.jpg", "x/one.png"):
        answer = predictor.predict_photo(read_photo(cells / file))
        assert rows.loc[file, "predicted_class"] == answer.class_name
        assert rows.loc[file, "probability"] == pytest.approx(answer.probability, abs=1e-6)


def test_small_batches_give_the_same_table(predictor: Predictor, cells: Path,
                                           table: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(predict_folder(predictor, cells, batch_size=2, verbose=False),
                                  table)


def test_the_csv_is_written_and_reads_back_equal(predictor: Predictor, cells: Path,
                                                 table: pd.DataFrame, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "predictions.csv"
    again = predict_folder(predictor, cells, csv_path, batch_size=3)
    printed = capsys.readouterr().out
    assert printed == ("cells: predicted 5 photos; 4 files could not be read (see the problem "
                       "column); wrote predictions.csv\n")
    assert str(tmp_path) not in printed
    pd.testing.assert_frame_equal(again, table)
    pd.testing.assert_frame_equal(read_predictions(csv_path), table)
    plain = pd.read_csv(csv_path)
    assert plain.columns.tolist() == list(COLUMNS) and len(plain) == len(table)


def test_least_confident_is_lowest_probability_first_and_skips_problems(
        table: pd.DataFrame) -> None:
    worst = least_confident(table, n=3)
    worked = table[table["problem"] == ""]
    assert worst["file"].tolist() == worked.sort_values("probability")["file"].head(3).tolist()
    assert worst["probability"].is_monotonic_increasing and len(worst) == 3
    assert len(least_confident(table, n=50)) == len(PHOTOS)
    with pytest.raises(ValueError, match="n must be at least 1"):
        least_confident(table, n=0)
    with pytest.raises(ValueError, match="no column 'problem'"):
        least_confident(table.drop(columns="problem"))


def test_a_missing_or_empty_folder(predictor: Predictor, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(FileNotFoundError, match="There is no folder"):
        predict_folder(predictor, tmp_path / "nowhere")
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        predict_folder(predictor, tmp_path / "a.png")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".DS_Store").write_bytes(b"x")
    empty = predict_folder(predictor, tmp_path / "empty")
    assert empty.empty and list(empty.columns) == list(COLUMNS)
    assert capsys.readouterr().out == "empty: no files found (hidden and system files are " \
                                      "skipped)\n"


def test_plot_least_confident_shows_the_photos_with_their_answers(cells: Path,
                                                                  table: pd.DataFrame) -> None:
    fig = plot_least_confident(table, cells, n=4, ncols=2)
    panels = image_axes(fig)
    worst = least_confident(table, n=4)
    assert len(panels) == 4 and fig._suptitle.get_text() == "The 4 least confident predictions"
    assert [ax.get_title() for ax in panels] == [
        f"{row.predicted_class} ({percent(row.probability)})" for row in worst.itertuples()]
    assert fig._supxlabel.get_text().startswith("each panel: one photo")
    turned = [ax for ax, file in zip(panels, worst["file"], strict=True) if "turned" in file]
    for ax in turned:  # shown upright, as a person sees it: 60 wide, 80 high
        assert ax.images[0].get_array().shape[:2] == (80, 60)


def test_plot_least_confident_says_when_nothing_worked(cells: Path,
                                                       table: pd.DataFrame) -> None:
    fig = plot_least_confident(table[table["problem"] != ""], cells, title="None")
    assert fig._suptitle.get_text() == "None" and not image_axes(fig)
    assert "every file had a problem" in fig.axes[0].texts[0].get_text()
