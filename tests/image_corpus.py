"""A class-per-folder image corpus with every problem and every odd-but-valid file we know.

``build_corpus(root)`` writes it (in about a second, all generated here) and
returns a ``Corpus`` that says, for each file, what the scan must make of it:
usable, or a problem whose reason contains a given fragment. The tests of
``course_utils.folders``, of ``load_image_folder`` and of ``check-folder`` share it.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = ["Corpus", "Kind", "build_corpus", "image_bytes", "png_bytes"]


@dataclass(frozen=True)
class Kind:
    """One file or folder of the corpus: what it is, where, and what the scan must say.

    ``expected`` is None for a usable image, else a fragment of the problem's reason.
    """

    what: str
    path: str
    expected: str | None


@dataclass
class Corpus:
    """The corpus on disk and what the scan must find in it."""

    root: Path
    kinds: list[Kind] = field(default_factory=list)

    @property
    def usable(self) -> dict[str, str]:
        """Usable image path → what it is."""
        return {k.path: k.what for k in self.kinds if k.expected is None}

    @property
    def problems(self) -> dict[str, str]:
        """Problem path → a fragment of its reason."""
        return {k.path: k.expected for k in self.kinds if k.expected is not None}

    @property
    def classes(self) -> dict[str, int]:
        """Class folder → number of usable images, in Keras' label order."""
        counts = {name: 0 for name in CLASSES}
        for path in self.usable:
            counts[path.split("/")[0]] += 1
        return counts


CLASSES = ("cats", "dogs", "empty", "junk")


def _pixels(size: tuple[int, int], channels: int, seed: int) -> np.ndarray:
    """Smooth random-looking pixels (JPEG keeps them well), ``size`` = (width, height)."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(0, 256, (max(h // 4, 1), max(w // 4, 1), channels), dtype=np.uint8)
    big = np.repeat(np.repeat(base, 4, axis=0), 4, axis=1)[:h, :w]
    return np.pad(big, ((0, h - big.shape[0]), (0, w - big.shape[1]), (0, 0)), mode="edge")


def image_bytes(fmt: str, mode: str = "RGB", size: tuple[int, int] = (40, 30), seed: int = 0,
                **options: object) -> bytes:
    """An image of ``size`` (width, height) in PIL ``mode``, encoded as ``fmt``."""
    image = Image.fromarray(_pixels(size, 3, seed)).convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int, height: int, bit_depth: int, colour_type: int,
              row: Callable[[int], bytes]) -> bytes:
    """A PNG written by hand (PIL cannot write 16-bit RGB or huge cheap images)."""
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(b"\0" + row(y)) for y in range(height))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def _bomb(width: int, height: int) -> bytes:
    """A black 1-bit PNG: a few kB on disk, ``width × height`` pixels once decoded."""
    zeros = bytes((width + 7) // 8)
    return png_bytes(width, height, 1, 0, lambda y: zeros)


def _png16_rgb(size: tuple[int, int] = (40, 30)) -> bytes:
    pixels = (_pixels(size, 3, 5).astype(np.uint16) * 257).astype(">u2")
    return png_bytes(size[0], size[1], 16, 2, lambda y: pixels[y].tobytes())


def _png16_grey(size: tuple[int, int] = (40, 30)) -> bytes:
    pixels = (_pixels(size, 1, 6)[..., 0].astype(np.uint16) * 257).astype(">u2")
    return png_bytes(size[0], size[1], 16, 0, lambda y: pixels[y].tobytes())


def _animated(fmt: str) -> bytes:
    frames = [Image.fromarray(_pixels((40, 30), 3, seed)) for seed in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=fmt, save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def _damaged_jpeg() -> bytes:
    """A JPEG with a bad marker in its image data: PIL and TensorFlow both give up."""
    data = image_bytes("JPEG", size=(64, 48), seed=3)
    start = data.index(b"\xff\xda") + 200
    return data[:start] + b"\xff\x19" + data[start + 2:]


def _damaged_png() -> bytes:
    """A PNG whose image-data checksum is wrong (a bit flipped on a bad disk)."""
    data = image_bytes("PNG", size=(64, 48), seed=4)
    at = data.index(b"IDAT")
    length = int.from_bytes(data[at - 4:at], "big")
    crc = at + 4 + length
    return data[:crc] + b"\0\0\0\0" + data[crc + 4:]


def _bmp(bits: int, palette: list[tuple[int, int, int]], indices: np.ndarray) -> bytes:
    """A palette BMP (1 or 8 bits a pixel) written by hand."""
    height, width = indices.shape
    rows = []
    for y in range(height - 1, -1, -1):  # BMP rows go bottom-up
        if bits == 1:
            row = np.packbits(indices[y].astype(np.uint8)).tobytes()
        else:
            row = indices[y].astype(np.uint8).tobytes()
        rows.append(row + bytes(-len(row) % 4))
    pixels = b"".join(rows)
    table = b"".join(bytes((b, g, r, 0)) for r, g, b in palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bits, 0, len(pixels), 2835, 2835,
                       len(palette), 0)
    offset = 14 + len(info) + len(table)
    return (b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + info + table
            + pixels)


def _colour_palette_bmp() -> bytes:
    rng = np.random.default_rng(8)
    palette = [tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in range(256)]
    return _bmp(8, palette, rng.integers(0, 256, (30, 40)))


def _one_bit_bmp() -> bytes:
    return _bmp(1, [(0, 0, 0), (255, 255, 255)],
                np.random.default_rng(9).integers(0, 2, (30, 40)))


def _exif_rotated_jpeg() -> bytes:
    image = Image.fromarray(_pixels((40, 30), 3, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° when shown
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


_HTML = (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
         b"<body><h1>Not Found</h1><p>The requested URL was not found.</p></body></html>\n")
_HEIC = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(200)


def build_corpus(root: Path) -> Corpus:
    """Write the corpus under ``root`` (which must not exist yet) and describe it."""
    corpus = Corpus(root=root)

    def add(what: str, path: str, data: bytes | None, expected: str | None) -> None:
        corpus.kinds.append(Kind(what, path, expected))
        if data is not None:
            file = root / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)

    def usable(what: str, path: str, data: bytes) -> None:
        add(what, path, data, None)

    # Odd but valid: Keras reads them, converted to RGB.
    usable("plain RGB JPEG", "cats/plain.jpg", image_bytes("JPEG", seed=1))
    usable("plain RGB PNG", "cats/plain.png", image_bytes("PNG", seed=2))
    usable("grey JPEG (L)", "cats/grey.jpg", image_bytes("JPEG", "L", seed=3))
    usable("grey PNG (L)", "cats/grey.png", image_bytes("PNG", "L", seed=4))
    usable("grey + alpha PNG (LA)", "cats/grey_alpha.png", image_bytes("PNG", "LA", seed=5))
    usable("CMYK JPEG", "cats/cmyk.jpg", image_bytes("JPEG", "CMYK", seed=6))
    usable("RGBA PNG", "cats/rgba.png", image_bytes("PNG", "RGBA", seed=7))
    usable("palette PNG (P)", "cats/palette.png", image_bytes("PNG", "P", seed=8))
    usable("palette PNG with transparency", "cats/palette_transparent.png",
           image_bytes("PNG", "P", seed=9, transparency=0))
    usable("1-bit PNG", "cats/one_bit.png", image_bytes("PNG", "1", seed=10))
    usable("16-bit grey PNG", "cats/grey16.png", _png16_grey())
    usable("16-bit RGB PNG (48 bits a pixel)", "cats/rgb16.png", _png16_rgb())
    usable("progressive JPEG", "cats/progressive.jpg",
           image_bytes("JPEG", seed=11, progressive=True))
    usable("BMP content under a .jpg name", "cats/really_a_bmp.jpg", image_bytes("BMP", seed=12))
    usable("JPEG content under a .png name", "cats/really_a_jpeg.png",
           image_bytes("JPEG", seed=13))
    usable("24-bit BMP", "cats/rgb.bmp", image_bytes("BMP", seed=14))
    usable("32-bit BMP (RGBA)", "cats/rgba.bmp", image_bytes("BMP", "RGBA", seed=15))
    usable("8-bit grey BMP", "cats/grey.bmp", image_bytes("BMP", "L", seed=16))
    usable("single-frame GIF", "cats/still.gif", image_bytes("GIF", seed=17))
    usable("1×1 PNG", "cats/tiny.png", image_bytes("PNG", size=(1, 1), seed=18))
    usable("1×1 JPEG", "cats/tiny.jpg", image_bytes("JPEG", size=(1, 1), seed=19))
    usable("JPEG with an EXIF rotation (turned upright; Keras ignores it)", "cats/rotated.jpg",
           _exif_rotated_jpeg())
    usable("upper-case extension .JPG", "dogs/UPPER.JPG", image_bytes("JPEG", seed=20))
    usable("upper-case extension .PNG", "dogs/UPPER.PNG", image_bytes("PNG", seed=21))
    usable("mixed-case extension .Jpeg", "dogs/mixed.Jpeg", image_bytes("JPEG", seed=22))
    usable("Unicode and spaces in the name", "dogs/Café au lait ☕ 1.jpg",
           image_bytes("JPEG", seed=23))
    usable("image in a nested sub-folder", "dogs/2023/summer walk/nested.png",
           image_bytes("PNG", seed=24))
    usable("large but allowed image (2000×1500)", "dogs/large.jpg",
           image_bytes("JPEG", size=(2000, 1500), seed=25, quality=30))

    # Problems: Keras would fail on them, skip them, or misread them.
    add("zero-byte file", "cats/empty.jpg", b"", "empty file (0 bytes)")
    half = image_bytes("JPEG", size=(64, 48), seed=26)
    add("truncated JPEG", "cats/truncated.jpg", half[: len(half) // 2], "truncated or damaged")
    whole = image_bytes("PNG", size=(64, 48), seed=27)
    add("truncated PNG", "cats/truncated.png", whole[: len(whole) // 2], "truncated or damaged")
    add("damaged JPEG (bad marker inside)", "cats/damaged.jpg", _damaged_jpeg(),
        "truncated or damaged")
    add("damaged PNG (bad checksum)", "cats/damaged.png", _damaged_png(), "truncated or damaged")
    add("text file named .png", "cats/notes.png", b"Remember: crop the photos!\n",
        "not an image but text")
    add("HTML error page named .jpg", "cats/download.jpg", _HTML, "not an image but a web page")
    add("SVG drawing named .png", "cats/logo.png",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
        b'<rect width="4" height="4"/></svg>\n', "SVG drawing")
    add("random bytes named .jpg", "cats/noise.jpg", bytes(range(256)) * 4,
        "not a readable image")
    add("HEIC photo named .jpg", "dogs/iphone.jpg", _HEIC, "HEIF photo or video (heic)")
    add(".DS_Store (macOS)", "cats/.DS_Store", b"\0\0\0\1Bud1" + bytes(50), "system file")
    add("Thumbs.db (Windows)", "dogs/Thumbs.db", bytes(64), "system file")
    add("desktop.ini (Windows)", "dogs/desktop.ini", b"[.ShellClassInfo]\n", "system file")
    add("._ file (macOS metadata) with an image name", "cats/._plain.jpg",
        b"\0\5\26\7\0\2\0\0Mac OS X" + bytes(40), "macOS metadata")
    add("TIFF file (.tif)", "dogs/microscope.tif", image_bytes("TIFF", seed=28),
        "ignored by Keras: .tif")
    add("TIFF content under a .jpg name", "dogs/microscope.jpg", image_bytes("TIFF", seed=29),
        "TIFF image with a .jpg name")
    add("WebP file (.webp)", "dogs/photo.webp", image_bytes("WEBP", seed=30),
        "ignored by Keras: .webp")
    add("WebP content under a .png name", "dogs/photo.png", image_bytes("WEBP", seed=31),
        "WEBP image with a .png name")
    add("ICO content under a .png name", "dogs/favicon.png", image_bytes("ICO", seed=32),
        "ICO image with a .png name")
    add("animated GIF", "dogs/animated.gif", _animated("GIF"), "animated GIF (3 frames)")
    add("animated PNG (APNG)", "dogs/animated.png", _animated("PNG"), "animated PNG (3 frames)")
    add("8-bit colour-palette BMP (TensorFlow drops the colours)", "dogs/palette.bmp",
        _colour_palette_bmp(), "BMP image TensorFlow cannot decode correctly (8-bit")
    add("1-bit BMP (TensorFlow fails)", "dogs/one_bit.bmp", _one_bit_bmp(),
        "BMP image TensorFlow cannot decode correctly (1-bit")
    add("decompression bomb: 20,000 × 10,000 PNG in a few kB", "junk/bomb.png",
        _bomb(20_000, 10_000), "too large: 200,000,000 pixels is over the limit")
    add("image just over the pixel limit (10,000 × 9,000)", "junk/huge.png",
        _bomb(10_000, 9_000), "too large: 10000×9000 = 90,000,000 pixels")
    add("text file (.txt)", "junk/readme.txt", b"where are the photos?\n",
        "ignored by Keras: .txt")
    add("empty class folder", "empty", None, "empty class folder")
    (root / "empty").mkdir(parents=True)
    add("class folder without a usable image", "junk", None, "no usable image")

    # Links: a good link is usable, a broken one is a problem.
    (root / "dogs" / "linked.jpg").symlink_to(root / "cats" / "plain.jpg")
    corpus.kinds.append(Kind("symbolic link to a good image", "dogs/linked.jpg", None))
    (root / "cats" / "gone.jpg").symlink_to(root / "cats" / "deleted.jpg")
    corpus.kinds.append(Kind("broken symbolic link", "cats/gone.jpg", "broken link"))
    if _can_write_non_utf8_names(root):
        (root / "dogs" / os.fsdecode(b"bad\xffname.jpg")).write_bytes(image_bytes("JPEG"))
        corpus.kinds.append(Kind("file name that is not UTF-8", "dogs/bad\ufffdname.jpg",
                                 "not valid UTF-8"))
    return corpus


def _can_write_non_utf8_names(root: Path) -> bool:
    """Linux file systems take any bytes in names; macOS and Windows do not."""
    probe = os.fsencode(root) + b"/\xff.probe"
    try:
        os.close(os.open(probe, os.O_CREAT | os.O_WRONLY))
    except (OSError, ValueError):
        return False
    os.unlink(probe)
    return True
