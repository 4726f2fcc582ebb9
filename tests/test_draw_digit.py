"""course_utils.draw_digit: the draw-a-digit canvas of lesson 07, without a browser.

The browser test (tests/test_browser.py) draws on it with the mouse in Chromium.
"""

from __future__ import annotations

import sys

import keras
import numpy as np
import pytest

import course_utils  # noqa: F401 - quiets TensorFlow before keras is imported
from course_utils import draw_digit
from course_utils.own_digits import prepare_digit

pytest.importorskip("ipycanvas")


@pytest.fixture(scope="module")
def model() -> keras.Model:
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((28, 28, 1), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(4, 3, activation="relu", name="first_conv"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10, activation="softmax"),
    ])


def drawing_of_a_one() -> np.ndarray:
    """What the canvas sends after a vertical stroke: RGBA, white on black, 280×280."""
    rgba = np.zeros((draw_digit.SIZE, draw_digit.SIZE, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    rgba[60:220, 130:150, :3] = 255
    return rgba


def test_a_drawing_is_prepared_like_mnist_and_read(model: keras.Model) -> None:
    board = draw_digit.digit_canvas(model)
    board.classify_pixels(drawing_of_a_one())
    expected = prepare_digit(drawing_of_a_one())
    np.testing.assert_array_equal(board.digit, expected)
    probabilities = model.predict(expected[np.newaxis], verbose=0)[0]
    best = int(np.argmax(probabilities))
    assert f"Predicted digit: <b>{best}</b> with probability {probabilities[best]:.3f}" \
        in board.result.value
    assert board.result.value.count("(0.") + board.result.value.count("(1.") == 2  # 2 more
    assert board.panels.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert board.panels.layout.display is None


def test_reading_gives_top3_maps_and_heat(model: keras.Model) -> None:
    reading = draw_digit.read_digit(model, prepare_digit(drawing_of_a_one()),
                                    [f"d{i}" for i in range(10)])
    assert len(reading["top"]) == 3 and reading["top"][0][0].startswith("d")
    assert [p for _, p in reading["top"]] == sorted((p for _, p in reading["top"]),
                                                    reverse=True)
    assert reading["maps"].shape == (26, 26, 4)
    assert reading["heat"].shape == (28, 28) and 0 <= reading["heat"].min()


def test_a_blank_canvas_gets_a_sentence(model: keras.Model) -> None:
    board = draw_digit.digit_canvas(model)
    blank = np.zeros((280, 280, 4), dtype=np.uint8)
    blank[..., 3] = 255
    board.classify_pixels(blank)
    assert board.digit is None
    assert "Nothing to read yet" in board.result.value
    assert board.panels.layout.display == "none"


def test_mouse_strokes_are_drawn_in_python_and_read_on_release(model: keras.Model) -> None:
    board = draw_digit.digit_canvas(model)
    board._move(30, 30)  # moving without a button pressed draws nothing
    assert not np.asarray(board.ink).any()
    board._down(140, 60)
    board._move(140, 140)
    board._move(140, 220)
    assert board.digit is None  # nothing is read while the button is still down
    board._up(140, 220)
    ink = np.asarray(board.ink)
    assert ink[60:221, 131:150].min() == 255  # the whole stroke, 20 pixels wide
    assert ink[:, :125].max() == 0 and ink[:, 156:].max() == 0  # nothing beside it
    assert ink[:45].max() == 0 and ink[236:].max() == 0  # nor beyond its round ends
    np.testing.assert_array_equal(board.digit, prepare_digit(ink))
    assert "Predicted digit" in board.result.value
    assert board.panels.layout.display is None


def test_leaving_the_canvas_ends_the_stroke(model: keras.Model) -> None:
    board = draw_digit.digit_canvas(model)
    board._down(60, 140)
    board._move(220, 140)
    board._out(279, 140)
    assert board.digit is not None and not board._drawing
    board._move(100, 100)  # the button is no longer down: no ink
    assert np.asarray(board.ink)[90:111, 90:111].max() == 0


def test_clear_resets(model: keras.Model) -> None:
    board = draw_digit.digit_canvas(model)
    board._down(140, 60)
    board._up(140, 220)
    assert board.digit is not None
    board.clear()
    assert board.digit is None and board.result.value == board.waiting
    assert not np.asarray(board.ink).any()


def test_the_model_failing_is_a_sentence() -> None:
    wrong = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    board = draw_digit.digit_canvas(wrong)
    board.classify_pixels(drawing_of_a_one())
    assert "could not read the drawing" in board.result.value and board.digit is None


def test_static_views_say_so_and_show_the_example(model: keras.Model,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    example = np.zeros((28, 28), dtype=np.uint8)
    example[4:24, 13:15] = 255
    board = draw_digit.digit_canvas(model, example=example)
    bundle = board._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "static copy" in bundle["text/plain"] and "data:image/png" in bundle["text/html"]

    monkeypatch.setitem(sys.modules, "ipycanvas", None)  # as if it were not installed
    static = draw_digit.digit_canvas(model, example=example)
    assert isinstance(static, draw_digit.StaticDigitExample)
    bundle = static._repr_mimebundle_()
    assert "needs the ipycanvas package" in bundle["text/plain"]
    assert 'alt="An example digit' in bundle["text/html"]
