"""The check of lesson 05's Exercise 4: a ``tf.data`` training pipeline the learner writes.

The check runs the learner's ``make_pipeline(ds)`` on a small dataset of
numbered images and inspects what comes out: the element spec, two epochs of
batches (which images, in which order, how often read from the source) and,
as far as TensorFlow shows them, the steps of the pipeline. TensorFlow is
imported when the check runs, not when this module is imported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import call, error, kind, not_callable, report, show

__all__ = ["check_pipeline"]

# The check's dataset: 100 single images, like load_image_folder(..., batch_size=None) gives
# (float32, values 0 to 255, int32 labels). Every pixel of image i is 100 + i, and its label
# is i % 4, so the check can tell from a batch which images came in which order.
_N_IMAGES = 100
_FIRST_VALUE = 100
_IMAGE_SHAPE = (6, 8, 3)
_BATCH = 32


def check_pipeline(make_pipeline: Any) -> bool:
    """Check Exercise 4 of lesson 05: a ``tf.data`` training pipeline.

    Pass your function (without calling it). It gets a dataset of single
    ``(image, label)`` pairs, float32 images with values 0 to 255, as
    ``load_image_folder(..., batch_size=None)`` gives, and returns the
    pipeline that ``fit`` trains on: images cast to uint8, cached, shuffled
    in a new order every epoch, in batches of 32, prefetched::

        check_pipeline(make_pipeline)

    The check runs your function on 100 numbered images of 6×8 pixels and
    reads two epochs from what it returns: the dtype and shape of the
    batches, which images come in which order, and how often the images
    are read from the source. It also looks at the steps of the pipeline
    (where the cache is, what comes last) as far as TensorFlow shows them.
    """
    problem = not_callable("check_pipeline", "make_pipeline", make_pipeline)
    if problem:
        return report(False, problem)
    try:
        return _check_pipeline(make_pipeline)
    except Exception as exc:  # noqa: BLE001 - a check never raises, whatever it gets
        return report(False, f"the check could not read your dataset: {error(exc)}")


def _check_pipeline(make_pipeline: Any) -> bool:
    import tensorflow as tf

    reads: list[int] = []
    source = _numbered_images(tf, reads)
    result, problem = call("make_pipeline(ds)", make_pipeline, source)
    if problem:
        return report(False, problem)
    if result is None:
        return report(False, "make_pipeline(ds) returned None: end your function with "
                             "return ds (the dataset you built).")
    if not isinstance(result, tf.data.Dataset):
        return report(False, f"make_pipeline(ds) returned {kind(result)} ({show(result)}); "
                             f"return the tf.data.Dataset itself, the one you built with "
                             f"ds.map(...), .cache(), ...")
    if int(result.cardinality()) == int(tf.data.INFINITE_CARDINALITY):
        return report(False, "your dataset never ends: leave out .repeat(); fit goes through "
                             "the dataset once per epoch by itself.")
    problem = _spec_problem(tf, result.element_spec)
    if problem and "cast them to tf.uint8" in problem and _looks_divided(result):
        problem += " Do not divide by 255: the model's Rescaling layer does that."
    if problem:
        return report(False, problem)

    epochs = []
    for _ in range(2):
        epoch, problem = _read_epoch(result)
        if problem:
            return report(False, problem)
        epochs.append(epoch)
    problem = (_contents_problem(epochs[0]) or _cache_problem(len(reads))
               or _order_problem(epochs) or _structure_problem(result))
    if problem:
        return report(False, problem)
    return report(True, "uint8 batches of 32, read from the source once (cached), shuffled "
                        "anew every epoch, and prefetched: the pipeline section 3 uses.")


def _numbered_images(tf: Any, reads: list[int]) -> Any:
    """The check's source dataset; it appends to ``reads`` each time it produces an image."""
    def read(i: Any) -> Any:
        reads.append(int(i))
        return i

    def load(i: Any) -> tuple[Any, Any]:
        i = tf.py_function(read, [i], tf.int64)
        i.set_shape(())
        image = tf.fill(_IMAGE_SHAPE, tf.cast(i + _FIRST_VALUE, tf.float32))
        return image, tf.cast(i % 4, tf.int32)

    return tf.data.Dataset.from_tensor_slices(tf.range(_N_IMAGES, dtype=tf.int64)).map(load)


def _spec_problem(tf: Any, spec: Any) -> str | None:
    """What is wrong with the element_spec: pairs, uint8 images, batches of 6×8×3 images."""
    if not (isinstance(spec, tuple) and len(spec) == 2
            and all(isinstance(s, tf.TensorSpec) for s in spec)):
        return (f"each element of your dataset should still be a pair (images, labels); yours "
                f"is {show(spec)}. A .map function must return both: lambda image, label: "
                f"(tf.cast(image, tf.uint8), label).")
    images, labels = spec
    shape = tuple(images.shape.as_list()) if images.shape.rank is not None else None
    if images.dtype != tf.uint8:
        return (f"the images are {images.dtype.name}; cast them to tf.uint8 with .map(...) "
                f"before .cache(), so the cache takes a quarter of the memory.")
    if shape is None:
        return "the images have no known shape; keep them as the dataset gives them."
    if len(shape) == 3:
        return ("the images are not in batches (one image of 6×8×3 at a time): add "
                ".batch(32) after .shuffle(...).")
    if len(shape) == 5:
        return ("the images are batched twice (batches of batches): the dataset you get holds "
                "single images, so call .batch(32) once.")
    if len(shape) != 4 or shape[1:] != _IMAGE_SHAPE:
        return (f"the batches have the shape {shape}; expected (32, 6, 8, 3): batches of the "
                f"images as they are. Only cast, cache, shuffle, batch and prefetch.")
    if labels.dtype not in (tf.int32, tf.int64) or labels.shape.rank != 1:
        return (f"the labels changed (now {labels.dtype.name} of shape "
                f"{labels.shape.as_list()}); keep them as they are, one class number per "
                f"image.")
    return None


def _looks_divided(dataset: Any) -> bool:
    """True when the first element's pixels are all between 0 and 1 (divided by 255)."""
    try:
        images = np.asarray(next(iter(dataset))[0], dtype=float)
    except Exception:  # noqa: BLE001 - only a hint: no hint when the dataset cannot be read
        return False
    return bool(images.size) and float(images.max()) <= 1.0 and float(images.min()) >= 0.0


class _Epoch:
    """What one pass over the learner's dataset gave."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.batches: list[tuple[int, ...]] = []
        self.changed = False  # pixels or labels no longer match the image numbers


def _read_epoch(dataset: Any) -> tuple[_Epoch, str | None]:
    """Read one epoch (at most a few times the expected number of batches)."""
    epoch = _Epoch()
    limit = 4 * _N_IMAGES
    for images, labels in dataset:
        pixels = np.asarray(images)
        flat = pixels.reshape(len(pixels), -1).astype(int) - _FIRST_VALUE
        ids = flat[:, 0]
        if (flat != ids[:, None]).any() or (np.asarray(labels) != ids % 4).any():
            epoch.changed = True
        epoch.ids += ids.tolist()
        epoch.batches.append(tuple(ids.tolist()))
        if len(epoch.ids) > limit:
            return epoch, (f"one epoch of your dataset gives more than {limit} images from "
                           f"{_N_IMAGES}: leave out .repeat(); fit repeats by itself.")
    return epoch, None


def _contents_problem(epoch: _Epoch) -> str | None:
    """Are all 100 images there, once, unchanged, in batches of 32?"""
    if epoch.changed:
        return ("the pixel values or labels changed: only cast the images with "
                "tf.cast(image, tf.uint8) (tf.image.convert_image_dtype or dividing by 255 "
                "changes the values 0-255 the model's Rescaling layer expects).")
    n = len(epoch.ids)
    sizes = [len(batch) for batch in epoch.batches]
    if n < _N_IMAGES:
        if sizes and all(size == sizes[0] for size in sizes) and _N_IMAGES - n < sizes[0]:
            return (f"an epoch gives {n} of the {_N_IMAGES} images: drop_remainder=True drops "
                    f"the last, smaller batch; leave it out.")
        return (f"an epoch gives only {n} of the {_N_IMAGES} images; do not .take(...) or "
                f".filter(...): keep every image.")
    if n > _N_IMAGES or len(set(epoch.ids)) != _N_IMAGES:
        return (f"an epoch gives {n} images, some of them more than once, from "
                f"{_N_IMAGES}: leave out .repeat() and make the batches once.")
    if max(sizes) != _BATCH:  # the largest: a reshuffled last batch may come first
        return (f"the batches hold {max(sizes)} images; use batches of 32 (BATCH_SIZE): "
                f".batch(32).")
    return None


def _cache_problem(n_reads: int) -> str | None:
    if n_reads >= 2 * _N_IMAGES:
        return ("the images are read from the source again in the second epoch: add "
                ".cache() after the cast (and before .shuffle(...)), so that only the first "
                "epoch reads and decodes the files.")
    return None


def _order_problem(epochs: list[_Epoch]) -> str | None:
    """Is the order new in every epoch, and mixed across the whole dataset?"""
    first, second = epochs
    if first.ids == second.ids:
        if first.ids == sorted(first.ids):
            return ("the images come in the same order in every epoch, the order they are "
                    "stored in (a folder is sorted by class): add .shuffle(...) after "
                    ".cache().")
        return ("both epochs give the images in the same shuffled order: .cache() stores the "
                "order it sees in the first epoch, so a .shuffle() before it (or one with "
                "reshuffle_each_iteration=False) is replayed; shuffle after .cache().")
    if sorted(first.batches) == sorted(second.batches):
        return ("every epoch gives the same batches, only in another order: you shuffled "
                "after .batch(). Shuffle the single images, then batch them.")
    moved = max(max(ids[i] - i for i in range(len(ids))) for ids in (first.ids, second.ids))
    if moved < _N_IMAGES // 2:
        return (f"an image moves at most {moved} places ahead: the shuffle buffer is small, so "
                f"images of one class stay together. Give .shuffle() a buffer as large as the "
                f"dataset, such as len(ds).")
    return None


def _structure_problem(dataset: Any) -> str | None:
    """The steps TensorFlow shows: what comes last, and what the cache stores."""
    steps = _steps(dataset)
    if not steps:  # this TensorFlow does not show its steps: nothing more to check
        return None
    names = [type(step).__name__ for step in steps]
    outer = next((name for name in names if "Options" not in name), "")
    if "Prefetch" not in outer:
        where = (" .prefetch() should be the last step, after .batch()."
                 if any("Prefetch" in name for name in names) else "")
        return (f"end with .prefetch(tf.data.AUTOTUNE): it prepares the next batch while the "
                f"model trains on this one.{where}")
    caches = [step for step in steps if "Cache" in type(step).__name__]
    if caches:
        spec = caches[0].element_spec
        dtype = getattr(spec[0], "dtype", None) if isinstance(spec, tuple) else None
        if dtype is not None and dtype.name != "uint8":
            return (f"the cache stores {dtype.name} images, 4 times the memory of uint8: cast "
                    f"to uint8 before .cache(), not after.")
    return None


def _steps(dataset: Any) -> list[Any]:
    """The datasets of a pipeline from the last step back to the source (best effort)."""
    steps = []
    try:
        while dataset is not None and len(steps) < 50:
            steps.append(dataset)
            inputs = dataset._inputs()  # TensorFlow's own method; a pipeline of one input
            dataset = inputs[0] if len(inputs) == 1 else None
    except Exception:  # noqa: BLE001 - another TensorFlow: fall back to the behaviour checks
        return []
    return steps
