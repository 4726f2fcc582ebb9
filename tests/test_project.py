"""Project files a learner or Binder relies on."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT


def _requirements(path) -> list[str]:
    lines = (ROOT / path).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_binder_installs_cpu_tensorflow_and_the_course_package() -> None:
    reqs = _requirements("binder/requirements.txt")
    assert any(r.startswith("tensorflow-cpu") for r in reqs)
    assert not any(re.match(r"tensorflow[<>=]", r) for r in reqs), "GPU TensorFlow on Binder"
    assert "." in reqs, "binder/requirements.txt must install the course package"


def test_binder_and_root_requirements_agree_apart_from_tensorflow() -> None:
    def rest(path: str) -> set[str]:
        return {r for r in _requirements(path) if not r.startswith(("tensorflow", "-e", "."))}

    assert rest("binder/requirements.txt") == rest("requirements.txt")


def test_binder_runtime_is_a_supported_python() -> None:
    runtime = (ROOT / "binder/runtime.txt").read_text().strip()
    assert runtime in {"python-3.10", "python-3.11", "python-3.12", "python-3.13"}


def test_binder_postbuild_bakes_the_data_into_the_image() -> None:
    post = (ROOT / "binder/postBuild").read_text()
    assert post.startswith("#!") and "set -e" in post
    assert "python -m course_utils fetch all" in post
    start = (ROOT / "binder/start").read_text()
    assert 'exec "$@"' in start and "COURSE_DATA_DIR" in start


def test_wheel_contains_every_subpackage_and_the_manifests(tmp_path: Path) -> None:
    """Binder and Colab install the package non-editably: the wheel must hold all of it."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "src"  # build from a copy: setuptools writes build/ next to the sources
    shutil.copytree(ROOT / "course_utils", source / "course_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("course_utils-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = source / "course_utils"
    expected = {p.relative_to(source).as_posix() for p in package.rglob("*.py")}
    manifests = list((package / "data" / "manifests").glob("*.gz"))
    assert manifests, "the blood-cell manifest is where the package expects it"
    expected |= {p.relative_to(source).as_posix() for p in manifests}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
