"""Fixtures for the unit tests."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
# The project's read-only copies of the datasets (.ci/run honours $SHARED_DATA_DIR likewise).
SHARED_DATA = Path(os.environ.get("SHARED_DATA_DIR") or ROOT.parent / "shared" / "data")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every figure a test made, so figures do not pile up across tests."""
    yield
    plt.close("all")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A local HTTP mirror on 127.0.0.1 serving a temp folder; sets COURSE_DATA_MIRROR.

    Put files into the returned folder; they are served under the same names.
    Also points COURSE_DATA_DIR at an empty temp folder.
    """
    served = tmp_path / "mirror"
    served.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("COURSE_DATA_MIRROR", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class ScriptedServer:
    """What the ``scripted_mirror`` server serves, and how badly.

    ``files`` maps a file name to the bytes served for ``GET /<name>`` (other
    names get HTTP 404). ``mode`` says how every answer goes:

    ``"ok"``        the whole file;
    ``"truncate"``  a Content-Length for the whole file, half of it, then the connection closes;
    ``"stall"``     the headers and half the file, then silence until the test ends;
    ``"silent"``    the request is read, nothing is ever answered.

    ``on_request`` (if set) runs in the server thread before each answer;
    ``release`` is waited on (up to 60 s) before each answer: clear it to
    hold answers back. ``requests`` lists the paths asked for.
    """

    url: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    mode: str = "ok"
    on_request: Callable[[], None] | None = None
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)


class _ScriptedHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    script: ScriptedServer

    def do_GET(self) -> None:  # noqa: N802 - name from the base class
        script = self.script
        script.requests.append(self.path)
        script.release.wait(60)
        if script.on_request is not None:
            script.on_request()
        payload = script.files.get(self.path.lstrip("/"))
        if payload is None:
            self.send_error(404)
            return
        if script.mode == "silent":
            script.stop.wait(30)
            self.close_connection = True
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if script.mode == "ok":
            self.wfile.write(payload)
            return
        self.wfile.write(payload[: len(payload) // 2])
        self.wfile.flush()
        if script.mode == "stall":
            script.stop.wait(30)

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@pytest.fixture
def scripted_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    """A misbehaving mirror on 127.0.0.1 (see ``ScriptedServer``); sets COURSE_DATA_MIRROR.

    Also points COURSE_DATA_DIR at ``tmp_path / "data"`` (not created).
    """
    script = ScriptedServer()
    script.release.set()
    handler = type("Handler", (_ScriptedHandler,), {"script": script})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    script.url = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("COURSE_DATA_MIRROR", script.url)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    try:
        yield script
    finally:
        script.stop.set()
        script.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def predictor() -> Any:
    """A tiny untrained colour model as a Predictor: (30, 40, 3) uint8 → classes a, b, c.

    Shared by the tests of the photo widget and the folder predictions.
    """
    import keras

    from course_utils.predictor import Predictor

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((30, 40, 3), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    return Predictor(model, ["a", "b", "c"])
