"""Upload your own photo and see what the model makes of it (lesson 09).

``photo_uploader(predictor)`` shows an upload button. After an upload it
shows the photo as the model sees it (upright, cut to the model's shape,
resized), the top 3 classes as bars, and one line with the answer and what
was done to the photo. It works in JupyterLab, on Binder and on Colab::

    from course_utils.photo_widget import photo_uploader
    photo_uploader(predictor)          # the last line of a cell

A file that cannot be used (not an image, truncated, empty) gets one
sentence that says what to do, never a traceback. A huge phone photo is
shrunk, a grey or transparent one converted, an animated GIF's first frame
taken: ``photos.read_photo`` does that and the notes say so. Without a
browser (a test, a script) call ``classify(content, name)`` or
``classify_file(path)``: they do what an upload does. ipywidgets and
matplotlib are imported when the widget is made, not with this module.
"""

from __future__ import annotations

import html
import io
import os
from typing import Any

from .errors import PhotoError
from .own_digits import uploaded_file
from .photos import Photo, read_photo

__all__ = ["PhotoUploader", "answer_html", "photo_uploader", "prediction_png"]


def prediction_png(prediction: Any, photo: Photo | None = None, *, dpi: int = 90) -> bytes:
    """``plot_photo_prediction`` as PNG bytes; the figure is closed (it is not shown twice)."""
    import matplotlib.pyplot as plt

    from .photo_figures import plot_photo_prediction

    fig = plot_photo_prediction(prediction, photo=photo)
    try:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _damaged(name: str) -> str:
    return (f"{name} is truncated or damaged (the download or copy may have stopped "
            f"half-way): choose the file again.")


class PhotoUploader:
    """An upload button, the photo as the model sees it with the top classes, and the answer.

    Made by ``photo_uploader``. Attributes: ``upload`` (the FileUpload button),
    ``picture`` (an Image widget: ``plot_photo_prediction`` as PNG), ``result``
    (an HTML widget: the answer and the notes, or what went wrong),
    ``prediction`` and ``photo`` (the last answer and photo, or None),
    ``widget`` (all of them). ``classify(content, name)`` does what an upload does.
    """

    waiting = "Waiting for a photo: click <b>Upload</b> and choose an image file."

    def __init__(self, predictor: Any, top: int = 3) -> None:
        import ipywidgets as widgets

        self.predictor = predictor
        self.top = int(top)
        self.prediction: Any = None
        self.photo: Photo | None = None
        self.upload = widgets.FileUpload(accept="image/*", multiple=False,
                                         description="Upload")
        self.result = widgets.HTML(value=self.waiting)
        self.picture = widgets.Image(format="png", layout=widgets.Layout(display="none",
                                                                          max_width="720px"))
        self.upload.observe(self._on_upload, names="value")
        self.upload.observe(self._on_error, names="error")
        self.widget: Any = widgets.VBox([self.upload, self.result, self.picture])

    def _on_upload(self, change: dict[str, Any]) -> None:
        found = uploaded_file(change["new"])
        if found is not None:
            self.classify(found[1], found[0] or "your photo")

    def _on_error(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self._say(f"The upload failed ({change['new']}): try again, or a smaller file "
                      f"(Colab takes files up to about 10 MB through this button).")

    def _say(self, message: str) -> None:
        self.prediction = None
        self.photo = None
        self.picture.layout.display = "none"
        self.result.value = html.escape(message)

    def classify(self, content: bytes | bytearray | memoryview, name: str = "your photo") -> None:
        """Read the image file ``content`` (the bytes of an upload), predict, show the answer."""
        try:
            photo = read_photo(bytes(content), name=name)
        except PhotoError as err:
            self._say(str(err))
            return
        except OSError:  # Pillow's "Truncated File Read" when even the header is cut short
            self._say(_damaged(name))
            return
        except Exception as err:  # noqa: BLE001 - a callback's traceback would be invisible
            self._say(f"{name} could not be read ({err.__class__.__name__}): choose a JPEG or "
                      f"PNG photo.")
            return
        self._show(photo)

    def classify_file(self, path: str | os.PathLike[str]) -> None:
        """Do what an upload of the file at ``path`` does."""
        try:
            photo = read_photo(path)
        except (PhotoError, FileNotFoundError) as err:
            self._say(str(err))
            return
        except (PermissionError, IsADirectoryError) as err:
            self._say(f"{os.path.basename(os.fspath(path))} could not be opened "
                      f"({err.__class__.__name__}): check the path and that you may read it.")
            return
        except OSError:
            self._say(_damaged(os.path.basename(os.fspath(path))))
            return
        self._show(photo)

    def _show(self, photo: Photo) -> None:
        try:
            prediction = self.predictor.predict_photo(photo, top=self.top)
            png = prediction_png(prediction, photo)
        except Exception as err:  # noqa: BLE001 - a callback's traceback would be invisible
            self._say(f"The model could not classify {photo.name}: "
                      f"{err.__class__.__name__}: {err}")
            return
        self.prediction, self.photo = prediction, photo
        self.picture.value = png
        self.picture.layout.display = None
        self.result.value = answer_html(prediction, photo)

    def __repr__(self) -> str:
        return ("Photo uploader: waiting for a photo. Run this notebook in Jupyter to upload "
                "one.")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """Jupyter shows the widget; static viewers show a line of text."""
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        return bundle


def answer_html(prediction: Any, photo: Photo) -> str:
    """The line under the upload button: the answer, the runners-up and the photo's notes."""
    from .photo_figures import percent

    runners = ", ".join(f"{html.escape(name)} ({percent(p)})" for name, p in prediction.top[1:])
    width, height = photo.size
    lines = [f"{html.escape(photo.name)} ({width}×{height}): the model says "
             f"<b>{html.escape(prediction.class_name)}</b> with probability "
             f"{percent(prediction.probability)}"]
    if runners:
        lines.append(f"Next: {runners}")
    if photo.notes:
        lines.append("What was done to the photo: " + html.escape("; ".join(photo.notes)) + ".")
    return "<br>".join(lines)


def photo_uploader(predictor: Any, top: int = 3) -> PhotoUploader:
    """Show an upload button: the chosen photo is classified by ``predictor``.

    ``predictor`` is a ``predictor.Predictor`` (a model with its class names,
    e.g. ``Predictor.from_file("cells.keras")``). After an upload the widget
    shows the image the model saw and its ``top`` classes as bars, and a line
    with the answer and what was done to the photo (turned upright, converted,
    shrunk). A file that cannot be used gets one sentence that says why. Make
    the call the last line of a cell::

        photo_uploader(predictor)
    """
    return PhotoUploader(predictor, top)
