"""course_utils.photos: one photo read as a person sees it, or refused in one sentence."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from course_utils.errors import PhotoError
from course_utils.photos import (
    ORIENTATION_STEPS,
    crop_box,
    model_view,
    orientation_of,
    read_photo,
    turn_upright,
)

RNG = np.random.default_rng(0)
PIXELS = RNG.integers(0, 256, (30, 40, 3), dtype=np.uint8)  # 40 wide, 30 high, no symmetry


def encoded(image: Image.Image, image_format: str, orientation: int | None = None,
            **options: object) -> bytes:
    buffer = io.BytesIO()
    if orientation is not None:
        exif = image.getexif()
        exif[0x0112] = orientation
        options["exif"] = exif
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_every_orientation_is_turned_as_pillow_does(orientation: int, image_format: str) -> None:
    content = encoded(Image.fromarray(PIXELS), image_format, orientation)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(content))).convert("RGB")
    photo = read_photo(content, "phone.jpg")
    assert photo.orientation == orientation
    assert np.array_equal(np.asarray(photo.image), np.asarray(expected))
    assert photo.stored_size == (40, 30)
    assert photo.size == ((30, 40) if orientation >= 5 else (40, 30)) == photo.image.size
    assert any("upright" in note for note in photo.notes) == (orientation != 1)


def test_the_steps_match_pillows_transposes() -> None:
    image = Image.fromarray(PIXELS)
    pillow = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}
    assert set(ORIENTATION_STEPS) == set(range(1, 9))
    for orientation, method in pillow.items():
        assert np.array_equal(np.asarray(turn_upright(image, orientation)),
                              np.asarray(image.transpose(method))), orientation
    with pytest.raises(ValueError, match="from 1 to 8"):
        turn_upright(image, 9)


def test_no_tag_or_a_bad_tag_counts_as_upright() -> None:
    image = Image.fromarray(PIXELS)
    assert orientation_of(Image.open(io.BytesIO(encoded(image, "JPEG")))) == 1
    assert orientation_of(Image.open(io.BytesIO(encoded(image, "JPEG", 0)))) == 1
    assert orientation_of(Image.open(io.BytesIO(encoded(image, "JPEG", 12)))) == 1


def test_colour_modes_become_rgb_with_a_note() -> None:
    grey = read_photo(encoded(Image.fromarray(PIXELS[..., 0]), "PNG"), "grey.png")
    assert grey.image.mode == "RGB" and "grey image" in grey.notes[0]
    rgba = read_photo(encoded(Image.fromarray(PIXELS).convert("RGBA"), "PNG"), "a.png")
    assert rgba.image.mode == "RGB" and "transparency is dropped" in rgba.notes[0]
    deep = Image.fromarray(PIXELS[..., 0].astype(np.uint16) * 257)
    sixteen = read_photo(encoded(deep, "PNG"), "deep.png")
    assert sixteen.image.mode == "RGB" and "16-bit grey image: scaled" in sixteen.notes[0]
    # 16-bit grey v * 257 comes back as v, not clipped to white (Pillow's convert clips it)
    assert np.array_equal(np.asarray(sixteen.image)[..., 1], PIXELS[..., 0])
    plain = read_photo(encoded(Image.fromarray(PIXELS), "PNG"), "plain.png")
    assert plain.notes == []


def test_an_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.fromarray(np.full((20, 20, 3), value, np.uint8)) for value in (0, 255)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    photo = read_photo(buffer.getvalue(), "blink.gif")
    assert "animated GIF with 2 frames" in photo.notes[0]
    assert np.asarray(photo.image).max() == 0  # the first frame, the black one


def test_a_huge_jpeg_is_shrunk_not_refused() -> None:
    big = Image.new("RGB", (7000, 6000), (200, 30, 30))
    photo = read_photo(encoded(big, "JPEG", quality=50), "big.jpg")
    assert photo.size == (7000, 6000)
    assert photo.image.size[0] * photo.image.size[1] <= 4_100_000
    assert "42.0-megapixel photo: shrunk" in photo.notes[-1]
    assert abs(int(np.asarray(photo.image)[..., 0].mean()) - 200) <= 3


@pytest.mark.parametrize(("content", "message"), [
    (b"", r"is empty \(0 bytes\)"),
    (b"Remember the slides.\n", "is not an image Pillow can read"),
    (encoded(Image.fromarray(PIXELS), "JPEG")[:300], "truncated or damaged"),
])
def test_bad_files_get_one_sentence(content: bytes, message: str) -> None:
    with pytest.raises(PhotoError, match=message) as caught:
        read_photo(content, "upload.jpg")
    assert str(caught.value).startswith("upload.jpg") and "\n" not in str(caught.value)


def test_a_decompression_bomb_is_refused() -> None:
    with pytest.raises(PhotoError, match="too large .* the limit is 1,000 pixels"):
        read_photo(encoded(Image.fromarray(PIXELS), "PNG"), "bomb.png", max_pixels=1000)


def test_paths_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "cell.png"
    Image.fromarray(PIXELS).save(path)
    assert read_photo(path).name == "cell.png"
    with pytest.raises(FileNotFoundError, match="no file"):
        read_photo(tmp_path / "missing.png")
    with pytest.raises(TypeError, match="file name, the bytes"):
        read_photo(42)  # type: ignore[arg-type]


def test_the_crop_keeps_the_models_shape() -> None:
    assert crop_box((320, 240), (60, 80)) == (0, 0, 320, 240)  # already 4:3
    assert crop_box((400, 400), (60, 80)) == (0, 50, 400, 350)  # square: top and bottom cut
    assert crop_box((1000, 240), (60, 80)) == (340, 0, 660, 240)  # wide: the sides cut


def test_model_view_is_upright_cut_and_resized() -> None:
    # Left half black, right half white, 400×400: cut to 4:3, then 60×80.
    square = np.zeros((400, 400, 3), np.uint8)
    square[:, 200:] = 255
    view = model_view(Image.fromarray(square), (60, 80))
    assert view.shape == (60, 80, 3) and view.dtype == np.uint8
    assert view[:, :39].max() == 0 and view[:, 41:].min() == 255
