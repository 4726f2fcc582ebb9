"""What a lesson calls from ``course_utils`` itself: setup, show_source, check_environment.

- ``setup()`` is the first call of every lesson: seeds, deterministic ops,
  and a few lines that say what you are running on.
- ``show_source(function)`` shows the code of a recipe from
  ``course_utils`` in the notebook, so nothing a lesson uses is hidden
  (``source_of`` returns it instead).
- ``check_environment()`` ends lesson 00: are the packages installed in
  the right versions, and which datasets are there already?
- ``machine_info()`` describes the computer for timing reports.

TensorFlow is imported only inside ``setup()``: ``import course_utils`` stays
fast and works where TensorFlow is broken.
"""

from __future__ import annotations

import datetime
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
    (the course's datasets shuffle themselves; see ``pipelines.batched_dataset``
    and ``folders.load_image_folder``).
    """
    if quiet_tf:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
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
    print(f"Data directory: {config.short_path(config.data_dir())}")
    if config.fast_mode():
        print(_fast_banner())
    sys.stdout.flush()


class Source:
    """Source code that Jupyter shows with syntax highlighting (plain text elsewhere)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        return self.code

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        from IPython.display import Code

        html = Code(self.code, language="python")._repr_html_()
        return {"text/plain": self.code, "text/html": html}


def source_of(obj: Any) -> Source:
    """Return the source code of a function or class as a ``Source`` object.

    A notebook shows a ``Source`` with syntax highlighting when it is the last
    value of a cell; ``str()`` gives the plain code. ``show_source`` shows it
    at once instead, which is what a lesson wants.
    """
    import inspect

    try:
        return Source(inspect.getsource(obj))
    except (TypeError, OSError) as err:
        raise ValueError(f"Cannot show the source of {obj!r}: {err}") from None


def show_source(obj: Any) -> None:
    """Show the source code of a function or class, right away, like ``print``.

    Lessons use it to show the model recipes that live in ``course_utils.models``.
    Every call shows its code, also when a cell makes several::

        course_utils.show_source(models.better_cifar_cnn)
        course_utils.show_source(models.conv_block)

    In Jupyter the code is highlighted; elsewhere it is printed.
    """
    source = source_of(obj)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(source)
    else:
        print(source.code, end="" if source.code.endswith("\n") else "\n")


_DATASET_HINTS = {
    "missing": "a lesson downloads it the first time it needs it",
    "damaged": "delete it and run `python -m course_utils fetch {name}`",
}


def check_environment() -> bool:
    """Print whether everything the course needs is there; return True when nothing is wrong.

    Lesson 00 ends with this check. One row a package of ``requirements.txt``
    with its version range, from ``course_utils.packages`` (``python -m
    course_utils doctor`` shows the same rows, and more): ``OK`` and the
    version, ``MISSING`` when it is not installed, ``WRONG VERSION`` when its
    version is outside the range, each problem with the command that fixes
    it. ``tensorflow-cpu`` (Binder), ``tensorflow-intel`` and
    ``tensorflow-macos`` count as TensorFlow. Then, for each dataset, what
    ``data.dataset_status`` sees at a quick look: ``present``, ``missing``
    (fine: a lesson downloads it when it needs it) or ``damaged`` (delete it
    and fetch it again), with the reason.

    Returns False when a package is missing or in a wrong version, or a
    dataset is damaged.
    """
    from . import data, packages

    rows = packages.check_packages()
    width = max(14, *(len(row.name) + 2 for row in rows))
    print(f"{'package':<{width}}{'status':<15}detail")
    for row in rows:
        status = "OK" if row.ok else "MISSING" if row.installed is None else "WRONG VERSION"
        print(f"{row.name:<{width}}{status:<15}{row.detail}")
        if row.fix:
            print(f"{'':<{width}}{'':<15}fix: {row.fix}")
    packages_ok = all(row.ok for row in rows)
    print(f"\nData directory: {config.short_path(config.data_dir())}")
    damaged = False
    for name in data.DATASETS:
        found = data.dataset_status(name, quick=True)
        damaged = damaged or found.state == "damaged"
        hint = _DATASET_HINTS.get(found.state, "").format(name=name)
        print(f"  {name:<13}{found.state:<10}{found.reason}" + (f": {hint}" if hint else ""))
    print("\nAll packages are installed." if packages_ok
          else "\nSome packages are missing or in the wrong version: see the fixes above.")
    if damaged:
        print("A dataset is damaged: see its line above.")
    return packages_ok and not damaged


def machine_info() -> dict[str, Any]:
    """Describe this computer for a timing report: CPU model, cores, versions, date.

    Returns a dict with ``cpu`` (the model name from ``/proc/cpuinfo`` where
    there is one), ``cores``, ``python``, ``platform``, ``tensorflow`` and
    ``keras`` (installed versions, read without importing TensorFlow) and
    ``date`` (today, ISO format). ``docs/measure_lessons.py`` and the
    benchmarks write it next to their measurements.
    """
    from .packages import installed_version

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
        "tensorflow": installed_version("tensorflow"),  # or tensorflow-cpu, ...
        "keras": installed_version("keras"),
        "date": datetime.date.today().isoformat(),
    }
