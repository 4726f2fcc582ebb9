"""Training that survives being stopped (lesson 10): ``python -m course_utils.resumable``.

Long runs on shared machines get stopped: a preempted cloud machine, a
cluster job over its time, a laptop closed. ``keras.callbacks.BackupAndRestore``
saves the model, the optimizer and the epoch counter at the end of every
epoch into a backup folder; started again with the same folder, ``fit``
restores them and carries on from the first unfinished epoch. The folder is
deleted when training finishes.

This script trains lesson 02's better CIFAR-10 model on a few thousand images
with that callback, and writes a *record* (one JSON line per event) of what
happens: at the start of each epoch, the weights' checksum and the optimizer's
step count; at the end, the same and the loss. Halfway through each epoch it
prints ``halfway through epoch N`` (lesson 10 stops it there)::

    python -m course_utils.resumable --backup backup/ --record record.jsonl --epochs 4

``read_record`` reads the record back; ``resume_report`` says whether the
second run started where the first one's last finished epoch ended.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main", "read_record", "resume_report"]


def read_record(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The events a run (or several runs into one file) wrote, in order."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def resume_report(events: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Compare the restart with the run before it: did it start where that one's last epoch ended?

    Returns a dict: ``finished_before`` (epochs finished before the stop),
    ``resumed_at`` (the epoch the second run began with), ``same_weights``
    (its starting checksum equals the checksum at the end of the last
    finished epoch), ``same_step`` (the optimizer's step count too) and
    ``epochs_run_twice`` (epochs begun by both runs: the one interrupted).
    """
    runs = sorted({event["run"] for event in events})
    if len(runs) < 2:
        raise ValueError("the record holds one run; resume_report needs a stopped run and "
                         "its restart")
    first = [e for e in events if e["run"] == runs[-2]]
    second = [e for e in events if e["run"] == runs[-1]]
    ended = [e for e in first if e["event"] == "end"]
    began = [e for e in second if e["event"] == "begin"]
    if not ended or not began:
        raise ValueError("the first run finished no epoch, or the second began none")
    last, restart = ended[-1], began[0]
    started_first = {e["epoch"] for e in first if e["event"] == "begin"}
    return {
        "finished_before": last["epoch"],
        "resumed_at": restart["epoch"],
        "same_weights": abs(last["checksum"] - restart["checksum"]) <= 1e-6 * abs(
            last["checksum"]),
        "same_step": last["step"] == restart["step"],
        "epochs_run_twice": sorted(started_first & {e["epoch"] for e in began}),
    }


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m course_utils.resumable",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--backup", type=Path, required=True, help="the backup folder")
    parser.add_argument("--record", type=Path, required=True, help="JSON-lines file to append to")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--images", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Train with ``BackupAndRestore`` into ``--backup``, appending events to ``--record``."""
    args = _parse(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    from . import data, models
    from .pipelines import batched_dataset
    from .worker_training import weights_checksum

    tf.get_logger().setLevel("ERROR")
    keras.utils.set_random_seed(args.seed)
    run = len({e["run"] for e in read_record(args.record)}) + 1
    (x_train, y_train), _ = data.load_cifar10()
    x_fit, y_fit = x_train[: args.images], y_train[: args.images]
    train_ds = batched_dataset(x_fit, y_fit, args.batch, shuffle=True, seed=args.seed)
    steps = len(train_ds)
    model = models.better_cifar_model(steps, args.epochs)

    def write(event: str, epoch: int, **extra: Any) -> None:
        row = {"run": run, "event": event, "epoch": epoch, "checksum": weights_checksum(model),
               "step": int(model.optimizer.iterations.numpy()), **extra}
        with open(args.record, "a") as out:
            out.write(json.dumps(row) + "\n")

    class Record(keras.callbacks.Callback):
        """Writes the events; placed after BackupAndRestore, so it sees the restored state."""

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self.epoch = epoch + 1
            write("begin", self.epoch)
            print(f"run {run}: epoch {self.epoch} begins at step "
                  f"{int(model.optimizer.iterations.numpy())}", flush=True)

        def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
            if batch == steps // 2:
                print(f"halfway through epoch {self.epoch}", flush=True)

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            write("end", epoch + 1, loss=float((logs or {}).get("loss", float("nan"))))
            print(f"run {run}: epoch {epoch + 1} finished, loss "
                  f"{(logs or {}).get('loss', float('nan')):.4f}", flush=True)

    backup = keras.callbacks.BackupAndRestore(str(args.backup), save_freq="epoch",
                                              delete_checkpoint=True)
    model.fit(train_ds, epochs=args.epochs, callbacks=[backup, Record()], verbose=0,
              shuffle=False)  # the dataset shuffles itself
    print(f"run {run}: training finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
