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
# # 06 — Saving and loading models
#
# You save a trained CNN to disk, load it back, keep the best checkpoint while training,
# resume a training that was interrupted, export the model for serving, and use it on an
# image file, or on a photo of a digit you draw yourself.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/06_save_and_load.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/06_save_and_load.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - save a whole model with `model.save("name.keras")`, load it with
#   `keras.models.load_model`, and prove that the loaded copy predicts exactly the same;
# - save and load only the weights (`.weights.h5`), and say when that is enough;
# - keep the best model during training with `ModelCheckpoint` and stop in time with
#   `EarlyStopping`;
# - resume an interrupted training from a checkpoint with `fit(..., initial_epoch=...)`;
# - export a model for serving with `model.export` and call the exported model;
# - explain why old `.h5` model files are legacy, and why `safe_mode=True` refuses a model
#   with a `Lambda` layer from someone else;
# - prepare an image file like the MNIST digits (grey, light on dark, cropped, centred) and
#   classify it with a saved model, also a photo you upload on Colab or Binder.
#
# **Estimated time:** about 55 minutes, of which about 1 minute is training on a 2-core
# laptop and 15 minutes are exercises.
#
# **Before you start:** lesson 01 (the MNIST CNN, `fit` with a validation split, one final
# test).

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
# Run this cell first. Everything this lesson writes goes into the folder
# `saved_models/lesson06/` next to this notebook; the cell creates it. You can run the whole
# notebook again at any time: each file is simply overwritten. `course_utils` is imported
# before `keras`: importing it first keeps TensorFlow's technical log messages out of the
# notebook.

# %%
import csv
import json
import shutil
import textwrap
import zipfile
from pathlib import Path

import course_utils
import keras
import matplotlib.pyplot as plt
import numpy as np
from course_utils import data, plots
from course_utils.evaluation import evaluate_on_test
from course_utils.exercises import check_reloaded_model, check_resume_plan, check_save_names
from course_utils.own_digits import digit_uploader, prepare_digit
from course_utils.quiz import Question, show_quiz
from PIL import Image, ImageDraw

course_utils.setup(seed=42)

save_dir = Path("saved_models") / "lesson06"
save_dir.mkdir(parents=True, exist_ok=True)
print("Files go to:", course_utils.short_path(save_dir))

# %% [markdown]
# ## 1. Train a small model
#
# You need a trained model to save. Load MNIST as in lesson 01 and check the arrays:

# %%
# NBVAL_CHECK_OUTPUT
(x_train, y_train), (x_test, y_test) = data.load_mnist()
x_train = x_train[..., np.newaxis]
x_test = x_test[..., np.newaxis]
print("x_train:", x_train.shape, x_train.dtype)
print("x_test: ", x_test.shape, x_test.dtype)

# %% [markdown]
# This lesson is about files, not accuracy, so you train a slimmer version of lesson 01's CNN
# (16 and 32 filters, 64 neurons) on the first 30,000 training images: a few seconds per
# epoch. The last 10% of them are the validation data. (In the course's fast mode,
# `shrink` keeps only 2,000 images.)

# %%
x_train, y_train = x_train[:30_000], y_train[:30_000]
x_train, y_train = course_utils.shrink(x_train, y_train, fast=2000)
print(f"training on {len(x_train) * 0.9:.0f} images, validating on {len(x_train) * 0.1:.0f}")

# %% [markdown]
# The model is built by a function, because later you will need a second, fresh copy of the
# same architecture. The `Rescaling` layer is part of the model, so the saved model takes raw
# `uint8` images, exactly like the ones in the files you will give it.

# %%
def build_model() -> keras.Model:
    """A small MNIST CNN that takes uint8 images of shape (28, 28, 1), compiled."""
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1), dtype="uint8"),
        keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(16, kernel_size=3, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Conv2D(32, kernel_size=3, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=2),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="small_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


model = build_model()
history = model.fit(x_train, y_train, batch_size=128, epochs=course_utils.epochs(2),
                    validation_split=0.1, verbose=2)

# %% [markdown]
# ## 2. Save and load the whole model (`.keras`)
#
# Training took seconds here, but a real training can take hours, and when the notebook's
# kernel stops, the model is gone. Keras gives you
# three ways to keep it, for three different purposes:
#
# | You want to ... | Call | Name |
# |---|---|---|
# | keep everything, to use or train later | `model.save(path)` | `name.keras` |
# | keep the weights for your own model code | `model.save_weights(path)` | `name.weights.h5` |
# | hand it to a server or another program | `model.export(path)` | a folder |
#
# Start with the first one, the one you will use most. `model.save` writes one `.keras`
# file:

# %%
model_path = save_dir / "mnist_cnn.keras"
model.save(model_path)
print(f"{model_path}: {model_path.stat().st_size / 1e3:.0f} kB")

# %% [markdown]
# A `.keras` file is an ordinary zip archive. Look inside: `config.json` describes the
# architecture (the layers and their settings, and how the model was compiled), and
# `model.weights.h5` holds the weights *and* the optimizer's state, so training can go on
# where it stopped.

# %%
# NBVAL_CHECK_OUTPUT
with zipfile.ZipFile(model_path) as archive:
    print(archive.namelist())
    config = json.loads(archive.read("config.json"))
print([layer["class_name"] for layer in config["config"]["layers"]])

# %% [markdown]
# Now load it back. `safe_mode=True` is the default; it is written out here because section 8
# explains what it protects you from. The loaded model is compiled, ready to predict, evaluate
# or train.
#
# How do you know the copy is the same model? Give both the same images and compare the
# predictions. `np.testing.assert_array_equal` raises an error at the first difference, so the
# `print` after it only runs when all the numbers are identical, bit for bit. The images are
# the last 64 training images; the test set stays untouched until the end.

# %%
reloaded = keras.models.load_model(model_path, safe_mode=True)

sample = x_train[-64:]
before = model.predict(sample, verbose=0)
after = reloaded.predict(sample, verbose=0)
np.testing.assert_array_equal(before, after)
print("predictions of model and reloaded: identical")
print("optimizer steps so far:", int(model.optimizer.iterations), "and",
      int(reloaded.optimizer.iterations))

# %% [markdown]
# The optimizer remembers how many steps it has taken (and, for Adam, a running average of
# each weight's gradients). That is what lets you resume training later as if nothing had
# happened.

# %% [markdown]
# ## 3. Save only the weights (`.weights.h5`)
#
# Sometimes you only need the learned numbers: you have the code that builds the model and
# want to load them into it, perhaps into a model with a small change. Keras 3 insists on a
# name ending in `.weights.h5`.

# %%
weights_path = save_dir / "mnist_cnn.weights.h5"
model.save_weights(weights_path)
print(f"{weights_path}: {weights_path.stat().st_size / 1e3:.0f} kB "
      f"(the whole model: {model_path.stat().st_size / 1e3:.0f} kB)")

# %% [markdown]
# The two files are almost the same size (716<!--out--> and 720<!--out--> kB): in Keras 3,
# the weights file also stores the optimizer's variables (Adam keeps two extra numbers for
# every weight, so they take two thirds of both files). What the weights file lacks is
# `config.json`, the architecture: a few kilobytes, but without it the file is useless on
# its own.
#
# So you first build a model with exactly the same layers (here, by calling `build_model()`
# again), then pour the weights in. Before `load_weights`, the fresh model has random weights
# and predicts something else.
#
# One more line is needed for the optimizer's part of the file. A freshly compiled Adam has
# no place for its two numbers per weight yet: it creates them at its first training step.
# `fresh.optimizer.build(fresh.trainable_variables)` creates them now, so that `load_weights`
# can fill them. Without that line, Keras loads the weights, skips the optimizer's state and
# warns: "Skipping variable loading for optimizer 'adam_1', because it has 2 variables
# whereas the saved optimizer has 18 variables" (the step count and the learning rate, plus
# two for each of the model's 8 weight arrays). That is harmless for predicting, but the
# model would then train on like a new one.

# %%
fresh = build_model()
print("fresh model, before load_weights: same predictions?",
      np.array_equal(fresh.predict(sample, verbose=0), before))

fresh.optimizer.build(fresh.trainable_variables)  # room for Adam's state, so it loads too
fresh.load_weights(weights_path)
np.testing.assert_array_equal(fresh.predict(sample, verbose=0), before)
print("fresh model, after load_weights: identical")
print("optimizer steps of fresh:", int(fresh.optimizer.iterations))

# %% [markdown]
# The fresh model's optimizer now counts the 422<!--out--> steps of `model`: with its state
# loaded, it could go on training where `model` stopped.
#
# If the architecture does not match (another number of filters, say), `load_weights` stops
# with an error. That dependence on the code is why you should prefer `.keras` files for
# anything you keep or share.

# %% [markdown]
# ## 4. Checkpoints and early stopping while training
#
# A long training should not depend on your laptop staying awake. *Callbacks* are objects
# that `fit` calls at the end of every epoch; these four keep your work safe:
#
# - `ModelCheckpoint(".../epoch_{epoch:02d}.keras")` saves the model after every epoch, with
#   the epoch number in the name (`epoch_01.keras`, `epoch_02.keras`, ...);
# - `ModelCheckpoint(best_path, monitor="val_accuracy", save_best_only=True)` overwrites
#   `best.keras` only when the validation accuracy beats its best so far;
# - `EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True)` stops
#   training when the validation accuracy has not improved for 2 epochs, and puts the best
#   epoch's weights back into the model;
# - `CSVLogger` appends each epoch's numbers to a text file, so you still have the history
#   after a crash.
#
# The two that make choices, the best checkpoint and `EarlyStopping`, watch the **validation**
# accuracy: the test set plays no part in choosing the model. The checkpoint folder is
# emptied first, so an old run cannot leave stray files in it.

# %%
checkpoint_dir = save_dir / "checkpoints"
if checkpoint_dir.exists():
    shutil.rmtree(checkpoint_dir)
checkpoint_dir.mkdir(parents=True)
best_path = checkpoint_dir / "best.keras"
log_path = checkpoint_dir / "log.csv"


def make_callbacks(best_so_far: float | None = None) -> list[keras.callbacks.Callback]:
    """The callbacks for one training run; best_so_far = the best val_accuracy already saved."""
    return [
        keras.callbacks.ModelCheckpoint(checkpoint_dir / "epoch_{epoch:02d}.keras"),
        keras.callbacks.ModelCheckpoint(best_path, monitor="val_accuracy", mode="max",
                                        save_best_only=True,
                                        initial_value_threshold=best_so_far),
        keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=2,
                                      restore_best_weights=True, verbose=1),
        keras.callbacks.CSVLogger(log_path, append=True),
    ]

# %% [markdown]
# Train a new model with these callbacks for 3 epochs. The checkpoints save silently (give
# `ModelCheckpoint` the argument `verbose=1` if you want a message each time); at the end,
# `EarlyStopping` says which epoch's weights it put back into the model.

# %%
first_epochs = course_utils.epochs(3)
model_ckpt = build_model()
history_1 = model_ckpt.fit(x_train, y_train, batch_size=128, epochs=first_epochs,
                           validation_split=0.1, callbacks=make_callbacks(), verbose=2)

# %% [markdown]
# ## 5. Resume an interrupted training
#
# Suppose your laptop ran out of battery right after that last epoch. The model in memory is
# lost (the next cell deletes it to make the point), but the files are on disk:

# %%
del model_ckpt, history_1
print(sorted(p.name for p in checkpoint_dir.iterdir()))

# %% [markdown]
# To resume, load the **latest** epoch checkpoint (not `best.keras`: you want to continue
# from where training stopped). Because the epoch number in the names has two digits
# (`{epoch:02d}`), sorting the names as text sorts them by epoch, and `max` gives the latest.
# The number in its name is how many epochs are done.
#
# Two details keep the resumed run consistent with the first one:
#
# - `fit(..., initial_epoch=done, epochs=total)` continues the epoch count: Keras runs epochs
#   `done + 1` to `total` (`epochs` is the number of the *last* epoch, not how many more);
# - the new best-model checkpoint gets the best validation accuracy so far (read from the
#   log) as `initial_value_threshold`, so it only overwrites `best.keras` with something
#   better.

# %%
latest = max(checkpoint_dir.glob("epoch_*.keras"))
done = int(latest.stem.removeprefix("epoch_"))
with open(log_path, newline="") as f:
    log_rows = list(csv.DictReader(f))
best_so_far = max(float(row["val_accuracy"]) for row in log_rows)
print(f"resuming from {latest.name}: {done} epochs done, "
      f"best val_accuracy so far {best_so_far:.4f}")

resumed = keras.models.load_model(latest, safe_mode=True)
total_epochs = first_epochs + course_utils.epochs(3)
history_2 = resumed.fit(x_train, y_train, batch_size=128, initial_epoch=done,
                        epochs=total_epochs, validation_split=0.1,
                        callbacks=make_callbacks(best_so_far), verbose=2)

# %% [markdown]
# The log file holds both runs, so you can plot the whole training as one. The dotted line
# marks where the training was interrupted and resumed.
#
# *Figure: two line charts over epochs 1 to 6, with a dotted vertical line between epochs 3
# and 4, where the training was resumed. Left, accuracy: the training curve rises from
# 0.8625<!--out--> to 0.9876<!--out--> and the validation curve from 0.9417<!--out--> to
# 0.9830<!--out-->. Right, loss: both curves fall, to 0.0459<!--out--> (training) and
# 0.0510<!--out--> (validation) at epoch 6. The curves continue smoothly across the dotted
# line.*

# %%
with open(log_path, newline="") as f:
    log_rows = list(csv.DictReader(f))
full_history = {key: [float(row[key]) for row in log_rows]
                for key in ("accuracy", "val_accuracy", "loss", "val_loss")}
fig = plots.plot_history(full_history, title="Training interrupted and resumed")
for ax in fig.axes:
    ax.axvline(done + 0.5, color="grey", linestyle=":")

# %% [markdown]
# The curves run on across the dotted line without a jump: the resumed model started with the
# weights *and* the optimizer state of epoch 3, as if there had been no break. In this run
# the validation accuracy improved in every epoch, so `EarlyStopping` never had to stop
# (with more epochs the curve flattens, and it would end the training after 2 epochs without
# improvement).
#
# Whatever happened in between, `best.keras` now holds the model with the best validation
# accuracy of the whole training. That is the model you keep. Load it:

# %%
best_model = keras.models.load_model(best_path, safe_mode=True)
print("epochs in the log:", [int(row["epoch"]) + 1 for row in log_rows])
print(f"best val_accuracy: {max(full_history['val_accuracy']):.4f}")

# %% [markdown]
# (CSVLogger counts epochs from 0, Keras' messages from 1, hence the `+ 1`.) Keras can also
# do the resuming for you: `keras.callbacks.BackupAndRestore(backup_dir)` saves a backup each
# epoch and, when you run the same `fit` call again after a crash, continues from it.

# %% [markdown]
# ## 6. Export for serving (`model.export`)
#
# A `.keras` file needs Python and Keras to be read. To put a model behind a web service
# (TensorFlow Serving), into a phone app (after conversion to LiteRT/TFLite) or into another
# language, export it as a TensorFlow **SavedModel**: a folder holding the computation graph
# and the weights, with no Python code. An export is a folder of several files, so the cell
# removes the previous export first: files from an older model cannot linger in it.

# %%
export_dir = save_dir / "mnist_cnn_export"
if export_dir.exists():
    shutil.rmtree(export_dir)
best_model.export(export_dir, verbose=False)
print(sorted(p.name for p in export_dir.iterdir()))

# %% [markdown]
# `keras.models.load_model` cannot read this folder (it is not a Keras file). To call it from
# Keras, wrap it in a `TFSMLayer`: a layer that runs the SavedModel's `serving_default`
# function. It returns a dictionary of outputs; this model has one, `output_0`. The numbers
# are compared with `assert_allclose`, which allows tiny rounding differences, because the
# exported graph may order its arithmetic slightly differently.

# %%
serving_layer = keras.layers.TFSMLayer(export_dir, call_endpoint="serving_default")
outputs = serving_layer(sample)
print("outputs:", {name: tuple(value.shape) for name, value in outputs.items()})
np.testing.assert_allclose(np.asarray(outputs["output_0"]),
                           best_model.predict(sample, verbose=0), rtol=1e-5, atol=1e-6)
print("exported model and best_model: same predictions")

# %% [markdown]
# A `TFSMLayer` is for predicting only: it cannot be trained further or saved as `.keras`
# in a useful way. Keep the `.keras` file as your master copy and export from it.

# %% [markdown]
# ## 7. Old `.h5` model files
#
# Many tutorials and older projects save the whole model as `model.h5` (HDF5, the format of
# Keras 2). In Keras 3 that still works, with a warning, but it is **legacy**: it stores
# less (no full compile configuration, custom objects are fragile), and new Keras features
# come to `.keras` files only. Do not write new `.h5` model files.
#
# If someone gives you an old `.h5` model that you trust, convert it once:
#
# ```python
# old = keras.models.load_model("old_model.h5")   # legacy file: read it once ...
# old.save("old_model.keras")                     # ... and keep the .keras copy
# ```
#
# Do not confuse this with `something.weights.h5` from section 3: that name is the current
# Keras 3 format for weights only.

# %% [markdown]
# ## 8. Why `safe_mode` refuses `Lambda` layers
#
# A `keras.layers.Lambda` layer wraps any Python function. When you save it, Keras cannot
# describe the function as settings in `config.json`, so it stores the function's compiled
# Python bytecode in the file. Loading the model would **run that code**, and code in a file
# from a stranger can do anything your account can do: read your files, install malware,
# send your data away.
#
# Try it with a harmless one, a model that doubles its input:

# %%
doubler = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Lambda(lambda x: x * 2)])
lambda_path = save_dir / "doubler.keras"
doubler.save(lambda_path)

# %% [markdown]
# `load_model` uses `safe_mode=True` unless you say otherwise, and refuses:

# %%
# NBVAL_CHECK_OUTPUT
try:
    keras.models.load_model(lambda_path)
except ValueError as err:
    print("load_model refused:")
    print(textwrap.fill(str(err), width=88))

# %% [markdown]
# `safe_mode=False` loads it, and the lambda runs. Do this **only for files you made
# yourself**, or that come from someone you trust as much as the code you run:

# %%
doubler_again = keras.models.load_model(lambda_path, safe_mode=False)
print(doubler_again.predict(np.array([[1.0, 2.0, 3.0]]), verbose=0))

# %% [markdown]
# Two more points:
#
# - `safe_mode=True` blocks this known route for arbitrary code; it does **not** make an
#   untrusted file safe in every way. Treat model files from the internet like programs.
# - In your own models, replace a `Lambda` by a small custom layer class decorated with
#   `@keras.saving.register_keras_serializable()`: its code lives in your Python files, not in
#   the model file, and the model loads in safe mode (after you import that code).

# %% [markdown]
# ## 9. Predict on an image file
#
# In real use, the input is a file: a scan, a photo, a drawing. Make one: the next cell draws
# a digit 7 with thick black strokes on a white 280×280 canvas, the way you would draw it in a
# paint program, and saves it as a PNG. (On your own computer you can put the name of a
# picture of yours in place of `digit_path`; section 10 shows how to upload one.)

# %%
canvas = Image.new("L", (280, 280), color=255)
pen = ImageDraw.Draw(canvas)
pen.line([(75, 60), (205, 60), (115, 225)], fill=0, width=24, joint="curve")
digit_path = save_dir / "my_digit.png"
canvas.save(digit_path)
print(digit_path, canvas.size, canvas.mode)

# %% [markdown]
# A model only works on inputs prepared like its training data, and MNIST digits were
# prepared in a particular way. Measure it on the training images: where is each digit's
# centre of mass (the average position of its ink, weighted by brightness), and how long is
# the longer side of its bounding box?

# %%
digits = x_train[..., 0]  # (images, 28, 28), white ink on a black background
index = np.arange(28)
ink = digits.sum(axis=(1, 2))
centre_row = digits.sum(axis=2) @ index / ink
centre_col = digits.sum(axis=1) @ index / ink
inked_rows, inked_cols = digits.any(axis=2), digits.any(axis=1)
height = 28 - inked_rows.argmax(axis=1) - inked_rows[:, ::-1].argmax(axis=1)
width = 28 - inked_cols.argmax(axis=1) - inked_cols[:, ::-1].argmax(axis=1)
longer_side = np.maximum(height, width)
print(f"centre of mass on average: row {centre_row.mean():.1f}, column {centre_col.mean():.1f}")
print(f"longer side 20 pixels: {(longer_side == 20).sum():,} of {len(digits):,} digits")

# %% [markdown]
# So the MNIST digits are white on black, scaled so that the longer side of the digit is 20
# pixels (in 29,996<!--out--> of the 30,000<!--out--> digits measured here), and placed in
# 28×28 pixels with their centre of mass in the middle, at row 14.0<!--out-->, column
# 14.0<!--out-->.
# `prepare_digit` (from `course_utils.own_digits`) does the same to any picture of one digit:
#
# 1. it turns a phone photo upright (its EXIF orientation tag) and makes it grey;
# 2. it inverts the picture when the background is light, and decides that by the pixels
#    along the border: MNIST digits are light on dark;
# 3. it sets the background to 0 and the strongest stroke to 255;
# 4. it crops the picture to the digit, thickens a thin pen line to MNIST's strokes (about 2
#    pixels wide), scales the longer side to 20 pixels and places the centre of mass at row
#    14, column 14;
# 5. it returns a `uint8` array of shape (28, 28, 1), like `x_train[0]`.
#
# Read its code with `course_utils.show_source(prepare_digit)`. For comparison, the cell also
# reads the file the quick way: `keras.utils.load_img` makes it grey and 28×28 pixels, and
# nothing more.

# %%
digit = prepare_digit(digit_path)
print("prepared:", digit.shape, digit.dtype, f"min={digit.min()} max={digit.max()}")
probabilities = best_model.predict(digit[np.newaxis], verbose=0)[0]
print("predicted digit:", probabilities.argmax(), f"with probability {probabilities.max():.3f}")

quick = keras.utils.load_img(digit_path, color_mode="grayscale", target_size=(28, 28),
                             interpolation="bilinear")
only_resized = keras.utils.img_to_array(quick).astype("uint8")  # still black on white
not_prepared = best_model.predict(only_resized[np.newaxis], verbose=0)[0]
print("only resized, the model would say:", not_prepared.argmax(),
      f"with probability {not_prepared.max():.3f}")

# %% [markdown]
# The prepared digit is read as a 7, with probability 1.000<!--out--> (rounded to three decimals).
# Only resized, the same file would have been read as a 0<!--out-->, with probability
# 0.882<!--out-->: an input prepared differently from the training data gives a confidently wrong
# answer, with no warning at all.  *Figure: four panels. First, the PNG file: a thick black 7 on a
# white 280×280 canvas. Second, the file only resized to 28×28: a black 7 on white, the opposite
# of an MNIST digit. Third, the output of prepare_digit: a white 7 on black, 20 pixels tall,
# centred like an MNIST digit. Fourth, a bar chart of the 10 probabilities predicted for the
# prepared digit: the bar of digit 7 reaches almost 1, the other bars are too small to see.*

# %%
fig, (ax_file, ax_quick, ax_input, ax_probs) = plt.subplots(
    1, 4, figsize=(13, 3.4), layout="constrained", width_ratios=[1, 1, 1, 1.6])
ax_file.imshow(canvas, cmap="gray", vmin=0, vmax=255)
ax_file.set_title("my_digit.png (280×280)")
ax_quick.imshow(only_resized[..., 0], cmap="gray", vmin=0, vmax=255)
ax_quick.set_title("only resized (28×28)")
ax_input.imshow(digit[..., 0], cmap="gray", vmin=0, vmax=255)
ax_input.set_title("prepare_digit (28×28)")
for ax in (ax_file, ax_quick, ax_input):
    ax.set_xlabel("pixel column")
    ax.set_ylabel("pixel row")
ax_probs.bar(range(10), probabilities, color="tab:blue")
ax_probs.set_xticks(range(10))
ax_probs.set_ylim(0, 1)
ax_probs.set_xlabel("digit")
ax_probs.set_ylabel("predicted probability")
ax_probs.set_title("best_model on the prepared digit")
_ = fig.suptitle(f"An image file from disk: predicted {probabilities.argmax()} "
                 f"({probabilities.max():.1%})")

# %% [markdown]
# ## 10. Your own digit: upload a photo
#
# On Colab and Binder the notebook runs on a server that cannot open the files on your
# computer, so this upload button is the route for a picture of your own there (it works in
# JupyterLab on your computer too).
#
# 1. Draw one digit, large, on white paper with a thick dark felt pen.
# 2. Photograph it from straight above, in good light, with nothing but paper around the
#    digit (crop the photo if the edge of the table shows).
# 3. Run the next cell, click **Upload** and choose the photo. On Colab, choose a file under
#    1 MB (crop the photo, or take a screenshot of it): larger uploads have been reported to
#    arrive empty there
#    ([ipywidgets#3452](https://github.com/jupyter-widgets/ipywidgets/issues/3452)).
#
# The widget prepares the picture with the same `prepare_digit` as section 9, then shows the
# 28×28 input the model sees and the predicted digit with its probability. Upload another
# file to try again. Until you upload something, it waits for a file; that is also what you
# see if you read this lesson without running it.
#
# Try a digit the model may find hard (a 4 with a closed top, a 9 with a straight tail), a
# small digit in a corner of the page, or a photo of something that is not a digit at all:
# the model always answers with one of its 10 digits, however strange the input.

# %%
# NBVAL_IGNORE_OUTPUT
digit_uploader(best_model)

# %% [markdown]
# ## 11. The final test
#
# `best_model` was chosen by validation accuracy and reloaded from disk, exactly as you would
# use it tomorrow. Measure it once on the 10,000 test images:

# %%
test_accuracy = evaluate_on_test(best_model, x_test, y_test)

# %% [markdown]
# ## Exercise 1: the right name for each kind of save
#
# Keras picks the format from the name you give it, and refuses names that do not fit. Fill
# in a name for each of the three kinds of save from section 2: a whole model, weights only,
# and an export for serving. Use a name of your own (not one from this notebook), for
# example for a cats-vs-dogs model.

# %%
whole_model = "cats_dogs.h5"  # for model.save(...)
weights_only = "cats_dogs.h5"  # for model.save_weights(...)
for_serving = "cats_dogs.h5"  # for model.export(...)

passed = check_save_names(whole_model, weights_only, for_serving)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# whole_model = "cats_dogs.keras"
# weights_only = "cats_dogs.weights.h5"
# for_serving = "cats_dogs_export"
# ```
#
# `model.save` wants `.keras` (a plain `.h5` still works but is the legacy format),
# `save_weights` wants `.weights.h5`, and `model.export` writes a folder, so its name has no
# extension.
# </details>

# %% [markdown]
# ## Exercise 2: save, reload, and prove it
#
# Save `model` (the model of section 1) to `exercise_path`, load it back into a new variable
# `reloaded_model`, and check that both give identical predictions on `sample` with
# `np.testing.assert_array_equal`. The check then runs both models on other images too.

# %%
exercise_path = save_dir / "exercise_model.keras"
reloaded_model = None  # replace None: save model, then load it back

passed = check_reloaded_model(model, reloaded_model, exercise_path)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# model.save(exercise_path)
# reloaded_model = keras.models.load_model(exercise_path, safe_mode=True)
# np.testing.assert_array_equal(reloaded_model.predict(sample, verbose=0),
#                               model.predict(sample, verbose=0))
# ```
#
# `reloaded_model = model` would not do: that is the same object under a second name, so the
# comparison proves nothing about the file.
# </details>

# %% [markdown]
# ## Exercise 3: resume from the right checkpoint
#
# A colleague trained a model with `epochs=15` and
# `ModelCheckpoint("run_e{epoch}.keras")`, without zero-padding in the name. The computer
# crashed during epoch 12. `files_on_disk` lists the checkpoints, in the arbitrary order that
# `os.listdir` gives. Write code that picks the checkpoint to load, and the `initial_epoch`
# and `epochs` for the `fit` call that finishes the planned training.
#
# Careful: `max(files_on_disk)` compares names as text, letter by letter.

# %%
files_on_disk = ["run_e10.keras", "run_e3.keras", "run_e11.keras", "run_e1.keras",
                 "run_e7.keras", "run_e9.keras", "run_e2.keras", "run_e5.keras",
                 "run_e4.keras", "run_e8.keras", "run_e6.keras"]
total_epochs_planned = 15

checkpoint_to_load = ""  # the file name to pass to keras.models.load_model
initial_epoch = 0
epochs = 0

passed = check_resume_plan(checkpoint_to_load, initial_epoch, epochs)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def epoch_of(name):
#     """The epoch number in a name such as 'run_e11.keras'."""
#     return int(name.removeprefix("run_e").removesuffix(".keras"))
#
#
# checkpoint_to_load = max(files_on_disk, key=epoch_of)
# initial_epoch = epoch_of(checkpoint_to_load)
# epochs = total_epochs_planned
# ```
#
# `max(files_on_disk)` gives `run_e9.keras`, because the character `9` comes after `1`. With
# `key=epoch_of`, `max` compares the numbers and finds `run_e11.keras`: 11 epochs are done,
# so `fit(..., initial_epoch=11, epochs=15)` runs epochs 12 to 15. Zero-padded names such as
# `epoch_{epoch:02d}` avoid the trap.
# </details>

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "You want to continue training a model next week, on another computer. What do you "
        "save?",
        ["model.save('model.keras')", "model.save_weights('model.weights.h5')",
         "model.export('model_export')"],
        answer=0,
        explanation="A .keras file holds the architecture, the weights and the optimizer "
                    "state, so training continues exactly where it stopped.",
    ),
    Question(
        "Training stopped after epoch 8 of a planned 20. You load the epoch-8 checkpoint. "
        "Which fit call finishes the plan?",
        ["fit(..., initial_epoch=8, epochs=12)", "fit(..., initial_epoch=8, epochs=20)",
         "fit(..., initial_epoch=9, epochs=20)"],
        answer=1,
        explanation="initial_epoch is the number of epochs done; epochs is the number of the "
                    "last epoch. Keras runs epochs 9 to 20.",
    ),
    Question(
        "ModelCheckpoint(save_best_only=True) should watch which number?",
        ["the training loss", "the validation accuracy (or loss)", "the test accuracy"],
        answer=1,
        explanation="Choosing the model by test accuracy would make the final test "
                    "optimistic; the training loss keeps improving while the model overfits.",
    ),
    Question(
        "load_model refuses a downloaded .keras file because of a Lambda layer. What do you "
        "do?",
        ["Pass safe_mode=False", "Do not load it unless you trust its source; ask for a "
         "version without Lambda layers", "Rename it to .h5"],
        answer=1,
        explanation="The Lambda layer holds Python code that would run on load. "
                    "safe_mode=False is only for files you trust like your own code.",
    ),
    Question(
        "How do you use a folder written by model.export() from Keras?",
        ["keras.models.load_model(folder)",
         "keras.layers.TFSMLayer(folder, call_endpoint='serving_default')",
         "model.load_weights(folder)"],
        answer=1,
        explanation="load_model reads .keras (and legacy .h5) files only; a SavedModel is "
                    "called through a TFSMLayer, for predictions only.",
    ),
], title="Lesson 06 quiz")

# %% [markdown]
# ## Key points
#
# - `model.save("name.keras")` keeps everything (architecture, weights, optimizer state);
#   `keras.models.load_model("name.keras")` gives back a compiled model. Check a round trip
#   with `np.testing.assert_array_equal` on the predictions.
# - `save_weights("name.weights.h5")` keeps only the weights; you need the code that builds
#   the same architecture to load them.
# - During long trainings, save a checkpoint every epoch and the best model by **validation**
#   accuracy (`ModelCheckpoint`), stop with `EarlyStopping(restore_best_weights=True)`, and
#   log with `CSVLogger`.
# - To resume: load the latest checkpoint and call `fit(..., initial_epoch=epochs_done,
#   epochs=planned_total)`.
# - `model.export(folder)` writes a SavedModel for serving; call it from Keras with
#   `TFSMLayer`.
# - Whole-model `.h5` files are legacy: load once and re-save as `.keras`.
# - Only load model files you trust; `safe_mode=False` is for your own files.
# - Prepare a new image exactly like the training data; for MNIST: grey, light on dark,
#   cropped, 20 pixels tall, centred in 28×28, `uint8` (`prepare_digit` does all of it).

# %% [markdown]
# ## Further reading
#
# - Keras guide: [Save, serialize, and export models](https://keras.io/guides/serialization_and_saving/)
# - Keras API: [Model saving & serialization](https://keras.io/api/models/model_saving_apis/),
#   [ModelCheckpoint](https://keras.io/api/callbacks/model_checkpoint/),
#   [EarlyStopping](https://keras.io/api/callbacks/early_stopping/),
#   [BackupAndRestore](https://keras.io/api/callbacks/backup_and_restore/)
# - TensorFlow guide: [Using the SavedModel format](https://www.tensorflow.org/guide/saved_model)
# - How the MNIST digits were prepared (20 pixels, centre of mass in 28×28):
#   [The MNIST database](https://yann.lecun.com/exdb/mnist/)
# - TensorFlow Serving: [Serving a TensorFlow model](https://www.tensorflow.org/tfx/serving/tutorials/Serving_REST_simple)
# - Keras security notes: [Using Keras securely](https://github.com/keras-team/keras/blob/master/SECURITY.md)
#
# Use what you learned on your own model from lesson 05: keep its best checkpoint, reload it
# tomorrow, and classify a blood-cell image file with it.
