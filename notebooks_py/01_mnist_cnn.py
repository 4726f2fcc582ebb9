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
# # 01 — Your first CNN: handwritten digits (MNIST)
#
# You train a small convolutional neural network (CNN) that reads handwritten digits, and
# check honestly how good it is.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/01_mnist_cnn.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/01_mnist_cnn.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - load MNIST and check its shapes, data type and label counts before training;
# - keep images as `uint8` and let a `Rescaling` layer inside the model scale them;
# - build the classic CNN (convolution → pooling → convolution → pooling → dense) with
#   `keras.Input` and `keras.Sequential`, and count its parameters;
# - choose between one-hot and integer labels, and the matching loss;
# - train with a **validation** split, read the history plot, and spot overfitting;
# - train the course's better model (batch normalization, random shifts, a learning-rate
#   schedule) and choose between models on the validation split, knowing how big a
#   difference is noise;
# - build a model yourself from a written description and check it;
# - evaluate **once** on the test set and look at the mistakes the model makes.
#
# **Estimated time:** about 60 minutes, of which about 5 minutes are training on a 2-core
# laptop and 20 minutes are exercises.
#
# **Before you start:** lesson 00 (NumPy arrays, training/validation/test data, what a loss and
# an optimizer do).

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
# Run this cell first. `course_utils.setup()` fixes the random seed, so your numbers match the
# ones stored in this notebook (on the same kind of machine), and prints what you are running
# on. The first time, `load_mnist()` below downloads 11 MB; after that it reads the copy in the
# data directory printed here.
#
# `course_utils` comes before `keras`: importing it first keeps TensorFlow's technical log
# messages out of the notebook. The cell also imports `keras`, its `layers` and the two names
# the course's recipes use (`MNIST_SHAPE`, `conv_block`), so any recipe this lesson shows runs
# when you copy it into a new cell.

# %%
import math
import time

import course_utils  # first, before keras: it keeps TensorFlow's C++ log lines out
import keras
import numpy as np
from course_utils import data, explore, models, pipelines, plots, predictions
from course_utils.evaluation import choose_by_validation, evaluate_on_test
from course_utils.exercises import (
    check_conv_params,
    check_feature_map_shapes,
    check_same_padding_cnn,
)
from course_utils.models import MNIST_SHAPE, conv_block  # noqa: F401 - for recipes you copy
from course_utils.quiz import Question, show_quiz
from keras import layers

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. Load the data and look at it
#
# MNIST holds 70,000 grey-scale images of handwritten digits, 28×28 pixels each, already split
# into 60,000 training and 10,000 test images. Always look at the arrays before you train:
# their shape, their data type and their range.

# %%
# NBVAL_CHECK_OUTPUT
(x_train, y_train), (x_test, y_test) = data.load_mnist()

for name, array in [("x_train", x_train), ("y_train", y_train),
                    ("x_test", x_test), ("y_test", y_test)]:
    print(f"{name:8} shape={array.shape!s:16} dtype={array.dtype} "
          f"min={array.min()} max={array.max()}")

# %% [markdown]
# Pixels are whole numbers from 0 (black) to 255 (white) stored as `uint8`: one byte each, so
# the 60,000 training images take only 47<!--out--> MB. Labels are the digits 0 to 9.
#
# Are the classes balanced? Count the labels:

# %%
# NBVAL_CHECK_OUTPUT
print("train:", np.bincount(y_train).tolist())
print("test: ", np.bincount(y_test).tolist())

# %% [markdown]
# *Figure: a bar chart of how many training images there are of each digit 0–9. All bars are
# between about 5,400 (digit 5) and 6,700 (digit 1), so no class is rare.*

# %%
fig = plots.plot_label_counts(y_train, data.MNIST_CLASSES, title="MNIST training images per digit")

# %% [markdown]
# *Figure: a grid of the first 16 training images, white digits on a black background, each
# titled with its label (5, 0, 4, 1, 9, …). Some are written quite sloppily.*

# %%
fig = plots.plot_samples(x_train, y_train, data.MNIST_CLASSES, n=16,
                        title="First MNIST training images")

# %% [markdown]
# ## 2. Prepare the data
#
# A convolution layer expects images with a **channel** axis: `(height, width, channels)`.
# Grey-scale images have one channel, colour images three. Add the axis with `np.newaxis`;
# this does not copy any pixels.
#
# The pixels stay `uint8`. Networks learn best from small numbers (around 0 to 1), but instead
# of converting the whole array to floats here (which would make it 4 times bigger: 188 MB
# instead of 47 MB) you will put a `Rescaling(1/255)` layer at the start of the model, so each
# batch is converted when it is used. The same model then also works on raw images later.

# %%
# NBVAL_CHECK_OUTPUT
x_train = x_train[..., np.newaxis]
x_test = x_test[..., np.newaxis]
print("x_train:", x_train.shape, x_train.dtype, f"{x_train.nbytes / 1e6:.0f} MB")
print("x_test: ", x_test.shape, x_test.dtype)

# %% [markdown]
# ### One-hot or integer labels?
#
# The model will output 10 probabilities, one per digit. There are two ways to write the
# correct answer for it:
#
# - **integer labels**: `3` — what you have already; use the loss
#   `sparse_categorical_crossentropy`;
# - **one-hot labels**: `[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]` — made with
#   `keras.utils.to_categorical`; use the loss `categorical_crossentropy`.
#
# Both compute the same number. Integer labels are simpler and 10 times smaller, so this
# course uses them. Older tutorials often one-hot encode first; if you see a shape error
# like `(None, 10)` vs `(None, 1)`, the labels and the loss do not match.

# %%
# NBVAL_CHECK_OUTPUT
print("integer labels:", y_train[:3])
print("one-hot labels:\n", keras.utils.to_categorical(y_train[:3], num_classes=10))

# %% [markdown]
# ### Training, validation and test data
#
# You will **train** on most of the training images, and hold out the last 10% of them as
# **validation** data (`validation_split=0.1` below): the model never learns from them, so its
# accuracy there tells you how well it generalises while you make decisions (how many epochs,
# which model). The **test** set is for one final measurement at the very end. If you chose a
# model by its test accuracy, that number would stop being an honest estimate.
#
# `course_utils.shrink` leaves the data as it is, except in the course's *fast mode*
# (`COURSE_FAST=1`, used by the automatic tests), where it keeps only the first 2,000 images
# so the notebook runs in seconds. `course_utils.epochs(n)` likewise gives `n`, or 1 in fast
# mode.

# %%
x_train, y_train = course_utils.shrink(x_train, y_train, fast=2000)
print(f"training on {len(x_train) * 0.9:.0f} images, validating on {len(x_train) * 0.1:.0f}")

# %% [markdown]
# ## 3. Build the classic CNN
#
# The network has two parts:
#
# 1. **Feature extractor.** A `Conv2D` layer slides 32 small 3×3 filters over the image; each
#    filter learns to respond to a pattern such as an edge or a curve, and produces a *feature
#    map*. `MaxPooling2D` keeps the largest value of each 2×2 patch, halving the size and making
#    the features a little robust to shifts. A second convolution with 64 filters combines
#    edges into bigger shapes (loops, strokes).
# 2. **Classifier.** `Flatten` turns the feature maps into one long vector, a `Dense` layer of
#    128 neurons combines them, and the last `Dense` layer has one neuron per class with
#    `softmax`, so the 10 outputs are probabilities that add up to 1.
#
# You will train this model twice, without and with *dropout* (section 5), so it is written as
# a function.

# %%
def build_cnn(dropout: float = 0.0) -> keras.Model:
    """The classic MNIST CNN; with `dropout` > 0, a Dropout layer before each Dense layer."""
    def maybe_dropout():
        return [keras.layers.Dropout(dropout)] if dropout > 0 else []

    return keras.Sequential([
        keras.Input(shape=(28, 28, 1), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(32, kernel_size=3, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Conv2D(64, kernel_size=3, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Flatten(),
        *maybe_dropout(),
        keras.layers.Dense(128, activation="relu"),
        *maybe_dropout(),
        keras.layers.Dense(10, activation="softmax"),
    ])


model = build_cnn()
model.summary()

# %% [markdown]
# Read the summary from top to bottom: each 3×3 convolution without padding trims one pixel
# from every border (28 → 26), each pooling halves the size (26 → 13). Most of the
# 225,034<!--out--> parameters sit in the first `Dense` layer, which connects every one of the
# 1,600 flattened features to each of its 128 neurons.

# %%
# NBVAL_CHECK_OUTPUT
print("parameters:", model.count_params())

# %% [markdown]
# ## 4. Compile and train
#
# `compile` chooses how the model learns:
#
# - the **loss** `sparse_categorical_crossentropy` (integer labels, softmax outputs)
# - the **optimizer** Adam, a gradient descent that adapts its step size for each weight;
# - the **metric** accuracy, reported after each epoch.
#
# `fit` then shows the training images in batches of 128; one pass over all of them is an
# **epoch** (422<!--out--> weight updates here). `verbose=2` prints one line per epoch: the loss and
# accuracy on the training data, then on the validation data.

# %%
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=128, epochs=course_utils.epochs(5),
                    validation_split=0.1, verbose=2)

# %% [markdown]
# *Figure: two line charts side by side over the 5 epochs. Left, accuracy: the training curve
# rises from 0.9390<!--out--> to 0.9927<!--out--> and overtakes the validation curve at epoch 4,
# while the validation accuracy levels off at 0.9900<!--out-->. Right, loss: the training loss
# keeps falling, the validation loss stops improving after epoch 4.*

# %%
fig = plots.plot_history(history, title="Classic CNN on MNIST")

# %% [markdown]
# Two things to read in this plot. First, the training accuracy of an epoch is an average over
# all its batches, measured while the weights were still changing, so in the first epochs it
# lags behind the validation accuracy, which is measured at the end of the epoch. Second, from
# about epoch 4 the training curves pass the validation curves and keep improving while the
# validation curves stand still: the model has started to memorise details of its training
# images that do not help on new ones. That is **overfitting**, and more epochs would most
# likely only widen the gap.

# %% [markdown]
# ## 5. A small improvement: dropout
#
# `Dropout(0.5)` switches off a random half of its inputs at every training step (and none at
# prediction time). The network cannot rely on any single feature, which often makes it
# generalise better. It also learns more slowly, so give it more epochs. Everything else stays
# the same.

# %%
model_dropout = build_cnn(dropout=0.5)
model_dropout.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
history_dropout = model_dropout.fit(x_train, y_train, batch_size=128,
                                    epochs=course_utils.epochs(10),
                                    validation_split=0.1, verbose=2)

# %% [markdown]
# *Figure: the same two charts over 10 epochs for the model with dropout. The training accuracy
# stays below the validation accuracy the whole time (dropout is only active during training),
# and the validation accuracy keeps creeping up to 0.9927<!--out-->; the validation loss keeps
# falling.*

# %%
fig = plots.plot_history(history_dropout, title="Classic CNN with dropout on MNIST")

# %% [markdown]
# ## 6. A better model: the course's recipe
#
# The classic CNN comes from the original tutorials. The course's better MNIST model,
# `models.better_mnist_cnn`, differs from `build_cnn` of section 3 in all of these ways (lesson
# 02 explains batch normalization and the schedule in more detail). In its layers:
#
# - **Random shifts** by up to 2 pixels (`RandomTranslation(0.08, 0.08)`: 8% of 28 pixels,
#   active only while training): a digit moved a little is still the same digit, so every
#   epoch shows slightly new images.
# - **Half the filters**: 16 and 32 instead of 32 and 64.
# - **`padding="same"`**: each convolution keeps the size of its input instead of trimming a
#   pixel from every border, so the image goes 28 → 14 → 7 and `Flatten` gets 7·7·32 = 1,568
#   numbers (the classic model: 5·5·64 = 1,600).
# - **Batch normalization** in every convolution block keeps the numbers that flow through the
#   network in a stable range, so it can learn with a higher learning rate and in fewer epochs.
# - **No bias in the convolutions** (`use_bias=False`): batch normalization subtracts the mean
#   of every feature map, which would cancel a bias anyway, and adds a learned shift of its own.
# - **ReLU as a layer of its own**: the convolution has no activation; batch normalization
#   comes between the convolution and the ReLU.
# - **Pooling before batch normalization and ReLU**: each block is convolution → pooling →
#   batch normalization → ReLU (`models.conv_block`), where the classic order would be
#   convolution → batch normalization → ReLU → pooling (why: see below).
# - **Dropout** before both `Dense` layers, as in section 5 but lighter (20%): the random shifts
#   already make memorising harder.
#
# In its training:
#
# - **Bigger batches** (256 images instead of 128) and 8 epochs.
# - **A learning-rate schedule**: Adam's learning rate warms up over the first 10% of the steps
#   to 0.006 (six times Keras' default of 0.001) and then falls to zero along a cosine curve:
#   big steps while the model is far from good, small steps at the end to settle.
# - **A `tf.data` pipeline** instead of `validation_split`: the same validation images, fed
#   batch by batch (below).
#
# **Why pool first?** ReLU and max pooling can be swapped without changing the result: the
# largest of four numbers, set to 0 if negative, is the largest of the four numbers each set to
# 0 if negative. Batch normalization nearly can be swapped too: for each feature map it
# multiplies by one number (positive, unless training makes it negative) and adds another,
# which does not change which number of a 2×2 patch is the largest; only the mean and variance
# it measures then come from the pooled maps. So both orders compute almost the same thing,
# and pooling first leaves batch normalization and ReLU a quarter of the numbers to work on.
# The course chose this order because it is faster; section 6.1 measures by how much.
#
# The recipe lives in `course_utils.models`, where the course's benchmarks (`make bench`) time
# it against the original tutorial's. Here are its layers, its blocks and its training
# settings:

# %%
course_utils.show_source(models.better_mnist_cnn)

# %%
course_utils.show_source(models.conv_block)

# %%
# NBVAL_CHECK_OUTPUT
recipe = models.BETTER_MNIST
print(recipe)

# %% [markdown]
# `pipelines.train_val_datasets` holds out the same last 10% of the training images for
# validation as `validation_split=0.1` did, and feeds both parts to the model in batches with
# `tf.data` (shuffled anew every epoch, still `uint8`). `models.better_mnist_model` builds the
# model and compiles it with the recipe's optimizer, learning-rate schedule and loss. Its
# summary shows the sizes 28 → 14 → 7 and where the parameters are; the non-trainable ones are
# the running means and variances that batch normalization keeps.

# %%
better_epochs = course_utils.epochs(recipe.epochs)
train_ds, val_ds = pipelines.train_val_datasets(x_train, y_train, recipe)
model_better = models.better_mnist_model(steps_per_epoch=len(train_ds), epochs=better_epochs)
model_better.summary()

# %%
history_better = model_better.fit(train_ds, validation_data=val_ds, epochs=better_epochs,
                                  verbose=2)

# %% [markdown]
# *Figure: the better model's training history over 8 epochs. Left, accuracy: the validation
# accuracy is 0.8627<!--out--> after the first epoch, passes 0.99 at epoch 4 and ends at
# 0.9938<!--out-->; in every epoch it is above the training accuracy (which ends at
# 0.9896<!--out-->), because the random shifts and dropout act only while training. Right,
# loss: the validation loss falls in every epoch, from 0.5889<!--out--> to 0.0224<!--out-->,
# and the training loss from 0.4652<!--out--> to 0.0319<!--out-->.*

# %%
fig = plots.plot_history(history_better, title="Better CNN on MNIST")

# %% [markdown]
# ### 6.1 How much faster is pooling first?
#
# The next cell builds the better model twice, once with each order of the blocks, and times
# a few training steps of each on the same batch of 256 images. Both have the same weights
# (the cell prints their parameter counts); only the order of the layers in each block
# differs. The first step of each is not timed (Keras then prepares the computation), and the
# two take turns, so both see the same background load on your computer. In fast mode it runs
# fewer steps.

# %%
def better_block(filters: int, pool_first: bool) -> list:
    """One block of the better model, pooling before or after batch normalization and ReLU."""
    conv = layers.Conv2D(filters, 3, padding="same", use_bias=False)
    normalize = [layers.BatchNormalization(), layers.ReLU()]
    pool = layers.MaxPooling2D()
    return [conv, pool, *normalize] if pool_first else [conv, *normalize, pool]


def better_with_order(pool_first: bool) -> keras.Model:
    """The layers of models.better_mnist_cnn, with its blocks in one order or the other."""
    return keras.Sequential([
        keras.Input(shape=MNIST_SHAPE, dtype="uint8"),
        layers.Rescaling(1 / 255),
        layers.RandomTranslation(0.08, 0.08, fill_mode="constant", interpolation="nearest"),
        *better_block(16, pool_first),
        *better_block(32, pool_first),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10, activation="softmax"),
    ])


steps, repeats = (2, 2) if course_utils.fast_mode() else (10, 5)
images, labels = x_train[:256], y_train[:256]
orders = {"conv → pool → batch norm → ReLU": better_with_order(pool_first=True),
          "conv → batch norm → ReLU → pool": better_with_order(pool_first=False)}
seconds = {}
for name, candidate in orders.items():
    candidate.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    candidate.train_on_batch(images, labels)  # not timed: Keras prepares the computation
    seconds[name] = []
for _ in range(repeats):
    for name, candidate in orders.items():
        start = time.perf_counter()
        for _ in range(steps):
            candidate.train_on_batch(images, labels)
        seconds[name].append((time.perf_counter() - start) / steps)

for name, times in seconds.items():
    print(f"{name}: {orders[name].count_params():,} parameters, "
          f"{1000 * np.median(times):.1f} ms per training step (median of {repeats} × {steps})")
pool_first, pool_last = (np.median(times) for times in seconds.values())
print(f"pooling first saves {1 - pool_first / pool_last:.0%} of the time of a step")

# %% [markdown]
# On the computer that ran this notebook, pooling first saved 37%<!--out--> of the time of a
# training step. The convolutions cost the same in both orders; batch normalization and ReLU,
# forward and backward, work on four times fewer numbers when the pooling comes first. On your
# computer the numbers will differ; run the cell again to see how much they vary.

# %% [markdown]
# ### 6.2 Choose a model, and how big a difference is noise
#
# Now **choose** a model using the validation accuracy only. After `fit`, a model holds the
# weights of its **last** epoch, so `choose_by_validation` compares the validation accuracy of
# each model's last epoch: the score of the model you will test. (An earlier epoch may have
# scored a little higher, but its weights are gone. To keep the best epoch instead, train with
# a callback such as `keras.callbacks.EarlyStopping(restore_best_weights=True)`; lesson 04
# does.)

# %%
chosen, final_model = choose_by_validation({
    "classic": (model, history),
    "dropout": (model_dropout, history_dropout),
    "better": (model_better, history_better),
})

# %% [markdown]
# How much of these differences is luck? Each accuracy is measured on 6,000 validation images;
# a different set of 6,000 images of the same kind would give a slightly different number. If
# the model gets a fraction `p` of all such images right, the accuracy measured on `n` of them
# varies by about its **standard error**, √(p·(1 − p)/n):

# %%
p = 0.99  # about the validation accuracy of all three models
n = round(0.1 * len(x_train))  # the validation images
standard_error = math.sqrt(p * (1 - p) / n)
print(f"√({p} · {1 - p:.2f} / {n}) = {standard_error:.4f}: about ±{100 * standard_error:.1f} "
      "percentage point")

# %% [markdown]
# So differences of about 0.0013<!--out--> (±0.1<!--out--> percentage point) are noise: the
# better model's last epoch (0.9938<!--out-->, also its best) and its epochs 6 and 7
# (0.9937<!--out--> each) are the same, and so, very nearly, are the better model and the
# dropout model (0.9927<!--out-->).
# A difference begins to mean something beyond about two standard errors (0.0026): the
# classic model (0.9900<!--out-->) probably is behind the better one. The choice is still
# sound: the better model is at least as good as the others on the validation images, and
# gets there in fewer epochs than the dropout model (8 instead of 10).

# %% [markdown]
# ## 7. The final test
#
# You have made your decisions. Now, and only now, measure the chosen model on the 10,000 test
# images it has never seen. `evaluate_on_test` prints the result in one line; this is the
# number to report.

# %%
test_accuracy = evaluate_on_test(final_model, x_test, y_test)

# %% [markdown]
# ## 8. Look at the mistakes
#
# Even an accuracy above 99% leaves dozens of wrong digits. Looking at them tells you whether
# the model is confused by sloppy handwriting (forgivable) or by clear digits (a problem).
# `predict` returns 10 probabilities per image; the predicted class is the largest.

# %%
probabilities = final_model.predict(x_test, batch_size=512, verbose=0)
predicted = probabilities.argmax(axis=1)
wrong = np.flatnonzero(predicted != y_test)
print(f"{len(wrong)} of {len(y_test)} test images are misclassified")

# %% [markdown]
# *Figure: a grid of 16 test images with the predicted digit, the model's confidence and the
# true digit above each: first 8 misclassified ones, framed and titled in red, then 8 correct
# ones. Several of the mistakes are ambiguous even for a person: the second, labelled 3, looks
# like a 5, and the fourth, labelled 2, is hard to read at all.*

# %%
order = predictions.mistakes_then_correct(y_test, probabilities, n=8)
fig = predictions.plot_predictions(x_test[order], y_test[order], probabilities[order],
                                   data.MNIST_CLASSES, title="Test predictions")

# %% [markdown]
# ### Explore the predictions yourself
#
# A grid shows 16 images; the **prediction explorer** lets you walk through all 10,000. Move
# the slider to pick a test image and read the model's probability for every digit, or click
# **Next mistake** to jump to the next misclassified image. Look for mistakes where the right
# digit has the second-longest bar: the model hesitated between two digits.
#
# The controls only work while the notebook runs in Jupyter; a static copy of this notebook
# shows the first picture. Without the controls, the same figure for image `i` is
# `predictions.plot_prediction(x_test[i], y_test[i], probabilities[i], data.MNIST_CLASSES)`.
#
# *Figure: an explorer with an image slider and a "Next mistake" button above a status line and
# a picture. Left, test image 0, a handwritten 7; right, a horizontal bar chart of the
# probability (0 to 1) of each digit 0–9: the bar for 7 reaches almost 1 and is green (the
# true class), all others are close to 0.*

# %%
# NBVAL_IGNORE_OUTPUT
explore.prediction_explorer(x_test, y_test, probabilities, data.MNIST_CLASSES)

# %% [markdown]
# ## Exercise 1: count the parameters
#
# A `Conv2D` layer with `filters` filters of size `k×k` on an input with `c` channels has
# `k·k·c` weights per filter plus one bias per filter. How many parameters does the **second**
# convolution layer of the model have (64 filters of 3×3, on the 32 feature maps of the first
# layer)? Compute it with Python arithmetic, not by reading the summary.

# %%
second_conv_params = 0  # replace 0 with your calculation

passed = check_conv_params(second_conv_params)

# %% [markdown]
# <details><summary>Solution</summary>
#
# Each of the 64 filters has 3·3·32 weights and one bias:
#
# ```python
# second_conv_params = 64 * (3 * 3 * 32 + 1)
# ```
#
# That is 18,496, as `model.summary()` shows.
# </details>

# %% [markdown]
# ## Exercise 2: follow the shapes
#
# Write down the height (= width) of the feature maps after each of the four layers
# `Conv2D(3×3)`, `MaxPooling2D(2)`, `Conv2D(3×3)`, `MaxPooling2D(2)` for a 28×28 input, and
# the length of the vector after `Flatten` (the last layer has 64 feature maps). A 3×3
# convolution without padding makes the image 2 pixels smaller; pooling halves it, rounding
# down.

# %%
sizes_after_each_layer = [28, 28, 28, 28]  # replace with the four sizes
flattened_length = 0  # replace with the length after Flatten

passed = check_feature_map_shapes(sizes_after_each_layer, flattened_length)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# sizes_after_each_layer = [26, 13, 11, 5]
# flattened_length = 5 * 5 * 64
# ```
#
# 28 − 2 = 26, 26 ÷ 2 = 13, 13 − 2 = 11, 11 ÷ 2 = 5 (rounded down); 5·5·64 = 1,600.
# </details>

# %% [markdown]
# ## Exercise 3: build a model from its description
#
# Write this model yourself, layer by layer, in the cell below: the classic CNN with
# `padding="same"` and without its hidden `Dense(128)` layer. It need not be trained: the
# check compares its layer types in order, their settings, the output shapes and the number of
# parameters with the description, and says what differs. Before you run the check, predict
# the output shape of layer 5 and the number of parameters of layer 7; `my_model.summary()`
# shows whether you were right.
#
# | layer | type | settings |
# |---|---|---|
# | input | `keras.Input` | shape 28×28×1, dtype `uint8` |
# | 1 | `Rescaling` | scale 1/255 |
# | 2 | `Conv2D` | 32 filters of 3×3, padding `"same"`, ReLU |
# | 3 | `MaxPooling2D` | 2×2 |
# | 4 | `Conv2D` | 64 filters of 3×3, padding `"same"`, ReLU |
# | 5 | `MaxPooling2D` | 2×2 |
# | 6 | `Flatten` | |
# | 7 | `Dense` | 10 units, softmax |

# %%
my_model = keras.Sequential([
    keras.Input(shape=(28, 28, 1), dtype="uint8"),
    layers.Rescaling(1 / 255),
    # add layers 2 to 7 here
])

passed = check_same_padding_cnn(my_model)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# my_model = keras.Sequential([
#     keras.Input(shape=(28, 28, 1), dtype="uint8"),
#     layers.Rescaling(1 / 255),
#     layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
#     layers.MaxPooling2D(pool_size=2),
#     layers.Conv2D(64, kernel_size=3, padding="same", activation="relu"),
#     layers.MaxPooling2D(pool_size=2),
#     layers.Flatten(),
#     layers.Dense(10, activation="softmax"),
# ])
# ```
#
# With `padding="same"` only the pooling changes the size: 28 → 14 → 7, so layer 5 outputs
# 7×7×64 and `Flatten` gives 3,136 numbers. Layer 7 then has 3,136·10 + 10 = 31,370
# parameters, and the model 50,186 in all: under a quarter of the classic model's, because
# the big `Dense(128)` layer is gone.
# </details>

# %% [markdown]
# ## Exercise 4 (open): train it your way
#
# Copy the cells of section 5 into new cells and change one thing at a time: 64 instead of 128
# neurons, `Dropout(0.25)`, a batch size of 32, or a third `Conv2D` layer. Compare the
# validation accuracy of the last epoch (the weights you keep) and the training time; remember
# that differences of about 0.1 percentage point are noise here (section 6.2). Do not call
# `evaluate_on_test` on your variants: the test set has been used once, by the model you chose
# before.

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "Why does the model start with a Rescaling(1/255) layer instead of converting "
        "x_train to floats first?",
        ["It makes training more accurate",
         "The data stays uint8 (4 times smaller in memory) and the model accepts raw images",
         "Conv2D layers cannot read floats"],
        answer=1,
        explanation="Both give the same numbers to the Conv2D layer; scaling inside the model "
                    "saves memory and travels with the saved model.",
    ),
    Question(
        "Your labels are integers 0-9. Which loss do you use?",
        ["categorical_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error"],
        answer=1,
        explanation="sparse_categorical_crossentropy takes integer labels; "
                    "categorical_crossentropy expects one-hot vectors.",
    ),
    Question(
        "Training accuracy is 99.8%, validation accuracy 98.9% and falling. What is happening?",
        ["Underfitting: train longer", "Overfitting: regularise (dropout) or stop earlier",
         "The test set is too small"],
        answer=1,
        explanation="A growing gap between training and validation accuracy is overfitting.",
    ),
    Question(
        "When may you look at the test accuracy?",
        ["After every epoch, to pick the best one", "Once, after choosing the final model",
         "Whenever the validation accuracy is low"],
        answer=1,
        explanation="Decisions made on the test set make its number optimistic; decide on the "
                    "validation set and test once.",
    ),
], title="Lesson 01 quiz")

# %% [markdown]
# ## Key points
#
# - Look at your data first: shapes, `dtype`, value range, label counts, a few images.
# - Keep images `uint8` and scale them inside the model with `Rescaling(1/255)`.
# - A CNN stacks `Conv2D` + `MaxPooling2D` blocks to extract features, then `Dense` layers
#   to classify; the last layer has one softmax output per class.
# - Integer labels go with `sparse_categorical_crossentropy`, one-hot labels with
#   `categorical_crossentropy`.
# - Make decisions on a validation split; a widening train/validation gap is overfitting, and
#   dropout reduces it.
# - Compare the validation accuracy of the weights you keep (the last epoch), and remember its
#   standard error √(p·(1 − p)/n): about ±0.1 percentage point on 6,000 images at 99%.
# - Batch normalization, small random shifts and a learning-rate schedule reach a higher
#   accuracy in fewer epochs than the classic recipe. Pooling before batch normalization and
#   ReLU computes almost the same and is faster.
# - You can write a model from a description with `keras.Sequential`, and read its shapes and
#   parameters with `summary()`.
# - Evaluate on the test set once, at the end, and look at the mistakes.

# %% [markdown]
# ## Further reading
#
# - Keras example: [Simple MNIST convnet](https://keras.io/examples/vision/mnist_convnet/)
# - Keras guide: [The Sequential model](https://keras.io/guides/sequential_model/)
# - Dive into Deep Learning: [Convolutional Neural Networks](https://d2l.ai/chapter_convolutional-neural-networks/index.html)
# - CS231n notes: [Convolutional Neural Networks](https://cs231n.github.io/convolutional-networks/)
# - Srivastava et al. (2014), [Dropout: a simple way to prevent neural networks from
#   overfitting](https://jmlr.org/papers/v15/srivastava14a.html)
#
# Next: lesson 02 trains a CNN on colour photos (CIFAR-10), where overfitting is much stronger.
