"""course_utils.config: environment switches, fast mode, seeding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from course_utils import config


def test_data_dir_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert config.data_dir() == tmp_path
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert config.data_dir().name == config.APP_NAME


def test_mirror_drops_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://lan.example:8000/course/")
    assert config.data_mirror() == "http://lan.example:8000/course"
    monkeypatch.setenv("COURSE_DATA_MIRROR", "")
    assert config.data_mirror() is None


@pytest.mark.parametrize("value, fast", [("1", True), ("yes", True), ("0", False), ("", False)])
def test_fast_mode_switch(value: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_FAST", value)
    assert config.fast_mode() is fast
    assert config.epochs(15) == (1 if fast else 15)
    assert config.fast_size(60000, fast=500) == (500 if fast else 60000)


def test_shrink_keeps_first_rows_in_fast_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = np.arange(5000).reshape(2500, 2), np.arange(2500)
    monkeypatch.setenv("COURSE_FAST", "1")
    xs, ys = config.shrink(x, y, fast=100)
    assert xs.shape == (100, 2) and ys.tolist() == list(range(100))
    monkeypatch.setenv("COURSE_FAST", "0")
    xs, ys = config.shrink(x, y, fast=100)
    assert xs is x and ys is y


def test_shrink_rejects_arrays_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="one length"):
        config.shrink(np.zeros(3), np.zeros(4))


def test_epochs_must_be_positive() -> None:
    with pytest.raises(ValueError):
        config.epochs(0)


def test_same_seed_same_numbers() -> None:
    import keras

    config.set_seed(7)
    a = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    config.set_seed(7)
    b = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_set_seed_leaves_deterministic_ops_alone_unless_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(config, "enable_deterministic_ops", lambda: calls.append(True))
    assert config.set_seed(3) == 3
    assert calls == []
    assert config.set_seed(3, deterministic=True) == 3
    assert calls == [True]


def test_enable_deterministic_ops_calls_tensorflow_and_is_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Uses a stand-in for TensorFlow's switch, which would stay on for the whole process."""
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config

    calls: list[bool] = []
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", lambda: calls.append(1))
    monkeypatch.setattr(tf_config, "is_op_determinism_enabled", lambda: False)
    monkeypatch.setattr(config, "_deterministic_ops", False)
    assert config.deterministic_ops_enabled() is False
    config.enable_deterministic_ops()
    assert calls == [1]
    assert config.deterministic_ops_enabled() is True


def test_deterministic_ops_enabled_sees_a_direct_tensorflow_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tensorflow.python.framework import config as tf_config

    monkeypatch.setattr(config, "_deterministic_ops", False)
    monkeypatch.setattr(tf_config, "is_op_determinism_enabled", lambda: True)
    assert config.deterministic_ops_enabled() is True
