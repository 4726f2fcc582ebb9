"""Figures of what a CNN computes: filters, feature maps and heatmaps over images.

The numbers come from ``course_utils.inside``; these functions only draw
them. Like every figure of the course they return the ``Figure``; assign it
(``fig = plot_filters(model)``) so that the notebook shows it once::

    from course_utils.inside import grad_cam
    from course_utils.inside_figures import plot_heatmaps
    fig = plot_heatmaps(x_test[:8], grad_cam(model, x_test[:8]), y_test[:8],
                        model.predict(x_test[:8]), class_names)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from .inputs import check_count, check_whole, class_name, prepare_images, to_labels, to_predictions
from .plots import RIGHT_COLOR, WRONG_COLOR, image_grid, show_image

__all__ = ["plot_feature_maps", "plot_filters", "plot_heatmaps", "plot_kernel_outputs"]

HEAT_CMAP = "jet"  # blue (no evidence) → red (strongest evidence), as in the Grad-CAM paper


def _kernels(model_or_kernel: Any, layer: str | None) -> tuple[np.ndarray, str]:
    """The kernel (kh, kw, in_channels, filters) of a Conv2D layer, or the array given."""
    if isinstance(model_or_kernel, np.ndarray):
        kernel = model_or_kernel
        name = "kernel"
    else:
        from .inside import conv_layers

        name = layer or conv_layers(model_or_kernel)[0]
        if layer is not None and layer not in conv_layers(model_or_kernel):
            raise ValueError(f"{layer!r} is not a convolution layer of the model; its "
                             f"convolution layers are: {', '.join(conv_layers(model_or_kernel))}.")
        kernel = np.asarray(model_or_kernel.get_layer(name).kernel)
    if kernel.ndim != 4:
        raise ValueError(f"A Conv2D kernel has 4 dimensions (height, width, input channels, "
                         f"filters); got shape {kernel.shape}.")
    return kernel, name


def plot_filters(model_or_kernel: Any, layer: str | None = None, *, n: int = 32,
                 ncols: int = 8, title: str | None = None) -> Figure:
    """Show the filters (kernels) of a convolution layer as small images.

    ``model_or_kernel`` is a model (``layer``: the name of one of its
    convolution layers, by default the first) or a kernel array
    (height, width, input channels, filters). A layer that sees colour
    (3 input channels) shows each filter in colour, scaled so that 0 is
    mid-grey; otherwise each filter is shown in a blue–white–red map
    (red: positive weights, blue: negative). ``n`` filters at most.
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    kernel, name = _kernels(model_or_kernel, layer)
    shown = min(n, kernel.shape[-1])
    height, width, channels = kernel.shape[:3]
    fig, axes = image_grid(
        shown, ncols, title or f"The {shown} first filters of layer {name!r}",
        f"each panel: one {height}×{width} filter"
        + (", its 3 colour channels as RGB (grey = 0)" if channels == 3
           else " (red: positive weight, blue: negative)"))
    for i, ax in enumerate(axes):
        weights = kernel[..., i]
        if channels == 3:
            scale = np.abs(weights).max() or 1.0
            ax.imshow(np.clip(0.5 + weights / (2 * scale), 0, 1))
        else:
            shown_weights = weights.mean(axis=-1)
            limit = np.abs(shown_weights).max() or 1.0
            ax.imshow(shown_weights, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"filter {i}", fontsize="small")
    return fig


def plot_feature_maps(maps: ArrayLike, *, n: int = 16, ncols: int = 8,
                      title: str = "Feature maps", image: ArrayLike | None = None) -> Figure:
    """Show the channels of one layer's output (from ``inside.feature_maps``) as images.

    ``maps`` has shape (H', W', C); the first ``n`` channels are drawn, each
    in its own grey scale (black: 0 or the map's smallest value, white: its
    largest), titled with its channel number and largest value. ``image``,
    when given, is drawn first as the input the maps were computed from.
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    array = np.asarray(maps, dtype=np.float32)
    if array.ndim != 3:
        raise ValueError(f"feature maps have shape (height, width, channels); got {array.shape}. "
                         "For one image, use feature_maps(model, image, layer).")
    shown = min(n, array.shape[-1])
    extra = 0 if image is None else 1
    fig, axes = image_grid(shown + extra, ncols, title,
                           f"each panel: one {array.shape[0]}×{array.shape[1]} feature map "
                           "(white: strong response)")
    if image is not None:
        picture, white = prepare_images(np.asarray(image)[np.newaxis])
        show_image(axes[0], picture[0], white)
        axes[0].set_title("input", fontsize="small")
    for channel, ax in enumerate(axes[extra:]):
        one = array[..., channel]
        low, high = min(float(one.min()), 0.0), float(one.max())
        ax.imshow(one, cmap="gray", vmin=low, vmax=high if high > low else low + 1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"map {channel}: max {high:.2g}", fontsize="small")
    return fig


def plot_kernel_outputs(image: ArrayLike, outputs: Sequence[ArrayLike], names: Sequence[str],
                        *, title: str = "One image, several kernels") -> Figure:
    """Show an image next to what each of a few kernels makes of it.

    ``outputs`` are 2-D arrays (one feature map each), ``names`` their
    panel titles. Each map uses a blue–white–red scale centred on 0 (red:
    positive response, blue: negative), so edges of both directions show.
    """
    if len(outputs) != len(names):
        raise ValueError(f"{len(outputs)} outputs but {len(names)} names: give one name each.")
    fig, axes = image_grid(len(outputs) + 1, len(outputs) + 1, title,
                           "left: the image; then each kernel's output (red: positive, "
                           "blue: negative, white: 0)")
    picture, white = prepare_images(np.asarray(image)[np.newaxis])
    show_image(axes[0], picture[0], white)
    axes[0].set_title("image", fontsize="small")
    for ax, out, name in zip(axes[1:], outputs, names, strict=True):
        one = np.asarray(out, dtype=np.float32)
        if one.ndim != 2:
            raise ValueError(f"each output must be a 2-D map; {name!r} has shape {one.shape}.")
        limit = float(np.abs(one).max()) or 1.0
        ax.imshow(one, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{name} {one.shape[0]}×{one.shape[1]}", fontsize="small")
    return fig


def plot_heatmaps(images: ArrayLike, heatmaps: ArrayLike, y_true: ArrayLike | None = None,
                  y_pred: ArrayLike | None = None, class_names: Sequence[str] | None = None,
                  *, n: int = 8, ncols: int = 8, title: str = "Where the model looks",
                  alpha: float = 0.45, side_by_side: bool = True) -> Figure:
    """Overlay heatmaps (from ``grad_cam`` or ``occlusion_map``) on their images.

    ``images`` (N, H, W[, C]) and ``heatmaps`` (N, H, W) go together, one
    map per image. With ``y_true`` and ``y_pred`` (class numbers, or the
    model's probabilities) each panel is titled "true → predicted" and framed
    green when right, red when wrong. ``side_by_side=True`` shows each image
    above its overlay (two rows per image row); otherwise only the overlays.
    Heatmaps are drawn red for strong evidence, blue for none; negative
    values (an occlusion map where hiding a part *helped*) count as none.
    """
    n, ncols = check_count(n, "n"), check_whole(ncols, "ncols")
    imgs, white = prepare_images(images)
    heat = np.asarray(heatmaps, dtype=np.float32)
    if heat.ndim != 3 or heat.shape[0] != len(imgs) or heat.shape[1:] != imgs.shape[1:3]:
        raise ValueError(f"{len(imgs)} images of {imgs.shape[1:3]} need heatmaps of shape "
                         f"({len(imgs)}, {imgs.shape[1]}, {imgs.shape[2]}); got {heat.shape}.")
    truth = None if y_true is None else to_labels(y_true, "y_true")
    guess = None if y_pred is None else to_predictions(y_pred, "y_pred")[0]
    shown = min(n, len(imgs))
    ncols = max(1, min(ncols, shown))
    rows = []
    for start in range(0, shown, ncols):
        block = list(range(start, min(start + ncols, shown)))
        rows.append(block + [-1] * (ncols - len(block)))
    order = [(i, overlay) for row in rows
             for overlay in ((False, True) if side_by_side else (True,)) for i in row]
    fig, axes = image_grid(len(order), ncols, title,
                           ("top: the image; below it: the heatmap over it " if side_by_side
                            else "each panel: the heatmap over the image ")
                           + "(red: strongest evidence, blue: none)")
    for ax, (i, overlay) in zip(axes, order, strict=True):
        if i < 0:
            ax.set_axis_off()
            continue
        show_image(ax, imgs[i], white)
        if overlay:
            top = float(heat[i].max())
            ax.imshow(np.clip(heat[i], 0, None) / (top if top > 0 else 1.0), cmap=HEAT_CMAP,
                      alpha=alpha, vmin=0, vmax=1)
        if truth is not None and guess is not None and (overlay or not side_by_side):
            right = truth[i] == guess[i]
            for spine in ax.spines.values():
                spine.set_edgecolor(RIGHT_COLOR if right else WRONG_COLOR)
                spine.set_linewidth(2.5)
        if not overlay or not side_by_side:
            parts = [class_name(int(labels[i]), class_names)
                     for labels in (truth, guess) if labels is not None]
            label = " → ".join(parts)
            ax.set_title(label, fontsize="small")
    return fig
