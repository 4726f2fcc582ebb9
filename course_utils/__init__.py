"""Helpers for the course "Image classification with convolutional neural networks".

Start every lesson with::

    import course_utils
    course_utils.setup()

What a lesson calls from here: ``setup()``, ``show_source()`` and
``check_environment()`` (from ``environment``), and the switches of
``config``: ``data_dir()``, ``fast_mode()``, ``epochs()``, ``shrink()``,
``fast_size()``, ``set_seed()``. ``import course_utils`` imports no
TensorFlow: the modules that need it import it themselves.

The modules, each with one job (read any of them with ``help()``):

- ``data`` (a package): download, verify and load the course datasets;
  ``data.dataset_status`` says whether one is there; ``data.kit`` is the
  offline kit for workshops.
- ``folders`` (a package): check and load a folder of your own images.
- ``inputs``: check what you pass to a figure (labels, predictions, images).
- ``plots``: figures of data and training; ``predictions``: figures of a
  model's answers.
- ``mistakes``: confusion analysis (confusion matrix, most confused pairs,
  misclassified images).
- ``explore``: the interactive explorers (ipywidgets).
- ``models``: the model recipes the lessons train.
- ``pipelines``: NumPy arrays to ``tf.data`` batches.
- ``evaluation``: choosing by validation, and the one final test.
- ``quiz`` and ``exercises``: self-checks.
- ``links``: Binder and Colab links.
- ``errors``: the course's own exceptions.
- ``saving``: load a ``.keras`` model file safely (the web service of
  lesson 09 uses it; lesson 06 teaches ``keras.saving.load_model`` itself).
- ``config``: data folder, fast mode, seeds; ``environment``: what a lesson
  calls from here; ``packages``: the one package check; ``doctor``: the
  setup check; ``cli``: the command line.

``import course_utils`` sets ``TF_CPP_MIN_LOG_LEVEL=3`` (unless you set it
yourself), so TensorFlow's C++ log lines (``failed call to cuInit``,
``NodeDef mentions attribute ...``), which mean nothing to a learner, stay out
of the notebook. It works only before TensorFlow is first imported: import
``course_utils`` first. The few notices TensorFlow prints while it loads
(``oneDNN custom operations are on``, "Could not find cuda drivers"), which that
setting cannot hide, are dropped by ``course_utils.quiet`` from the first
``import tensorflow``; every other line still shows.

From a terminal: ``python -m course_utils --help`` (download the data, check your
setup with ``doctor``, check a folder of images, pack the data for a workshop).
"""

import os

# Before anything can import TensorFlow: its C++ logging reads this once, at import.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from . import quiet  # noqa: E402

quiet.install()  # the first ``import tensorflow`` drops its load-time notices

from .config import data_dir, epochs, fast_mode, fast_size, set_seed, short_path, shrink  # noqa: E402
from .environment import check_environment, setup, show_source  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "check_environment",
    "data_dir",
    "epochs",
    "fast_mode",
    "fast_size",
    "set_seed",
    "setup",
    "show_source",
    "short_path",
    "shrink",
]
