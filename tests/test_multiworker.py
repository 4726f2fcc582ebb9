"""Two workers on 127.0.0.1 (MultiWorkerMirroredStrategy); training that resumes after a kill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from course_utils import multiworker, resumable
from course_utils.worker_training import short_error

SMALL = ["--epochs", "1", "--images", "512", "--val-images", "200", "--batch", "64"]


def test_tf_config_names_every_worker_and_this_one() -> None:
    config = json.loads(multiworker.tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1))
    assert config == {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]},
                      "task": {"type": "worker", "index": 1}}


def test_short_error_leaves_out_the_tensors() -> None:
    error = ValueError("Attempt to convert a value (PerReplica:{\n 0: array([[1, 2]])\n}) "
                       "with an unsupported type")
    assert short_error(error) == ("ValueError: Attempt to convert a value (PerReplica:{...}) "
                                  "with an unsupported type")


def test_two_workers_train_the_same_model_with_the_custom_step(tmp_path: Path) -> None:
    runs = multiworker.run_workers(2, ["--mode", "custom", *SMALL], timeout=300,
                                   workdir=tmp_path)
    assert all(run.ok for run in runs), [run.log_tail() for run in runs]
    first, second = (run.result for run in runs)
    assert first["replicas"] == second["replicas"] == 2
    # the gradients were summed over both workers: the trained weights are equal
    assert first["trained_weights_checksum"] == pytest.approx(second["trained_weights_checksum"],
                                                              rel=1e-9)
    assert first["history"][0]["loss"] == pytest.approx(second["history"][0]["loss"])
    assert not any(line.startswith(multiworker.NOISE) for run in runs
                   for line in run.log.splitlines())


def test_keras_fit_under_multi_worker_still_fails_as_lesson_10_says(tmp_path: Path) -> None:
    runs = multiworker.run_workers(2, ["--mode", "fit", *SMALL], timeout=300, workdir=tmp_path)
    assert not any(run.ok for run in runs), (
        "Keras' fit now works under MultiWorkerMirroredStrategy: update lesson 10 and "
        "course_utils.worker_training (keras-team/keras#20585)")
    assert all("PerReplica" in run.result.get("error", "") for run in runs)


def test_a_killed_run_resumes_from_its_last_finished_epoch(tmp_path: Path) -> None:
    args = ["--backup", tmp_path / "backup", "--record", tmp_path / "record.jsonl",
            "--epochs", "2", "--images", "512"]
    killed = multiworker.run_until("course_utils.resumable", args,
                                   marker="halfway through epoch 2", timeout=300)
    assert killed.returncode == -9, killed.log_tail()
    assert (tmp_path / "backup").exists()
    finished = multiworker.run_script("course_utils.resumable", args, timeout=300)
    assert finished.ok, finished.log_tail()
    report = resumable.resume_report(resumable.read_record(tmp_path / "record.jsonl"))
    assert report == {"finished_before": 1, "resumed_at": 2, "same_weights": True,
                      "same_step": True, "epochs_run_twice": [2]}
    assert not (tmp_path / "backup").exists()  # deleted when training finished


def test_resume_report_needs_two_runs() -> None:
    with pytest.raises(ValueError):
        resumable.resume_report([{"run": 1, "event": "begin", "epoch": 1, "checksum": 1.0,
                                  "step": 0}])
