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
# # 04 — Confusion matrix and error analysis
#
# Accuracy is one number. You find out *which* classes a CIFAR-10 model mixes up, measure
# precision and recall for each class, and look at the mistakes themselves.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/04_confusion_matrix.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/04_confusion_matrix.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - build a confusion matrix with scikit-learn, draw it as a heatmap with seaborn, and read
#   it, in counts and normalized by row;
# - explain the difference between **precision** and **recall**, compute both from a confusion
#   matrix, and read `classification_report`;
# - list the class pairs a model confuses most and look at the misclassified images;
# - choose what to try next (more data, augmentation, a better model) from what you saw;
# - keep the analysis honest: test-set predictions are for understanding, after the single
#   final evaluation; decisions are made on the validation split.
#
# **Estimated time:** about 50 minutes, of which about 4 minutes are training on a 2-core
# laptop and 15 minutes are exercises.
#
# **Before you start:** lesson 01 (training with a validation split, one final test).
# Lessons 02 (a better CIFAR-10 model) and 03 (data augmentation) help with section 8 but are
# not required.

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
# ones stored in this notebook (on the same kind of machine). The three error-analysis tools of
# this lesson live in `course_utils.mistakes`; the metrics come from `sklearn.metrics`.

# %%
import course_utils
import keras
import numpy as np
from course_utils import data, explore, models, plots, predictions
from course_utils.evaluation import evaluate_on_test
from course_utils.exercises import (
    check_dog_precision,
    check_most_confused_pair,
    check_per_class_recall,
)
from course_utils.mistakes import most_confused_pairs, plot_confusion_matrix, plot_misclassified
from course_utils.quiz import Question, show_quiz
from sklearn.metrics import classification_report, confusion_matrix

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. Load CIFAR-10
#
# CIFAR-10 holds 60,000 colour photos of 32×32 pixels in 10 classes. You met it in lesson 02;
# here it is the patient whose mistakes you examine. Check the shapes and the classes:

# %%
# NBVAL_CHECK_OUTPUT
(x_train, y_train), (x_test, y_test) = data.load_cifar10()
class_names = list(data.CIFAR10_CLASSES)

print("x_train:", x_train.shape, x_train.dtype, "| y_train:", y_train.shape)
print("x_test: ", x_test.shape, x_test.dtype, "| y_test: ", y_test.shape)
print("classes:", class_names)
print("test images per class:", np.bincount(y_test).tolist())

# %% [markdown]
# The test set has exactly 1,000 images of each class. Remember that: it makes the confusion
# matrix easy to read later (a count of 250 is 25% of a class).
#
# Hold out the last 5,000 training images (10%) as the **validation split**. You will use it
# while training, and again in section 8, where it is the right place for any analysis that
# leads to a decision. In fast mode, `shrink` keeps only 2,000 training images.

# %%
x_val, y_val = x_train[-5000:], y_train[-5000:]
x_train, y_train = x_train[:-5000], y_train[:-5000]
x_train, y_train = course_utils.shrink(x_train, y_train, fast=2000)
print(f"training on {len(x_train):,} images, validating on {len(x_val):,}")

# %% [markdown]
# ## 2. Train the model you will analyse
#
# You use the classic small CNN of lesson 02 (`models.classic_cifar_cnn()`: two
# convolution–pooling blocks and a dense layer, `Rescaling` inside). It reaches about 70%, so
# it leaves plenty of mistakes to study.
#
# One new piece: the `EarlyStopping` callback watches the validation accuracy, stops if it has
# not improved for 3 epochs, and at the end puts back the weights of the best epoch. This is a
# decision made on validation data, so it is allowed.

# %%
model = models.classic_cifar_cnn()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
keep_best = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=3,
                                          restore_best_weights=True, verbose=1)
history = model.fit(x_train, y_train, batch_size=64, epochs=course_utils.epochs(10),
                    validation_data=(x_val, y_val), callbacks=[keep_best], verbose=2)

# %% [markdown]
# *Figure: two line charts over the 9<!--out--> epochs that ran before early stopping. Left,
# accuracy: the training accuracy climbs steadily from 0.49<!--out--> to 0.82<!--out-->, while
# the validation accuracy reaches its best, 0.695<!--out-->, at epoch 6<!--out--> and then
# drifts down to 0.67<!--out-->. Right, loss: the training loss keeps falling; the validation
# loss is lowest at epoch 6 and rises after it.*

# %%
fig = plots.plot_history(history, title="Classic CNN on CIFAR-10")

# %% [markdown]
# The model overfits after epoch 6<!--out-->, as in lesson 02: `EarlyStopping` waited 3 more
# epochs, stopped after epoch 9<!--out--> and put back the weights of epoch 6. That is fine
# for this lesson: what matters now is *what kind* of mistakes this model makes.

# %% [markdown]
# ## 3. The final test, once
#
# Your model is chosen. Measure it on the 10,000 test images, once:

# %%
test_accuracy = evaluate_on_test(model, x_test, y_test)

# %% [markdown]
# > **From here on you only look.** Everything below studies the test-set predictions to
# > *understand* the model. If what you see makes you change the model, the test accuracy
# > above is no longer an honest estimate for the changed model, and you would need new test
# > data. Section 8 shows how to do the same analysis on the validation split, which is where
# > decisions belong.
#
# `predict` returns 10 probabilities per image; the predicted class is the largest one.

# %%
probabilities = model.predict(x_test, batch_size=512, verbose=0)
y_pred = probabilities.argmax(axis=1)
print(f"{np.sum(y_pred != y_test):,} of {len(y_test):,} test images are misclassified")

# %% [markdown]
# ## 4. The confusion matrix
#
# A **confusion matrix** counts every combination of true class and predicted class: the cell
# in row *i*, column *j* holds the number of images of class *i* that the model called *j*.
#
# - The **diagonal** (row = column) holds the correct predictions.
# - Everything off the diagonal is a mistake, and tells you which class was taken for which.
#
# `sklearn.metrics.confusion_matrix(y_true, y_pred)` computes it. Rows are the true classes,
# columns the predictions, both in class-number order (0 = airplane, ..., 9 = truck).

# %%
cm = confusion_matrix(y_test, y_pred)
print(cm)
print("row sums (test images per true class):", cm.sum(axis=1).tolist())
print(f"diagonal / all images = {np.trace(cm) / cm.sum():.4f}  (the test accuracy again)")

# %% [markdown]
# A wall of numbers is hard to read. A **heatmap** colours each cell by its count. The
# plotting library seaborn draws one from `cm` with `sns.heatmap`: `annot=True` writes the
# count in every cell, `fmt="d"` writes it as a whole number, `cmap="Blues"` makes larger
# counts darker blue, and the class names label the rows and columns. Rows (true classes)
# run down the side and columns (predictions) along the bottom, as in `cm`.
#
# *Figure: a 10×10 heatmap of counts, true class down the side, predicted class along the
# bottom. The diagonal, dark except for bird and cat, holds the correct predictions, from
# 415<!--out--> (cat) to 824<!--out--> (ship). The largest off-diagonal cells are bird
# predicted as deer (195<!--out-->), cat predicted as dog (172<!--out-->) and cat predicted as
# deer (138<!--out-->), then airplane predicted as ship (113<!--out-->), automobile predicted as
# truck (107<!--out-->) and dog predicted as cat (107<!--out-->).*

# %%
import matplotlib.pyplot as plt
import seaborn as sns

fig, ax = plt.subplots(figsize=(9, 7.5), layout="constrained")
sns.heatmap(cm, annot=True, fmt="d", cmap="Blues", xticklabels=class_names,
            yticklabels=class_names, cbar_kws={"label": "number of images"}, ax=ax)
ax.set(title="CIFAR-10 test set: number of images", xlabel="predicted class",
       ylabel="true class")
ax.tick_params(axis="y", rotation=0)  # class names on the side: horizontal, easier to read
plt.show()

# %% [markdown]
# Read it row by row: a row is all 1,000 test images of one true class, spread over the
# predictions. Most of the larger mistakes (the pale blue cells off the diagonal) pair an
# animal with another animal (bird to horse, the middle of the matrix) or a vehicle with
# another vehicle (airplane, automobile, ship and truck, the corners); an animal taken for a
# vehicle is rarer. So the model seems to have learned *something* about what animals and
# vehicles look like, just not enough to separate similar classes.
#
# ### Normalized by row
#
# Counts are misleading when classes have different sizes: 50 mistakes are a lot for a class
# with 100 images and few for one with 5,000. Dividing each row by its sum turns counts into
# **shares of the true class**: every row then sums to 100%, and the diagonal cell is the
# fraction of that class the model finds (its **recall**, see section 5). On this balanced test
# set the shares are simply the counts divided by 1,000; on unbalanced data they are the only
# fair comparison.
#
# From here on the lesson draws the matrix with `plot_confusion_matrix` from
# `course_utils.mistakes`. It makes the same `sns.heatmap` call, and also takes the labels and
# the predictions (or the probabilities) directly, computes the matrix itself, and with
# `normalize=True` divides every row by its sum (read it with `help(plot_confusion_matrix)`).
#
# *Figure: the same heatmap with each cell given as a percentage of its row. The diagonal
# ranges from 42% (cat) to 82% (automobile and ship); the largest mistakes are the 20% of birds
# called deer and the 17% of cats called dog.*

# %%
fig = plot_confusion_matrix(y_test, probabilities, class_names, normalize=True,
                            title="CIFAR-10 test set: share of each true class")

# %% [markdown]
# ## 5. Precision, recall and F1
#
# Take one class, say *cat*. Two different questions can be asked about it:
#
# - **Recall** — *of all the real cats, how many did the model find?*
#   The diagonal cell divided by its **row** sum: correct cats / all cat images.
# - **Precision** — *of everything the model called "cat", how much really is a cat?*
#   The diagonal cell divided by its **column** sum: correct cats / all "cat" predictions.
#
# A model that calls *everything* a cat has a recall of 100% for cats and a terrible
# precision; a model that says "cat" only once, when it is sure, can have a precision of 100%
# and a tiny recall. The **F1 score** combines them, as their harmonic mean
# 2·P·R / (P + R), which is high only when both are.

# %%
cat = class_names.index("cat")
recall_cat = cm[cat, cat] / cm[cat, :].sum()
precision_cat = cm[cat, cat] / cm[:, cat].sum()
f1_cat = 2 * precision_cat * recall_cat / (precision_cat + recall_cat)
print(f"cat: recall {recall_cat:.3f}, precision {precision_cat:.3f}, F1 {f1_cat:.3f}")

# %% [markdown]
# `classification_report` computes the three numbers for every class at once. `support` is
# the number of test images of the class. The *macro avg* is the plain average over classes
# (every class counts the same); the *weighted avg* weights each class by its support. On
# this balanced test set they are equal, and the overall accuracy is the same as the test
# accuracy of section 3.

# %%
print(classification_report(y_test, y_pred, target_names=class_names, digits=3))

# %% [markdown]
# Which number matters depends on what a mistake costs. A screening test for a disease needs
# a high **recall** (a missed patient is worse than a false alarm, which a second test sorts
# out). A spam filter needs a high **precision** (a real mail thrown away is worse than some
# spam getting through). For CIFAR-10 all mistakes cost the same, so F1 and accuracy tell the
# same story, but the report shows *where* the model is weak: cat (0.488<!--out-->) and bird
# (0.537<!--out-->) have by far the lowest F1, followed by deer and dog.

# %% [markdown]
# ## 6. The most confused pairs
#
# The largest off-diagonal cells are the mistakes worth studying first.
# `most_confused_pairs` lists them, largest first; each entry has the fields `true`,
# `predicted`, `count`, `share` (of the true class), `true_name` and `predicted_name`, and
# prints as one line. Note that cat → dog and dog → cat are two different cells.

# %%
pairs = most_confused_pairs(y_test, probabilities, class_names, n=6)
for pair in pairs:
    print(pair)

# %% [markdown]
# The list confirms what the heatmap suggested. Cats and dogs are mixed up in both
# directions, probably because fur, four legs and similar poses look alike at 32×32 pixels.
# Automobiles taken for trucks share wheels, windows and a road. Birds and cats taken for
# deer, and airplanes taken for ships, are less obvious; the images in the next section
# suggest a reason.

# %% [markdown]
# ## 7. Look at the mistakes
#
# Numbers tell you *where* the model fails; the images suggest *why*. `plot_misclassified`
# shows the test images of the worst pair, most confident mistakes first, each with the
# prediction, the model's confidence and the true label.
#
# *Figure: 16 bird photos, each framed in red and titled "pred: deer" with a confidence
# between 90% and 99%. Most show a brown or grey bird standing on green grass or among
# plants, often small in the frame: ostrich-like birds, small songbirds in the grass, and a
# green parrot.*

# %%
worst = pairs[0]
fig = plot_misclassified(x_test, y_test, probabilities, class_names, true_class=worst.true,
                         predicted_class=worst.predicted, n=16)

# %% [markdown]
# Look at the backgrounds: grass and leaves in almost every picture. That suggests a
# **hypothesis**: the model has partly learned "green background → deer", a shortcut through
# the background instead of the animal. The same kind of shortcut could explain airplanes
# taken for ships (blue sky, blue sea). The numbers alone could not have suggested this.
#
# A hypothesis needs evidence. A first, rough test needs only NumPy: are deer photos really
# greener around the edges than the other classes? The cell counts, for every training
# image, the share of its border pixels (the outer 4 pixels) whose green value is larger than
# its red and its blue value, and likewise for blue; then, per class, the share of images
# whose border is mostly (more than half) green or mostly blue.

# %%
frame = np.ones((32, 32), dtype=bool)
frame[4:-4, 4:-4] = False  # True only on the outer 4 pixels of the image
border = x_train[:, frame]  # shape (images, border pixels, 3 colours), still uint8
red, green, blue = border[..., 0], border[..., 1], border[..., 2]
mostly_green = ((green > red) & (green > blue)).mean(axis=1) > 0.5  # one True/False per image
mostly_blue = ((blue > red) & (blue > green)).mean(axis=1) > 0.5
print(f"{'class':12} {'mostly green border':>20} {'mostly blue border':>19}")
for c, name in enumerate(class_names):
    print(f"{name:12} {mostly_green[y_train == c].mean():20.0%} "
          f"{mostly_blue[y_train == c].mean():19.0%}")

# %% [markdown]
# In this training set deer have the most green-bordered photos (39%<!--out-->), but birds
# come second (32%<!--out-->): a green background alone cannot tell a deer from a bird, so a
# model that leans on it would call some birds on grass deer. Airplanes and ships have by far the
# most blue borders (55%<!--out--> and 66%<!--out-->), which fits the airplane → ship
# mistakes. This shows that the shortcut *exists in the data*, not that the model *uses* it.
# Lesson 07, *Inside a CNN* (section 5), tests the hypothesis on a model itself: with Grad-CAM
# heatmaps it measures, over all the birds the model took for deer, how much of the evidence
# lies on the border of the photo and on green pixels, and compares that with the birds and
# deer it got right. Its answer, for the course's CIFAR-10 recipe: the birds taken for deer
# are indeed greener photos, but the model's evidence is not on the green pixels (no more
# than their area) nor on the border, so "it judges by the green background" is not
# supported at that resolution.
#
# Now the mistakes the model was *most sure* about, over all classes. Very confident mistakes
# are worth a second look: they show unusual photos, possible shortcuts like the one above and,
# in many datasets, images with a wrong label.
#
# *Figure: 16 misclassified test images of various classes, each framed in red, all predicted
# with a confidence of 99% or 100%. Among them: a dark deer among trees called horse, an
# airplane seen head-on called truck, a green, frog-like photo labelled cat called frog,
# airplanes over the sea called ship, a black dog called cat, a white bird over dark water
# called ship, and ships and automobiles mixed up in both directions.*

# %%
wrong = np.flatnonzero(y_pred != y_test)
most_sure = wrong[np.argsort(-probabilities[wrong].max(axis=1), kind="stable")][:16]
fig = predictions.plot_predictions(x_test[most_sure], y_test[most_sure], probabilities[most_sure],
                                   class_names, title="The most confident mistakes")

# %% [markdown]
# ### Drill down into any cell of the matrix
#
# Every off-diagonal cell of the confusion matrix is a pile of images. The **confusion
# drill-down** opens any of them: choose a true class and a predicted class and it shows those
# test images, most confident mistakes first (up to 16). It starts on the most confused pair.
# Pick the same class twice to see images the model got right. Try cat → dog and dog → cat:
# are the two kinds of mistakes alike? (The controls work while the notebook runs in Jupyter;
# a static copy shows the first picture. Without the controls: `plot_misclassified(x_test,
# y_test, probabilities, class_names, true_class="cat", predicted_class="dog")`.)
#
# *Figure: a drill-down with two drop-down lists, "true class" and "predicted", above a status
# line and a grid of up to 16 test photos of the most confused pair, titled with the true class,
# the predicted class and how many test images fall in that cell of the confusion matrix: here
# 16 of the 195 birds predicted as deer.*

# %%
# NBVAL_IGNORE_OUTPUT
explore.confusion_explorer(x_test, y_test, probabilities, class_names)

# %% [markdown]
# ## 8. What to do about it
#
# Error analysis turns "70% accurate" into a list of concrete problems, and each has its own
# remedies:
#
# - **Similar classes (cat/dog, automobile/truck)**: the model probably needs finer features,
#   such as ears and snouts, or the shape of a cab. Try a **better model** (lesson 02's
#   `better_cifar_cnn`: more convolution blocks with more filters, batch normalization and
#   a global-average-pooling head), or later a pretrained network.
# - **Unusual poses and crops**: show the model more variety with **data augmentation**
#   (lesson 03: flips, shifts, zooms).
# - **A shortcut through the background (bird → deer)**, if lesson 07 confirms it:
#   augmentation cannot move a bird onto a lawn. Collect **more data** that breaks the link,
#   such as birds on grass and deer in snow, for the weak classes.
# - **Confident mistakes that look like wrong labels**: fix the labels, if you own the data.
#   Even the CIFAR-10 test set contains a few (see *Further reading*).
# - **Mistakes that do not matter for your application**: merge the classes, or accept them.
#
# Whatever you try, compare the models on the **validation split**, never on the test set.
# The same analysis works there unchanged: pass the validation images and labels instead.

# %%
val_probabilities = model.predict(x_val, batch_size=512, verbose=0)
val_accuracy = np.mean(val_probabilities.argmax(axis=1) == y_val)
print(f"validation accuracy: {val_accuracy:.4f}")
for pair in most_confused_pairs(y_val, val_probabilities, class_names, n=3):
    print(pair)

# %% [markdown]
# The validation accuracy is 0.6954<!--out-->, that of epoch 6 in the training log, because
# `EarlyStopping` put back that epoch's weights. The validation list starts with the same two
# pairs as the test list (bird → deer, then cat → dog), followed by dog → cat, which is on the
# test list too; so you could have found
# these weaknesses without touching the test set. To improve the model you would iterate
# here: change one thing, retrain, compare the validation confusion matrices
# (`plot_confusion_matrix(y_val, val_probabilities, class_names)`), and test only the final
# choice, once.

# %% [markdown]
# ## Exercise 1: recall of each class
#
# The three exercises use a small confusion matrix from a model with four classes. Rows are
# the true classes, columns the predictions, in the order cat, dog, car, truck. Run this cell:

# %%
# NBVAL_CHECK_OUTPUT
small_names = ["cat", "dog", "car", "truck"]
small_cm = np.array([
    [45, 21, 2, 4],
    [14, 66, 1, 3],
    [1, 0, 80, 9],
    [2, 1, 17, 60],
])
print("rows = true class, columns = predicted class:", small_names)
print(small_cm)

# %% [markdown]
# Compute the **recall** of each of the four classes with NumPy, as an array of four fractions
# between 0 and 1. Recall = correct predictions of a class / images of that true class. The
# check compares your numbers with `sklearn.metrics.recall_score`.

# %%
recall = np.zeros(4)  # replace with your calculation, one number per class

passed = check_per_class_recall(recall)

# %% [markdown]
# <details><summary>Solution</summary>
#
# The correct predictions are on the diagonal; the images of each true class are the row sums:
#
# ```python
# recall = small_cm.diagonal() / small_cm.sum(axis=1)
# ```
#
# That gives 0.625 (cat), 0.786 (dog), 0.889 (car) and 0.750 (truck). `sum(axis=0)` would
# sum the columns instead and give the precision.
# </details>

# %% [markdown]
# ## Exercise 2: find the most confused pair
#
# Which mistake happens most often in `small_cm`? Find the true class (row) and the predicted
# class (column) of the largest cell **off** the diagonal, with NumPy rather than by eye.
# Hints: `np.fill_diagonal(a, 0)` sets the diagonal of `a` to 0 (in place, so work on a copy);
# `a.argmax()` gives the position of the largest value in the flattened array, and
# `np.unravel_index(position, a.shape)` turns it into (row, column).

# %%
off_diagonal = small_cm.copy()
# set the diagonal of off_diagonal to 0, then find the row and column of its largest value
true_class, predicted_class = 0, 0  # replace

passed = check_most_confused_pair(true_class, predicted_class)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# off_diagonal = small_cm.copy()
# np.fill_diagonal(off_diagonal, 0)
# true_class, predicted_class = np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)
# ```
#
# Row 0, column 1: 21 cats were predicted as dog. Without the `fill_diagonal` step you would
# get the diagonal cell (car, car) with 80 correct images.
# </details>

# %% [markdown]
# ## Exercise 3: precision by hand
#
# What is the **precision** of the class *dog* in `small_cm`? Write it as a fraction of two
# numbers you read from the matrix (or with indexing). Precision = correct dog predictions /
# all images the model predicted as dog.

# %%
dog_precision = 0  # replace with your calculation

passed = check_dog_precision(dog_precision)

# %% [markdown]
# <details><summary>Solution</summary>
#
# Everything predicted as dog is in the dog **column** (column 1): 21 + 66 + 0 + 1 = 88
# images, of which 66 are dogs.
#
# ```python
# dog_precision = small_cm[1, 1] / small_cm[:, 1].sum()  # = 66 / 88 = 0.75
# ```
#
# The recall of dog is different: 66 / 84 = 0.786, because its row holds 84 dog images.
# </details>

# %% [markdown]
# ## Exercise 4 (open): fix the worst pair
#
# Copy the training cell of section 2 into a new cell, and build the model with data
# augmentation in front of it (lesson 03), for example
# `keras.Sequential([keras.Input((32, 32, 3), dtype="uint8"), models.cifar_augmentation(),
# *models.classic_cifar_cnn().layers])`. Train it, then compare on the **validation split**:
# did the recall of cat and dog go up? Did the cat → dog count go down? Use
# `plot_confusion_matrix(y_val, ...)` and `most_confused_pairs(y_val, ...)`; do not call
# `evaluate_on_test` again.

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "In a confusion matrix (rows = true class, columns = predicted class), the cell in "
        "row 'cat', column 'dog' holds 120. What does that mean?",
        ["120 dog images were predicted as cat",
         "120 cat images were predicted as dog",
         "The model is 120% more likely to say dog than cat"],
        answer=1,
        explanation="The row is the true class and the column the prediction: 120 cats were "
                    "called dog.",
    ),
    Question(
        "The model predicted 'dog' for 900 images, and 600 of them are dogs. The test set "
        "holds 1,000 dogs. What is the precision of dog?",
        ["600 / 1000 = 0.60", "600 / 900 = 0.67", "900 / 1000 = 0.90"],
        answer=1,
        explanation="Precision divides by all dog predictions (900); 600 / 1000 would be the "
                    "recall.",
    ),
    Question(
        "In a confusion matrix normalized by row, what is the diagonal cell of a class?",
        ["Its precision", "Its recall", "Its F1 score"],
        answer=1,
        explanation="Each row is divided by the number of images of that true class, so the "
                    "diagonal is the share of the class found: the recall.",
    ),
    Question(
        "Error analysis on the test set shows that cats and dogs are often confused. "
        "What do you do next?",
        ["Add augmentation, retrain and check the test accuracy until it improves",
         "Try a change and compare models on the validation split; test only the final "
         "choice once",
         "Remove the cat images the model gets wrong from the test set"],
        answer=1,
        explanation="Decisions belong on the validation split; tuning on the test set makes "
                    "its number optimistic, and removing hard test images hides the problem.",
    ),
], title="Lesson 04 quiz")

# %% [markdown]
# ## Key points
#
# - A confusion matrix counts true class (rows) × predicted class (columns); the diagonal is
#   correct, everything else shows which class was taken for which.
#   `sns.heatmap(cm, annot=True, fmt="d")` draws it.
# - Normalize each row to compare classes of different sizes; the diagonal then shows the
#   recall of each class.
# - **Recall** = diagonal / row sum (how many of the real ones were found); **precision** =
#   diagonal / column sum (how many of the predictions were right); **F1** combines both.
#   `classification_report` gives all three per class.
# - Start with the most confused pairs, and look at the images: they suggest whether the
#   model lacks features, variety, or correct labels, or takes a shortcut. Treat what you see
#   as a hypothesis, and test it.
# - Remedies: a better model, augmentation, more (or better-labelled) data for the weak classes.
# - Look at test-set mistakes only after the single final evaluation, to understand; do the
#   analysis that drives decisions on the validation split.

# %% [markdown]
# ## Further reading
#
# - scikit-learn user guide: [Confusion matrix](https://scikit-learn.org/stable/modules/model_evaluation.html#confusion-matrix)
#   and [Precision, recall and F-measures](https://scikit-learn.org/stable/modules/model_evaluation.html#precision-recall-f-measure-metrics)
# - Google Machine Learning Crash Course: [Accuracy, precision,
#   recall](https://developers.google.com/machine-learning/crash-course/classification/accuracy-precision-recall)
# - Keras API: [EarlyStopping](https://keras.io/api/callbacks/early_stopping/)
# - Northcutt, Athalye and Mueller (2021), [Pervasive label errors in test sets destabilize
#   machine learning benchmarks](https://arxiv.org/abs/2103.14749), with examples from
#   CIFAR-10 at [labelerrors.com](https://labelerrors.com/)
#
# Next: lesson 05 trains on your own folder of images (blood cells) and uses these tools to
# check what the model gets wrong.
