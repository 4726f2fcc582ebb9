"""Load a class-per-folder image dataset as ``tf.data`` datasets, skipping the bad files.

``load_image_folder`` builds the pipeline of
``keras.utils.image_dataset_from_directory`` (read the file,
``tf.io.decode_image`` to RGB, bilinear ``tf.image.resize``, float32 0 to
255), with the same file order, labels, shuffling and split, from the files
that ``scan_image_folder`` (``course_utils.folders.scan``) calls usable. It
also turns rotated photos upright, which Keras does not: TensorFlow's decoders
ignore the EXIF orientation tag, so the scan records it and the pipeline
mirrors and turns the pixels (``course_utils.photos.ORIENTATION_STEPS``)
before it resizes them. TensorFlow is imported when you call it, not when you
import this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..photos import ORIENTATION_STEPS
from .scan import FolderScan, plural, scan_image_folder

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["load_image_folder"]


def load_image_folder(
    path: str | os.PathLike[str],
    image_size: int | tuple[int, int],
    batch_size: int | None = 32,
    validation_split: float | Callable[[str], bool] | None = None,
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

    One thing differs from Keras, on purpose: a photo with an EXIF orientation
    tag (a phone photo stored sideways) is turned upright before it is
    resized, so the model sees it as a person does and ``image_size`` is the
    size of the upright picture. Keras would feed it sideways or mirrored.

    ``validation_split`` can also be a function, which Keras cannot do: it
    gets each image's path (as in ``file_paths``) and returns True for the
    images that go to validation. Use it to split by group, so that all the
    photos of one object, patient or scene land on the same side::

        def in_validation(path):  # files <patient>_<photo>.jpg: every fifth patient
            return int(os.path.basename(path).split("_")[0]) % 5 == 0

        train_ds, val_ds = load_image_folder("scans", (90, 120),
                                             validation_split=in_validation)

    Args:
        path: the dataset folder, the one that holds the class folders.
        image_size: ``(height, width)`` to resize every image to (height first,
            as in Keras), or one number for a square.
        batch_size: images per batch (None: single images, no batches).
        validation_split: the fraction of the images to keep for validation,
            between 0 and 1; or a function of an image's path that returns
            True for the images that go to validation; or None for no
            validation set.
        seed: the seed for shuffling and splitting (None: a random one).
        shuffle: False keeps the files in folder order (use it for a test set).
        scan: a ``FolderScan`` of ``path`` you already made with
            ``scan_image_folder``, to skip scanning again.
        verbose: False: print nothing.

    Returns:
        One ``tf.data.Dataset`` of ``(images, labels)`` batches, or
        ``(train_ds, val_ds)`` when ``validation_split`` is set.

    Example:
        >>> train_ds, val_ds = load_image_folder("my_images", (90, 120),
        ...                                      validation_split=0.2)
        my_images: 215 usable images in 3 classes, 172 for training and 43 for validation; ...
    """
    size = _image_size(image_size)
    _check_batch_size(batch_size)
    _check_split(validation_split)
    if seed is not None and not isinstance(seed, Integral):
        raise ValueError(f"seed must be a whole number (like 42) or None; you gave {seed!r}.")
    if scan is None:
        scan = scan_image_folder(path)
    elif os.path.realpath(scan.root) != os.path.realpath(os.path.expanduser(os.fspath(path))):
        raise ValueError(f"The scan you passed is of {scan.root}, not of {path}: scan this "
                         f"folder, or leave out scan=.")
    root = scan.root
    if not scan.classes:
        raise ValueError(f"{root} has no class folders: put each class's images in its own "
                         f"sub-folder, like {root / 'cats' / '001.jpg'}.")
    if not scan.images:
        raise ValueError(f"{root} has no usable image: run python -m course_utils check-folder "
                         f"{root} to see why.")

    # Keras joins the folder as given with the relative paths; so do we, for equal file_paths.
    base = os.path.expanduser(os.fspath(path))
    paths = [os.path.join(base, *image.path.split("/")) for image in scan.images]
    labels = [image.label for image in scan.images]
    turns = [image.orientation if image.orientation in ORIENTATION_STEPS else 1
             for image in scan.images]
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    if shuffle:  # as keras' index_directory: one global shuffle of the file list
        rng = np.random.RandomState(seed)
        order = list(range(len(paths)))
        rng.shuffle(order)
        paths = [paths[i] for i in order]
        labels = [labels[i] for i in order]
        turns = [turns[i] for i in order]

    if validation_split is None:
        to_validation = [False] * len(paths)
    elif callable(validation_split):
        to_validation = _split_by(validation_split, paths)
    else:  # Keras' rule: the last validation_split of the shuffled files
        n_val = int(validation_split * len(paths))
        if n_val == 0 or n_val == len(paths):
            raise ValueError(f"validation_split={validation_split} of {len(paths)} usable "
                             f"images leaves no image for "
                             f"{'validation' if n_val == 0 else 'training'}: add images or "
                             f"change validation_split.")
        to_validation = [i >= len(paths) - n_val for i in range(len(paths))]

    n_val = sum(to_validation)
    if verbose:
        print(_summary(scan, len(paths) - n_val, n_val))
    options = _Options(size, batch_size, seed, scan.class_names)
    if validation_split is None:
        return _dataset(_Files(paths, labels, turns), shuffle, options)
    train = [i for i, val in enumerate(to_validation) if not val]
    val = [i for i, val in enumerate(to_validation) if val]
    return (_dataset(_Files.pick(paths, labels, turns, train), shuffle, options),
            _dataset(_Files.pick(paths, labels, turns, val), False, options))


def _split_by(in_validation: Callable[[str], bool], paths: list[str]) -> list[bool]:
    """``in_validation(path)`` for every path, checked to leave images on both sides."""
    sides = [bool(in_validation(path)) for path in paths]
    if all(sides) or not any(sides):
        where = "validation" if all(sides) else "training"
        example = os.path.basename(paths[0])
        raise ValueError(f"Your validation_split function sends every image to {where}: it "
                         f"should return True for some paths (such as one ending in "
                         f"{example!r}) and False for the others.")
    return sides


class _Files(NamedTuple):
    """The images of one dataset, in its order: path, label and EXIF orientation of each."""

    paths: list[str]
    labels: list[int]
    orientations: list[int]

    @classmethod
    def pick(cls, paths: list[str], labels: list[int], orientations: list[int],
             indices: list[int]) -> _Files:
        return cls([paths[i] for i in indices], [labels[i] for i in indices],
                   [orientations[i] for i in indices])


class _Options(NamedTuple):
    """What every dataset of one ``load_image_folder`` call shares."""

    size: tuple[int, int]
    batch_size: int | None
    seed: int
    class_names: list[str]


def _dataset(files: _Files, shuffled: bool, options: _Options) -> tf.data.Dataset:
    """The tf.data pipeline of image_dataset_from_directory over these files."""
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((files.paths,
                                             np.asarray(files.labels, dtype="int32"),
                                             np.asarray(files.orientations, dtype="int32")))
    if shuffled:  # the buffer Keras uses
        buffer = options.batch_size * 8 if options.batch_size is not None else 1024
        ds = ds.shuffle(buffer_size=buffer, seed=options.seed)
    # Without a rotated photo the pipeline is exactly Keras' one: not one operation more.
    turn = any(orientation != 1 for orientation in files.orientations)
    ds = ds.map(lambda file, label, orientation:
                (_load_image(file, orientation, options.size, turn), label),
                num_parallel_calls=tf.data.AUTOTUNE)
    if options.batch_size is not None:
        ds = ds.batch(options.batch_size)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    ds.class_names = options.class_names
    ds.file_paths = files.paths
    return ds


def _load_image(file: tf.Tensor, orientation: tf.Tensor, size: tuple[int, int],
                turn: bool) -> tf.Tensor:
    """Read, decode and resize one image as image_dataset_from_directory does, upright."""
    import tensorflow as tf

    image = tf.io.decode_image(tf.io.read_file(file), channels=3, expand_animations=False)
    if turn:  # before the resize: image_size is the size of the upright picture
        image = _upright(image, orientation)
    image = tf.image.resize(image, size, method="bilinear")
    image.set_shape((size[0], size[1], 3))
    return image


def _upright(image: tf.Tensor, orientation: tf.Tensor) -> tf.Tensor:
    """Mirror and turn the stored pixels as their EXIF orientation (1 to 8) says.

    No branches: a transpose and a slice with steps of 1 or -1, chosen from
    ``_TURNS``. For orientation 1 both are identities, which TensorFlow
    passes through without copying, so an upright image costs nothing.
    """
    import tensorflow as tf

    axes, steps = _TURNS
    index = orientation - 1  # the scan records only 1 to 8
    image = tf.transpose(image, tf.gather(tf.constant(axes), index))
    image = tf.strided_slice(image, [0, 0, 0], [0, 0, 0], tf.gather(tf.constant(steps), index),
                             begin_mask=0b111, end_mask=0b111)  # the whole image, each way
    image.set_shape((None, None, 3))
    return image


def _turn_table() -> tuple[list[list[int]], list[list[int]]]:
    """For orientations 1 to 8: the axis order and the steps that apply ORIENTATION_STEPS.

    Each orientation is one transpose (rows become columns, or not) followed
    by reading rows and columns forwards (1) or backwards (-1). Its steps are
    composed into that form: "flip" (``tf.image.flip_left_right``) reverses
    the columns; "rot90" (``tf.image.rot90``, 90° anticlockwise) is a flip
    followed by a transpose, and moving the transpose first swaps the steps.
    """
    axes, steps = [], []
    for orientation in range(1, 9):
        swapped, row_step, column_step = False, 1, 1
        for step in ORIENTATION_STEPS[orientation]:
            if step == "flip":
                column_step = -column_step
            else:  # "rot90"
                swapped, row_step, column_step = not swapped, -column_step, row_step
        axes.append([1, 0, 2] if swapped else [0, 1, 2])
        steps.append([row_step, column_step, 1])
    return axes, steps


_TURNS = _turn_table()


def _summary(scan: FolderScan, n_train: int, n_val: int) -> str:
    """One line: what is used, what is skipped."""
    n = scan.usable
    n_classes = len(scan.classes)
    line = (f"{scan.root.name}: {n:,} usable {plural(n, 'image')} in {n_classes} "
            f"{plural(n_classes, 'class', 'classes')}")
    if n_val:
        line += f", {n_train:,} for training and {n_val:,} for validation"
    skipped = len(scan.file_problems)
    if skipped:
        line += (f"; skipped {skipped:,} problem {plural(skipped, 'file')} "
                 f"(scan_image_folder lists them)")
    else:
        line += "; nothing skipped"
    empty = [name for name, count in scan.classes.items() if count == 0]
    if empty:
        line += f"; no images in {plural(len(empty), 'class', 'classes')} {', '.join(empty)}"
    return line


def _image_size(image_size: Any) -> tuple[int, int]:
    if isinstance(image_size, Integral) and not isinstance(image_size, bool):
        image_size = (image_size, image_size)
    if (isinstance(image_size, Sequence) and not isinstance(image_size, str)
            and len(image_size) == 2
            and all(isinstance(n, Integral) and not isinstance(n, bool) and n > 0
                    for n in image_size)):
        return int(image_size[0]), int(image_size[1])
    raise ValueError(f"image_size must be (height, width) in whole pixels above 0, like "
                     f"(90, 120); you gave {image_size!r}.")


def _check_batch_size(batch_size: Any) -> None:
    if batch_size is None:
        return
    if not isinstance(batch_size, Integral) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number above 0 (like 32) or None; you "
                         f"gave {batch_size!r}.")


def _check_split(validation_split: Any) -> None:
    if validation_split is None or callable(validation_split):
        return
    if (not isinstance(validation_split, Real) or isinstance(validation_split, bool)
            or not 0 < validation_split < 1):
        raise ValueError(f"validation_split must be a fraction between 0 and 1 (like 0.2), a "
                         f"function of an image's path, or None; you gave "
                         f"{validation_split!r}.")
