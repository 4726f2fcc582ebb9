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
# - keep 50,000 colour images as `uint8` (150 MB instead of 600 MB as floats);
# - train the classic small CNN and recognise strong overfitting in its history plot;
# - explain what data augmentation, more filters, batch normalization, global average pooling,
#   a learning-rate schedule and label smoothing each add, and combine them into a better
#   model;
# - compare models on the validation split and evaluate the chosen one once on the test set.
#
# **Estimated time:** about 80 minutes, of which about 6 minutes are training on a 2-core laptop
# (2 for the classic model, 4 for the better one: start a training cell, then read on while it
# runs) and 20 minutes are exercises.
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

# %%
import numpy as np

import course_utils
from course_utils import data, explore, models, pipelines, plots, predictions
from course_utils.evaluation import choose_by_validation, evaluate_on_test
from course_utils.exercises import check_float32_memory, check_same_padding_shapes
from course_utils.quiz import Question, show_quiz

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
# The classes are perfectly balanced: 5,000 training images each. Now look at three examples of
# every class.
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
# A model that reaches 99% on MNIST gets far less here. Human accuracy on CIFAR-10 is about 94%.

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
# climbs steadily from 0.49 to 0.85 while the validation curve levels off near 0.71 from epoch 5
# on. Right, loss: the training loss keeps falling while the validation loss is lowest at epoch
# 5 (0.85) and then creeps back up to 0.94.*

# %%
fig = plots.plot_history(history_classic, title="Classic CNN on CIFAR-10")

# %% [markdown]
# This is **strong overfitting**: after a few epochs the model stops getting better on new
# images and only memorises its training images better. The rising validation loss means it
# also becomes *over-confident* in its wrong answers. Training longer would not help.

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
# 5. **Better training settings.** Adam starts with a short warm-up to a learning rate of 0.003
#    and then lowers it smoothly to zero along a cosine curve: big steps while the model is far
#    from good, small steps at the end to settle. *Label smoothing* asks for 91% confidence in
#    the right class instead of 100%, so the model is not pushed to be over-confident.
#
# Here are the layers. Each block is a `conv_block`: a convolution, pooling, batch
# normalization and ReLU.

# %%
course_utils.show_source(models.better_cifar_cnn)
course_utils.show_source(models.conv_block)

# %% [markdown]
# Compare the sizes: the better model has fewer parameters than the classic one but does more
# computation, because its convolutions work on more feature maps.

# %%
# NBVAL_CHECK_OUTPUT
better = models.better_cifar_cnn()
print(f"classic CNN: {classic.count_params():,} parameters")
print(f"better CNN:  {better.count_params():,} parameters")

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
# smoothing. This training takes about 4 minutes on a 2-core laptop (about 27 seconds per
# epoch).

# %%
better_epochs = course_utils.epochs(recipe.epochs)
train_ds, val_ds = pipelines.train_val_datasets(x_train, y_train, recipe)
models.compile_recipe(better, recipe, steps_per_epoch=len(train_ds), epochs=better_epochs)
history_better = better.fit(train_ds, validation_data=val_ds, epochs=better_epochs, verbose=2)

# %% [markdown]
# *Figure: the better model's training history over 8 epochs. Left, accuracy: the training
# accuracy rises from 0.50 to 0.83; the validation accuracy starts far below it (0.34) while the
# learning rate is high, dips at epoch 3, then catches up and ends at 0.82, next to the
# training curve. Right, loss: both losses fall to about 0.94 (label smoothing keeps them well
# above 0); the validation loss, with a bump at epoch 3, stays just above the training loss and
# meets it at the end.*

# %%
fig = plots.plot_history(history_better, title="Better CNN on CIFAR-10")

# %% [markdown]
# By the end the training and validation curves are together: the model learns what
# generalises.
# Choose the model with the better validation accuracy, and only then look at the test set.

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
# first 8 mistakes, framed and titled in red, then 8 correct predictions in green. Half of the
# mistakes are birds taken for other animals (deer, dog, frog), and one is an automobile taken
# for a truck; the model was unsure about most of them (21% to 76%). Even the correct answers
# often have moderate confidence (35% to 98%): label smoothing keeps the model from being
# sure.*

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
# about 0.94, deer and dog have short bars and the others are near 0.*

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
# In the better model each block has a `Conv2D(..., padding="same")` followed by
# `MaxPooling2D()`. For a 32×32 input, write the height (= width) of the feature maps after
# each of the three blocks, and the number of feature maps after the last block (read the
# filters in the recipe above).

# %%
sizes_after_blocks = [32, 32, 32]  # replace with the three sizes
feature_maps_after_last_block = 0  # replace 0

passed = check_same_padding_shapes(sizes_after_blocks, feature_maps_after_last_block)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# sizes_after_blocks = [16, 8, 4]
# feature_maps_after_last_block = 128
# ```
#
# With `padding="same"` the convolutions keep the size and only the pooling halves it:
# 32 → 16 → 8 → 4. The last block has 128 filters, so 128 feature maps of 4×4.
# </details>

# %% [markdown]
# ## Exercise 3 (open): one change at a time
#
# Which of the five changes matters most? Build variants of the better model in new cells
# (copy the recipe from `show_source` above, edit it, and train for 5 epochs each): without
# augmentation, without batch normalization, with `Flatten` + `Dense(128)` instead of global
# average pooling. Compare the best **validation** accuracy and the train–validation gap. Do
# not evaluate the variants on the test set.

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
#   and stayed below 70%.
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
