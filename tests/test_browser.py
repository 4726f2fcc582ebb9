"""End to end: lesson 00 in JupyterLab, driven in headless Chromium with Playwright.

The test starts JupyterLab from the venv on a free port of 127.0.0.1, serving a *copy* of
``notebooks/00_prerequisites.ipynb`` from a temp folder (so nothing JupyterLab saves can touch
the committed notebook), opens it in Debian's Chromium (``/usr/bin/chromium``, never a
downloaded browser), runs all cells, checks that no cell failed, then answers the quiz at the
end of the lesson: the right answer of the first question and a wrong answer of the second.

It saves a screenshot to ``test-artifacts/browser/lesson00.png`` (or to the folder in
``COURSE_BROWSER_ARTIFACTS``); when the test fails, a failure screenshot, the JupyterLab log
and the browser console go there too.

Without Chromium or the playwright package the test is skipped, unless
``COURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``): then it fails.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

LESSON = "00_prerequisites"
NOTEBOOK = ROOT / "notebooks" / f"{LESSON}.ipynb"
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("COURSE_BROWSER_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
# As root, and on a machine whose network is closed: without the background-networking flags
# Chromium keeps trying to reach Google's hosts. Playwright gives it a new empty profile.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT = 60  # s, until /api/status answers
PAGE_TIMEOUT_MS = 60_000  # the notebook opens and its kernel is idle
RUN_ALL_TIMEOUT_MS = 90_000  # all cells of lesson 00, fast mode
UI_TIMEOUT_MS = 15_000  # one click and its feedback

# What course_utils.quiz.Quiz._on_check writes into the feedback widget.
RIGHT = "Correct!"
WRONG = "Not quite."
WRONG_HINT = "Read the options again and try another one."


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the quiz, read from the notebook's source -------------------------------------------


@dataclass(frozen=True)
class QuizQuestion:
    prompt: str
    options: list[str]
    answer: int
    explanation: str


def _quiz_questions(notebook: Path) -> list[QuizQuestion]:
    """The Question(...) calls of the notebook's show_quiz cell, as literal values."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    quiz_cells = [s for s in sources if "show_quiz(" in s]
    assert len(quiz_cells) == 1, f"expected one show_quiz cell in {notebook.name}"
    questions = []
    for node in ast.walk(ast.parse(quiz_cells[0])):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Question":
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
            questions.append(QuizQuestion(**kwargs))
    assert len(questions) >= 2, "the test answers two questions of the quiz"
    return questions


# --- skipping, or failing in CI ------------------------------------------------------------


def _require_browser() -> None:
    """Skip without Chromium or playwright; fail instead when COURSE_REQUIRE_BROWSER is set."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: apt-get install -y --no-install-recommends chromium"
    elif importlib.util.find_spec("playwright") is None:
        reason = "the playwright package is missing: pip install -r requirements-dev.txt"
    else:
        return
    if os.environ.get("COURSE_REQUIRE_BROWSER", "").strip() not in ("", "0"):
        pytest.fail(f"{reason} (COURSE_REQUIRE_BROWSER is set, so this is a failure)")
    pytest.skip(reason)


# --- JupyterLab ----------------------------------------------------------------------------


@dataclass
class LabServer:
    url: str
    token: str
    log: Path
    root: Path
    proc: subprocess.Popen


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    """User settings: no autosave, every cell in the DOM.

    Nothing about Jupyter news: the course's environment itself answers the
    "get notified about Jupyter news?" prompt (jupyterlab/overrides.d/cnn-course.json,
    installed by `make venv`), and test_the_news_prompt_is_preset_off checks it.
    """
    settings = {
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for plugin, values in settings.items():
        package, name = plugin.rsplit("/", 1)
        folder = settings_dir / package
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values), encoding="utf-8")


def _get(url: str, timeout: float = 5) -> bytes:
    # Loopback only: never through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return response.read()


def _stop_server(server: LabServer) -> None:
    """Ask JupyterLab to shut down (it stops its kernels), then make sure its group is gone."""
    if server.proc.poll() is None:
        try:
            request = urllib.request.Request(
                f"{server.url}/api/shutdown?token={server.token}", method="POST"
            )
            urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5)
        except (urllib.error.URLError, OSError):
            pass
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    # The server runs in its own process group (start_new_session): end what is left of it,
    # kernels included.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        try:
            server.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(0.5)  # let the kernels take the SIGTERM before the SIGKILL
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait(timeout=5)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    _require_browser()  # no server for nothing
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.fail(f"JupyterLab is not installed next to {sys.executable}: make dev")
    committed = _sha256(NOTEBOOK)

    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    (root / "notebooks").mkdir(parents=True)
    # The lesson needs nothing but itself (course_utils is installed in the venv).
    shutil.copy2(NOTEBOOK, root / "notebooks" / NOTEBOOK.name)
    settings = base / "settings"
    _write_settings(settings)
    workspaces = base / "workspaces"
    workspaces.mkdir()
    runtime = base / "runtime"
    log = base / "jupyterlab.log"

    port, token = _free_port(), secrets.token_hex(24)
    env = dict(os.environ)
    env.update(
        COURSE_FAST="1",
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
        JUPYTER_RUNTIME_DIR=str(runtime),
        PYTHONUNBUFFERED="1",
    )
    if os.environ.get("COURSE_DATA_DIR"):
        env["COURSE_DATA_DIR"] = os.environ["COURSE_DATA_DIR"]
    cmd = [
        str(jupyter), "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={workspaces}",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")

    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LabServer(f"http://127.0.0.1:{port}", token, log, root, proc)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with code {proc.returncode} before answering:\n"
                    + log.read_text(errors="replace")
                )
            try:
                _get(f"{server.url}/api/status?token={token}")
                break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not answer {server.url}/api/status within "
                    f"{SERVER_START_TIMEOUT} s. Its log:\n" + log.read_text(errors="replace")
                )
            time.sleep(0.25)
        yield server
    finally:
        _stop_server(server)
    assert _sha256(NOTEBOOK) == committed, f"{NOTEBOOK} changed while JupyterLab ran"


# --- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            chromium_sandbox=False,
            args=CHROMIUM_ARGS,
            timeout=30_000,
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def console() -> list[str]:
    """What the page writes to the browser console (saved when the test fails)."""
    return []


@pytest.fixture
def page(browser: Any, console: list[str]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: console.append(f"[{msg.type}] {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"[pageerror] {exc}"))
    try:
        yield page
    finally:
        context.close()


# --- in the page ---------------------------------------------------------------------------

# The open notebook's panel, once its kernel is connected and idle.
_KERNEL_IDLE_JS = """() => {
    const panel = window.jupyterapp?.shell?.currentWidget;
    const context = panel?.sessionContext;
    return Boolean(
        panel?.content?.widgets?.length && context?.isReady
        && context.session?.kernel?.status === 'idle'
    );
}"""

_NO_BUSY_PROMPT_JS = """() => ![...document.querySelectorAll('.jp-InputArea-prompt')]
    .some(prompt => prompt.textContent.includes('*'))"""

# Run all cells; resolves to the command's result, or to 'timeout'.
_RUN_ALL_JS = """(ms) => Promise.race([
    window.jupyterapp.commands.execute('notebook:run-all-cells'),
    new Promise(resolve => setTimeout(() => resolve('timeout'), ms)),
])"""

# The notebook as nbformat JSON, as the browser holds it after the run.
_NOTEBOOK_JSON_JS = "() => window.jupyterapp.shell.currentWidget.content.model.toJSON()"


def _save_failure(page: Any, server: LabServer, console: list[str]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=ARTIFACTS / "lesson00-failure.png", full_page=True, timeout=10_000)
    except Exception as exc:  # the test's own error matters more
        print(f"could not take the failure screenshot: {exc}")
    shutil.copyfile(server.log, ARTIFACTS / "jupyterlab.log")
    (ARTIFACTS / "browser-console.log").write_text(
        "\n".join(console) + "\n", encoding="utf-8"
    )
    print(f"failure artifacts in {ARTIFACTS}")


NEWS_PLUGIN = "@jupyterlab/apputils-extension:notification"


def test_the_news_prompt_is_preset_off(lab_server: LabServer) -> None:
    """A learner's first screen is the lesson: the course's environment says "never" to news."""
    installed = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.d/cnn-course.json"
    assert installed.is_file(), "make venv installs the course's JupyterLab settings"
    reply = json.loads(_get(f"{lab_server.url}/lab/api/settings/{NEWS_PLUGIN}"
                            f"?token={lab_server.token}"))
    assert "fetchNews" not in reply["settings"]  # no user setting: the default decides
    properties = reply["schema"]["properties"]
    assert properties["fetchNews"]["default"] == "false"  # "never" (JupyterLab's own: "none")
    assert properties["checkForUpdates"]["default"] is False


def test_lesson00_runs_and_its_quiz_answers(
    lab_server: LabServer, page: Any, console: list[str]
) -> None:
    from playwright.sync_api import expect

    questions = _quiz_questions(NOTEBOOK)
    committed = _sha256(NOTEBOOK)
    try:
        page.goto(
            f"{lab_server.url}/lab/tree/notebooks/{NOTEBOOK.name}?reset&token={lab_server.token}",
            timeout=PAGE_TIMEOUT_MS,
        )
        page.wait_for_function(_KERNEL_IDLE_JS, timeout=PAGE_TIMEOUT_MS, polling=250)

        result = page.evaluate(_RUN_ALL_JS, RUN_ALL_TIMEOUT_MS)
        assert result != "timeout", f"running all cells took over {RUN_ALL_TIMEOUT_MS} ms"
        assert result is True, f"notebook:run-all-cells returned {result!r}: a cell failed"
        page.wait_for_function(_KERNEL_IDLE_JS, timeout=UI_TIMEOUT_MS, polling=250)
        page.wait_for_function(_NO_BUSY_PROMPT_JS, timeout=UI_TIMEOUT_MS, polling=250)

        # Every code cell ran, and none has an error output (stderr holds TF's log lines:
        # those are fine, a traceback is not).
        notebook = page.evaluate(_NOTEBOOK_JSON_JS)
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        not_run = [i for i, c in enumerate(code_cells) if c.get("execution_count") is None]
        assert not not_run, f"code cells {not_run} did not run"
        errors = [
            f"{o.get('ename')}: {o.get('evalue')}"
            for c in code_cells
            for o in c["outputs"]
            if o["output_type"] == "error"
        ]
        assert not errors, f"error outputs: {errors}"
        error_outputs = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error'], "
            ".jp-OutputArea-output:has-text('Traceback (most recent call last)')"
        )
        assert error_outputs.count() == 0, error_outputs.all_inner_texts()

        # The quiz: one VBox per question inside the quiz's VBox.
        quiz = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-radio-box"))
        expect(quiz).to_have_count(1)
        boxes = quiz.locator(".widget-vbox > .widget-vbox")
        expect(boxes).to_have_count(len(questions))
        quiz.scroll_into_view_if_needed()

        def answer(i: int, option: int) -> Any:
            question = questions[i]
            box = boxes.nth(i)
            expect(box).to_contain_text(f"{i + 1}. {question.prompt}")
            label = f"{'abcdefghijklmnopqrstuvwxyz'[option]}) {question.options[option]}"
            box.get_by_role("radio", name=label, exact=True).check()
            box.get_by_role("button", name="Check").click()
            return box.locator(".widget-hbox .widget-html")

        first = questions[0]
        feedback = answer(0, first.answer)
        expect(feedback).to_contain_text(RIGHT)
        expect(feedback).to_contain_text(first.explanation)

        second = questions[1]
        wrong = next(j for j in range(len(second.options)) if j != second.answer)
        feedback = answer(1, wrong)
        expect(feedback).to_contain_text(WRONG)
        expect(feedback).to_contain_text(WRONG_HINT)
        expect(feedback).not_to_contain_text(second.explanation)

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        quiz.scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "lesson00.png", full_page=True)
    except BaseException:
        _save_failure(page, lab_server, console)
        raise
    assert _sha256(NOTEBOOK) == committed, f"{NOTEBOOK} changed while the test ran"


def _one_cell_notebook(lab_server: LabServer, name: str, source: str) -> str:
    """Write a notebook of one code cell (kernel python3) into JupyterLab's folder."""
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, lab_server.root / name)
    return name


def _open_and_run_all(page: Any, lab_server: LabServer, name: str) -> None:
    """Open notebook ``name`` in JupyterLab, wait for its kernel, run all cells to the end."""
    page.goto(f"{lab_server.url}/lab/tree/{name}?reset&token={lab_server.token}",
              timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=PAGE_TIMEOUT_MS, polling=250)
    assert page.evaluate(_RUN_ALL_JS, RUN_ALL_TIMEOUT_MS) is True


EXPLORER_CELL = """\
import numpy as np
from course_utils.explore import confusion_explorer

rng = np.random.default_rng(0)
images = rng.integers(0, 256, size=(60, 8, 8, 3), dtype=np.uint8)
y_true = np.repeat(np.arange(3), 20)
y_pred = (y_true + (np.arange(60) % 4 == 0)) % 3  # 5 of each class go to the next class
confusion_explorer(images, y_true, y_pred, ["cat", "dog", "car"])
"""


def test_an_explorer_redraws_in_jupyterlab(
    lab_server: LabServer, page: Any, console: list[str]
) -> None:
    """The explorers are widgets: in JupyterLab a drop-down change redraws the picture."""
    from playwright.sync_api import expect

    name = _one_cell_notebook(lab_server, "explorer_check.ipynb", EXPLORER_CELL)
    try:
        _open_and_run_all(page, lab_server, name)
        output = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-dropdown"))
        expect(output).to_have_count(1, timeout=UI_TIMEOUT_MS)
        status = output.locator(".widget-html").first
        image = output.locator(".widget-image").first
        expect(status).to_contain_text("5 images true cat → predicted dog", timeout=UI_TIMEOUT_MS)
        before = image.get_attribute("src")

        output.locator(".widget-dropdown select").first.select_option(label="dog")
        expect(status).to_contain_text("15 images true dog → predicted dog",
                                       timeout=UI_TIMEOUT_MS)
        expect(image).not_to_have_attribute("src", before or "", timeout=UI_TIMEOUT_MS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "explorer.png", full_page=True)
    except BaseException:
        _save_failure(page, lab_server, console)
        raise


CANVAS_CELL = """\
import course_utils
import keras
from course_utils import data
from course_utils.draw_digit import digit_canvas

course_utils.setup(seed=0)
(x_train, y_train), _ = data.load_mnist()
model = keras.Sequential([
    keras.Input((28, 28, 1), dtype="uint8"),
    keras.layers.Rescaling(1 / 255),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(32, 3, activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])  # trained briefly, so that a drawn 7 must be read as a 7 (a garbled canvas would not be)
model.compile("adam", "sparse_categorical_crossentropy")
model.fit(x_train[:12000, :, :, None], y_train[:12000], epochs=1, batch_size=64, verbose=0)
digit_canvas(model)
"""


def test_the_digit_canvas_predicts_in_jupyterlab(
    lab_server: LabServer, page: Any, console: list[str]
) -> None:
    """Lesson 07's canvas renders in JupyterLab 4; a stroke drawn with the mouse is read."""
    from playwright.sync_api import expect

    name = _one_cell_notebook(lab_server, "canvas_check.ipynb", CANVAS_CELL)
    page.set_viewport_size({"width": 1280, "height": 1500})  # the screenshot shows the panels
    try:
        _open_and_run_all(page, lab_server, name)
        output = page.locator(".jp-OutputArea-output").filter(has=page.locator("canvas"))
        expect(output).to_have_count(1, timeout=UI_TIMEOUT_MS)
        result = output.locator(".widget-html").first
        expect(result).to_contain_text("Draw one digit", timeout=UI_TIMEOUT_MS)
        canvas = output.locator("canvas").first
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box and box["width"] >= 200, f"the canvas is not shown at its size: {box}"
        # A "7": the top bar, then the diagonal down to the left, in small mouse steps.
        left, top, w, h = box["x"], box["y"], box["width"], box["height"]
        page.mouse.move(left + 0.3 * w, top + 0.25 * h)
        page.mouse.down()
        page.mouse.move(left + 0.7 * w, top + 0.25 * h, steps=12)
        page.mouse.move(left + 0.45 * w, top + 0.8 * h, steps=16)
        page.mouse.up()
        expect(result).to_contain_text("Predicted digit", timeout=UI_TIMEOUT_MS)
        text = result.inner_text()
        assert "Predicted digit: 7" in text, text  # the stroke went through prepare_digit
        assert text.count("(0.") + text.count("(1.") == 2, text  # the two runners-up
        panels = output.locator(".widget-image").first
        expect(panels).to_be_visible(timeout=UI_TIMEOUT_MS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / "digit_canvas.png", full_page=True)

        output.locator(".widget-button", has_text="Clear").click()
        expect(result).to_contain_text("Draw one digit", timeout=UI_TIMEOUT_MS)
    except BaseException:
        _save_failure(page, lab_server, console)
        raise


def test_the_web_service_page_answers_in_chromium(
    page: Any, console: list[str], tmp_path: Path
) -> None:
    """Lesson 09's service page: choose a photo, see its class; a text file shows its error.

    The service runs in a thread of this process (waitress, a free port of 127.0.0.1) with a
    tiny untrained model: the test checks the page, not the model's answers.
    """
    import re

    import keras
    from PIL import Image
    from playwright.sync_api import expect

    from conftest import SHARED_DATA
    from course_utils.predictor import Predictor, save_with_classes
    from course_utils.serve import BackgroundServer, create_app

    classes = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((60, 80, 3), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(4, 3, activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(len(classes), activation="softmax"),
    ])
    predictor = Predictor.from_file(save_with_classes(model, tmp_path / "cells.keras", classes))
    # A blood-cell photo when the course data is there, else a drawn one; sent as a PNG.
    cells = sorted((SHARED_DATA / "blood_cells" / "TEST" / "MONOCYTE").glob("*.jp*g"))[:1]
    picture = (Image.open(cells[0]).convert("RGB") if cells
               else Image.radial_gradient("L").resize((320, 240)).convert("RGB"))
    photo = tmp_path / "my_cell.png"
    picture.save(photo)
    text_file = tmp_path / "notes.jpg"
    text_file.write_text("this is text, not a photo\n", encoding="utf-8")

    page.set_viewport_size({"width": 960, "height": 720})  # the docs picture: the page only
    with BackgroundServer(create_app(predictor)) as server:
        try:
            page.goto(f"{server.url}/", timeout=PAGE_TIMEOUT_MS)
            expect(page.locator("h1")).to_contain_text("What does the model see?")
            expect(page.locator(".model")).to_contain_text("cells.keras")

            with page.expect_file_chooser() as chooser:
                page.locator("#file").click()
            chooser.value.set_files(photo)
            page.get_by_role("button", name="Classify").click()
            answer = page.locator("#answer-class")
            expect(answer).to_have_text(re.compile("|".join(classes)), timeout=UI_TIMEOUT_MS)
            expect(page.locator("#answer-probability")).to_have_text(
                re.compile(r"^0\.\d{3} \(\d+\.\d %\)$"))
            expect(page.locator("#top .row")).to_have_count(3)
            expect(page.locator("#top .row").first).to_contain_text(answer.inner_text())
            expect(page.locator("#error")).to_be_hidden()
            expect(page.locator("#preview")).to_be_visible()
            expect(page.locator("#status")).to_contain_text("my_cell.png: answered in")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=ARTIFACTS / "web_service.png", full_page=True)

            page.set_input_files("#file", text_file)
            page.get_by_role("button", name="Classify").click()
            error = page.get_by_role("alert")
            expect(error).to_have_text(
                "notes.jpg is not an image Pillow can read: choose a JPEG or PNG photo.",
                timeout=UI_TIMEOUT_MS)
            expect(page.locator("#result")).to_be_hidden()
            expect(page.locator("#status")).to_contain_text("HTTP 415")
            expect(page.locator("#preview")).to_be_hidden()  # no broken-image icon
            page.screenshot(path=ARTIFACTS / "web_service_error.png", full_page=True)
            assert not [line for line in console if line.startswith("[pageerror]")], console
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            try:
                page.screenshot(path=ARTIFACTS / "web_service-failure.png", full_page=True,
                                timeout=10_000)
            except Exception as exc:  # the test's own error matters more
                print(f"could not take the failure screenshot: {exc}")
            (ARTIFACTS / "browser-console.log").write_text("\n".join(console) + "\n",
                                                           encoding="utf-8")
            raise
