"""The script each worker of a cluster runs (lesson 10): ``python -m course_utils.worker_training``.

Every machine of a cluster runs this same script; only the environment
variable ``TF_CONFIG`` differs: it lists all the workers' addresses and says
which one this is. ``tf.distribute.MultiWorkerMirroredStrategy`` reads it,
connects the workers, and from then on every training step runs on all of
them at once, their gradients summed over the network. On one computer the
workers are processes on ``127.0.0.1`` (``course_utils.multiworker`` starts
them); on a cluster a job scheduler (Slurm, Kubernetes) starts one per
machine with the right ``TF_CONFIG``.

``--mode fit`` trains with Keras' ``model.fit``; ``--mode custom`` with
``custom_fit``, a short training loop of our own under the strategy (Keras 3's
``fit`` under ``MultiWorkerMirroredStrategy`` is reported broken:
keras-team/keras#20585). Each worker writes its results as JSON
(``--result``): losses, validation accuracy, and a checksum of its weights, so
you can see that the workers end with the same model.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["custom_fit", "main", "shard_dataset_fn", "short_error", "weights_checksum"]


def weights_checksum(model: Any, trainable_only: bool = False) -> float:
    """One number for a model's weights (the sum of their absolute values), to compare copies.

    ``trainable_only=True`` leaves out the weights no gradient changes, such as batch
    normalization's running mean and variance: under a multi-device strategy each replica
    keeps its own running averages (unless the layer is made with ``synchronized=True``),
    while the trained weights are the same on every replica.
    """
    weights = model.trainable_weights if trainable_only else model.weights
    return float(sum(np.abs(np.asarray(w, dtype=np.float64)).sum() for w in weights))


def short_error(error: BaseException) -> str:
    """``Type: message`` in one line, with the tensors a message may print left out."""
    text = re.sub(r"\(PerReplica:\{.*?\}\)", "(PerReplica:{...})", str(error), flags=re.S)
    text = re.sub(r"\s+", " ", text).strip()
    return f"{type(error).__name__}: {text[:300]}"


def shard_dataset_fn(images: np.ndarray, labels: np.ndarray, global_batch: int,
                     steps_per_epoch: int, seed: int = 0) -> Any:
    """A dataset function for ``strategy.distribute_datasets_from_function``.

    Each input pipeline (one per worker) takes every n-th image (its *shard*),
    keeps exactly ``steps_per_epoch`` batches of the per-replica batch size
    (so every worker runs the same number of steps) and repeats.
    """
    from .pipelines import batched_dataset

    def dataset_fn(context: Any) -> Any:
        per_replica = context.get_per_replica_batch_size(global_batch)
        index, count = context.input_pipeline_id, context.num_input_pipelines
        keep = steps_per_epoch * per_replica
        shard_x, shard_y = images[index::count][:keep], labels[index::count][:keep]
        if len(shard_x) < keep:
            raise ValueError(f"worker {index} has {len(shard_x)} images, needs {keep}")
        return batched_dataset(shard_x, shard_y, per_replica, shuffle=True,
                               seed=seed + index).repeat()

    return dataset_fn


def custom_fit(strategy: Any, model: Any, dataset_fn: Any, epochs: int, steps_per_epoch: int,
               global_batch: int, log: Any = print) -> list[dict[str, float]]:
    """Train a compiled Keras model under ``strategy`` with a training step of our own.

    What ``fit`` does, written out: each replica runs the model on its part
    of the global batch, its per-image losses are averaged over the *global*
    batch (``tf.nn.compute_average_loss``), the optimizer's
    ``apply_gradients`` sums the replicas' gradients (an all-reduce over the
    network between workers) and applies the same update everywhere, so all
    copies of the model stay equal. Returns one dict per epoch with the mean
    training loss and accuracy.
    """
    import tensorflow as tf

    loss_object = model.loss
    optimizer = model.optimizer
    distributed = strategy.distribute_datasets_from_function(dataset_fn)

    def replica_step(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        with tf.GradientTape() as tape:
            probabilities = model(images, training=True)
            per_image = loss_object.call(labels, probabilities)
            loss = tf.nn.compute_average_loss(per_image, global_batch_size=global_batch)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        predicted = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        right = tf.reduce_sum(tf.cast(predicted == tf.cast(labels, tf.int32), tf.float32))
        return loss, right

    @tf.function
    def train_step(batch: tuple[tf.Tensor, tf.Tensor]) -> tuple[tf.Tensor, tf.Tensor]:
        loss, right = strategy.run(replica_step, args=batch)
        return (strategy.reduce(tf.distribute.ReduceOp.SUM, loss, axis=None),
                strategy.reduce(tf.distribute.ReduceOp.SUM, right, axis=None))

    history = []
    batches = iter(distributed)
    for epoch in range(1, int(epochs) + 1):
        start = time.perf_counter()
        total_loss = total_right = 0.0
        for _ in range(int(steps_per_epoch)):
            loss, right = train_step(next(batches))
            total_loss += float(loss)
            total_right += float(right)
        row = {"epoch": epoch, "loss": total_loss / steps_per_epoch,
               "accuracy": total_right / (steps_per_epoch * global_batch),
               "seconds": time.perf_counter() - start}
        history.append(row)
        log(f"epoch {epoch}: loss {row['loss']:.4f}, accuracy {row['accuracy']:.4f}, "
            f"{row['seconds']:.1f} s")
    return history


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m course_utils.worker_training",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("fit", "custom"), default="custom")
    parser.add_argument("--images", type=int, default=4096,
                        help="training images used from CIFAR-10 (all workers together)")
    parser.add_argument("--val-images", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128, help="global batch size")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--result", type=Path, required=True, help="JSON file to write")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one worker: connect to the cluster in ``TF_CONFIG``, train, write ``--result``."""
    args = _parse(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    # The strategy must exist before any other TensorFlow operation runs.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    import keras

    from . import data, models
    from .pipelines import batched_dataset

    keras.utils.set_random_seed(args.seed)
    task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    index = int(task.get("index", 0))

    def log(line: str) -> None:
        print(f"[worker {index}] {line}", flush=True)

    (x_train, y_train), _ = data.load_cifar10()
    n_val = int(args.val_images)
    x_fit, y_fit = x_train[: args.images], y_train[: args.images]
    x_val, y_val = x_train[-n_val:], y_train[-n_val:]  # validation: held out, never trained on
    steps = len(x_fit) // args.batch
    log(f"{strategy.num_replicas_in_sync} replicas in sync, global batch {args.batch}, "
        f"{steps} steps an epoch")
    model = models.better_cifar_model(steps, args.epochs, strategy=strategy)
    start = time.perf_counter()
    result: dict[str, Any] = {"worker": index, "mode": args.mode,
                              "replicas": strategy.num_replicas_in_sync}
    try:
        if args.mode == "fit":
            options = tf.data.Options()
            options.experimental_distribute.auto_shard_policy = (
                tf.data.experimental.AutoShardPolicy.DATA)
            train_ds = batched_dataset(x_fit, y_fit, args.batch, shuffle=True,
                                       seed=args.seed).with_options(options)
            fitted = model.fit(train_ds, epochs=args.epochs, verbose=0)
            history = [{"epoch": i + 1, "loss": loss}
                       for i, loss in enumerate(fitted.history["loss"])]
        else:
            history = custom_fit(strategy, model, shard_dataset_fn(x_fit, y_fit, args.batch,
                                                                   steps, args.seed),
                                 args.epochs, steps, args.batch, log=log)
    except Exception as error:  # report what broke, in the result file, and exit non-zero
        result.update(ok=False, error=short_error(error))
        args.result.write_text(json.dumps(result, indent=1))
        log(f"training failed: {result['error']}")
        return 1
    predicted = np.argmax(model.predict(x_val, batch_size=256, verbose=0), axis=-1)
    result.update(ok=True, history=history, seconds=time.perf_counter() - start,
                  val_accuracy=float(np.mean(predicted == y_val)),
                  weights_checksum=weights_checksum(model),
                  trained_weights_checksum=weights_checksum(model, trainable_only=True))
    args.result.write_text(json.dumps(result, indent=1))
    log(f"validation accuracy {result['val_accuracy']:.4f}, trained weights' checksum "
        f"{result['trained_weights_checksum']:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
