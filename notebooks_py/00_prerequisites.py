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
# # 00 — Prerequisites: Python, NumPy and the ideas behind neural networks
#
# A warm-up: the Python, NumPy and machine-learning ideas the rest of the course builds on.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/00_prerequisites.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/00_prerequisites.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - write Python variables, loops, functions and a small class;
# - create NumPy arrays, read their shape and dtype, and compute means per column;
# - tell matrix sums from matrix products (`@`) and predict the shape of the result;
# - train and score a first classifier with scikit-learn, and explain why the test set
#   stays untouched until the very end;
# - describe a neuron (weighted sum + bias + activation) and what a loss, an optimizer,
#   an epoch, a batch and an iteration are;
# - turn a classifier's scores into probabilities with softmax, compute the cross-entropy
#   loss that Keras' `sparse_categorical_crossentropy` computes, and write a softmax that
#   does not overflow;
# - count the parameters of a dense layer and of a convolution layer that see the same
#   image, and explain why a convolution needs so few (locality, weight sharing).
#
# ## Estimated time and what you need to know
#
# About 65 minutes, 20 of them exercises.
#
# Before you start, you should be able to run a cell in Jupyter (`Shift+Enter`) and
# have seen a little Python before (what a variable and a function are). No machine-learning
# background is needed. If a section feels familiar, skim it and go straight to the exercises.

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
# Run this cell first. It imports the libraries you need and calls `course_utils.setup()`,
# which fixes the random seed (so a lesson run again on your computer prints the same numbers
# every time) and prints which versions of Python, TensorFlow and Keras you are running.
# Another kind of processor rounds some sums differently, so a trained model's numbers on
# your computer can differ from the ones stored in these notebooks.
#
# TensorFlow prints a few notices while it loads, such as "oneDNN custom operations are on"
# (results can differ from another computer's in the last digits) or "Could not find cuda
# drivers on your machine, GPU will not be used" (it uses the processor instead). They are
# harmless. `import course_utils` before TensorFlow keeps them out of your notebook (every other
# message still shows), so you do not see them below; where TensorFlow is imported first, in
# this course or elsewhere, they appear in red, and you can ignore them.

# %%
import math

import course_utils
import matplotlib.pyplot as plt
import numpy as np
from course_utils.exercises import (
    check_cifar10_iterations,
    check_relu,
    check_sigmoid,
    check_softmax,
    check_standardize,
)
from course_utils.quiz import Question, show_quiz
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

course_utils.setup()

# %% [markdown]
# ## 1. Python basics
#
# ### Variables
#
# A variable is a name for a value. You will see numbers (`int`, `float`), text (`str`),
# lists and dictionaries all through the course. An f-string (`f"..."`) puts values into
# text.

# %%
learning_rate = 0.01  # a float
n_epochs = 10  # an int
model_name = "tiny-cnn"  # a str
layer_sizes = [784, 128, 10]  # a list
class_names = {0: "zero", 1: "one"}  # a dict: key -> value

print(f"{model_name}: {len(layer_sizes)} layers, learning rate {learning_rate}")
print("The first layer has", layer_sizes[0], "inputs; label 1 means", class_names[1])

# %% [markdown]
# ### Control flow: `for` and `if`
#
# A `for` loop repeats code for every item of a list (or of `range(n)`, the numbers
# 0 to n-1); `if` / `elif` / `else` choose what to run. Indentation (4 spaces) marks what
# belongs to the loop or the `if`.

# %%
for epoch in range(1, 4):
    if epoch == 1:
        print(f"epoch {epoch}: the weights are still random")
    else:
        print(f"epoch {epoch}: the weights have been updated {epoch - 1} time(s)")

# %% [markdown]
# ### Functions
#
# A function packs code under a name so you can reuse it. It takes arguments and
# `return`s a result.

# %%
def accuracy(n_correct, n_total):
    """Return the fraction of correct predictions, between 0 and 1."""
    return n_correct / n_total


print(f"accuracy: {accuracy(45, 50):.2f}")

# %% [markdown]
# ### A small class: a neuron
#
# A class bundles data (attributes such as `self.weights`) with the functions that use it
# (methods). Below, a `Neuron` stores its weights and a bias. Its `__call__` method lets you
# *call* the object like a function: `neuron(inputs)`. It multiplies each input by its
# weight, adds everything up plus the bias, and keeps the result only if it is positive.
# You will meet this computation again in section 4. (`zip` walks through two lists side
# by side; `strict=True` makes it complain if their lengths differ.)

# %%
class Neuron:
    """One artificial neuron: weighted sum of the inputs, plus a bias, then ReLU."""

    def __init__(self, weights, bias):
        self.weights = weights
        self.bias = bias

    def __call__(self, inputs):
        z = self.bias
        for w, x in zip(self.weights, inputs, strict=True):  # pairs (w1, x1), (w2, x2), ...
            z += w * x
        return max(0.0, z)  # ReLU: negative results become 0


neuron = Neuron(weights=[0.5, -1.0, 2.0], bias=0.1)
print(neuron([1.0, 2.0, 3.0]))  # 0.5 - 2.0 + 6.0 + 0.1
print(neuron([0.0, 1.0, 0.0]))  # -1.0 + 0.1 is negative, so 0.0

# %% [markdown]
# ## 2. NumPy: arrays of numbers
#
# Images, labels and the weights of a network are all stored as NumPy arrays: grids of
# numbers of one type. Two attributes tell you almost everything about an array:
#
# - `shape`: how many entries along each axis. `(2, 3)` means 2 rows and 3 columns;
#   a batch of 32 colour images of 28×28 pixels has shape `(32, 28, 28, 3)`.
# - `dtype`: the type of the numbers, e.g. `float64` or `uint8` (whole numbers 0–255,
#   how image files store pixels).
#
# Below, `X` is a tiny dataset: 4 samples (rows) with 3 features (columns) each. With
# `axis=0` NumPy computes along the rows, which gives one mean per column; without `axis`
# you get one number for the whole array.

# %%
# NBVAL_CHECK_OUTPUT
X = np.array(
    [
        [1.0, 200.0, 0.5],
        [2.0, 180.0, 0.1],
        [3.0, 220.0, 0.3],
        [4.0, 200.0, 0.7],
    ]
)
print("shape:", X.shape, "| dtype:", X.dtype, "| number of entries:", X.size)
print("mean of everything:", round(X.mean(), 2))
print("mean per column:   ", np.round(X.mean(axis=0), 2))
print("std per column:    ", np.round(X.std(axis=0), 2))

# %% [markdown]
# ### Matrix sum and matrix product
#
# `A + B` adds two arrays of the **same shape** entry by entry. `A @ W` is the
# **matrix product**: every entry of the result combines a row of `A` with a column of `W`.
# It needs the inner sizes to match: `(2, 3) @ (3, 4)` gives `(2, 4)`; the 3s "cancel".
#
# This is exactly what a layer of a neural network computes: a batch of inputs of shape
# `(batch size, features)` times a weight matrix of shape `(features, units)` gives
# `(batch size, units)`, one output per unit for every sample.

# %%
# NBVAL_CHECK_OUTPUT
A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
B = np.ones((2, 3))  # shape (2, 3)
W = np.arange(12.0).reshape(3, 4)  # shape (3, 4)

print("A + B:", A.shape, "+", B.shape, "->", (A + B).shape)
print(A + B)
print("A @ W:", A.shape, "@", W.shape, "->", (A @ W).shape)
print(A @ W)

# %% [markdown]
# **Broadcasting** lets NumPy combine arrays of different shapes when it can stretch the
# smaller one: `X - X.mean(axis=0)` subtracts a shape `(3,)` row of column means from every
# row of the `(4, 3)` array `X`, without a loop.

# %%
print(np.round(X - X.mean(axis=0), 2))

# %% [markdown]
# ## 3. Supervised learning with scikit-learn
#
# In **supervised learning** you show a model many examples *with the right answer*
# (the label) and it learns to predict the label of new examples. You will now do that
# with a classic, non-neural model before the course moves on to neural networks.
#
# The `digits` dataset ships with scikit-learn (no download): 1,797 tiny grey images of
# handwritten digits, 8×8 pixels each, flattened into 64 numbers between 0 and 16. You
# divide by 16 so every pixel lies between 0 and 1, which helps most models learn.

# %%
digits = load_digits()
X_digits = digits.data / 16.0
y_digits = digits.target
print("images:", X_digits.shape, "| labels:", y_digits.shape, "| classes:", np.unique(y_digits))

# %% [markdown]
# ### Train, validation and test sets
#
# You never judge a model on the examples it learned from: it could simply have memorised
# them. So you split the data:
#
# - the **training set** is what the model learns from;
# - the **validation set** is what *you* use to make choices: which model, how long to
#   train, which learning rate. Keras can hold it out for you (`validation_split=0.1`);
# - the **test set** is locked away until the very end and used **once**, to report how
#   well the final model does on new data.
#
# If you tuned your choices on the test set, you would slowly fit them to those particular
# images and the test score would look better than what you will get on truly new data.
#
# `train_test_split` does the split. `stratify=y_digits` keeps the same share of every
# digit in both parts; `random_state=42` makes the shuffle the same every time you run it.
# (To keep this first example short you use only a training and a test set here.)

# %%
X_train, X_test, y_train, y_test = train_test_split(
    X_digits, y_digits, test_size=0.2, stratify=y_digits, random_state=42
)
print("training set:", X_train.shape, "| test set:", X_test.shape)

# %% [markdown]
# A logistic-regression model learns one weight per pixel and class. `fit` trains it,
# `score` returns the accuracy: the fraction of test images it labels correctly.
# `max_iter` is the maximum number of optimisation steps.

# %%
model = LogisticRegression(max_iter=1000)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %% [markdown]
# That is already good for 64 pixels. On real photos such a model struggles: it learns one
# weight per pixel, so a cat that has moved a few pixels to the left falls on other pixels,
# with other weights. Section 8 shows how the convolutional networks of this course avoid
# that.

# %% [markdown]
# ## 4. Neurons and activation functions
#
# A neuron in a neural network does what your `Neuron` class did:
#
# 1. a **weighted sum** of its inputs plus a **bias**: $z = w_1 x_1 + w_2 x_2 + \dots + b$,
#    which NumPy writes as `z = weights @ inputs + bias`;
# 2. an **activation function** applied to $z$.
#
# Without the activation, stacking layers would only ever compute one big weighted sum;
# the activation is what lets a network learn curved, complicated decision rules.

# %%
weights = np.array([0.5, -1.0, 2.0])
bias = 0.1
inputs = np.array([1.0, 2.0, 3.0])
z = weights @ inputs + bias
print(f"z = {z:.1f}")

# %% [markdown]
# The two activations you will use most:
#
# - **ReLU** (rectified linear unit): $\mathrm{ReLU}(z) = \max(0, z)$. Negative values
#   become 0, positive values pass unchanged. Used inside almost every modern network.
# - **Sigmoid**: $\sigma(z) = \dfrac{1}{1 + e^{-z}}$. Squeezes any number into the range
#   0 to 1, so it can be read as a probability; $\sigma(0) = 0.5$.
#
# *Figure: two line plots side by side of activation against input z, for z from −5 to 5.
# Left, ReLU: flat at 0 for negative inputs, then a straight line rising with slope 1.
# Right, sigmoid: an S-shaped curve rising smoothly from near 0 to near 1, passing through
# 0.5 at z = 0.*

# %%
z_values = np.linspace(-5, 5, 201)
fig, (ax_relu, ax_sigmoid) = plt.subplots(1, 2, figsize=(9, 3.5), constrained_layout=True)
ax_relu.plot(z_values, np.maximum(0, z_values))
ax_relu.set(title="ReLU", xlabel="input z", ylabel="activation")
ax_sigmoid.plot(z_values, 1 / (1 + np.exp(-z_values)), color="tab:orange")
ax_sigmoid.set(title="Sigmoid", xlabel="input z", ylabel="activation")
for ax in (ax_relu, ax_sigmoid):
    ax.grid(alpha=0.3)
fig.suptitle("Two common activation functions")
plt.show()

# %% [markdown]
# ## 5. Loss and optimizer: how a model learns
#
# Training means finding weights that make the predictions good. Two pieces do it:
#
# - the **loss** measures how wrong the predictions are, as one number; here the *mean
#   squared error* (MSE), the average of (prediction − truth)²;
# - the **optimizer** changes the weights a little to make the loss smaller. *Gradient
#   descent* computes the gradient (in which direction, and how steeply, the loss grows
#   for each weight) and takes a small step the other way. The **learning rate** sets
#   the size of that step.
#
# Below you fit a straight line $y = w \cdot x + b$ to 50 noisy points whose true line has
# $w = 2$ and $b = 0.5$, starting from $w = b = 0$. It is plain NumPy: two weights,
# 100 steps.

# %%
rng = np.random.default_rng(42)
x = rng.uniform(-1, 1, size=50)
y = 2.0 * x + 0.5 + rng.normal(scale=0.2, size=50)

w, b = 0.0, 0.0  # start from zero
learning_rate = 0.1
losses = []
for _ in range(100):  # _ : a name for a loop counter you don't use
    error = (w * x + b) - y  # prediction minus truth, one value per point
    losses.append(np.mean(error**2))  # the MSE loss
    grad_w = 2 * np.mean(error * x)  # how the loss changes when w grows
    grad_b = 2 * np.mean(error)  # how the loss changes when b grows
    w -= learning_rate * grad_w  # step downhill
    b -= learning_rate * grad_b

print(f"after {len(losses)} steps: w = {w:.2f}, b = {b:.2f}, loss = {losses[-1]:.3f}")

# %% [markdown]
# *Figure: a line plot of the mean squared error (vertical axis) against the gradient-descent
# step (horizontal axis, 0 to 99). The loss starts at about 1.6, drops steeply over the
# first 20 steps, then flattens out near 0.02: the noise that no straight line can explain.*

# %%
fig, ax = plt.subplots(figsize=(6, 3.5), constrained_layout=True)
ax.plot(losses)
ax.set(title="Gradient descent on a straight line", xlabel="step", ylabel="mean squared error")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# The learned $w$ and $b$ are close to the true 2 and 0.5 (not exactly: the points are
# noisy). A neural network learns in the same way, only with millions of weights instead
# of two. You will not write the gradients by hand: Keras computes them for you, and an
# optimizer such as **Adam** (a smarter gradient descent that adapts the step size for each
# weight) updates all the weights at once.

# %% [markdown]
# ## 6. From scores to probabilities: softmax and cross-entropy
#
# The line of section 5 predicted a number. A classifier must instead say how likely each
# class is. The last layer of a network gives one raw number per class, a **score** (also
# called a *logit*): the larger, the more likely, but scores can be any numbers, negative
# ones too. The **softmax** function turns them into probabilities. It takes $e^{s}$ of every
# score $s$, which makes them all positive, and divides by the sum, so they add up to 1:
#
# $$\mathrm{softmax}(s)_i = \frac{e^{s_i}}{e^{s_1} + e^{s_2} + \dots}$$
#
# Here are three scores a network might give one image, for the classes cat, dog and bird:

# %%
# NBVAL_CHECK_OUTPUT
classes = ["cat", "dog", "bird"]
scores = np.array([2.0, 1.0, 0.1])

exp_scores = np.exp(scores)  # e ** score, element by element
probabilities = exp_scores / exp_scores.sum()
print("scores:       ", scores)
print("e ** scores:  ", np.round(exp_scores, 3))
print("probabilities:", np.round(probabilities, 3), "| sum:", round(probabilities.sum(), 3))

# %% [markdown]
# The largest score gets the largest probability, 0.659<!--out--> for cat, and the order
# of the classes stays the same. The differences grow, though: a score 1 higher means a
# probability $e \approx 2.7$ times as large (0.659<!--out--> / 0.242<!--out--> ≈ 2.7).
#
# ### The cross-entropy loss
#
# Training needs a loss that says how wrong these probabilities are. Say the image really
# is a cat: its **label** is 0, the position of "cat" in the list. The **cross-entropy**
# loss is minus the natural logarithm of the probability the model gave the right class:
#
# $$\text{loss} = -\ln(p_{\text{right class}})$$
#
# A model that is sure and right ($p = 1$) has a loss of 0; the smaller $p$, the larger the
# loss. Only the right class's probability appears in the formula, but because the
# probabilities add up to 1, raising it lowers the others.

# %%
# NBVAL_CHECK_OUTPUT
label = 0  # the image is a cat
loss = -np.log(probabilities[label])  # np.log is the natural logarithm, ln
print(f"probability of the right class ({classes[label]}): {probabilities[label]:.3f}")
print(f"cross-entropy loss: -ln({probabilities[label]:.3f}) = {loss:.3f}")
for other in (1, 2):
    p_other = probabilities[other]
    print(f"if it were a {classes[other]}: loss = -ln({p_other:.3f}) = {-np.log(p_other):.3f}")

# %% [markdown]
# The same scores cost 0.417<!--out--> when the image is a cat, but 2.317<!--out--> when it
# is a bird: the model gave the bird only 0.099<!--out-->. Training pushes the loss down,
# that is, the probability of the right class up.
#
# *Figure: a line plot of the cross-entropy loss (vertical axis, from 0 to about 4.6)
# against the probability given to the right class (horizontal axis, from 0.01 to 1). The
# curve falls steeply at small probabilities and reaches 0 at probability 1. Three dots mark
# the example image: right class cat (probability 0.66, loss 0.42), dog (0.24, 1.42) and
# bird (0.10, 2.32).*

# %%
p_values = np.linspace(0.01, 1, 200)
fig, ax = plt.subplots(figsize=(6, 3.5), constrained_layout=True)
ax.plot(p_values, -np.log(p_values), color="grey")
for i, name in enumerate(classes):
    ax.plot(probabilities[i], -np.log(probabilities[i]), "o", label=f"right class: {name}")
ax.set(title="Cross-entropy loss of one image", xlabel="probability given to the right class",
       ylabel="loss = -ln(probability)")
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ### Keras computes the same
#
# Keras has both pieces: `keras.ops.softmax`, and the loss of lesson 01,
# `sparse_categorical_crossentropy`. *Sparse* means that the label is a class number
# (0 for cat), not a list such as `[1, 0, 0]`. Keras works on batches of images, so here
# the label becomes an array of one label, and the probabilities one row of a table with
# one row per image (`probabilities[None, :]` adds that axis: shape `(1, 3)`).

# %%
# NBVAL_CHECK_OUTPUT
import keras

keras_probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(scores))
batch_labels = np.array([label])  # a batch of one image: one label ...
batch_probabilities = probabilities[None, :]  # ... and one row of probabilities, shape (1, 3)
keras_loss = keras.ops.convert_to_numpy(
    keras.losses.sparse_categorical_crossentropy(batch_labels, batch_probabilities)
)
print("softmax, NumPy:", np.round(probabilities, 4))
print("softmax, Keras:", np.round(keras_probabilities, 4))
print(f"loss, NumPy: {loss:.4f} | loss, Keras: {keras_loss[0]:.4f}")
same = np.allclose(probabilities, keras_probabilities) and np.isclose(loss, keras_loss[0])
print("NumPy and Keras agree:", same)

# %% [markdown]
# In lesson 01, the last layer `Dense(10, activation="softmax")` turns 10 scores into
# 10 probabilities, and `loss="sparse_categorical_crossentropy"` computes this loss for
# every image of a batch; `fit` lowers their average.
#
# ### Very large scores
#
# $e^s$ grows very fast. `np.exp(1000.0)` is larger than the largest number a float can hold
# (about $1.8 \times 10^{308}$), so it becomes `inf`, and `inf / inf` is `nan`, "not a
# number". Scores that large are rare, but a network that trains badly can produce them, and
# softmax should not break. The way out: adding the same number to every score, or
# subtracting it, does not change the probabilities, because $e^{s - c} = e^{s} / e^{c}$
# and the $e^{c}$ cancels in the fraction. See for yourself:

# %%
# NBVAL_CHECK_OUTPUT
shifted = scores + 10
print("softmax(scores):     ", np.round(probabilities, 3))
print("softmax(scores + 10):", np.round(np.exp(shifted) / np.exp(shifted).sum(), 3))
with np.errstate(over="ignore"):  # np.exp warns when a result is too large; here you expect it
    print("np.exp(1000.0) =", np.exp(1000.0))

# %% [markdown]
# In Exercise 3 you use this to write a softmax that works for any scores.

# %% [markdown]
# ## 7. Epochs, batches and iterations
#
# A network does not look at all the training images at once. It takes a **batch**
# (say 128 images), computes the loss on it, and updates the weights: one **iteration**.
# One **epoch** is one full pass over the training set, i.e. as many iterations as it takes
# to use every image once. The last batch may be smaller, so you round up.
#
# For MNIST (60,000 training images of digits), holding out 10% for validation:

# %%
# NBVAL_CHECK_OUTPUT
n_images = 60_000
validation_fraction = 0.1
n_val = round(n_images * validation_fraction)
n_train = n_images - n_val
batch_size = 128
n_epochs = 10

iterations_per_epoch = math.ceil(n_train / batch_size)
total_updates = iterations_per_epoch * n_epochs
print(f"training images:      {n_train:,} ({n_val:,} held out for validation)")
print(f"iterations per epoch: ceil({n_train:,} / {batch_size}) = {iterations_per_epoch}")
print(f"weight updates:       {iterations_per_epoch} x {n_epochs} epochs = {total_updates:,}")

# %% [markdown]
# When Keras trains, it counts exactly these iterations: in lesson 01, the line it prints
# after each epoch of the first model starts with `422/422`.

# %% [markdown]
# ## 8. Why a convolutional network?
#
# The networks of this course are *convolutional*. Why not connect every pixel to every
# neuron, as a `Dense` layer does? Count the parameters. Take a grey image of 50×50 pixels
# (a small photo of a cell, say) and flatten it into 2,500 numbers. A `Dense(100)` layer has
# one weight for every pixel–neuron pair plus one bias per neuron:
# 2,500 × 100 + 100 = 250,100 parameters. With an output layer `Dense(2)` for two classes
# (100 × 2 + 2 = 202 more), the network has 250,302<!--out--> parameters. If you meet that
# number in a tutorial on 50×50 cell images, this is the network it counts: the dense layer
# and its two-class output together.
#
# Compare a convolution layer that sees the same image: `Conv2D(32, 3)` has 32 **filters**
# of 3×3 pixels. Keras counts the parameters of both with `count_params()`:

# %%
# NBVAL_CHECK_OUTPUT
dense_net = keras.Sequential([
    keras.Input(shape=(50, 50, 1)),  # one grey channel
    keras.layers.Flatten(),  # 50 x 50 x 1 -> 2,500 numbers
    keras.layers.Dense(100, activation="relu"),
    keras.layers.Dense(2, activation="softmax"),
])
conv_layer = keras.Sequential([
    keras.Input(shape=(50, 50, 1)),
    keras.layers.Conv2D(32, 3, activation="relu"),
])

print("dense network:")
for layer in dense_net.layers:
    print(f"  {type(layer).__name__:8} output {str(layer.output.shape):18} "
          f"{layer.count_params():>8,} parameters")
print(f"  total {dense_net.count_params():,} parameters")
conv = conv_layer.layers[0]
print(f"Conv2D(32, 3): output {conv.output.shape}, {conv_layer.count_params():,} parameters")

# %% [markdown]
# 320<!--out--> parameters instead of 250,100<!--out-->. Each filter is a 3×3 grid of weights
# plus a bias: 32 × (3 × 3 + 1) = 320. It slides over the image and computes a weighted sum
# of every 3×3 patch, which gives a 48×48 **feature map** (a 3×3 patch fits 48 times across
# 50 pixels). Two ideas make the convolution so small:
#
# - **Locality**: each output looks at a 3×3 patch, not at all 2,500 pixels. The pixels that
#   make an edge or a corner lie next to each other.
# - **Weight sharing**: the same 10 numbers of a filter are used at all 48 × 48 positions.
#   A filter that has learned to find a vertical edge finds it anywhere in the image, so the
#   network does not have to learn a cat in the top-left corner and again in the
#   bottom-right.
#
# The convolution is not a whole classifier: it gives 32 feature maps, not two probabilities.
# Lesson 01 adds pooling layers that shrink the maps and a small dense head that decides.
# But its parameter count depends only on the filter size and the number of channels, not on
# the size of the image, while a dense layer grows with every pixel:

# %%
# NBVAL_CHECK_OUTPUT
rows = [f"{'image':>11}  {'Dense(100)':>12}  {'Conv2D(32, 3)':>13}"]
for shape in [(28, 28, 1), (32, 32, 3), (50, 50, 1), (224, 224, 3)]:
    dense = keras.layers.Dense(100)
    dense.build((None, math.prod(shape)))  # the flattened image
    conv = keras.layers.Conv2D(32, 3)
    conv.build((None, *shape))
    size = "x".join(str(n) for n in shape)
    rows.append(f"{size:>11}  {dense.count_params():>12,}  {conv.count_params():>13,}")
print("\n".join(rows))

# %% [markdown]
# On a 224×224 colour photo, one dense layer of 100 neurons needs over 15 million
# parameters; the convolution still needs 896<!--out--> (32 × (3 × 3 × 3 + 1): a colour image
# has 3 channels). Fewer parameters means fewer numbers to learn from the same images, and
# fewer ways to memorise them instead of learning what the classes look like.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your code, already filled with a starting value that runs,
# and a check cell. Write your code, run your cell, then run the check: it prints
# "✅ Correct", or "❌" and tells you what is wrong, so you can fix it and run both cells
# again. In the notebook as you downloaded it the checks show "❌", because the starting
# code is not the answer yet. If you are stuck, open the solution below the check.

# %% [markdown]
# ## Exercise 1: standardise the columns of a matrix
#
# Neural networks learn best when every input feature has a similar scale. *Standardising*
# a feature means subtracting its mean and dividing by its standard deviation, so that it
# ends up with mean 0 and standard deviation 1.
#
# Complete `standardize(X)` so that it returns a **new** array of the same shape as `X` in
# which **every column** has mean 0 and standard deviation 1. Use `X.mean(...)` and
# `X.std(...)` with the right `axis`, and broadcasting. Do not change `X` itself.

# %%
def standardize(X):
    """Return X with every column rescaled to mean 0 and standard deviation 1."""
    return X  # replace with your code


print(np.round(standardize(X), 2))  # try it on the small X from section 2

# %%
passed = check_standardize(standardize)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def standardize(X):
#     """Return X with every column rescaled to mean 0 and standard deviation 1."""
#     return (X - X.mean(axis=0)) / X.std(axis=0)
# ```
#
# `axis=0` gives one mean and one standard deviation per column (shape `(n_columns,)`),
# and broadcasting applies them to every row.
#
# </details>

# %% [markdown]
# ## Exercise 2: write ReLU and sigmoid
#
# Write the two activation functions from section 4 as Python functions. Each must work
# on a single number **and** on a whole NumPy array at once (element by element, returning
# an array of the same shape). Hint: Python's `max` and `math.exp` only handle single
# numbers; NumPy has functions that handle both.

# %%
def relu(z):
    return z  # replace with your code


def sigmoid(z):
    return z  # replace with your code


print(relu(-2.0), sigmoid(0.0))  # should print 0.0 0.5

# %%
relu_passed = check_relu(relu)
sigmoid_passed = check_sigmoid(sigmoid)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def relu(z):
#     return np.maximum(0, z)
#
#
# def sigmoid(z):
#     return 1 / (1 + np.exp(-z))
# ```
#
# `np.maximum` and `np.exp` work element by element, on a number or an array alike.
#
# </details>

# %% [markdown]
# ## Exercise 3: a softmax that never overflows
#
# Write `softmax(scores)` as in section 6: it takes a 1-D NumPy array of scores, one per
# class, and returns an array of the same shape with the probabilities (all positive,
# adding up to 1). It must also work for scores such as `[1000.0, 1001.0, 1002.0]` or
# `[-1000.0, -1001.0, -1002.0]`, where `np.exp(scores) / np.exp(scores).sum()` gives `nan`.
# Hint: section 6 showed that subtracting the same number from every score changes nothing.
# Which number makes sure that no `np.exp` is ever too large? Do not change `scores` itself.

# %%
def softmax(scores):
    """Return the probabilities for a 1-D NumPy array of scores: positive, adding up to 1."""
    return scores  # replace with your code


print(np.round(softmax(np.array([2.0, 1.0, 0.1])), 3))  # should print [0.659 0.242 0.099]
print(np.round(softmax(np.array([1000.0, 1001.0, 1002.0])), 3))  # should print [0.09  0.245 0.665]

# %%
passed = check_softmax(softmax)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def softmax(scores):
#     """Return the probabilities for a 1-D NumPy array of scores: positive, adding up to 1."""
#     exp_scores = np.exp(scores - scores.max())  # the largest score becomes 0
#     return exp_scores / exp_scores.sum()
# ```
#
# After subtracting the largest score, every exponent is 0 or negative, so `np.exp` gives
# numbers between 0 and 1, and the largest score gives exactly 1: the sum can neither
# overflow nor be 0. Keras' softmax survives such scores too: try
# `keras.ops.softmax(np.array([1000.0, 1001.0, 1002.0]))`.
#
# </details>

# %% [markdown]
# ## Exercise 4: iterations per epoch for CIFAR-10
#
# CIFAR-10, which you will classify later in the course, has 50,000 training images.
# You hold out 10% for validation and train with batches of 64 images for 20 epochs.
# Compute, as in section 7:
#
# - `n_train`: the number of images left for training;
# - `iterations_per_epoch`: the number of batches in one epoch;
# - `total_updates`: the number of weight updates over all 20 epochs.

# %%
n_images = 50_000
validation_fraction = 0.1
batch_size = 64
n_epochs = 20

n_train = 0  # replace with your code
iterations_per_epoch = 0  # replace with your code
total_updates = 0  # replace with your code

print(n_train, iterations_per_epoch, total_updates)

# %%
passed = check_cifar10_iterations(n_train, iterations_per_epoch, total_updates)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# n_images = 50_000
# validation_fraction = 0.1
# batch_size = 64
# n_epochs = 20
#
# n_train = n_images - round(n_images * validation_fraction)  # 45,000
# iterations_per_epoch = math.ceil(n_train / batch_size)  # 703.125 rounded up: 704
# total_updates = iterations_per_epoch * n_epochs  # 14,080
#
# print(n_train, iterations_per_epoch, total_updates)
# ```
#
# The last batch holds only 8 images (45,000 − 703 × 64), but it is still one iteration,
# hence `math.ceil`.
#
# </details>

# %% [markdown]
# ## Quiz
#
# Four quick questions to check yourself. Pick an answer and press "Check".

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz(
    [
        Question(
            prompt="Why do you keep a test set aside until the very end?",
            options=[
                "So that training runs faster",
                "To get an honest estimate of how the final model does on new data",
                "Because the model needs it to compute the loss",
                "To choose the learning rate",
            ],
            answer=1,
            explanation=(
                "Anything you tune on the test set leaks into your choices, and the score "
                "becomes too optimistic. Make choices on the validation set."
            ),
        ),
        Question(
            prompt="What is ReLU(-3)?",
            options=["-3", "0", "3", "0.05"],
            answer=1,
            explanation="ReLU(z) = max(0, z): every negative input becomes 0.",
        ),
        Question(
            prompt=(
                "You train on 1,000 images with a batch size of 100. "
                "How many iterations (weight updates) make one epoch?"
            ),
            options=["1", "10", "100", "1,000"],
            answer=1,
            explanation="ceil(1,000 / 100) = 10 batches, one weight update each.",
        ),
        Question(
            prompt=(
                "A model gives the right class of an image a probability of 0.5. "
                "What is its cross-entropy loss for that image?"
            ),
            options=["0", "0.5", "about 0.69 (-ln 0.5)", "2"],
            answer=2,
            explanation=(
                "The loss is -ln(probability of the right class): -ln(0.5) is about 0.69. "
                "It would be 0 only if the model gave the right class a probability of 1."
            ),
        ),
    ],
    title="Quiz: prerequisites",
)

# %% [markdown]
# ## Check your environment
#
# The last cell checks that every package the course needs is installed and lists which
# datasets are already downloaded. "missing" is fine: each lesson downloads its dataset the
# first time you need it. If a package shows `MISSING` or `WRONG VERSION`, install the
# requirements as the message says, restart the kernel and run this notebook again.

# %%
# NBVAL_IGNORE_OUTPUT
environment_ok = course_utils.check_environment()

# %% [markdown]
# ## Key points
#
# - NumPy arrays hold the data and the weights; always check their `shape`. `axis=0`
#   computes per column, `@` is the matrix product and needs matching inner sizes.
# - Supervised learning fits a model on labelled training data. Make your choices on a
#   validation set and use the test set once, at the end.
# - A neuron computes a weighted sum plus a bias, then an activation such as ReLU
#   (`max(0, z)`) or sigmoid (between 0 and 1).
# - Training lowers a loss with an optimizer: gradient descent steps each weight against
#   its gradient, with a step size set by the learning rate. Keras' Adam does this for
#   millions of weights.
# - Softmax turns a classifier's scores into probabilities: `e ** score` divided by the sum,
#   computed as `np.exp(scores - scores.max())` so that it cannot overflow. The
#   cross-entropy loss of one image is `-ln(probability of the right class)`; Keras'
#   `sparse_categorical_crossentropy` computes it from a class number and the probabilities.
# - One iteration = one batch = one weight update; one epoch = one pass over the training
#   set = `ceil(n_train / batch_size)` iterations.
# - A dense layer needs one weight per pixel and neuron (250,100 for a 50×50 grey image
#   and 100 neurons); a convolution reuses a few small filters at every position of the
#   image (320 parameters for `Conv2D(32, 3)`), whatever the image size.
#
# ## Further reading
#
# - [NumPy quickstart](https://numpy.org/doc/stable/user/quickstart.html)
# - [scikit-learn: Getting started](https://scikit-learn.org/stable/getting_started.html)
# - [Keras: Getting started](https://keras.io/getting_started/)
# - [3Blue1Brown: Neural networks](https://www.3blue1brown.com/topics/neural-networks)
#   (video series, the visual intuition behind everything in this lesson)
