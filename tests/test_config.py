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
