"""course_utils.packages: the one package list (requirements.txt) and the one package check.

binder/requirements.txt and pyproject.toml repeat the list; the tests here keep
them equal to requirements.txt, line by line. The checks run on simulated
machines: ``importlib.metadata`` is patched to say what is installed.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from conftest import ROOT
from course_utils import packages


def _pyproject() -> dict[str, Any]:
    """pyproject.toml, read with tomllib (Python 3.11+) or tomli (3.10, when installed)."""
    toml = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    return toml.loads((ROOT / "pyproject.toml").read_text())


def _lines(path: Path) -> list[str]:
    """The lines of a requirements file, comments and blank lines left out."""
    lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
    return [ln for ln in lines if ln]


def _range(line: str) -> tuple[str, str]:
    """(name, version range) of a requirement; the range's order does not matter."""
    req = Requirement(line)
    return req.name.lower(), ",".join(sorted(str(s) for s in req.specifier))


def only_installed(monkeypatch: pytest.MonkeyPatch, versions: dict[str, str | None]) -> None:
    """Simulate a machine: these distributions in these versions (None: not installed).

    The TensorFlow distributions not named are not installed; every other
    distribution is looked up for real.
    """
    real = importlib.metadata.version
    fake = {**dict.fromkeys(packages.TENSORFLOW_DISTRIBUTIONS), **versions}

    def version(name: str) -> str:
        if name not in fake:
            return real(name)
        if fake[name] is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return str(fake[name])

    monkeypatch.setattr(importlib.metadata, "version", version)


# --------------------------------------------------------------- one list, three files


def test_requirements_txt_is_read_in_the_repository() -> None:
    lines, source = packages.requirement_lines()
    assert source == str(ROOT / "requirements.txt")
    assert lines == [ln for ln in _lines(ROOT / "requirements.txt") if ln != "-e ."]
    assert lines[0].startswith("tensorflow>=") and "jupyterlab" in lines[-1]


def test_binder_requirements_are_requirements_txt_with_tensorflow_cpu() -> None:
    """binder/requirements.txt = requirements.txt, tensorflow -> tensorflow-cpu, -e . -> ."""
    expected = []
    for line in _lines(ROOT / "requirements.txt"):
        if line == "-e .":
            line = "."
        elif Requirement(line).name == "tensorflow":
            line = "tensorflow-cpu" + line[len("tensorflow"):]
        expected.append(line)
    binder = _lines(ROOT / "binder" / "requirements.txt")
    assert len(binder) == len(expected)
    for got, want in zip(binder, expected, strict=True):
        assert got == want, f"binder/requirements.txt has {got!r} where requirements.txt " \
                            f"says {want!r}: copy the line"


def test_pyproject_dependencies_are_requirements_txt_without_tensorflow_and_jupyterlab() -> None:
    """The wheel Colab installs names no TensorFlow (each platform has its own) nor JupyterLab."""
    dependencies = _pyproject()["project"]["dependencies"]
    expected = [ln for ln in _lines(ROOT / "requirements.txt")
                if ln != "-e ." and Requirement(ln).name not in ("tensorflow", "jupyterlab")]
    assert [_range(d) for d in dependencies] == [_range(e) for e in expected]


def test_pyproject_names_this_distribution() -> None:
    assert _pyproject()["project"]["name"] == packages.DISTRIBUTION


# --------------------------------------------------------------- an installed wheel (Colab)


@pytest.fixture
def wheel_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No requirements.txt next to the package; the wheel's metadata lists these."""
    requires = ["keras<4,>=3.3", "numpy<3,>=1.26", 'pytest>=8; extra == "dev"']
    monkeypatch.setattr(packages, "REQUIREMENTS_FILE", tmp_path / "requirements.txt")
    monkeypatch.setattr(importlib.metadata, "requires",
                        lambda name: requires if name == "course-utils" else None)
    return requires


def test_installed_wheel_metadata_is_the_list_and_tensorflow_any_version(
    wheel_only: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines, source = packages.requirement_lines()
    assert lines == ["keras<4,>=3.3", "numpy<3,>=1.26", "tensorflow"]
    assert "course-utils" in source
    only_installed(monkeypatch, {"tensorflow": "2.19.0", "keras": "3.10.0", "numpy": "2.0.2"})
    rows = {row.name: row for row in packages.check_packages()}
    assert set(rows) == {"keras", "numpy", "tensorflow"}
    assert all(row.ok for row in rows.values())
    assert rows["tensorflow"].detail.startswith("2.19.0 (any version: course-utils's metadata")


def test_installed_wheel_fix_does_not_name_requirements_txt(
    wheel_only: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    only_installed(monkeypatch, {"keras": None, "numpy": "2.0.2"})
    rows = {row.name: row for row in packages.check_packages()}
    assert not rows["keras"].ok and rows["keras"].fix == 'Run: pip install "keras<4,>=3.3".'
    assert not rows["tensorflow"].ok and rows["tensorflow"].detail.startswith(
        "not installed (need any version")


def test_no_list_at_all_is_one_clear_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_installed(name: str) -> list[str]:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(packages, "REQUIREMENTS_FILE", tmp_path / "requirements.txt")
    monkeypatch.setattr(importlib.metadata, "requires", not_installed)
    [row] = packages.check_packages()
    assert not row.ok and "pip install -r requirements.txt" in row.fix


# --------------------------------------------------------------- which TensorFlow


@pytest.mark.parametrize("distribution", ["tensorflow-cpu", "tensorflow-intel",
                                          "tensorflow-macos"])
def test_each_tensorflow_distribution_counts_as_tensorflow(
    distribution: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_installed(monkeypatch, {distribution: "2.21.0"})
    assert packages.find_installed("tensorflow") == (distribution, "2.21.0")
    row = packages.check_requirement("tensorflow>=2.16,<2.22")
    assert row.ok and row.detail == f"2.21.0 as {distribution} (>=2.16,<2.22)"


def test_tensorflow_metal_alone_is_no_tensorflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """tensorflow-metal is only the Apple-GPU plug-in: without tensorflow it provides nothing."""
    only_installed(monkeypatch, {"tensorflow-metal": "1.2.0"})
    assert packages.installed_version("tensorflow") is None
    row = packages.check_requirement("tensorflow>=2.16,<2.22")
    assert not row.ok and row.installed is None
    assert row.fix == 'Run: pip install "tensorflow>=2.16,<2.22" (or pip install -r ' \
                      'requirements.txt).'


def test_wrong_tensorflow_cpu_version_fix_names_tensorflow_cpu(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    only_installed(monkeypatch, {"tensorflow-cpu": "2.15.1"})
    row = packages.check_requirement("tensorflow>=2.16,<2.22")
    assert not row.ok and row.installed == "2.15.1"
    assert row.detail == "2.15.1 as tensorflow-cpu installed, need >=2.16,<2.22"
    assert row.fix.startswith('Run: pip install "tensorflow-cpu>=2.16,<2.22"')


# --------------------------------------------------------------- one line


def test_version_in_and_out_of_range(monkeypatch: pytest.MonkeyPatch) -> None:
    only_installed(monkeypatch, {
        "numpy": "1.26.4", "pillow": "9.5.0", "seaborn": "not-a-version",
    })
    assert packages.check_requirement("numpy>=1.26,<3").detail == "1.26.4 (>=1.26,<3)"
    row = packages.check_requirement("pillow>=10.2")
    assert not row.ok and row.detail == "9.5.0 installed, need >=10.2"
    assert not packages.check_requirement("seaborn>=0.13").ok


def test_prerelease_inside_the_range_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    only_installed(monkeypatch, {"tensorflow": "2.21.0rc1"})
    assert packages.check_requirement("tensorflow>=2.16,<2.22").ok
    only_installed(monkeypatch, {"tensorflow": "2.22.0rc1"})
    assert not packages.check_requirement("tensorflow>=2.16,<2.22").ok


def test_requirement_for_another_platform_is_not_needed() -> None:
    row = packages.check_requirement('no-such-package>=1; sys_platform == "no-such-os"')
    assert row.ok and row.detail == "not needed on this platform"


def test_unreadable_line_is_a_failed_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "course_utils").mkdir()
    (tmp_path / "requirements.txt").write_text("numpy>=1.26  # arrays\nnot a requirement!\n-e .\n")
    monkeypatch.setattr(packages, "REQUIREMENTS_FILE", tmp_path / "requirements.txt")
    rows = packages.check_packages()
    assert [row.name for row in rows] == ["numpy", "not a requirement!"]
    assert rows[0].ok and not rows[1].ok and "cannot read this line" in rows[1].detail


# --------------------------------------------------------------- the workshop hub's own list


def test_hub_list_names_each_package_once_and_none_of_the_courses() -> None:
    """hub/requirements.txt adds the hub's packages; it repeats (or -r's) nothing."""
    hub_file = ROOT / "hub" / "requirements.txt"
    assert packages.HUB_REQUIREMENTS_FILE == hub_file
    assert not [ln for ln in _lines(hub_file) if ln.startswith("-")]
    hub = [Requirement(ln).name.lower() for ln in _lines(hub_file)]
    course = {Requirement(ln).name.lower() for ln in _lines(ROOT / "requirements.txt")
              if ln != "-e ."}
    assert len(hub) == len(set(hub)) and not set(hub) & course
    assert {"jupyterhub", "jupyterhub-firstuseauthenticator", "jupyterhub-idle-culler"} <= set(hub)
    assert Requirement(next(ln for ln in _lines(hub_file) if ln.startswith("jupyterhub>"))
                       ).specifier.contains("5.0.0")


def test_hub_packages_are_checked_with_the_hub_lists_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    only_installed(monkeypatch, {"jupyterhub": "4.1.6", "jupyterhub-idle-culler": None})
    rows = {row.name: row for row in packages.check_hub_packages()}
    assert set(rows) == {Requirement(ln).name for ln in _lines(ROOT / "hub" / "requirements.txt")}
    assert not rows["jupyterhub"].ok and rows["jupyterhub"].detail.startswith("4.1.6 installed")
    assert rows["jupyterhub-idle-culler"].fix.endswith("(or pip install -r hub/requirements.txt).")
    assert not rows["jupyterhub-idle-culler"].ok


def test_hub_list_missing_is_one_clear_failure(tmp_path: Path) -> None:
    [row] = packages.check_hub_packages(tmp_path / "requirements.txt")
    assert not row.ok and "not found" in row.detail and "repository" in row.fix
