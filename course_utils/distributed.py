"""Devices and distribution strategies for lesson 10: one GPU, several devices, several machines.

TensorFlow spreads training over devices with a *distribution strategy*: you
build and compile the model inside ``strategy.scope()`` and give ``fit`` batches
of the *global* batch size; the strategy splits each batch between the
devices (the *replicas*), runs them in step, and adds their gradients up::

    from course_utils import distributed

    distributed.split_cpu(2)                   # before TensorFlow starts: 2 logical CPUs
    strategy = distributed.strategy_for_devices()
    print(distributed.describe(strategy))      # MirroredStrategy over 2 devices: CPU:0, CPU:1
    with strategy.scope():
        model = models.better_cifar_model(steps_per_epoch)

``strategy_for_devices`` returns the strategy that suits what is there: a
``MirroredStrategy`` over every GPU (or over the logical CPUs made by
``split_cpu``), and TensorFlow's default strategy (no distribution) for one
device. Several machines use ``MultiWorkerMirroredStrategy`` instead, set up
by ``TF_CONFIG`` (see ``course_utils.multiworker``).
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = [
    "describe",
    "global_batch_size",
    "mixed_precision_pays",
    "scaled_learning_rate",
    "split_cpu",
    "strategy_for_devices",
    "strategy_scope",
]


def split_cpu(count: int = 2) -> list[Any]:
    """Split the processor into ``count`` logical CPU devices (``CPU:0``, ``CPU:1``, …).

    A way to try a multi-device strategy without several GPUs: TensorFlow
    treats each logical device as a device of its own. They share the same
    cores, so training does not get faster; the point is to see the strategy
    work. It must run before TensorFlow starts its runtime (before the first
    tensor is made); calling it again with the same ``count`` is harmless.
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(int(count))])
    except RuntimeError as error:
        present = tf.config.list_logical_devices("CPU")
        if len(present) == int(count):
            return present
        raise RuntimeError(
            f"TensorFlow has already started with {len(present)} CPU device(s), so it cannot "
            f"be split into {count} now. Restart the kernel and run split_cpu({count}) before "
            "anything else uses TensorFlow (first in the setup cell)."
        ) from error
    return tf.config.list_logical_devices("CPU")


def strategy_for_devices() -> Any:
    """The distribution strategy for the devices present.

    Several GPUs: ``MirroredStrategy`` over all of them. One GPU: the
    default strategy (everything on that GPU). No GPU but several logical
    CPUs (``split_cpu``): ``MirroredStrategy`` over them. Otherwise the
    default strategy. Inside a multi-worker cluster (``TF_CONFIG`` names
    workers) use ``tf.distribute.MultiWorkerMirroredStrategy()`` instead.
    """
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy([device.name for device in gpus])
    if gpus:
        return tf.distribute.get_strategy()
    cpus = tf.config.list_logical_devices("CPU")
    if len(cpus) > 1:
        return tf.distribute.MirroredStrategy([device.name for device in cpus])
    return tf.distribute.get_strategy()


def describe(strategy: Any) -> str:
    """One line: which strategy, over how many replicas, on which devices."""
    try:
        devices = tuple(strategy.extended.worker_devices)
    except RuntimeError:  # the default strategy has no list of devices
        devices = ()
    names = ", ".join(name.split("device:")[-1] for name in devices)
    kind = type(strategy).__name__
    if kind == "_DefaultDistributionStrategy":
        kind = "default strategy (no distribution)"
    replicas = strategy.num_replicas_in_sync
    return f"{kind}: {replicas} replica{'s' if replicas != 1 else ''}" + (
        f" on {names}" if names else "")


def strategy_scope(strategy: Any | None) -> contextlib.AbstractContextManager[Any]:
    """``strategy.scope()``, or a do-nothing context for ``None`` (no strategy)."""
    return strategy.scope() if strategy is not None else contextlib.nullcontext()


def global_batch_size(per_replica: int, replicas: int) -> int:
    """The batch ``fit`` gets when each of ``replicas`` devices works on ``per_replica`` images.

    A strategy splits every global batch evenly: 2 replicas × 64 images = a
    global batch of 128, and each gradient step averages all 128 images.
    """
    if int(per_replica) < 1 or int(replicas) < 1:
        raise ValueError(f"per_replica and replicas must be at least 1, got "
                         f"{per_replica} and {replicas}")
    return int(per_replica) * int(replicas)


def scaled_learning_rate(base_rate: float, base_batch: int, batch: int) -> float:
    """The linear scaling rule: a ``batch`` k times ``base_batch`` gets k times ``base_rate``.

    A bigger batch averages more images, so its gradient is less noisy and
    one step can go further; with k times fewer steps an epoch, the rate goes
    up k times to cover the same distance (Goyal et al., 2017). It is a rule
    of thumb for a starting point, kept with a warm-up, and checked on the
    validation set; past a few thousand images a batch it stops holding.
    """
    if int(base_batch) < 1 or int(batch) < 1:
        raise ValueError(f"batch sizes must be at least 1, got {base_batch} and {batch}")
    return float(base_rate) * int(batch) / int(base_batch)


def mixed_precision_pays() -> tuple[bool, str]:
    """Whether ``mixed_float16`` is likely to pay here, and why, in one sentence.

    It pays on NVIDIA GPUs with Tensor Cores (compute capability 7.0 or more:
    V100, T4, A100, H100, RTX 20xx and later), where 16-bit products run
    several times faster. On a CPU or an older GPU it does not: float16 is
    emulated and slower. (Some recent server CPUs have fast bfloat16 products;
    lesson 10 measures ``mixed_bfloat16`` rather than guess.)
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return False, "no GPU: float16 products are not faster on a CPU"
    details = tf.config.experimental.get_device_details(gpus[0])
    capability = details.get("compute_capability")
    name = details.get("device_name", "the GPU")
    if capability and tuple(capability) >= (7, 0):
        return True, f"{name} (compute capability {capability[0]}.{capability[1]}) has Tensor Cores"
    return False, f"{name} has no Tensor Cores (compute capability {capability})"
