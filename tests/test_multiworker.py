"""Two workers on 127.0.0.1 (MultiWorkerMirroredStrategy); training that resumes after a kill.

The real runs (two workers with the custom step, Keras' ``fit`` failing under the strategy,
a run killed halfway through epoch 2 and resumed) are lesson 10's cells: `make test` runs the
lesson in fast mode with nbval, and the cells marked ``# NBVAL_CHECK_OUTPUT`` must print what
the committed full run printed (equal trained weights and losses on both workers, fit's
``PerReplica`` error, the resume report, the backup folder deleted at the end). Running them
here too would cost two more minutes of `make test`. This file tests the parts around them.
"""

from __future__ import annotations

import json

import pytest

from course_utils import multiworker, resumable
from course_utils.worker_training import short_error


def test_tf_config_names_every_worker_and_this_one() -> None:
    config = json.loads(multiworker.tf_config(["127.0.0.1:1", "127.0.0.1:2"], 1))
    assert config == {"cluster": {"worker": ["127.0.0.1:1", "127.0.0.1:2"]},
                      "task": {"type": "worker", "index": 1}}


def test_short_error_leaves_out_the_tensors() -> None:
    error = ValueError("Attempt to convert a value (PerReplica:{\n 0: array([[1, 2]])\n}) "
                       "with an unsupported type")
    assert short_error(error) == ("ValueError: Attempt to convert a value (PerReplica:{...}) "
                                  "with an unsupported type")


def test_resume_report_needs_two_runs() -> None:
    with pytest.raises(ValueError):
        resumable.resume_report([{"run": 1, "event": "begin", "epoch": 1, "checksum": 1.0,
                                  "step": 0}])


def test_lesson_10_checks_the_runs_outputs() -> None:
    """The cells nbval checks exist, and the committed full run shows what the lesson says."""
    import nbformat

    from conftest import ROOT

    nb = nbformat.read(ROOT / "notebooks" / "10_scaling_up.ipynb", as_version=4)
    checked = [c for c in nb.cells if c.cell_type == "code"
               and c.source.startswith("# NBVAL_CHECK_OUTPUT")]
    text = "\n".join(o.get("text", "") for c in checked for o in c.outputs)
    for expected in (
        "a worker finished: False",
        "worker 0: ValueError: Attempt to convert a value (PerReplica:{...})",
        "worker 1: ValueError: Attempt to convert a value (PerReplica:{...})",
        "both workers finished: True",
        "replicas in sync on each worker: 2 2",
        "equal trained weights: True",
        "equal losses in every epoch: True",
        "first run: exit code -9, backup folder there: True",
        "second run: exit code 0",
        "{'finished_before': 1, 'resumed_at': 2, 'same_weights': True, 'same_step': True, "
        "'epochs_run_twice': [2]}",
        "backup folder left at the end: False",
    ):
        assert expected in text, f"lesson 10's checked cells do not print {expected!r}"
