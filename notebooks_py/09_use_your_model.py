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
# # 09 — Put your model to work: your own photos, a folder of them, and a small web service
#
# You point a trained CNN at photos it has never seen: one you upload, a whole folder of
# them written to a CSV file, and photos sent over HTTP to a small web service that you start
# and stop from this notebook. On the way you check how far to trust its probabilities.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/09_use_your_model.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/09_use_your_model.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - prepare a photo the way the model was trained: upright (the EXIF orientation tag of phone
#   photos), RGB, cut to the model's shape, resized;
# - classify one photo, a folder of photos (with a CSV of the answers), and find the answers a
#   person should check;
# - read a reliability diagram: how often the model is right when it says 90%;
# - serve a saved model over HTTP, call it from Python, and say what the service refuses and
#   why.
#
# **Estimated time:** about 60 minutes, of which about 2 minutes are training on a 2-core
# laptop and 15 minutes are exercises.
#
# **Before you start:** lesson 05 (the blood-cell folders, the split by source cell) and
# lesson 06 (saving a model, `safe_mode`, `model.export`).

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
# Run this cell first. `course_utils.photos` reads one photo as a person sees it,
# `predictor` puts a model and its class names together, and `serve` / `service` are the web
# service of section 5.

# %%
import shutil
import statistics
import time
from pathlib import Path

import course_utils
import keras
import matplotlib.pyplot as plt
import numpy as np
import requests
from course_utils import data
from course_utils.calibration import (
    expected_calibration_error,
    plot_reliability,
    reliability_table,
)
from course_utils.cells import train_cell_model
from course_utils.exercises import check_ask_service, check_confident_share, check_prepare_photo
from course_utils.folder_predictions import least_confident, predict_folder
from course_utils.photo_figures import plot_least_confident, plot_photo_prediction
from course_utils.photo_widget import photo_uploader
from course_utils.photos import model_view, read_photo
from course_utils.predictor import Predictor, save_with_classes
from course_utils.quiz import Question, show_quiz
from course_utils.service import start_service
from PIL import Image

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. A model to put to work
#
# You need a trained model. Lesson 05 built a small CNN for the blood-cell photos step by
# step; `train_cell_model` does the same in one call: it splits the `TRAIN` folder by source
# cell (so that no copy of a validation cell is among the training images), trains lesson
# 05's CNN, and keeps the epoch with the best validation accuracy. The photos are 320×240,
# so the model takes 60×80 pixels, the same 4:3 shape at a quarter of the side, which keeps
# the training to about a minute.

# %%
cells_dir = data.blood_cells_dir()
trained = train_cell_model(cells_dir / "TRAIN", image_size=(60, 80), epochs=4)
class_names = trained.class_names
print(f"kept epoch {trained.best_epoch}: validation accuracy {trained.val_accuracy:.4f}")

# %% [markdown]
# The validation accuracy jumps from epoch to epoch, as in lesson 05, and the checkpoint kept
# epoch 2<!--out-->: 0.6846<!--out--> on the validation cells, about seven answers in ten right.
# It is a quick model, trained for four epochs on small images; good enough to learn how to
# put a model to work, and section 4 shows how far to trust it.
#
# A model is only useful with its class names: the model outputs four probabilities, and
# "class 2" means nothing to the person who uploads a photo. `save_with_classes` saves the
# model as lesson 06 taught (`model.save("cells.keras")`) and adds the names to the file;
# with a folder name instead it calls `model.export` (a SavedModel for serving) and puts the
# names in the folder. `Predictor.from_file` loads either one back with `safe_mode=True` and
# reads the names. Everything this lesson writes goes to `saved_models/lesson09/` next to
# this notebook; the cell creates it.

# %%
save_dir = Path("saved_models") / "lesson09"
save_dir.mkdir(parents=True, exist_ok=True)
model_path = save_with_classes(trained.model, save_dir / "cells.keras", class_names)
export_dir = save_dir / "cells_export"
if export_dir.exists():
    shutil.rmtree(export_dir)  # an export is a folder: remove the old one first
save_with_classes(trained.model, export_dir, class_names)

predictor = Predictor.from_file(model_path)
print(predictor)
print("from the export folder:", Predictor.from_file(export_dir))

# %% [markdown]
# ## 2. One photo
#
# ### Phone photos are stored sideways
#
# A phone camera's sensor has one orientation. When you hold the phone upright, most phones
# do not turn the pixels; they store them as the sensor saw them and write an **EXIF
# orientation tag** (a number from 1 to 8) that tells viewers how to turn the picture for
# display. Your photo viewer obeys the tag. TensorFlow's decoders, and so Keras'
# `load_img` and `image_dataset_from_directory`, ignore it
# ([tensorflow#49834](https://github.com/tensorflow/tensorflow/issues/49834)).
#
# Make such a photo from a test image: store its pixels turned a quarter turn
# anticlockwise, with tag 6 ("turn me a quarter turn clockwise to show me").

# %%
test_dir = cells_dir / "TEST"
sample_path = sorted((test_dir / "MONOCYTE").glob("*.jpeg"))[0]
upright = Image.open(sample_path).convert("RGB")
stored = upright.transpose(Image.Transpose.ROTATE_90)  # as the sensor saw it
exif = stored.getexif()
exif[0x0112] = 6  # the EXIF orientation tag
phone_photo = save_dir / "phone_photo.jpg"
stored.save(phone_photo, quality=95, exif=exif)

keras_view = keras.utils.load_img(phone_photo)
photo = read_photo(phone_photo)
print("Keras load_img:", keras_view.size, "(width × height)")
print("read_photo:    ", photo.size, photo.notes)

# %% [markdown]
# *Figure: the same photo twice. Left, as Keras' `load_img` reads it: a blood cell lying on
# its side, 240 wide and 320 high. Right, as `read_photo` reads it: upright, 320 wide and
# 240 high, like the training photos.*

# %%
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
for ax, image, title in [(axes[0], keras_view, "keras.utils.load_img: tag ignored"),
                         (axes[1], photo.image, "read_photo: turned upright")]:
    ax.imshow(image)
    ax.set_title(title)
    ax.set_xlabel(f"width {image.size[0]} px")
    ax.set_ylabel(f"height {image.size[1]} px")
fig.suptitle("One phone photo with EXIF orientation 6")
fig.tight_layout()

# %% [markdown]
# Does it matter to the model? Ask it about both versions: the sideways one prepared as
# Keras would (squashed to 60×80 without looking at the tag), and the upright one.

# %%
sideways = np.asarray(keras_view.resize((80, 60), Image.Resampling.BILINEAR))
for name, pixels in [("sideways", sideways), ("upright", model_view(photo, (60, 80)))]:
    probabilities = predictor.predict_pixels(pixels)[0]
    best = int(probabilities.argmax())
    print(f"{name:9} {class_names[best]:<11} {probabilities[best]:.3f}")

# %% [markdown]
# Here it hardly matters: MONOCYTE at 0.999<!--out--> sideways and 0.993<!--out--> upright.
# A blood cell on a slide has no up or down, and the training folder holds each cell several
# times, turned and shifted (lesson 05 showed eight copies of one cell), so this model has
# learned to ignore a quarter turn, and even the squashing. That is a property of this data,
# not a rule: a photo with an up and a down (a digit, a face, a street sign) turned sideways
# is a picture a model trained on upright photos has never seen. Check your own model the
# same way, with both versions of a photo, before you decide the tag does not matter.
#
# The course's own tools obey the tag: `scan_image_folder` reports how many images carry
# one ("… images carry a rotation tag; they are turned upright") and `load_image_folder`
# turns them upright inside its `tf.data` pipeline, so lesson 05's steps work on a folder of
# phone photos too.
#
# ### Classify a photo: upload one, or give a path
#
# `photo_uploader(predictor)` shows an **Upload** button (in JupyterLab, Binder and Colab).
# Choose a photo: it shows the image as the model sees it, upright and cut to the model's 4:3
# shape (nothing is squashed), and the top 3 classes with their probabilities. In a static
# view of this page there is no button: run the notebook.

# %%
# NBVAL_IGNORE_OUTPUT
photo_uploader(predictor)

# %% [markdown]
# Without the widget, read the photo from a path. `model_view` is the step that cuts the
# centre to the model's aspect ratio and resizes it, the same way the training images were
# resized.
#
# *Figure: left, the phone photo as the model sees it, 60×80 pixels, upright; right, a
# horizontal bar chart of the model's three most probable classes with their probabilities
# written on the bars.*

# %%
prediction = predictor.predict_photo(photo)
fig = plot_photo_prediction(prediction, photo=photo)

# %% [markdown]
# ### Photos that are not what you expect
#
# People upload all sorts of files. Here are eight of them, made from the same test photo:
# a text file named `.jpg`, a JPEG cut off half-way (a download that stopped), an empty
# file, an animated GIF, a 40-megapixel photo, a grey one, a transparent PNG and a 16-bit
# PNG. `read_photo` either reads each one, with a note on what it did, or refuses it with one
# sentence.

# %%
odd_dir = save_dir / "odd_photos"
shutil.rmtree(odd_dir, ignore_errors=True)
odd_dir.mkdir()
(odd_dir / "notes.jpg").write_text("Remember to bring the slides.\n")
jpeg_bytes = sample_path.read_bytes()
(odd_dir / "cut_off.jpg").write_bytes(jpeg_bytes[: len(jpeg_bytes) // 2])
(odd_dir / "empty.jpg").write_bytes(b"")
frames = [upright.rotate(angle) for angle in (0, 10, 20)]
frames[0].save(odd_dir / "wobble.gif", save_all=True, append_images=frames[1:], duration=200)
upright.resize((7296, 5472)).save(odd_dir / "forty_megapixels.jpg", quality=85)
upright.convert("L").save(odd_dir / "grey.png")
upright.convert("RGBA").save(odd_dir / "transparent.png")
Image.fromarray(np.asarray(upright.convert("L"), dtype=np.uint16) * 257).save(
    odd_dir / "sixteen_bit.png")

for path in sorted(odd_dir.iterdir()):
    start = time.perf_counter()
    try:
        odd = read_photo(path)
    except ValueError as err:  # PhotoError is a ValueError
        print(f"{path.name:<21} refused: {err}")
        continue
    answer = predictor.predict_photo(odd)
    seconds = time.perf_counter() - start
    print(f"{path.name:<21} {answer.class_name} {answer.probability:.3f} "
          f"({seconds:.2f} s){': ' + '; '.join(odd.notes) if odd.notes else ''}")

# %% [markdown]
# Each refusal is one sentence that says what to do, and nothing was read sideways or
# squashed. Look at the grey photo: without the colours of the stain the model keeps its
# answer but is much less sure of it (MONOCYTE at 0.765<!--out--> instead of 0.992<!--out-->
# for the same photo in colour, `transparent.png`), so colour counts in its answer; one photo
# cannot tell you how often grey would change the class itself. The 16-bit PNG, the same grey
# picture stored with 65,536 levels instead of 256, gets the same answer once `read_photo`
# scales it to 0–255 (Pillow's plain `convert("RGB")` would clip it to white). A model is only
# as good as the photos are like its training photos.
#
# The 40-megapixel photo is decoded at a reduced scale, which JPEG allows, and then shrunk:
# it takes a fraction of a second instead of filling the memory. (Over 89 million pixels,
# Pillow's decompression-bomb limit, a photo is refused.)

# %% [markdown]
# ## 3. A folder of photos
#
# Often you have not one photo but a folder of them: the week's slides, a camera's memory
# card. Make one from 25 test photos of each class, under plain names that do not give the
# class away, and add one broken file.

# %%
new_dir = save_dir / "new_cells"
shutil.rmtree(new_dir, ignore_errors=True)
new_dir.mkdir()
truth = {}
for name in class_names:
    for path in sorted((test_dir / name).glob("*.jpeg"))[:25]:
        new_name = f"cell_{len(truth) + 1:03d}.jpeg"
        shutil.copy(path, new_dir / new_name)
        truth[new_name] = name
(new_dir / "cell_broken.jpeg").write_bytes(jpeg_bytes[:2000])
print(len(truth), "photos and 1 broken file in", course_utils.short_path(new_dir))

# %% [markdown]
# `predict_folder` reads every file in the folder (sub-folders too) with `read_photo`,
# predicts in batches of 32, and writes one row per file to a CSV: the file, the predicted
# class, its probability, and a problem for a file it could not read. It returns the same
# table as a pandas `DataFrame`.

# %%
csv_path = save_dir / "predictions.csv"
table = predict_folder(predictor, new_dir, csv_path=csv_path)
table.head()

# %% [markdown]
# The CSV opens in any spreadsheet. Its last row is the broken file, with the reason:

# %%
print(csv_path.read_text().splitlines()[0])
print(table[table.problem != ""].to_string(index=False))

# %% [markdown]
# These are test photos, so you know the truth. This is the one time in this lesson that the
# test photos are scored; nothing is chosen by it.

# %%
read = table[table.problem == ""]
right = sum(truth[file] == predicted
            for file, predicted in zip(read.file, read.predicted_class, strict=True))
print(f"{right} of {len(read)} right")
print(f"Test accuracy: {right / len(read):.4f}")

# %% [markdown]
# ### Where a person should look
#
# A model that labels hundreds of photos is most useful when it also says which of its
# answers to check. The simplest sign is a low top probability. `least_confident` sorts the
# photos that were read by their probability, lowest first.
#
# *Figure: the eight least confident photos of the folder in a grid, each titled with the
# predicted class and its probability, the lowest first.*

# %%
unsure = least_confident(table, n=8)
fig = plot_least_confident(unsure, new_dir, n=8)
for row in unsure.itertuples():
    print(f"{row.file}: predicted {row.predicted_class} ({row.probability:.2f}), "
          f"truly {truth[row.file]}")
wrong_unsure = sum(truth[row.file] != row.predicted_class for row in unsure.itertuples())
print(f"wrong: {wrong_unsure} of the {len(unsure)} least confident, "
      f"{len(read) - right} of all {len(read)}")

# %% [markdown]
# A low probability is a useful sign: the share of wrong answers among the least confident
# photos is higher than among all of them (the last line: 5<!--out--> of 8 against
# 31<!--out--> of 100). It is not a guarantee: three of the eight are right, and eight photos
# are a hint, not a measurement; the next section asks how much the probabilities mean.
#
# **Your own folder:** put the path of a folder of your photos below and run the cell. With
# this model they should be blood-cell photos, or the answers mean nothing (section 4 says
# why the probabilities do not warn you of that).

# %%
my_folder = None  # for example "~/Pictures/cells"
if my_folder is not None:
    my_table = predict_folder(predictor, Path(my_folder).expanduser(),
                              csv_path=save_dir / "my_predictions.csv")
    display(least_confident(my_table, n=10))  # noqa: F821 - display is Jupyter's

# %% [markdown]
# ## 4. Calibration: does "90%" mean 90%?
#
# The model says "MONOCYTE, 0.93". Is it right 93% of the time when it says that? A model
# whose probabilities mean what they say is **calibrated**. Check it on the validation split,
# photos the model did not train on, with a **reliability diagram**: put the answers in bins
# by their top probability (0.9 to 1.0, 0.8 to 0.9, …) and, in each bin, compare the mean
# probability with the share of answers that were right. scikit-learn's `calibration_curve`
# does the binning.

# %%
val_probabilities = trained.model.predict(trained.val_ds, verbose=0)
val_labels = trained.validation_labels()
print(f"{len(val_labels):,} validation photos, accuracy "
      f"{(val_probabilities.argmax(axis=1) == val_labels).mean():.4f}")
ece = expected_calibration_error(val_labels, val_probabilities)
print(f"expected calibration error: {ece:.3f}")
bins = reliability_table(val_labels, val_probabilities)
print(bins[bins["count"] > 0].round(3).to_string(index=False))

# %% [markdown]
# *Figure: the reliability diagram. The x axis is the model's confidence, its top
# probability, from 0 to 1; the y axis is the share of right answers. A dashed diagonal marks
# a perfectly calibrated model; the model's points are joined by a line, and the number of
# answers in each bin is shown below.*

# %%
fig = plot_reliability(val_labels, val_probabilities,
                       title="Reliability of the cell model (validation split)")

# %% [markdown]
# Every point lies **below** the diagonal: the model is overconfident, right less often than
# its probability says. The table gives the numbers: when its top probability is between 0.9
# and 1.0 (822<!--out--> of the 1,931<!--out--> validation photos, mean 0.973<!--out-->), it
# is right 0.936<!--out--> of the time; between 0.8 and 0.9 only 0.734<!--out-->, a gap of 12
# points. The **expected calibration error**, 0.094<!--out-->, is the mean of the gaps
# weighted by the number of answers in each bin. So for this model, "97%" means about "94%"
# at the top, and between 0.4 and 0.9 it is right 12 to 18 points less often than it says:
# let a person check everything under 0.9.
#
# (Calibration can be improved after training, for example by *temperature scaling*, which
# divides the logits by one number fitted on the validation split; see further reading.)
#
# Two cautions, both about what calibration cannot tell you:
#
# - It is measured on photos like the validation photos. A photo of something else (a cat,
#   a page of text) still gets four probabilities that add up to 1, often one of them high:
#   the model has no "none of these" answer.
# - A model can be well calibrated and still often wrong; calibration says how far to trust a
#   probability, not how good the model is.

# %% [markdown]
# ## 5. A small web service
#
# To let someone else use the model, without Python or this notebook, put it behind HTTP:
# a program that waits for requests and answers each with JSON. The course's service is
# written with **Flask**, the small web framework the original TensorFlow tutorials suggest,
# and runs on **waitress**, a production WSGI server written in pure Python that works the
# same on Windows, macOS and Linux. (FastAPI is a good choice too; it needs an ASGI server and
# a multipart parser on top, three packages where Flask and waitress are two.) From a
# terminal you start it with
#
# ```bash
# python -m course_utils serve saved_models/lesson09/cells.keras --port 8000
# ```
#
# and stop it with Ctrl+C. It answers:
#
# | request | answer |
# |---|---|
# | `GET /` | a one-page form: choose a photo, see the answer |
# | `POST /predict`, the photo as form field `file` | JSON: `class`, `probability`, `top`, `notes` |
# | `GET /health` | `{"status": "ok", …}`, for monitoring |
#
# It listens on 127.0.0.1 only, so only programs on your own computer reach it; it loads the
# model with `safe_mode=True`; it refuses uploads over 10 MB (413), files that are not
# images (415) and requests without a file (400), each with a JSON sentence, and keeps
# serving. `start_service` starts the same command in the background from this notebook
# and waits until it answers.

# %%
service = start_service(model_path)
print(service)
health = requests.get(service.url + "/health", timeout=10).json()
print(health)

# %% [markdown]
# On your own computer, open the address above in your browser to see the form. (On Binder
# or Colab the browser runs on your computer and cannot reach the server's 127.0.0.1; call
# the service from the notebook as below.) This is what the page looks like, with an answer:
#
# ![The service's page in Chromium after the phone photo was sent: the photo, upright; the
# answer MONOCYTE with probability 0.975; three bars for the top classes; and the note that
# the photo was turned upright.](../docs/images/09_web_service.png)
#
# (The picture was taken by the same page the browser test opens, with the model of an earlier
# run of this lesson; your run, like the one below, gives a somewhat different probability.)
#
# Send the phone photo with `requests`, as any program would:

# %%
with open(phone_photo, "rb") as file:
    reply = requests.post(service.url + "/predict", files={"file": file}, timeout=30)
print(reply.status_code, reply.json())

# %% [markdown]
# And three bad requests: a text file, no file at all, a GET where a POST belongs.

# %%
bad_requests = {
    "a text file": dict(files={"file": ("notes.jpg", b"Remember the slides.\n")}),
    "no file": dict(data={"note": "nothing attached"}),
}
for what, arguments in bad_requests.items():
    reply = requests.post(service.url + "/predict", timeout=30, **arguments)
    print(f"{what:12} {reply.status_code} {reply.json()}")
reply = requests.get(service.url + "/predict", timeout=30)
print(f"{'GET':12} {reply.status_code} {reply.json()}")

# %% [markdown]
# How fast is it? Time 20 requests in a row with the same photo. Each one sends the file,
# reads it, runs the model on one image and sends the JSON back.

# %%
photo_bytes = sample_path.read_bytes()
latencies = []
for _ in range(20):
    start = time.perf_counter()
    reply = requests.post(service.url + "/predict", files={"file": ("cell.jpeg", photo_bytes)},
                          timeout=30)
    latencies.append(time.perf_counter() - start)
    reply.raise_for_status()
print(f"median {statistics.median(latencies) * 1000:.0f} ms, "
      f"slowest {max(latencies) * 1000:.0f} ms over {len(latencies)} requests")

# %% [markdown]
# ## Exercise 1: ask the service
#
# Write `ask_service(url, path)` that sends the
# photo at `path` to the service at `url` and returns only the predicted class, a string.
# The check calls it with the phone photo while the service is running.

# %%
def ask_service(url, path):
    # Your code here: POST the file to url + "/predict", return the class from the JSON.
    return None


passed = check_ask_service(ask_service, service.url, phone_photo, prediction.class_name)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def ask_service(url, path):
#     with open(path, "rb") as file:
#         reply = requests.post(url + "/predict", files={"file": file}, timeout=30)
#     reply.raise_for_status()
#     return reply.json()["class"]
# ```
# </details>

# %% [markdown]
# When you are done, stop the service: it runs as a separate process and would otherwise
# keep its port and its memory until you close Jupyter.

# %%
service.stop()
print(service)

# %% [markdown]
# ## Exercise 2: prepare a photo yourself
#
# Write `prepare_photo(path, image_size)` with Pillow alone: open the photo, turn it upright
# (`ImageOps.exif_transpose`), convert it to RGB, cut its centre to the shape of
# `image_size` and resize it to that size (`ImageOps.fit` does both; it takes
# `(width, height)`, while `image_size` is `(height, width)` as in Keras), and return it as
# a uint8 NumPy array. The check runs it on five photos, some with an orientation tag, none
# with the model's shape, and compares with `model_view(read_photo(path), image_size)`.

# %%
def prepare_photo(path, image_size):
    # Your code here
    return None


passed = check_prepare_photo(prepare_photo)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def prepare_photo(path, image_size):
#     height, width = image_size
#     with Image.open(path) as image:
#         image = ImageOps.exif_transpose(image).convert("RGB")
#     return np.asarray(ImageOps.fit(image, (width, height)))
# ```
# </details>

# %% [markdown]
# ## Exercise 3: how often is it right when it is sure?
#
# With `val_labels` and `val_probabilities` from section 4, compute the share of right
# answers among the answers whose top probability is at least 0.9.

# %%
confident_right = None  # your code here

passed = check_confident_share(confident_right, val_labels, val_probabilities)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# sure = val_probabilities.max(axis=1) >= 0.9
# right = val_probabilities.argmax(axis=1) == val_labels
# confident_right = right[sure].mean()
# ```
# </details>

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "A phone photo shows up sideways in keras.utils.load_img. Why?",
        ["The phone saved it at the wrong size",
         "The pixels are stored as the sensor saw them, with an EXIF tag that viewers obey "
         "and TensorFlow's decoders ignore",
         "JPEG files cannot store portrait photos"],
        answer=1,
        explanation="Turn it upright with ImageOps.exif_transpose (read_photo does it) "
                    "before the model sees it.",
    ),
    Question(
        "Your model's photos were 4:3; a learner uploads a square photo. What keeps the "
        "cell from being squashed?",
        ["Resize it to the model's size", "Cut the centre to 4:3, then resize",
         "Pad it with black to 4:3"],
        answer=1,
        explanation="Cutting the centre keeps the shapes as in training; padding would "
                    "also keep them, but adds black borders the model never saw.",
    ),
    Question(
        "Points of the reliability diagram lie below the diagonal. What does that mean?",
        ["The model is overconfident: it is right less often than its probability says",
         "The model is underconfident", "The model is accurate"],
        answer=0,
        explanation="Below the diagonal the share of right answers is lower than the "
                    "confidence.",
    ),
    Question(
        "Why does the service listen on 127.0.0.1 by default?",
        ["It is faster", "Only programs on the same computer can reach it, so nobody on "
         "the network can send it files", "Flask requires it"],
        answer=1,
        explanation="Pass --host 0.0.0.0 only on a network you trust, behind a proper "
                    "server.",
    ),
], title="Lesson 09 quiz")

# %% [markdown]
# ## Key points
#
# - Prepare every photo as the training photos were: upright (EXIF orientation), RGB, cut to
#   the model's shape, resized the same way.
# - Refuse bad files with one sentence that says what to do; resize huge photos, do not
#   refuse them.
# - Save the class names with the model; a probability without a name is useless.
# - For a folder, write a CSV and look first at the least confident answers.
# - Check calibration on the validation split before you trust a probability; a model has no
#   "none of these" answer.
# - A small service: Flask + waitress, 127.0.0.1, `safe_mode=True`, a size limit, JSON
#   errors.

# %% [markdown]
# ## Further reading
#
# - [TensorFlow Serving](https://www.tensorflow.org/tfx/guide/serving): a server from the
#   TensorFlow team that loads exported SavedModels (like `cells_export/`) and answers over
#   REST and gRPC, with batching and model versions. Use it when many requests must be
#   answered fast and models are updated without stopping the service.
# - [LiteRT (TensorFlow Lite)](https://ai.google.dev/edge/litert): a converter and a small
#   runtime that run a model on a phone or a microcontroller, without a server. Use it when
#   photos should not leave the device or there is no network.
# - Flask: [Handling file uploads](https://flask.palletsprojects.com/en/stable/patterns/fileuploads/)
#   and [Deploying to production](https://flask.palletsprojects.com/en/stable/deploying/)
# - Guo et al., [On calibration of modern neural networks](https://arxiv.org/abs/1706.04599)
#   (2017); scikit-learn: [Probability
#   calibration](https://scikit-learn.org/stable/modules/calibration.html)
# - fastbook, chapter 2: [From model to
#   production](https://github.com/fastai/fastbook/blob/master/02_production.ipynb)
# - The EXIF orientation tag: [tensorflow#49834](https://github.com/tensorflow/tensorflow/issues/49834)
#   and Pillow's [`ImageOps.exif_transpose`](https://pillow.readthedocs.io/en/stable/reference/ImageOps.html#PIL.ImageOps.exif_transpose)
