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
#   schedule) and choose between models on the validation split;
# - evaluate **once** on the test set and look at the mistakes the model makes.
#
# **Estimated time:** about 60 minutes, of which about 3 minutes are training on a 2-core
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

# %%
import keras
import numpy as np

import course_utils
from course_utils import data, explore, models, pipelines, plots, predictions
from course_utils.evaluation import choose_by_validation, evaluate_on_test
from course_utils.exercises import check_conv_params, check_feature_map_shapes
from course_utils.quiz import Question, show_quiz

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
# the 60,000 training images take only 47 MB. Labels are the digits 0 to 9.
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
# from every border (28 → 26), each pooling halves the size (26 → 13). Most of the 225,034
# parameters sit in the first `Dense` layer, which connects every one of the 1,600 flattened
# features to each of its 128 neurons.

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
# **epoch** (422 weight updates here). `verbose=2` prints one line per epoch: the loss and
# accuracy on the training data, then on the validation data.

# %%
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=128, epochs=course_utils.epochs(5),
                    validation_split=0.1, verbose=2)

# %% [markdown]
# *Figure: two line charts side by side over the 5 epochs. Left, accuracy: the training curve
# rises from 0.94 to 0.993 and overtakes the validation curve at epoch 4, while the validation
# accuracy levels off at 0.990. Right, loss: the training loss keeps falling, the validation
# loss stops improving after epoch 4.*

# %%
fig = plots.plot_history(history, title="Classic CNN on MNIST")

# %% [markdown]
# Two things to read in this plot. First, the training accuracy of an epoch is an average over
# all its batches, measured while the weights were still changing, so in the first epochs it
# lags behind the validation accuracy, which is measured at the end of the epoch. Second, from
# about epoch 4 the training curves pass the validation curves and keep improving while the
# validation curves stand still: the model has started to memorise details of its training
# images that do not help on new ones. That is **overfitting**, and more epochs would only
# widen the gap.

# %% [markdown]
# ## 5. A small improvement: dropout
#
# `Dropout(0.5)` switches off a random half of its inputs at every training step (and none at
# prediction time). The network cannot rely on any single feature, which makes it generalise
# better. It also learns more slowly, so give it more epochs. Everything else stays the same.

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
# and the validation accuracy keeps creeping up to about 0.993; the validation loss keeps
# falling.*

# %%
fig = plots.plot_history(history_dropout, title="Classic CNN with dropout on MNIST")

# %% [markdown]
# ## 6. A better model: the course's recipe
#
# The classic CNN comes from the original tutorials. The course's better MNIST model changes
# four things (lesson 02 explains each of them in more detail):
#
# - **Batch normalization** in every convolution block keeps the numbers that flow through the
#   network in a stable range, so it can learn with a higher learning rate and in fewer epochs.
# - **Random shifts** by up to 2 pixels (`RandomTranslation`, active only while training): a
#   digit moved a little is still the same digit, so every epoch shows slightly new images.
# - **Dropout** before both `Dense` layers, as in section 5 but lighter (20%): the random shifts
#   already make memorising harder.
# - **Training settings**: bigger batches (256 images) and a learning rate that warms up and
#   then falls to zero along a cosine curve: big steps while the model is far from good, small
#   steps at the end to settle.
#
# The recipe lives in `course_utils.models`, where the course's benchmarks (`make bench`) time
# it against the original tutorial's. Here are its layers and its training settings:

# %%
course_utils.show_source(models.better_mnist_cnn)

# %%
# NBVAL_CHECK_OUTPUT
recipe = models.BETTER_MNIST
print(recipe)

# %% [markdown]
# `pipelines.train_val_datasets` holds out the same last 10% of the training images for
# validation as `validation_split=0.1` did, and feeds both parts to the model in batches with
# `tf.data` (shuffled anew every epoch, still `uint8`). `models.better_mnist_model` builds the
# model and compiles it with the recipe's optimizer, learning-rate schedule and loss.

# %%
better_epochs = course_utils.epochs(recipe.epochs)
train_ds, val_ds = pipelines.train_val_datasets(x_train, y_train, recipe)
model_better = models.better_mnist_model(steps_per_epoch=len(train_ds), epochs=better_epochs)
history_better = model_better.fit(train_ds, validation_data=val_ds, epochs=better_epochs,
                                  verbose=2)

# %% [markdown]
# *Figure: the better model's training history over 8 epochs. Left, accuracy: the validation
# accuracy is 0.82 after the first epoch, passes 0.99 at epoch 3 and ends at 0.994; from epoch 2
# on it stays above the training accuracy (which ends at 0.990), because the random shifts and
# dropout act only while training. Right, loss: the validation loss falls from 0.67 to 0.02 and
# the training loss from 0.46 to 0.03; neither turns back up.*

# %%
fig = plots.plot_history(history_better, title="Better CNN on MNIST")

# %% [markdown]
# Now **choose** a model using the validation accuracy only. `choose_by_validation` prints the
# best validation accuracy of each candidate and returns the winner:

# %%
chosen, final_model = choose_by_validation({
    "classic": (model, history),
    "dropout": (model_dropout, history_dropout),
    "better": (model_better, history_better),
})

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
# ones. Several of the mistakes are ambiguous even for a person: the first, labelled 3, looks
# like a 5, and the second, labelled 9, like an 8.*

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
# ## Exercise 3 (open): train it your way
#
# Copy the cells of section 5 into new cells and change one thing at a time: 64 instead of 128
# neurons, `Dropout(0.25)`, a batch size of 32, or a third `Conv2D` layer. Compare the **best
# validation accuracy** and the training time. Do not call `evaluate_on_test` on your variants:
# the test set has been used once, by the model you chose before.

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
# - Batch normalization, small random shifts and a learning-rate schedule reach a higher
#   accuracy in fewer epochs than the classic recipe.
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
