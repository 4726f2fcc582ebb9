"""Read one photo the way a person sees it: upright, in colour, at a size a model can take.

A photo from a phone or the web is not a training image. It may be stored
sideways with an EXIF orientation tag (TensorFlow's decoders ignore the tag),
be grey or transparent, be an animated GIF, or have 40 million pixels.
``read_photo`` handles all of that and says what it did; a file that is not
a usable image raises ``PhotoError`` with one sentence that says why::

    from course_utils.photos import read_photo, model_view

    photo = read_photo("my_cell.jpg")      # or the bytes of an uploaded file
    photo.notes                            # ["turned upright (EXIF orientation 6)"]
    pixels = model_view(photo, (90, 120))  # (90, 120, 3) uint8, the model's input

``model_view`` keeps the photo's shape: it cuts the centre to the model's
aspect ratio (as Keras' ``crop_to_aspect_ratio=True``) before it resizes.
Reading needs Pillow only; ``model_view`` imports TensorFlow to resize as
Keras does. ``folders`` uses the same orientation rules (``ORIENTATION_STEPS``).
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from .errors import PhotoError

__all__ = ["MAX_PHOTO_PIXELS", "ORIENTATION_STEPS", "Photo", "crop_box", "model_view",
           "orientation_of", "read_photo", "turn_upright"]

MAX_PHOTO_PIXELS: int = 89_478_485
"""Photos with more pixels than this (Pillow's decompression-bomb limit) are refused.

A 40-megapixel phone photo is well under it and is resized, not refused.
"""

# The EXIF orientation tag (1 to 8) → the steps that turn the stored pixels upright, in order.
# "flip" mirrors left-right; "rot90" turns 90° counter-clockwise as many times as it says.
ORIENTATION_STEPS: dict[int, tuple[str, ...]] = {
    1: (),
    2: ("flip",),
    3: ("rot90", "rot90"),
    4: ("rot90", "rot90", "flip"),
    5: ("flip", "rot90"),
    6: ("rot90", "rot90", "rot90"),
    7: ("flip", "rot90", "rot90", "rot90"),
    8: ("rot90",),
}
"""For each EXIF orientation, the steps (mirror, turn 90° anticlockwise) that set it upright.

They give exactly what ``PIL.ImageOps.exif_transpose`` gives; tests check
all eight. Orientations 5 to 8 swap width and height.
"""

_ORIENTATION_TAG = 0x0112
_WORKING_PIXELS = 4_000_000  # larger photos are shrunk to about this on reading: fast, same look


@dataclass
class Photo:
    """A photo read by ``read_photo``: upright RGB pixels and what was done to get them.

    Attributes:
        image: the photo as a PIL image, RGB, upright (as a person sees it).
        name: the file name it came from ("photo" for bytes without a name).
        format: the file's format as Pillow found it ("JPEG", "PNG", ...).
        size: ``(width, height)`` as shown, upright, before any shrinking.
        stored_size: ``(width, height)`` as stored in the file (swapped for orientations 5 to 8).
        orientation: the EXIF orientation tag, 1 (upright, or no tag) to 8.
        notes: one sentence for everything done to the photo (turned, converted,
            first frame taken, shrunk); empty for a plain upright RGB photo.
    """

    image: Image.Image
    name: str
    format: str
    size: tuple[int, int]
    stored_size: tuple[int, int]
    orientation: int = 1
    notes: list[str] = field(default_factory=list)


def orientation_of(image: Image.Image) -> int:
    """The EXIF orientation tag of an opened image: 1 to 8; 1 when there is none or it is bad."""
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - a damaged EXIF block: treat the photo as upright
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def turn_upright(image: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation (1 to 8) to the stored pixels: the photo as it should be shown."""
    if orientation not in ORIENTATION_STEPS:
        raise ValueError(f"orientation must be an EXIF orientation from 1 to 8, not "
                         f"{orientation!r}.")
    for step in ORIENTATION_STEPS[orientation]:
        image = image.transpose(Image.Transpose.ROTATE_90 if step == "rot90"
                                else Image.Transpose.FLIP_LEFT_RIGHT)
    return image


def _open(source: Any, name: str | None) -> tuple[Image.Image, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        if len(source) == 0:
            raise PhotoError(f"{name or 'The file'} is empty (0 bytes): choose the photo again.")
        return Image.open(io.BytesIO(bytes(source))), name or "photo"
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"There is no file {path}: check the path.")
        if os.path.getsize(path) == 0:
            raise PhotoError(f"{os.path.basename(path)} is empty (0 bytes): choose another "
                             f"file.")
        return Image.open(path), name or os.path.basename(path)
    if hasattr(source, "read"):
        return Image.open(source), name or "photo"
    raise TypeError(f"read_photo takes a file name, the bytes of an image file or an open "
                    f"file, not {type(source).__name__}.")


def read_photo(source: str | os.PathLike[str] | bytes | bytearray | memoryview | IO[bytes],
               name: str | None = None, *, max_pixels: int = MAX_PHOTO_PIXELS) -> Photo:
    """Read one photo: upright (EXIF orientation), RGB, at most about 4 megapixels.

    What it does, each with a note in ``Photo.notes``:

    - turns the photo upright when it carries an EXIF orientation tag;
    - takes the first frame of an animated GIF or PNG;
    - converts grey, palette, 16-bit and CMYK images to RGB, and drops
      transparency (as Keras does when it trains on such files);
    - shrinks a photo over about 4 megapixels (a 40-megapixel photo is
      resized, not refused; a model needs a few thousand pixels).

    Args:
        source: a file name, the bytes of an image file (an upload) or an open binary file.
        name: the name to use in messages (by default the file's name).
        max_pixels: refuse images with more pixels than this (decompression bombs).

    Returns:
        A ``Photo``.

    Raises:
        PhotoError: (a ``ValueError``) the file is empty, not an image, truncated or
            damaged, or too large; the message is one sentence that says what to do.
        FileNotFoundError: there is no such file.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning, EXIF chatter
        shown = _display_name(source, name)
        try:
            image, name = _open(source, name)
        except UnidentifiedImageError:
            raise PhotoError(f"{shown} is not an image Pillow can read: choose a JPEG or PNG "
                             f"photo.") from None
        except Image.DecompressionBombError:
            raise PhotoError(_too_large(shown, None, max_pixels)) from None
        except (PhotoError, FileNotFoundError, PermissionError):
            raise
        except (OSError, SyntaxError, ValueError):  # Pillow's errors for a file cut short
            raise PhotoError(_truncated(shown)) from None
        with image:
            return _read(image, name, max_pixels)


def _read(image: Image.Image, name: str, max_pixels: int) -> Photo:
    image_format = image.format or "unknown"
    stored = image.size
    if stored[0] * stored[1] > max_pixels:
        raise PhotoError(_too_large(name, stored, max_pixels))
    notes: list[str] = []
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        notes.append(f"animated {image_format} with {frames} frames: the model sees the first "
                     f"one")
    orientation = orientation_of(image)
    mode = image.mode
    if image_format in ("JPEG", "MPO") and stored[0] * stored[1] > 4 * _WORKING_PIXELS:
        # Decode at 1/2, 1/4 or 1/8 scale: a 40-megapixel JPEG in a fraction of the time.
        scale = (stored[0] * stored[1] / _WORKING_PIXELS) ** 0.5
        image.draft("RGB", (int(stored[0] / scale), int(stored[1] / scale)))
    try:
        image.seek(0)
        image.load()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors on damaged files
        raise PhotoError(_truncated(name)) from None
    if mode != "RGB":
        notes.append(_mode_note(mode))
    picture = _rgb(image)
    if orientation != 1:
        picture = turn_upright(picture, orientation)
        notes.append(f"turned upright (EXIF orientation {orientation}: stored "
                     f"{stored[0]}×{stored[1]})")
    size = (stored[1], stored[0]) if orientation >= 5 else stored
    pixels = picture.size[0] * picture.size[1]
    if pixels > _WORKING_PIXELS:
        scale = (pixels / _WORKING_PIXELS) ** 0.5
        picture = picture.resize((max(1, round(picture.size[0] / scale)),
                                  max(1, round(picture.size[1] / scale))),
                                 Image.Resampling.BOX)
    if size[0] * size[1] > _WORKING_PIXELS:
        notes.append(f"{size[0] * size[1] / 1e6:.1f}-megapixel photo: shrunk to "
                     f"{picture.size[0]}×{picture.size[1]} first")
    return Photo(picture, name, image_format, size, stored, orientation, notes)


def _truncated(name: str) -> str:
    return (f"{name} is truncated or damaged (the download or copy may have stopped "
            f"half-way): choose the file again.")


def _display_name(source: Any, name: str | None) -> str:
    if name:
        return name
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    return "This file"


def _rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; 16- and 32-bit grey scaled to 0-255 first (Pillow's convert would clip them)."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        grey = np.asarray(image, dtype=np.float64)
        if image.mode.startswith("I;16") or grey.max() > 255:
            grey = grey / 257.0  # 65535 → 255, as TensorFlow's decode_png does
        grey = np.clip(np.rint(grey), 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    return image.convert("RGB")


def _mode_note(mode: str) -> str:
    if mode in ("I", "F") or mode.startswith("I;16"):
        return "16-bit grey image: scaled to 0-255, its grey copied to red, green and blue"
    if mode in ("L", "LA"):
        return "grey image: its grey copied to red, green and blue"
    if mode in ("RGBA", "PA"):
        return f"{mode} image: the transparency is dropped, as Keras does when it trains"
    if mode == "P":
        return "palette image: converted to RGB"
    return f"{mode} image: converted to RGB"


def _too_large(name: str, size: tuple[int, int] | None, limit: int) -> str:
    what = f" ({size[0]}×{size[1]} = {size[0] * size[1]:,} pixels)" if size else ""
    return (f"{name} is too large{what}: the limit is {limit:,} pixels, against "
            f"decompression bombs; shrink it first.")


def crop_box(size: tuple[int, int], target: tuple[int, int]) -> tuple[int, int, int, int]:
    """The centre box of an image of ``size`` (w, h) shaped like ``target`` (height, width).

    The largest box with the target's aspect ratio, centred, as Keras'
    ``crop_to_aspect_ratio=True``: ``(left, top, right, bottom)`` in pixels.
    """
    width, height = size
    target_h, target_w = target
    crop_w = min(width, round(height * target_w / target_h))
    crop_h = min(height, round(width * target_h / target_w))
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return left, top, left + crop_w, top + crop_h


def model_view(photo: Photo | Image.Image, image_size: tuple[int, int]) -> np.ndarray:
    """The photo as a model with input ``image_size`` (height, width) sees it: uint8 (h, w, 3).

    It cuts the centre of the photo to the model's aspect ratio (so nothing is
    squashed), then resizes it with ``tf.image.resize`` (bilinear), the
    resizing of ``image_dataset_from_directory`` and ``load_image_folder``,
    so that a photo is prepared as the training images were. TensorFlow is
    imported here, when you call it.
    """
    import tensorflow as tf

    image = photo.image if isinstance(photo, Photo) else photo.convert("RGB")
    height, width = int(image_size[0]), int(image_size[1])
    cropped = np.asarray(image.crop(crop_box(image.size, (height, width))), dtype=np.uint8)
    resized = tf.image.resize(cropped, (height, width), method="bilinear").numpy()
    return np.clip(np.rint(resized), 0, 255).astype(np.uint8)
