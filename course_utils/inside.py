"""Looking inside a trained CNN: its layers, feature maps, Grad-CAM and occlusion maps.

Lesson 07 opens the models of lessons 01 and 02 with these functions:

- ``conv_layers(model)``: the names of the convolution layers, in order;
- ``feature_maps(model, image, layer)``: what one layer makes of one image,
  an array (height, width, channels);
- ``grad_cam(model, images)``: *where the model looks* — for each image a
  heatmap (height, width) in [0, 1] at the image's own resolution, from the
  gradients of the class score with respect to the last convolution layer
  (Selvaraju et al., 2017);
- ``occlusion_map(model, image, class_index)``: the same question answered
  without gradients — slide a grey patch over the image and record how much
  the probability of the class drops;
- ``heat_share(heatmaps, mask)``: the share of each heatmap's total that falls
  inside a mask (for example the border of the image), to *measure* where
  the model looks instead of eyeballing it.

The functions work on ``keras.Sequential`` and functional models alike, on
models with ``Rescaling`` and augmentation layers inside (they always run the
model with ``training=False``, so no random flip or shift is applied) and on
uint8 images. The figures that show their results are in ``inside_figures``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

CONV_TYPES = ("Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D")


def _is_conv(layer: Any) -> bool:
    return type(layer).__name__ in CONV_TYPES


def conv_layers(model: Any) -> list[str]:
    """The names of ``model``'s convolution layers (``Conv2D`` and relatives), first to last.

    Raises ValueError when the model has none: there is nothing to look
    inside then (a dense network sees the image as one long row of numbers).
    """
    names = [layer.name for layer in getattr(model, "layers", []) if _is_conv(layer)]
    if not names:
        raise ValueError(
            f"The model {getattr(model, 'name', '')!r} has no convolution layer, so it has no "
            "feature maps to show: pass a CNN (a model with Conv2D layers).")
    return names


def _layer(model: Any, layer: str | None) -> Any:
    """The layer called ``layer`` (``None``: the last convolution layer), with a clear error."""
    names = conv_layers(model)
    if layer is None:
        return model.get_layer(names[-1])
    known = [one.name for one in model.layers]
    if layer not in known:
        raise ValueError(
            f"The model has no layer called {layer!r}. Its convolution layers are: "
            f"{', '.join(names)} (all layers: model.summary()).")
    return model.get_layer(layer)


def _inputs(model: Any) -> Any:
    """The model's symbolic input, with a clear error for a model that was never built."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError) as err:
        raise ValueError("The model has no defined input yet: build it with keras.Input(...) "
                         "as its first layer, or call it once on a batch of images.") from err
    if not inputs:
        raise ValueError("The model has no defined input yet: build it with keras.Input(...) "
                         "as its first layer, or call it once on a batch of images.")
    if len(inputs) != 1:
        raise ValueError(f"The model takes {len(inputs)} inputs; these tools explain models "
                         "with one image input.")
    return inputs[0]


def image_batch(model: Any, images: Any, *, single: bool = False) -> np.ndarray:
    """``images`` checked against the model's input: a batch (N, H, W, C) as a NumPy array.

    With ``single=True`` one image (H, W, C) is expected and returned as a
    batch of one. The dtype must be uint8 or a float type (the course's
    models take uint8 and scale inside with ``Rescaling``). Raises
    ValueError or TypeError with what was wrong.
    """
    array = np.asarray(images)
    expected = tuple(_inputs(model).shape[1:])
    want = "one image" if single else "a batch of images"
    if not (np.issubdtype(array.dtype, np.floating) or array.dtype == np.uint8):
        raise TypeError(f"Expected {want} as uint8 (0–255) or float numbers, got dtype "
                        f"{array.dtype}.")
    if single:
        if array.ndim == len(expected) + 1 and array.shape[0] == 1:
            array = array[0]
        if array.ndim != len(expected):
            raise ValueError(f"Expected one image of shape {expected}, got an array of shape "
                             f"{array.shape}" + (" (a batch? pass images[i])"
                                                  if array.ndim == len(expected) + 1 else "."))
        array = array[np.newaxis]
    elif array.ndim != len(expected) + 1:
        hint = " (one image? pass images[np.newaxis] or use [image])" \
            if array.ndim == len(expected) else ""
        shape = ", ".join(map(str, expected))
        raise ValueError(f"Expected a batch of images of shape (N, {shape}), got an array of "
                         f"shape {array.shape}{hint}.")
    for got, wanted in zip(array.shape[1:], expected, strict=True):
        if wanted is not None and got != wanted:
            raise ValueError(f"The model takes images of shape {expected}, got "
                             f"{array.shape[1:]}: resize them first.")
    return array


def feature_maps(model: Any, image: Any, layer: str) -> np.ndarray:
    """What layer ``layer`` of ``model`` outputs for one ``image``: an array (H', W', C).

    ``image`` is one image with the model's input shape, for example
    ``x_test[0]`` (28, 28, 1). Each of the C channels is one *feature map*:
    the response of one filter at every position. The model runs with
    ``training=False`` (no augmentation, dropout off)::

        maps = feature_maps(model, x_test[0], "conv2d")
        maps.shape  # (28, 28, 16) for a Conv2D with 16 filters and padding="same"
    """
    import keras

    batch = image_batch(model, image, single=True)
    target = _layer(model, layer)
    sub = keras.Model(_inputs(model), target.output)
    out = np.asarray(sub(batch, training=False))
    if out.ndim != 4:
        raise ValueError(f"Layer {layer!r} outputs shape {out.shape[1:]}, not maps (height, "
                         "width, channels): choose a convolution, pooling or activation layer "
                         "before Flatten.")
    return out[0].astype(np.float32)


def _score_parts(model: Any) -> tuple[Any, Any]:
    """The tensor whose values are the class scores, and how to turn it into scores.

    When the model ends in a Dense layer with softmax, Grad-CAM uses the
    score *before* the softmax (the logit, as in the paper): the gradient of
    a probability near 1 is almost 0 and would give an empty map.
    """
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    if type(last).__name__ == "Dense" and activation == "softmax":
        def logits(features: Any) -> Any:
            out = features @ last.kernel
            return out + last.bias if last.bias is not None else out
        return last.input, logits
    return model.outputs[0], lambda scores: scores


def grad_cam(model: Any, images: Any, class_index: int | Sequence[int] | None = None,
             layer: str | None = None, *, batch_size: int = 256) -> np.ndarray:
    """Grad-CAM heatmaps: where in each image the evidence for a class lies.

    Returns an array (N, H, W) of float32 in [0, 1], one map per image at
    the images' own resolution (the layer's coarse map is enlarged with
    bilinear interpolation). 1 marks the strongest evidence in that image;
    a map of zeros means the layer holds no evidence *for* that class.

    How: run ``images`` (a batch (N, H, W, C), uint8 or float) through the
    model up to ``layer`` (``None``: the last convolution layer), take the
    gradient of the class score with respect to that layer's feature maps,
    average it over positions to get one weight per map, add the maps up
    with those weights, keep the positive part and scale each map to a
    maximum of 1. ``class_index=None`` explains the predicted class; an int
    explains that class for every image; a sequence gives one class per
    image (e.g. the true labels)::

        heat = grad_cam(model, x_test[:8])           # why the predicted classes?
        heat = grad_cam(model, x_test[:8], y_test[:8])  # why (not) the true ones?
    """
    import keras
    import tensorflow as tf

    batch = image_batch(model, images)
    target = _layer(model, layer)
    score_tensor, to_scores = _score_parts(model)
    sub = keras.Model(_inputs(model), [target.output, score_tensor])
    n = len(batch)
    if class_index is None:
        wanted = None
    else:
        wanted = np.broadcast_to(np.asarray(class_index, dtype=np.int64), (n,))
    maps = []
    for start in range(0, n, batch_size):
        chunk = tf.convert_to_tensor(batch[start:start + batch_size])
        with tf.GradientTape() as tape:
            activations, features = sub(chunk, training=False)
            scores = to_scores(features)
            if wanted is None:
                chosen = tf.argmax(scores, axis=-1)
            else:
                chosen = tf.constant(wanted[start:start + batch_size])
            score = tf.gather(scores, chosen, axis=1, batch_dims=1)
        grads = tape.gradient(score, activations)
        if activations.shape.rank != 4:
            raise ValueError(f"Layer {target.name!r} has no spatial maps (output shape "
                             f"{tuple(activations.shape[1:])}): choose a convolution layer.")
        weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(activations * weights, axis=-1))
        top = tf.reduce_max(cam, axis=(1, 2), keepdims=True)
        cam = tf.math.divide_no_nan(cam, top)
        cam = tf.image.resize(cam[..., tf.newaxis], batch.shape[1:3], method="bilinear")
        maps.append(np.clip(cam.numpy()[..., 0], 0.0, 1.0))
    return np.concatenate(maps).astype(np.float32)


def occlusion_map(model: Any, image: Any, class_index: int, *, patch: int = 8,
                  stride: int = 2, fill: float | None = None,
                  batch_size: int = 256) -> np.ndarray:
    """How much the probability of ``class_index`` drops when each part of ``image`` is hidden.

    A ``patch`` × ``patch`` grey square (``fill``: its value, by default the
    middle of the image's range, 128 for uint8) slides over the image in
    steps of ``stride`` pixels; for every position the model predicts the
    covered image. Returns an array (H, W) of float32: for each pixel, the
    average drop in the class probability over all positions whose patch
    covered it (positive: hiding it hurt the class, so the model used it;
    negative: hiding it helped). It needs no gradients, so it works for any
    model, and it answers in the model's own units: probability.
    """
    batch = image_batch(model, image, single=True)
    picture = batch[0]
    height, width = picture.shape[:2]
    if patch < 1 or stride < 1:
        raise ValueError(f"patch and stride must be at least 1, got {patch} and {stride}.")
    if patch > min(height, width):
        raise ValueError(f"The patch ({patch} px) is larger than the image ({height}×{width}).")
    if fill is None:
        fill = 128 if picture.dtype == np.uint8 else float(picture.min() + picture.max()) / 2
    tops = list(range(0, height - patch + 1, stride))
    lefts = list(range(0, width - patch + 1, stride))
    if tops[-1] != height - patch:
        tops.append(height - patch)
    if lefts[-1] != width - patch:
        lefts.append(width - patch)
    positions = [(top, left) for top in tops for left in lefts]
    covered = np.repeat(picture[np.newaxis], len(positions), axis=0)
    for i, (top, left) in enumerate(positions):
        covered[i, top:top + patch, left:left + patch] = fill
    base = float(np.asarray(model.predict(batch, verbose=0))[0, class_index])
    probs = np.asarray(model.predict(covered, batch_size=batch_size, verbose=0))[:, class_index]
    total = np.zeros((height, width), dtype=np.float64)
    count = np.zeros((height, width), dtype=np.float64)
    for (top, left), prob in zip(positions, probs, strict=True):
        total[top:top + patch, left:left + patch] += base - float(prob)
        count[top:top + patch, left:left + patch] += 1
    return (total / np.maximum(count, 1)).astype(np.float32)


def border_mask(height: int, width: int, border: int) -> np.ndarray:
    """A (height, width) mask that is True on the outer ``border`` pixels of an image."""
    if not 0 < 2 * border < min(height, width):
        raise ValueError(f"A border of {border} px does not fit a {height}×{width} image.")
    mask = np.ones((height, width), dtype=bool)
    mask[border:height - border, border:width - border] = False
    return mask


def heat_share(heatmaps: Any, mask: Any) -> np.ndarray:
    """For each heatmap, the share of its total heat that lies where ``mask`` is True.

    ``heatmaps``: (N, H, W) or one (H, W) map of non-negative numbers (from
    ``grad_cam``); ``mask``: a (H, W) boolean array shared by all maps, or
    one mask per map (N, H, W). Returns an array of N shares in [0, 1] (NaN
    for an all-zero map: it has no heat to share). Compare a share with the
    mask's share of the *area*: a model that looked everywhere alike would
    score the area share.
    """
    heat = np.asarray(heatmaps, dtype=np.float64)
    single = heat.ndim == 2
    heat = heat[np.newaxis] if single else heat
    where = np.asarray(mask, dtype=bool)
    if heat.ndim != 3 or where.shape[-2:] != heat.shape[1:]:
        raise ValueError(f"heatmaps of shape {heat.shape} and a mask of shape {where.shape} "
                         "do not match: the mask needs the maps' height and width.")
    if (heat < 0).any():
        raise ValueError("heat_share needs non-negative heatmaps (Grad-CAM's are in [0, 1]).")
    total = heat.sum(axis=(1, 2))
    inside = (heat * where).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, inside / total, np.nan)
    return share[0:1] if single else share
