"""``python -m course_utils doctor``: is this computer ready for the course?

Each check returns a small ``Check`` row: a name, a status (``OK``, ``WARN`` or
``FAIL``), what was found and, for a FAIL, one sentence that says how to fix
it. ``run_checks()`` runs them all and returns the rows, so you can also call
it from a notebook::

    from course_utils import doctor
    for row in doctor.run_checks():
        print(row)

``WARN`` never blocks: a dataset that works but is not the official file,
optional model weights not downloaded yet. ``FAIL`` means a lesson will not
run until it is fixed.

The package rows come from ``course_utils.packages`` (``requirements.txt``'s
version ranges; lesson 00's ``check_environment()`` prints the same rows),
the dataset and weights rows from ``data.dataset_status`` (the loaders,
``fetch`` and the offline kit ask the same function). TensorFlow is imported in a separate
process, so the doctor itself never imports it. ``PYTHON_SUPPORTED`` is kept
equal to ``requires-python`` in ``pyproject.toml`` by a test.

``run_checks(hub=True)`` adds what the workshop hub of ``hub/`` needs (``check_hub``, which
``hub/preflight.py`` prints): its packages (``hub/requirements.txt``) and the
``configurable-http-proxy`` program (npm). ``run_checks(dev=True)`` (``doctor --dev``) adds
the course authors' tools of ``requirements-dev.txt`` (``check_dev``): pytest, the linters,
Sphinx and MyST-NB for ``make site``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from . import config, data, packages

OK, WARN, FAIL = "OK", "WARN", "FAIL"
GB = 1024**3
MIN_AVAILABLE_RAM = int(1.5 * GB)
"""Below this much free memory a lesson's TensorFlow kernel may be killed."""
MIN_FREE_DISK = 1 * GB
"""Free space the data directory needs while datasets are still to be downloaded."""

PYTHON_SUPPORTED = ">=3.10,<3.14"
"""Python versions TensorFlow 2.21 supports; the same as ``requires-python`` in pyproject.toml."""


@dataclass(frozen=True)
class Check:
    """One row of the doctor's table."""

    name: str
    status: str
    detail: str
    fix: str = ""


# --------------------------------------------------------------------------- Python, packages


def check_python() -> Check:
    """Is this Python version one that TensorFlow and the course support?"""
    version = ".".join(str(v) for v in sys.version_info[:3])
    if Version(version) in SpecifierSet(PYTHON_SUPPORTED):
        return Check("Python", OK, f"{version} ({sys.executable})")
    return Check(
        "Python", FAIL, f"{version} is not supported (need {PYTHON_SUPPORTED})",
        "Install Python 3.11 (3.10 to 3.13 work), then recreate .venv and reinstall.",
    )


def check_packages() -> list[Check]:
    """One row per requirement (see ``course_utils.packages.check_packages``)."""
    return [Check(row.name, OK if row.ok else FAIL, row.detail, row.fix)
            for row in packages.check_packages()]


def _on_colab() -> bool:
    return "COLAB_RELEASE_TAG" in os.environ or "google.colab" in sys.modules


def check_widgets() -> Check:
    """Can JupyterLab show ipywidgets (the quizzes and explorers)?"""
    if _on_colab():
        return Check("jupyterlab_widgets", OK, "not needed on Colab")
    version = packages.installed_version("jupyterlab_widgets")
    if version:
        return Check("jupyterlab_widgets", OK, f"{version} (widgets show in JupyterLab)")
    return Check("jupyterlab_widgets", FAIL, "not installed: quizzes will not show",
                 'Run: pip install "ipywidgets>=8.1,<9" (it brings jupyterlab_widgets).')


PROXY = "configurable-http-proxy"
"""The hub's proxy: a Node.js program (npm), not a Python package."""


def check_hub() -> list[Check]:
    """The workshop hub's needs: its packages (``hub/requirements.txt``) and the proxy program."""
    rows = [Check(row.name, OK if row.ok else FAIL, row.detail, row.fix)
            for row in packages.check_hub_packages()]
    fix = f"Install Node.js (with npm), then run: npm install -g {PROXY}"
    program = shutil.which(PROXY)
    if program is None:
        return [*rows, Check(PROXY, FAIL, "not found on PATH: the hub cannot start", fix)]
    try:
        result = subprocess.run([program, "--version"], capture_output=True, text=True,
                                timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return [*rows, Check(PROXY, FAIL, f"{program} does not run ({err})", fix)]
    version = result.stdout.strip()
    if result.returncode != 0 or not version:
        return [*rows, Check(PROXY, FAIL, f"{program} --version failed", fix)]
    return [*rows, Check(PROXY, OK, f"{version} ({program})")]


def check_dev() -> list[Check]:
    """The course authors' tools (``requirements-dev.txt``): tests, linters, the website."""
    return [Check(row.name, OK if row.ok else FAIL, row.detail, row.fix)
            for row in packages.check_dev_packages()]


# --------------------------------------------------------------------------- TensorFlow

_TF_PROBE = (
    "import json, os\n"
    "os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')\n"
    "import tensorflow as tf, keras\n"
    "print(json.dumps({'tf': tf.__version__, 'backend': keras.backend.backend(),\n"
    "    'gpus': len(tf.config.list_physical_devices('GPU'))}))\n"
)


@functools.lru_cache(maxsize=1)
def probe_tensorflow() -> dict:
    """Import TensorFlow in a separate process and report its version and devices.

    A separate process, because an unusable TensorFlow can crash Python
    outright (for example on a CPU without AVX). Returns ``{"error": ...}``
    when the import fails.
    """
    try:
        result = subprocess.run([sys.executable, "-c", _TF_PROBE], capture_output=True,
                                text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as err:
        return {"error": f"could not start Python to import it ({err})"}
    if result.returncode == 0:
        try:
            return json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"error": "the import printed nothing readable"}
    if result.returncode < 0:
        name = signal.Signals(-result.returncode).name
        hint = ": this CPU may lack AVX" if name == "SIGILL" else ""
        return {"error": f"Python crashed while importing it ({name}{hint})"}
    lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
    return {"error": lines[-1] if lines else f"exit status {result.returncode}"}


def check_tensorflow() -> list[Check]:
    """Does TensorFlow import, on which device, and is Keras using it?"""
    info = probe_tensorflow()
    if "error" in info:
        return [Check("TensorFlow import", FAIL, info["error"],
                      "Run pip install -r requirements.txt; if it still fails, use Colab.")]
    gpus = info.get("gpus", 0)
    device = f"GPU x{gpus}" if gpus else f"CPU only ({os.cpu_count()} cores), fine for the course"
    rows = [Check("TensorFlow import", OK, f"{info['tf']}, {device}")]
    backend = info.get("backend")
    if backend == "tensorflow":
        rows.append(Check("Keras backend", OK, "tensorflow"))
    else:
        rows.append(Check("Keras backend", FAIL, f"{backend} (the course needs tensorflow)",
                          "Unset KERAS_BACKEND or set it to tensorflow (~/.keras/keras.json)."))
    return rows


# --------------------------------------------------------------------------- memory, disk


def _read_kv(path: str) -> dict[str, int]:
    values = {}
    with open(path) as f:
        for line in f:
            parts = line.replace(":", " ").split()
            if len(parts) >= 2 and parts[1].isdigit():
                values[parts[0]] = int(parts[1]) * (1024 if parts[2:3] == ["kB"] else 1)
    return values


def _cgroup_limit() -> tuple[int, int] | None:
    """(limit, used) of this container's memory cgroup (v2 or v1), or None when unlimited."""
    for limit_file, used_file, stat_file, inactive in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current",
         "/sys/fs/cgroup/memory.stat", "inactive_file"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
         "/sys/fs/cgroup/memory/memory.usage_in_bytes",
         "/sys/fs/cgroup/memory/memory.stat", "total_inactive_file"),
    ):
        try:
            limit_text = Path(limit_file).read_text().strip()
            used = int(Path(used_file).read_text())
            cache = _read_kv(stat_file).get(inactive, 0)
        except (OSError, ValueError):
            continue
        if limit_text.isdigit() and int(limit_text) < 2**60:
            return int(limit_text), max(used - cache, 0)
    return None


def read_memory() -> tuple[int | None, int | None]:
    """Return (total, available) memory in bytes, None where it cannot be measured.

    Reads /proc/meminfo (Linux), else ``os.sysconf``; a container's memory
    limit (Binder, Docker) counts when it is smaller than the machine's RAM.
    """
    total = available = None
    try:
        info = _read_kv("/proc/meminfo")
        total, available = info.get("MemTotal"), info.get("MemAvailable")
    except OSError:
        try:
            total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            pass
    limit = _cgroup_limit()
    if limit and (total is None or limit[0] < total):
        total, available = limit[0], min(available or limit[0], limit[0] - limit[1])
    return total, available


def check_memory() -> Check:
    """Is there enough free memory for TensorFlow and a dataset?"""
    total, available = read_memory()
    if available is None:
        shown = f"{total / GB:.1f} GB total" if total else "unknown"
        return Check("Memory", WARN, f"{shown}; free memory could not be measured")
    detail = f"{available / GB:.1f} GB available of {(total or 0) / GB:.1f} GB"
    if available < MIN_AVAILABLE_RAM:
        return Check("Memory", FAIL, f"{detail} (need {MIN_AVAILABLE_RAM / GB:.1f} GB)",
                     "Close other programs and notebook kernels, or run the course on Colab.")
    return Check("Memory", OK, detail)


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_disk(root: Path, missing: list[str]) -> Check:
    """Is there room in the data directory for the datasets still to download (``missing``)?"""
    free = shutil.disk_usage(_existing_parent(root)).free
    detail = f"{free / GB:.1f} GB free at {root}"
    if missing and free < MIN_FREE_DISK:
        return Check("Disk space", FAIL, f"{detail}; {', '.join(missing)} still to download",
                     "Free some space or set COURSE_DATA_DIR to a folder on a larger disk.")
    return Check("Disk space", OK, detail)


def is_writable(folder: Path) -> bool:
    """Can files be created in ``folder`` (or, when it does not exist yet, where it would go)?"""
    try:
        with tempfile.TemporaryFile(dir=_existing_parent(folder)):
            return True
    except OSError:
        return False


def check_writable(root: Path, missing: list[str]) -> Check:
    """Can the data directory take the downloads still to do (``missing``), or is it complete?"""
    if is_writable(root):
        return Check("Data directory", OK, f"{root} (writable)")
    if not missing:
        return Check("Data directory", OK, f"{root} (read-only, but complete)")
    return Check("Data directory", FAIL,
                 f"{root} is read-only and {', '.join(missing)} still to download",
                 "Set COURSE_DATA_DIR to a folder you can write to.")


# --------------------------------------------------------------------------- datasets


_ROW_LABELS = {"dataset": "Data", "weights": "Weights"}


def check_dataset(found: data.DatasetStatus) -> Check:
    """A doctor row for one dataset (or model weights), from its ``data.dataset_status``.

    ``verified`` or ``present``: OK (WARN when it works but is not the
    official data); ``missing``: FAIL, with the fix (WARN for an optional
    entry, such as the ImageNet weights only an optional lesson section
    needs); ``damaged``: FAIL, with the fix.
    """
    entry = data.all_entries()[found.name]
    label = f"{_ROW_LABELS[entry.kind]}: {found.name}"
    if found.usable:
        return Check(label, WARN if found.official is False else OK, found.reason)
    fetch = f"python -m course_utils fetch {found.name}"
    if found.state == "missing" and entry.optional:
        return Check(label, WARN, f"{found.reason}; only {entry.optional} needs it",
                     f"Before {entry.optional}, run `{fetch}` (online) or unpack-data an "
                     f"offline kit that has it.")
    if found.state == "missing":
        return Check(label, FAIL, found.reason,
                     f"Run `{fetch}` (online) or unpack-data the offline kit you were given.")
    return Check(label, FAIL, found.reason,
                 f"Delete {found.path.name} from {found.path.parent} and run `{fetch}`.")


# --------------------------------------------------------------------------- all together


def run_checks(root: Path | None = None, quick: bool = False, hub: bool = False,
               dev: bool = False) -> list[Check]:
    """Run every check and return the rows (the data directory is ``root`` or the usual one).

    ``hub=True`` adds the workshop hub's rows (``check_hub``), ``dev=True`` the course
    authors' tools (``check_dev``).
    """
    root = root or config.data_dir()
    entries = data.all_entries()
    found = [data.dataset_status(name, root, quick) for name in entries]
    # Still to download: what every learner needs (the optional weights are a few MB).
    missing = [status.name for status in found
               if not status.usable and not entries[status.name].optional]
    rows = [check_python(), *check_packages(), check_widgets(), *check_tensorflow(),
            check_memory(), check_disk(root, missing), check_writable(root, missing)]
    rows += [check_dataset(status) for status in found]
    rows += check_hub() if hub else []
    return rows + (check_dev() if dev else [])


def summary(rows: list[Check]) -> str:
    """The last line of the report."""
    counts = {s: sum(r.status == s for r in rows) for s in (OK, WARN, FAIL)}
    tally = f"{counts[OK]} OK, {counts[WARN]} WARN, {counts[FAIL]} FAIL"
    if counts[FAIL]:
        return f"{tally}: not ready yet, fix the FAIL rows above and run the doctor again."
    return f"{tally}: ready for the course."


def format_table(rows: list[Check]) -> str:
    """The rows as an aligned plain-text table, each FAIL followed by its fix."""
    width = max(len(r.name) for r in rows) + 2
    lines = [f"{'check':<{width}}{'status':<7}detail", "-" * (width + 40)]
    for r in rows:
        lines.append(f"{r.name:<{width}}{r.status:<7}{r.detail}")
        if r.fix:
            lines.append(f"{'':<{width}}{'':<7}fix: {r.fix}")
    return "\n".join([*lines, "", summary(rows)])


def main(root: Path | None = None, quick: bool = False, as_json: bool = False,
         hub: bool = False, dev: bool = False) -> int:
    """Print the report (with the hub's rows when ``hub``, the authors' tools when ``dev``).

    Returns 0 when nothing FAILed, else 1.
    """
    if not as_json:
        print("Checking your setup (importing TensorFlow takes a few seconds)...", file=sys.stderr)
    rows = run_checks(root, quick, hub, dev)
    failed = any(r.status == FAIL for r in rows)
    if as_json:
        print(json.dumps({"ok": not failed, "checks": [asdict(r) for r in rows]}, indent=2))
    else:
        print(format_table(rows))
    return 1 if failed else 0
