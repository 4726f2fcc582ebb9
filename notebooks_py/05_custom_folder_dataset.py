# ---
# jupyter:
#   jupytext:
#     formats: notebooks///ipynb,notebooks_py///py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 — Your own image folder: blood cells
#
# You train a CNN on images stored as files in folders, the way your own photos are stored,
# check the folder before you train, and find out why a validation score can lie.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/05_custom_folder_dataset.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/05_custom_folder_dataset.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - recognise the *class-per-folder* layout and count the images of each class;
# - scan a folder for the files that would break training (empty, truncated, not images,
#   ignored extensions, system files, empty class folders) **before** you train;
# - load it with `keras.utils.image_dataset_from_directory`, or with `load_image_folder`, which
#   skips the broken files, with a validation split and an `image_size` that keeps the photos'
#   shape;
# - build a memory-friendly `tf.data` pipeline: `uint8` images, `cache`, `prefetch`;
# - train a small CNN with batch normalization and read its confusion matrix;
# - spot **data leakage**: near-duplicate images on both sides of a random split, and how a
#   split by group fixes it;
# - point the same code at a folder of your own images.
#
# **Estimated time:** about 75 minutes, of which about 4 minutes are training on a 2-core
# laptop and 20 minutes are exercises.
#
# **Before you start:** lesson 01 (a first CNN, validation split, evaluating once on the test
# set). It helps to have seen lesson 02 (colour images, overfitting), but you do not need it.

# %% [markdown]
# ## On Google Colab? Run this cell first
#
# If you opened this lesson in Google Colab, the next cell installs the course's helper
# package `course_utils` from GitHub (it takes under a minute). Anywhere else (JupyterLab on
# your computer, Binder) it checks that `course_utils` is there and does nothing more.

# %%
import sys

if "google.colab" in sys.modules:
    try:
        import course_utils  # noqa: F401
    except ImportError:
        import subprocess

        url = "git+https://github.com/cnn-course/image-classification-cnn@main"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", url], check=True)

# %% [markdown]
# ## Setup
#
# Run this cell first. `course_utils.setup()` fixes the random seed and prints what you are
# running on. The first time, `data.blood_cells_dir()` below downloads about 130 MB of JPEG
# files; after that it uses the copy in the data directory printed here.

# %%
import shutil
import tempfile
from pathlib import Path

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from PIL import Image

import course_utils
from course_utils import data, plots
from course_utils.evaluation import evaluate_on_test
from course_utils.exercises import (
    check_goes_to_validation,
    check_image_size_for,
    check_scan_reading,
)
from course_utils.folders import load_image_folder, scan_image_folder
from course_utils.mistakes import most_confused_pairs, plot_confusion_matrix
from course_utils.quiz import Question, show_quiz

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. A dataset in folders
#
# So far the data came as NumPy arrays. Your own images will come as files, and the most
# common way to label them is to put each class in its own folder. The blood-cell dataset is
# stored that way: microscope photos of white blood cells, 320×240 pixels each, in four
# classes, split into a `TRAIN` and a `TEST` folder:
#
# ```text
# blood_cells/
# ├── TRAIN/
# │   ├── EOSINOPHIL/    _0_1169.jpeg  _0_1414.jpeg  ...
# │   ├── LYMPHOCYTE/    ...
# │   ├── MONOCYTE/      ...
# │   └── NEUTROPHIL/    ...
# └── TEST/
#     ├── EOSINOPHIL/    ...
#     └── ...
# ```
#
# The folder name **is** the label. Count the files in each class folder:

# %%
# NBVAL_CHECK_OUTPUT
blood_dir = data.blood_cells_dir()
train_dir = blood_dir / "TRAIN"
test_dir = blood_dir / "TEST"

for split_dir in (train_dir, test_dir):
    print(split_dir.name)
    for class_dir in sorted(split_dir.iterdir()):
        print(f"  {class_dir.name:<11} {len(list(class_dir.iterdir())):>5} files")

# %% [markdown]
# The four classes are balanced: about 2,500 training and 620 test images each.
#
# Before any Keras code, look at a few images at their real size. `PIL.Image.open` reads a
# file and `np.asarray` turns it into the same kind of `uint8` array as in lesson 01. The code
# picks four random files per class.

# %%
folder_names = sorted(p.name for p in train_dir.iterdir() if p.is_dir())
rng = np.random.default_rng(0)
sample_paths, sample_labels = [], []
for label, name in enumerate(folder_names):
    files = sorted((train_dir / name).glob("*.jpeg"))
    sample_paths += list(rng.choice(files, size=4, replace=False))
    sample_labels += [label] * 4

samples = np.stack([np.asarray(Image.open(path)) for path in sample_paths])
print("samples:", samples.shape, samples.dtype)

# %% [markdown]
# *Figure: 16 microscope photos in two rows of eight, four per class (eosinophil, lymphocyte,
# monocyte, neutrophil), each titled with its class. Every photo shows pink red blood cells
# around one (sometimes two) larger white blood cell whose nucleus is stained dark purple;
# the classes differ mainly in the shape of that nucleus. Most photos are rotated or shifted,
# with black corners where the rotation left no picture.*

# %%
fig = plots.plot_samples(samples, sample_labels, folder_names, n=16, ncols=8,
                         title="Blood-cell training images, four per class (320×240)")

# %% [markdown]
# What tells the classes apart is the purple **nucleus**: a lymphocyte has one big round
# nucleus, a monocyte a large bean-shaped one, a neutrophil several small lobes, an
# eosinophil usually two lobes and reddish granules. These are small details, so you cannot
# shrink the images too much.

# %% [markdown]
# ## 2. Check the folder before you train
#
# `image_dataset_from_directory`, which you will use in section 3, is not forgiving:
#
# - it reads only `.bmp .gif .jpeg .jpg .png` files and **silently skips** everything else
#   (`.tif`, `.heic`, `.webp`, ...);
# - it makes **every** sub-folder a class, even an empty one;
# - it finds an empty, truncated or non-image file only when it tries to decode it, in the
#   **middle of an epoch**, and stops training with an error.
#
# So check the folder first. `scan_image_folder` from `course_utils.folders` opens every file
# with PIL, reads it to the end, and reports what Keras would make of the folder. Scanning
# 12,000 files takes a few seconds.

# %%
# NBVAL_CHECK_OUTPUT
train_scan = scan_image_folder(train_dir)
test_scan = scan_image_folder(test_dir)
print(train_scan)
print()
print(test_scan)

# %% [markdown]
# Both folders are clean: four classes, every file a readable 320×240 colour (`RGB`) JPEG.
# The report lists the labels too: Keras numbers the classes in alphabetical order of the
# folder names, so `EOSINOPHIL` is label 0.
#
# ### What a broken folder looks like
#
# Real folders are rarely that clean. The next cell builds a small one in a temporary folder
# with the problems you will meet most often: a class whose images you forgot to copy, a
# `.DS_Store` file left by the macOS Finder, an upload that failed and left a 0-byte file, a
# download that stopped half-way, a TIFF file from a microscope, and a spreadsheet at the top.

# %%
demo_dir = Path(tempfile.mkdtemp()) / "broken_cells"
for name in ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE"]:
    (demo_dir / name).mkdir(parents=True)
    for path in sorted((train_dir / name).glob("*.jpeg"))[:5]:
        shutil.copy(path, demo_dir / name)
(demo_dir / "NEUTROPHIL").mkdir()  # forgot to copy these
(demo_dir / "EOSINOPHIL" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # left by macOS
(demo_dir / "LYMPHOCYTE" / "upload_failed.jpeg").write_bytes(b"")  # 0 bytes
a_monocyte = sorted((demo_dir / "MONOCYTE").glob("*.jpeg"))[0]
whole = a_monocyte.read_bytes()
(demo_dir / "MONOCYTE" / "half_downloaded.jpeg").write_bytes(whole[: len(whole) // 2])
Image.open(a_monocyte).save(demo_dir / "MONOCYTE" / "scope.tif")  # TIFF: Keras skips it
(demo_dir / "labels.csv").write_text("file,label\n")  # not in a class folder

print(scan_image_folder(demo_dir))

# %% [markdown]
# Every problem is listed with the reason. Now watch what Keras does with this folder without
# the scan: it finds 17 files (the 15 good images and the two broken ones) in four classes,
# and fails only when it reaches a broken file.

# %%
broken_ds = keras.utils.image_dataset_from_directory(demo_dir, image_size=(90, 120),
                                                     batch_size=4, shuffle=False)
print("class names:", broken_ds.class_names)
try:
    for _batch in broken_ds:
        pass
except tf.errors.InvalidArgumentError as err:
    print("Training would stop here:", err.message.splitlines()[0])

# %% [markdown]
# On a real dataset that error comes after minutes of training, and it does not tell you
# which file is broken: "Input is empty" is all you get. The scan does, so you can delete or
# replace the file first. The empty `NEUTROPHIL` folder causes no error at all, which is
# worse: the model would get an output for a class it never sees.
#
# When you cannot fix the folder (it is shared, or read-only), `load_image_folder` from
# `course_utils.folders` loads it safely. It takes the same arguments as
# `image_dataset_from_directory` and gives the same labels, class order and split, but it
# scans the folder first, builds the dataset only from the usable files, and prints one line:
# the usable images, how many problem files it skipped (here 5: every problem of the scan
# except the empty folder), and any class without images. Like Keras, it keeps the empty
# `NEUTROPHIL` folder as class 3; that one is yours to fix. A whole epoch over it reads the 15
# usable images and runs to the end:

# %%
safe_ds = load_image_folder(demo_dir, image_size=(90, 120), batch_size=4, shuffle=False)
n_read = sum(len(batch_labels) for _, batch_labels in safe_ds)
print("class names:", safe_ds.class_names)
print("images read in one full epoch:", n_read)

shutil.rmtree(demo_dir.parent)

# %% [markdown]
# ## 3. Load the images with Keras
#
# `keras.utils.image_dataset_from_directory` turns the folder into a `tf.data.Dataset`: it
# lists the files, takes the labels from the folder names, and reads, decodes and resizes the
# images batch by batch, so they never all have to fit in memory as floats.
#
# ### Choose an image size that keeps the shape
#
# Every image must have the same size in a batch. The photos are 320 wide and 240 high, a
# ratio of 4:3. If you resize them to a square, every cell gets squeezed sideways, and the
# nucleus shapes the model must learn get distorted. Keep the ratio: choose a height, and
# compute the width as `height × 320 / 240`.
#
# Keras' `image_size` is **(height, width)**, height first (PIL's sizes and the scan report
# are width × height). A height of 90 gives (90, 120): 10,800 pixels per image instead of
# 76,800, about 7 times fewer, with the nucleus still about 25 pixels wide.

# %%
IMAGE_SIZE = (90, 120)  # (height, width): 240×320 shrunk by 8/3, same 4:3 shape
BATCH_SIZE = 32

# %% [markdown]
# ### Training, validation and test data
#
# `validation_split=0.2` with `subset="both"` returns two datasets from the `TRAIN` folder: 80%
# of the files for training and 20% for validation. Both need the same `seed`, so that the
# files are shuffled the same way and no file ends up in both. The `TEST` folder becomes the
# test set; `shuffle=False` keeps its order fixed, so the labels and the predictions you
# collect later line up. With Keras alone you would write:
#
# ```python
# train_ds, val_ds = keras.utils.image_dataset_from_directory(
#     train_dir, validation_split=0.2, subset="both", seed=42,
#     image_size=IMAGE_SIZE, batch_size=BATCH_SIZE)
# test_ds = keras.utils.image_dataset_from_directory(
#     test_dir, image_size=IMAGE_SIZE, batch_size=BATCH_SIZE, shuffle=False)
# ```
#
# Here you use `load_image_folder` with the same arguments (a `validation_split` gives the
# pair of datasets; there is no `subset`). The folders are clean, so you get exactly what Keras
# would give you; `scan=` reuses the scans of section 2 instead of reading 12,000 files again.

# %%
# NBVAL_CHECK_OUTPUT
train_ds, val_ds = load_image_folder(train_dir, IMAGE_SIZE, BATCH_SIZE, validation_split=0.2,
                                     seed=42, scan=train_scan)
test_ds = load_image_folder(test_dir, IMAGE_SIZE, BATCH_SIZE, shuffle=False, scan=test_scan)

class_names = train_ds.class_names
train_paths, val_paths = train_ds.file_paths, val_ds.file_paths
n_train, n_val = len(train_paths), len(val_paths)
print("class names:", class_names)

# %% [markdown]
# `load_image_folder` prints one line per folder: 7,966 images for training and 1,991 for
# validation (80% and 20% of 9,957), 2,487 for testing, nothing skipped.
#
# Read `class_names` (and `file_paths`, which section 8 uses) now: they are attributes of
# this dataset only, and they are lost as soon as you call `.map`, `.cache` or `.prefetch`,
# which return new datasets.
#
# Look at one batch:

# %%
images, labels = next(iter(train_ds))
print("images:", images.shape, images.dtype,
      f"values {images.numpy().min():.0f} to {images.numpy().max():.0f}")
print("labels:", labels.shape, labels.dtype, labels[:8].numpy())

# %% [markdown]
# The batches hold `float32` values from 0 to 255, 4 bytes per value. The values are whole
# numbers, so nothing is lost by storing them as `uint8`, 1 byte each.
#
# *Figure: the first 16 images of this batch, in two rows of eight, each titled with its
# class. They are the same kind of photos as above, shrunk to 90×120 pixels: a bit blurrier,
# but the nucleus shapes are still clear.*

# %%
fig = plots.plot_samples(images.numpy().astype(np.uint8), labels.numpy(), class_names, n=16,
                         title="One training batch as the model sees it (90×120)")

# %% [markdown]
# ### A pipeline that fits in memory
#
# Reading and decoding 8,000 JPEG files takes time, and a training run reads them once per
# epoch. `.cache()` keeps the decoded batches in memory after the first epoch, so later epochs
# are much faster. But the cache must fit: on Binder you have 2 GB for everything.

# %%
for name, count in [("training", n_train), ("validation", n_val)]:
    pixels = count * IMAGE_SIZE[0] * IMAGE_SIZE[1] * 3
    print(f"{name:10} {count:5} images: {pixels / 1e6:4.0f} MB as uint8, "
          f"{4 * pixels / 1e6:5.0f} MB as float32")

# %% [markdown]
# As `float32` the training images alone would take over 1 GB; as `uint8` a quarter of that.
# So the pipeline
#
# 1. casts each batch to `uint8` with `.map(...)`, **before** `.cache()`, so the cache stores
#    the small version (the model's `Rescaling(1/255)` layer turns it back into floats, one
#    batch at a time);
# 2. caches it in memory;
# 3. ends with `.prefetch(tf.data.AUTOTUNE)`, which prepares the next batch while the model
#    trains on the current one.
#
# (With larger images you could cache to a file on disk instead: `.cache("train.cache")`.)
#
# `.take(n)` keeps the first `n` batches. Here it keeps them all, except in the course's fast
# mode, where `course_utils.fast_size` keeps only a few so the tests run in seconds.

# %%
def to_uint8(images, labels):
    """Store pixels as 1-byte integers; the model's Rescaling layer scales them later."""
    return tf.cast(images, tf.uint8), labels


def prepare(dataset, fast_batches, cache=True):
    """Cast to uint8, cache in memory, prefetch; only a few batches in fast mode."""
    n_batches = course_utils.fast_size(len(dataset), fast=fast_batches)
    dataset = dataset.take(n_batches).map(to_uint8)
    if cache:
        dataset = dataset.cache()
    return dataset.prefetch(tf.data.AUTOTUNE)


train_ds = prepare(train_ds, fast_batches=8)
val_ds = prepare(val_ds, fast_batches=2)
test_ds = prepare(test_ds, fast_batches=2, cache=False)  # read only twice: no need to keep it
print(train_ds.element_spec)

# %% [markdown]
# ## 4. A small CNN with batch normalization
#
# The model repeats one block four times: a 3×3 convolution, **batch normalization**, ReLU,
# and 2×2 max pooling. Batch normalization rescales the outputs of the convolution to a mean
# near 0 and a standard deviation near 1 (per batch during training, with running averages
# afterwards). It makes training faster and more stable, so a small model learns in a few
# epochs. The convolution then needs no bias (`use_bias=False`): batch normalization adds
# its own. `momentum=0.9` makes the running averages follow the last 10 or so batches instead
# of the default 100: in a short training the weights change quickly, and with stale averages
# the validation accuracy jumps up and down from epoch to epoch.
#
# After the last block, `GlobalAveragePooling2D` averages each feature map to one number,
# which needs no parameters, unlike `Flatten` + `Dense`. A little dropout, and one softmax
# output per class. The filters double from block to block (8 → 64) while pooling halves the
# image, and the whole model has only 25,000 parameters, so an epoch takes well under a
# minute on a laptop.

# %%
def conv_block(filters: int) -> list[keras.layers.Layer]:
    """Conv 3×3 → BatchNorm → ReLU → MaxPool 2×2."""
    return [
        keras.layers.Conv2D(filters, kernel_size=3, padding="same", use_bias=False),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(pool_size=2),
    ]


model = keras.Sequential([
    keras.Input(shape=(*IMAGE_SIZE, 3), dtype="uint8"),
    keras.layers.Rescaling(1 / 255),
    *conv_block(8),
    *conv_block(16),
    *conv_block(32),
    *conv_block(64),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dropout(0.3),
    keras.layers.Dense(len(class_names), activation="softmax"),
], name="cell_cnn")
model.summary()

# %% [markdown]
# ## 5. Train
#
# The datasets already come in batches, so `fit` takes no `batch_size`, and the validation
# data is the `val_ds` dataset. The first epoch also reads and decodes all the JPEG files and
# fills the cache, which makes it slower than the next. (In the run stored here some later
# epochs were slower still, from 12 to 37 seconds: an epoch's time also depends on what else
# the computer is doing.)

# %%
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=course_utils.epochs(8),
                    verbose=2)

# %% [markdown]
# *Figure: two line charts over the 8 epochs, training in solid blue, validation in dashed
# orange. Left, accuracy: the training curve rises smoothly from 0.53 to 0.95; the validation
# curve jumps around (0.40, 0.88, 0.40, 0.52, 0.79, 0.75, 0.90) and ends at 0.96, just above
# the training curve. Right, loss: the training loss falls steadily from 1.06 to 0.15; the
# validation loss spikes at epochs 1, 3 and 4 (2.3, 3.0 and 1.7) and ends at 0.15, level with
# the training loss.*

# %%
fig = plots.plot_history(history, title="Small CNN on the blood-cell folder")

# %% [markdown]
# The training curves are smooth; the validation curves are not. Batch normalization
# uses batch statistics while training and running averages when it predicts, and early in
# training these can differ a lot, so single epochs of validation accuracy are unreliable
# (with the seed and the deterministic ops of the setup cell, a rerun on the same computer
# repeats these numbers; on another computer the jumps can come at other epochs). At the last
# epoch both curves meet, near 0.95 (validation 0.96): it looks as if the model generalises
# well. Keep that number in mind.

# %% [markdown]
# ## 6. The final test
#
# Training is done and you have made no decision with the test set. Evaluate once:

# %%
test_accuracy = evaluate_on_test(model, test_ds)
val_accuracy = history.history["val_accuracy"][-1]
print(f"Validation accuracy: {val_accuracy:.4f}")
print(f"Gap:                 {val_accuracy - test_accuracy:+.4f}")

# %% [markdown]
# The test accuracy is about 10 points lower than the validation accuracy (0.85 against
# 0.96). That is far more than chance: with 2,000 to 2,500 images in each set, chance moves
# an accuracy by about 1 point. Both sets were new to the model, so why? Sections 7 and 8
# find out.

# %% [markdown]
# ## 7. Which cells get confused?
#
# A **confusion matrix** has one row per true class and one column per predicted class; the
# cell in row `MONOCYTE`, column `LYMPHOCYTE` counts the monocytes the model called
# lymphocytes. Collect the true labels and the predictions of both the validation and the
# test images (this reads the test files once more), and draw the two matrices side by
# side with `course_utils.mistakes.plot_confusion_matrix`. With `normalize=True` each row shows
# shares of that true class, so the diagonal is the share of each class recognised correctly.

# %%
def labels_and_predictions(dataset):
    """The true labels of a dataset and the model's class probabilities, in the same order."""
    y_true = np.concatenate([labels.numpy() for _, labels in dataset])
    probabilities = model.predict(dataset, verbose=0)
    return y_true, probabilities


val_true, val_probs = labels_and_predictions(val_ds)
test_true, test_probs = labels_and_predictions(test_ds)

# %% [markdown]
# *Figure: two confusion matrices side by side, rows = true class, columns = predicted class,
# each row in percent, darker blue for larger shares. Validation (left): the diagonal is 92%,
# 98%, 96% and 96%. Test (right): 84% of eosinophils, 98% of lymphocytes, only 68% of
# monocytes and 91% of neutrophils are right; most mistakes are in the NEUTROPHIL column (16%
# of eosinophils, 31% of monocytes), and 9% of neutrophils are called eosinophils.*

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
fig.suptitle("Confusion matrices: share of each true class")
plot_confusion_matrix(val_true, val_probs, class_names, normalize=True,
                      title="Validation (random 20% of TRAIN)", ax=axes[0])
fig = plot_confusion_matrix(test_true, test_probs, class_names, normalize=True,
                            title="Test (the TEST folder)", ax=axes[1])

# %% [markdown]
# On the validation data every class is recognised well, 92% to 98%. On the test data the
# lymphocytes do just as well (98%), but almost a third of the monocytes are called
# neutrophils, and a sixth of the eosinophils too: the model has not learnt what a monocyte
# looks like in general. The most frequent mistakes on the test set:

# %%
for pair in most_confused_pairs(test_true, test_probs, class_names, n=3):
    print(pair)

# %% [markdown]
# ## 8. Why the validation score lied: leakage
#
# The dataset's authors did not photograph 10,000 different cells. They photographed a few
# hundred, and made about 35 **augmented copies** of each (rotated, flipped, shifted) to get
# more images. The file names tell you which cell a file comes from: `_<i>_<random>.jpeg` is a
# copy of source cell number `i` of that class, according to the dataset's description. Look
# at the first eight files with number 0 in the EOSINOPHIL folder:

# %%
cell_0 = sorted((train_dir / "EOSINOPHIL").glob("_0_*.jpeg"))
print(len(cell_0), "files of source cell 0:", [p.name for p in cell_0[:4]], "...")
copies = np.stack([np.asarray(Image.open(p)) for p in cell_0[:8]])

# %% [markdown]
# *Figure: eight photos in one row, each titled with its file name (_0_1169.jpeg,
# _0_1414.jpeg, ...). All are rotated or shifted photos of a purple-stained white blood cell,
# but they do not all look like the same cell: the nuclei differ in shape (round in some,
# lobed in others) and the red blood cells around them differ too.*

# %%
fig = plots.plot_samples(copies, np.arange(8), [p.name for p in cell_0[:8]], n=8,
                         title="Eight TRAIN files, one source cell (EOSINOPHIL, cell 0)")

# %% [markdown]
# Look closely: these eight files do not obviously show one and the same cell, so the
# number in the name may group copies more loosely than the description says. Treat it as a
# *claim* to check, which is a good habit with any dataset. Counting by it still shows how
# few groups there are: take the number between the first two underscores of each file name,
# and count the different numbers per class folder.

# %%
# NBVAL_CHECK_OUTPUT
def source_cells(folder: Path) -> set[int]:
    """The source-cell numbers i of the files _<i>_<random>.jpeg in a class folder."""
    return {int(path.name.split("_")[1]) for path in folder.glob("*.jpeg")}


for split_dir in (train_dir, test_dir):
    counts = {name: len(source_cells(split_dir / name)) for name in class_names}
    print(f"{split_dir.name:5} {sum(counts.values()):3} source cells:", counts)

# %% [markdown]
# Now check the random split of section 3: for each validation file, is there a copy of the
# same source cell (same class, same number) among the training files?

# %%
def cell_of(path: str) -> tuple[str, int]:
    """(class folder, source-cell number) of a file path."""
    return Path(path).parent.name, int(Path(path).name.split("_")[1])


cells_in_training = {cell_of(p) for p in train_paths}
leaked = sum(cell_of(p) in cells_in_training for p in val_paths)
print(f"{leaked} of {len(val_paths)} validation files have a copy of their cell in training")

# %% [markdown]
# Only 277 different cells in `TRAIN` and 71 in `TEST` (the authors made `TEST` from other
# cells, so no cell is in both). There are only 16 monocytes and 27 lymphocytes to learn from.
#
# This is **data leakage**. The random validation split of section 3 picked 20% of the
# *files*, so all 1,991 validation files have a copy of their source cell in the training
# part. The model can recognise a validation image because it has trained on a rotated copy
# of the same cell: validation measures partly memory, not only generalisation. `TEST` has
# only new cells, and its accuracy is about 10 points lower.
#
# Look at where those points are lost, though. Monocytes, the class with the fewest source
# cells (16), fall from 96% on validation to 68% on test, and eosinophils from 92% to 84%;
# but lymphocytes, with only 27 cells, stay at 98%, and neutrophils lose 5 points. So few
# cells do not always mean a poor test score: a lymphocyte's single round nucleus is probably
# easy to recognise even in a new cell, while this model takes new monocytes for neutrophils.
# The numbers fit leakage, but they do not prove it: the `TEST` photos may differ from
# `TRAIN` in other ways too, and the numbers in the file names are only a claim. Exercise 4
# checks it with a validation split that keeps every cell on one side.
#
# **The fix is a split by group.** Keep all copies of a source cell together: put, say, every
# fifth source cell (with all its copies) into validation and the rest into training. Then the
# validation cells are new to the model, just like the test cells, and the validation accuracy
# becomes an honest estimate that you can use to choose between models.
# `image_dataset_from_directory` cannot do that; Exercise 3 writes the rule, and Exercise 4
# builds the datasets from it (`sklearn.model_selection.GroupKFold` does the same for
# cross-validation).
#
# Leakage like this is common in real projects: several photos of the same patient, the same
# plant, the same object from different angles, or video frames. Whenever your images come in
# groups, split by group.

# %% [markdown]
# ## 9. Use your own images
#
# Everything in this lesson works on your own folder. Put your images in this layout, one
# sub-folder per class (the names become the class names, in alphabetical order):
#
# ```text
# my_images/
# ├── cats/
# │   ├── IMG_0001.jpg
# │   ├── IMG_0002.jpg
# │   └── ...
# └── dogs/
#     ├── photo1.png
#     └── ...
# ```
#
# - only `.jpg .jpeg .png .bmp .gif` files are read (convert `.heic`, `.webp`, `.tif` first);
# - no images directly in `my_images/`, no empty class folders;
# - aim for at least a hundred images per class, of roughly the same size and shape;
# - if several images show the same object, patient or scene, remember section 8.
#
# Then change `MY_FOLDER` in the next cell to your folder (in JupyterLab, upload a zip file
# and unzip it with `!unzip my_images.zip`) and run it. The scan tells you how many usable
# images each class has, the sizes and colour modes it found, and every file to fix; the
# last lines suggest an `image_size` that keeps the most common shape.

# %%
# ▶ YOUR FOLDER: replace this path with the folder that holds your class folders
MY_FOLDER = train_dir

my_scan = scan_image_folder(MY_FOLDER)
print(my_scan)
if my_scan.usable:
    (width, height), _ = my_scan.sizes.most_common(1)[0]
    print(f"\nMost common size {width}×{height}: for a height of 90 use "
          f"image_size=(90, {round(90 * width / height)})")

# %% [markdown]
# When the scan shows no problems, copy the cells of sections 3 to 6 and replace `train_dir`
# and `test_dir` by your folders (or split your one folder with `validation_split` and keep
# some images aside for a final test).

# %% [markdown]
# > **What the original tutorial got wrong**
# >
# > This lesson started from a popular blood-cell tutorial. Its code no longer runs, and
# > some of its choices hurt the model:
# >
# > - it used a variable `img_array` that it never defined, so it stopped with a `NameError`;
# > - it resized the 320×240 photos to 200×200, squashing every cell sideways;
# > - it imported `theano`, `keras.layers.core` and `keras.utils.np_utils`, none of which
# >   exist in Keras 3 (Theano has not been developed since 2017).
# >
# > This lesson keeps the 4:3 shape with `image_size=(90, 120)`, uses only Keras 3 (`keras.Input`,
# > `keras.layers`, integer labels with `sparse_categorical_crossentropy` instead of
# > `np_utils.to_categorical`), checks the folder before training, and measures the test set
# > once, honestly, with an explanation of why it is lower than the validation score.

# %% [markdown]
# ## Exercise 1: read a scan report
#
# A friend wants to train a flower classifier and sends you the report of their folder:
#
# ```text
# Folder flowers: 3 class folders, 215 usable images
#   label 0: daisy      120
#   label 1: rose        95
#   label 2: tulip        0
# Image sizes (width × height): 640×480 (205), 480×640 (10)
# Colour modes: RGB (209), L (6)
# 7 problems (Keras would skip or fail on these):
#   tulips.zip           not in a class folder: ignored by Keras (move it into one)
#   daisy/.DS_Store      system file, not an image: ignored by Keras (you can delete it)
#   daisy/IMG_0042.HEIC  ignored by Keras: .HEIC is not one of .bmp .gif .jpeg .jpg .png
#   rose/notes.txt       ignored by Keras: .txt is not one of .bmp .gif .jpeg .jpg .png
#   rose/rose_17.jpg     empty file (0 bytes): Keras would stop with an error
#   rose/rose_18.jpg     truncated or damaged image: Keras would stop with an error
#   tulip/               empty class folder: Keras still makes it class 2, with no images
# Fix or delete these files and folders, then scan again.
# ```
#
# If they trained on this folder as it is: how many images could the model learn from, how
# many files would stop training with an error, and how many classes (softmax outputs) would
# the model have?

# %%
n_usable = 0  # images the model can learn from
n_crash = 0  # files that stop training with an error
n_classes = 0  # classes Keras makes from this folder

passed = check_scan_reading(n_usable, n_crash, n_classes)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# n_usable = 215
# n_crash = 2
# n_classes = 3
# ```
#
# The first line says 215 usable images. Only `rose_17.jpg` (empty) and `rose_18.jpg`
# (truncated) have an extension Keras reads but cannot be decoded; the other files are
# skipped silently. And the empty `tulip/` folder still becomes class 2: the model would have
# a third output that no training image ever teaches. (`L` means grey-scale: Keras converts
# those 6 images to 3 channels, so they do no harm; but the 10 portrait photos would be
# squashed into a landscape `image_size`.)
# </details>

# %% [markdown]
# ## Exercise 2: an image size that keeps the shape
#
# Write a function `image_size_for(height, photo_width, photo_height)` that returns Keras'
# `image_size` for photos of `photo_width × photo_height` pixels (the order PIL and the scan
# report use), resized to the given `height` without changing their shape. Remember that
# `image_size` is `(height, width)` and must hold whole numbers.

# %%
def image_size_for(height, photo_width=320, photo_height=240):
    """Return (height, width) for resizing photo_width × photo_height photos to `height`."""
    return (height, height)  # replace with your code: this one squashes the photos


passed = check_image_size_for(image_size_for)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def image_size_for(height, photo_width=320, photo_height=240):
#     return (height, round(height * photo_width / photo_height))
# ```
#
# Width ÷ height must stay `photo_width ÷ photo_height`. `round` makes the width a whole
# number (100 × 320 / 240 = 133.3 → 133); `int(...)` would also do.
# </details>

# %% [markdown]
# ## Exercise 3: split by source cell
#
# Write the rule of a validation split by group: `goes_to_validation(file_name)` gets a
# blood-cell file name such as `"_12_345.jpeg"` (source cell 12) and returns `True` when the
# file goes to validation, that is when its **source cell** number is a multiple of 5 (cells
# 0, 5, 10, ...). All copies of a cell then land on the same side. The second part of the cell
# uses your function to count how many files of each class it puts into validation.

# %%
def goes_to_validation(file_name):
    """True when the source cell of a file `_<cell>_<random>.jpeg` is a multiple of 5."""
    return False  # replace with your code


passed = check_goes_to_validation(goes_to_validation)

for name in class_names:
    files = [path.name for path in (train_dir / name).glob("*.jpeg")]
    n_val_files = sum(goes_to_validation(f) for f in files)
    print(f"{name:11} {n_val_files:4} of {len(files)} files to validation")

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def goes_to_validation(file_name):
#     cell = int(file_name.split("_")[1])
#     return cell % 5 == 0
# ```
#
# `"_12_345.jpeg".split("_")` gives `["", "12", "345.jpeg"]`: the first piece is empty
# because the name starts with `_`, so the cell number is piece 1. The shares come out
# between 20% (eosinophils, neutrophils) and 25% (monocytes), not exactly 20%: the cells have
# different numbers of copies, and of only 16 monocyte cells, 4 (0, 5, 10, 15) are multiples
# of 5. That is the price of an honest split.
# </details>

# %% [markdown]
# ## Exercise 4 (open): an honest validation score
#
# Build training and validation datasets that respect the source cells, train the same model
# on them, and compare its validation accuracy with the test accuracy of section 6. Do not
# evaluate on `TEST` again: you already have its number. A sketch:
#
# ```python
# paths, labels = [], []
# for label, name in enumerate(class_names):
#     for path in sorted((train_dir / name).glob("*.jpeg")):
#         paths.append(str(path))
#         labels.append(label)
# to_val = np.array([goes_to_validation(Path(p).name) for p in paths])
#
# def load(path, label):
#     image = tf.io.decode_jpeg(tf.io.read_file(path), channels=3)
#     image = tf.image.resize(image, IMAGE_SIZE)        # float32 0..255
#     return tf.cast(image, tf.uint8), label
#
# def make_dataset(mask, shuffle):
#     ds = tf.data.Dataset.from_tensor_slices((np.array(paths)[mask], np.array(labels)[mask]))
#     if shuffle:
#         ds = ds.shuffle(len(ds), seed=42)
#     return ds.map(load).batch(BATCH_SIZE).cache().prefetch(tf.data.AUTOTUNE)
#
# group_train_ds, group_val_ds = make_dataset(~to_val, True), make_dataset(to_val, False)
# ```
#
# Is the new validation accuracy closer to the test accuracy? Which class suffers most, and
# how many source cells does it have?

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "Your folder has cats/, dogs/ and an empty birds/ folder. What does "
        "image_dataset_from_directory do?",
        ["It skips birds/ and makes 2 classes",
         "It makes 3 classes; birds (label 0) has no images",
         "It stops with an error"],
        answer=1,
        explanation="Every sub-folder becomes a class, in alphabetical order, even an empty one.",
    ),
    Question(
        "Your photos are 640×480 (width × height). Which image_size keeps their shape?",
        ["(120, 160)", "(160, 120)", "(128, 128)"],
        answer=0,
        explanation="image_size is (height, width): 120 high and 160 wide is 4:3 like the "
                    "photos. (160, 120) is portrait, (128, 128) squashes them.",
    ),
    Question(
        "Why does the pipeline cast the images to uint8 before .cache()?",
        ["The model only accepts uint8",
         "The cache then takes 4 times less memory",
         "Casting makes the images sharper"],
        answer=1,
        explanation="The decoded images are float32 (4 bytes per value) but hold whole "
                    "numbers 0-255, which fit in 1 byte; Rescaling in the model scales them.",
    ),
    Question(
        "Validation accuracy is 0.98 but test accuracy 0.80, and the training folder holds "
        "many rotated copies of each cell. What is the most likely reason?",
        ["The test set is too small",
         "Copies of the same cells are in both training and validation data: leakage",
         "The model needs more epochs"],
        answer=1,
        explanation="A random split by file puts near-duplicates on both sides; split by "
                    "source cell (group) to get an honest validation score.",
    ),
], title="Lesson 05 quiz")

# %% [markdown]
# ## Key points
#
# - Class-per-folder is the usual layout for your own images: the folder names are the
#   labels, numbered in alphabetical order.
# - Scan the folder before you train: Keras silently skips unsupported extensions, makes every
#   folder a class, and crashes mid-epoch on empty, truncated or non-image files;
#   `load_image_folder` loads only the usable files, so an epoch always runs to the end.
# - `image_dataset_from_directory(..., validation_split=0.2, subset="both", seed=42)` gives a
#   training and a validation dataset; read `class_names` before `.map`/`.cache`.
# - Choose `image_size=(height, width)` with the photos' aspect ratio instead of a square.
# - Cast to `uint8` before `.cache()`, and `.prefetch(tf.data.AUTOTUNE)` last; a `Rescaling`
#   layer in the model does the scaling.
# - Batch normalization after each convolution lets a small CNN train quickly.
# - When images come in groups (augmented copies, the same patient or object), a random split
#   leaks: split by group, or the validation score will be too good to be true.

# %% [markdown]
# ## Further reading
#
# - Keras API: [`image_dataset_from_directory`](https://keras.io/api/data_loading/image/)
# - Keras example: [Image classification from scratch](https://keras.io/examples/vision/image_classification_from_scratch/)
#   (cats vs dogs from a folder, including removing corrupted images)
# - TensorFlow guide: [Better performance with the tf.data API](https://www.tensorflow.org/guide/data_performance)
#   (`cache`, `prefetch`)
# - TensorFlow tutorial: [Load and preprocess images](https://www.tensorflow.org/tutorials/load_data/images)
# - scikit-learn user guide: [Cross-validation iterators for grouped data](https://scikit-learn.org/stable/modules/cross_validation.html#group-cv)
# - Kaufman et al. (2012), [Leakage in data mining: formulation, detection, and
#   avoidance](https://doi.org/10.1145/2382577.2382579)
# - Ioffe and Szegedy (2015), [Batch normalization](https://arxiv.org/abs/1502.03167)
# - The dataset: [Blood Cell Images](https://www.kaggle.com/datasets/paultimothymooney/blood-cells)
#   on Kaggle (from [github.com/Shenggan/BCCD_Dataset](https://github.com/Shenggan/BCCD_Dataset))
