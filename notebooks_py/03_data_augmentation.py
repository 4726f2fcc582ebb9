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
# # 03 — Data augmentation: new training images for free
#
# You let Keras change every training image a little, at random, each time the model sees it,
# and watch the gap between training and validation accuracy shrink.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/03_data_augmentation.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/03_data_augmentation.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - put Keras' random preprocessing layers (`RandomFlip`, `RandomRotation`,
#   `RandomTranslation`, `RandomZoom`, `RandomContrast`) inside a model, and know that they
#   are active only while the model trains;
# - look at one image augmented many ways before you train with an augmentation;
# - train the same model with and without augmentation and compare the train–validation gap;
# - choose augmentations that keep the label right for your data (a mirrored cat is a cat, a
#   mirrored 2 is not a 2);
# - translate `ImageDataGenerator` code from older tutorials into Keras 3 layers, and explain
#   why the layers are faster.
#
# **Estimated time:** about 60 minutes, of which about 3 minutes are training on a 2-core
# laptop and 20 minutes are exercises.
#
# **Before you start:** lesson 02 (the classic CNN on CIFAR-10, and how quickly it overfits).

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
# Run this cell first. `course_utils.setup()` fixes the random seed, so your numbers and even
# your random augmentations match the ones stored in this notebook (on the same kind of
# machine).

# %%
import time

import course_utils
import keras
import numpy as np
from course_utils import data, explore, models, plots, predictions
from course_utils.evaluation import evaluate_on_test
from course_utils.exercises import (
    check_augmentation_pipeline,
    check_rotation_degrees,
    check_safe_augmentations,
)
from course_utils.quiz import Question, show_quiz

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. Why augment?
#
# In lesson 02 the classic CNN reached a much higher accuracy on its training images than on
# its validation images: it memorised details of the 45,000 photos it saw over and over. The
# best cure for overfitting is more data. Collecting and labelling photos is expensive, but
# you can make **new, plausible training images from the ones you have**: a cat photo
# mirrored, shifted a few pixels or zoomed in slightly is still a cat photo. This is **data
# augmentation**.
#
# Keras does it with *random preprocessing layers* that you put at the start of the model.
# At every training step they change each image of the batch differently, so the model never
# sees exactly the same image twice. When you predict or evaluate, they let the images through
# unchanged.
#
# To make the effect easy to see (and the training quick), this lesson uses only the **first
# 10,000** CIFAR-10 training images: 8,000 to train on and 2,000 to validate with. With so
# few images the model overfits fast, which is exactly when augmentation helps most.

# %%
# NBVAL_CHECK_OUTPUT
(x_train, y_train), (x_test, y_test) = data.load_cifar10()
print("all training images:", x_train.shape, x_train.dtype)
print("test images:        ", x_test.shape, x_test.dtype)

x_small, y_small = x_train[:10_000], y_train[:10_000]
print("this lesson trains on the first", len(x_small), "of them")
for label, count in enumerate(np.bincount(y_small)):
    print(f"  {data.CIFAR10_CLASSES[label]:10} {count}")

# %% [markdown]
# The ten classes are about equally common in the subset too (937<!--out--> to
# 1032<!--out--> images each). As in
# the earlier lessons, fast mode (`COURSE_FAST=1`, used by the tests) keeps even fewer images:

# %%
x_small, y_small = course_utils.shrink(x_small, y_small, fast=2000)
print(f"training on {len(x_small) * 0.8:.0f} images, validating on {len(x_small) * 0.2:.0f}")

# %% [markdown]
# ## 2. Random layers: one image, many versions
#
# These five layers cover the augmentations you will use most. Each draws new random
# numbers for every image of every batch:
#
# - `RandomFlip("horizontal")` mirrors about half of the images left to right;
# - `RandomTranslation(h, w)` shifts up or down by up to `h` and left or right by up to `w`,
#   as fractions of the image size: `0.1` is up to 3 of 32 pixels;
# - `RandomRotation(f)` turns by a random angle of up to ±`f` **of a full turn**: `0.05` is
#   0.05 × 360° = ±18°;
# - `RandomZoom(f)` zooms in or out by up to ±`f`: `0.1` is ±10%;
# - `RandomContrast(f)` makes the image more or less contrasted by a random factor between
#   1 − `f` and 1 + `f`.
#
# Shifts, rotations and zooms uncover parts of the frame; `fill_mode` says what to paint
# there. `"reflect"` (the default) mirrors the picture at its border, which looks natural for
# photos.
#
# Put the layers in a `keras.Sequential` and look at what they do to one image **before** you
# train with them. `predictions.plot_augmentations` calls the layers with `training=True` on 15
# copies of the image (without it, they would do nothing).

# %%
showcase = keras.Sequential([
    keras.layers.RandomFlip("horizontal"),
    keras.layers.RandomTranslation(0.1, 0.1),
    keras.layers.RandomRotation(0.05),
    keras.layers.RandomZoom(0.1),
    keras.layers.RandomContrast(0.3),
], name="showcase")

image = x_train[7]
print("the image is a", data.CIFAR10_CLASSES[y_train[7]])

# %% [markdown]
# *Figure: a grid of 16 small photos of the same brown horse on grass, facing left in the
# first, framed panel (the original). In the 15 others the horse faces right in about half of
# them, and each is a little shifted, tilted or zoomed, slightly blurrier, and some are darker,
# paler or more contrasted. There are no black borders: uncovered parts are filled by
# mirroring the picture. Every version is still clearly a horse.*

# %%
fig = predictions.plot_augmentations(image, showcase, n=16,
                                     title="One CIFAR-10 training image, augmented 15 ways")

# %% [markdown]
# Check that the augmented images are still recognisable: if *you* cannot tell the class any
# more, the model cannot either, and the augmentation is too strong.
#
# ### Try the settings yourself
#
# The **augmentation explorer** has one slider per random layer and a checkbox for the flip.
# Each row is one training image: the original first, then random versions with the settings
# you chose; **New random draw** draws new versions. Push the rotation slider up until a
# picture no longer looks like a photo you could take, then do the same with zoom and contrast.
# A setting of 0 leaves that layer out. (The controls work while the notebook runs in Jupyter;
# a static copy shows the first picture. Without the controls:
# `predictions.plot_augmentation_grid(x_train, rotation=0.2, contrast=0.5)`.)
#
# *Figure: an explorer with sliders for rotation (0.05), zoom (0.1), translation (0.1) and
# contrast (0), a flip checkbox and a "New random draw" button, above a grid of small photos:
# 4 rows, one per training image (a frog, two trucks and a deer), each showing the original
# followed by 5 randomly flipped, shifted, tilted and zoomed versions.*

# %%
# NBVAL_IGNORE_OUTPUT
explore.augmentation_explorer(x_train)

# %% [markdown]
# When the model predicts, the layers must not change anything. Keras tells them which case
# they are in with the `training` argument: `fit` calls the model with `training=True`,
# `predict` and `evaluate` with `training=False`. Try both on a batch of 8 images:

# %%
# NBVAL_CHECK_OUTPUT
batch = x_small[:8]
changed = keras.ops.convert_to_numpy(showcase(batch, training=True))
unchanged = keras.ops.convert_to_numpy(showcase(batch, training=False))
print("training=True  changes the pixels:    ", not np.array_equal(changed, batch))
print("training=False leaves them as they are:", np.array_equal(unchanged, batch))
print("output shape:", changed.shape, "(the same as the input)")

# %% [markdown]
# ## 3. The same model with and without augmentation
#
# Now the experiment. You train the classic CNN of lesson 02 twice on the **same** 8,000
# images, for the same 20 epochs, starting from the **same** initial weights; the only
# difference you make is an augmentation in front of the second one. The order of the batches
# still differs a little between two trainings, which moves the curves a little too; a
# difference larger than that comes from the augmentation.
#
# You will also measure how much time augmentation costs. A *callback* is an object whose
# methods `fit` calls at fixed moments, for example at the start and at the end of every
# epoch; this one writes down how many seconds each epoch takes.

# %%
class EpochTimer(keras.callbacks.Callback):
    """Records how many seconds each epoch of `fit` takes, in `self.seconds`."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


# %% [markdown]
# First the baseline, without augmentation. `get_weights()` keeps a copy of its random initial
# weights for the second run.

# %%
baseline = models.classic_cifar_cnn()
start_weights = baseline.get_weights()

baseline.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
timer_plain = EpochTimer()
history_plain = baseline.fit(x_small, y_small, batch_size=64, epochs=course_utils.epochs(20),
                             validation_split=0.2, verbose=2, callbacks=[timer_plain])

# %% [markdown]
# Watch the two accuracies in the log: the training accuracy keeps climbing, while the
# validation accuracy stops improving after epoch 11<!--out--> (at 0.5900<!--out-->) and ends
# lower, and the validation loss is lowest at epoch 6<!--out--> (1.2236<!--out-->) and climbs
# from there, to 1.9693<!--out-->. That is overfitting.
#
# For the second run, `models.cifar_augmentation()` builds a mild, classic augmentation: random
# left-right flips and shifts of up to 10%. Read the recipe:

# %%
course_utils.show_source(models.cifar_augmentation)

# %% [markdown]
# Put it **between the input and the rest of the classic CNN**: `classic.layers` is the list
# of the model's layers (from `Rescaling` to the softmax output), and Python's `*` unpacks that
# list into the new `Sequential`. The augmentation works on the raw 0–255 pixels, before
# `Rescaling`, so the data can stay `uint8` in memory. `set_weights` gives the new model the
# same starting point as the baseline.

# %%
classic = models.classic_cifar_cnn()
classic.set_weights(start_weights)
augmented = keras.Sequential([
    keras.Input(shape=(32, 32, 3), dtype="uint8"),
    models.cifar_augmentation(),
    *classic.layers,
], name="augmented_cnn")
augmented.summary()

# %% [markdown]
# The augmentation adds no parameters: it has nothing to learn. Train it exactly like the
# baseline:

# %%
augmented.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
timer_augmented = EpochTimer()
history_augmented = augmented.fit(x_small, y_small, batch_size=64,
                                  epochs=course_utils.epochs(20), validation_split=0.2,
                                  verbose=2, callbacks=[timer_augmented])

# %% [markdown]
# *Figure: two line charts over 20 epochs, blue for the run without augmentation and orange
# for the augmented run. Left, accuracy: without augmentation the training accuracy (dashed)
# climbs to 0.92 while the validation accuracy (solid) levels off between 0.54 and 0.59 from
# epoch 6 and ends at 0.57; with augmentation the training accuracy rises more slowly, to 0.69,
# and the validation accuracy keeps creeping up, to about 0.62 in the last epochs. Right, the
# gap between training and validation accuracy: without augmentation it grows steadily to about
# 0.36; with augmentation it stays below zero for the first 8 epochs (validation above
# training), then between 0.03 and 0.07.*

# %%
fig = plots.plot_history_comparison(
    {"no augmentation": history_plain, "augmented": history_augmented},
    title=f"The classic CNN on {len(x_small) * 0.8:,.0f} CIFAR-10 images, "
          "with and without augmentation",
)

# %% [markdown]
# The numbers of the last epoch, side by side:

# %%
print(f"{'':16} {'train acc':>9} {'val acc':>8} {'gap':>6} {'best val':>9}")
for name, history in [("no augmentation", history_plain), ("augmented", history_augmented)]:
    train_acc = history.history["accuracy"][-1]
    val_acc = history.history["val_accuracy"][-1]
    best_val = max(history.history["val_accuracy"])
    print(f"{name:16} {train_acc:9.3f} {val_acc:8.3f} {train_acc - val_acc:6.3f} {best_val:9.3f}")

# %% [markdown]
# Read the table from left to right:
#
# - **Training accuracy is lower with augmentation.** That is expected and good: the model
#   sees a slightly different version of each image in every epoch, so it cannot memorise
#   them.
# - **Validation accuracy is higher**: 0.622<!--out--> instead of 0.567<!--out--> after the
#   last epoch, and 0.627<!--out--> instead of 0.590<!--out--> at best. On 2,000 validation
#   images an accuracy near 0.6 is only known to about ±0.02 (two standard errors:
#   2 × √(0.6 × 0.4 / 2,000) ≈ 0.022), so this difference is larger than chance. Without
#   augmentation, the 9 epochs after the best one (epoch 11<!--out-->) only widened the gap;
#   with it, the validation accuracy was still creeping up.
# - **The gap shrinks** from 0.355<!--out--> to 0.063<!--out-->: the augmented model has
#   learned features that carry over to images it has never seen.
#
# The price: the augmented model learns more slowly and needs more epochs to reach its best.
# Augmentation does not replace real data either: the same classic CNN reached about 0.7
# validation accuracy in lesson 02, where it learned from 45,000 real images.

# %% [markdown]
# ## 4. Which augmentations make sense?
#
# An augmentation must produce images that **still have the same label** and that **could
# occur in real data**. This depends on the data. For photos, a left-right mirror is fine (the
# world has no preferred left or right), but photos are taken upright, so turning them upside
# down is not. For handwritten digits even the mirror is wrong. Take a 2 from MNIST and let
# `RandomFlip("horizontal")` mirror it at random:

# %%
(x_digits, y_digits), _ = data.load_mnist()
two = x_digits[np.flatnonzero(y_digits == 2)[0]]

# %% [markdown]
# *Figure: a grid of 8 panels of the same handwritten 2, white on black. The first panel is
# the original; random copies 1, 2 and 7 are unchanged, copies 3 to 6 are mirrored left to
# right. The mirrored versions are a backwards 2 — not a digit anyone writes.*

# %%
fig = predictions.plot_augmentations(two, keras.layers.RandomFlip("horizontal"), n=8,
                                     title="Mirroring a handwritten 2 makes it something else")

# %% [markdown]
# A model trained on such images would learn that a backwards 2 is a 2, which wastes its
# capacity at best. Upside down is worse: a 6 turned by 180° looks like a 9, so the model
# would be taught wrong labels. For digits, use **small** changes that mimic how people really
# write: a slant of up to ±10° (`RandomRotation(10 / 360)`), a size difference of ±10% and a
# position off by up to 10%. The background of MNIST is black, so fill the uncovered border
# with black (`fill_mode="constant"`, which paints 0) instead of mirroring strokes into it.

# %%
digit_augmentation = keras.Sequential([
    keras.layers.RandomRotation(10 / 360, fill_mode="constant"),
    keras.layers.RandomZoom(0.1, fill_mode="constant"),
    keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant"),
], name="digit_augmentation")

# %% [markdown]
# *Figure: a grid of 16 panels of the same handwritten 2. After the original, each copy is
# slightly tilted, a little larger or smaller, shifted by a pixel or two, and blurred, with
# greyer strokes; all are clearly still a 2, on a plain black background.*

# %%
fig = predictions.plot_augmentations(two, digit_augmentation, n=16,
                                     title="A handwritten 2 with digit-friendly augmentation")

# %% [markdown]
# The copies are clearly blurrier than the original: every rotation, zoom or shift
# recomputes each pixel from its neighbours (bilinear interpolation), and here three of them
# run one after the other. That is one more reason to keep augmentations mild.
#
# A rule of thumb: **augment with the variations you expect between your training images and
# the images the model will meet later**, and no others. For microscope images of cells,
# where there is no up or down, every flip and rotation is fine; for X-rays, where left and
# right matter (the heart is on the left), a mirror would be a mistake.

# %% [markdown]
# ## 5. For readers of older tutorials: `ImageDataGenerator`
#
# > Many tutorials written before Keras 3 augment with `ImageDataGenerator`, for example:
# >
# > ```python
# > datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2,
# >                              height_shift_range=0.2, zoom_range=0.1,
# >                              horizontal_flip=True)
# > model.fit(datagen.flow(x_train, y_train, batch_size=64), epochs=20)
# > ```
# >
# > `ImageDataGenerator` no longer exists in Keras 3 (TensorFlow keeps a deprecated copy in
# > `tf.keras.preprocessing.image`). Each argument becomes a layer:
# >
# > - `rotation_range=20` → `RandomRotation(20 / 360)`: degrees there, a fraction of a full
# >   turn here;
# > - `width_shift_range=0.2`, `height_shift_range=0.2` → `RandomTranslation(0.2, 0.2)`: the
# >   layer takes the height first, then the width;
# > - `zoom_range=0.1` → `RandomZoom(0.1)`: both mean ±10%;
# > - `horizontal_flip=True` → `RandomFlip("horizontal")`; with `vertical_flip=True` as well,
# >   `RandomFlip("horizontal_and_vertical")`;
# > - `rescale=1/255` → `Rescaling(1 / 255)`;
# > - `fill_mode="nearest"` (its default) → `fill_mode="nearest"` on each layer, which would
# >   otherwise use `"reflect"`;
# > - `datagen.flow(x, y)` passed to `fit` → the layers inside the model, and `fit(x, y)`.
# >
# > **Why the layers are usually faster.** `ImageDataGenerator` is a Python generator: it transforms
# > the images one at a time with NumPy and SciPy, in a single Python thread, while training
# > waits for each batch. The layers are TensorFlow operations: they run on the whole batch at
# > once, inside the compiled training step, on all CPU cores (or on the GPU), with no Python
# > in the loop. If you put them in a `tf.data` pipeline instead of the model
# > (`dataset.map(lambda x, y: (augmentation(x, training=True), y))` followed by
# > `.prefetch(tf.data.AUTOTUNE)`), they even prepare the next batch while the model trains on
# > the current one. And inside the model they are saved with it and switch themselves off
# > when it predicts.
#
# How much does the augmentation cost? The `EpochTimer`s of section 3 timed every epoch of both
# trainings. Compare the **fastest** epoch of each: other programs on your computer slow down
# some epochs at random, and the fastest epoch is the one they disturbed least. The last line
# shows how much that noise is: the slowest and the fastest epoch of the same training.

# %%
fastest_plain = min(timer_plain.seconds)
fastest_augmented = min(timer_augmented.seconds)
print(f"fastest epoch without augmentation: {fastest_plain:.1f} s")
print(f"fastest epoch with augmentation:    {fastest_augmented:.1f} s")
print(f"augmentation makes an epoch {fastest_augmented / fastest_plain:.2f} times as long")
print(f"the epochs without augmentation alone took {fastest_plain:.1f} to "
      f"{max(timer_plain.seconds):.1f} s")

# %% [markdown]
# The two times are close: in the run stored here the fastest augmented epoch took
# 2.6<!--out--> s instead of 2.3<!--out--> s, while the epochs of one and the same training
# took between 2.3<!--out--> and 3.6<!--out--> s. Flipping and shifting a batch of small
# images takes a few batched TensorFlow operations, which cost little next to the
# convolutions; so little that the noise of the measurement is larger than the cost: run the
# two trainings again and the ratio changes. Heavier augmentations (rotations, zooms) on
# larger images are likely to cost more.

# %% [markdown]
# ## 6. The final test
#
# The augmented model reached the higher validation accuracy and the smaller gap, so it is the
# model you keep. Measure it once on the 10,000 test images. The augmentation layers are off
# during `evaluate`, so the model sees the real test images.

# %%
test_accuracy = evaluate_on_test(augmented, x_test, y_test)

# %% [markdown]
# The test accuracy, 0.6204<!--out-->, is close to the validation accuracy of the last
# epoch, 0.622<!--out-->: validation gave an honest estimate. It stays below the classic
# CNN's result in lesson 02 for the reason of section 3: this model learned from 8,000
# images, not 45,000.

# %% [markdown]
# ## Exercise 1: degrees from a fraction of a turn
#
# `RandomRotation` takes a fraction of a full turn (360°), not an angle. By how many degrees
# at most does `keras.layers.RandomRotation(0.05)` turn an image (in one direction)? Compute
# it with Python arithmetic.

# %%
max_degrees = 0  # replace 0 with your calculation

passed = check_rotation_degrees(max_degrees)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# max_degrees = 0.05 * 360
# ```
#
# That is 18°: each image is turned by a random angle between −18° and +18°. The other way
# round, an angle of ±15° is `RandomRotation(15 / 360)`.
# </details>

# %% [markdown]
# ## Exercise 2: safe augmentations
#
# For each of three datasets, choose the augmentations that keep every label right and
# produce images that could really occur. The options are:
#
# | Option | Meaning |
# |---|---|
# | `"flip_left_right"` | mirror the image left to right |
# | `"flip_up_down"` | mirror the image top to bottom |
# | `"rotate_small"` | rotate by up to ±10° |
# | `"rotate_any"` | rotate by any angle, up to ±180° |
# | `"shift"` | shift by up to 10% of the image size |
# | `"zoom"` | zoom in or out by up to 10% |
#
# The datasets: handwritten digits (MNIST), small photos of objects and animals (CIFAR-10),
# and microscope images of blood cells (seen from above, with no up or down).

# %%
safe_for_digits = set()  # for example {"shift", "zoom"}
safe_for_photos = set()
safe_for_cells = set()

passed = check_safe_augmentations(safe_for_digits, safe_for_photos, safe_for_cells)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# safe_for_digits = {"rotate_small", "shift", "zoom"}
# safe_for_photos = {"flip_left_right", "rotate_small", "shift", "zoom"}
# safe_for_cells = {"flip_left_right", "flip_up_down", "rotate_small", "rotate_any",
#                   "shift", "zoom"}
# ```
#
# Digits must not be mirrored or turned far (a backwards 2 is not a 2, a 6 upside down looks
# like a 9). Photos may be mirrored left to right but are taken upright. A cell under a
# microscope looks the same from every side, so every flip and rotation is allowed.
# </details>

# %% [markdown]
# ## Exercise 3: build an augmentation pipeline
#
# Build a `keras.Sequential` of random layers with exactly these settings: random left-right
# flips, rotations of up to ±15°, shifts of up to 10% in both directions, and zooms of up to
# ±10%. The check reads the settings of your layers and runs the pipeline on a batch of
# images. (If Keras answers that a factor "should be in the range [-1, 1]", you gave degrees
# or percent instead of a fraction.)

# %%
my_augmentation = keras.Sequential([
    keras.layers.RandomFlip("horizontal"),
    # add the three other layers here
])

passed = check_augmentation_pipeline(my_augmentation)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# my_augmentation = keras.Sequential([
#     keras.layers.RandomFlip("horizontal"),
#     keras.layers.RandomRotation(15 / 360),
#     keras.layers.RandomTranslation(0.1, 0.1),
#     keras.layers.RandomZoom(0.1),
# ])
# ```
#
# The same four layers, with the shift before the rotation, come from
# `models.cifar_augmentation(rotation=15 / 360, zoom=0.1)`.
# Look at it with `predictions.plot_augmentations(image, my_augmentation)` before you train
# with it.
# </details>

# %% [markdown]
# ## Exercise 4 (open): stronger augmentation, longer training
#
# Train the augmented model of section 3 again with your pipeline from Exercise 3 (or with
# `models.cifar_augmentation(contrast=0.2)`), first for 20 epochs and then for 40. Compare
# the best validation accuracy and the gap with the table of section 3. Stronger augmentation
# usually needs more epochs before it pays off. Or go back to lesson 01 and put
# `digit_augmentation` in front of the MNIST model. As before, do not call `evaluate_on_test`
# on your variants.

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "When do the random augmentation layers inside a model change the images?",
        ["Always, also when the model predicts",
         "Only during training (fit calls the model with training=True)",
         "Only during evaluate, to make the test harder"],
        answer=1,
        explanation="With training=False (predict, evaluate) they pass the images through "
                    "unchanged, so the model is measured on real images.",
    ),
    Question(
        "What range of angles does keras.layers.RandomRotation(0.1) use?",
        ["±0.1°", "±10°", "±36°"],
        answer=2,
        explanation="The factor is a fraction of a full turn: 0.1 × 360° = 36°.",
    ),
    Question(
        "Which augmentation is wrong for handwritten digits?",
        ["RandomFlip('horizontal')", "RandomRotation(10 / 360)", "RandomZoom(0.1)"],
        answer=0,
        explanation="A mirrored 2 or 7 is not a digit anyone writes; small rotations and "
                    "zooms mimic real handwriting.",
    ),
    Question(
        "With augmentation, the training accuracy went down and the validation accuracy went "
        "up. What does that mean?",
        ["The augmentation is broken", "The model memorises less and generalises better",
         "The validation set is now augmented too"],
        answer=1,
        explanation="The changed training images are harder to memorise, so the "
                    "train-validation gap shrinks; validation images are never augmented.",
    ),
], title="Lesson 03 quiz")

# %% [markdown]
# ## Key points
#
# - Data augmentation makes new, plausible training images by changing the ones you have at
#   random, differently in every epoch; it is one of the best cures for overfitting.
# - In Keras 3, augmentation is a `Sequential` of random layers (`RandomFlip`,
#   `RandomTranslation`, `RandomRotation`, `RandomZoom`, `RandomContrast`, ...) placed at the
#   start of the model, before `Rescaling`. They act only when `training=True`.
# - `RandomRotation` takes a fraction of a full turn: ±15° is `RandomRotation(15 / 360)`.
# - Look at one image augmented many ways before you train: you should still recognise it.
# - Compare fairly: same model, same data, same initial weights. Augmentation lowers training
#   accuracy, raises validation accuracy and shrinks the gap; the model needs more epochs.
# - Only use augmentations that keep the label right and could occur in real data: flips are
#   fine for photos, wrong for digits.
# - `ImageDataGenerator` is gone; its arguments map onto the random layers, which run batched
#   inside the TensorFlow graph; here they cost little training time.

# %% [markdown]
# ## Further reading
#
# - Keras API: [Image augmentation layers](https://keras.io/api/layers/preprocessing_layers/image_augmentation/)
#   — including automatic recipes such as `RandAugment`, and `MixUp` and `CutMix`.
# - TensorFlow tutorial: [Data augmentation](https://www.tensorflow.org/tutorials/images/data_augmentation)
# - Dive into Deep Learning: [Image Augmentation](https://d2l.ai/chapter_computer-vision/image-augmentation.html)
# - Shorten and Khoshgoftaar (2019), [A survey on image data augmentation for deep
#   learning](https://doi.org/10.1186/s40537-019-0197-0)
# - Cubuk et al. (2020), [RandAugment: practical automated data augmentation with a reduced
#   search space](https://arxiv.org/abs/1909.13719)
#
# Next: lesson 04 looks more closely at which classes the model confuses.
