"""Lesson 09's web service: the app on a real socket, the ``serve`` command, ``start_service``.

Most tests talk to a real waitress server running in a thread of this process
(``serve.BackgroundServer``) with ``requests``, as a client program would; a
few use Flask's test client. One starts the real command in a subprocess.
The model is tiny and untrained: the tests check the plumbing, not the answers.
"""

from __future__ import annotations

import io
import json
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

pytest.importorskip("flask")
pytest.importorskip("waitress")
requests = pytest.importorskip("requests")

from PIL import Image  # noqa: E402

from course_utils import cli, serve  # noqa: E402
from course_utils.service import start_service  # noqa: E402

CLASSES = ["cat", "dog", "car"]
IMAGE_SIZE = (30, 40)
SMALL_LIMIT = serve.MB // 4  # the upload limit of the small server: "0.25 MB"
ARTIFACTS = ROOT / "test-artifacts"


# --- the model, the servers, a client --------------------------------------------------------


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import keras

    from course_utils.predictor import save_with_classes

    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((*IMAGE_SIZE, 3), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(len(CLASSES), activation="softmax"),
    ])
    return save_with_classes(model, tmp_path_factory.mktemp("model") / "tiny.keras", CLASSES)


@pytest.fixture(scope="module")
def predictor(model_file: Path) -> Any:
    from course_utils.predictor import Predictor

    return Predictor.from_file(model_file)


@pytest.fixture(scope="module")
def server(predictor: Any) -> Iterator[serve.BackgroundServer]:
    """The service with the default upload limit (10 MB), on a free port of 127.0.0.1."""
    with serve.BackgroundServer(serve.create_app(predictor)) as running:
        yield running
    assert not running.running


@pytest.fixture(scope="module")
def small_server(predictor: Any) -> Iterator[serve.BackgroundServer]:
    """The service with a 0.25 MB upload limit, to test the 413 quickly."""
    app = serve.create_app(predictor, max_upload_bytes=SMALL_LIMIT)
    with serve.BackgroundServer(app, max_upload_bytes=SMALL_LIMIT) as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[Any]:
    session = requests.Session()
    session.trust_env = False  # loopback: never through a proxy from the environment
    with session:
        yield session


def _post(http: Any, server: serve.BackgroundServer, name: str, data: bytes) -> Any:
    return http.post(f"{server.url}/predict", files={"file": (name, data)}, timeout=60)


def _error(response: Any, status: int, *words: str) -> str:
    """Check an error answer: the status, JSON ``{"error": one sentence}``, the words in it."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert list(body) == ["error"], body
    message = body["error"]
    assert "\n" not in message and "Traceback" not in message, message
    for word in words:
        assert word in message, message
    return message


def _answer(response: Any) -> dict[str, Any]:
    """Check a prediction: 200 and the JSON shape; return it."""
    assert response.status_code == 200, response.text
    answer = response.json()
    assert list(answer) == ["class", "probability", "top", "notes"], answer
    assert answer["class"] in CLASSES
    assert 0 <= answer["probability"] <= 1
    assert [entry["class"] for entry in answer["top"]][0] == answer["class"]
    assert len(answer["top"]) == 3 and set(answer["top"][0]) == {"class", "probability"}
    assert all(isinstance(note, str) for note in answer["notes"])
    return answer


# --- photos ----------------------------------------------------------------------------------


def _encoded(image: Image.Image, kind: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def _picture(size: tuple[int, int] = (64, 48), mode: str = "RGB") -> Image.Image:
    gradient = Image.linear_gradient("L").resize(size)
    rgb = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                              Image.new("L", size, 90)))
    return rgb.convert(mode)


def _png() -> bytes:
    return _encoded(_picture(), "PNG")


# --- over a real socket ----------------------------------------------------------------------


def test_a_png_gets_the_class_and_the_top_3(server: serve.BackgroundServer, http: Any) -> None:
    answer = _answer(_post(http, server, "photo.png", _png()))
    assert answer["notes"] == []
    assert abs(sum(entry["probability"] for entry in answer["top"]) - 1) < 1e-3


def test_a_sideways_jpeg_is_turned_upright(server: serve.BackgroundServer, http: Any) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    data = _encoded(_picture((80, 60)), "JPEG", exif=exif.tobytes())
    notes = _answer(_post(http, server, "phone.jpg", data))["notes"]
    assert any("upright" in note and "orientation 6" in note for note in notes), notes


@pytest.mark.parametrize(("mode", "kind", "word"), [("L", "PNG", "grey"),
                                                    ("RGBA", "PNG", "transparency")])
def test_grey_and_transparent_images_are_converted(server: serve.BackgroundServer, http: Any,
                                                   mode: str, kind: str, word: str) -> None:
    notes = _answer(_post(http, server, f"{mode}.png", _encoded(_picture(mode=mode), kind)))
    assert any(word in note for note in notes["notes"]), notes


def test_an_animated_gif_gives_its_first_frame(server: serve.BackgroundServer, http: Any) -> None:
    frames = [_picture().rotate(angle) for angle in (0, 90, 180)]
    data = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    notes = _answer(_post(http, server, "moving.gif", data))["notes"]
    assert any("3 frames" in note and "first" in note for note in notes), notes


def test_a_42_megapixel_jpeg_is_resized_not_refused(server: serve.BackgroundServer,
                                                    http: Any) -> None:
    data = _encoded(_picture((7000, 6000)), "JPEG", quality=80)
    assert len(data) < 10 * serve.MB  # within the default limit of the server
    notes = _answer(_post(http, server, "camera.jpg", data))["notes"]
    assert any("42.0-megapixel" in note and "shrunk" in note for note in notes), notes


def test_a_request_without_the_file_field_is_400(server: serve.BackgroundServer,
                                                 http: Any) -> None:
    response = http.post(f"{server.url}/predict", files={"photo": ("a.png", _png())}, timeout=10)
    _error(response, 400, "no form field 'file'")
    _error(http.post(f"{server.url}/predict", timeout=10), 400, "no form field 'file'")
    _error(http.post(f"{server.url}/predict", data={"file": "a.png"}, timeout=10), 400,
           "holds text, not a file")


def test_an_empty_file_or_file_name_is_400(server: serve.BackgroundServer, http: Any) -> None:
    _error(_post(http, server, "empty.jpg", b""), 400, "empty.jpg is empty")
    # A form sent without choosing a file: filename="" (what a browser sends).
    _error(_post(http, server, "", _png()), 400, "No file was chosen")


def test_a_text_file_named_jpg_is_415(server: serve.BackgroundServer, http: Any) -> None:
    _error(_post(http, server, "notes.jpg", b"just some text, not a photo\n" * 20), 415,
           "notes.jpg is not an image")


def test_a_truncated_jpeg_is_400(server: serve.BackgroundServer, http: Any) -> None:
    noise = Image.effect_noise((200, 150), 60).convert("RGB")
    data = _encoded(noise, "JPEG", quality=90)
    _error(_post(http, server, "half.jpg", data[: len(data) // 2]), 400,
           "half.jpg is truncated or damaged")


def test_a_decompression_bomb_is_400(server: serve.BackgroundServer, http: Any) -> None:
    data = _encoded(Image.new("1", (10_000, 10_000)), "PNG")  # 100 megapixels in a few kB
    _error(_post(http, server, "bomb.png", data), 400, "bomb.png is too large", "pixels")


def test_a_file_name_from_the_client_is_cleaned(server: serve.BackgroundServer,
                                                http: Any) -> None:
    message = _error(_post(http, server, "../../etc/\x00evil.jpg", b"text"), 415)
    assert message.startswith("evil.jpg is not an image"), message


def test_an_upload_over_the_limit_is_413_with_the_limit(small_server: serve.BackgroundServer,
                                                        http: Any) -> None:
    _answer(_post(http, small_server, "small.png", _png()))  # under the limit: answered
    message = _error(_post(http, small_server, "big.jpg", b"\xff" * (SMALL_LIMIT + 1000)), 413,
                     "larger than the limit of 0.25 MB")
    assert message.endswith("shrink it first."), message


def test_an_upload_over_waitress_limit_still_gets_a_413(small_server: serve.BackgroundServer,
                                                        http: Any) -> None:
    """Over twice the limit plus 64 MB, waitress answers itself (plain text): a 413, no reset."""
    response = _post(http, small_server, "huge.bin", bytes(2 * SMALL_LIMIT + 65 * serve.MB))
    assert response.status_code == 413, response.text
    _answer(_post(http, small_server, "small.png", _png()))  # and it still serves


def test_get_on_predict_is_405_json(server: serve.BackgroundServer, http: Any) -> None:
    _error(http.get(f"{server.url}/predict", timeout=10), 405, "GET is not allowed on /predict",
           "POST /predict")


def test_an_unknown_path_is_404_json(server: serve.BackgroundServer, http: Any) -> None:
    _error(http.get(f"{server.url}/nothing/here", timeout=10), 404, "nothing at /nothing/here")


def test_health_says_what_is_served(server: serve.BackgroundServer, http: Any) -> None:
    response = http.get(f"{server.url}/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "model": "tiny.keras", "classes": CLASSES,
                               "image_size": list(IMAGE_SIZE)}


def test_the_page_is_one_self_contained_form(server: serve.BackgroundServer, http: Any) -> None:
    response = http.get(f"{server.url}/", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    page = response.text
    assert '<input type="file"' in page and "fetch('predict'" in page
    assert "tiny.keras" in page and "cat, dog, car" in page and "10 MB" in page
    assert "<script src" not in page and "<link" not in page and "https://" not in page


def test_50_predictions_in_a_row(server: serve.BackgroundServer, http: Any) -> None:
    data = _png()
    times = []
    for _ in range(50):
        start = time.perf_counter()
        response = _post(http, server, "photo.png", data)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text
    median, worst = statistics.median(times), max(times)
    result = {"requests": len(times), "median_ms": round(1000 * median, 1),
              "worst_ms": round(1000 * worst, 1), "image": "PNG 64x48",
              "model_input": list(IMAGE_SIZE), "server": "waitress, in-process thread"}
    print(f"\n50 POST /predict: median {result['median_ms']} ms, worst {result['worst_ms']} ms")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "serve_latency.json").write_text(json.dumps(result, indent=1) + "\n")
    assert median < 2.0, result


def test_health_still_answers_after_the_bad_requests(server: serve.BackgroundServer,
                                                     http: Any) -> None:
    assert http.get(f"{server.url}/health", timeout=10).json()["status"] == "ok"
    _answer(_post(http, server, "photo.png", _png()))


# --- with Flask's test client ----------------------------------------------------------------


class _BrokenPredictor:
    image_size = IMAGE_SIZE
    class_names = CLASSES
    source = "broken.keras"

    def predict_photo(self, photo: Any, top: int = 3) -> Any:
        raise RuntimeError("secret internal detail")


def test_a_bug_is_a_500_json_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    client = serve.create_app(_BrokenPredictor()).test_client()
    with caplog.at_level(logging.ERROR, logger="course_utils.serve"):
        response = client.post("/predict", data={"file": (io.BytesIO(_png()), "a.png")})
    assert response.status_code == 500
    assert list(response.json) == ["error"] and "internal error" in response.json["error"]
    assert "secret" not in response.get_data(as_text=True)
    assert "secret internal detail" in caplog.text and "Traceback" in caplog.text


def test_the_test_client_gets_the_same_answers(predictor: Any) -> None:
    client = serve.create_app(predictor).test_client()
    answer = client.post("/predict", data={"file": (io.BytesIO(_png()), "a.png")}).json
    assert answer["class"] in CLASSES and answer["notes"] == []
    assert client.delete("/health").status_code == 405
    assert client.post("/predict", data={"file": (io.BytesIO(b"x"), "a.txt")}).status_code == 415


def test_the_page_escapes_what_it_shows() -> None:
    client = serve.create_app(_BrokenPredictor(), model_name='<img src=x onerror="1">.keras'
                              ).test_client()
    page = client.get("/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;1&quot;&gt;" in page
    assert "textContent" in page and "innerHTML" not in page


def test_the_service_never_unpickles_or_evaluates_a_request() -> None:
    """No pickle-like module, no eval/exec/compile, no allow_pickle or safe_mode=False."""
    import ast

    unsafe_modules = {"pickle", "cPickle", "dill", "cloudpickle", "joblib", "marshal", "shelve",
                      "yaml"}
    for module in ("serve", "serve_page", "service"):
        tree = ast.parse((ROOT / "course_utils" / f"{module}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                names = set()
            assert not names & unsafe_modules, f"{module}.py imports {names}"
            if isinstance(node, ast.Call):
                called = getattr(node.func, "id", getattr(node.func, "attr", ""))
                assert called not in ("eval", "exec", "compile"), f"{module}.py calls {called}"
                for keyword in node.keywords:
                    assert keyword.arg not in ("allow_pickle", "safe_mode"), module


# --- where it listens ------------------------------------------------------------------------


def test_it_listens_on_127_0_0_1_by_default(predictor: Any) -> None:
    import inspect

    from course_utils import service

    with serve.BackgroundServer(serve.create_app(predictor)) as running:
        assert running.host == "127.0.0.1" and running.url.startswith("http://127.0.0.1:")
    args = cli.build_parser().parse_args(["serve", "m.keras"])
    assert (args.host, args.port, args.max_upload_mb, args.classes) == ("127.0.0.1", 8000,
                                                                       10.0, None)
    for function in (serve.create_server, serve.run, service.start_service):
        assert inspect.signature(function).parameters["host"].default == "127.0.0.1"


# --- the command -----------------------------------------------------------------------------


def _python(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def test_the_cli_imports_neither_tensorflow_nor_flask() -> None:
    result = _python("-c", "import sys; from course_utils import cli; "
                     "cli.build_parser().parse_args(['serve', 'm.keras']); "
                     "print(sorted({'tensorflow', 'keras', 'flask', 'waitress'} & "
                     "set(sys.modules)))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_a_missing_model_file_is_one_sentence_and_status_1(tmp_path: Path) -> None:
    result = _python("-m", "course_utils", "serve", str(tmp_path / "nothing.keras"))
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    assert lines == [lines[-1]] and lines[0].startswith("error: There is no model file"), lines
    assert "Traceback" not in result.stderr


def test_wrong_classes_or_a_bad_model_file(model_file: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", str(model_file), "--classes", "a,b"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("error: The model in tiny.keras has 3 outputs but --classes names 2 "
                           "classes (a, b): give one name per output, in label order."), err
    damaged = tmp_path / "damaged.keras"
    damaged.write_bytes(model_file.read_bytes()[:2000])
    assert cli.main(["serve", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: The model file damaged.keras is damaged") and "\n" not in \
        err.strip(), err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["serve", str(model_file), "--max-upload-mb", "0"])
    assert exit_info.value.code == 2


def test_an_unsafe_model_file_is_refused(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import keras

    model = keras.Sequential([keras.Input((*IMAGE_SIZE, 3)), keras.layers.Lambda(lambda x: x * 2),
                              keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2)])
    model.save(tmp_path / "lambda.keras")
    assert cli.main(["serve", str(tmp_path / "lambda.keras")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Safe mode refused to load lambda.keras") and "\n" not in err


def test_start_service_runs_the_real_command(model_file: Path, tmp_path: Path) -> None:
    log = tmp_path / "service.log"
    with start_service(model_file, log=log, timeout=90) as service:
        assert service.url.startswith("http://127.0.0.1:") and "running" in repr(service)
        assert service.health()["classes"] == CLASSES
        photo = tmp_path / "photo.png"
        photo.write_bytes(_png())
        answer = service.predict(photo)
        assert answer["class"] in CLASSES and "notes" in answer
        assert "error" in service.predict(b"not a photo", name="x.jpg")
    assert service.process.returncode == 0, service.log_tail()  # SIGTERM: a clean stop
    text = log.read_text(encoding="utf-8")
    assert (f"Serving tiny.keras (3 classes) on {service.url} — press Ctrl+C to stop"
            in text), text
    assert "POST /predict 200" in text and text.rstrip().endswith("Stopped."), text
    assert "stopped (exit 0)" in repr(service)


def test_start_service_says_why_it_did_not_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="(?s)stopped \\(exit status 1\\).*no model file"):
        start_service(tmp_path / "missing.keras", timeout=30, log=tmp_path / "service.log")
