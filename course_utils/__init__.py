"""Helpers for the course "Image classification with convolutional neural networks".

Start every lesson with::

    import course_utils
    course_utils.setup()

Modules: ``config`` (data folder, fast mode, seeds), ``data`` (download and
load the datasets), ``plots`` and ``errors`` (figures), ``explore`` (interactive
explorers), ``evaluation`` (the one final test), ``quiz`` and ``exercises``
(self-checks), ``saving`` (load a model safely), ``links`` (Binder and Colab
links). Read any of them with ``help()``.

From a terminal: ``python -m course_utils --help`` (download the data, check your
setup with ``doctor``, pack the data for a workshop).
"""

from .config import data_dir, epochs, fast_mode, fast_size, set_seed, shrink
from .display import show_source
from .environment import check_environment, setup

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
    "shrink",
]
