"""course_utils.own_digits: prepare_digit on real PIL pictures, and the upload widget headlessly."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from course_utils.own_digits import (
    DIGIT_SIZE,
    IMAGE_SIZE,
    digit_uploader,
    prepare_digit,
    stroke_width,
    uploaded_file,
)

# Strokes of two digits in coordinates relative to the picture (0..1).
STROKES = {
    7: [[(0.25, 0.2), (0.75, 0.2), (0.42, 0.85)]],
    1: [[(0.55, 0.12), (0.55, 0.88)], [(0.40, 0.28), (0.55, 0.12)]],
    "L": [[(0.3, 0.15), (0.3, 0.85), (0.7, 0.85)]],
}


def draw(kind: Any = 7, *, size: tuple[int, int] = (280, 280), ink: int = 0, paper: int = 255,
         width: int = 24, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> Image.Image:
    """A grey picture of a digit: strokes of ``ink`` on ``paper``, inside ``box`` (relative)."""
    picture = Image.new("L", size, paper)
    pen = ImageDraw.Draw(picture)
    x0, y0, x1, y1 = box
    for line in STROKES[kind]:
        points = [(size[0] * (x0 + x * (x1 - x0)), size[1] * (y0 + y * (y1 - y0)))
                  for x, y in line]
        pen.line(points, fill=ink, width=width, joint="curve")
    return picture


def png_bytes(picture: Image.Image, **save_args: Any) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", **save_args)
    return buffer.getvalue()


def bounding_box(digit: np.ndarray) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) rows/columns holding ink, inclusive."""
    rows = np.flatnonzero(digit[..., 0].max(axis=1) > 0)
    cols = np.flatnonzero(digit[..., 0].max(axis=0) > 0)
    return rows[0], rows[-1], cols[0], cols[-1]


def centre_of_mass(digit: np.ndarray) -> tuple[float, float]:
    weights = digit[..., 0].astype(float)
    rows, cols = np.indices(weights.shape)
    return (rows * weights).sum() / weights.sum(), (cols * weights).sum() / weights.sum()


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two prepared digits, in grey levels."""
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


# --------------------------------------------------------------------------- prepare_digit


def test_output_is_28x28x1_uint8_from_0_to_255() -> None:
    digit = prepare_digit(draw(7))
    assert digit.shape == (IMAGE_SIZE, IMAGE_SIZE, 1) and digit.dtype == np.uint8
    assert digit.max() == 255 and digit.min() == 0
    assert digit[0].max() == 0 and digit[:, 0].max() == 0  # black border, as MNIST


def test_dark_digit_on_light_paper_is_inverted_and_light_on_dark_is_not() -> None:
    dark_on_light = prepare_digit(draw(7, ink=0, paper=255))
    light_on_dark = prepare_digit(draw(7, ink=255, paper=0))
    # both become the same white 7 on black: under 2% of the 255 range apart on average
    assert difference(dark_on_light, light_on_dark) < 5
    assert (dark_on_light > 128).mean() < 0.3  # mostly background: the digit is the light part


@pytest.mark.parametrize(("ink", "paper"), [(20, 100), (250, 150), (150, 200)])
def test_the_border_decides_what_the_background_is_not_a_fixed_grey_level(
        ink: int, paper: int) -> None:
    # A dim photo: paper at 100 is below mid-grey but still lighter than the ink; a grey board
    # at 150 is above mid-grey but darker than the chalk; a faint pencil digit (150 on 200).
    # All must give the same light digit on black.
    digit = prepare_digit(draw(7, ink=ink, paper=paper))
    reference = prepare_digit(draw(7))
    assert difference(digit, reference) < 5


def test_a_digit_that_covers_most_of_the_picture_is_still_inverted() -> None:
    # Most pixels are ink, but the border is paper: the border decides, not the majority.
    heavy = draw(7, size=(100, 100), width=45)
    assert np.asarray(heavy).mean() < 128
    digit = prepare_digit(heavy)
    assert digit[0].max() == 0 and digit[..., 0].max() == 255
    assert (digit > 0).mean() < 0.6


def test_digit_is_cropped_scaled_to_20_pixels_and_centred() -> None:
    # a ring (same centre of mass as bounding box) drawn small, off centre, in a wide picture
    picture = Image.new("L", (300, 200), 255)
    ImageDraw.Draw(picture).ellipse([190, 20, 250, 140], outline=0, width=8)
    digit = prepare_digit(picture)
    top, bottom, left, right = bounding_box(digit)
    assert bottom - top + 1 == DIGIT_SIZE  # the longer side (the height) is 20 pixels
    assert abs((right - left + 1) - DIGIT_SIZE / 2) <= 1  # aspect ratio 1:2 kept
    assert abs((top + bottom) / 2 - 14) <= 1 and abs((left + right) / 2 - 14) <= 1


def test_centre_of_mass_lands_at_14_14_as_in_mnist() -> None:
    digit = prepare_digit(draw("L", box=(0.0, 0.0, 0.6, 0.6)))
    row, col = centre_of_mass(digit)
    assert abs(row - 14) < 0.6 and abs(col - 14) < 0.6
    top, bottom, left, right = bounding_box(digit)
    # an L is heavy at the bottom left: its box is pushed up and right of the centre
    assert (top + bottom) / 2 < row and (left + right) / 2 > col


def test_where_and_how_big_the_digit_was_drawn_does_not_matter() -> None:
    big = prepare_digit(draw(1, size=(400, 400), width=30))
    small_corner = prepare_digit(draw(1, size=(400, 400), width=8, box=(0.6, 0.6, 0.9, 0.9)))
    other = prepare_digit(draw(7, size=(400, 400), width=30))
    assert difference(big, small_corner) < difference(big, other) / 2


def test_rgba_with_a_transparent_background_counts_it_as_paper() -> None:
    # a drawing app: black strokes on transparent pixels whose colour is also black
    grey = draw(7)
    rgba = Image.new("RGBA", grey.size, (0, 0, 0, 0))
    rgba.putalpha(Image.eval(grey, lambda v: 255 - v))
    assert np.asarray(rgba.convert("L")).max() == 0  # converting naively loses the digit
    assert difference(prepare_digit(png_bytes(rgba)), prepare_digit(grey)) < 5
    white_ink = Image.new("RGBA", grey.size, (255, 255, 255, 0))
    white_ink.putalpha(Image.eval(grey, lambda v: 255 - v))
    assert difference(prepare_digit(white_ink), prepare_digit(grey)) < 5


def test_colour_photo_blue_ink_on_yellow_paper() -> None:
    grey = draw(7)
    mask = Image.eval(grey, lambda v: 255 - v)
    photo = Image.new("RGB", grey.size, (240, 220, 120))
    photo.paste((30, 40, 160), mask=mask)
    assert difference(prepare_digit(photo.convert("RGBA")), prepare_digit(grey)) < 5


def test_palette_images_with_and_without_transparency() -> None:
    grey = draw(7)
    palette = grey.convert("P")
    assert palette.mode == "P"
    assert difference(prepare_digit(png_bytes(palette)), prepare_digit(grey)) < 5
    transparent = palette.copy()
    transparent.info["transparency"] = palette.getpixel((0, 0))  # the paper is transparent
    reread = Image.open(io.BytesIO(png_bytes(transparent)))
    assert reread.mode == "P" and "transparency" in reread.info
    assert difference(prepare_digit(reread), prepare_digit(grey)) < 5


def test_sixteen_bit_grey_png() -> None:
    deep = Image.fromarray(np.asarray(draw(7), dtype=np.uint16) * 257)
    assert deep.mode.startswith("I")
    assert difference(prepare_digit(png_bytes(deep)), prepare_digit(draw(7))) < 5


def test_exif_orientation_of_a_phone_photo_is_applied() -> None:
    upright = draw("L")
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # the sensor's pixels, turned
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": exif_transpose turns it back
    tagged = png_bytes(stored, exif=exif)
    expected = prepare_digit(upright)
    assert difference(prepare_digit(tagged), expected) < 5
    assert difference(prepare_digit(png_bytes(stored)), expected) > 20  # the tag mattered


def test_file_names_paths_arrays_and_bytes_give_the_same(tmp_path: Path) -> None:
    picture = draw(7)
    path = tmp_path / "my digit.png"
    picture.save(path)
    expected = prepare_digit(picture)
    for given in (path, str(path), path.read_bytes(), memoryview(path.read_bytes()),
                  np.asarray(picture), np.asarray(picture)[..., np.newaxis],
                  np.asarray(picture.convert("RGB"))):
        np.testing.assert_array_equal(prepare_digit(given), expected)


def test_large_photos_are_handled() -> None:
    digit = prepare_digit(draw(7, size=(3000, 2200), width=90))
    assert difference(digit, prepare_digit(draw(7, size=(300, 220), width=9))) < 8


def test_a_thin_pen_in_a_big_photo_is_thickened_to_mnist_strokes() -> None:
    # strokes 6 px wide in a 3000 px photo would shrink to a tenth of a pixel at 20 px
    digit = prepare_digit(draw(7, size=(3000, 2200), width=6))
    assert digit.max() == 255
    assert 1.5 <= stroke_width(digit[..., 0] / 255) <= 3  # MNIST's median is about 2
    assert difference(digit, prepare_digit(draw(7, size=(300, 220), width=9))) < 12


def test_thick_strokes_are_left_as_drawn() -> None:
    thick = prepare_digit(draw(7, width=40))
    assert stroke_width(thick[..., 0] / 255) > stroke_width(prepare_digit(draw(7))[..., 0] / 255)


def test_stroke_width_of_bars() -> None:
    for width in (1, 3, 6):
        bar = np.zeros((40, 60))
        bar[10:10 + width, 5:55] = 1.0
        assert abs(stroke_width(bar) - width) < 0.25 * width
    assert stroke_width(np.zeros((5, 5))) == 0.0


@pytest.mark.parametrize("blank", [
    Image.new("L", (50, 50), 200),
    Image.fromarray(np.random.default_rng(0).integers(120, 140, (60, 60), dtype=np.uint8)),
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)),
], ids=["one grey", "faint noise", "all transparent"])
def test_a_blank_picture_gives_a_clear_value_error(blank: Image.Image) -> None:
    with pytest.raises(ValueError, match="blank"):
        prepare_digit(blank)


@pytest.mark.parametrize("content", [b"hello, not a picture", png_bytes(draw(7))[:200], b""],
                         ids=["text", "truncated PNG", "empty"])
def test_a_file_that_is_not_an_image_gives_a_clear_value_error(content: bytes) -> None:
    with pytest.raises(ValueError, match="not an image") as info:
        prepare_digit(content)
    assert "PNG or JPEG" in str(info.value)


def test_wrong_inputs_say_what_is_expected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="uint8"):
        prepare_digit(np.zeros((28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match="shape"):
        prepare_digit(np.zeros((2, 28, 28, 1), dtype=np.uint8))
    with pytest.raises(TypeError, match="file name"):
        prepare_digit(42)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        prepare_digit(tmp_path / "missing.png")
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    with pytest.raises(ValueError, match="'notes.txt' is not an image"):
        prepare_digit(notes)


def test_prepare_digit_needs_no_widgets_and_no_tensorflow() -> None:
    code = ("import sys, course_utils.own_digits as o; o.prepare_digit(o.np.eye(9, dtype='uint8')"
            " * 255); print('ipywidgets' in sys.modules, 'tensorflow' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- the widget

@pytest.fixture(scope="module")
def template_model() -> Any:
    """A real Keras model that recognises 1 and 7 by matching prepared templates.

    The templates are drawn differently (size, place, light on dark) from the
    pictures the tests upload, so only a correct preparation matches them.
    """
    keras = pytest.importorskip("keras")
    kernel = np.zeros((IMAGE_SIZE * IMAGE_SIZE, 10), dtype="float32")
    for label in (1, 7):
        template = prepare_digit(draw(label, size=(500, 400), ink=230, paper=30, width=20,
                                      box=(0.1, 0.3, 0.7, 0.9)))
        flat = template.reshape(-1).astype("float32") / 255
        kernel[:, label] = 0.3 * (flat - flat.mean())
    model = keras.Sequential([
        keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.layers[-1].set_weights([kernel, np.zeros(10, dtype="float32")])
    return model


def upload(uploader: Any, content: bytes, name: str = "digit.png",
           kind: str = "image/png") -> None:
    """Do what the browser does after a file is chosen: set the FileUpload's value."""
    uploader.upload.value = ({
        "name": name, "type": kind, "size": len(content), "content": memoryview(content),
        "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
    },)


def test_widget_waits_for_a_file_and_shows_no_picture(template_model: Any) -> None:
    uploader = digit_uploader(template_model)
    assert uploader.upload.accept == "image/*" and uploader.upload.multiple is False
    assert "Waiting for a file" in uploader.result.value
    assert uploader.picture.layout.display == "none" and uploader.digit is None
    bundle = uploader._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "waiting for a file" in bundle["text/plain"]


@pytest.mark.parametrize(("label", "ink", "paper"), [(7, 0, 255), (1, 255, 0), (7, 40, 190)],
                         ids=["dark 7 on light", "light 1 on dark", "grey photo of a 7"])
def test_uploading_a_png_shows_the_prepared_input_and_the_prediction(
        template_model: Any, label: int, ink: int, paper: int) -> None:
    uploader = digit_uploader(template_model)
    content = png_bytes(draw(label, size=(240, 320), ink=ink, paper=paper, width=22))
    upload(uploader, content, name=f"my_{label}.png")
    expected = prepare_digit(content)
    np.testing.assert_array_equal(uploader.digit, expected)
    probabilities = template_model.predict(expected[np.newaxis], verbose=0)[0]
    assert probabilities.argmax() == label
    assert f"Predicted digit: <b>{label}</b>" in uploader.result.value
    assert f"with probability {probabilities.max():.3f}" in uploader.result.value
    assert f"my_{label}.png" in uploader.result.value
    shown = Image.open(io.BytesIO(uploader.picture.value))
    assert shown.size == (140, 140) and uploader.picture.layout.display != "none"
    np.testing.assert_array_equal(np.asarray(shown)[::5, ::5], expected[..., 0])


def test_a_text_file_or_blank_picture_gets_a_message_not_a_traceback(
        template_model: Any) -> None:
    uploader = digit_uploader(template_model)
    upload(uploader, png_bytes(draw(7)))
    assert "Predicted digit" in uploader.result.value
    upload(uploader, b"<html>not a picture</html>", name="page<1>.html", kind="text/html")
    assert "not an image" in uploader.result.value and "Predicted" not in uploader.result.value
    assert "page&lt;1&gt;.html" in uploader.result.value  # the name is escaped
    assert uploader.digit is None and uploader.picture.layout.display == "none"
    upload(uploader, png_bytes(Image.new("L", (64, 64), 255)), name="white.png")
    assert "blank" in uploader.result.value


def test_a_model_that_fails_is_reported_in_the_widget() -> None:
    class Broken:
        def predict(self, *_args: Any, **_kwargs: Any) -> None:
            raise RuntimeError("expected input of shape (32, 32, 3)")

    uploader = digit_uploader(Broken())
    uploader.classify(png_bytes(draw(7)), "seven.png")
    assert "could not classify seven.png" in uploader.result.value
    assert "(32, 32, 3)" in uploader.result.value


def test_an_upload_error_from_the_browser_is_shown(template_model: Any) -> None:
    uploader = digit_uploader(template_model)
    uploader.upload.error = "file too large"
    assert "upload failed (file too large)" in uploader.result.value


def test_class_names_label_the_prediction(template_model: Any) -> None:
    names = [f"digit {i}" for i in range(10)]
    uploader = digit_uploader(template_model, class_names=names)
    uploader.classify(png_bytes(draw(1)))
    assert "<b>digit 1</b>" in uploader.result.value


def test_uploaded_file_reads_ipywidgets_8_and_7_values() -> None:
    v8 = ({"name": "a.png", "content": memoryview(b"abc")},)
    v7 = {"b.png": {"metadata": {"name": "b.png"}, "content": b"xyz"}}
    assert uploaded_file(v8) == ("a.png", b"abc")
    assert uploaded_file(v7) == ("b.png", b"xyz")
    assert uploaded_file(()) is None and uploaded_file({}) is None
