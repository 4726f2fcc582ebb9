"""The pretrained ImageNet weights as a course download (lesson 08's optional section).

The real file cannot be downloaded here: a 64 kB stand-in is served from
127.0.0.1 through COURSE_DATA_MIRROR (the ``mirror`` fixture) and the
entry's MD5 is pointed at it, the way tests/test_data.py points the
datasets' SHA-256 pins at their stand-ins. Without that pin the real one
(Keras's MD5) applies, and the stand-in must be refused.
"""

from __future__ import annotations

import ast
import importlib.util
import zipfile
from pathlib import Path

import pytest
from data_helpers import (
    add_weights,
    leftovers,
    make_course_data,
    md5,
    pin,
    rewrite_kit,
    stand_in_weights,
)

from course_utils import cli, config, data, doctor
from course_utils.data import kit

NAME = "mobilenet_v3_small"
ENTRY = data.WEIGHTS[NAME]
KERAS_MD5 = "d3e8ec802a04aa4fc771ee12a9a9b836"
REL = f"weights/{ENTRY.filename}"
"""Where the weights go in the data directory (and in a kit)."""


def _serve(mirror: Path, monkeypatch: pytest.MonkeyPatch, pinned: bool = True) -> bytes:
    """Put a stand-in for the weights on the mirror; with ``pinned``, pin its MD5."""
    payload = stand_in_weights()
    (mirror / ENTRY.filename).write_bytes(payload)
    if pinned:
        pin(monkeypatch, NAME, md5=md5(payload))
    return payload


def _quiet(_: str) -> None:
    pass


# --------------------------------------------------------------- the registry entry


def test_the_entry_pins_what_keras_pins() -> None:
    """URL, file name and MD5 are those of the installed Keras (its source, read, not run)."""
    spec = importlib.util.find_spec("keras")  # finds keras without importing TensorFlow
    assert spec is not None and spec.submodule_search_locations
    source = Path(spec.submodule_search_locations[0], "src", "applications", "mobilenet_v3.py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    values = {t.id: ast.literal_eval(node.value) for node in tree.body
              if isinstance(node, ast.Assign) for t in node.targets
              if isinstance(t, ast.Name) and t.id in ("BASE_WEIGHT_PATH", "WEIGHTS_HASHES")}
    assert values["WEIGHTS_HASHES"]["small_224_1.0_float"][1] == KERAS_MD5 == ENTRY.md5
    assert ENTRY.filename == "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"
    assert ENTRY.url == values["BASE_WEIGHT_PATH"] + ENTRY.filename
    assert ENTRY.checksum == ("md5", KERAS_MD5) and ENTRY.sha256 is None
    assert ENTRY.kind == "weights" and ENTRY.kind_label == "model weights"
    assert ENTRY.path(Path("/d")) == Path("/d", "weights", ENTRY.filename)
    assert data.dataset_path(NAME, Path("/d")) == Path("/d") / REL


def test_imagenet_weights_only_knows_weights() -> None:
    with pytest.raises(ValueError, match="No pretrained weights called 'mnist'.*mobilenet"):
        data.imagenet_weights("mnist")
    with pytest.raises(ValueError, match="Unknown dataset 'resnet'.*mobilenet_v3_small"):
        data.fetch("resnet")


# --------------------------------------------------------------- downloads


@pytest.mark.download
def test_weights_are_downloaded_verified_and_renamed_into_place(
    mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = _serve(mirror, monkeypatch)
    path = data.imagenet_weights()
    root = config.data_dir()
    assert path == root / REL and path.read_bytes() == payload
    assert leftovers(root) == ["weights", REL]  # no download folder, no temp file
    found = data.dataset_status(NAME)
    assert (found.state, found.official) == ("verified", True), found
    assert found.reason == "MD5 matches the official file"
    # Once there, it is used as it is: nothing is downloaded or written again.
    (mirror / ENTRY.filename).unlink()
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")
    assert data.imagenet_weights(NAME) == path
    assert leftovers(root) == ["weights", REL]


@pytest.mark.download
def test_a_file_that_fails_keras_md5_is_refused_and_nothing_is_left(mirror: Path,
                                                                   monkeypatch) -> None:
    _serve(mirror, monkeypatch, pinned=False)  # the real pin: Keras's MD5
    with pytest.raises(data.ChecksumError) as err:
        data.imagenet_weights()
    message = str(err.value)
    assert "does not match the published MD5 checksum" in message
    assert KERAS_MD5 in message and ENTRY.filename in message and "SHA-256" not in message
    assert leftovers(config.data_dir()) == []


@pytest.mark.download
def test_unreachable_server_gives_the_offline_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(data.DataUnavailableError) as err:
        data.imagenet_weights()
    message = str(err.value)
    assert message.startswith("Could not download MobileNetV3Small ImageNet weights (no top) "
                              f"from http://127.0.0.1:9/{ENTRY.filename} (could not connect)")
    assert "You may be offline" in message and str(root) in message
    assert f"python -m course_utils fetch {NAME}" in message and f"copy {REL} from" in message
    assert "COURSE_DATA_MIRROR" in message and "unpack-data" in message
    assert leftovers(root) == []


@pytest.mark.parametrize("copy", ["empty", "folder"])
def test_a_damaged_copy_in_place_is_a_message_and_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy: str
) -> None:
    path = tmp_path / REL
    path.parent.mkdir(parents=True)
    if copy == "empty":
        path.write_bytes(b"")  # an interrupted copy by hand: a quick look takes it for there
    else:
        path.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")
    pin(monkeypatch, NAME, md5=md5(stand_in_weights()))
    reason = "its MD5 is not the official file's" if copy == "empty" else "is not a file"
    with pytest.raises(data.DataUnavailableError, match=f"is there but damaged .*{reason}.*"
                                                        "Delete it"):
        data.imagenet_weights()
    assert (path.read_bytes() == b"") if copy == "empty" else path.is_dir()
    assert leftovers(tmp_path) == ["weights", REL]


# --------------------------------------------------------------- status and the doctor


@pytest.fixture
def course_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A complete fake data directory (no weights yet) on a healthy machine."""
    root = make_course_data(tmp_path / "data", monkeypatch)
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    monkeypatch.setattr(doctor, "probe_tensorflow",
                        lambda: {"tf": "2.21.0", "backend": "tensorflow", "gpus": 0})
    monkeypatch.setattr(doctor, "read_memory", lambda: (8 * doctor.GB, 6 * doctor.GB))
    return root


def _row(**kwargs) -> doctor.Check:
    rows = {row.name: row for row in doctor.run_checks(**kwargs)}
    assert not {n for n, r in rows.items() if r.status == doctor.FAIL} - {f"Weights: {NAME}"}
    return rows[f"Weights: {NAME}"]


def test_missing_weights_are_a_warning_with_the_fix(course_dir: Path) -> None:
    found = data.dataset_status(NAME)
    assert (found.state, found.reason) == ("missing", f"{ENTRY.filename} not found")
    row = _row()
    assert row.status == doctor.WARN
    assert "only lesson 08's optional ImageNet section needs it" in row.detail
    assert f"python -m course_utils fetch {NAME}" in row.fix and "unpack-data" in row.fix
    assert doctor.summary(doctor.run_checks()).endswith("ready for the course.")


def test_verified_weights_are_ok(course_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_weights(course_dir, monkeypatch)
    row = _row()
    assert (row.status, row.detail) == (doctor.OK, "MD5 matches the official file")
    quick = data.dataset_status(NAME, quick=True)
    assert quick.state == "present" and "quick look" in quick.reason


@pytest.mark.parametrize("damage", ["append", "truncate", "folder"])
def test_damaged_weights_fail_with_the_fix(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    path = add_weights(course_dir, monkeypatch)
    if damage == "append":
        path.write_bytes(path.read_bytes() + b"x")
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    else:
        path.unlink()
        path.mkdir()
    found = data.dataset_status(NAME)
    assert found.state == "damaged" and not found.usable, found
    assert ("not a file" if damage == "folder" else "its MD5 is not the official") in found.reason
    row = _row()
    assert row.status == doctor.FAIL
    assert row.fix == (f"Delete {ENTRY.filename} from {course_dir / 'weights'} and run "
                       f"`python -m course_utils fetch {NAME}`.")


def test_missing_weights_do_not_fail_a_complete_read_only_data_dir(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doctor, "is_writable", lambda folder: False)
    rows = {row.name: row for row in doctor.run_checks()}
    assert rows["Data directory"].status == doctor.OK, rows["Data directory"]
    assert rows[f"Weights: {NAME}"].status == doctor.WARN


# --------------------------------------------------------------- the command line


@pytest.mark.download
def test_cli_fetch_by_name_downloads_the_weights(
    mirror: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _serve(mirror, monkeypatch)
    assert cli.main(["fetch", NAME, "--quiet"]) == 0
    path = config.data_dir() / REL
    assert capsys.readouterr().out.strip() == f"{NAME}: downloaded: {path}"
    assert data.dataset_status(NAME).state == "verified"


def test_cli_fetch_with_no_name_fetches_the_datasets_only(
    course_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COURSE_DATA_MIRROR", "http://127.0.0.1:9")  # a download would fail
    for argv in (["fetch"], ["fetch", "all"]):
        assert cli.main(argv) == 0
        out = capsys.readouterr().out
        assert out.count("already present") == len(data.DATASETS) and NAME not in out
    assert data.dataset_status(NAME).state == "missing"
    assert cli.main(["fetch", "all", NAME, "--quiet"]) == 1  # named: it is tried, offline here
    assert "Could not download MobileNetV3Small ImageNet weights" in capsys.readouterr().err


# --------------------------------------------------------------- the offline kit


def test_kit_carries_the_weights_when_they_are_there(
    course_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = add_weights(course_dir, monkeypatch)
    packed = kit.pack(tmp_path / "kit.zip", root=course_dir, quiet=True, say=_quiet)
    with zipfile.ZipFile(packed) as zf:
        assert REL in zf.namelist()
    dst = tmp_path / "dst"
    installed = kit.unpack(packed, root=dst, quiet=True, say=_quiet)
    assert installed == [*data.DATASETS, NAME]
    assert (dst / REL).read_bytes() == weights.read_bytes()
    assert data.dataset_status(NAME, dst).state == "verified"
    assert not [p for p in leftovers(dst) if p.startswith(".")]
    said: list[str] = []
    assert kit.unpack(packed, root=dst, quiet=True, say=said.append) == []
    assert f"{NAME}: already present and verified in {dst}, skipped (--force replaces it)." in said
    # --force replaces the file inside weights/.
    (dst / REL).write_bytes(b"old")
    assert kit.unpack(packed, root=dst, force=True, quiet=True, say=_quiet)[-1] == NAME
    assert (dst / REL).read_bytes() == weights.read_bytes()


def test_kit_packs_only_the_weights_when_asked(
    course_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(kit.KitError, match=f"^{NAME} missing from"):
        kit.pack(tmp_path / "w.zip", [NAME], root=course_dir, quiet=True, say=_quiet)
    packed = kit.pack(tmp_path / "default.zip", root=course_dir, quiet=True, say=_quiet)
    with zipfile.ZipFile(packed) as zf:  # not there: the default kit leaves them out
        assert not [n for n in zf.namelist() if n.startswith("weights/")]
    add_weights(course_dir, monkeypatch)
    packed = kit.pack(tmp_path / "w.zip", [NAME], root=course_dir, quiet=True, say=_quiet)
    with zipfile.ZipFile(packed) as zf:
        assert sorted(zf.namelist()) == ["course-kit.json", REL]
    assert kit.unpack(packed, root=tmp_path / "dst", quiet=True, say=_quiet) == [NAME]
    assert leftovers(tmp_path / "dst") == ["weights", REL]


def test_kit_weights_that_fail_the_md5_are_refused(
    course_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kit can update its own course-kit.json: the MD5 pin in the registry decides."""
    add_weights(course_dir, monkeypatch)
    packed = kit.pack(tmp_path / "kit.zip", root=course_dir, quiet=True, say=_quiet)

    def flip(name: str, payload: bytes) -> bytes:
        return payload[:-1] + bytes([payload[-1] ^ 1]) if name == REL else payload

    bad = rewrite_kit(packed, tmp_path / "bad.zip", flip, update_manifest=True)
    dst = tmp_path / "dst"
    with pytest.raises(kit.KitError, match=f"{NAME} in the kit is damaged: its MD5 is not"):
        kit.unpack(bad, root=dst, quiet=True, say=_quiet)
    assert not dst.exists()  # all or nothing: the datasets were fine, nothing was installed
