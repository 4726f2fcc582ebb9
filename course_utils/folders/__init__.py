"""Check a class-per-folder image dataset before you train on it, then load it safely.

``keras.utils.image_dataset_from_directory`` reads a folder laid out like
this, one sub-folder per class::

    my_images/
        cats/
            001.jpg
            002.png
        dogs/
            001.jpg

It is not forgiving: it silently skips files whose extension is not
``.bmp .gif .jpeg .jpg .png``, turns every sub-folder (even an empty one)
into a class, and stops with an error in the middle of an epoch when it meets
an empty, truncated or non-image file. It also feeds phone photos sideways:
TensorFlow's decoders ignore the EXIF orientation tag. ``scan_image_folder``
finds all of that first and tells you what to fix; ``load_image_folder``
loads only the images that are fine, and turns rotated photos upright::

    from course_utils.folders import load_image_folder, scan_image_folder

    scan = scan_image_folder("my_images")
    print(scan)            # a readable report
    scan.classes           # {"cats": 2, "dogs": 1}: usable images per class
    scan.problems          # [("dogs/notes.txt", "ignored by Keras: ..."), ...]
    scan.rotated           # 0: photos with an EXIF rotation tag (turned upright on loading)
    train_ds, val_ds = load_image_folder("my_images", (90, 120), validation_split=0.2)

From a terminal: ``python -m course_utils check-folder my_images`` (add
``--json`` for a machine-readable report).

The package has three modules, each using only the one after it:
``pipeline`` (``load_image_folder``: the ``tf.data`` datasets; TensorFlow is
imported only when you call it), ``scan`` (``scan_image_folder``,
``FolderScan``, ``ImageInfo``: the whole folder) and ``image_files``
(``check_file``, ``FileCheck``: one file). The EXIF orientation rules come
from ``course_utils.photos`` (``orientation_of``, ``ORIENTATION_STEPS``), the
same ones that turn a single photo upright. Importing the package does not
import TensorFlow, so ``check-folder`` starts in a second.
"""

from .image_files import KERAS_IMAGE_EXTENSIONS, FileCheck, check_file
from .pipeline import load_image_folder
from .scan import MAX_IMAGE_PIXELS, FolderScan, ImageInfo, scan_image_folder

__all__ = [
    "KERAS_IMAGE_EXTENSIONS",
    "MAX_IMAGE_PIXELS",
    "FileCheck",
    "FolderScan",
    "ImageInfo",
    "check_file",
    "load_image_folder",
    "scan_image_folder",
]
