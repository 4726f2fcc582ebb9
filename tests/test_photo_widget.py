"""course_utils.photo_widget and photo_figures: real image files through the widget, headlessly."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from course_utils.photo_figures import percent, plot_photo_prediction
from course_utils.photo_widget import PhotoUploader, photo_uploader, prediction_png
from course_utils.photos import read_photo
from course_utils.predictor import Predictor

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(size: tuple[int, int] = (80, 60), mode: str = "RGB") -> Image.Image:
    """A colour gradient, ``size`` = (width, height): a real image, not a flat colour."""
    width, height = size
    x, y = np.meshgrid(np.linspace(0, 255, width), np.linspace(0, 255, height))
    rgb = np.stack([x, y, 255 - x], axis=-1).astype(np.uint8)
    return Image.fromarray(rgb).convert(mode)


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def sideways_jpeg() -> bytes:
    """A JPEG stored 80×60 with EXIF orientation 6: a phone held upright, shown 60×80."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(picture((80, 60)), "JPEG", exif=exif, quality=90)


def is_one_sentence(text: str) -> bool:
    return text.endswith(".") and "\n" not in text and text.count(". ") == 0


# --------------------------------------------------------------------------- the widget


def test_a_png_shows_the_answer_and_the_figure_as_png(predictor: Predictor) -> None:
    uploader = photo_uploader(predictor)
    assert isinstance(uploader, PhotoUploader) and "Waiting" in uploader.result.value
    uploader.classify(encoded(picture(), "PNG"), "cell.png")
    answer = uploader.prediction
    assert answer is not None and answer.pixels.shape == (30, 40, 3)
    assert [name for name, _ in answer.top] and len(answer.top) == 3
    assert f"the model says <b>{answer.class_name}</b>" in uploader.result.value
    assert percent(answer.probability) in uploader.result.value
    assert "cell.png (80×60)" in uploader.result.value
    assert bytes(uploader.picture.value).startswith(PNG_SIGNATURE)
    assert uploader.picture.layout.display is None  # shown


def test_a_sideways_phone_jpeg_is_turned_upright(predictor: Predictor) -> None:
    uploader = photo_uploader(predictor)
    uploader.classify(sideways_jpeg(), "phone.jpg")
    assert "upright" in uploader.result.value and "orientation 6" in uploader.result.value
    assert uploader.photo is not None and uploader.photo.size == (60, 80)
    assert "phone.jpg (60×80)" in uploader.result.value
    assert bytes(uploader.picture.value).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(("content", "name", "fragment"), [
    (b"These are my notes, not a photo.\n", "notes.txt", "not an image"),
    (sideways_jpeg()[:400], "header.jpg", "truncated"),
    (sideways_jpeg()[:-300], "half.jpg", "truncated"),
    (b"", "empty.png", "empty"),
])
def test_a_bad_file_gets_one_sentence_and_no_picture(predictor: Predictor, content: bytes,
                                                     name: str, fragment: str) -> None:
    uploader = photo_uploader(predictor)
    uploader.classify(encoded(picture(), "PNG"), "good.png")  # a good one first
    uploader.classify(content, name)
    message = uploader.result.value
    assert fragment in message and name in message
    assert "Traceback" not in message and "Error" not in message
    assert is_one_sentence(message), message
    assert uploader.prediction is None and uploader.picture.layout.display == "none"


@pytest.mark.parametrize(("image", "fmt", "options", "note"), [
    (picture(mode="L"), "PNG", {}, "grey"),
    (picture(mode="RGBA"), "PNG", {}, "transparency"),
    (picture(), "GIF", {"save_all": True, "append_images": [picture((80, 60), "L")]},
     "first"),
])
def test_odd_but_valid_images_are_classified_with_a_note(predictor: Predictor, image: Any,
                                                         fmt: str, options: dict,
                                                         note: str) -> None:
    uploader = photo_uploader(predictor)
    uploader.classify(encoded(image, fmt, **options), f"odd.{fmt.lower()}")
    assert uploader.prediction is not None
    assert "What was done to the photo:" in uploader.result.value
    assert note in uploader.result.value


def test_setting_the_upload_value_classifies_the_file(predictor: Predictor) -> None:
    uploader = photo_uploader(predictor)
    content = sideways_jpeg()
    uploader.upload.value = ({"name": "upload.jpg", "type": "image/jpeg", "size": len(content),
                              "content": memoryview(content),
                              "last_modified": dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)},)
    assert "upload.jpg" in uploader.result.value and "upright" in uploader.result.value
    assert bytes(uploader.picture.value).startswith(PNG_SIGNATURE)
    assert uploader.upload.accept == "image/*" and not uploader.upload.multiple


def test_an_upload_error_is_said_in_one_sentence(predictor: Predictor) -> None:
    uploader = photo_uploader(predictor)
    uploader.upload.error = "File too large"
    assert "upload failed" in uploader.result.value and "Traceback" not in uploader.result.value


def test_classify_file_reads_a_path_and_says_when_there_is_none(predictor: Predictor,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "disk.png"
    path.write_bytes(encoded(picture(), "PNG"))
    uploader = photo_uploader(predictor)
    uploader.classify_file(path)
    assert "disk.png" in uploader.result.value and uploader.prediction is not None
    uploader.classify_file(tmp_path / "missing.jpg")
    assert "There is no file" in uploader.result.value and uploader.prediction is None


def test_a_real_blood_cell_photo_is_classified(predictor: Predictor) -> None:
    folder = Path(os.environ.get("COURSE_DATA_DIR", "/nonexistent")) / "blood_cells" / "TEST"
    photos = sorted(folder.glob("*/*.jpeg"))[:1] or sorted(folder.glob("*/*.jpg"))[:1]
    if not photos:
        pytest.skip("no blood-cell photos under $COURSE_DATA_DIR")
    uploader = photo_uploader(predictor)
    uploader.classify(photos[0].read_bytes(), photos[0].name)
    assert uploader.prediction is not None and "(320×240)" in uploader.result.value


def test_text_fallback_for_static_viewers(predictor: Predictor) -> None:
    bundle = photo_uploader(predictor)._repr_mimebundle_()
    assert "Photo uploader" in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


# --------------------------------------------------------------------------- the figure


def test_prediction_figure_has_the_input_the_bars_and_the_answer(predictor: Predictor) -> None:
    photo = read_photo(sideways_jpeg(), "phone.jpg")
    answer = predictor.predict_photo(photo)
    fig = plot_photo_prediction(answer, photo=photo, title="Mine")
    image_ax, bar_ax = fig.axes
    assert fig._suptitle.get_text() == f"Mine: Predicted {answer.class_name} " \
                                       f"({percent(answer.probability)})"
    assert image_ax.images[0].get_array().shape == (30, 40, 3)
    assert "60×80" in image_ax.get_title() and "upright" in image_ax.get_xlabel()
    assert bar_ax.get_xlabel() == "probability" and bar_ax.get_ylabel() == "class"
    assert bar_ax.get_xlim() == (0.0, 1.0)
    assert [t.get_text() for t in bar_ax.get_yticklabels()] == [n for n, _ in answer.top]
    assert [round(p.get_width(), 6) for p in bar_ax.patches] == \
        [round(p, 6) for _, p in answer.top]
    assert {percent(p) for _, p in answer.top} <= {t.get_text() for t in bar_ax.texts}


def test_prediction_figure_without_the_photo_and_as_png(predictor: Predictor) -> None:
    answer = predictor.predict_photo(read_photo(encoded(picture(), "PNG")))
    fig = plot_photo_prediction(answer)
    assert fig.axes[0].get_title() == "as the model sees it"
    assert "40×30" in fig.axes[0].get_xlabel()
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    assert prediction_png(answer).startswith(PNG_SIGNATURE)
    assert len(plt.get_fignums()) == before  # the widget's figure is closed


@pytest.mark.parametrize(("p", "text"), [(0.913, "91%"), (0.997, "99.7%"), (0.003, "0.3%"),
                                         (1.0, "100%")])
def test_percent_keeps_what_matters(p: float, text: str) -> None:
    assert percent(p) == text
