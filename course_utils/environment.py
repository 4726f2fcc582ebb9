"""``setup()``: the first call of every lesson."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import sys
import warnings
from pathlib import Path
from typing import Any

from . import config

BANNER_WIDTH = 72


def _fast_banner() -> str:
    line = "=" * BANNER_WIDTH
    text = (
        "FAST MODE (COURSE_FAST=1): small data, 1 epoch. "
        "Accuracies below are not meaningful."
    )
    return f"{line}\n{text}\n{line}"


def _determinism_state(requested: bool) -> str:
    if not config.deterministic_ops_enabled():
        return "off"
    if requested:
        return "on"
    return "on (switched on earlier in this session; restart the kernel to switch them off)"


def setup(
    seed: int = config.DEFAULT_SEED, quiet_tf: bool = True, deterministic: bool = True
) -> None:
    """Prepare a lesson: seed everything, make it repeatable, print what you are running on.

    Call it once at the top of a notebook::

        import course_utils
        course_utils.setup()

    It seeds Python, NumPy and TensorFlow with ``seed`` (through
    ``keras.utils.set_random_seed``) and, with ``deterministic=True`` (the
    default), switches on TensorFlow's deterministic ops, so that running the
    lesson again on the same computer prints the same numbers. Then it prints
    the Python, TensorFlow and Keras versions, the devices TensorFlow will
    use, the seed, whether deterministic ops are on, where the data lives and,
    in fast mode, a banner that says so.

    Deterministic ops stay on until the kernel restarts (see
    ``course_utils.config.enable_deterministic_ops``); ``deterministic=False``
    leaves them off in a fresh kernel, which can be faster on a GPU.

    ``quiet_tf=True`` hides TensorFlow's informational log lines, and Keras'
    warning that ``fit`` ignores ``shuffle=True`` for a ``tf.data`` dataset
    (the course's datasets shuffle themselves; see ``models.batched_dataset``
    and ``data.load_image_folder``).
    """
    if quiet_tf:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        warnings.filterwarnings("ignore", message="`shuffle=True` was passed, but will be ignored",
                                category=UserWarning)
    import keras
    import tensorflow as tf

    if quiet_tf:
        tf.get_logger().setLevel("ERROR")
    seed = config.set_seed(seed, deterministic=deterministic)

    gpus = tf.config.list_physical_devices("GPU")
    device = f"GPU x{len(gpus)}" if gpus else f"CPU only ({os.cpu_count()} cores)"
    print(
        f"Python {platform.python_version()} | TensorFlow {tf.__version__} "
        f"| Keras {keras.__version__}"
    )
    print(f"Device: {device}")
    print(f"Random seed: {seed}")
    print(f"Deterministic ops: {_determinism_state(deterministic)}")
    print(f"Data directory: {config.data_dir()}")
    if config.fast_mode():
        print(_fast_banner())
    sys.stdout.flush()


REQUIRED_PACKAGES = {
    "tensorflow": "tensorflow",
    "keras": "keras",
    "numpy": "numpy",
    "matplotlib": "matplotlib",
    "seaborn": "seaborn",
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "tqdm": "tqdm",
    "ipywidgets": "ipywidgets",
}


def check_environment() -> bool:
    """Print whether everything the course needs is installed, and return True if so.

    Lesson 00 ends with this check. For each package it prints ``OK`` and the
    version, or ``MISSING`` and the command that installs it. It also says
    which datasets are already in the data directory (missing ones are
    downloaded the first time a lesson needs them).
    """
    import importlib
    import importlib.metadata

    from . import data

    ok = True
    print(f"{'package':<14}{'status':<9}version")
    for module, dist in REQUIRED_PACKAGES.items():
        try:
            importlib.import_module(module)
            version = importlib.metadata.version(dist)
            print(f"{dist:<14}{'OK':<9}{version}")
        except ImportError:
            ok = False
            print(f"{dist:<14}{'MISSING':<9}fix: pip install -r requirements.txt")
    print()
    print(f"Data directory: {config.data_dir()}")
    for name in data.DATASETS:
        state = "present" if data.is_present(name) else "not yet downloaded"
        print(f"  {name:<12}{state}")
    print("\nAll packages are installed." if ok else "\nSome packages are missing: see above.")
    return ok


def _distribution_version(*names: str) -> str | None:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def machine_info() -> dict[str, Any]:
    """Describe this computer for a timing report: CPU model, cores, versions, date.

    Returns a dict with ``cpu`` (the model name from ``/proc/cpuinfo`` where
    there is one), ``cores``, ``python``, ``platform``, ``tensorflow`` and
    ``keras`` (installed versions, read without importing TensorFlow) and
    ``date`` (today, ISO format). ``docs/measure_lessons.py`` and the
    benchmarks write it next to their measurements.
    """
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "tensorflow": _distribution_version("tensorflow", "tensorflow-cpu"),
        "keras": _distribution_version("keras"),
        "date": datetime.date.today().isoformat(),
    }
