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
#   an epoch, a batch and an iteration are.
#
# ## Estimated time and what you need to know
#
# About 45 minutes, 15 of them exercises.
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
# which fixes the random seed (so you get the same numbers as in this notebook) and prints
# which versions of Python, TensorFlow and Keras you are running. TensorFlow may print a few
# lines of log messages in red the first time it loads: that is normal.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import course_utils
from course_utils.exercises import (
    check_cifar10_iterations,
    check_relu,
    check_sigmoid,
    check_standardize,
)
from course_utils.quiz import Question, show_quiz

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
# That is already good for 64 pixels. On real photos, though, such a model fails: it cannot
# recognise a cat that has moved a few pixels to the left. Convolutional networks, the
# subject of this course, can.

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
# ## 6. Epochs, batches and iterations
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
# When Keras trains, its progress bar counts exactly these iterations: `422/422` at the end
# of every epoch.

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
# ## Exercise 3: iterations per epoch for CIFAR-10
#
# CIFAR-10, which you will classify later in the course, has 50,000 training images.
# You hold out 10% for validation and train with batches of 64 images for 20 epochs.
# Compute, as in section 6:
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
# Three quick questions to check yourself. Pick an answer and press "Check".

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
# - One iteration = one batch = one weight update; one epoch = one pass over the training
#   set = `ceil(n_train / batch_size)` iterations.
#
# ## Further reading
#
# - [NumPy quickstart](https://numpy.org/doc/stable/user/quickstart.html)
# - [scikit-learn: Getting started](https://scikit-learn.org/stable/getting_started.html)
# - [Keras: Getting started](https://keras.io/getting_started/)
# - [3Blue1Brown: Neural networks](https://www.3blue1brown.com/topics/neural-networks)
#   (video series, the visual intuition behind everything in this lesson)
