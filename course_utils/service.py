"""Start lesson 09's web service from a notebook, in the background, and stop it again.

``start_service`` runs ``python -m course_utils serve MODEL`` (the command you
would type in a terminal) as a separate process, waits until it answers, and
gives you a ``Service``::

    from course_utils.service import start_service

    with start_service("cells.keras") as service:   # about 10 s: TensorFlow starts
        print(service.url)                            # http://127.0.0.1:54321
        service.predict("my_cell.jpg")                # {"class": ..., "probability": ...}
    # here the service has stopped

Without ``with``, call ``service.stop()`` when you are done (a service left
running stops when the notebook's kernel stops). What the service prints
goes to a log file, ``service.log``; ``service.log_tail()`` shows its end.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["Service", "free_port", "start_service"]

_RUNNING: weakref.WeakSet[Service] = weakref.WeakSet()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _get_json(url: str, timeout: float = 5) -> Any:
    """GET ``url`` and decode its JSON, never through a proxy (the service is on this computer)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


class Service:
    """A web service started by ``start_service``, running in its own process.

    Attributes:
        url: where it answers, e.g. ``http://127.0.0.1:54321`` (open it in a browser).
        model: the model file or folder it serves.
        log: the file its output goes to.
        process: the ``subprocess.Popen`` of ``python -m course_utils serve``.
    """

    def __init__(self, process: subprocess.Popen[bytes], url: str, model: Path,
                 log: Path) -> None:
        self.process = process
        self.url = url
        self.model = model
        self.log = log
        _RUNNING.add(self)

    @property
    def running(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def health(self, timeout: float = 5) -> dict[str, Any]:
        """What ``GET /health`` answers: status, model, classes, image size."""
        return dict(_get_json(f"{self.url}/health", timeout=timeout))

    def predict(self, photo: str | os.PathLike[str] | bytes, name: str = "photo.jpg",
                timeout: float = 60) -> dict[str, Any]:
        """Send a photo (a file name, or the bytes of a file) to ``POST /predict``; its JSON.

        An error answer is returned as it is, ``{"error": "..."}``: look at
        ``"error" in answer``.
        """
        import requests

        if isinstance(photo, (bytes, bytearray)):
            data = bytes(photo)
        else:
            data, name = Path(photo).read_bytes(), Path(photo).name
        session = requests.Session()
        session.trust_env = False  # this computer: never through a proxy
        with session:
            response = session.post(f"{self.url}/predict", files={"file": (name, data)},
                                    timeout=timeout)
        return dict(response.json())

    def log_tail(self, lines: int = 20) -> str:
        """The last ``lines`` lines of the service's log."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 5) -> int | None:
        """Stop the service: SIGTERM, wait up to ``timeout`` s, then kill. Its exit status."""
        _RUNNING.discard(self)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        return self.process.returncode

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else f"stopped (exit {self.process.returncode})"
        return f"Service({self.model.name} on {self.url}, {state})"


@atexit.register
def _stop_all() -> None:
    """Stop the services still running when Python exits (the kernel restarts)."""
    for service in list(_RUNNING):
        service.stop(timeout=2)


def _command(model: Path, host: str, port: int, classes: Sequence[str] | None,
             max_upload_mb: float | None) -> list[str]:
    cmd = [sys.executable, "-m", "course_utils", "serve", os.fspath(model), "--host", host,
           "--port", str(port)]
    if classes is not None:
        cmd += ["--classes", ",".join(classes)]
    if max_upload_mb is not None:
        cmd += ["--max-upload-mb", f"{max_upload_mb:g}"]
    return cmd


def start_service(model_path: str | os.PathLike[str], *, port: int | None = None,
                  host: str = "127.0.0.1", classes: Sequence[str] | None = None,
                  max_upload_mb: float | None = None, timeout: float = 90,
                  log: str | os.PathLike[str] | None = None) -> Service:
    """Start ``python -m course_utils serve MODEL`` in the background; return once it answers.

    Args:
        model_path: the ``.keras`` file or ``model.export`` folder to serve.
        port: the port to listen on (default: a free one).
        host: where to listen; the default, 127.0.0.1, is this computer only.
        classes: the class names, if the model file does not hold them.
        max_upload_mb: the upload limit (default: the command's, 10 MB).
        timeout: seconds to wait for ``GET /health`` to answer.
        log: the file for the service's output (default: a new temporary file).

    Returns:
        A running ``Service``: ``.url``, ``.predict(...)``, ``.stop()``.

    Raises:
        RuntimeError: the service stopped before it answered (a missing or
            unsafe model, a port in use), or did not answer within
            ``timeout`` s; the message ends with the last lines of its log.
    """
    model = Path(model_path).expanduser().absolute()
    port = free_port(host) if port is None else int(port)
    if log is None:
        handle, name = tempfile.mkstemp(prefix="course_service_", suffix=".log")
        os.close(handle)
        log_path = Path(name)
    else:
        log_path = Path(log)
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    log_file: IO[bytes]
    with log_path.open("wb") as log_file:
        # A session of its own: interrupting a notebook cell does not stop the service.
        process = subprocess.Popen(_command(model, host, port, classes, max_upload_mb),
                                   stdin=subprocess.DEVNULL, stdout=log_file,
                                   stderr=subprocess.STDOUT, env=env, start_new_session=True)
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else f"[{host}]" if ":" in host else host
    service = Service(process, f"http://{shown}:{port}", model, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            service.stop()
            raise RuntimeError(f"The service stopped (exit status {process.returncode}) before "
                               f"it answered; the end of its log {log_path}:\n"
                               f"{service.log_tail()}")
        try:
            health = service.health(timeout=2)
            if health.get("status") == "ok" and health.get("model") == model.name:
                return service
        except (urllib.error.URLError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            service.stop()
            raise RuntimeError(f"The service did not answer {service.url}/health within "
                               f"{timeout:g} s; the end of its log {log_path}:\n"
                               f"{service.log_tail()}")
        time.sleep(0.25)
