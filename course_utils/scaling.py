"""Where the training time goes: multiply-adds counted from the shapes, and the machine's peak.

Lesson 10 asks how close training on this computer comes to the limit of what
its processor can do. Three measurements answer it::

    from course_utils import scaling

    table = scaling.count_macs(model)            # multiply-adds per layer, one image
    print(table)                                 # the table, biggest layers marked
    step = scaling.time_training_step(model, images, labels, batch_size=128)
    peak = scaling.peak_rate()                   # a large matrix product, MACs per second
    print(table.training_macs(128) / step.median_s / peak.macs_per_s)  # share of the peak

A *multiply-add* (MAC) is one ``a * b + c``: the work of one weight on one
input. A convolution with a 3×3 kernel over ``c_in`` channels does
``3 * 3 * c_in`` of them for each of its output numbers, so a layer's count is
``output height × output width × output channels × kernel height × kernel
width × input channels``; a ``Dense`` layer does ``inputs × units``. Other
layers (pooling, batch normalization, activations) do a few cheap operations
per number and are counted as 0 multiply-adds here.

Training one image costs about three forward passes: the forward pass, the
gradient of each layer's weights (as many MACs as its forward pass) and the
gradient of each layer's input (the same again, except for the first layer,
whose input is the image and needs no gradient). ``MacsTable.training_macs``
counts exactly that.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "LayerMacs",
    "MacsTable",
    "PeakRate",
    "StepTiming",
    "count_macs",
    "peak_rate",
    "plot_macs",
    "time_training_step",
]


@dataclass(frozen=True)
class LayerMacs:
    """One layer's multiply-adds for one image.

    Attributes:
        name: the layer's name (``model.summary()`` shows the same).
        kind: its class, e.g. ``"Conv2D"``.
        output_shape: the shape of its output for one image, e.g. ``(32, 32, 32)``.
        macs: multiply-adds of its forward pass for one image (0 for layers
            that multiply nothing by a weight).
    """

    name: str
    kind: str
    output_shape: tuple[int, ...]
    macs: int


@dataclass(frozen=True)
class MacsTable:
    """The multiply-adds of a model, layer by layer, for one image (see ``count_macs``)."""

    model_name: str
    layers: tuple[LayerMacs, ...]

    @property
    def forward_macs(self) -> int:
        """Multiply-adds of one forward pass (a prediction) for one image."""
        return sum(layer.macs for layer in self.layers)

    def training_macs(self, batch_size: int = 1) -> int:
        """Multiply-adds of one training step on ``batch_size`` images.

        Forward pass + weight gradients (each as many as its forward pass) +
        input gradients (the same, for every weighted layer except the first).
        """
        weighted = [layer.macs for layer in self.layers if layer.macs]
        per_image = 2 * sum(weighted) + sum(weighted[1:]) if weighted else 0
        return per_image * int(batch_size)

    def share(self, name: str) -> float:
        """The fraction of the forward multiply-adds done by the layer called ``name``."""
        for layer in self.layers:
            if layer.name == name:
                return layer.macs / self.forward_macs if self.forward_macs else 0.0
        raise KeyError(f"no layer called {name!r}; the layers are "
                       f"{', '.join(layer.name for layer in self.layers)}")

    def to_rows(self) -> list[dict[str, Any]]:
        """One dict per layer: name, kind, output shape, MACs and their share (for pandas)."""
        total = self.forward_macs or 1
        return [
            {"layer": layer.name, "kind": layer.kind,
             "output": "×".join(str(n) for n in layer.output_shape),
             "macs": layer.macs, "share": layer.macs / total}
            for layer in self.layers
        ]

    def __str__(self) -> str:
        total = self.forward_macs or 1
        lines = [f"{'layer':<24} {'output':>12} {'multiply-adds':>14} {'share':>6}"]
        for layer in self.layers:
            shape = "×".join(str(n) for n in layer.output_shape)
            lines.append(f"{layer.name:<24} {shape:>12} {layer.macs:>14,} "
                         f"{layer.macs / total:>6.1%}")
        lines.append(f"{'total, one image':<24} {'':>12} {self.forward_macs:>14,} {1:>6.0%}")
        return "\n".join(lines)


def _shape(tensor: Any) -> tuple[int, ...]:
    """A symbolic tensor's shape without the batch axis, as whole numbers."""
    return tuple(int(n) for n in tuple(tensor.shape)[1:])


def _layer_macs(layer: Any) -> int:
    """Forward multiply-adds of one layer for one image, from its input and output shapes."""
    kind = type(layer).__name__
    if kind in ("Conv2D", "Conv1D", "Conv3D"):
        kernel = tuple(layer.kernel.shape)  # (*window, inputs per group, filters)
        return math.prod(_shape(layer.output)) * math.prod(kernel[:-1])
    if kind == "DepthwiseConv2D":
        window = tuple(layer.kernel.shape)[:2]
        return math.prod(_shape(layer.output)) * math.prod(window)
    if kind == "SeparableConv2D":
        window = tuple(layer.depthwise_kernel.shape)[:2]
        in_shape, out_shape = _shape(layer.input), _shape(layer.output)
        middle = math.prod(out_shape[:-1]) * in_shape[-1] * layer.depth_multiplier
        return middle * math.prod(window) + middle * out_shape[-1]
    if kind in ("Dense", "EinsumDense"):
        return math.prod(_shape(layer.output)) * int(tuple(layer.kernel.shape)[0])
    return 0


def _flat_layers(model: Any) -> list[Any]:
    """The model's layers, with nested models (an augmentation block, a backbone) opened up."""
    found = []
    for layer in model.layers:
        if hasattr(layer, "layers") and getattr(layer, "layers", None):
            found.extend(_flat_layers(layer))
        else:
            found.append(layer)
    return found


def count_macs(model: Any) -> MacsTable:
    """Count a built Keras model's multiply-adds, layer by layer, for one image.

    The counts come from each layer's output shape and kernel shape (see the
    module's help); only convolutions and ``Dense`` layers count. ``print``
    the result for a table; ``training_macs(batch_size)`` gives one training
    step. The model must know its input shape (built with ``keras.Input``).
    """
    if not getattr(model, "built", False) or not getattr(model, "inputs", None):
        raise ValueError("count_macs needs a model that knows its input shape: build it with "
                         "keras.Input(shape=...) as its first layer.")
    rows = []
    for layer in _flat_layers(model):
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            shape = _shape(layer.output)
        except (AttributeError, ValueError):  # a layer used twice has no single output
            shape = ()
        rows.append(LayerMacs(layer.name, type(layer).__name__, shape, int(_layer_macs(layer))))
    return MacsTable(model.name, tuple(rows))


def plot_macs(table: MacsTable, title: str | None = None) -> Any:
    """A bar chart of the millions of multiply-adds each layer does for one image.

    Only the layers that do any (convolutions and ``Dense``) get a bar, in the
    model's order, labelled with their share of the total. Returns the figure.
    """
    import matplotlib.pyplot as plt

    rows = [layer for layer in table.layers if layer.macs]
    if not rows:
        raise ValueError(f"{table.model_name} has no layer with multiply-adds to plot")
    total = table.forward_macs
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
    names = [row.name for row in rows][::-1]
    values = [row.macs / 1e6 for row in rows][::-1]
    bars = ax.barh(names, values, color="tab:blue")
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(f"{value * 1e6 / total:.0%}", (bar.get_width(), bar.get_y() + 0.4),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_xlabel("millions of multiply-adds for one image (forward pass)")
    ax.set_ylabel("layer")
    ax.set_xlim(0, max(values) * 1.15)
    ax.set_title(title or f"Where the multiply-adds of {table.model_name} are "
                 f"({total / 1e6:.1f} million in all)")
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class StepTiming:
    """How long training steps took (``time_training_step``)."""

    batch_size: int
    seconds: tuple[float, ...]

    @property
    def median_s(self) -> float:
        """The median seconds of one step."""
        return statistics.median(self.seconds)

    @property
    def images_per_s(self) -> float:
        """Training images per second at the median step time."""
        return self.batch_size / self.median_s

    def __str__(self) -> str:
        return (f"{len(self.seconds)} steps of {self.batch_size} images: median "
                f"{self.median_s * 1000:.0f} ms a step, {self.images_per_s:,.0f} images/s")


def time_training_step(model: Any, images: np.ndarray, labels: np.ndarray, batch_size: int,
                       steps: int = 10, warmup: int = 3) -> StepTiming:
    """Time ``steps`` training steps of a compiled model on one batch, after ``warmup`` steps.

    The batch is the first ``batch_size`` images and labels; the same batch
    is used every step, so only the model's work is timed (not loading data).
    The first steps build and compile the step function and are not counted.
    The weights change: time a model you do not need afterwards, or a copy.
    """
    images, labels = np.asarray(images)[:batch_size], np.asarray(labels)[:batch_size]
    if len(images) < batch_size:
        raise ValueError(f"need {batch_size} images for one batch, got {len(images)}")
    for _ in range(max(int(warmup), 1)):
        model.train_on_batch(images, labels)
    seconds = []
    for _ in range(int(steps)):
        start = time.perf_counter()
        model.train_on_batch(images, labels)
        seconds.append(time.perf_counter() - start)
    return StepTiming(int(batch_size), tuple(seconds))


@dataclass(frozen=True)
class PeakRate:
    """The multiply-adds per second a large matrix product reaches here (``peak_rate``)."""

    size: int
    dtype: str
    device: str
    seconds: tuple[float, ...]

    @property
    def macs_per_s(self) -> float:
        """Multiply-adds per second at the median time (``size ** 3`` per product)."""
        return self.size ** 3 / statistics.median(self.seconds)

    def __str__(self) -> str:
        return (f"{self.size}×{self.size} {self.dtype} matrix product on {self.device}: "
                f"{self.macs_per_s / 1e9:,.1f} billion multiply-adds per second "
                f"(median of {len(self.seconds)})")


def peak_rate(size: int = 2048, dtype: str = "float32", repeats: int = 5,
              device: str | None = None) -> PeakRate:
    """Measure the machine's practical peak: a ``size``×``size`` matrix product, timed.

    A big matrix product is the fastest thing a processor does: it multiplies
    ``size ** 3`` pairs and the library (oneDNN/Eigen on a CPU, cuBLAS on a
    GPU) keeps every core busy. Its rate is the ceiling for training, which
    is made of smaller products. ``dtype`` can be ``"bfloat16"`` or
    ``"float16"`` to see what lower precision gives. ``device`` defaults to
    the first GPU, or the CPU.
    """
    import tensorflow as tf

    if device is None:
        device = "/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"
    with tf.device(device):
        rng = np.random.default_rng(0)
        a = tf.cast(tf.constant(rng.standard_normal((size, size), dtype=np.float32)), dtype)
        b = tf.cast(tf.constant(rng.standard_normal((size, size), dtype=np.float32)), dtype)

        @tf.function
        def product() -> tf.Tensor:
            return tf.reduce_sum(tf.cast(tf.linalg.matmul(a, b)[0, :1], tf.float32))

        product().numpy()  # trace and warm up
        seconds = []
        for _ in range(int(repeats)):
            start = time.perf_counter()
            product().numpy()
            seconds.append(time.perf_counter() - start)
    return PeakRate(int(size), str(dtype), device.strip("/"), tuple(seconds))
