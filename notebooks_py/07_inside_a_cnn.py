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
# # 07 — Inside a CNN
#
# You compute a convolution by hand, watch edge filters at work, open trained networks to see
# their filters and feature maps, ask where in a photo a prediction came from, and draw a
# digit for the network to read.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/07_inside_a_cnn.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/07_inside_a_cnn.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - compute a convolution with two loops in NumPy, and show that `keras.layers.Conv2D` gives
#   the same numbers;
# - work out the output size of a convolution with and without padding, and with a stride;
# - explain weight sharing, and what shifting an image does to a convolution's output;
# - plot the filters of a trained network and the feature maps of an image, layer by layer;
# - make Grad-CAM and occlusion heatmaps, and use them to *test* a hypothesis about what a
#   model relies on, with a number instead of an impression.
#
# **Estimated time:** about 75 minutes, of which about 3 minutes are training on a 2-core
# laptop and 20 minutes are exercises.
#
# **Before you start:** lesson 01 (the MNIST CNN) and lesson 02 (the course's CIFAR-10
# recipe); lesson 04 (the mistakes of a CIFAR-10 model) for section 5.

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
# Run this cell first. `course_utils` comes before `keras`: importing it first keeps
# TensorFlow's technical log messages out of the notebook. `inside` holds the tools that open
# a model (feature maps, Grad-CAM, occlusion maps), `inside_figures` the figures that show
# what they find.

# %%
import course_utils
import keras
import numpy as np
from course_utils import data, models, pipelines
from course_utils.draw_digit import digit_canvas
from course_utils.exercises import (
    check_convolve,
    check_edge_detector,
    check_kernel_guess,
    check_output_size,
    mystery_maps,
)
from course_utils.inside import (
    border_mask,
    conv_layers,
    feature_maps,
    grad_cam,
    heat_share,
    occlusion_map,
)
from course_utils.inside_figures import (
    plot_feature_maps,
    plot_filters,
    plot_heatmaps,
    plot_kernel_outputs,
)
from course_utils.quiz import Question, show_quiz

course_utils.setup(seed=42)

# %% [markdown]
# ## 1. A convolution by hand
#
# A convolution layer slides a small grid of weights, the **kernel** (or filter), over the
# image. At every position it multiplies the kernel with the patch of pixels under it, element
# by element, and adds the products up: one number per position. Think of a detective with a
# magnifying glass who moves it over the picture and, at each spot, notes how much the patch
# under the glass looks like the one thing they are looking for.
#
# Here is a 6×6 image that is dark on the left and bright on the right, and a 3×3 kernel
# with +1 in its left column and −1 in its right one:

# %%
# NBVAL_CHECK_OUTPUT
image = np.array([[0, 0, 0, 9, 9, 9]] * 6, dtype=float)  # dark left half, bright right half
kernel = np.array([[1, 0, -1],
                   [1, 0, -1],
                   [1, 0, -1]], dtype=float)
print(image)

# %% [markdown]
# The two loops below are the whole idea. `r` and `c` run over every position where the 3×3
# kernel fits inside the image; `image[r:r + 3, c:c + 3]` is the patch under it.

# %%
# NBVAL_CHECK_OUTPUT
def convolve(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Slide ``kernel`` over ``image`` (no padding, stride 1): one weighted sum per position."""
    kh, kw = kernel.shape
    rows = image.shape[0] - kh + 1  # positions where the kernel fits, top to bottom
    cols = image.shape[1] - kw + 1  # ... and left to right
    out = np.zeros((rows, cols))
    for r in range(rows):
        for c in range(cols):
            patch = image[r:r + kh, c:c + kw]
            out[r, c] = (patch * kernel).sum()
    return out


feature_map = convolve(image, kernel)
print(feature_map)

# %% [markdown]
# The output is 4×4<!--out-->: a 3×3 kernel fits at 6 − 3 + 1 = 4 positions along each side.
# Where the patch is all dark or all bright, the +1 and −1 columns cancel: 0. Where the patch
# straddles the edge, the bright pixels fall under the −1 column: −27<!--out--> and
# −27<!--out-->, the kernel's way of saying "a dark-to-bright edge from left to right, here".
# This is a **vertical edge detector**. The output is called a **feature map**: it maps where
# in the image the feature (here a vertical edge) is.
#
# (Mathematicians would turn the kernel by 180° before sliding it; deep-learning libraries do
# not, and still call it a convolution. For a learned kernel the difference does not matter.)
#
# ### Edges in real images
#
# The same loops work on real pictures. Take a handwritten digit from MNIST and a photo from
# CIFAR-10 (turned grey by averaging its three colours), and two kernels: the **Sobel**
# kernels, edge detectors that weigh the middle row or column double.

# %%
(x_train, y_train), (x_test, y_test) = data.load_mnist()
(cifar_train, cifar_train_labels), (cifar_test, cifar_test_labels) = data.load_cifar10()
cifar_classes = list(data.CIFAR10_CLASSES)

sobel_vertical = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)
sobel_horizontal = sobel_vertical.T  # [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]

digit = x_train[0].astype(float)  # a 28×28 "5"
photo = cifar_train[7]  # a 32×32 colour photo
photo_grey = photo.mean(axis=-1)
print("digit:", digit.shape, "label", y_train[0], "| photo:", photo.shape,
      cifar_classes[cifar_train_labels[7]])

# %% [markdown]
# *Figure: two rows of three panels. Top: the handwritten 5, then its vertical-edge map and
# its horizontal-edge map, each 26×26, red where brightness falls from left to right (or top
# to bottom), blue where it rises, white where nothing changes. Bottom: the same for a grey
# CIFAR-10 photo of a horse, 30×30 maps.*

# %%
fig = plot_kernel_outputs(digit, [convolve(digit, sobel_vertical),
                                  convolve(digit, sobel_horizontal)],
                          ["vertical edges", "horizontal edges"],
                          title="Sobel kernels on an MNIST digit")
fig = plot_kernel_outputs(photo, [convolve(photo_grey, sobel_vertical),
                                  convolve(photo_grey, sobel_horizontal)],
                          ["vertical edges", "horizontal edges"],
                          title="Sobel kernels on a CIFAR-10 photo (grey)")

# %% [markdown]
# The vertical-edge map lights up along the upright strokes of the 5 and is nearly white on
# its flat top bar; the horizontal-edge map does the opposite. Each kernel answers one
# question, everywhere in the image at once. A CNN's first layer does the same with 16 or 32
# kernels, except that it *learns* their weights from the training images.
#
# ### Output size: padding and stride
#
# Without padding, a kernel of size *k* fits at *n − k + 1* positions across *n* pixels, so
# every layer shrinks the image a little. `padding="same"` adds a frame of zeros so the
# output keeps the input's size. A **stride** of 2 moves the kernel two pixels at a time and
# halves the size. Along one side, for an input of *n* pixels:
#
# | padding | output size |
# |---|---|
# | `"valid"` (none, Keras' default) | (*n* − *k*) // *s* + 1 |
# | `"same"` | *n* / *s*, rounded up |
#
# where *s* is the stride and `//` divides and rounds down. Check the formula against Keras
# on the 28×28 digit:

# %%
# NBVAL_CHECK_OUTPUT
digit_batch = digit[np.newaxis, :, :, np.newaxis]  # a batch of one (1, 28, 28, 1)
for padding in ["valid", "same"]:
    for stride in [1, 2]:
        layer = keras.layers.Conv2D(1, 3, strides=stride, padding=padding)
        shape = layer(digit_batch).shape
        n, k, s = 28, 3, stride
        formula = (n - k) // s + 1 if padding == "valid" else -(-n // s)
        print(f"padding={padding!r:8} stride={stride}: Keras {tuple(shape)}  formula {formula}")

# %% [markdown]
# ### The same numbers from `Conv2D`
#
# A `Conv2D` layer is exactly this computation. Put the Sobel kernel into a layer with one
# filter and no bias, and compare its output with the two loops, number by number.
# A Keras kernel has four axes: (height, width, input channels, filters).

# %%
# NBVAL_CHECK_OUTPUT
layer = keras.layers.Conv2D(1, 3, use_bias=False)
layer.build((None, 28, 28, 1))
layer.set_weights([sobel_vertical.reshape(3, 3, 1, 1)])
keras_map = layer(digit_batch).numpy()[0, :, :, 0]
loop_map = convolve(digit, sobel_vertical)

np.testing.assert_allclose(keras_map, loop_map, rtol=1e-5, atol=1e-2)
print(f"Conv2D and the two loops agree on all {keras_map.size} numbers of the "
      f"{keras_map.shape[0]}×{keras_map.shape[1]} map")

# %% [markdown]
# `assert_allclose` would have stopped the notebook with an error if a single number
# differed by more than a rounding error: the 676<!--out--> numbers agree.
#
# ### ReLU and pooling
#
# In a CNN the feature map goes on through two more steps. **ReLU** keeps positive values
# and sets negative ones to 0: only "dark-to-bright from left to right" survives, its
# opposite is dropped (another filter can look for that). **Max pooling** keeps the largest
# value of every 2×2 block: the map halves to 13×13, and a response survives even if it moves
# by a pixel.
#
# *Figure: four panels: the digit, its vertical-edge map (26×26, red and blue), the same map
# after ReLU (only the red parts remain), and after 2×2 max pooling (13×13, coarser).*

# %%
relu_map = np.maximum(keras_map, 0)
pooled = keras.layers.MaxPooling2D(2)(relu_map[np.newaxis, :, :, np.newaxis]).numpy()[0, :, :, 0]
fig = plot_kernel_outputs(digit, [keras_map, relu_map, pooled],
                          ["Conv2D", "after ReLU", "after max pooling"],
                          title="Convolution, ReLU and pooling on one digit")

# %% [markdown]
# ## 2. Why weight sharing
#
# Lesson 00 counted the parameters of a network that connects every pixel of a 50×50 image
# to 100 neurons: 250,302 with its two-class output, against 320 for a `Conv2D(32, 3)` that
# sees the same image. The convolution is so small because it uses the same 3×3 weights at
# every position: **weight sharing**.
#
# Weight sharing has a second consequence you can test. Shift the digit 4 pixels to the
# right. The feature map of the shifted digit is the old feature map, shifted by the same 4
# pixels: a stroke is found wherever it is, with the same weights. (The word for this is
# *translation equivariance*.)

# %%
# NBVAL_CHECK_OUTPUT
shifted = np.zeros_like(digit)
shifted[:, 4:] = digit[:, :-4]  # the same 5, 4 pixels to the right (the digit has margins)

before = convolve(digit, sobel_vertical)
after = convolve(shifted, sobel_vertical)
difference = np.abs(after[:, 4:] - before[:, :-4]).max()
print("largest difference between the shifted map and the map of the shifted digit:",
      difference)

# %% [markdown]
# 0.0<!--out-->: the same numbers, moved. A `Dense` layer has no such guarantee: it has a
# separate weight for every pixel, so pixel (10, 10) and pixel (10, 14) have unrelated
# weights, and a pattern it learned in one place means nothing to it in another. It has to
# see the digit in every position during training. A CNN learns a stroke detector once and
# uses it everywhere; pooling then makes the answer care less about the exact position.

# %% [markdown]
# ## 3. What a trained MNIST network learned
#
# Hand-made kernels are a start; a trained network chooses its own. Train lesson 01's better
# MNIST model (`models.better_mnist_model`: two blocks of convolution, pooling, batch
# normalization and ReLU) for 3 epochs; that is enough for about 99% and takes under a minute.
# (In the course's fast mode, `shrink` keeps 500 images and `epochs` gives 1 epoch.)

# %%
mnist_x, mnist_y = course_utils.shrink(x_train[..., np.newaxis], y_train, fast=500)
train_ds, val_ds = pipelines.train_val_datasets(mnist_x, mnist_y, models.BETTER_MNIST)
mnist_epochs = course_utils.epochs(3)
mnist_model = models.better_mnist_model(len(train_ds), epochs=mnist_epochs)
history = mnist_model.fit(train_ds, validation_data=val_ds, epochs=mnist_epochs, verbose=2)

# %% [markdown]
# The model's layers, with the names the tools below use:

# %%
# NBVAL_CHECK_OUTPUT
for layer in mnist_model.layers:
    print(f"{layer.name:24} {type(layer).__name__:20} output {layer.output.shape}")
print("convolution layers:", conv_layers(mnist_model))

# %% [markdown]
# ### The first layer's filters
#
# The first convolution has 16 filters of 3×3 weights. `plot_filters` draws each as a tiny
# image: red for positive weights, blue for negative.
#
# *Figure: 16 small 3×3 grids titled "filter 0" to "filter 15", in red, white and blue.*

# %%
fig = plot_filters(mnist_model, n=16)

# %% [markdown]
# Look for patterns like the Sobel kernels: a red side next to a blue side is an edge
# detector for one direction; a filter with one colour all over responds to brightness
# itself. Nine weights are too few for anything more complicated. Compare a few filters with
# section 1's two Sobel kernels: which direction does each one look for?
#
# ### Feature maps, layer by layer
#
# `feature_maps(model, image, layer)` runs one image through the model up to `layer` and
# returns that layer's output: one map per filter. Here they are for a test digit after the
# first convolution (28×28), after the first block's ReLU (14×14) and after the second
# block's ReLU (7×7).
#
# *Figure: three grids. First: a test digit 7 and 8 of its 28×28 feature maps after the first
# convolution, grey images in which strokes or their edges stand out, some bright where the
# stroke is, some along one side of it. Second: 8 maps of 14×14 after the first block, most
# still recognisable as the 7. Third: 8 maps of 7×7 after the second block, blocky patterns
# of a few bright pixels in which the digit's shape is hard to see.*

# %%
test_digit = x_test[0, :, :, np.newaxis]
mnist_stages = [conv_layers(mnist_model)[0]] + [layer.name for layer in mnist_model.layers
                                               if isinstance(layer, keras.layers.ReLU)]
for name in mnist_stages:
    maps = feature_maps(mnist_model, test_digit, name)
    fig = plot_feature_maps(maps, n=8, image=test_digit,
                            title=f"Layer {name!r}: {maps.shape[0]}×{maps.shape[1]}, "
                                  f"{maps.shape[2]} maps")

# %% [markdown]
# From one grid to the next the maps get smaller and there are more of them. In the first
# grid you can still see the 7 in every map, each stressing other strokes or edges. In the
# 14×14 grid some maps stress one part: map 4 keeps the diagonal stroke alone, map 0 is
# brightest on the top bar. In the last one, 7×7 pixels, each map is a few bright cells;
# some still sit where the bar or the diagonal was, others are spots you could not name.
# What the last maps encode is what the dense head needs to tell the digits apart, not what
# a human needs to recognise them. That is a description of these pictures, not a proof:
# section 5 measures.

# %% [markdown]
# ## 4. What a trained CIFAR-10 network learned
#
# Now the same for photos, with the course's CIFAR-10 recipe from lesson 02
# (`models.better_cifar_model`: augmentation inside, four blocks with 32, 64, 128 and 256
# filters). Lesson 02 trains it for 8 epochs; here 3 are enough to look inside and keep the
# lesson short. The last 10% of the training images are the validation split. This is the
# longest cell of the lesson (about 3 minutes on a 2-core laptop; in fast mode 500 images and
# 1 epoch).

# %%
cifar_x, cifar_y = course_utils.shrink(cifar_train, cifar_train_labels, fast=500)
train_ds, val_ds = pipelines.train_val_datasets(cifar_x, cifar_y, models.BETTER_CIFAR)
cifar_epochs = course_utils.epochs(3)
cifar_model = models.better_cifar_model(len(train_ds), epochs=cifar_epochs)
history = cifar_model.fit(train_ds, validation_data=val_ds, epochs=cifar_epochs, verbose=2)

# %% [markdown]
# The first layer sees colour: each of its 32 filters has 3×3 weights for each of red, green
# and blue. `plot_filters` shows them as colour images, mid-grey for 0.
#
# *Figure: 32 tiny 3×3 colour squares titled "filter 0" to "filter 31", each a mosaic of
# nine differently coloured cells; a few lean towards one colour (bluish or greenish), none
# shows a clean light half and dark half.*

# %%
fig = plot_filters(cifar_model, n=32)

# %% [markdown]
# Unlike the MNIST filters, these are hard to read: after 3 epochs most look like colourful
# speckle, and a 3×3×3 filter mixes colour and direction in 27 weights. The weights are not
# the best place to look; what they *do* to a photo is. Here is one photo's feature maps
# through the four blocks: 32×32, 16×16, 8×8 and 4×4.
#
# *Figure: five grids, each starting with the same photo of a horse. First: 8 of the first
# convolution's 32×32 maps, in which outlines of the horse and the background are visible.
# Then 8 maps each after the four blocks' ReLUs, at 16×16, 8×8, 4×4 and 4×4 pixels: the
# outlines fade, and the last maps are a few bright and dark squares.*

# %%
cifar_stages = [conv_layers(cifar_model)[0]] + [layer.name for layer in cifar_model.layers
                                               if isinstance(layer, keras.layers.ReLU)]
for name in cifar_stages:
    maps = feature_maps(cifar_model, photo, name)
    fig = plot_feature_maps(maps, n=8, image=photo,
                            title=f"Layer {name!r}: {maps.shape[0]}×{maps.shape[1]}, "
                                  f"{maps.shape[2]} maps")

# %% [markdown]
# Early maps look like filtered copies of the photo: outlines and regions of one colour.
# The 4×4 maps at the end cannot look like a horse at all, and yet the dense layer after them
# tells ten classes apart from their averages. Which parts of the photo feed them? The next
# section asks the model.

# %% [markdown]
# ## 5. Where the network looks
#
# Lesson 04 found that the classic CIFAR-10 CNN took many birds for deer, and that most of
# those birds stood on grass. It suggested a **hypothesis**: the model judges these photos
# by their green background instead of the animal. This section gives you two tools to test
# such a claim on the model itself.
#
# ### Grad-CAM
#
# **Grad-CAM** (gradient-weighted class activation mapping) asks: if this feature map were a
# little stronger, how much would the score of the class grow? It takes the gradient of the
# class score with respect to the last convolution layer's maps, averages it over the map to
# get one weight per map, and adds the maps up with those weights. Positive sums mark the
# parts of the image that speak *for* the class. The last layer is 4×4, so the heatmap is
# coarse; `grad_cam` enlarges it to 32×32 and scales it to a maximum of 1 in each image.
#
# First the predictions on the test set. You only look at them: no decision about the model
# is made here, as in lesson 04's error analysis. (In fast mode, `shrink` keeps 1,000 test
# images.)

# %%
cifar_test, cifar_test_labels = course_utils.shrink(cifar_test, cifar_test_labels, fast=1000)
probabilities = cifar_model.predict(cifar_test, verbose=0)
predicted = probabilities.argmax(axis=1)
print(f"Test accuracy: {np.mean(predicted == cifar_test_labels):.4f}")  # after 3 epochs

# %% [markdown]
# *Figure: eight test photos, four the model got right and four it got wrong; below each, the
# same photo with the Grad-CAM heatmap over it, red where the evidence for the predicted class
# is strongest and blue where there is none; titles "true → predicted", frames green for
# right and red for wrong.*

# %%
right = np.flatnonzero(predicted == cifar_test_labels)[:4]
wrong = np.flatnonzero(predicted != cifar_test_labels)[:4]
chosen = np.concatenate([right, wrong])
heat = grad_cam(cifar_model, cifar_test[chosen])  # explains the predicted class
fig = plot_heatmaps(cifar_test[chosen], heat, cifar_test_labels[chosen], probabilities[chosen],
                    cifar_classes, title="Grad-CAM: the evidence for the predicted class")

# %% [markdown]
# Read each pair: is the red on the object, or around it? For a wrong answer the heatmap
# shows what the model took as evidence for the wrong class.
#
# ### A second opinion: occlusion
#
# Grad-CAM relies on gradients inside the network. The **occlusion map** needs nothing but
# predictions: it covers part of the photo with a grey 8×8 patch, slides the patch across in
# steps of 2 pixels, and records how much the probability of the class drops each time. Where
# hiding a part hurts, the model used that part. It costs one prediction per patch position
# (169 for a 32×32 photo), so it is slower, but it works for any model.
#
# *Figure: two figures of the same four correctly classified photos. In the first, under each
# photo its Grad-CAM heatmap; in the second, its occlusion map, red where covering the photo
# with the grey patch lowered the probability of the class most.*

# %%
occlusion = np.stack([occlusion_map(cifar_model, cifar_test[i], int(predicted[i]))
                      for i in right])
fig = plot_heatmaps(cifar_test[right], heat[:4], title="Grad-CAM (4×4 layer, enlarged)")
fig = plot_heatmaps(cifar_test[right], np.clip(occlusion, 0, None),
                    title="Occlusion: drop in probability when an 8×8 patch hides a part")
for i, occ, cam in zip(right, occlusion, heat[:4], strict=True):
    if occ.std() > 0 and cam.std() > 0:
        agreement = f"{np.corrcoef(occ.ravel(), cam.ravel())[0, 1]:+.2f}"
    else:
        agreement = "none (one of the maps is flat)"
    print(f"test image {i}: {cifar_classes[predicted[i]]:10} largest drop {occ.max():.2f}, "
          f"correlation with Grad-CAM {agreement}")

# %% [markdown]
# The two methods answer the same question in different ways; where their maps agree
# (a correlation near +1), you can trust the answer more than either map alone. Here they
# agree best for the airplane (+0.67<!--out-->) and the dog (+0.62<!--out-->), less for the
# horse (+0.45<!--out-->), and hardly for the bird (+0.26<!--out-->): its Grad-CAM is
# reddest on the grass at the lower right, its occlusion map just below the bird's body,
# around the legs. For that photo one map alone would not tell you where the evidence lies.
# Look at the airplane: the occlusion map puts the evidence *below* the plane, on the sky,
# and Grad-CAM's red runs from the plane down over the same sky.
#
# ### Test the hypothesis: is it the green background?
#
# A few heatmaps can be chosen to support any story. To *test* lesson 04's hypothesis,
# measure it on **all** the test images it is about: the birds this model took for deer, and
# all the deer and birds it got wrong. If the model judged them by the background, their heat
# would sit on the border of the photo and on green pixels more than it does for the birds and
# deer it got right.
#
# Two numbers per image:
#
# - **border share**: the share of the Grad-CAM heat on the outer 4 pixels of the photo. The
#   border is 44% of the area, so a model that looked everywhere alike would score 44%;
# - **green share**: the share of the heat on green pixels (green value above red and blue),
#   compared with the share of the photo that is green.

# %%
bird, deer = cifar_classes.index("bird"), cifar_classes.index("deer")
truth = cifar_test_labels
groups = {
    "birds taken for deer": (truth == bird) & (predicted == deer),
    "all wrong birds": (truth == bird) & (predicted != bird),
    "all wrong deer": (truth == deer) & (predicted != deer),
    "birds right": (truth == bird) & (predicted == bird),
    "deer right": (truth == deer) & (predicted == deer),
}
border = border_mask(32, 32, 4)
print(f"border: {border.mean():.0%} of the area")
print(f"{'images':22} {'n':>4} {'border share':>13} {'middle half':>12} {'green share':>12} "
      f"{'green area':>11} {'excess':>7}")
for name, selected in groups.items():
    images = cifar_test[selected]
    if len(images) == 0:
        print(f"{name:22} {0:4}  (none in this run)")
        continue
    group_heat = grad_cam(cifar_model, images)  # evidence for the predicted class
    has_heat = group_heat.max(axis=(1, 2)) > 0  # a map of zeros has no heat to share
    if not has_heat.any():
        print(f"{name:22} {0:4}  (no heatmap with any heat in this run)")
        continue
    images, group_heat = images[has_heat], group_heat[has_heat]
    pixels = images.astype(int)
    green = (pixels[..., 1] > pixels[..., 0]) & (pixels[..., 1] > pixels[..., 2])
    on_border = heat_share(group_heat, border)
    low, middle, high = np.percentile(on_border, [25, 50, 75])
    on_green = heat_share(group_heat, green)  # one mask per image: its own green pixels
    green_area = green.mean(axis=(1, 2))
    excess = np.median(on_green - green_area)  # > 0: more heat on green than its area
    print(f"{name:22} {len(images):4} {middle:13.0%} {f'{low:.0%}–{high:.0%}':>12} "
          f"{np.median(on_green):12.0%} {np.median(green_area):11.0%} {excess:+7.0%}")

# %% [markdown]
# Columns: the number of images (a heatmap of zeros, with no evidence for the predicted class
# at this layer, is left out); the median border share and, under "middle half", the range
# that holds the middle half of the images (25th to 75th percentile); the median green share
# and green area; and "excess", the median over the images of green share minus green area
# (above 0: more heat on green pixels than their area would give).
#
# **What the numbers show.** The 69<!--out--> birds this model took for deer are much
# greener photos than the birds it got right: green is 39%<!--out--> of the median photo
# against 25%<!--out-->. So the link lesson 04 saw in the data holds for this model's
# mistakes too. But the model's evidence does not favour the green: their median green share
# (47%<!--out-->) is above their median green area, yet image by image the heat on green is
# what the green area alone would give (excess +0%<!--out-->); and their border share
# (34%<!--out-->) is below that of the birds it got right (40%<!--out-->), both below the
# 44%<!--out--> of a heatmap spread evenly. The same holds for all the wrong birds and deer:
# no group has a median excess above +0%<!--out-->. At the resolution of this layer, the
# hypothesis "the model judges these photos by their green background" is **not
# supported**. The mistakes go with green photos, yet the model puts no more of its evidence
# on green pixels than their area would give.
#
# Two cautions before you conclude more. The heatmap has 4×4 cells of 8×8 pixels, too coarse
# to separate a small bird from the grass right next to it (the bird → deer photo in the
# Grad-CAM figure above has its heat on the grass beside the bird). And Grad-CAM shows the
# evidence for the predicted class at one layer, not everything the model used. A hypothesis
# that fits these numbers, for you to test next: in the greener photos the birds are small
# and far away, on the ground, where deer are usually photographed; the model may judge the
# scene's layout rather than its colour.
#
# Lesson 04's border count showed that green backgrounds are common in the *data*; this
# measurement asks whether they carry the *model's* decision. Both are needed before you
# change anything, for example by collecting birds on lawns.

# %% [markdown]
# ## 6. Draw a digit
#
# Now you are the data. Draw a digit in the black square with the mouse (or a finger on a
# touch screen). When you let go, your drawing goes through `prepare_digit`, the same
# cropping and centring that lesson 06 uses for uploaded photos and that makes it look like
# an MNIST digit. Then the MNIST model of section 3 predicts it. You see the 28×28 input, the
# three most likely digits with their probabilities, eight feature maps of the first
# convolution, and the Grad-CAM heatmap of the prediction. **Clear** wipes the canvas.
#
# Try to fool it: a 7 with a bar through it, a 1 with a long flag, a tiny digit in a corner
# (the centring undoes that), a digit written very thick.
#
# The canvas needs a live Jupyter (JupyterLab, Binder, or Colab, where the cell turns on
# Colab's custom widgets itself). A static copy of this notebook shows an example digit
# instead of the canvas.

# %%
# NBVAL_IGNORE_OUTPUT
digit_canvas(mnist_model, example=x_test[1])

# %% [markdown]
# ## Exercise 1: output sizes
#
# Write `output_size(size, kernel, stride, padding)`: the output size along one side of a
# `Conv2D` (or pooling) layer with that kernel size and stride, for `padding="valid"` and
# `padding="same"`. The check compares it with what Keras does in ten cases, among them
# AlexNet's first layer (227 pixels, an 11×11 kernel, stride 4).

# %%
def output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
    """The output size of a convolution along one side."""
    return size  # replace this line


passed = check_output_size(output_size)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def output_size(size: int, kernel: int, stride: int = 1, padding: str = "valid") -> int:
#     """The output size of a convolution along one side."""
#     if padding == "same":
#         return -(-size // stride)  # size / stride, rounded up
#     return (size - kernel) // stride + 1
# ```
#
# With `"same"` the kernel size does not matter: Keras pads as much as needed. `-(-a // b)`
# rounds up using only whole numbers (`math.ceil(a / b)` does the same).
# </details>

# %% [markdown]
# ## Exercise 2: a convolution with a stride
#
# Extend section 1's `convolve` with a `stride`: the kernel jumps `stride` pixels at a time,
# both down and across. With stride 2 on the 6×6 image the output is 2×2.

# %%
def convolve_strided(image: np.ndarray, kernel: np.ndarray, stride: int = 1) -> np.ndarray:
    """Slide ``kernel`` over ``image`` in steps of ``stride`` pixels (no padding)."""
    return convolve(image, kernel)  # replace this line: it ignores the stride


passed = check_convolve(convolve_strided)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# def convolve_strided(image: np.ndarray, kernel: np.ndarray, stride: int = 1) -> np.ndarray:
#     """Slide ``kernel`` over ``image`` in steps of ``stride`` pixels (no padding)."""
#     kh, kw = kernel.shape
#     rows = (image.shape[0] - kh) // stride + 1
#     cols = (image.shape[1] - kw) // stride + 1
#     out = np.zeros((rows, cols))
#     for r in range(rows):
#         for c in range(cols):
#             top, left = r * stride, c * stride
#             out[r, c] = (image[top:top + kh, left:left + kw] * kernel).sum()
#     return out
# ```
#
# Output position `r` starts at pixel `r * stride`; the number of positions is Exercise 1's
# formula.
# </details>

# %% [markdown]
# ## Exercise 3: which kernel made which map?
#
# Three kernels were applied to the handwritten 5: the vertical-edge Sobel kernel, the
# horizontal-edge one, and a **blur** (all nine weights 1/9, an average). Look at the maps A,
# B and C and say which kernel made each.
#
# *Figure: the digit 5 and three 26×26 maps labelled A, B and C in red, white and blue.*

# %%
mystery = mystery_maps(digit)
fig = plot_kernel_outputs(digit, list(mystery.values()), [f"map {k}" for k in mystery],
                          title="Which kernel made which map?")

# %%
answer = {"A": "blur", "B": "blur", "C": "blur"}  # "vertical edges", "horizontal edges", "blur"

passed = check_kernel_guess(answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = {"A": "horizontal edges", "B": "blur", "C": "vertical edges"}
# ```
#
# The blur is all positive (only red) and looks like a soft copy of the digit. An edge map has
# red and blue side by side along the strokes: above and below a stroke for horizontal edges
# (strong on the 5's top bar), left and right of it for vertical edges.
# </details>

# %% [markdown]
# ## Exercise 4: build a horizontal-edge detector
#
# Build a Keras model with a single `Conv2D` layer (one 3×3 filter, input 28×28×1) and set
# its weights by hand so that it finds **horizontal** edges and gives 0 on flat areas. The
# check runs your model on a white horizontal bar and a white vertical bar on black, and looks
# at the model itself: one layer, one 3×3 filter.
#
# Hints: `keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(...)])`;
# `use_bias=False` makes one fewer weight to set; `layer.set_weights([kernel])` wants a kernel
# of shape (3, 3, 1, 1).

# %%
edge_model = None  # replace None with your model

passed = check_edge_detector(edge_model)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# edge_model = keras.Sequential([
#     keras.Input(shape=(28, 28, 1)),
#     keras.layers.Conv2D(1, 3, use_bias=False),
# ])
# horizontal = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype="float32")
# edge_model.layers[0].set_weights([horizontal.reshape(3, 3, 1, 1)])
# ```
#
# The rows are constant, so a change from left to right gives 0; the top and bottom rows have
# opposite signs, so a change from top to bottom gives a large value; the weights add up to
# 0, so a flat area gives 0. `sobel_horizontal` from section 1 is this kernel.
# </details>

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "A Conv2D layer with a 5×5 kernel, stride 1 and padding='valid' gets a 32×32 image. "
        "How big is each feature map?",
        ["32×32", "28×28", "27×27", "16×16"],
        answer=1,
        explanation="32 − 5 + 1 = 28 positions along each side.",
    ),
    Question(
        "Why does Conv2D(32, 3) on a 224×224×3 photo have only 896 parameters?",
        ["It only looks at the centre of the photo",
         "The same 3×3×3 weights (plus a bias) are used at every position, for each of 32 "
         "filters",
         "Keras compresses the weights"],
        answer=1,
        explanation="Weight sharing: 32 × (3 × 3 × 3 + 1) = 896, whatever the image size.",
    ),
    Question(
        "You shift an image 5 pixels to the left. What happens to a convolution's feature map?",
        ["It shifts 5 pixels to the left too (away from the borders, the numbers are the same)",
         "It changes completely", "It does not change at all"],
        answer=0,
        explanation="The same kernel is applied everywhere, so the response moves with the "
                    "pattern: translation equivariance.",
    ),
    Question(
        "A Grad-CAM heatmap of a 'ship' prediction is red on the water around the ship. What "
        "does that show?",
        ["The model is wrong", "The water is evidence for 'ship' in this model; whether that "
         "is a problem needs a measurement on many images",
         "Grad-CAM does not work on ships"],
        answer=1,
        explanation="One heatmap is an anecdote; measure over all the images the question is "
                    "about, as section 5 does.",
    ),
    Question(
        "What does an occlusion map need from the model?",
        ["Its gradients", "Only its predictions", "Its training data"],
        answer=1,
        explanation="It hides parts of the image and watches the predicted probability, so it "
                    "works for any model, even one you can only call.",
    ),
], title="Lesson 07 quiz")

# %% [markdown]
# ## Key points
#
# - A convolution slides a kernel over the image and computes one weighted sum per position:
#   two loops in NumPy, one `Conv2D` in Keras, the same numbers.
# - Output size along a side: (*n* − *k*) // *s* + 1 without padding, *n* / *s* rounded up
#   with `padding="same"`.
# - Weight sharing keeps a convolution small and makes its output move with the image.
# - ReLU keeps positive responses; max pooling halves the maps and tolerates small shifts.
# - `plot_filters` and `feature_maps` open a trained network: first-layer filters of these
#   models include edge and colour detectors; later maps are smaller and harder to read.
# - Grad-CAM (from gradients) and occlusion (from predictions alone) show where the evidence
#   for a class lies. One heatmap is an anecdote: test a hypothesis with a number over all
#   the images it is about.

# %% [markdown]
# ## Further reading
#
# - d2l.ai: [Convolutions for Images](https://d2l.ai/chapter_convolutional-neural-networks/conv-layer.html)
#   (the loop you wrote, `corr2d`) and
#   [Padding and Stride](https://d2l.ai/chapter_convolutional-neural-networks/padding-and-strides.html)
# - keras-io: [Grad-CAM class activation visualization](https://keras.io/examples/vision/grad_cam/)
#   and [Visualizing what convnets learn](https://keras.io/examples/vision/visualizing_what_convnets_learn/)
# - Selvaraju et al., [Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
#   Localization](https://arxiv.org/abs/1610.02391) (2017)
# - Zeiler and Fergus, [Visualizing and Understanding Convolutional
#   Networks](https://arxiv.org/abs/1311.2901) (2014): the occlusion experiment
# - fastbook, chapter 18: [CNN interpretation with CAM](https://github.com/fastai/fastbook/blob/master/18_CAM.ipynb)
# - Adebayo et al., [Sanity Checks for Saliency Maps](https://arxiv.org/abs/1810.03292) (2018):
#   why heatmaps need checking
