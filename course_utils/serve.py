"""Lesson 09's web service: a trained model behind ``POST /predict``, served by waitress.

A program (or the page at ``/``) sends a photo; the service answers what the
model sees in it, as JSON::

    python -m course_utils serve cells.keras          # then open http://127.0.0.1:8000

    curl -F file=@my_cell.jpg http://127.0.0.1:8000/predict
    {"class": "MONOCYTE", "probability": 0.91, "top": [...], "notes": [...]}

``create_app`` builds the Flask application around a ``predictor.Predictor``;
``create_server`` puts it behind waitress, a real WSGI server (Flask's own
server is for development only); ``run`` is the ``serve`` command;
``BackgroundServer`` runs it in a thread of this process (for tests and
notebooks). ``service.start_service`` starts the command in its own process.

The routes:

- ``GET /``: a page to choose a photo and see the answer.
- ``GET /health``: ``{"status": "ok", "model": ..., "classes": [...], "image_size": [h, w]}``.
- ``POST /predict``: the photo as the multipart form field ``file``. Every
  error is JSON too, ``{"error": "<one sentence>"}``: 400 (no ``file``
  field, no file chosen, a damaged or truncated image), 413 (over the upload
  limit), 415 (not an image), 404, 405, and 500 for a bug (logged on the
  server, never sent to the client).

The service reads uploads with Pillow only (``photos.read_photo``): nothing a
request sends is unpickled or evaluated.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import flask
import waitress
from PIL import Image, UnidentifiedImageError
from waitress import wasyncore
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .errors import PhotoError
from .photos import read_photo
from .serve_page import render_page

__all__ = ["DEFAULT_HOST", "DEFAULT_MAX_UPLOAD_MB", "DEFAULT_PORT", "MB", "BackgroundServer",
           "create_app", "create_server", "run"]

DEFAULT_HOST = "127.0.0.1"
"""Where the service listens unless told otherwise: this computer only."""
DEFAULT_PORT = 8000
DEFAULT_MAX_UPLOAD_MB = 10.0
MB = 1024 * 1024
"""One megabyte of upload, in bytes (the MB a file manager shows)."""

log = logging.getLogger("course_utils.serve")

_ROUTES = "the service answers GET /, GET /health and POST /predict"
_INTERNAL = ("The service failed on this request (an internal error); the details are in the "
             "server's log.")


def _megabytes(n_bytes: int) -> str:
    """``n_bytes`` as the page and the messages write it: "10 MB", "0.19 MB"."""
    mb = n_bytes / MB
    return f"{mb:.0f} MB" if mb >= 100 or mb == int(mb) else f"{mb:.3g} MB"


def _clean_name(name: str | None) -> str:
    """A file name from a client, safe to repeat in a message: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:80]
    return base or "the file"


def _error(status: int, message: str) -> flask.Response:
    response = flask.jsonify(error=message)
    response.status_code = status
    return response


def _upload_problem(data: bytes, name: str, error: PhotoError) -> tuple[int, str]:
    """The status for a photo ``read_photo`` refused: 415 when it is no image at all, else 400."""
    if data:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: read_photo said it
            try:
                with Image.open(io.BytesIO(data)):
                    pass
            except UnidentifiedImageError:
                return 415, str(error)
            except Exception:  # noqa: BLE001 - an image, but a damaged or oversized one
                pass
    return 400, str(error)


def create_app(predictor: Any, *, max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * MB),
               model_name: str | None = None) -> flask.Flask:
    """The Flask application of the web service, around a loaded ``Predictor``.

    Args:
        predictor: a ``predictor.Predictor`` (anything with ``image_size``,
            ``class_names``, ``source`` and ``predict_photo``).
        max_upload_bytes: larger requests are answered 413, with the limit in MB.
        model_name: the name ``/health`` and the page show (default: the
            file name of ``predictor.source``).

    Returns:
        The ``flask.Flask`` app: serve it with ``create_server`` (waitress), or
        test it with ``app.test_client()``.
    """
    if max_upload_bytes <= 0:
        raise ValueError(f"max_upload_bytes must be positive, not {max_upload_bytes!r}.")
    name = model_name or Path(str(getattr(predictor, "source", "model"))).name or "model"
    app = flask.Flask("course_utils.serve")
    app.config["MAX_CONTENT_LENGTH"] = int(max_upload_bytes)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # "class" first, as documented
    limit = _megabytes(int(max_upload_bytes))

    @app.before_request
    def _start_clock() -> None:
        flask.g.started = time.perf_counter()

    @app.after_request
    def _headers_and_log(response: flask.Response) -> flask.Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Cache-Control", "no-store")
        started = flask.g.get("started")
        took = f" {1000 * (time.perf_counter() - started):.0f} ms" if started else ""
        log.info("%s %s %s%s", flask.request.method, flask.request.path,
                 response.status_code, took)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> flask.Response:
        status = error.code or 500
        if isinstance(error, RequestEntityTooLarge):
            length = flask.request.content_length
            if length is not None and length <= max_upload_bytes:  # a text field over 500 kB
                message = ("A form field of this request is too large: send the photo as a "
                           "file, in the form field 'file'.")
            else:
                message = (f"The upload is larger than the limit of {limit}: choose a smaller "
                           f"photo, or shrink it first.")
        elif status == 404:
            message = f"There is nothing at {flask.request.path[:100]}: {_ROUTES}."
        elif status == 405:
            message = (f"{flask.request.method} is not allowed on {flask.request.path}: "
                       f"{_ROUTES}.")
        else:
            message = f"{error.name}: {_ROUTES}."
        return _error(status, message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> flask.Response:
        log.exception("%s %s failed", flask.request.method, flask.request.path)
        return _error(500, _INTERNAL)

    @app.get("/")
    def page() -> flask.Response:
        html = render_page(model_name=name, class_names=list(predictor.class_names),
                           image_size=tuple(predictor.image_size),
                           max_upload_bytes=int(max_upload_bytes), limit_text=limit)
        response = flask.Response(html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "img-src blob:; connect-src 'self'; form-action 'self'; base-uri 'none'")
        return response

    @app.get("/health")
    def health() -> flask.Response:
        return flask.jsonify(status="ok", model=name, classes=list(predictor.class_names),
                             image_size=[int(v) for v in predictor.image_size])

    @app.post("/predict")
    def predict() -> flask.Response:
        request = flask.request
        uploads = request.files.getlist("file")
        if not uploads:
            if "file" in request.form:
                return _error(400, "The form field 'file' holds text, not a file: send the "
                                   "photo as a file upload (multipart/form-data).")
            return _error(400, "This request has no form field 'file': send the photo as the "
                               "multipart/form-data field 'file' (curl -F file=@photo.jpg).")
        upload = uploads[0]
        if not upload.filename:
            return _error(400, "No file was chosen (the file name is empty): choose a photo "
                               "and send it again.")
        filename = _clean_name(upload.filename)
        data = upload.read()
        try:
            photo = read_photo(data, filename)
        except PhotoError as err:
            return _error(*_upload_problem(data, filename, err))
        answer = predictor.predict_photo(photo, top=3).to_dict()
        answer["notes"] = list(photo.notes)
        return flask.jsonify(answer)

    return app


def create_server(app: Any, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                  max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * MB), threads: int = 4,
                  socket_map: dict[Any, Any] | None = None) -> Any:
    """A waitress server for ``app`` on ``host:port``, listening but not yet running.

    Call ``.run()`` to serve (it returns after Ctrl+C); ``.effective_port`` is
    the port it got (ask for port 0 to get a free one). Waitress's own limit
    on a request body is set well above ``max_upload_bytes`` (twice it, plus
    64 MB), so that an upload over the limit reaches Flask and gets its JSON
    413; a still larger one gets waitress's own 413, in plain text.
    """
    return waitress.create_server(
        app, map=socket_map, host=host, port=int(port), threads=threads,
        max_request_body_size=2 * int(max_upload_bytes) + 64 * MB, ident="course_utils")


class BackgroundServer:
    """The service running in a thread of this process, until ``stop()`` (for tests, notebooks).

    ``BackgroundServer(app)`` listens on a free port of 127.0.0.1 at once;
    ``.url`` is where. Use it as a context manager to stop it at the end.
    """

    def __init__(self, app: Any, *, host: str = DEFAULT_HOST, port: int = 0,
                 max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * MB)) -> None:
        self._map: dict[Any, Any] = {}
        self._server = create_server(app, host=host, port=port,
                                     max_upload_bytes=max_upload_bytes, socket_map=self._map)
        self.host: str = str(self._server.effective_host)
        self.port: int = int(self._server.effective_port)
        self.url = f"http://{self.host}:{self.port}"
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"service {self.url}",
                                        daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.loop(timeout=0.1, use_poll=True, map=self._map, count=1)
        finally:
            wasyncore.close_all(self._map)  # in the loop's own thread: no race with select
            self._server.task_dispatcher.shutdown()

    @property
    def running(self) -> bool:
        """True until ``stop()`` has returned."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Close the socket and the open connections; wait for the thread to end."""
        self._stopping.set()
        self._thread.join(timeout=10)

    def __enter__(self) -> BackgroundServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"BackgroundServer({self.url}, {'running' if self.running else 'stopped'})"


def _stop_on_sigterm() -> None:
    """Make SIGTERM stop the server as Ctrl+C does (waitress cleans up on KeyboardInterrupt)."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def _load(model: Path, classes: Sequence[str] | None) -> tuple[Any, int]:
    """(the predictor, 0), or (None, exit status) after printing one sentence."""
    if not model.exists():
        print(f"error: There is no model file or folder at {model} (looked in {Path.cwd()}): "
              f"check the name, and save the model first.", file=sys.stderr)
        return None, 1
    from .predictor import Predictor

    try:
        predictor = Predictor.from_file(model)
    except (OSError, ValueError, TypeError) as err:  # missing, damaged, unsafe, not a model
        print(f"error: {err}", file=sys.stderr)
        return None, 1
    except Exception as err:  # noqa: BLE001 - Keras' own errors: one line, not a traceback
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        print(f"error: Keras could not load {model.name}: {first}", file=sys.stderr)
        return None, 1
    if classes is not None:
        names = [str(c) for c in classes]
        if len(names) != len(predictor.class_names):
            print(f"error: The model in {model.name} has {len(predictor.class_names)} outputs "
                  f"but --classes names {len(names)} classes ({', '.join(names)}): give one "
                  f"name per output, in label order.", file=sys.stderr)
            return None, 2
        predictor.class_names = names
    return predictor, 0


def run(model: str | os.PathLike[str], *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
        classes: Sequence[str] | None = None,
        max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB) -> int:
    """The ``serve`` command: load ``model``, serve it until Ctrl+C or SIGTERM; the exit status.

    0 after a clean stop; 1 when the model cannot be loaded (missing,
    damaged, unsafe) or the port is taken; 2 when ``classes`` has the wrong
    number of names. Each problem is one sentence on stderr, no traceback.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%H:%M:%S")
    logging.getLogger("waitress").setLevel(logging.WARNING)  # we print the URL ourselves
    model = Path(model).expanduser()
    predictor, status = _load(model, classes)
    if predictor is None:
        return status
    max_bytes = max(1, int(max_upload_mb * MB))
    app = create_app(predictor, max_upload_bytes=max_bytes, model_name=model.name)
    try:
        server = create_server(app, host=host, port=port, max_upload_bytes=max_bytes)
    except OSError as err:
        print(f"error: cannot listen on {host}:{port} ({err.strerror or err}): another program "
              f"may use the port; choose another with --port.", file=sys.stderr)
        return 1
    url = f"http://{server.effective_host}:{server.effective_port}"
    n = len(predictor.class_names)
    print(f"Serving {model.name} ({n} class{'es' if n != 1 else ''}) on {url} — press Ctrl+C "
          f"to stop", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"Listening on {host}: other computers of your network can send it photos.",
              flush=True)
    _stop_on_sigterm()
    try:
        server.run()  # returns after KeyboardInterrupt (Ctrl+C, or SIGTERM above)
    except KeyboardInterrupt:
        server.close()
    print("Stopped.", flush=True)
    return 0
