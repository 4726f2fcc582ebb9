"""Scan a class-per-folder image dataset: its classes, counts, sizes and problems.

``scan_image_folder(path)`` walks the folder as
``keras.utils.image_dataset_from_directory`` would (one sub-folder per
class, in sorted order), checks every file with ``check_file`` (from
``course_utils.folders.image_files``) and returns a ``FolderScan``: usable
images per class, the image sizes (as shown, upright) and colour modes, how
many photos carry an EXIF rotation tag (``load_image_folder`` turns them
upright), and every file or folder Keras would skip or fail on, with what to
do about it. ``print`` it for the report. This module needs Pillow only: no
TensorFlow.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .image_files import check_file, is_system_file, printable

__all__ = ["MAX_IMAGE_PIXELS", "FolderScan", "ImageInfo", "plural", "scan_image_folder"]

MAX_IMAGE_PIXELS: int = 89_478_485
"""Images with more pixels (width × height) than this are reported as too large.

It is Pillow's own decompression-bomb limit (about 9,459 × 9,459): a small
file that claims a huge size can fill the memory when it is decoded. Decoded
as RGB, an image this large takes 268 MB. To use a lower limit, pass
``max_pixels=`` to ``scan_image_folder``; Pillow itself refuses images over
twice its ``PIL.Image.MAX_IMAGE_PIXELS``.
"""

_MAX_PROBLEMS_SHOWN = 20


class ImageInfo(NamedTuple):
    """One usable image found by ``scan_image_folder``.

    Attributes:
        path: where it is, relative to the scanned folder, with ``/`` (``"cats/001.jpg"``).
        label: its class number, the position of its class folder in sorted order.
        size: ``(width, height)`` in pixels as the image is shown, upright (for
            EXIF orientations 5 to 8, the stored width and height swapped).
        mode: PIL's colour mode: ``"RGB"``, ``"L"`` (grey), ``"RGBA"``, ``"P"`` (palette), ...
        format: the format PIL found in the file (``"JPEG"``, ``"PNG"``, ...), whatever its name.
        orientation: the EXIF orientation tag, 1 (stored upright, or no tag) to 8;
            ``load_image_folder`` uses it to turn the pixels upright.
    """

    path: str
    label: int
    size: tuple[int, int]
    mode: str
    format: str
    orientation: int = 1


@dataclass
class FolderScan:
    """What ``scan_image_folder`` found in a class-per-folder dataset.

    Attributes:
        root: the folder that was scanned.
        classes: usable images per class folder, in sorted folder-name order,
            the order in which Keras numbers the labels (first folder = label 0).
        problems: one ``(relative path, reason)`` pair per file or folder that
            Keras would skip or fail on; paths use ``/`` on every system, and a
            folder's path is its name (``"."`` is the scanned folder itself).
        sizes: how many usable images have each size ``(width, height)``, as shown
            (upright).
        modes: how many usable images have each PIL colour mode
            (``"RGB"`` colour, ``"L"`` grey, ``"RGBA"`` colour + transparency, ...).
        images: every usable image, in the order Keras lists them (``ImageInfo``).
    """

    root: Path
    classes: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    sizes: Counter[tuple[int, int]] = field(default_factory=Counter)
    modes: Counter[str] = field(default_factory=Counter)
    images: list[ImageInfo] = field(default_factory=list, repr=False)
    _folders: set[str] = field(default_factory=set, repr=False, compare=False)

    @property
    def usable(self) -> int:
        """The number of images Keras can read, over all classes."""
        return sum(self.classes.values())

    @property
    def ok(self) -> bool:
        """True when there are no problems and at least one usable image."""
        return not self.problems and self.usable > 0

    @property
    def rotated(self) -> int:
        """The number of usable images with an EXIF orientation tag other than 1.

        Their pixels are stored mirrored or turned (phone photos, mostly);
        ``load_image_folder`` turns them upright, and ``sizes`` counts them as shown.
        """
        return sum(1 for image in self.images if image.orientation != 1)

    @property
    def class_names(self) -> list[str]:
        """The class names in label order, as Keras' ``class_names``."""
        return list(self.classes)

    @property
    def file_problems(self) -> list[tuple[str, str]]:
        """The ``problems`` that are files, not folders: the files ``load_image_folder`` skips."""
        return [(path, reason) for path, reason in self.problems if path not in self._folders]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data, what ``check-folder PATH --json`` prints.

        ``{"classes": {name: count}, "problems": [{"path": ..., "reason": ...}],
        "usable": N, "rotated": M}``, where ``rotated`` counts the usable images
        with an EXIF rotation tag.
        """
        return {
            "classes": dict(self.classes),
            "problems": [{"path": path, "reason": reason} for path, reason in self.problems],
            "usable": self.usable,
            "rotated": self.rotated,
        }

    def summary(self, max_problems: int | None = _MAX_PROBLEMS_SHOWN) -> str:
        """Return the report as text: classes, counts, sizes, colour modes and problems.

        The line about rotated photos appears only when some image carries an
        EXIF rotation tag.

        Args:
            max_problems: list at most this many problems (None: all of them).
        """
        n_classes = len(self.classes)
        lines = [
            f"Folder {self.root.name}: {n_classes} class {plural(n_classes, 'folder')}, "
            f"{self.usable:,} usable {plural(self.usable, 'image')}"
        ]
        width = max((len(name) for name in self.classes), default=0)
        for label, (name, count) in enumerate(self.classes.items()):
            lines.append(f"  label {label}: {name:<{width}}  {count:>7,}")
        if self.sizes:
            lines.append("Image sizes (width × height): " + _top(self.sizes, _size_text))
        if self.modes:
            lines.append("Colour modes: " + _top(self.modes, str))
        rotated = self.rotated
        if rotated:
            lines.append(f"{rotated:,} {plural(rotated, 'image')} "
                         f"{plural(rotated, 'carries', 'carry')} a rotation tag; "
                         f"{plural(rotated, 'it is', 'they are')} turned upright")
        if not self.problems:
            if self.usable:
                lines.append("No problems found: image_dataset_from_directory can read every "
                             "image.")
            return "\n".join(lines)
        n = len(self.problems)
        shown = [(self._shown_path(path), reason) for path, reason in self.problems]
        if max_problems is not None:
            shown = shown[:max_problems]
        lines.append(f"{n:,} {plural(n, 'problem')} (Keras would skip or fail on these):")
        path_width = min(max((len(path) for path, _ in shown), default=0), 40)
        for path, reason in shown:
            lines.append(f"  {path:<{path_width}}  {reason}")
        if n > len(shown):
            lines.append(f"  ... and {n - len(shown):,} more (all of them are in .problems)")
        lines.append("Fix or delete these files and folders, then scan again.")
        return "\n".join(lines)

    def _shown_path(self, path: str) -> str:
        if path == ".":
            return "./"
        return path + "/" if path in self._folders else path

    def _folder_problem(self, path: str, reason: str) -> None:
        self._folders.add(path)
        self.problems.append((path, reason))

    def __str__(self) -> str:
        return self.summary()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # A bare `scan` on the last line of a notebook cell shows the report.
        printer.text(self.summary())


def plural(count: int, word: str, words: str | None = None) -> str:
    """``word`` when ``count`` is 1, else ``words`` (by default ``word`` + "s").

    Example:
        >>> f"3 {plural(3, 'image')}, 1 {plural(1, 'class', 'classes')}"
        '3 images, 1 class'
    """
    if count == 1:
        return word
    return word + "s" if words is None else words


def _size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def _top(counter: Counter, text: Any, shown: int = 5) -> str:
    """The most common entries of ``counter`` as "a (n), b (m)", and how many more."""
    parts = [f"{text(key)} ({count:,})" for key, count in counter.most_common(shown)]
    rest = len(counter) - shown
    if rest > 0:
        parts.append(f"and {rest:,} {plural(rest, 'other')}")
    return ", ".join(parts)


def _folder(path: str | os.PathLike[str]) -> Path:
    root = Path(path).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"There is no folder {root}: check the path you passed.")
    if not root.is_dir():
        raise NotADirectoryError(
            f"{root} is a file; pass the folder that holds one sub-folder per class."
        )
    return root


def _workers() -> int:
    """Threads for the scan: PIL decodes outside Python's lock, so they use all cores."""
    return min(4, os.cpu_count() or 1)


def scan_image_folder(path: str | os.PathLike[str], *, max_pixels: int | None = None,
                      quick: bool = False) -> FolderScan:
    """Check a class-per-folder image dataset and report what Keras would make of it.

    Every sub-folder of ``path`` is a class (hidden ones, starting with ".",
    are skipped, as Keras does); images may sit in nested folders inside a
    class folder. Each file is checked as ``image_dataset_from_directory``
    would meet it: its extension must be ``.bmp .gif .jpeg .jpg .png``
    (upper or lower case), and it must open and decode completely with PIL, in
    a format TensorFlow decodes. An image is *usable* when Keras reads it
    correctly; grey, CMYK, RGBA, palette and 16-bit images are usable (Keras
    converts them to RGB), and so is an image whose content does not match its
    extension (a BMP named ``.jpg``) or a link to an image. The report lists:

    - files Keras ignores: other extensions, system files such as
      ``.DS_Store`` or ``Thumbs.db``, files directly in ``path`` (not in a
      class folder), hidden folders;
    - files Keras would fail on or misread: empty (0-byte) files, files that
      are not images (text, a web page saved as ``.jpg``) or are truncated or
      damaged, formats TensorFlow cannot decode (TIFF, WebP, HEIC, 1-bit or
      compressed BMP, ...), broken links;
    - animated GIFs and PNGs (Keras would silently use the first frame) and
      images above ``max_pixels`` pixels (decompression bombs);
    - empty class folders and class folders without a usable image (Keras
      still makes them a class).

    A photo stored sideways with an EXIF orientation tag (as phones save
    them) is usable: the scan records the tag and the size as it is shown,
    and the report says how many such photos there are. Keras would feed
    them sideways; ``load_image_folder`` turns them upright.

    Args:
        path: the dataset folder, the one that holds the class folders.
        max_pixels: the most pixels (width × height) an image may have
            (None: ``MAX_IMAGE_PIXELS``, Pillow's decompression-bomb limit).
        quick: True reads only each file's header, not its pixels: several
            times faster, and everything above is still found except files
            cut off or damaged after their header (and the EXIF orientation
            of a PNG that stores it after its pixels). Use it for a folder you
            have already checked, such as the course's verified datasets.

    Returns:
        A ``FolderScan``; ``print`` it for a readable report, or use its
        ``classes``, ``problems``, ``usable``, ``sizes``, ``modes``, ``rotated``
        and ``images``.

    Example:
        >>> scan = scan_image_folder("my_images")
        >>> print(scan)
        >>> scan.usable
        3
    """
    root = _folder(path)
    limit = MAX_IMAGE_PIXELS if max_pixels is None else max_pixels
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ValueError(f"max_pixels must be a whole number of pixels above 0 (like "
                         f"40_000_000) or None; you gave {limit!r}.")
    scan = FolderScan(root=root)
    class_dirs = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        name = printable(entry.name)
        if entry.is_dir():
            if entry.name.startswith("."):
                scan._folder_problem(name, "hidden folder: ignored by Keras")
            else:
                class_dirs.append(entry)
        elif is_system_file(entry.name):
            scan.problems.append((name, "system file, not an image: ignored by Keras "
                                        "(you can delete it)"))
        else:
            scan.problems.append((name, "not in a class folder: ignored by Keras "
                                        "(move it into one)"))
    if not class_dirs:
        scan._folder_problem(".", "no class folders: put each class's images in its own "
                                  "sub-folder")
    # The files of each class in Keras' order: folders sorted by path, files by name.
    files = [
        [Path(folder, name)
         for folder, _, names in sorted(os.walk(class_dir), key=lambda item: item[0])
         for name in sorted(names)]
        for class_dir in class_dirs
    ]
    jobs = [(file, file.relative_to(root).as_posix()) for class_files in files
            for file in class_files]
    with warnings.catch_warnings(), ThreadPoolExecutor(_workers()) as pool:
        warnings.simplefilter("ignore")  # PIL's DecompressionBombWarning and EXIF chatter
        results = iter(list(pool.map(lambda job: check_file(*job, limit, decode=not quick),
                                     jobs)))
    for label, (class_dir, class_files) in enumerate(zip(class_dirs, files, strict=True)):
        usable = 0
        for file in class_files:
            relative = printable(file.relative_to(root).as_posix())
            checked = next(results)
            if checked.problem is None:
                usable += 1
                scan.sizes[checked.size] += 1
                scan.modes[checked.mode] += 1
                scan.images.append(ImageInfo(relative, label, checked.size, checked.mode,
                                             checked.format, checked.orientation))
            else:
                scan.problems.append((relative, checked.problem))
        name = printable(class_dir.name)
        scan.classes[name] = usable
        if not class_files:
            scan._folder_problem(name, f"empty class folder: Keras still makes it class {label}, "
                                       f"with no images")
        elif usable == 0:
            scan._folder_problem(name, f"no usable image in this class folder: class {label} "
                                       f"would have no images")
    return scan
