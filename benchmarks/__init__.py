"""Timed, side-by-side runs of the course's model recipes.

Four recipes are measured, each in a fresh Python process so that its peak
memory is its own:

``seed_mnist`` and ``seed_cifar10``
    The recipes of the original tutorials this course started from,
    reproduced faithfully (float32 copies of the images, one-hot CIFAR
    labels, the MNIST test set used as validation data).
``course_mnist`` and ``course_cifar10``
    The "better model" recipes lessons 01 and 02 teach, taken from
    ``course_utils.models`` (the benchmark does not define its own).

Commands (``python -m benchmarks --help``)::

    python -m benchmarks run course_cifar10 --json   # one recipe, one process
    python -m benchmarks bench                       # all four, writes results.md/.json
    python -m benchmarks report                      # results.md again from results.json
    python -m benchmarks augcost                     # augmented vs plain epoch time
    python -m benchmarks profile                     # where a training step's time goes

``make bench`` runs ``bench``. Nothing in the lessons imports this package.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()
"""When this package was first imported: the start of a ``python -m benchmarks`` process."""


def busy_cpu_seconds() -> float | None:
    """CPU seconds all processes on this machine have used since boot (None if unknown).

    Read from ``/proc/stat`` (Linux). Comparing it with this process's own CPU
    time shows whether other programs competed for the cores during a run.
    """
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks) - idle) / 100  # USER_HZ is 100 on Linux


STARTED_BUSY = busy_cpu_seconds()

RECIPE_NAMES: tuple[str, ...] = ("seed_mnist", "course_mnist", "seed_cifar10", "course_cifar10")
"""The recipes ``python -m benchmarks run`` knows, MNIST pair first."""
