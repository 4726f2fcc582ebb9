"""Start a cluster of training workers on this computer, and collect what they report (lesson 10).

A multi-worker job is N copies of one script, each told by the environment
variable ``TF_CONFIG`` where all the workers listen and which one it is::

    {"cluster": {"worker": ["127.0.0.1:41001", "127.0.0.1:41002"]},
     "task": {"type": "worker", "index": 0}}

``run_workers`` does what a cluster's job scheduler would: it picks free
ports on 127.0.0.1, starts ``python -m course_utils.worker_training`` once per
worker with its own ``TF_CONFIG``, waits for all of them (killing all of them
if one takes too long), and returns each one's exit code, log and results::

    from course_utils.multiworker import run_workers
    runs = run_workers(2, ["--mode", "custom", "--epochs", "2"])
    for run in runs:
        print(run)

``run_script`` and ``run_until`` start one Python module the same way, for the
stop-and-resume demonstration of ``course_utils.resumable``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .service import free_port

__all__ = ["WorkerRun", "run_script", "run_until", "run_workers", "tf_config"]

WORKER_MODULE = "course_utils.worker_training"
"""The script every worker runs."""


def tf_config(addresses: Sequence[str], index: int) -> str:
    """The ``TF_CONFIG`` JSON for worker ``index`` of a cluster of ``addresses``."""
    return json.dumps({"cluster": {"worker": list(addresses)},
                       "task": {"type": "worker", "index": int(index)}})


@dataclass
class WorkerRun:
    """One finished process: its exit code, wall time, results (JSON) and log."""

    index: int
    returncode: int | None
    seconds: float
    result: dict[str, Any] = field(default_factory=dict)
    log: str = ""

    @property
    def ok(self) -> bool:
        """True when the process exited with 0."""
        return self.returncode == 0

    def log_tail(self, lines: int = 8) -> str:
        """The last ``lines`` lines of what the process printed."""
        return "\n".join(self.log.strip().splitlines()[-lines:])

    def __str__(self) -> str:
        state = "ok" if self.ok else f"failed (exit code {self.returncode})"
        return f"worker {self.index}: {state} after {self.seconds:.1f} s"


NOISE = ("I0000 ", "W0000 ", "E0000 ", "WARNING: All log messages before absl")
"""How TensorFlow's C++ log lines begin: left out of a run's ``log`` (the file keeps them)."""


def _read_log(path: Path) -> str:
    lines = path.read_text(errors="replace").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith(NOISE))


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("TF_CONFIG", None)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def _kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
        process.wait(timeout=10)


def _start(module: str, args: Sequence[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", module, *map(str, args)], stdout=out,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)


def run_workers(count: int = 2, args: Sequence[str] = (), timeout: float = 600,
                workdir: str | os.PathLike[str] | None = None,
                module: str = WORKER_MODULE) -> list[WorkerRun]:
    """Run ``count`` workers of ``module`` on 127.0.0.1 until all finish; return their runs.

    Each worker gets ``args`` plus ``--result DIR/worker-I.json`` and its own
    ``TF_CONFIG``. If any worker is still running after ``timeout`` seconds,
    all are killed (a worker whose partner died would otherwise wait for it
    for ever) and their exit codes are ``None``.
    """
    workdir = Path(workdir or tempfile.mkdtemp(prefix="course-workers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    addresses = [f"127.0.0.1:{free_port()}" for _ in range(int(count))]
    processes, start = [], time.monotonic()
    for index in range(int(count)):
        result = workdir / f"worker-{index}.json"
        result.unlink(missing_ok=True)
        env = _environment({"TF_CONFIG": tf_config(addresses, index)})
        processes.append(_start(module, [*args, "--result", result],
                                workdir / f"worker-{index}.log", env))
    ended: dict[int, float] = {}
    try:
        while len(ended) < len(processes) and time.monotonic() - start < timeout:
            for index, process in enumerate(processes):
                if index not in ended and process.poll() is not None:
                    ended[index] = time.monotonic() - start
            time.sleep(0.2)
    finally:
        for process in processes:
            _kill(process)
    runs = []
    for index, process in enumerate(processes):
        result_file = workdir / f"worker-{index}.json"
        result = json.loads(result_file.read_text()) if result_file.exists() else {}
        log = _read_log(workdir / f"worker-{index}.log")
        runs.append(WorkerRun(index, process.returncode if index in ended else None,
                              ended.get(index, time.monotonic() - start), result, log))
    return runs


def run_script(module: str, args: Sequence[str] = (), timeout: float = 600,
               log: str | os.PathLike[str] | None = None) -> WorkerRun:
    """Run ``python -m module ARGS`` to the end (killed after ``timeout`` s) and return the run."""
    return run_until(module, args, marker=None, timeout=timeout, log=log)


def run_until(module: str, args: Sequence[str] = (), marker: str | None = None,
              timeout: float = 600, log: str | os.PathLike[str] | None = None) -> WorkerRun:
    """Run ``python -m module ARGS``; kill it hard (SIGKILL) as soon as it prints ``marker``.

    Like pulling the plug: the process gets no chance to tidy up. With
    ``marker=None`` it runs to the end. The returned run's ``returncode`` is
    negative (-9) when it was killed.
    """
    log = Path(log or tempfile.mkstemp(prefix="course-run-", suffix=".log")[1])
    process = _start(module, args, log, _environment())
    start = time.monotonic()
    try:
        while process.poll() is None and time.monotonic() - start < timeout:
            if marker is not None and marker in log.read_text(errors="replace"):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
                break
            time.sleep(0.05)
    finally:
        _kill(process)
    return WorkerRun(0, process.returncode, time.monotonic() - start, {}, _read_log(log))
