"""Check a class-per-folder image dataset before you train on it.

``keras.utils.image_dataset_from_directory`` reads a folder laid out like
this, one sub-folder per class::

    my_images/
        cats/
            001.jpg
            002.png
        dogs/
            001.jpg

It is not forgiving: it silently skips files whose extension is not
``.bmp .gif .jpeg .jpg .png``, turns every sub-folder (even an empty one)
into a class, and stops with an error in the middle of an epoch when it meets
an empty, truncated or non-image file. ``scan_image_folder`` finds all of
that first and tells you what to fix::

    from course_utils.folders import scan_image_folder

    scan = scan_image_folder("my_images")
    print(scan)            # a readable report
    scan.classes           # {"cats": 2, "dogs": 1}: usable images per class
    scan.problems          # [("dogs/notes.txt", "ignored by Keras: ..."), ...]
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

__all__ = ["KERAS_IMAGE_EXTENSIONS", "FolderScan", "scan_image_folder"]

KERAS_IMAGE_EXTENSIONS: tuple[str, ...] = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
"""The extensions ``image_dataset_from_directory`` reads (case-insensitive); it skips the rest."""

# Formats TensorFlow's decode_image can read. PIL opens many more (WebP, TIFF, ...);
# MPO is how PIL names some camera JPEGs, which TensorFlow decodes as JPEG.
_DECODABLE_FORMATS = {"BMP", "GIF", "JPEG", "MPO", "PNG"}

# Files that operating systems leave in folders. They are never images.
_SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini"}

_MAX_PROBLEMS_SHOWN = 20


@dataclass
class FolderScan:
    """What ``scan_image_folder`` found in a class-per-folder dataset.

    Attributes:
        root: the folder that was scanned.
        classes: usable images per class folder, in sorted folder-name order,
            the order in which Keras numbers the labels (first folder = label 0).
        problems: one ``(relative path, reason)`` pair per file or folder that
            Keras would skip or fail on; paths use ``/`` on every system.
        sizes: how many usable images have each size ``(width, height)``.
        modes: how many usable images have each PIL colour mode
            (``"RGB"`` colour, ``"L"`` grey, ``"RGBA"`` colour + transparency, ...).
    """

    root: Path
    classes: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    sizes: Counter[tuple[int, int]] = field(default_factory=Counter)
    modes: Counter[str] = field(default_factory=Counter)

    @property
    def usable(self) -> int:
        """The number of images Keras can read, over all classes."""
        return sum(self.classes.values())

    @property
    def ok(self) -> bool:
        """True when there are no problems and at least one usable image."""
        return not self.problems and self.usable > 0

    def summary(self) -> str:
        """Return the report as text: classes, counts, sizes, colour modes and problems."""
        n_classes = len(self.classes)
        lines = [
            f"Folder {self.root.name}: {n_classes} class folder{_s(n_classes)}, "
            f"{self.usable:,} usable image{_s(self.usable)}"
        ]
        width = max((len(name) for name in self.classes), default=0)
        for label, (name, count) in enumerate(self.classes.items()):
            lines.append(f"  label {label}: {name:<{width}}  {count:>7,}")
        if self.sizes:
            lines.append("Image sizes (width × height): " + _top(self.sizes, _size_text))
        if self.modes:
            lines.append("Colour modes: " + _top(self.modes, str))
        if not self.problems:
            if self.usable:
                lines.append("No problems found: image_dataset_from_directory can read every "
                             "image.")
            return "\n".join(lines)
        n = len(self.problems)
        lines.append(f"{n:,} problem{_s(n)} (Keras would skip or fail on these):")
        path_width = min(max(len(path) for path, _ in self.problems), 40)
        for path, reason in self.problems[:_MAX_PROBLEMS_SHOWN]:
            lines.append(f"  {path:<{path_width}}  {reason}")
        if n > _MAX_PROBLEMS_SHOWN:
            lines.append(f"  ... and {n - _MAX_PROBLEMS_SHOWN:,} more (all of them are in "
                         f".problems)")
        lines.append("Fix or delete these files and folders, then scan again.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # A bare `scan` on the last line of a notebook cell shows the report.
        printer.text(self.summary())


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def _top(counter: Counter, text: Any, shown: int = 5) -> str:
    """The most common entries of ``counter`` as "a (n), b (m)", and how many more."""
    parts = [f"{text(key)} ({count:,})" for key, count in counter.most_common(shown)]
    rest = len(counter) - shown
    if rest > 0:
        parts.append(f"and {rest:,} other{_s(rest)}")
    return ", ".join(parts)


def _is_system_file(name: str) -> bool:
    return name.lower() in _SYSTEM_FILES or name.startswith("._")


def _check_file(path: Path) -> tuple[str | None, tuple[int, int] | None, str | None]:
    """Return ``(problem, size, mode)`` for one file; ``problem`` is None when it is usable."""
    name = path.name
    has_keras_ext = name.lower().endswith(KERAS_IMAGE_EXTENSIONS)
    if _is_system_file(name):
        if has_keras_ext:
            return ("system file (macOS metadata), not an image, but Keras would try to read "
                    "it and fail: delete it"), None, None
        return "system file, not an image: ignored by Keras (you can delete it)", None, None
    if not has_keras_ext:
        suffix = path.suffix or "no extension"
        return (f"ignored by Keras: {suffix} is not one of "
                f"{' '.join(KERAS_IMAGE_EXTENSIONS)}"), None, None
    if path.stat().st_size == 0:
        return "empty file (0 bytes): Keras would stop with an error", None, None
    try:
        with Image.open(path) as image:
            image.verify()
            image_format = image.format
    except Exception as exc:  # noqa: BLE001 - any failure means "not readable"
        if "truncat" in str(exc).lower():
            return _truncated(), None, None
        return f"not a readable image ({_why(exc)}): Keras would stop with an error", None, None
    if image_format not in _DECODABLE_FORMATS:
        return (f"a {image_format} image with a {path.suffix} name: Keras cannot decode "
                f"{image_format}; convert it to PNG or JPEG"), None, None
    try:
        with Image.open(path) as image:
            image.load()  # decodes all pixels: finds truncated files that verify() misses
            return None, image.size, image.mode
    except Exception:  # noqa: BLE001
        return _truncated(), None, None


def _truncated() -> str:
    return "truncated or damaged image: Keras would stop with an error"


def _why(exc: BaseException) -> str:
    text = str(exc).split(" '")[0].split(" <")[0]  # drop the long path PIL adds
    return text or type(exc).__name__


def scan_image_folder(path: str | os.PathLike[str]) -> FolderScan:
    """Check a class-per-folder image dataset and report what Keras would make of it.

    Every sub-folder of ``path`` is a class (hidden ones, starting with ".",
    are skipped, as Keras does); images may sit in nested folders inside a
    class folder. Each file is checked as ``image_dataset_from_directory``
    would meet it: its extension must be ``.bmp .gif .jpeg .jpg .png``, and it
    must open and decode completely with PIL. The report lists:

    - files Keras ignores: other extensions, system files such as
      ``.DS_Store`` or ``Thumbs.db``, files directly in ``path`` (not in a
      class folder);
    - files Keras would fail on: empty (0-byte) files, files that are not
      images or are truncated, images in a format TensorFlow cannot decode;
    - empty class folders and class folders without a usable image (Keras
      still makes them a class).

    Args:
        path: the dataset folder, the one that holds the class folders.

    Returns:
        A ``FolderScan``; ``print`` it for a readable report, or use its
        ``classes``, ``problems``, ``usable``, ``sizes`` and ``modes``.

    Example:
        >>> scan = scan_image_folder("my_images")
        >>> print(scan)
        >>> scan.usable
        3
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"There is no folder {root}: check the path you passed.")
    if not root.is_dir():
        raise NotADirectoryError(
            f"{root} is a file; pass the folder that holds one sub-folder per class."
        )
    scan = FolderScan(root=root)
    class_dirs = []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.is_dir():
            if entry.name.startswith("."):
                scan.problems.append((entry.name + "/", "hidden folder: ignored by Keras"))
            else:
                class_dirs.append(entry)
        else:
            if _is_system_file(entry.name):
                problem = "system file, not an image: ignored by Keras (you can delete it)"
            else:
                problem = "not in a class folder: ignored by Keras (move it into one)"
            scan.problems.append((entry.name, problem))
    if not class_dirs:
        scan.problems.append(("./", "no class folders: put each class's images in its own "
                                    "sub-folder"))
    for label, class_dir in enumerate(class_dirs):
        usable = 0
        n_files = 0
        for folder, _, files in sorted(os.walk(class_dir), key=lambda item: item[0]):
            for name in sorted(files):
                n_files += 1
                file_path = Path(folder, name)
                problem, size, mode = _check_file(file_path)
                if problem is None:
                    usable += 1
                    scan.sizes[size] += 1
                    scan.modes[mode] += 1
                else:
                    scan.problems.append((file_path.relative_to(root).as_posix(), problem))
        scan.classes[class_dir.name] = usable
        if n_files == 0:
            scan.problems.append((class_dir.name + "/", f"empty class folder: Keras still "
                                                        f"makes it class {label}, with no images"))
        elif usable == 0:
            scan.problems.append((class_dir.name + "/", f"no usable image in this class folder: "
                                                        f"class {label} would have no images"))
    return scan
