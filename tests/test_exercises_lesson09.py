"""Lesson 09's exercise checks accept the published solutions and explain wrong answers."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from exercise_helpers import printed, solutions
from PIL import Image, ImageOps

from course_utils.exercises.lesson09 import (
    check_ask_service,
    check_confident_share,
    check_prepare_photo,
    confident_share,
)

NOTEBOOK = "09_use_your_model.ipynb"


def solution(number: int) -> dict[str, Any]:
    """Run a published solution with the names the lesson's setup cell imports."""
    namespace: dict[str, Any] = {"np": np, "Image": Image, "ImageOps": ImageOps,
                                 "requests": requests}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(solutions(NOTEBOOK)[number], f"exercise {number}", "exec"), namespace)
    return namespace


def test_the_published_photo_solution_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_prepare_photo(solution(2)["prepare_photo"])
    assert "upright" in printed(capsys)


def test_a_photo_left_sideways_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    def sideways(path: Path, image_size: tuple[int, int]) -> np.ndarray:
        with Image.open(path) as image:
            return np.asarray(ImageOps.fit(image.convert("RGB"), image_size[::-1]))

    assert not check_prepare_photo(sideways)
    assert "as stored, not as shown" in printed(capsys)


def test_a_squashed_photo_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    def squashed(path: Path, image_size: tuple[int, int]) -> np.ndarray:
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        return np.asarray(upright.resize(image_size[::-1]))

    assert not check_prepare_photo(squashed)
    assert "squashed" in printed(capsys)


@pytest.mark.parametrize(("func", "message"), [
    (lambda path, size: None, "should return a NumPy array"),
    (lambda path, size: np.zeros((40, 30, 3), np.uint8), "PIL sizes are (width, height)"),
    (lambda path, size: np.zeros((30, 40, 3), np.float32), "should be uint8"),
    (lambda path, size: 1 / 0, "ZeroDivisionError"),
    ("prepare_photo", "pass your function itself"),
])
def test_wrong_photo_functions_get_one_sentence(func: Any, message: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert not check_prepare_photo(func)
    assert message in printed(capsys)


def test_the_confident_share(capsys: pytest.CaptureFixture[str]) -> None:
    probabilities = np.array([[0.95, 0.05], [0.92, 0.08], [0.1, 0.9], [0.6, 0.4]])
    labels = np.array([0, 1, 1, 0])
    assert confident_share(labels, probabilities) == pytest.approx(2 / 3)
    code = solutions(NOTEBOOK)[3]
    names = {"val_probabilities": probabilities, "val_labels": labels, "np": np}
    exec(compile(code, "exercise 3", "exec"), names)
    assert check_confident_share(names["confident_right"], labels, probabilities)
    assert "right 66.7% of the time" in printed(capsys)
    assert not check_confident_share(0.75, labels, probabilities)  # all answers
    assert "accuracy over all answers" in printed(capsys)
    assert not check_confident_share(66.7, labels, probabilities)
    assert "not a percentage" in printed(capsys)
    assert not check_confident_share(None, labels, probabilities)
    assert "one number" in printed(capsys)


@pytest.fixture()
def fake_service() -> Iterator[str]:
    """A tiny HTTP server that answers /predict like the course's service."""
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server interface
            length = int(self.headers["Content-Length"])
            body = self.rfile.read(length)
            ok = self.path == "/predict" and b'name="file"' in body
            payload = (b'{"class": "MONOCYTE", "probability": 0.9, "top": []}' if ok
                       else b'{"error": "no file"}')
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_published_service_solution_passes(fake_service: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    photo = tmp_path / "cell.png"
    Image.new("RGB", (8, 6)).save(photo)
    assert check_ask_service(solution(1)["ask_service"], fake_service, photo, "MONOCYTE")
    assert "same model, behind HTTP" in printed(capsys)

    def whole_answer(url: str, path: Path) -> dict:
        with open(path, "rb") as file:
            return requests.post(url + "/predict", files={"file": file}, timeout=5).json()

    assert not check_ask_service(whole_answer, fake_service, photo, "MONOCYTE")
    assert "answer['class']" in printed(capsys)
    assert not check_ask_service(lambda url, path: "LYMPHOCYTE", fake_service, photo,
                                 "MONOCYTE")
    assert "your function returned 'LYMPHOCYTE'" in printed(capsys)
    assert not check_ask_service(lambda url, path: 1 / 0, fake_service, photo, "MONOCYTE")
    assert "ZeroDivisionError" in printed(capsys)
