"""Check a class-per-folder image dataset before you train on it, then load it safely.

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
that first and tells you what to fix; ``load_image_folder`` loads only the
images that are fine::

    from course_utils.folders import load_image_folder, scan_image_folder

    scan = scan_image_folder("my_images")
    print(scan)            # a readable report
    scan.classes           # {"cats": 2, "dogs": 1}: usable images per class
    scan.problems          # [("dogs/notes.txt", "ignored by Keras: ..."), ...]
    train_ds, val_ds = load_image_folder("my_images", (90, 120), validation_split=0.2)

From a terminal: ``python -m course_utils check-folder my_images`` (add
``--json`` for a machine-readable report).
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .image_checks import KERAS_IMAGE_EXTENSIONS, check_file, is_system_file, printable

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = [
    "KERAS_IMAGE_EXTENSIONS",
    "MAX_IMAGE_PIXELS",
    "FolderScan",
    "ImageInfo",
    "load_image_folder",
    "scan_image_folder",
]

MAX_IMAGE_PIXELS: int = 89_478_485
"""Images with more pixels (width × height) than this are reported as too large.

It is Pillow's own decompression-bomb limit (about 9,459 × 9,459): a small
file that claims a huge size can fill the memory when it is decoded. Decoded
as RGB, an image this large takes 268 MB. You may lower it; Pillow itself
refuses images over twice its ``PIL.Image.MAX_IMAGE_PIXELS``.
"""

_MAX_PROBLEMS_SHOWN = 20


class ImageInfo(NamedTuple):
    """One usable image found by ``scan_image_folder``.

    Attributes:
        path: where it is, relative to the scanned folder, with ``/`` (``"cats/001.jpg"``).
        label: its class number, the position of its class folder in sorted order.
        size: ``(width, height)`` in pixels, as PIL reports it.
        mode: PIL's colour mode: ``"RGB"``, ``"L"`` (grey), ``"RGBA"``, ``"P"`` (palette), ...
        format: the format PIL found in the file (``"JPEG"``, ``"PNG"``, ...), whatever its name.
    """

    path: str
    label: int
    size: tuple[int, int]
    mode: str
    format: str


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
        sizes: how many usable images have each size ``(width, height)``.
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
    def class_names(self) -> list[str]:
        """The class names in label order, as Keras' ``class_names``."""
        return list(self.classes)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"classes": {name: count}, "problems": [{"path", "reason"}], "usable": N}``.

        This is what ``python -m course_utils check-folder PATH --json`` prints.
        """
        return {
            "classes": dict(self.classes),
            "problems": [{"path": path, "reason": reason} for path, reason in self.problems],
            "usable": self.usable,
        }

    def summary(self, max_problems: int | None = _MAX_PROBLEMS_SHOWN) -> str:
        """Return the report as text: classes, counts, sizes, colour modes and problems.

        Args:
            max_problems: list at most this many problems (None: all of them).
        """
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
        shown = [(self._shown_path(path), reason) for path, reason in self.problems]
        if max_problems is not None:
            shown = shown[:max_problems]
        lines.append(f"{n:,} problem{_s(n)} (Keras would skip or fail on these):")
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


def scan_image_folder(path: str | os.PathLike[str]) -> FolderScan:
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
      images above ``MAX_IMAGE_PIXELS`` (decompression bombs);
    - empty class folders and class folders without a usable image (Keras
      still makes them a class).

    Args:
        path: the dataset folder, the one that holds the class folders.

    Returns:
        A ``FolderScan``; ``print`` it for a readable report, or use its
        ``classes``, ``problems``, ``usable``, ``sizes``, ``modes`` and ``images``.

    Example:
        >>> scan = scan_image_folder("my_images")
        >>> print(scan)
        >>> scan.usable
        3
    """
    root = _folder(path)
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
        results = iter(list(pool.map(lambda job: check_file(*job, MAX_IMAGE_PIXELS), jobs)))
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
                                             checked.format))
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


def load_image_folder(
    path: str | os.PathLike[str],
    image_size: int | tuple[int, int],
    batch_size: int | None = 32,
    validation_split: float | None = None,
    seed: int | None = 42,
    *,
    shuffle: bool = True,
    scan: FolderScan | None = None,
    verbose: bool = True,
) -> tf.data.Dataset | tuple[tf.data.Dataset, tf.data.Dataset]:
    """Load a class-per-folder dataset like ``image_dataset_from_directory``, skipping bad files.

    It scans the folder first (``scan_image_folder``) and builds the dataset
    from the usable images only, so iterating it never stops on an empty,
    truncated or non-image file. Everything else is as in
    ``keras.utils.image_dataset_from_directory(path, image_size=...,
    batch_size=..., validation_split=..., subset="both", seed=...)``: labels
    are the class numbers (the class folders in sorted order, empty ones
    included); images are float32 RGB with values 0 to 255, resized (bilinear,
    without keeping the shape) to ``image_size``; the file list is shuffled
    with ``seed`` and the last ``validation_split`` of it is the validation
    set; the training set is reshuffled every epoch. Each dataset has
    ``class_names`` and ``file_paths``, as Keras' has. It prints one line:
    how many images it uses and how many files it skipped.

    Args:
        path: the dataset folder, the one that holds the class folders.
        image_size: ``(height, width)`` to resize every image to (height first,
            as in Keras), or one number for a square.
        batch_size: images per batch (None: single images, no batches).
        validation_split: the fraction of the images to keep for validation,
            between 0 and 1, or None for no validation set.
        seed: the seed for shuffling and splitting (None: a random one).
        shuffle: False keeps the files in folder order (use it for a test set).
        scan: a ``FolderScan`` of ``path`` you already made, to skip scanning again.
        verbose: False: print nothing.

    Returns:
        One ``tf.data.Dataset`` of ``(images, labels)`` batches, or
        ``(train_ds, val_ds)`` when ``validation_split`` is set.

    Example:
        >>> train_ds, val_ds = load_image_folder("my_images", (90, 120),
        ...                                      validation_split=0.2)
        my_images: 215 usable images in 3 classes, 172 for training and 43 for validation; ...
    """
    from .folder_dataset import build_datasets

    return build_datasets(path, image_size, batch_size, validation_split, seed,
                          shuffle=shuffle, scan=scan, verbose=verbose)
