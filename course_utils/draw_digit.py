"""Draw a digit with the mouse and watch an MNIST model read it (lesson 07).

``digit_canvas(model)`` shows a black square (an ``ipycanvas`` canvas) to
draw on. When you let go of the mouse button the drawing is prepared exactly
like an uploaded photo in lesson 06 (``own_digits.prepare_digit``: cropped,
scaled to 20 pixels, centred by its centre of mass in 28×28) and the model
predicts it. Below the canvas you see the three most likely digits with their
probabilities, and a picture of the 28×28 input, eight feature maps of the
model's first convolution and the Grad-CAM heatmap of the prediction.
**Clear** wipes the canvas.

The canvas needs a live Jupyter frontend (JupyterLab, Notebook 7, VS Code,
Colab). On Colab the custom widget manager is switched on for you. Where the
canvas cannot be shown (``ipycanvas`` missing, or a static copy of the
notebook), the cell says so and shows the same panels for an example digit.
"""

from __future__ import annotations

import html
import io
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from .own_digits import prepare_digit

SIZE = 280  # canvas pixels: 10 per MNIST pixel
LINE_WIDTH = 20  # a stroke about 2 MNIST pixels wide, like the training digits
N_MAPS = 8  # feature maps shown

STATIC_VIEW = ("This is a static copy of the notebook: run it in Jupyter to draw a digit on the "
               "canvas. Here the model reads an example digit instead.")
NO_CANVAS = ("The drawing canvas needs the ipycanvas package and a live Jupyter (install the "
             "course's requirements, then run the cell again); here is an example digit instead.")


def _figure_png(digit: np.ndarray, probabilities: np.ndarray, maps: np.ndarray | None,
                heat: np.ndarray | None, names: Sequence[str]) -> bytes:
    """One PNG with the model's input, its top-3 bars, feature maps and Grad-CAM overlay."""
    from matplotlib.figure import Figure  # no pyplot: the notebook's figures are not touched

    fig = Figure(figsize=(8.0, 3.4), layout="constrained")
    grid = fig.add_gridspec(2, 2 + N_MAPS // 2, width_ratios=[2.2, 2.2] + [1] * (N_MAPS // 2))
    ax = fig.add_subplot(grid[:, 0])
    ax.imshow(digit[..., 0], cmap="gray", vmin=0, vmax=255)
    if heat is not None:
        ax.imshow(heat, cmap="jet", alpha=0.4, vmin=0, vmax=1)
    ax.set_title("input 28×28" + (" + Grad-CAM" if heat is not None else ""), fontsize="small")
    ax.set_xticks([])
    ax.set_yticks([])
    top = np.argsort(probabilities)[::-1][:3]
    ax = fig.add_subplot(grid[:, 1])
    ax.barh([names[i] for i in top][::-1], probabilities[top][::-1], color="tab:blue")
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability")
    ax.set_ylabel("digit")
    ax.set_title("top 3", fontsize="small")
    if maps is not None:
        for k in range(min(N_MAPS, maps.shape[-1])):
            ax = fig.add_subplot(grid[k // (N_MAPS // 2), 2 + k % (N_MAPS // 2)])
            ax.imshow(maps[..., k], cmap="gray")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"map {k}", fontsize="x-small")
    fig.suptitle("What the model sees: input, top 3, first-layer feature maps",
                 fontsize="medium")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def read_digit(model: Any, digit: np.ndarray,
               class_names: Sequence[str] | None = None) -> dict[str, Any]:
    """Predict one prepared digit (28, 28, 1) uint8 and look inside the model.

    Returns a dict: ``probabilities`` (one per class), ``top`` (the three
    likeliest class names with their probabilities), ``maps`` (the first
    convolution's feature maps, or None for a model without one), ``heat``
    (the Grad-CAM heatmap of the prediction, or None) and ``png`` (a picture
    of all of it).
    """
    from . import inside

    probabilities = np.asarray(model.predict(digit[np.newaxis], verbose=0))[0]
    names = [str(n) for n in class_names] if class_names else [
        str(i) for i in range(len(probabilities))]
    try:
        first = inside.conv_layers(model)[0]
    except ValueError:
        maps = heat = None
    else:
        maps = inside.feature_maps(model, digit, first)
        heat = inside.grad_cam(model, digit[np.newaxis])[0]
    order = np.argsort(probabilities)[::-1][:3]
    return {
        "probabilities": probabilities,
        "top": [(names[i], float(probabilities[i])) for i in order],
        "maps": maps,
        "heat": heat,
        "png": _figure_png(digit, probabilities, maps, heat, names),
    }


class DigitCanvas:
    """A canvas to draw a digit on, a Clear button, and what the model makes of the drawing.

    Made by ``digit_canvas``. Attributes: ``canvas`` (the ipycanvas Canvas),
    ``clear_button``, ``result`` (an HTML widget: the top-3 digits or what
    went wrong), ``panels`` (an Image widget: input, feature maps, Grad-CAM),
    ``digit`` (the last prepared input, (28, 28, 1) uint8, or None) and
    ``widget`` (all of them). ``classify_pixels(rgba)`` does what letting go
    of the mouse does; ``clear()`` what the button does.

    Every stroke is drawn twice: on the canvas in the browser, for you to see,
    and on ``ink``, a greyscale copy kept in Python (PIL). Letting go reads
    ``ink``, so the answer never waits for pixels to come back from the
    browser, and a stroke still on its way there cannot be missed.
    """

    waiting = "Draw one digit in the black square with the mouse; let go to see the answer."

    def __init__(self, model: Any, class_names: Sequence[str] | None = None,
                 static: StaticDigitExample | None = None) -> None:
        import ipywidgets as widgets
        from ipycanvas import Canvas

        self.static = static or StaticDigitExample(STATIC_VIEW, None)
        self.model = model
        self.class_names = [str(n) for n in class_names] if class_names else None
        self.digit: np.ndarray | None = None
        self._drawing = False
        self._last: tuple[float, float] | None = None
        self.ink = Image.new("L", (SIZE, SIZE), 0)  # what was drawn, white on black
        self._pen = ImageDraw.Draw(self.ink)
        self.canvas = Canvas(width=SIZE, height=SIZE,
                             layout=widgets.Layout(width=f"{SIZE}px", height=f"{SIZE}px"))
        self.clear_button = widgets.Button(description="Clear", icon="eraser")
        self.result = widgets.HTML(value=self.waiting)
        self.panels = widgets.Image(format="png", layout=widgets.Layout(display="none"))
        self.canvas.on_mouse_down(self._down)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._up)
        self.canvas.on_mouse_out(self._out)
        self.clear_button.on_click(lambda _button: self.clear())
        self._blank()
        self.widget: Any = widgets.VBox([
            widgets.HBox([self.canvas, widgets.VBox([self.clear_button, self.result])]),
            self.panels])

    # -- drawing ---------------------------------------------------------------------------

    def _blank(self) -> None:
        from ipycanvas import hold_canvas

        self._pen.rectangle((0, 0, SIZE, SIZE), fill=0)
        with hold_canvas():
            self.canvas.clear()
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, SIZE, SIZE)
            self.canvas.stroke_style = "white"
            self.canvas.fill_style = "white"
            self.canvas.line_width = LINE_WIDTH
            self.canvas.line_cap = "round"
            self.canvas.line_join = "round"

    def _dot(self, x: float, y: float) -> None:
        r = LINE_WIDTH / 2
        self._pen.ellipse((x - r, y - r, x + r, y + r), fill=255)

    def _down(self, x: float, y: float) -> None:
        self._drawing, self._last = True, (x, y)
        self.canvas.fill_circle(x, y, LINE_WIDTH / 2)
        self._dot(x, y)

    def _move(self, x: float, y: float) -> None:
        if not self._drawing or self._last is None:
            return
        from ipycanvas import hold_canvas

        with hold_canvas():
            self.canvas.stroke_line(*self._last, x, y)
        self._pen.line([self._last, (x, y)], fill=255, width=LINE_WIDTH)
        self._dot(x, y)  # round joints, like the canvas's line_join="round"
        self._last = (x, y)

    def _up(self, x: float, y: float) -> None:
        self._move(x, y)
        self._drawing, self._last = False, None
        self.classify_pixels(np.asarray(self.ink))

    def _out(self, x: float, y: float) -> None:
        if self._drawing:
            self._up(x, y)

    # -- reading ---------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.digit = None
        self.panels.layout.display = "none"
        self.result.value = html.escape(message)

    def classify_pixels(self, rgba: np.ndarray) -> None:
        """Prepare a drawing like MNIST, predict, show.

        ``rgba``: the pixels, uint8, (height, width) grey or (height, width, 3 or 4)
        colour, a light digit on a dark background.
        """
        try:
            digit = prepare_digit(np.ascontiguousarray(rgba, dtype=np.uint8))
        except ValueError:
            self._say("Nothing to read yet: draw a digit, larger or with a longer stroke.")
            return
        try:
            reading = read_digit(self.model, digit, self.class_names)
        except Exception as err:  # noqa: BLE001 - a callback's traceback would be invisible
            self._say(f"The model could not read the drawing: {err.__class__.__name__}: {err}")
            return
        self.digit = digit
        self.panels.value = reading["png"]
        self.panels.layout.display = None
        (best, p_best), *others = reading["top"]
        rest = ", ".join(f"{html.escape(name)} ({p:.3f})" for name, p in others)
        self.result.value = (f"Predicted digit: <b>{html.escape(best)}</b> with probability "
                             f"{p_best:.3f}<br>Next: {rest}<br>Below: the 28×28 input with "
                             "its Grad-CAM heatmap, the top 3, and 8 feature maps of the first "
                             "convolution.")

    def clear(self) -> None:
        """Wipe the canvas, its copy in Python, and the answer."""
        self._drawing, self._last = False, None
        self._blank()
        self._say(self.waiting)

    def __repr__(self) -> str:
        return "Digit canvas: run this notebook in Jupyter to draw a digit."

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Jupyter shows the widget; static viewers show the sentence and the example."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle.update(self.static._repr_mimebundle_())
        return bundle


class StaticDigitExample:
    """What ``digit_canvas`` shows where no canvas can run: a sentence and an example's panels."""

    def __init__(self, message: str, png: bytes | None) -> None:
        self.message = message
        self.png = png

    def __repr__(self) -> str:
        return self.message

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": self.message,
                                  "text/html": f"<p>{html.escape(self.message)}</p>"}
        if self.png is not None:
            import base64

            encoded = base64.b64encode(self.png).decode("ascii")
            bundle["text/html"] += f'<img src="data:image/png;base64,{encoded}" alt="' \
                                   'An example digit, the model&#39;s top 3, its first-layer ' \
                                   'feature maps and Grad-CAM heatmap">'
        return bundle


def digit_canvas(model: Any, class_names: Sequence[str] | None = None, *,
                 example: np.ndarray | None = None) -> DigitCanvas | StaticDigitExample:
    """Show a canvas to draw a digit on; on release ``model`` reads it.

    ``model`` takes (28, 28, 1) uint8 images and ends in softmax (lesson 07's
    ``mnist_model``). ``example`` is a digit to show instead (e.g.
    ``x_test[1]``) where the canvas cannot run. Make the call the last line
    of a cell::

        digit_canvas(mnist_model, example=x_test[1])
    """
    if "google.colab" in sys.modules:
        try:
            from google.colab import output  # type: ignore[import-not-found]

            output.enable_custom_widget_manager()
        except Exception:  # noqa: BLE001 - an old Colab runtime: the canvas may still work
            pass
    png = None
    if example is not None:
        digit = prepare_digit(np.asarray(example, dtype=np.uint8))
        png = read_digit(model, digit, class_names)["png"]
    try:
        import ipycanvas  # noqa: F401
        import ipywidgets  # noqa: F401
    except ImportError:
        message = NO_CANVAS if png is not None else NO_CANVAS.split(";")[0] + "."
        return StaticDigitExample(message, png)
    static = StaticDigitExample(STATIC_VIEW if png is not None else STATIC_VIEW.split(". ")[0]
                                + ".", png)
    return DigitCanvas(model, class_names, static)
