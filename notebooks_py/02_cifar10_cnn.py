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
# # 02 — Colour photos: a CNN for CIFAR-10
#
# You move from digits to small colour photos, watch the classic CNN overfit, and build a better
# model step by step that gets above 80% on images it has never seen.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/02_cifar10_cnn.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/02_cifar10_cnn.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - load CIFAR-10, look at it class by class and say why it is much harder than MNIST;
# - keep 50,000 colour images as `uint8` (154<!--out--> MB instead of 614 MB as floats);
# - train the classic small CNN and recognise strong overfitting in its history plot;
# - explain what data augmentation, more filters, batch normalization, global average pooling,
#   a learning-rate schedule and label smoothing each add, and combine them into a better
#   model;
# - build a model from a written description, layer by layer, and check it;
# - compare models on the validation split and evaluate the chosen one once on the test set.
#
# **Estimated time:** about 80 minutes, of which 6 to 9 minutes are training on a 2-core laptop
# (2 to 3.5 for the classic model, 3.5 to 5.5 for the better one, on the two computers measured:
# start a training cell, then read on while it runs) and 20 minutes are exercises.
#
# **Before you start:** lesson 01 (a CNN for MNIST, validation split, overfitting, dropout).

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
# Run this cell first. The first time, `load_cifar10()` below downloads 163 MB from the
# University of Toronto and converts it once into a 184 MB file in the data directory.
#
# `course_utils` comes before `keras`: importing it first keeps TensorFlow's technical log
# messages out of the notebook. The cell also imports `keras`, its `layers` and the three
# names the course's recipes use (`CIFAR10_SHAPE`, `cifar_augmentation`, `conv_block`), so
# any recipe this lesson shows runs when you copy it into a new cell.

# %%
import course_utils  # first, before keras: it keeps TensorFlow's C++ log lines out
import keras  # noqa: F401 - for the recipes and the exercise you write
import numpy as np
from course_utils import data, explore, models, pipelines, plots, predictions
from course_utils.evaluation import choose_by_validation, evaluate_on_test
from course_utils.exercises import (
    check_float32_memory,
    check_same_padding_shapes,
    check_small_cifar_cnn,
)
from course_utils.models import (  # noqa: F401 - the names the recipes shown below use
    CIFAR10_SHAPE,
    cifar_augmentation,
    conv_block,
)
from course_utils.quiz import Question, show_quiz
from keras import layers  # noqa: F401 - for the recipes and the exercise you write

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. Load CIFAR-10 and look at it
#
# CIFAR-10 has 60,000 colour photos of 32×32 pixels in 10 classes: 50,000 for training and
# 10,000 for testing. Each image has three **channels** (red, green, blue), so one image is an
# array of shape `(32, 32, 3)`.

# %%
# NBVAL_CHECK_OUTPUT
(x_train, y_train), (x_test, y_test) = data.load_cifar10()
print("x_train:", x_train.shape, x_train.dtype, f"{x_train.nbytes / 1e6:.0f} MB")
print("y_train:", y_train.shape, y_train.dtype)
print("x_test: ", x_test.shape, x_test.dtype)
print("classes:", ", ".join(data.CIFAR10_CLASSES))
print("train images per class:", np.bincount(y_train).tolist())

# %% [markdown]
# The classes are perfectly balanced: 5000<!--out--> training images each. Now look at three
# examples of every class.
#
# *Figure: a grid of 30 small colour photos, three per class in the order airplane, automobile,
# bird, cat, deer, dog, frog, horse, ship, truck, each titled with its class name. The objects
# appear in different poses, sizes and backgrounds, and some are hard to recognise at 32×32
# pixels.*

# %%
per_class = np.concatenate([np.flatnonzero(y_train == c)[:3] for c in range(10)])
fig = plots.plot_samples(x_train[per_class], y_train[per_class], data.CIFAR10_CLASSES, n=30,
                         ncols=10, title="Three CIFAR-10 training images per class")

# %% [markdown]
# ### Why CIFAR-10 is harder than MNIST
#
# - **Variety within a class.** A "cat" can be any breed, seen from any side, curled up or
#   jumping; an MNIST "3" is always a centred, upright stroke.
# - **Backgrounds and clutter.** The object shares the picture with grass, sky or a room, and
#   the network has to learn what to ignore.
# - **Similar classes.** Cats and dogs, automobiles and trucks, deer and horses share shapes,
#   colours and backgrounds.
# - **Low resolution and colour.** 32×32 pixels leave few details, and colour adds three times
#   as many numbers per image without telling the classes apart by itself.
#
# A model that reaches 99% on MNIST gets far less here. People get about 94% right: [Andrej
# Karpathy classified a sample of the test images
# himself](https://karpathy.github.io/2011/04/27/manually-classifying-cifar10/).

# %% [markdown]
# ## 2. The classic small CNN
#
# Start with the model of the original tutorials: two Conv–MaxPool blocks, a Dense layer of 128
# neurons and a softmax output. `padding="same"` pads each image with a border of zeros so a 3×3
# convolution keeps the size (32 → 32) instead of trimming it (32 → 30). The recipe lives in
# `course_utils.models`, so lessons 03 and 04 can use exactly the same model; here is its code:

# %%
course_utils.show_source(models.classic_cifar_cnn)

# %% [markdown]
# In fast mode `shrink` keeps only 2,000 training images; in a normal run it returns the data
# unchanged.
#
# As in lesson 01, the last 10% of the training images are held out for validation. This time
# `pipelines.train_val_datasets` does it, the way lesson 01's better model was fed: it returns a
# training and a validation dataset (`tf.data`) that hand the model one batch of 64 `uint8`
# images at a time, reshuffled every epoch. Passing the arrays to `fit` would also work, but
# Keras then keeps an extra copy of them, about 250 MB for CIFAR-10: too much on Binder's 2 GB.

# %%
x_train, y_train = course_utils.shrink(x_train, y_train, fast=2000)
train_ds, val_ds = pipelines.train_val_datasets(x_train, y_train, batch_size=64)

classic = models.classic_cifar_cnn()
classic.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history_classic = classic.fit(train_ds, validation_data=val_ds, epochs=course_utils.epochs(10),
                              verbose=2)

# %% [markdown]
# *Figure: the classic CNN's training history over 10 epochs. Left, accuracy: the training curve
# climbs steadily from 0.4916<!--out--> to 0.8500<!--out--> while the validation curve levels
# off from epoch 5 on, between 0.6948<!--out--> and 0.7174<!--out-->. Right, loss: the training
# loss keeps falling while the validation loss is lowest at epoch 5 (0.8532<!--out-->) and then
# creeps back up to 0.9381<!--out-->.*

# %%
fig = plots.plot_history(history_classic, title="Classic CNN on CIFAR-10")

# %% [markdown]
# This is **strong overfitting**: after a few epochs the model stops getting better on new
# images and only memorises its training images better. The validation loss rises while the
# validation accuracy stands still, a sign that it becomes *over-confident* in its wrong
# answers. Training longer would most likely make it worse.

# %%
final = history_classic.history
print(f"classic CNN after {len(final['accuracy'])} epochs: "
      f"train accuracy {final['accuracy'][-1]:.3f}, "
      f"validation accuracy {final['val_accuracy'][-1]:.3f}")

# %% [markdown]
# ## 3. A better model, step by step
#
# Five changes, each one a well-known remedy:
#
# 1. **Data augmentation** (`RandomFlip`, `RandomTranslation`). Every epoch the model sees each
#    photo mirrored or shifted by a few pixels differently, so it cannot memorise pixels; a
#    mirrored cat is still a cat. Lesson 03 is all about this.
# 2. **More filters, in more blocks** (32 → 64 → 128 → 256 filters). The first three blocks
#    each halve the image size (32 → 16 → 8 → 4) and double the number of feature maps, so
#    later layers combine simple edges into parts (eyes, wheels) and parts into objects; the
#    fourth works on the 4×4 maps.
# 3. **Batch normalization** in every block. It rescales the outputs of a layer to a stable
#    range batch by batch, which lets you train with a higher learning rate and makes training
#    less sensitive to the starting weights.
# 4. **Global average pooling** instead of `Flatten` + a big `Dense` layer. The classic model
#    puts most of its parameters into `Dense(128)`, where memorising is easiest; averaging each
#    of the 256 feature maps to one number removes that hiding place.
# 5. **Better training settings.** Adam starts with a short warm-up to a learning rate of
#    0.003<!--out--> and then lowers it smoothly to zero along a cosine curve: big steps while
#    the model is far from good, small steps at the end to settle. *Label smoothing* asks for
#    91% confidence in the right class instead of 100%, so the model is not pushed to be
#    over-confident.
#
# Here are the layers:

# %%
course_utils.show_source(models.better_cifar_cnn)

# %% [markdown]
# Each block is a `conv_block`: a convolution, pooling, batch normalization and ReLU, in that
# order (lesson 01 explains and times the order). It returns a list of four layers, and the `*`
# in `*conv_block(32)` unpacks them into the model's list. The last block is built with
# `pool=False`: it has no pooling layer.

# %%
course_utils.show_source(models.conv_block)

# %% [markdown]
# The augmentation is a small `Sequential` model of its own, used as the model's second layer.
# The better model asks for `interpolation="nearest"`: shifts by whole pixels, which are faster
# than the default's blending of neighbouring pixels.

# %%
course_utils.show_source(models.cifar_augmentation)

# %% [markdown]
# Compare the sizes: the better model has fewer parameters than the classic one, but its
# convolutions work on more feature maps, so it needs more computation per image: compare the
# seconds per epoch in the two training logs.

# %%
# NBVAL_CHECK_OUTPUT
better = models.better_cifar_cnn()
print(f"classic CNN: {classic.count_params():,} parameters")
print(f"better CNN:  {better.count_params():,} parameters")

# %% [markdown]
# Its summary lists every layer with the shape of its output, `(None, height, width, feature
# maps)`, and its parameters. `None` stands for the number of images in a batch, which can be
# anything. The `BatchNormalization` layers also keep a running mean and variance of their
# inputs; those are the non-trainable parameters, updated while training but not by gradient
# descent.

# %%
better.summary()

# %% [markdown]
# The training settings are kept together in a `TrainingRecipe`. The course's benchmarks
# (`make bench`) time exactly this recipe against the original tutorial's.

# %%
# NBVAL_CHECK_OUTPUT
recipe = models.BETTER_CIFAR
print(recipe)

# %% [markdown]
# Given the recipe, `pipelines.train_val_datasets` holds out the same last 10% of the training
# images for validation as for the classic model, in batches of the recipe's size.
# `models.compile_recipe` sets up Adam with the learning-rate schedule and the loss with label
# smoothing. This training took about 3.5 minutes on the 2-core computer that ran this notebook
# (about 27 seconds per epoch in the log below).

# %%
better_epochs = course_utils.epochs(recipe.epochs)
train_ds, val_ds = pipelines.train_val_datasets(x_train, y_train, recipe)
models.compile_recipe(better, recipe, steps_per_epoch=len(train_ds), epochs=better_epochs)
history_better = better.fit(train_ds, validation_data=val_ds, epochs=better_epochs, verbose=2)

# %% [markdown]
# *Figure: the better model's training history over 8 epochs. Left, accuracy: the training
# accuracy rises from 0.5007<!--out--> to 0.8299<!--out-->; the validation accuracy starts far
# below it (0.3176<!--out-->) while the learning rate is high, jumps to the training curve at
# epoch 2 (0.6736<!--out-->), stays flat at epochs 3 and 4, then catches up at epoch 7 and ends
# at 0.8212<!--out-->, next to the training curve. Right, loss: both losses fall to about 0.94
# (0.9368<!--out--> and 0.9455<!--out-->; label smoothing keeps them well above 0); the
# validation loss starts high (2.0598<!--out-->), meets the training loss at epoch 2, stays
# above it with a plateau at epochs 3 and 4, and meets it again at epochs 7 and 8.*

# %%
fig = plots.plot_history(history_better, title="Better CNN on CIFAR-10")

# %% [markdown]
# By the end the training and validation curves are together: the model learns what
# generalises.
#
# Choose the model with the better validation accuracy, and only then look at the test set.
# `choose_by_validation` compares each model's validation accuracy **after its last epoch**,
# because those are the weights the model holds now, and the ones the test would measure. An
# earlier, better epoch is gone: the classic model's best was 0.7174<!--out--> at epoch 9, but
# it ended at 0.7092<!--out-->. With 5,000 validation images an accuracy near 0.8 is uncertain
# by about √(0.8 · 0.2 / 5000) ≈ 0.006 (lesson 01 explains this standard error), so a gap of
# more than ten percentage points is far beyond chance.

# %%
chosen, final_model = choose_by_validation({
    "classic": (classic, history_classic),
    "better": (better, history_better),
})

# %% [markdown]
# ## 4. The final test

# %%
test_accuracy = evaluate_on_test(final_model, x_test, y_test)

# %% [markdown]
# *Figure: 16 test photos with the predicted class, the model's confidence and the true class:
# first 8 mistakes, framed and titled in red, then 8 correct predictions in green. Three of the
# mistakes are birds taken for other animals (deer, dog, cat), two are airplanes taken for a
# dog and a ship, and one is an automobile taken for an airplane; the model was unsure about
# all of them (20% to 62%). Even the correct answers often have moderate confidence (39% to
# 98%): label smoothing keeps the model from being sure.*

# %%
probabilities = final_model.predict(x_test, batch_size=512, verbose=0)
order = predictions.mistakes_then_correct(y_test, probabilities, n=8)
fig = predictions.plot_predictions(x_test[order], y_test[order], probabilities[order],
                                   data.CIFAR10_CLASSES, title="CIFAR-10 test predictions")

# %% [markdown]
# With the **prediction explorer** you can look at any test photo and the model's probability
# for each of the 10 classes. Click **Next mistake** a few times: are the mistakes between
# classes you would also hesitate between? (The controls work while the notebook runs in
# Jupyter; a static copy shows the first picture.)
#
# *Figure: an explorer with an image slider and a "Next mistake" button above a status line and
# a picture. Left, a small photo of a horse; right, a horizontal bar chart of the probability
# (0 to 1) of each of the 10 classes: the bar of the true class, horse, is green and reaches
# about 0.96<!--out-->, dog has a short bar and the others are near 0.*

# %%
# NBVAL_IGNORE_OUTPUT
explore.prediction_explorer(x_test, y_test, probabilities, data.CIFAR10_CLASSES)

# %% [markdown]
# Lesson 04 looks at these mistakes systematically with a confusion matrix.

# %% [markdown]
# ## Exercise 1: why uint8?
#
# The training images are stored as `uint8`: one byte per number. Converting them to
# `float32` (`x_train.astype("float32") / 255`, as older tutorials do) needs 4 bytes per
# number. How many **megabytes** (1 MB = 1,000,000 bytes) would the 50,000 training images of
# shape 32×32×3 take as `float32`? Compute it with Python arithmetic.

# %%
float32_megabytes = 0  # replace 0 with your calculation

passed = check_float32_memory(float32_megabytes)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# float32_megabytes = 50_000 * 32 * 32 * 3 * 4 / 1_000_000
# ```
#
# 614.4 MB, four times the 153.6 MB of `uint8`; the division by 255 makes a second temporary
# copy of the same size. On Binder (2 GB of memory) that is a real problem. The `Rescaling`
# layer converts one batch at a time instead.
# </details>

# %% [markdown]
# ## Exercise 2: "same" padding
#
# In the better model each of the four blocks (`conv_block`) starts with a
# `Conv2D(..., padding="same")`, and every block but the last has a `MaxPooling2D()`. For a
# 32×32 input, write the height (= width) of the feature maps after each of the four blocks,
# and the number of feature maps after the last block. Work it out from the code of
# `better_cifar_cnn` and `conv_block` above, then compare with the summary.

# %%
sizes_after_blocks = [32, 32, 32, 32]  # replace with the four sizes
feature_maps_after_last_block = 0  # replace 0

passed = check_same_padding_shapes(sizes_after_blocks, feature_maps_after_last_block)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# sizes_after_blocks = [16, 8, 4, 4]
# feature_maps_after_last_block = 256
# ```
#
# With `padding="same"` the convolutions keep the size and only the pooling halves it:
# 32 → 16 → 8 → 4. The fourth block is `conv_block(256, pool=False)`: it has no pooling, so its
# 256 feature maps stay 4×4. The summary shows the same shapes after each `ReLU`.
# </details>

# %% [markdown]
# ## Exercise 3: build a small better model
#
# Build this model yourself from its description: a two-block version of the better model,
# without augmentation. Use `conv_block` (the setup cell imported it) or write each layer
# yourself. The model need not be trained: the check compares its layer types in order, their
# settings, the output shapes and the number of parameters with the description, and says
# what differs. Before you check, predict the output shape of layer 9 and the number of
# parameters of layer 11; `small_model.summary()` shows whether you were right.
#
# | layer | type | settings |
# |---|---|---|
# | input | `keras.Input` | shape 32×32×3, dtype `uint8` |
# | 1 | `Rescaling` | scale 1/255 |
# | 2 | `Conv2D` | 32 filters of 3×3, padding `"same"`, no bias (`use_bias=False`), no activation |
# | 3 | `MaxPooling2D` | 2×2 |
# | 4 | `BatchNormalization` | |
# | 5 | `ReLU` | |
# | 6–9 | the same four layers | with 64 filters |
# | 10 | `GlobalAveragePooling2D` | |
# | 11 | `Dense` | 10 units, softmax |

# %%
small_model = None  # build it here: small_model = keras.Sequential([...])

passed = check_small_cifar_cnn(small_model)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# small_model = keras.Sequential([
#     keras.Input(shape=(32, 32, 3), dtype="uint8"),
#     layers.Rescaling(1 / 255),
#     *conv_block(32),
#     *conv_block(64),
#     layers.GlobalAveragePooling2D(),
#     layers.Dense(10, activation="softmax"),
# ])
# ```
#
# Layer 9 outputs 8×8×64 (two poolings: 32 → 16 → 8). Global average pooling leaves 64
# numbers, so the `Dense` layer has 64·10 + 10 = 650 parameters; 20,330 in all, under 4% of
# the classic CNN's.
# </details>

# %% [markdown]
# ## Exercise 4 (open): one change at a time
#
# Which of the five changes matters most? Build variants of the better model in new cells
# (copy the recipe from `show_source` above, edit it, and train for 5 epochs each): without
# augmentation, without batch normalization, with `Flatten` + `Dense(128)` instead of global
# average pooling. Compare the **validation** accuracy of the last epoch (the weights you
# keep) and the train–validation gap; differences of about one percentage point can be
# chance. Do not evaluate the variants on the test set.

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "Training accuracy 0.92, validation accuracy 0.68 and the validation loss rising. "
        "What do you do?",
        ["Train for more epochs", "Regularise: augmentation, dropout, batch normalization",
         "Evaluate on the test set to be sure"],
        answer=1,
        explanation="A large, growing gap is overfitting; more epochs make it worse, and the "
                    "test set is not for decisions.",
    ),
    Question(
        "Why is a random horizontal flip a good augmentation for CIFAR-10?",
        ["It makes the images smaller", "A mirrored photo shows the same class",
         "It removes the colour"],
        answer=1,
        explanation="A mirrored cat is still a cat. (A mirrored digit is not always a digit: "
                    "lesson 03.)",
    ),
    Question(
        "What does padding=\"same\" do in a 3×3 convolution?",
        ["Keeps the height and width of the input", "Halves the height and width",
         "Uses the same filter for all channels"],
        answer=0,
        explanation="It adds a one-pixel border of zeros, so the output keeps the input size.",
    ),
    Question(
        "Where do the images become floats between 0 and 1 in this lesson?",
        ["When loading them", "In a Rescaling layer inside the model", "Never"],
        answer=1,
        explanation="They stay uint8 in memory; Rescaling(1/255) converts each batch.",
    ),
], title="Lesson 02 quiz")

# %% [markdown]
# ## Key points
#
# - CIFAR-10 is much harder than MNIST: varied objects, backgrounds and similar classes in
#   32×32 colour photos.
# - Keep the images `uint8`; scale them inside the model.
# - The classic small CNN overfits strongly: its training accuracy races ahead of its
#   validation accuracy.
# - Augmentation, batch normalization, more filters in blocks, global average pooling, a
#   learning-rate schedule and label smoothing together give a model above 80% that
#   generalises, in 8 epochs; the original tutorials trained the classic CNN for 15 epochs
#   and stayed below 70% (64.61% in the course's benchmark, `benchmarks/results.md`).
# - Write a model from a description with `keras.Input`, `Conv2D(..., padding="same")`,
#   pooling, batch normalization and a global-average-pooling head, and read its summary.
# - Compare models by the validation accuracy of the weights you keep (the last epoch);
#   a difference smaller than a few standard errors can be chance.
# - Decide on the validation split; touch the test set once, at the end.

# %% [markdown]
# ## Further reading
#
# - Keras example: [Image classification from scratch](https://keras.io/examples/vision/image_classification_from_scratch/)
# - Ioffe and Szegedy (2015), [Batch normalization](https://arxiv.org/abs/1502.03167)
# - Lin et al. (2013), [Network in network](https://arxiv.org/abs/1312.4400) (global average
#   pooling)
# - Loshchilov and Hutter (2016), [SGDR: stochastic gradient descent with warm
#   restarts](https://arxiv.org/abs/1608.03983) (cosine learning-rate schedules)
# - A. Krizhevsky (2009), [Learning multiple layers of features from tiny
#   images](https://www.cs.toronto.edu/~kriz/learning-features-2009-TR.pdf) (the CIFAR-10 report)
#
# Next: lesson 03 shows data augmentation in detail.
