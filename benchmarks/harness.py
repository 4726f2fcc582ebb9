"""Run recipes, measure time and memory, and collect the results.

``run_recipe`` trains one recipe in *this* process and returns a flat dict
(the JSON line ``python -m benchmarks run RECIPE --json`` prints).
``run_in_subprocess`` starts a fresh ``python -m benchmarks run`` for one
recipe and parses that line back, and ``bench`` does this for all four
recipes, side by side, and writes ``results.json`` and ``results.md``.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from course_utils.environment import machine_info

from . import RECIPE_NAMES, STARTED, STARTED_BUSY, busy_cpu_seconds

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"
LESSON_TIMES = ROOT / "docs" / "lesson_times.json"
"""The lessons' measured run times, written by ``docs/measure_lessons.py``."""

REQUIRED_KEYS: tuple[str, ...] = ("recipe", "test_acc", "train_s", "wall_s", "peak_rss_mb",
                                  "epochs")
"""Keys every result line has; ``parse_result_line`` checks them."""


# --------------------------------------------------------------------------- measuring


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux this is ``VmHWM`` from ``/proc/self/status`` (the high-water mark
    of *this* program, reset when the process started); elsewhere
    ``ru_maxrss`` (KiB on Linux, bytes on macOS).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def wall_seconds() -> float:
    """Seconds since this Python process started (or, failing that, since ``benchmarks`` loaded)."""
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:  # psutil missing or refused: fall back to the import time
        return time.perf_counter() - STARTED


def cpu_seconds() -> float:
    """User plus system CPU seconds this process used (all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def other_load(wall_s: float) -> float | None:
    """Cores other programs kept busy, on average, since this process started.

    Near 0 on a quiet machine; 1.0 means another program used a whole core
    all the time, and the timings of this run are not comparable.
    """
    now = busy_cpu_seconds()
    if now is None or STARTED_BUSY is None or wall_s <= 0:
        return None
    return round(max(now - STARTED_BUSY - cpu_seconds(), 0.0) / wall_s, 2)


# --------------------------------------------------------------------------- one run


def load_data(dataset: str, limit: int | None = None):
    """Load ``mnist`` or ``cifar10`` from the course data directory as a ``recipes.Data``.

    ``limit`` keeps only the first ``limit`` training and test images (for
    quick checks); in fast mode (``COURSE_FAST=1``) the default limit is 1,000.
    """
    from course_utils import config, data

    from .recipes import Data

    loader = {"mnist": data.load_mnist, "cifar10": data.load_cifar10}[dataset]
    (x_train, y_train), (x_test, y_test) = loader()
    if limit is None and config.fast_mode():
        limit = 1000
    if limit is not None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        x_train, y_train, x_test, y_test = (a[:limit] for a in (x_train, y_train, x_test, y_test))
    return Data(x_train, y_train, x_test, y_test)


def run_recipe(name: str, limit: int | None = None, epochs: int | None = None,
               steps: int | None = None, seed: int = 42) -> dict[str, Any]:
    """Train and evaluate recipe ``name`` in this process; return the measurements.

    ``epochs`` overrides the recipe's epoch count (1 in fast mode) and
    ``steps`` caps the batches per epoch (for quick checks). The
    returned dict has ``test_acc``, ``train_s`` (seconds in ``fit``),
    ``wall_s`` (seconds since the process started: imports, loading the
    data, training and the test evaluation), ``peak_rss_mb``, ``epochs`` and
    a few details (per-epoch training seconds, validation accuracies).
    """
    if name not in RECIPE_NAMES:
        raise ValueError(f"Unknown recipe {name!r}; choose one of {', '.join(RECIPE_NAMES)}.")
    from course_utils import config

    from .recipes import DATASET_OF, RECIPES

    if epochs is None and config.fast_mode():
        epochs = 1
    config.set_seed(seed)
    data = load_data(DATASET_OF[name], limit)
    outcome = RECIPES[name](data, epochs, steps)
    wall = wall_seconds()
    return {
        "recipe": name,
        "test_acc": round(outcome.test_acc, 4),
        "train_s": round(outcome.train_s, 1),
        "wall_s": round(wall, 1),
        "peak_rss_mb": peak_rss_mb(),
        "epochs": outcome.epochs,
        "cpu_s": round(cpu_seconds(), 1),
        "other_load": other_load(wall),
        "epoch_s": outcome.epoch_s,
        "val_acc": outcome.val_acc,
        "n_train": len(data.x_train),
        "n_test": len(data.x_test),
        "settings": outcome.settings,
        "fast_mode": config.fast_mode(),
    }


def parse_result_line(stdout: str) -> dict[str, Any]:
    """Parse the JSON object on the last non-empty line of ``run --json``'s output.

    Raises ``ValueError`` when there is no such line or a required key is missing.
    """
    lines = [line for line in stdout.strip().splitlines() if line.strip()]
    if not lines:
        raise ValueError("the run printed nothing")
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError as err:
        raise ValueError(f"the last line is not JSON: {lines[-1][:200]!r}") from err
    if not isinstance(result, dict):
        raise ValueError("the last line is JSON but not an object")
    missing = [key for key in REQUIRED_KEYS if key not in result]
    if missing:
        raise ValueError(f"the result has no {', '.join(missing)}")
    return result


def run_in_subprocess(name: str, *args: str, env: dict[str, str] | None = None,
                      timeout: float | None = None, echo: bool = True) -> dict[str, Any]:
    """Run ``python -m benchmarks run NAME --json ARGS`` in a fresh process; return its result.

    The child's output is echoed to stderr as it arrives (``echo=False`` to
    keep it quiet); the parent also records the child's wall time as seen
    from outside (``process_s``, which includes starting Python).
    """
    command = [sys.executable, "-m", "benchmarks", "run", name, "--json", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=None if echo else subprocess.DEVNULL, text=True)
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if echo:
            sys.stderr.write(line)
    returncode = proc.wait(timeout=timeout)
    if returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with code {returncode}")
    result = parse_result_line("".join(lines))
    result["process_s"] = round(time.perf_counter() - start, 1)
    return result


# --------------------------------------------------------------------------- lessons


def lesson_budget(path: Path = LESSON_TIMES) -> dict[str, dict[str, Any]]:
    """Each lesson's full-mode run time and peak memory, from ``docs/lesson_times.json``.

    ``docs/measure_lessons.py --modes full`` measures them (a whole notebook
    run in a fresh kernel); the report checks them against the course's
    budgets. Returns ``{lesson: {"full_s", "peak_rss_mb", "date"}}``, empty
    when the file does not exist or no lesson was measured in full mode.
    """
    if not Path(path).exists():
        return {}
    lessons = json.loads(Path(path).read_text()).get("lessons", {})
    budget = {}
    for name, modes in sorted(lessons.items()):
        full = modes.get("full")
        if full and full.get("median") is not None:
            budget[name] = {"full_s": full["median"], "peak_rss_mb": full.get("peak_rss_mb"),
                            "date": full.get("date")}
    return budget


# --------------------------------------------------------------------------- all four


def median_of(runs: list[dict[str, Any]], key: str) -> float:
    """The median of ``key`` over ``runs``."""
    return statistics.median(float(run[key]) for run in runs)


def bench(mnist_repeats: int = 3, cifar_repeats: int = 1, augcost: bool = True,
          profile: bool = True, out_json: Path = RESULTS_JSON, out_md: Path = RESULTS_MD,
          extra_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run every recipe in its own process, side by side; write results.json and results.md.

    The MNIST pair runs ``mnist_repeats`` times and the CIFAR-10 pair
    ``cifar_repeats`` times, seed and course recipe alternating so both see
    the same machine conditions. Then (unless switched off) the augmented
    vs plain epoch cost and the step profile of ``course_cifar10`` are
    measured, also in fresh processes. The ``notes`` of an existing
    ``out_json`` are kept. Returns the results dict.
    """
    from .report import write_report

    notes = json.loads(out_json.read_text()).get("notes", []) if out_json.exists() else []
    results: dict[str, Any] = {
        "machine": machine_info(),
        "repeats": {"seed_mnist": mnist_repeats, "course_mnist": mnist_repeats,
                    "seed_cifar10": cifar_repeats, "course_cifar10": cifar_repeats},
        "runs": {name: [] for name in RECIPE_NAMES},
        "notes": notes,  # kept from the previous results.json: findings written by hand
        "lessons": lesson_budget(),
    }
    plan = [("seed_mnist", "course_mnist")] * mnist_repeats
    plan += [("seed_cifar10", "course_cifar10")] * cifar_repeats
    for pair in plan:
        for name in pair:
            print(f"== {name}", file=sys.stderr, flush=True)
            results["runs"][name].append(run_in_subprocess(name, *extra_args))
            _save(results, out_json)
    if augcost:
        results["augmentation"] = _json_subcommand("augcost", *extra_args)
        _save(results, out_json)
    if profile:
        results["profile"] = _json_subcommand("profile", *extra_args)
        _save(results, out_json)
    write_report(out_json, out_md)
    return results


def _json_subcommand(command: str, *args: str) -> dict[str, Any]:
    """Run ``python -m benchmarks COMMAND --json`` in a fresh process and parse its last line."""
    out = subprocess.run([sys.executable, "-m", "benchmarks", command, "--json", *args],
                         cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True).stdout
    sys.stderr.write(out)
    lines = [line for line in out.splitlines() if line.strip()]
    return json.loads(lines[-1])


def _save(results: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(results, indent=1) + "\n")
