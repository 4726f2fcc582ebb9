"""Download, verify, cache and load the course datasets.

In a lesson::

    from course_utils import data
    (x_train, y_train), (x_test, y_test) = data.load_mnist()

Every dataset, and the model weights, lives in the data directory
(``course_utils.data_dir()``; change it with ``COURSE_DATA_DIR``):

======================================  ===========================================
``mnist.npz``                           MNIST digits, 60,000 + 10,000, uint8
``cifar10.npz``                         CIFAR-10 photos, 50,000 + 10,000, uint8
``blood_cells/TRAIN/<CLASS>/``          white-blood-cell images, one folder a class
``blood_cells/TEST/<CLASS>/``
``weights/weights_mobilenet_v3_*.h5``   MobileNetV3Small ImageNet weights (no top),
                                        about 4 MB; only lesson 08's optional
                                        ImageNet section needs them
======================================  ===========================================

The loaders (``load_mnist``, ``load_cifar10``, ``blood_cells_dir``,
``imagenet_weights``) read what is there and download only what is missing:
from the official source, or from ``COURSE_DATA_MIRROR`` when that is set. A
download is checked against a published SHA-256 checksum (the ImageNet
weights: the checksum Keras itself pins, an MD5; the blood cells: every
extracted file against a manifest shipped with this package) before anything
is installed, and a failed download never changes what is already there.
Nothing from the network is unpickled or loaded before it has been verified.

``dataset_status(name)`` says whether a dataset (or the weights) is
``missing``, ``present``, ``verified`` or ``damaged``, and why; ``python -m
course_utils doctor`` shows it for every one of them.

The package's modules, each with one job: ``registry`` (the datasets, the
model weights and every fact about them), ``status`` (checksums and the status of a dataset),
``download`` (``fetch``), ``install`` (turning a download into a dataset),
``loaders`` and ``kit`` (the offline kit: ``from course_utils.data import
kit``). For your own image folders, see ``course_utils.folders``.
"""

from __future__ import annotations

from ..errors import ChecksumError, DataUnavailableError
from .download import fetch
from .loaders import blood_cells_dir, imagenet_weights, load_cifar10, load_mnist
from .registry import (
    BLOOD_CELL_CLASSES,
    CIFAR10_CLASSES,
    DATASETS,
    MNIST_CLASSES,
    WEIGHTS,
    Dataset,
    all_entries,
    dataset_path,
)
from .status import (
    STATES,
    DatasetStatus,
    checksum_file,
    dataset_status,
    read_manifest,
    sha256_file,
)

__all__ = [
    "BLOOD_CELL_CLASSES",
    "CIFAR10_CLASSES",
    "DATASETS",
    "MNIST_CLASSES",
    "STATES",
    "WEIGHTS",
    "ChecksumError",
    "DataUnavailableError",
    "Dataset",
    "DatasetStatus",
    "all_entries",
    "blood_cells_dir",
    "checksum_file",
    "dataset_path",
    "dataset_status",
    "fetch",
    "imagenet_weights",
    "load_cifar10",
    "load_mnist",
    "read_manifest",
    "sha256_file",
]
