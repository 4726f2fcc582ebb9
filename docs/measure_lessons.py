"""Measure how long each lesson notebook runs, and keep the instructors' schedule in step.

Run it with the project's virtual environment, so the notebooks run on its ``python3`` kernel::

    COURSE_DATA_DIR=/path/to/data .venv/bin/python docs/measure_lessons.py \\
        [--modes fast full] [--lessons 00 01 ...] [--repeat N] [--write-outputs] [--table-only]

Each lesson runs top to bottom on a fresh kernel, in a temporary copy of the notebook, in fast
mode (``COURSE_FAST=1``) and/or full mode (``COURSE_FAST`` unset). For every lesson and mode it
records the wall-clock seconds of each run and their median, the kernel's peak resident memory
(``VmHWM`` from ``/proc``, Linux only) and the ``Test accuracy:`` the lesson prints, in
``docs/lesson_times.json``; entries measured earlier are kept, so fast and full mode can be
measured in separate runs. Then it rewrites the schedule table in ``docs/instructors.md``
between the ``<!-- schedule:start -->`` and ``<!-- schedule:end -->`` markers, with the
teaching and exercise minutes each lesson states under "Estimated time".

``--write-outputs`` (full mode only) saves the executed notebook over ``notebooks/NN_*.ipynb``,
so one run both refreshes the stored outputs and measures. ``--table-only`` runs nothing and
only regenerates the table from the JSON file.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from course_utils.environment import machine_info

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
RESULTS_PATH = ROOT / "docs" / "lesson_times.json"
GUIDE_PATH = ROOT / "docs" / "instructors.md"
START_MARKER = "<!-- schedule:start -->"
END_MARKER = "<!-- schedule:end -->"
MODES = ("fast", "full")
KERNEL_NAME = "python3"
MISSING = "—"

_ACCURACY = re.compile(r"Test accuracy:\s*([0-9]*\.?[0-9]+)")
_SECTION = re.compile(r"^(?:#+[ \t]*|\*\*)Estimated time", re.M | re.I)
_TOTAL = re.compile(r"(?:estimated time[^:]*:\s*)?about\s+(\d+)\s+minutes?\b", re.I)
_EXERCISES = re.compile(
    r"\b(\d+)(?:\s+minutes?)?(?:\s+of\s+them)?(?:\s+(?:are|is|of|for|on))?\s+exercises?\b", re.I
)
_TRAINING = re.compile(r"\b(\d+)\s+minutes?\s+(?:are|is)\s+training\b", re.I)


class MeasureError(RuntimeError):
    """Something the script needs is missing or malformed; the message says what to do."""


@dataclass(frozen=True)
class LessonTime:
    """The time a lesson states in its "Estimated time" text, in minutes."""

    total: int
    exercises: int
    training: int | None = None
    """Minutes of model training on a 2-core laptop, when the lesson states them."""

    @property
    def teaching(self) -> int:
        """Minutes that are not exercises (reading, running the cells, training)."""
        return self.total - self.exercises


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook: its file stem, short title and estimated time."""

    stem: str
    title: str
    time: LessonTime


@dataclass
class RunResult:
    """One top-to-bottom run of a notebook."""

    seconds: float
    peak_rss_mb: int | None
    test_accuracy: float | None
    notebook: nbformat.NotebookNode


# --------------------------------------------------------------------------- lessons


def lesson_paths(notebooks_dir: Path = NOTEBOOKS_DIR, only: Sequence[str] = ()) -> list[Path]:
    """Return the lesson notebooks ``NN_*.ipynb``, all or those whose number is in ``only``."""
    paths = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not only:
        return paths
    by_number = {p.name[:2]: p for p in paths}
    unknown = [n for n in only if n.zfill(2) not in by_number]
    if unknown:
        raise MeasureError(
            f"No lesson {', '.join(unknown)} in {notebooks_dir}; "
            f"the lessons are {', '.join(by_number)}."
        )
    return [by_number[n.zfill(2)] for n in dict.fromkeys(only)]


def parse_estimated_time(markdown: str, lesson: str = "lesson") -> LessonTime:
    """Read "about N minutes ... M ... exercises" from a lesson's "Estimated time" text.

    Two wordings are in use: a section ``## Estimated time ...`` followed by "About 45 minutes,
    15 of them exercises." and a bold lead-in "**Estimated time:** about 60 minutes, of which
    about 3 minutes are training ... and 20 minutes are exercises." Raises ``MeasureError``
    naming ``lesson`` when the text is missing or does not give both numbers.
    """
    match = _SECTION.search(markdown)
    if match is None:
        raise MeasureError(f"{lesson}: no 'Estimated time' heading or **Estimated time:** text.")
    paragraph = ""
    for block in re.split(r"\n[ \t]*\n", markdown[match.start() :]):
        lines = block.strip().splitlines()
        text_lines = [line for line in lines if not line.lstrip().startswith("#")]
        if text_lines:
            paragraph = " ".join(line.strip() for line in text_lines)
            break
    text = re.sub(r"[*_`]", "", paragraph)
    total = _TOTAL.match(text)
    exercises = _EXERCISES.findall(text)
    training = _TRAINING.findall(text)
    if total is None or len(exercises) != 1 or len(training) > 1:
        raise MeasureError(
            f"{lesson}: cannot read the estimated time from {paragraph!r}. Write it as "
            f"'About N minutes, M of them exercises.' or '**Estimated time:** about N minutes, "
            f"of which ... M minutes are exercises.'"
        )
    result = LessonTime(
        total=int(total.group(1)),
        exercises=int(exercises[0]),
        training=int(training[0]) if training else None,
    )
    if not 0 < result.exercises < result.total:
        raise MeasureError(
            f"{lesson}: {result.exercises} exercise minutes out of {result.total} in "
            f"{paragraph!r} does not add up."
        )
    return result


def read_lesson(path: Path) -> Lesson:
    """Read a lesson notebook's short title (from its ``# NN — Title`` heading) and time."""
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    heading = re.search(r"^#[ \t]+(.+)$", markdown, re.M)
    title = heading.group(1) if heading else path.stem
    title = re.split(r"\s+[—–-]\s+", title, maxsplit=1)[-1].split(":")[0].strip()
    return Lesson(stem=path.stem, title=title, time=parse_estimated_time(markdown, path.name))


# --------------------------------------------------------------------------- running


def kernel_env(mode: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """Return the kernel's environment for ``mode`` ("fast" or "full").

    Fast mode sets ``COURSE_FAST=1``; full mode removes ``COURSE_FAST``. ``COURSE_DATA_DIR``
    must be set, so a measurement never waits for (or fails on) a download.
    """
    if mode not in MODES:
        raise MeasureError(f"Unknown mode {mode!r}; choose from {', '.join(MODES)}.")
    env = dict(os.environ if base is None else base)
    if not env.get("COURSE_DATA_DIR", "").strip():
        raise MeasureError(
            "COURSE_DATA_DIR is not set. Point it at a complete course data directory, e.g. "
            "`.venv/bin/python ../shared/data/make_course_data.py /tmp/w/cd` and then "
            "`COURSE_DATA_DIR=/tmp/w/cd .venv/bin/python docs/measure_lessons.py`."
        )
    env.pop("COURSE_FAST", None)
    if mode == "fast":
        env["COURSE_FAST"] = "1"
    return env


def read_peak_rss_mb(pid: int | None) -> int | None:
    """Return the peak resident memory (``VmHWM``) of process ``pid`` in MiB, if readable."""
    if pid is None:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.M)
    return round(int(match.group(1)) / 1024) if match else None


def find_test_accuracy(nb: nbformat.NotebookNode) -> float | None:
    """Return the number of the last ``Test accuracy: 0.xxxx`` line a notebook printed."""
    found: float | None = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            text = "".join(text) if isinstance(text, list) else text
            for match in _ACCURACY.finditer(text):
                found = float(match.group(1))
    return found


def run_notebook(path: Path, env: dict[str, str], timeout: int | None = 1800) -> RunResult:
    """Run a copy of notebook ``path`` top to bottom on a fresh kernel, in a temporary folder.

    Returns the wall-clock seconds (kernel start included), the kernel's peak memory, the
    printed test accuracy and the executed notebook. A cell error raises nbclient's
    ``CellExecutionError``; a kernel that dies (out of memory, say) raises ``DeadKernelError``.
    The kernel process's own output goes to a log that is printed only when something fails.
    """
    from nbclient import NotebookClient

    peak: list[int | None] = [None]

    def on_cell_executed(**_: Any) -> None:
        # VmHWM is a high-water mark: reading it after each cell loses nothing in between.
        provisioner = getattr(client.km, "provisioner", None)
        peak[0] = read_peak_rss_mb(getattr(provisioner, "pid", None)) or peak[0]

    with tempfile.TemporaryDirectory(prefix=f"measure-{path.stem}-") as tmp:
        copied = Path(shutil.copy2(path, Path(tmp) / path.name))
        nb = nbformat.read(copied, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name=KERNEL_NAME,
            timeout=timeout,
            resources={"metadata": {"path": tmp}},
            on_cell_executed=on_cell_executed,
        )
        log_path = Path(tmp) / "kernel.log"  # TensorFlow's start-up lines, kept out of sight
        with open(log_path, "w") as log:
            start = time.perf_counter()
            try:
                client.execute(env=env, stdout=log, stderr=log)
            except Exception:
                print(f"kernel log:\n{log_path.read_text(errors='replace')[-2000:]}",
                      file=sys.stderr)
                raise
            seconds = time.perf_counter() - start
    return RunResult(
        seconds=seconds,
        peak_rss_mb=peak[0],
        test_accuracy=find_test_accuracy(nb),
        notebook=nb,
    )


def write_outputs(path: Path, executed: nbformat.NotebookNode) -> None:
    """Save an executed notebook over ``path``, keeping its kernelspec and jupytext metadata.

    Only outputs (and execution counts, timing and widget state) change, so the py:percent
    twin stays as it is; a warning is printed if jupytext renders the notebook differently.
    """
    original = nbformat.read(path, as_version=4)
    executed = copy.deepcopy(executed)
    for key in ("kernelspec", "jupytext"):
        if key in original.metadata:
            executed.metadata[key] = original.metadata[key]
    nbformat.validate(executed)
    nbformat.write(executed, path)
    twin = path.parent.parent / "notebooks_py" / f"{path.stem}.py"
    try:
        import jupytext
    except ImportError:
        return
    if twin.exists() and jupytext.writes(executed, fmt="py:percent") != twin.read_text():
        print(f"warning: {twin.name} no longer matches {path.name}; run jupytext --sync")


# --------------------------------------------------------------------------- results


def load_results(path: Path = RESULTS_PATH) -> dict[str, Any]:
    """Read the results file, or return an empty one when it does not exist yet."""
    if not path.exists():
        return {"machine": {}, "lessons": {}}
    results = json.loads(path.read_text())
    results.setdefault("machine", {})
    results.setdefault("lessons", {})
    return results


def save_results(results: dict[str, Any], path: Path = RESULTS_PATH) -> None:
    """Write the results file (lessons sorted, two-space indent, final newline)."""
    results = {**results, "lessons": dict(sorted(results["lessons"].items()))}
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def record(results: dict[str, Any], stem: str, mode: str, runs: Sequence[RunResult]) -> None:
    """Store the runs of one lesson and mode in ``results``, replacing an older entry."""
    seconds = [round(r.seconds, 1) for r in runs]
    peaks = [r.peak_rss_mb for r in runs if r.peak_rss_mb is not None]
    results["lessons"].setdefault(stem, {})[mode] = {
        "seconds": seconds,
        "median": round(statistics.median(seconds), 1),
        "peak_rss_mb": max(peaks) if peaks else None,
        "test_accuracy": runs[-1].test_accuracy,
        "date": datetime.date.today().isoformat(),
    }


# --------------------------------------------------------------------------- the table


def format_duration(seconds: float | None) -> str:
    """Format seconds as ``m:ss`` (rounded to the second), or a dash when unknown."""
    if seconds is None:
        return MISSING
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _median(results: dict[str, Any], stem: str, mode: str) -> float | None:
    return results["lessons"].get(stem, {}).get(mode, {}).get("median")


def render_table(results: dict[str, Any], lessons: Sequence[Lesson]) -> str:
    """Render the schedule table (and the machine line) as markdown, without the markers."""
    lines = [
        "| lesson | teaching (min) | exercises (min) | run time, full mode | "
        "run time, fast mode | peak memory, full mode |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for lesson in lessons:
        full = results["lessons"].get(lesson.stem, {}).get("full", {})
        peak = full.get("peak_rss_mb")
        lines.append(
            f"| [{lesson.stem[:2]} {lesson.title}](../notebooks/{lesson.stem}.ipynb) "
            f"| {lesson.time.teaching} | {lesson.time.exercises} "
            f"| {format_duration(_median(results, lesson.stem, 'full'))} "
            f"| {format_duration(_median(results, lesson.stem, 'fast'))} "
            f"| {f'{peak} MB' if peak is not None else MISSING} |"
        )
    totals = []
    for mode in ("full", "fast"):
        medians = [_median(results, lesson.stem, mode) for lesson in lessons]
        known = [m for m in medians if m is not None]
        totals.append(format_duration(sum(known)) if len(known) == len(medians) else MISSING)
    peaks = [
        results["lessons"].get(lesson.stem, {}).get("full", {}).get("peak_rss_mb")
        for lesson in lessons
    ]
    known_peaks = [p for p in peaks if p is not None]
    all_known = bool(peaks) and len(known_peaks) == len(peaks)
    max_peak = f"max {max(known_peaks)} MB" if all_known else MISSING
    lines.append(
        f"| **total** | **{sum(lesson.time.teaching for lesson in lessons)}** "
        f"| **{sum(lesson.time.exercises for lesson in lessons)}** "
        f"| **{totals[0]}** | **{totals[1]}** | {max_peak} |"
    )
    machine = results.get("machine", {})
    dates = sorted(
        entry["date"]
        for modes in results["lessons"].values()
        for entry in modes.values()
        if "date" in entry
    )
    when = dates[0] if dates and dates[0] == dates[-1] else " to ".join(dates[:1] + dates[-1:])
    default_cpu = machine.get("cpu", "an unknown CPU")
    cores = f"{machine.get('cores', '?')} cores"
    # Which CPU timed which lessons, per mode: "(full mode on A (lessons 00, 01); fast mode on
    # B (lesson 00) and A (lesson 01); 2 cores)". One CPU for everything is named once.
    by_mode: dict[str, dict[str, list[str]]] = {}
    for stem, modes in sorted(results["lessons"].items()):
        for mode, entry in modes.items():
            by_mode.setdefault(mode, {}).setdefault(entry.get("cpu", default_cpu), []).append(
                stem[:2])
    if len({cpu for by_cpu in by_mode.values() for cpu in by_cpu}) > 1:
        per_mode = [
            f"{mode} mode on " + " and ".join(
                f"{cpu} (lesson{'s' if len(stems) > 1 else ''} {', '.join(stems)})"
                for cpu, stems in by_mode[mode].items())
            for mode in ("full", "fast") if mode in by_mode]
        where = f"({'; '.join(per_mode)}; {cores})"
    else:
        where = f"on {default_cpu} ({cores})"
    lines += [
        "",
        f"Run times: median wall-clock time of a top-to-bottom run on a fresh kernel "
        f"(kernel start included), measured with `docs/measure_lessons.py` {where}, "
        f"TensorFlow {machine.get('tensorflow', '?')}, {when or 'no date'}. "
        f"{MISSING} = not measured yet.",
    ]
    return "\n".join(lines)


def replace_between_markers(text: str, block: str) -> str:
    """Put ``block`` between the schedule markers in ``text``, keeping everything else."""
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start < 0 or end < start or text.count(START_MARKER) != 1 or text.count(END_MARKER) != 1:
        raise MeasureError(
            f"The guide needs exactly one {START_MARKER} followed by one {END_MARKER}."
        )
    return f"{text[: start + len(START_MARKER)]}\n{block}\n{text[end:]}"


def update_guide(
    results: dict[str, Any], guide: Path = GUIDE_PATH, notebooks_dir: Path = NOTEBOOKS_DIR
) -> None:
    """Regenerate the schedule table in ``guide`` from ``results`` and the notebooks."""
    if not guide.exists():
        raise MeasureError(f"{guide} does not exist; it must hold the schedule markers.")
    lessons = [read_lesson(p) for p in lesson_paths(notebooks_dir)]
    table = render_table(results, lessons)
    guide.write_text(replace_between_markers(guide.read_text(), table))


# --------------------------------------------------------------------------- command line


def _measure(args: argparse.Namespace) -> int:
    """Run the selected lessons in the selected modes; return the exit status."""
    envs = {mode: kernel_env(mode) for mode in args.modes}
    paths = lesson_paths(NOTEBOOKS_DIR, args.lessons)
    for path in paths:  # fail before running anything when a time cannot be read
        read_lesson(path)
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    results = load_results(RESULTS_PATH)
    machine = machine_info()
    old = results.get("machine", {})
    if old and (old.get("cpu"), old.get("cores")) != (machine["cpu"], machine["cores"]):
        print(f"warning: earlier entries were measured on {old.get('cpu')}; keep or re-run them")
        for modes in results["lessons"].values():  # the table says which CPU ran which lesson
            for entry in modes.values():
                entry.setdefault("cpu", old.get("cpu"))
    results["machine"] = machine
    failed = []
    for mode in args.modes:
        for path in paths:
            runs: list[RunResult] = []
            for i in range(args.repeat):
                print(f"{path.stem} {mode} run {i + 1}/{args.repeat} ...", end=" ", flush=True)
                try:
                    run = run_notebook(path, envs[mode], timeout=args.timeout)
                except (CellExecutionError, DeadKernelError, TimeoutError) as err:
                    print(f"FAILED\n{str(err)[-2000:]}", file=sys.stderr)
                    failed.append(f"{path.stem} ({mode})")
                    break
                runs.append(run)
                print(
                    f"{run.seconds:.1f} s, peak {run.peak_rss_mb} MB, "
                    f"test accuracy {run.test_accuracy}",
                    flush=True,
                )
            if len(runs) == args.repeat:
                record(results, path.stem, mode, runs)
                results["lessons"][path.stem][mode]["cpu"] = machine["cpu"]
                save_results(results, RESULTS_PATH)
                if args.write_outputs and mode == "full":
                    write_outputs(path, runs[-1].notebook)
                    print(f"wrote the outputs to {path.relative_to(ROOT)}")
    update_guide(results)
    print(f"updated {RESULTS_PATH.relative_to(ROOT)} and {GUIDE_PATH.relative_to(ROOT)}")
    if failed:
        print(f"error: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, measure (or only render the table); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="measure_lessons.py",
        description="Time every lesson notebook in fast and/or full mode and update the "
        "schedule table in docs/instructors.md. Needs COURSE_DATA_DIR.",
    )
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--lessons", nargs="+", default=[], metavar="NN",
                        help="lesson numbers such as 00 01 (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per lesson and mode (median)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed per cell")
    parser.add_argument("--write-outputs", action="store_true",
                        help="save the executed notebook over notebooks/NN_*.ipynb (full mode)")
    parser.add_argument("--table-only", action="store_true",
                        help="run nothing; regenerate the table from docs/lesson_times.json")
    args = parser.parse_args(argv)
    try:
        if args.table_only:
            update_guide(load_results(RESULTS_PATH))
            print(f"updated {GUIDE_PATH.relative_to(ROOT)}")
            return 0
        if args.repeat < 1:
            raise MeasureError("--repeat must be at least 1.")
        if args.write_outputs and "full" not in args.modes:
            raise MeasureError("--write-outputs stores full-mode outputs: add --modes full.")
        return _measure(args)
    except MeasureError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
