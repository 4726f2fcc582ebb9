"""course_utils.doctor: the setup checks, on small fake data directories.

The fake data directories come from ``data_helpers.make_course_data`` (shared
with the tests of ``course_utils.data``). The package rows themselves are
tested in test_packages.py; here, that the doctor shows them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from data_helpers import jpeg, make_course_data, pin
from packaging.requirements import Requirement
from test_packages import only_installed

from conftest import ROOT
from course_utils import cli, data, doctor, packages


@pytest.fixture
def fake_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete fake data directory as COURSE_DATA_DIR."""
    root = make_course_data(tmp_path / "data", monkeypatch)
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    return root


@pytest.fixture
def course_dir(fake_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fake data directory on a healthy machine.

    TensorFlow's probe and the memory reading are replaced (the real ones run
    in their own tests), so these tests are fast and do not depend on the
    machine's free memory.
    """
    monkeypatch.setattr(doctor, "probe_tensorflow",
                        lambda: {"tf": "2.21.0", "backend": "tensorflow", "gpus": 0})
    monkeypatch.setattr(doctor, "read_memory", lambda: (8 * doctor.GB, 6 * doctor.GB))
    return fake_data


def _rows(**kwargs) -> dict[str, doctor.Check]:
    return {row.name: row for row in doctor.run_checks(**kwargs)}


def _fails(rows: dict[str, doctor.Check]) -> dict[str, doctor.Check]:
    return {name: row for name, row in rows.items() if row.status == doctor.FAIL}


# --------------------------------------------------------------- a good setup


def test_good_setup_has_no_fail(course_dir: Path) -> None:
    rows = _rows()
    assert _fails(rows) == {}
    for name in data.DATASETS:
        assert rows[f"Data: {name}"].status == doctor.OK, rows[f"Data: {name}"]
    assert "all 8 files match" in rows["Data: blood_cells"].detail
    assert "official archive" in rows["Data: cifar10"].detail
    assert rows["TensorFlow import"].detail.startswith("2.21.0, CPU only")
    # One row per line of requirements.txt, plus the widgets extension.
    for name in ("tensorflow", "keras", "numpy", "ipywidgets", "jupyterlab", "jupyterlab_widgets"):
        assert rows[name].status == doctor.OK


def test_cli_exit_0_and_table_with_real_tensorflow(
    fake_data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The real TensorFlow probe (a subprocess import) once, through the command line."""
    monkeypatch.setattr(doctor, "read_memory", lambda: (8 * doctor.GB, 6 * doctor.GB))
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^TensorFlow import +OK +2\.\d+", out, re.M)
    assert re.search(r"^Keras backend +OK +tensorflow", out, re.M)
    assert out.rstrip().endswith("ready for the course.")
    widths = {line.index(" OK ") for line in out.splitlines() if " OK " in line}
    assert len(widths) == 1  # the status column is aligned


def test_json_output(course_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["doctor", "--json", "--quick"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert {"name", "status", "detail", "fix"} <= set(report["checks"][0])


# --------------------------------------------------------------- broken setups


def test_missing_datasets_fail_with_fix(
    course_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "empty"))
    fails = _fails(_rows())
    assert set(fails) == {"Data: mnist", "Data: cifar10", "Data: blood_cells"}
    assert "python -m course_utils fetch blood_cells" in fails["Data: blood_cells"].fix
    assert "unpack-data" in fails["Data: mnist"].fix
    assert cli.main(["doctor", "--quick"]) == 1
    out = capsys.readouterr().out
    assert "fix: Run `python -m course_utils fetch cifar10`" in out
    assert "3 FAIL: not ready yet" in out


def test_corrupt_files_fail(course_dir: Path) -> None:
    with open(course_dir / "mnist.npz", "r+b") as f:
        f.truncate(200)
    (course_dir / "cifar10.npz").write_bytes(b"not a zip")
    some_image = next((course_dir / "blood_cells" / "TEST").rglob("*.jpeg"))
    some_image.write_bytes(some_image.read_bytes()[:-5])
    fails = _fails(_rows())
    assert set(fails) == {"Data: mnist", "Data: cifar10", "Data: blood_cells"}
    assert fails["Data: mnist"].fix.startswith("Delete mnist.npz from")
    assert "checksum mismatch: TEST/" in fails["Data: blood_cells"].detail


def test_quick_only_looks_that_files_are_there(course_dir: Path) -> None:
    some_image = next((course_dir / "blood_cells").rglob("*.jpeg"))
    some_image.write_bytes(b"damaged")
    assert _rows(quick=True)["Data: blood_cells"].status == doctor.OK
    assert _rows()["Data: blood_cells"].status == doctor.FAIL
    some_image.unlink()
    row = _rows(quick=True)["Data: blood_cells"]
    assert row.status == doctor.FAIL and "missing: " in row.detail


def test_unofficial_but_working_data_warns(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin(monkeypatch, "mnist", sha256="0" * 64)
    (course_dir / "cifar10.npz.source-sha256").write_text("1" * 64)
    extra = course_dir / "blood_cells" / "TRAIN" / "MONOCYTE" / "extra.jpeg"
    extra.write_bytes(jpeg((0, 90, 160), size=(16, 12)))
    rows = _rows()
    for name in data.DATASETS:
        assert rows[f"Data: {name}"].status == doctor.WARN, rows[f"Data: {name}"]
    assert "extra.jpeg" in rows["Data: blood_cells"].detail
    assert _fails(rows) == {}


def test_cifar10_without_source_record_is_ok(course_dir: Path) -> None:
    """course_utils' own download writes no stamp: the arrays alone decide."""
    (course_dir / "cifar10.npz.source-sha256").unlink()
    assert _rows()["Data: cifar10"].status == doctor.OK


def test_npz_with_pickled_objects_is_broken_and_never_unpickled(course_dir: Path) -> None:
    arrays = {k: np.array([{"x": 1}], dtype=object) for k in ("x_train", "y_train", "x_test",
                                                             "y_test")}
    np.savez(course_dir / "cifar10.npz", **arrays)
    row = _rows()["Data: cifar10"]
    assert row.status == doctor.FAIL and "unreadable" in row.detail


def test_package_outside_its_specifier_fails(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_installed(monkeypatch, {"numpy": "1.21.0", "keras": None, "tensorflow": "2.22.0rc1"})
    fails = _fails(_rows())
    assert set(fails) == {"numpy", "keras", "tensorflow"}
    assert fails["numpy"].detail == "1.21.0 installed, need >=1.26,<3"
    assert fails["numpy"].fix.startswith('Run: pip install "numpy>=1.26,<3"')
    assert fails["keras"].detail.startswith("not installed")


def test_tensorflow_cpu_alone_is_tensorflow(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Binder: only tensorflow-cpu is installed. The doctor's row and lesson 00's check agree."""
    only_installed(monkeypatch, {"tensorflow-cpu": "2.21.0"})
    row = _rows()["tensorflow"]
    assert row.status == doctor.OK
    assert row.detail == "2.21.0 as tensorflow-cpu (>=2.16,<2.22)"


def test_unsupported_python_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "PYTHON_SUPPORTED", ">=3.99")
    row = doctor.check_python()
    assert row.status == doctor.FAIL and "Install Python 3.11" in row.fix


def test_too_little_memory_fails(course_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "read_memory", lambda: (2 * doctor.GB, doctor.GB))
    row = _fails(_rows())["Memory"]
    assert "1.0 GB available of 2.0 GB" in row.detail and "Close other programs" in row.fix
    monkeypatch.setattr(doctor, "read_memory", lambda: (None, None))
    assert _rows()["Memory"].status == doctor.WARN


@pytest.mark.skipif(not Path("/proc/meminfo").exists(), reason="Linux only")
def test_read_memory_on_linux() -> None:
    total, available = doctor.read_memory()
    assert total and available and 0 < available <= total


def test_tensorflow_problems_fail(course_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "probe_tensorflow",
                        lambda: {"error": "ImportError: DLL load failed"})
    row = _fails(_rows())["TensorFlow import"]
    assert row.detail == "ImportError: DLL load failed" and "pip install" in row.fix
    monkeypatch.setattr(doctor, "probe_tensorflow",
                        lambda: {"tf": "2.21.0", "backend": "jax", "gpus": 1})
    rows = _rows()
    assert rows["TensorFlow import"].detail == "2.21.0, GPU x1"
    assert "KERAS_BACKEND" in rows["Keras backend"].fix


def test_low_disk_fails_only_while_data_is_missing(
    course_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = shutil.disk_usage(tmp_path)._replace(free=200 * 1024**2)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage)
    assert _rows()["Disk space"].status == doctor.OK
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "new"))
    row = _rows(quick=True)["Disk space"]
    assert row.status == doctor.FAIL and "COURSE_DATA_DIR" in row.fix


def test_read_only_data_dir(course_dir: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "is_writable", lambda folder: False)
    assert _rows()["Data directory"].detail.endswith("(read-only, but complete)")
    (course_dir / "mnist.npz").unlink()
    row = _fails(_rows())["Data directory"]
    assert "mnist still to download" in row.detail and "COURSE_DATA_DIR" in row.fix


def test_is_writable_for_a_folder_not_created_yet(tmp_path: Path) -> None:
    assert doctor.is_writable(tmp_path / "not" / "yet")
    assert not (tmp_path / "not").exists()


# --------------------------------------------------------------- the command line starts light

_NOT_IMPORTED = ("tensorflow", "keras", "matplotlib")


def _imported_heavy(code: str, tmp_path: Path) -> tuple[list[str], str]:
    """Run ``code`` in a fresh Python; return which of _NOT_IMPORTED it imported, and stdout."""
    code += (f"\nimport json, sys\nprint(json.dumps([m for m in {_NOT_IMPORTED!r} "
             "if m in sys.modules]), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, env={**os.environ, "COURSE_DATA_DIR":
                                                        str(tmp_path / "data")})
    return json.loads(result.stderr.strip().splitlines()[-1]), result.stdout


def test_doctor_quick_imports_no_tensorflow(tmp_path: Path) -> None:
    """TensorFlow is imported only by the probe, in its own process (stubbed here: it is slow)."""
    imported, out = _imported_heavy(
        "from course_utils import cli, doctor\n"
        "doctor.probe_tensorflow = lambda: {'tf': '2.21.0', 'backend': 'tensorflow', 'gpus': 0}\n"
        "cli.main(['doctor', '--quick', '--json'])", tmp_path)
    assert imported == []
    assert json.loads(out)["checks"][0]["name"] == "Python"


def test_check_folder_imports_no_tensorflow(tmp_path: Path) -> None:
    (tmp_path / "photos" / "cats").mkdir(parents=True)
    (tmp_path / "photos" / "cats" / "a.jpeg").write_bytes(jpeg((10, 20, 30)))
    imported, out = _imported_heavy(
        "import runpy, sys\n"
        f"sys.argv = ['course_utils', 'check-folder', {str(tmp_path / 'photos')!r}, '--json']\n"
        "try:\n    runpy.run_module('course_utils', run_name='__main__')\n"
        "except SystemExit:\n    pass", tmp_path)
    assert imported == []
    assert json.loads(out)["classes"] == {"cats": 1}


# --------------------------------------------------------------- the sources of truth


def test_python_range_is_pyprojects() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'requires-python = "{doctor.PYTHON_SUPPORTED}"' in pyproject


# --------------------------------------------------------------- the workshop hub (hub=True)


def _fake_proxy(folder: Path, script: str) -> None:
    """A configurable-http-proxy on PATH that runs ``script`` (a shell script body)."""
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / doctor.PROXY
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)


def test_hub_rows_only_when_asked(course_dir: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_proxy(tmp_path / "bin", "echo 5.3.0")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert "jupyterhub" not in _rows() and doctor.PROXY not in _rows()
    rows = _rows(hub=True)
    assert rows[doctor.PROXY].status == doctor.OK
    assert rows[doctor.PROXY].detail == f"5.3.0 ({tmp_path / 'bin' / doctor.PROXY})"
    assert "jupyterhub" in rows and "jupyterhub-firstuseauthenticator" in rows


def test_hub_without_the_proxy_fails_with_the_npm_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    row = {r.name: r for r in doctor.check_hub()}[doctor.PROXY]
    assert row.status == doctor.FAIL and "not found on PATH" in row.detail
    assert row.fix.endswith("npm install -g configurable-http-proxy")
    _fake_proxy(tmp_path / "broken", "exit 3")
    monkeypatch.setenv("PATH", str(tmp_path / "broken"))
    row = {r.name: r for r in doctor.check_hub()}[doctor.PROXY]
    assert row.status == doctor.FAIL and "--version failed" in row.detail


def test_hub_package_out_of_range_fails(course_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    only_installed(monkeypatch, {"jupyterhub": "4.1.6"})
    row = {r.name: r for r in doctor.check_hub()}["jupyterhub"]
    assert row.status == doctor.FAIL and "pip install -r hub/requirements.txt" in row.fix


# ------------------------------------------------------------- the authors' tools (dev=True)


def test_dev_rows_only_when_asked(course_dir: Path) -> None:
    dev_list = ROOT / "requirements-dev.txt"
    names = {Requirement(ln).name for ln in packages.read_requirement_lines(dev_list)}
    assert {"pytest", "nbval", "sphinx", "myst-nb", "sphinx-book-theme"} <= names
    assert not names & set(_rows())  # the learner's report has none of them
    rows = _rows(dev=True)
    assert names <= set(rows)
    # this environment was made by `make dev`: every tool is there, in its range
    assert all(rows[name].status == doctor.OK for name in names), _fails(rows)


def test_a_missing_dev_tool_fails_with_the_dev_lists_fix(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_installed(monkeypatch, {"sphinx": None, "myst-nb": "0.17.2"})
    rows = {r.name: r for r in doctor.check_dev()}
    assert rows["sphinx"].status == doctor.FAIL
    assert rows["sphinx"].fix.endswith("(or pip install -r requirements-dev.txt).")
    assert rows["myst-nb"].status == doctor.FAIL
    assert rows["myst-nb"].detail.startswith("0.17.2 installed")


def test_doctor_dev_on_the_command_line(course_dir: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["doctor", "--quick", "--dev", "--json", "--data-dir", str(course_dir)])
    report = json.loads(capsys.readouterr().out)
    assert "sphinx-book-theme" in {check["name"] for check in report["checks"]}
