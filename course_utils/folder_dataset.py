"""The tf.data pipeline behind ``course_utils.folders.load_image_folder``.

It is the pipeline of ``keras.utils.image_dataset_from_directory`` (read the
file, ``tf.io.decode_image`` to RGB, bilinear ``tf.image.resize``, float32
0 to 255), with the same file order, labels, shuffling and split, built from
the files that ``scan_image_folder`` calls usable. Use it through
``load_image_folder``; this module imports TensorFlow, ``folders`` does not.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import tensorflow as tf

from .folders import FolderScan, scan_image_folder

__all__ = ["build_datasets"]


def build_datasets(
    path: str | os.PathLike[str],
    image_size: Any,
    batch_size: Any = 32,
    validation_split: Any = None,
    seed: Any = 42,
    *,
    shuffle: bool = True,
    scan: FolderScan | None = None,
    verbose: bool = True,
) -> tf.data.Dataset | tuple[tf.data.Dataset, tf.data.Dataset]:
    """Do the work of ``load_image_folder`` (read its help); arguments are checked here."""
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
    if seed is None:
        seed = int(np.random.randint(1_000_000))
    if shuffle:  # as keras' index_directory: one global shuffle of the file list
        rng = np.random.RandomState(seed)
        order = list(range(len(paths)))
        rng.shuffle(order)
        paths = [paths[i] for i in order]
        labels = [labels[i] for i in order]

    class_names = scan.class_names
    buffer = batch_size * 8 if batch_size is not None else 1024
    n_val = int(validation_split * len(paths)) if validation_split else 0
    if validation_split and (n_val == 0 or n_val == len(paths)):
        raise ValueError(f"validation_split={validation_split} of {len(paths)} usable images "
                         f"leaves no image for {'validation' if n_val == 0 else 'training'}: "
                         f"add images or change validation_split.")

    def dataset(part_paths: list[str], part_labels: list[int], shuffled: bool) -> Any:
        ds = tf.data.Dataset.from_tensor_slices(
            (part_paths, np.asarray(part_labels, dtype="int32")))
        if shuffled:
            ds = ds.shuffle(buffer_size=buffer, seed=seed)
        ds = ds.map(lambda file, label: (_load_image(file, size), label),
                    num_parallel_calls=tf.data.AUTOTUNE)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds = ds.prefetch(tf.data.AUTOTUNE)
        ds.class_names = class_names
        ds.file_paths = part_paths
        return ds

    if verbose:
        print(_summary(scan, len(paths) - n_val, n_val))
    if not validation_split:
        return dataset(paths, labels, shuffle)
    return (dataset(paths[:-n_val], labels[:-n_val], shuffle),
            dataset(paths[-n_val:], labels[-n_val:], False))


def _load_image(file: tf.Tensor, size: tuple[int, int]) -> tf.Tensor:
    """Read, decode and resize one image exactly as image_dataset_from_directory does."""
    image = tf.io.decode_image(tf.io.read_file(file), channels=3, expand_animations=False)
    image = tf.image.resize(image, size, method="bilinear")
    image.set_shape((size[0], size[1], 3))
    return image


def _summary(scan: FolderScan, n_train: int, n_val: int) -> str:
    """One line: what is used, what is skipped."""
    n = scan.usable
    n_classes = len(scan.classes)
    line = (f"{scan.root.name}: {n:,} usable image{_s(n)} in {n_classes} "
            f"class{'' if n_classes == 1 else 'es'}")
    if n_val:
        line += f", {n_train:,} for training and {n_val:,} for validation"
    skipped = sum(1 for path, _ in scan.problems if path not in scan._folders)
    if skipped:
        line += f"; skipped {skipped:,} problem file{_s(skipped)} (scan_image_folder lists them)"
    else:
        line += "; nothing skipped"
    empty = [name for name, count in scan.classes.items() if count == 0]
    if empty:
        line += f"; no images in class{'' if len(empty) == 1 else 'es'} {', '.join(empty)}"
    return line


def _s(n: int) -> str:
    return "" if n == 1 else "s"


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
    if validation_split is None:
        return
    if (not isinstance(validation_split, Real) or isinstance(validation_split, bool)
            or not 0 < validation_split < 1):
        raise ValueError(f"validation_split must be a fraction between 0 and 1 (like 0.2) or "
                         f"None; you gave {validation_split!r}.")
