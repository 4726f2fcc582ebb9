"""Check one file of an image folder the way Keras would meet it.

``check_file`` judges one file found in a class folder: usable (Keras reads
it correctly) or a problem, with a reason a learner can act on. For a usable
image it reports the size as a person sees it: a phone photo stored sideways
with an EXIF orientation tag (which TensorFlow's decoders ignore) has its
width and height swapped, and ``orientation`` says how to turn it upright
(``load_image_folder`` does). It is the
work horse of ``scan_image_folder`` (in ``course_utils.folders.scan``), which
checks every file of a folder; use that, unless you want the verdict on one
file::

    from pathlib import Path
    from course_utils.folders import check_file

    check_file(Path("my_images/cats/001.jpg"), "cats/001.jpg", max_pixels=89_478_485)
    # FileCheck(problem=None, size=(320, 240), mode='RGB', format='JPEG', orientation=1)

This module needs Pillow only: no TensorFlow. The orientation rules are those
of ``course_utils.photos`` (``orientation_of``, ``ORIENTATION_STEPS``).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from PIL import Image, UnidentifiedImageError

from ..photos import orientation_of

__all__ = ["KERAS_IMAGE_EXTENSIONS", "FileCheck", "check_file", "is_system_file", "printable"]

KERAS_IMAGE_EXTENSIONS: tuple[str, ...] = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
"""The extensions ``image_dataset_from_directory`` reads (case-insensitive); it skips the rest."""

# Formats TensorFlow's decode_image reads in every supported version. PIL opens many more
# (TIFF, WebP, ...). MPO is how PIL names some camera JPEGs, which TensorFlow decodes as JPEG.
_DECODABLE_FORMATS = frozenset({"BMP", "GIF", "JPEG", "MPO", "PNG"})
_MAYBE_ANIMATED = frozenset({"GIF", "PNG"})

# Files that operating systems leave in folders. They are never images.
_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})

_KERAS_FAILS = "Keras would stop with an error"


def is_system_file(name: str) -> bool:
    """True for files operating systems leave in folders (``.DS_Store``, ``Thumbs.db``, ``._*``)."""
    return name.lower() in _SYSTEM_FILES or name.startswith("._")


def printable(text: str) -> str:
    """``text`` with undecodable bytes of a file name (kept by Python as surrogates) as "�"."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class FileCheck(NamedTuple):
    """The verdict on one file: ``problem`` is None for a usable image, else the reason.

    Attributes:
        problem: None when Keras reads the image correctly, else what is wrong
            and what to do, in one sentence.
        size: ``(width, height)`` in pixels of a usable image as it is shown,
            upright: for EXIF orientations 5 to 8 the stored width and height
            are swapped (``(0, 0)`` for a problem).
        mode: PIL's colour mode of a usable image (``"RGB"``, ``"L"``, ...).
        format: the format PIL found in a usable file (``"JPEG"``, ``"PNG"``, ...).
        orientation: the EXIF orientation tag of a usable image, 1 to 8: 1 when
            the pixels are stored upright (or there is no tag, or a damaged one),
            2 to 8 when they must be mirrored or turned to be shown
            (``course_utils.photos.ORIENTATION_STEPS`` says how).
    """

    problem: str | None
    size: tuple[int, int] = (0, 0)
    mode: str = ""
    format: str = ""
    orientation: int = 1


def check_file(path: Path, relative: str, max_pixels: int, *, decode: bool = True) -> FileCheck:
    """Check one file the way Keras would meet it; ``problem`` is None when it is usable.

    Args:
        path: the file.
        relative: its path from the dataset folder, with ``/`` (Keras must be
            able to encode it as UTF-8).
        max_pixels: images with more pixels (width × height) than this are a
            problem (``scan_image_folder`` passes ``MAX_IMAGE_PIXELS``).
        decode: False reads only the file's header (format, size, colour mode,
            frames, EXIF orientation): several times faster, but a file cut off
            after its header is not found. For folders you already checked.

    Returns:
        A ``FileCheck``: the problem, or the size (as shown, upright), colour
        mode, format and EXIF orientation of a usable image.
    """
    name = path.name
    if path.is_symlink() and not path.exists():
        return FileCheck(f"broken link: it points to {printable(os.readlink(path))}, which does "
                         f"not exist; fix the link or delete it")
    has_keras_ext = name.lower().endswith(KERAS_IMAGE_EXTENSIONS)
    if is_system_file(name):
        if has_keras_ext:
            return FileCheck("system file (macOS metadata), not an image, but Keras would try "
                             "to read it and fail: delete it")
        return FileCheck("system file, not an image: ignored by Keras (you can delete it)")
    if not has_keras_ext:
        suffix = path.suffix or "no extension"
        return FileCheck(f"ignored by Keras: {suffix} is not one of "
                         f"{' '.join(KERAS_IMAGE_EXTENSIONS)}")
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        return FileCheck(f"the name is not valid UTF-8: {_KERAS_FAILS}; rename it")
    try:
        info = path.stat()
    except OSError as exc:
        return FileCheck(f"cannot be read ({exc.strerror or exc}): check its permissions")
    if not stat.S_ISREG(info.st_mode):
        return FileCheck("not a regular file (a device or pipe?): delete it")
    if info.st_size == 0:
        return FileCheck(f"empty file (0 bytes): {_KERAS_FAILS}")
    try:
        return _check_image(path, max_pixels, decode)
    except OSError as exc:  # it went away, or cannot be read
        return FileCheck(f"cannot be read ({exc.strerror or exc}): check its permissions")


def _check_image(path: Path, max_pixels: int, decode: bool = True) -> FileCheck:
    """Open, check and (unless ``decode`` is False) decode one image file with PIL."""
    try:
        with Image.open(path) as image:
            image_format = image.format or "unknown"
            size, mode = image.size, image.mode
            problem = _format_problem(path, image_format, size, max_pixels)
            if problem is None and image_format in _MAYBE_ANIMATED:
                n_frames = getattr(image, "n_frames", 1)
                if n_frames > 1:
                    problem = (f"animated {image_format} ({n_frames} frames): save the frame "
                               f"you want as a PNG (Keras would use only the first frame)")
            if problem is not None:
                return FileCheck(problem)
            if not decode:  # the header only: the EXIF block of a JPEG comes before the pixels
                orientation = orientation_of(image)
                shown = (size[1], size[0]) if orientation >= 5 else size
                return FileCheck(None, shown, mode, image_format, orientation)
            image.verify()  # checks the structure (PNG checksums, ...)
    except UnidentifiedImageError:
        return FileCheck(_not_an_image(path))
    except Image.DecompressionBombError as exc:  # over twice PIL's own limit
        found = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = int(found.group(1)) if found else None
        limit = min(max_pixels, 2 * (Image.MAX_IMAGE_PIXELS or max_pixels))
        return FileCheck(_too_large(pixels, limit))
    except (PermissionError, FileNotFoundError):
        raise  # not the file's fault: reported by check_file
    except Exception:  # noqa: BLE001 - PIL raises many kinds of errors on damaged files
        return FileCheck(_truncated())
    try:
        with Image.open(path) as image:
            if image_format in ("JPEG", "MPO"):
                # Decode every byte, but build the pixels at 1/8 scale: 2 to 4 times faster,
                # far less memory, and the same errors (the data is read to the end).
                image.draft(image.mode, (max(size[0] // 8, 1), max(size[1] // 8, 1)))
            image.load()  # decodes all pixels: finds truncated files that verify() misses
            # Read after load(): a PNG may keep its EXIF block after the pixels.
            orientation = orientation_of(image)
    except Exception:  # noqa: BLE001
        return FileCheck(_truncated())
    shown = (size[1], size[0]) if orientation >= 5 else size  # 5 to 8 turn it by 90°
    return FileCheck(None, shown, mode, image_format, orientation)


def _format_problem(path: Path, image_format: str, size: tuple[int, int],
                    max_pixels: int) -> str | None:
    """Why TensorFlow cannot decode this image correctly, or None when it can."""
    if size[0] * size[1] > max_pixels:
        return _too_large(size[0] * size[1], max_pixels, size)
    if image_format == "BMP":
        return _bmp_problem(path)
    if image_format in _DECODABLE_FORMATS:
        return None
    if image_format == "WEBP":
        return (f"WEBP image with a {path.suffix} name: not every TensorFlow version decodes "
                f"WEBP; convert it to PNG or JPEG")
    return (f"{image_format} image with a {path.suffix} name: Keras cannot decode "
            f"{image_format}; convert it to PNG or JPEG")


def _bmp_problem(path: Path) -> str | None:
    """TensorFlow reads only uncompressed 24- and 32-bit BMPs and 8-bit grey ones correctly."""
    with open(path, "rb") as file:
        head = file.read(70)
    header_size = int.from_bytes(head[14:18], "little")
    if header_size == 12:  # the old OS/2 header: no compression
        bits, compression, colours = int.from_bytes(head[24:26], "little"), 0, 0
    else:
        bits = int.from_bytes(head[28:30], "little")
        compression = int.from_bytes(head[30:34], "little")
        colours = int.from_bytes(head[46:50], "little")
    masks = tuple(int.from_bytes(head[i:i + 4], "little") for i in (54, 58, 62))
    if bits in (24, 32) and compression == 0:
        return None
    if bits == 32 and compression == 3 and masks == (0xFF0000, 0xFF00, 0xFF):
        return None
    if bits == 8 and compression == 0 and colours in (0, 256):
        with Image.open(path) as image:
            if image.mode == "L":  # its palette is the plain grey scale 0..255
                return None
        kind = "8-bit colour-palette"
    elif compression in (1, 2):
        kind = f"compressed {bits}-bit"
    else:
        kind = f"{bits}-bit"
    return f"BMP image TensorFlow cannot decode correctly ({kind}): save it as PNG"


def _too_large(pixels: int | None, limit: int, size: tuple[int, int] | None = None) -> str:
    what = f"{size[0]}×{size[1]} = " if size else ""
    how_many = f"{what}{pixels:,} pixels" if pixels else "more pixels"
    return (f"too large: {how_many} is over the limit of {limit:,} "
            f"(a decompression bomb?): shrink it or delete it")


def _not_an_image(path: Path) -> str:
    """Name what a file with an image extension holds instead of an image."""
    with open(path, "rb") as file:
        head = file.read(1024)
    lowered = head.lstrip().lower()
    if b"<svg" in lowered:
        return f"SVG drawing, not a photo: {_KERAS_FAILS}; save it as PNG"
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        what = "a web page (a download that failed?)"
    elif head[4:8] == b"ftyp":  # HEIF/HEIC (iPhone photos), AVIF, or a video
        brand = head[8:12].decode("ascii", "replace").strip()
        return f"HEIF photo or video ({brand}): Keras cannot decode it; convert it to JPEG"
    else:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:  # text cut in the middle of a character is text
            text = head[:exc.start].decode("utf-8") if exc.start > len(head) - 4 else ""
        if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            what = "text"
        else:
            return f"not a readable image (PIL cannot identify it): {_KERAS_FAILS}"
    return f"not an image but {what}: {_KERAS_FAILS}"


def _truncated() -> str:
    return f"truncated or damaged image: {_KERAS_FAILS}"
