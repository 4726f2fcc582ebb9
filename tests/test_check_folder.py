"""python -m course_utils check-folder PATH [--json]: the report and the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from image_corpus import Corpus, build_corpus, image_bytes

from conftest import ROOT
from course_utils.__main__ import main


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("cli") / "corpus")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    for i, name in enumerate(["b", "a", "a/nested"]):
        folder = tmp_path / "clean" / name
        folder.mkdir(parents=True)
        (folder / f"{i}.png").write_bytes(image_bytes("PNG", seed=i))
    return tmp_path / "clean"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["check-folder", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_report_of_the_corpus(corpus: Corpus, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, str(corpus.root), "--json")
    assert status == 1 and err == ""
    report = json.loads(out)
    assert set(report) == {"classes", "problems", "usable", "rotated"}
    assert report["rotated"] == 1  # cats/rotated.jpg, EXIF orientation 6
    assert report["classes"] == corpus.classes
    assert list(report["classes"]) == sorted(corpus.classes)
    assert report["usable"] == len(corpus.usable) == sum(report["classes"].values())
    problems = {p["path"]: p["reason"] for p in report["problems"]}
    assert len(problems) == len(report["problems"])  # each path once
    assert set(problems) == set(corpus.problems)
    for path, fragment in corpus.problems.items():
        assert fragment in problems[path], (path, problems[path])
    assert problems["empty"].startswith("empty class folder")  # a folder: its bare name
    assert all("\\" not in path and not path.startswith("/") for path in problems)


def test_text_report_lists_every_problem(corpus: Corpus,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, str(corpus.root))
    assert status == 1
    assert out.startswith(f"Folder corpus: 4 class folders, {len(corpus.usable)} usable images\n")
    assert "Image sizes (width × height): 40×30" in out and "Colour modes: RGB" in out
    assert f"{len(corpus.problems)} problems" in out and "... and" not in out
    for path in corpus.problems:
        shown = path + "/" if "/" not in path else path
        assert f"\n  {shown} " in out, shown


def test_clean_folder_exits_0(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, str(clean))
    assert status == 0
    assert "2 class folders, 3 usable images" in out and "No problems found" in out
    status, out, _ = _run(capsys, str(clean), "--json")
    assert status == 0
    assert json.loads(out) == {"classes": {"a": 2, "b": 1}, "problems": [], "usable": 3,
                               "rotated": 0}


def test_one_problem_is_enough_for_exit_1(clean: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (clean / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    status, out, _ = _run(capsys, str(clean), "--json")
    assert status == 1
    assert json.loads(out)["problems"] == [
        {"path": ".DS_Store", "reason": "system file, not an image: ignored by Keras "
                                        "(you can delete it)"}]


def test_empty_folder_has_the_no_class_folders_problem(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, str(tmp_path), "--json")
    assert status == 1
    assert json.loads(out) == {"classes": {}, "usable": 0, "rotated": 0, "problems": [
        {"path": ".", "reason": "no class folders: put each class's images in its own "
                                "sub-folder"}]}


def test_missing_folder_is_an_error_with_status_2(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, str(tmp_path / "nope"), "--json")
    assert status == 2 and out == ""
    assert err == f"error: There is no folder {tmp_path / 'nope'}: check the path you passed.\n"
    (tmp_path / "file.jpg").write_bytes(b"")
    status, _, err = _run(capsys, str(tmp_path / "file.jpg"))
    assert status == 2 and "pass the folder that holds one sub-folder per class" in err


def test_command_line_module(clean: Path) -> None:
    """The real command, as a learner types it."""
    result = subprocess.run([sys.executable, "-m", "course_utils", "check-folder", str(clean),
                             "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["usable"] == 3
    helped = subprocess.run([sys.executable, "-m", "course_utils", "--help"],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "check-folder" in helped.stdout
