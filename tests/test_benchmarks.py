"""benchmarks/: every recipe runs, the JSON line parses, memory stays in budget, reports render."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import RECIPE_NAMES, harness, report
from benchmarks.__main__ import main
from course_utils import data, models

ROOT = Path(__file__).resolve().parent.parent

needs_data = pytest.mark.skipif(
    not all(data.dataset_status(name, quick=True).usable for name in ("mnist", "cifar10")),
    reason="needs mnist and cifar10 in COURSE_DATA_DIR",
)


@needs_data
@pytest.mark.parametrize("name", RECIPE_NAMES)
def test_recipe_builds_trains_one_step_and_stays_in_memory_budget(name: str) -> None:
    # Each recipe in a fresh process, as `make bench` runs it, so its peak memory is its own.
    # The full dataset is loaded (as in a real run); training is one batch of one epoch.
    env = {**os.environ, "COURSE_FAST": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", name, "--json", "--steps", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = harness.parse_result_line(proc.stdout)
    assert result["recipe"] == name and result["fast_mode"] is True and result["epochs"] == 1
    assert result["n_train"] == result["n_test"] == 1000  # fast mode keeps 1,000 of each
    assert 0.0 <= result["test_acc"] <= 1.0
    assert len(result["epoch_s"]) == 1 and 0 < result["train_s"] <= result["wall_s"]
    # A TensorFlow process alone takes about 0.5 GB; the budget is 1.5 GB. The whole dataset
    # is loaded before fast mode cuts it to 1,000 images, so loading must fit too.
    assert 300 < result["peak_rss_mb"] < report.RSS_BUDGET_MB, result["peak_rss_mb"]
    if name.startswith("course_"):
        # A course recipe validates on held-out *training* images, with its own settings.
        recipe = models.BETTER_MNIST if name == "course_mnist" else models.BETTER_CIFAR
        assert result["settings"]["batch_size"] == recipe.batch_size
        assert len(result["val_acc"]) == 1
    else:
        assert result["settings"]["validation"] in {"test set", "none"}


@needs_data
def test_augmentation_cost_times_both_models_on_the_same_batches() -> None:
    from benchmarks.profile import augmentation_cost

    result = augmentation_cost(epochs=2, limit=300)
    assert result["steps_per_epoch"] == 3 and result["batch_size"] == models.BETTER_CIFAR.batch_size
    assert len(result["runs"]["plain"]) == len(result["runs"]["augmented"]) == 1  # 1st not counted
    assert result["ratio"] == pytest.approx(
        result["augmented_epoch_s"] / result["plain_epoch_s"], rel=0.01)
    assert result["augmentation"][0] == "RandomFlip"


def test_profile_moves_pooling_after_batchnorm_relu() -> None:
    from benchmarks.profile import _pool_last

    moved = [type(layer).__name__ for layer in
             _pool_last(models.better_cifar_cnn(augment=False)).layers]
    assert moved[1:5] == ["Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D"]
    assert moved.count("MaxPooling2D") == 3


def test_parse_result_line_takes_the_last_line() -> None:
    line = json.dumps({"recipe": "x", "test_acc": 0.5, "train_s": 1.0, "wall_s": 2.0,
                       "peak_rss_mb": 700.0, "epochs": 1})
    assert harness.parse_result_line(f"Epoch 1/1\n{{not json}}\n{line}\n\n")["test_acc"] == 0.5
    with pytest.raises(ValueError, match="not JSON"):
        harness.parse_result_line(line + "\nDone.\n")
    with pytest.raises(ValueError, match="no wall_s, peak_rss_mb"):
        harness.parse_result_line('{"recipe": "x", "test_acc": 1, "train_s": 1, "epochs": 1}')
    with pytest.raises(ValueError, match="printed nothing"):
        harness.parse_result_line("\n")


def test_peak_rss_counts_a_big_allocation() -> None:
    # In a fresh process: the high-water mark of this test process is already high.
    code = ("from benchmarks.harness import peak_rss_mb\n"
            "before = peak_rss_mb()\n"
            "block = bytearray(300 * 2**20)\n"
            "block[::4096] = b'x' * len(block[::4096])\n"
            "print(before, peak_rss_mb())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    before, after = map(float, out.split())
    assert 0 < before < 200 and after - before > 250


def _run(name: str, acc: float, wall: float, rss: float = 900.0) -> dict:
    return {"recipe": name, "test_acc": acc, "train_s": wall - 10, "wall_s": wall,
            "peak_rss_mb": rss, "epochs": 5, "epoch_s": [4.0, 3.5]}


SMALL_RESULTS = {
    "machine": {"cpu": "Test CPU", "cores": 2, "tensorflow": "2.21.0", "keras": "3.15.1",
                "python": "3.11.9", "date": "2025-01-02T03:04:05+00:00"},
    "runs": {
        "seed_mnist": [_run("seed_mnist", 0.989, 150), _run("seed_mnist", 0.990, 140),
                       _run("seed_mnist", 0.988, 160)],
        "course_mnist": [_run("course_mnist", 0.994, 50), _run("course_mnist", 0.993, 56),
                         _run("course_mnist", 0.995, 70)],
        "seed_cifar10": [{**_run("seed_cifar10", 0.686, 240, rss=2600.0), "other_load": 0.05}],
        "course_cifar10": [_run("course_cifar10", 0.79, 230)],
    },
    "augmentation": {"plain_epoch_s": 10.0, "augmented_epoch_s": 11.0, "ratio": 1.1,
                     "runs": {"plain": [10.0, 10.2], "augmented": [11.0, 10.8]},
                     "epochs": 3, "steps_per_epoch": 352, "batch_size": 128,
                     "augmentation": ["RandomFlip", "RandomTranslation"]},
}


def test_report_shows_medians_targets_and_runs() -> None:
    text = report.render(SMALL_RESULTS)
    assert text.startswith("# Benchmark results\n")
    assert "- Machine: Test CPU, 2 cores" in text and "TensorFlow 2.21.0" in text
    assert "2025-01-02" in text
    assert "| seed_mnist | 3 | 98.90% | 140 s | 150 s | 0.88 GB | 5 |" in text
    assert "| course_mnist | 3 | 99.40% | 46 s | 56 s | 0.88 GB | 5 |" in text
    assert "| course_mnist test accuracy ≥ 99.3% | 99.40% | yes |" in text
    assert "| course_mnist wall time ≤ 0.4 × seed_mnist | 0.37 × (56 s vs 150 s) | yes |" in text
    assert "| course_cifar10 test accuracy ≥ 80.0% | 79.00% | **no** |" in text
    assert "| course_cifar10 wall time ≤ 1 × seed_cifar10 | 0.96 × (230 s vs 240 s) | yes |" in text
    assert "| course_cifar10 peak RSS ≤ 1.5 GB | 900 MB | yes |" in text
    # The seeds keep their float32 copies: their memory is shown, not held to the budget.
    assert "| (seed_cifar10 peak RSS, for comparison: float32 copies of the data) | 2600 MB | – |" \
        in text
    assert "seed_mnist peak RSS ≤" not in text
    assert "ratio **1.10**" in text and "| 1.10 × | yes |" in text
    assert "| course_mnist | 3 | 99.50% | 60 s | 70 s | 900 MB | – | 4, 4 |" in text
    assert "| seed_cifar10 | 1 | 68.60% | 230 s | 240 s | 2600 MB | 0.05 | 4, 4 |" in text
    assert "## Where a training step" not in text  # no profile in this JSON


def test_report_shows_the_step_profile_and_autotuning() -> None:
    profile = {"batch_size": 128, "repeats": 20,
               "ms_per_batch": {"input pipeline (next batch)": 0.4, "  RandomFlip": 1.25},
               "cpu_ms_per_batch": {"input pipeline (next batch)": 0.6},
               "autotune": {"autotune on": [60.2, 95.0], "autotune off": [61.0, 60.4]}}
    text = report.render({**SMALL_RESULTS, "profile": profile})
    assert "Milliseconds per batch of 128 images" in text and "(20 repeats" in text
    assert "| input pipeline (next batch) | 0.4 | 0.6 |" in text
    assert "| &nbsp;&nbsp;↳ RandomFlip | 1.2 | – |" in text  # sub-piece, no CPU time
    assert "- autotune on: 60, 95\n- autotune off: 61, 60" in text


def test_report_checks_the_whole_course_budget(tmp_path: Path) -> None:
    times = {"lessons": {
        "00_a": {"full": {"median": 8.0, "peak_rss_mb": 700, "date": "2026-12-01"}},
        "01_b": {"full": {"median": 1000.0, "peak_rss_mb": 1600, "date": "2026-12-01"},
                 "fast": {"median": 20.0, "peak_rss_mb": 900}},
        "02_c": {"fast": {"median": 20.0, "peak_rss_mb": 900}},  # never run in full mode
    }}
    (tmp_path / "times.json").write_text(json.dumps(times))
    lessons = harness.lesson_budget(tmp_path / "times.json")
    assert list(lessons) == ["00_a", "01_b"] and lessons["01_b"]["full_s"] == 1000.0
    text = report.render({**SMALL_RESULTS, "lessons": lessons})
    assert "| 01_b | 16:40 | 1600 MB | 2026-12-01 |" in text
    assert "| **total** | **16:48** | | |" in text
    assert "| all 2 lessons in full mode ≤ 30 min | 16:48 | yes |" in text
    assert "| every lesson's peak RSS in full mode ≤ 1.5 GB | 1600 MB (01_b) | **no** |" in text
    over = {**lessons, "00_a": {**lessons["00_a"], "full_s": 900.0}}
    assert "| all 2 lessons in full mode ≤ 30 min | 31:40 | **no** |" in report.render(
        {**SMALL_RESULTS, "lessons": over})
    assert harness.lesson_budget(tmp_path / "missing.json") == {}
    timed = {**SMALL_RESULTS, "make_test": {"seconds": 341.7, "what": "959 tests"}}
    assert "| `make test` ≤ 10 min | 5:42 (959 tests) | yes |" in report.render(timed)
    timed["make_test"]["seconds"] = 601
    assert "| `make test` ≤ 10 min | 10:01 (959 tests) | **no** |" in report.render(timed)


def test_report_command_writes_markdown_from_json(tmp_path: Path, capsys) -> None:
    source = tmp_path / "r.json"
    source.write_text(json.dumps(SMALL_RESULTS))
    assert main(["report", "--json", str(source), "--out", str(tmp_path / "r.md")]) == 0
    written = (tmp_path / "r.md").read_text()
    assert written == report.render(SMALL_RESULTS) == capsys.readouterr().out


def test_bench_alternates_pairs_and_writes_both_files(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []

    def fake_run(name: str, *args: str, **kwargs) -> dict:
        calls.append(name)
        return _run(name, 0.99, 100.0)

    monkeypatch.setattr(harness, "run_in_subprocess", fake_run)
    monkeypatch.setattr(harness, "machine_info", lambda: SMALL_RESULTS["machine"])
    (tmp_path / "r.json").write_text(json.dumps({"notes": ["written by hand"], "runs": {}}))
    results = harness.bench(mnist_repeats=2, cifar_repeats=1, augcost=False, profile=False,
                            out_json=tmp_path / "r.json", out_md=tmp_path / "r.md")
    assert calls == ["seed_mnist", "course_mnist"] * 2 + ["seed_cifar10", "course_cifar10"]
    assert json.loads((tmp_path / "r.json").read_text()) == results
    assert results["repeats"]["seed_mnist"] == 2 and len(results["runs"]["course_mnist"]) == 2
    assert "| course_mnist | 2 |" in (tmp_path / "r.md").read_text()
    assert results["notes"] == ["written by hand"]  # kept from the previous results
    assert "- written by hand" in (tmp_path / "r.md").read_text()


def test_the_committed_results_match_their_report() -> None:
    json_path, md_path = harness.RESULTS_JSON, harness.RESULTS_MD
    if not json_path.exists():
        pytest.skip("no benchmarks/results.json yet (run `make bench`)")
    results = json.loads(json_path.read_text())
    assert md_path.read_text() == report.render(results)
    assert set(results["runs"]) == set(RECIPE_NAMES)
    # The whole-course section shows the lessons' times as docs/lesson_times.json has them.
    assert results["lessons"] == harness.lesson_budget()
    assert all(len(results["runs"][name]) >= 1 for name in RECIPE_NAMES)
