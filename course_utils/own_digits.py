"""Your own handwritten digit: prepare it like MNIST, or upload a photo and classify it.

A model trained on MNIST only understands images prepared like MNIST's: a
white digit on a black background, about 20 pixels tall, centred in 28×28
pixels. ``prepare_digit`` turns any picture of one digit into that::

    from course_utils.own_digits import digit_uploader, prepare_digit

    digit = prepare_digit("my_digit.png")          # (28, 28, 1) uint8, like x_train[0]
    probabilities = model.predict(digit[np.newaxis], verbose=0)[0]

    digit_uploader(model)   # an upload button: choose a photo, see the prediction

``prepare_digit`` needs no widget; ``digit_uploader`` is the widget built on
it, for Colab and Binder, where the notebook cannot read files on your computer.
"""

from __future__ import annotations

import html
import io
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:  # ipywidgets is imported only by the widget, not by prepare_digit
    import ipywidgets

__all__ = ["DIGIT_SIZE", "IMAGE_SIZE", "DigitUploader", "digit_uploader", "prepare_digit",
           "stroke_width", "uploaded_file"]

IMAGE_SIZE = 28  # MNIST images are 28×28 pixels ...
DIGIT_SIZE = 20  # ... and the digit's longer side is 20 of them
CENTRE = 14.0  # MNIST centres the digit's centre of mass at row 14, column 14
MIN_CONTRAST = 32  # grey levels between digit and background below which nothing stands out
NOISE_FLOOR = 0.25  # ink fainter than this share of the darkest stroke counts as background
WORKING_SIZE = 1024  # larger photos are shrunk to this first (faster, same result)
MNIST_STROKE = 2.0  # MNIST strokes are about 2 of the 28 pixels wide (median of x_train)
THIN_STROKE = 1.5  # strokes that would end up thinner than this are thickened to MNIST's

# --------------------------------------------------------------------------- preparing


def prepare_digit(
    image: Image.Image | str | os.PathLike[str] | bytes | bytearray | memoryview | np.ndarray,
) -> np.ndarray:
    """Prepare a picture of one digit the way MNIST digits are: (28, 28, 1) uint8.

    ``image`` is a file name, the bytes of an image file, a PIL image or a
    uint8 array (height, width) or (height, width, channels). The steps:

    1. turn the picture upright (a phone photo's EXIF orientation tag);
    2. make it grey (a transparent background counts as paper);
    3. invert it if the background is light: MNIST digits are light on dark.
       The border pixels decide what the background is;
    4. set the background to 0 and the strongest stroke to 255;
    5. crop to the digit's bounding box;
    6. thicken thin strokes (a pen line in a photo is much thinner than MNIST's
       strokes) so that they end up about 2 pixels wide;
    7. scale the longer side to 20 pixels (keeping the aspect ratio) and place
       the digit in 28×28 pixels with its centre of mass at row 14, column 14,
       as MNIST does.

    It works best on one dark, thick digit on plain paper that fills most of
    the picture. Raises ``ValueError`` for a file that is not an image and for
    a blank picture, with a sentence that says what to do.
    """
    picture = _open(image)
    ink = _ink(_grey(picture))
    rows = np.flatnonzero(ink.max(axis=1) > 0)
    cols = np.flatnonzero(ink.max(axis=0) > 0)
    box = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return _centred(_thickened(box))[..., np.newaxis]


def _open(image: Any) -> Image.Image:
    """Return a loaded, upright PIL image from any of the inputs prepare_digit takes."""
    if isinstance(image, np.ndarray):
        return _from_array(image)
    if isinstance(image, (bytes, bytearray, memoryview)):
        source: Any = io.BytesIO(bytes(image))
        what = "These bytes are"
    elif isinstance(image, (str, os.PathLike)):
        source = os.fspath(image)
        what = f"{os.path.basename(source)!r} is"
    elif isinstance(image, Image.Image):
        source, what = None, "This picture is"
    else:
        raise TypeError(f"prepare_digit takes a file name, the bytes of an image file, a PIL "
                        f"image or a uint8 array, not {type(image).__name__}.")
    try:
        picture = image if source is None else Image.open(source)
        picture.load()
    except FileNotFoundError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as err:
        raise ValueError(f"{what} not an image that Pillow can read ({err.__class__.__name__}): "
                         "choose a PNG or JPEG photo or drawing of one digit.") from None
    try:
        picture = ImageOps.exif_transpose(picture)
    except Exception:  # noqa: BLE001 - a damaged EXIF block: keep the picture as it is
        pass
    if max(picture.size) > WORKING_SIZE:
        picture = picture.copy()
        picture.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.LANCZOS)
    return picture


def _from_array(array: np.ndarray) -> Image.Image:
    if array.dtype != np.uint8:
        raise ValueError(f"prepare_digit takes uint8 arrays (0-255); this one is {array.dtype}: "
                         "convert it with array.astype('uint8') if its values are 0-255.")
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 2 or (array.ndim == 3 and array.shape[-1] in (3, 4)):
        return Image.fromarray(array)
    raise ValueError(f"prepare_digit takes one image of shape (height, width) or (height, "
                     f"width, 1, 3 or 4 channels), not {array.shape}.")


def _grey(picture: Image.Image) -> np.ndarray:
    """The picture as grey levels 0-255 (float), with transparency filled in as paper."""
    if picture.mode in ("I", "F") or picture.mode.startswith("I;16"):
        grey = np.asarray(picture, dtype=np.float64)  # 16- or 32-bit grey: scale to 0-255
        top = 65535.0 if picture.mode.startswith("I;16") else max(float(grey.max()), 255.0)
        return grey * (255.0 / top) if grey.max() > 255 else grey
    rgba = np.asarray(picture.convert("RGBA"), dtype=np.float64)
    grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])  # as PIL's convert("L")
    alpha = rgba[..., 3] / 255.0
    if alpha.min() < 1.0:
        # A drawing app's transparent background: the paper is whatever the ink is not.
        opaque = alpha >= 0.5
        ink_is_dark = not opaque.any() or grey[opaque].mean() < 128
        paper = 255.0 if ink_is_dark else 0.0
        grey = grey * alpha + paper * (1.0 - alpha)
    return grey


def _ink(grey: np.ndarray) -> np.ndarray:
    """How much ink each pixel holds, 0 (background) to 1 (the strongest stroke)."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if np.median(border) > (grey.min() + grey.max()) / 2:  # a light background: invert
        grey, border = 255.0 - grey, 255.0 - border
    background, peak = float(np.median(border)), float(grey.max())
    if peak - background < MIN_CONTRAST:
        raise ValueError("The picture is blank: nothing in it stands out from the background. "
                         "Photograph one digit drawn thick and dark on light paper (or light "
                         "on a dark board).")
    floor = background + NOISE_FLOOR * (peak - background)
    return np.clip((grey - floor) / (peak - floor), 0.0, 1.0)


def stroke_width(ink: np.ndarray) -> float:
    """Estimate the width of the strokes in pixels: 2 × area / perimeter of the ink (> 0.5).

    For a long stroke of width w the ink's area is length × w and its outline
    about 2 × length, so the ratio is w. ``ink`` is a 2-D array, 0 to 1.
    """
    mask = np.pad(np.asarray(ink) > 0.5, 1)
    edges = (mask[1:] != mask[:-1]).sum() + (mask[:, 1:] != mask[:, :-1]).sum()
    return float(2 * mask.sum() / edges) if edges else 0.0


def _thickened(box: np.ndarray) -> np.ndarray:
    """Widen strokes that would be thinner than THIN_STROKE pixels at 20 pixels tall."""
    scale = DIGIT_SIZE / max(box.shape)
    width = stroke_width(box)
    if width * scale >= THIN_STROKE:
        return box
    steps = int(np.ceil((MNIST_STROKE / scale - width) / 2))  # each step adds a pixel a side
    wide = np.pad(box, steps)
    for _ in range(steps):  # a 3×3 maximum, as two passes of 3
        wide[1:-1] = np.maximum(np.maximum(wide[:-2], wide[1:-1]), wide[2:])
        wide[:, 1:-1] = np.maximum(np.maximum(wide[:, :-2], wide[:, 1:-1]), wide[:, 2:])
    return wide


def _centred(box: np.ndarray) -> np.ndarray:
    """Scale the cropped digit to 20 pixels and place its centre of mass at (14, 14)."""
    height, width = box.shape
    scale = DIGIT_SIZE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small_image = Image.fromarray(np.round(box * 255).astype(np.uint8))
    small = np.asarray(small_image.resize(size, Image.Resampling.LANCZOS), dtype=np.float64)
    small *= 255.0 / small.max()  # thin strokes fade when shrunk: the strongest is 255 again
    rows, cols = np.indices(small.shape)
    row_mass = float((rows * small).sum() / small.sum())
    col_mass = float((cols * small).sum() / small.sum())
    top = int(np.clip(round(CENTRE - row_mass), 0, IMAGE_SIZE - size[1]))
    left = int(np.clip(round(CENTRE - col_mass), 0, IMAGE_SIZE - size[0]))
    out = np.zeros((IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    out[top:top + size[1], left:left + size[0]] = np.round(small).astype(np.uint8)
    return out


# --------------------------------------------------------------------------- the widget


def uploaded_file(value: Any) -> tuple[str, bytes] | None:
    """Return (name, content) of the first file in a ``FileUpload`` widget's value, or None.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content``;
    ipywidgets 7 (still on some Colab runtimes) a dict name → {"content": ...}.
    """
    if isinstance(value, dict):
        entries = [dict(entry, name=name) for name, entry in value.items()]
    else:
        entries = list(value or ())
    for entry in entries:
        content = entry.get("content")
        if content is not None:
            return str(entry.get("name", "")), bytes(content)
    return None


class DigitUploader:
    """An upload button, the 28×28 input the model sees, and its prediction.

    Made by ``digit_uploader``. Attributes: ``upload`` (the FileUpload
    button), ``picture`` (an Image widget: the prepared input, enlarged),
    ``result`` (an HTML widget: the prediction or what went wrong), ``digit``
    (the last prepared input, (28, 28, 1) uint8, or None), ``widget`` (all of
    them). ``classify(content, name)`` does what an upload does.
    """

    waiting = ("Waiting for a file: click <b>Upload</b> and choose a photo or drawing of "
               "one digit.")

    def __init__(self, model: Any, class_names: Sequence[str] | None = None) -> None:
        import ipywidgets as widgets

        self.model = model
        self.class_names = [str(n) for n in class_names] if class_names else None
        self.digit: np.ndarray | None = None
        self.upload = widgets.FileUpload(accept="image/*", multiple=False,
                                         description="Upload")
        self.picture = widgets.Image(format="png", width=140, height=140,
                                     layout=widgets.Layout(display="none"))
        self.result = widgets.HTML(value=self.waiting)
        self.upload.observe(self._on_upload, names="value")
        self.upload.observe(self._on_error, names="error")
        self.widget: ipywidgets.VBox = widgets.VBox(
            [self.upload, widgets.HBox([self.picture, self.result])])

    def _on_upload(self, change: dict[str, Any]) -> None:
        found = uploaded_file(change["new"])
        if found is not None:
            self.classify(found[1], found[0])

    def _on_error(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._say(f"The upload failed ({change['new']}): try again; on Colab, choose a "
                      "file under 1 MB.")

    def _say(self, message: str) -> None:
        self.digit = None
        self.picture.layout.display = "none"
        self.result.value = html.escape(message)

    def _name(self, index: int) -> str:
        if self.class_names and index < len(self.class_names):
            return self.class_names[index]
        return str(index)

    def classify(self, content: bytes, name: str = "your file") -> None:
        """Prepare the image file ``content`` with prepare_digit, predict, show the answer."""
        try:
            digit = prepare_digit(content)
        except ValueError as err:
            self._say(f"{name}: {err}")
            return
        try:
            probabilities = np.asarray(self.model.predict(digit[np.newaxis], verbose=0))[0]
        except Exception as err:  # noqa: BLE001 - a callback's traceback would be invisible
            self._say(f"The model could not classify {name}: {err.__class__.__name__}: {err}")
            return
        self.digit = digit
        big = Image.fromarray(digit[..., 0]).resize((140, 140), Image.Resampling.NEAREST)
        buffer = io.BytesIO()
        big.save(buffer, format="PNG")
        self.picture.value = buffer.getvalue()
        self.picture.layout.display = None
        first, second = np.argsort(probabilities)[::-1][:2]
        self.result.value = (
            f"{html.escape(name)}<br>Predicted digit: <b>{html.escape(self._name(first))}</b> "
            f"with probability {probabilities[first]:.3f}<br>Next best: "
            f"{html.escape(self._name(second))} ({probabilities[second]:.3f})<br>"
            "Left: the 28×28 input the model saw (enlarged).")

    def __repr__(self) -> str:
        return ("Digit uploader: waiting for a file. Run this notebook in Jupyter to upload "
                "an image.")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Jupyter shows the widget; static viewers show a line of text."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        return bundle


def digit_uploader(model: Any, class_names: Sequence[str] | None = None) -> DigitUploader:
    """Show an upload button: the chosen image is prepared like MNIST and classified.

    ``model`` is a Keras model that takes (28, 28, 1) uint8 images and ends
    in softmax (lesson 06's ``best_model``). After an upload the widget shows
    the 28×28 input the model saw (made by ``prepare_digit``), the predicted
    digit with its probability, and the runner-up. A file that is not an image,
    or a blank picture, gets a sentence saying what to do instead. Make the
    call the last line of a cell::

        digit_uploader(best_model)
    """
    return DigitUploader(model, class_names)
