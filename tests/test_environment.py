"""course_utils.setup(), show_source(), check_environment(); the one-line test evaluation.

check_environment runs on simulated machines (``test_packages.only_installed``
patches what ``importlib.metadata`` says is installed).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from test_packages import only_installed

import course_utils
from conftest import ROOT
from course_utils import config, doctor, environment
from course_utils.evaluation import evaluate_on_test


@pytest.fixture(autouse=True)
def fake_determinism(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record setup()'s determinism switch instead of flipping TensorFlow's.

    TensorFlow's switch is global and cannot be undone, and other tests in this process
    train models; tests/test_determinism.py checks the real switch in a subprocess.
    """
    state: list[bool] = []
    monkeypatch.setattr(config, "enable_deterministic_ops", lambda: state.append(True))
    monkeypatch.setattr(config, "deterministic_ops_enabled", lambda: bool(state))
    return state


def test_setup_prints_versions_seed_and_fast_banner(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import keras
    import tensorflow as tf

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_FAST", "1")
    course_utils.setup(seed=123)
    out = capsys.readouterr().out
    assert f"TensorFlow {tf.__version__}" in out and f"Keras {keras.__version__}" in out
    assert "Random seed: 123" in out and "Data directory: $COURSE_DATA_DIR\n" in out
    assert "CPU" in out or "GPU" in out
    assert "FAST MODE" in out
    assert "Deterministic ops: on\n" in out


def test_setup_switches_deterministic_ops_on_by_default(
    capsys: pytest.CaptureFixture, fake_determinism: list[bool]
) -> None:
    course_utils.setup(seed=1)
    assert fake_determinism == [True]
    assert "Deterministic ops: on\n" in capsys.readouterr().out


def test_setup_hides_only_the_shuffle_warning_for_datasets(capsys: pytest.CaptureFixture) -> None:
    import keras
    import tensorflow as tf

    course_utils.setup(seed=1)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2)), np.zeros((4, 1)))).batch(2)
    with warnings.catch_warnings(record=True) as caught:  # keeps setup()'s filters
        model.fit(ds, epochs=1, verbose=0)  # shuffle=True is fit's default
        warnings.warn("something else", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else"]


def test_setup_can_leave_deterministic_ops_off(
    capsys: pytest.CaptureFixture, fake_determinism: list[bool]
) -> None:
    course_utils.setup(seed=1, deterministic=False)
    assert fake_determinism == []
    assert "Deterministic ops: off\n" in capsys.readouterr().out


def test_setup_says_when_deterministic_ops_are_still_on(
    capsys: pytest.CaptureFixture, fake_determinism: list[bool]
) -> None:
    course_utils.setup(seed=1)
    capsys.readouterr()
    course_utils.setup(seed=1, deterministic=False)
    assert "Deterministic ops: on (switched on earlier" in capsys.readouterr().out


def test_setup_without_fast_mode_has_no_banner(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSE_FAST", "0")
    course_utils.setup()
    assert "FAST MODE" not in capsys.readouterr().out


def test_check_environment_reports_packages_and_data(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    (tmp_path / "mnist.npz").write_bytes(b"x")  # a quick look sees only that it is there
    assert course_utils.check_environment() is True
    out = capsys.readouterr().out
    assert "MISSING" not in out and "WRONG VERSION" not in out
    for row in doctor.check_packages():  # the same rows as the doctor's
        assert re.search(rf"^{re.escape(row.name)} +OK +{re.escape(row.detail)}$", out, re.M)
    assert re.search(r"^  mnist +present +mnist\.npz is there", out, re.M)
    assert re.search(r"^  cifar10 +missing +cifar10\.npz not found: a lesson downloads it",
                     out, re.M)
    assert out.rstrip().endswith("All packages are installed.")


def test_check_environment_with_only_tensorflow_cpu(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Binder installs tensorflow-cpu, not tensorflow: that is TensorFlow, for both checks."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    only_installed(monkeypatch, {"tensorflow-cpu": "2.21.0"})
    assert course_utils.check_environment() is True
    out = capsys.readouterr().out
    assert re.search(r"^tensorflow +OK +2\.21\.0 as tensorflow-cpu \(>=2\.16,<2\.22\)$",
                     out, re.M)
    rows = {row.name: row for row in doctor.check_packages()}
    assert rows["tensorflow"].status == doctor.OK


def test_check_environment_says_what_is_wrong_and_returns_false(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    only_installed(monkeypatch, {"keras": None, "numpy": "1.21.0"})
    assert course_utils.check_environment() is False
    out = capsys.readouterr().out
    assert re.search(r"^keras +MISSING +not installed \(need >=3\.3,<4\)$", out, re.M)
    assert re.search(r"^numpy +WRONG VERSION +1\.21\.0 installed, need >=1\.26,<3$", out, re.M)
    assert 'fix: Run: pip install "numpy>=1.26,<3"' in out
    assert "Some packages are missing or in the wrong version" in out


def test_check_environment_fails_for_a_damaged_dataset(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    (tmp_path / "mnist.npz").mkdir()  # in the way of the file
    assert course_utils.check_environment() is False
    out = capsys.readouterr().out
    assert re.search(r"^  mnist +damaged +mnist\.npz is not a file: delete it and run "
                     r"`python -m course_utils fetch mnist`$", out, re.M)
    assert "A dataset is damaged" in out


def test_source_of_gives_code_with_highlighting() -> None:
    source = environment.source_of(course_utils.setup)
    assert str(source).startswith("def setup(")
    bundle = source._repr_mimebundle_()
    assert bundle["text/plain"] == str(source) and "<div" in bundle["text/html"]
    with pytest.raises(ValueError, match="Cannot show the source"):
        course_utils.show_source(42)


def test_show_source_shows_every_call_of_a_cell() -> None:
    """Two calls in one notebook cell show two sources (not only the last value)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown: list[object] = []
    shell.display_pub.publish = lambda data, **kwargs: shown.append(data)
    try:
        shell.run_cell("import course_utils\n"
                       "course_utils.show_source(course_utils.setup)\n"
                       "course_utils.show_source(course_utils.shrink)\n")
    finally:
        InteractiveShell.clear_instance()
    plain = [bundle["text/plain"] for bundle in shown]
    assert len(plain) == 2
    assert plain[0].startswith("def setup(") and plain[1].startswith("def shrink(")


def test_short_path_hides_the_folders_of_this_computer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert course_utils.short_path(tmp_path / "data") == "$COURSE_DATA_DIR"
    assert course_utils.short_path(tmp_path / "data" / "mnist.npz") == "$COURSE_DATA_DIR/mnist.npz"
    assert course_utils.short_path(work / "saved_models" / "m.keras") == "saved_models/m.keras"
    assert course_utils.short_path(tmp_path / "home" / ".cache" / "x") == "~/.cache/x"
    assert course_utils.short_path("/elsewhere/file") == "/elsewhere/file"
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert course_utils.short_path(tmp_path / "data") == str(tmp_path / "data")


def test_import_course_utils_imports_no_tensorflow() -> None:
    """``import course_utils`` is fast and works where TensorFlow is broken."""
    code = ("import json, sys, course_utils; "
            "print(json.dumps([m for m in ('tensorflow', 'keras', 'matplotlib') "
            "if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=True)
    assert json.loads(result.stdout) == []


def test_evaluate_on_test_prints_the_fixed_format(capsys: pytest.CaptureFixture) -> None:
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]], dtype="float32")
    y = np.array([0, 1, 1, 0])
    expected = float(np.mean(model.predict(x, verbose=0).argmax(1) == y))
    acc = evaluate_on_test(model, x, y)
    assert acc == pytest.approx(expected)
    assert capsys.readouterr().out == f"Test accuracy: {expected:.4f}\n"


def test_evaluate_on_test_needs_an_accuracy_metric() -> None:
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="metrics=\\['accuracy'\\]"):
        evaluate_on_test(model, np.zeros((2, 2), "float32"), np.array([0, 1]))


def test_machine_info_names_the_cpu_cores_and_versions() -> None:
    import os
    import platform

    from course_utils.environment import machine_info

    info = machine_info()
    assert info["cores"] == os.cpu_count() and info["python"] == platform.python_version()
    assert info["cpu"] and info["tensorflow"] and info["keras"]
    assert len(info["date"]) == 10 and info["date"][4] == "-"


def test_machine_info_names_tensorflow_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    from course_utils.environment import machine_info

    only_installed(monkeypatch, {"tensorflow-cpu": "2.21.0"})
    assert machine_info()["tensorflow"] == "2.21.0"
