"""Course-wide switches: where the data lives, fast mode, seeding and deterministic ops.

Three environment variables change how the course behaves:

``COURSE_DATA_DIR``
    The folder that holds the datasets (default: a per-user cache folder,
    shown by ``python -m course_utils fetch --where``).
``COURSE_DATA_MIRROR``
    A base URL to download the same files from instead of the official hosts,
    for example a workshop's LAN mirror.
``COURSE_FAST``
    ``1`` turns on *fast mode*: lessons train on a small slice of the data for
    one epoch, so a whole notebook runs in seconds. Used by the tests; every
    cell still runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

APP_NAME = "cnn-course"
DEFAULT_SEED = 42

_TRUE = {"1", "true", "yes", "on"}

T = TypeVar("T")


def data_dir() -> Path:
    """Return the folder that holds the course datasets.

    It is ``$COURSE_DATA_DIR`` when that is set, otherwise a per-user cache
    folder such as ``~/.cache/cnn-course`` on Linux. The folder is not created
    here: the download code creates it when it needs to write.
    """
    env = os.environ.get("COURSE_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def short_path(path: str | os.PathLike[str]) -> str:
    """Return ``path`` the way a lesson prints it: without the folders of this computer.

    Inside the data directory it becomes ``$COURSE_DATA_DIR/...`` when that
    variable chose the folder, else ``~/...``; inside your home folder
    ``~/...``; inside the current folder a relative path such as
    ``saved_models/lesson06``. Only a path outside all three is printed
    whole. Stored lesson outputs then read the same on every computer::

        print("Files go to:", course_utils.short_path(save_dir))
    """
    target = Path(path).expanduser().absolute()
    env = os.environ.get("COURSE_DATA_DIR", "").strip()
    places: list[tuple[Path, str]] = []
    if env:
        places.append((data_dir(), "$COURSE_DATA_DIR"))
    places += [(Path.cwd(), ""), (Path.home(), "~")]
    for base, name in places:
        for candidate in {base, base.resolve()}:
            try:
                rest = target.relative_to(candidate)
            except ValueError:
                continue
            text = rest.as_posix()
            if not name:
                return text if text != "." else "."
            return name if text == "." else f"{name}/{text}"
    return str(target)


def data_mirror() -> str | None:
    """Return the base URL of the download mirror (``$COURSE_DATA_MIRROR``), or None."""
    env = os.environ.get("COURSE_DATA_MIRROR", "").strip()
    return env.rstrip("/") if env else None


def fast_mode() -> bool:
    """Return True when fast mode is on (``COURSE_FAST=1``).

    In fast mode the lessons train on a small slice of the data for one
    epoch. Numbers you see are then meaningless; the code paths are the same.
    """
    return os.environ.get("COURSE_FAST", "").strip().lower() in _TRUE


def epochs(n: int) -> int:
    """Return ``n`` epochs, or 1 in fast mode.

    Write ``model.fit(..., epochs=epochs(10))`` in a lesson: it reads as
    "ten epochs" and still finishes in seconds under test.
    """
    if n < 1:
        raise ValueError(f"epochs must be at least 1, got {n}")
    return 1 if fast_mode() else n


def fast_size(n: int, fast: int = 1000) -> int:
    """Return ``n``, or ``min(n, fast)`` in fast mode."""
    return min(n, fast) if fast_mode() else n


def shrink(*arrays: T, fast: int = 1000) -> tuple[T, ...]:
    """Return the arrays unchanged, or only their first ``fast`` rows in fast mode.

    All arrays must have the same length (images and their labels, say)::

        x_train, y_train = shrink(x_train, y_train)

    The first rows are kept (not a random sample), so fast mode is
    reproducible without a seed.
    """
    if not arrays:
        raise ValueError("shrink() needs at least one array")
    lengths = {len(a) for a in arrays}  # type: ignore[arg-type]
    if len(lengths) != 1:
        raise ValueError(f"shrink() needs arrays of one length, got lengths {sorted(lengths)}")
    if not fast_mode():
        return tuple(arrays)
    return tuple(a[:fast] for a in arrays)  # type: ignore[index]


def set_seed(seed: int = DEFAULT_SEED, deterministic: bool = False) -> int:
    """Seed Python's ``random``, NumPy and TensorFlow with one number.

    Uses ``keras.utils.set_random_seed``, so two runs with the same seed on
    the same machine start from the same weights and see batches in the
    same order. Returns the seed.

    ``deterministic=True`` also switches on TensorFlow's deterministic ops
    (see ``enable_deterministic_ops``), so that operations whose result can
    depend on thread timing give the same numbers every run.
    ``course_utils.setup()`` does this by default.
    """
    import keras
    import numpy as np

    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    keras.utils.set_random_seed(seed)
    np.random.seed(seed)
    if deterministic:
        enable_deterministic_ops()
    return seed


_deterministic_ops = False


def enable_deterministic_ops() -> None:
    """Make TensorFlow choose deterministic versions of its operations, for this whole process.

    Calls ``tf.config.experimental.enable_op_determinism()``. With it, and a
    seed set with ``set_seed``, two runs of the same notebook on the same
    machine give the same numbers, even where work is split over threads
    (for example random augmentation inside a parallel ``Dataset.map``).

    Three things to know:

    - It cannot be switched off again: restart the kernel (or Python) for that.
    - TensorFlow then refuses random operations when no seed is set
      ("Random ops require a seed to be set"); ``set_seed`` sets one.
    - Operations that have no deterministic version raise an error instead of
      running. None of the operations this course uses does so on a CPU.
      It can also be slower, mostly on GPUs.
    """
    global _deterministic_ops
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    _deterministic_ops = True


def deterministic_ops_enabled() -> bool:
    """Return True if TensorFlow's deterministic ops are on in this process.

    They are on after ``enable_deterministic_ops()`` (which ``setup()`` calls)
    or a direct call to ``tf.config.experimental.enable_op_determinism()``.
    """
    if _deterministic_ops:
        return True
    try:  # TensorFlow has no public getter; this one has existed since TF 2.8.
        from tensorflow.python.framework import config as tf_config

        return bool(tf_config.is_op_determinism_enabled())
    except (ImportError, AttributeError):
        return False
