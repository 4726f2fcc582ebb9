"""The workshop hub (hub/): its configuration, and a load test of four learners on this machine.

The configuration tests load ``hub/jupyterhub_config.py`` as JupyterHub does (``get_config``)
in both modes and check what it promises: the limits derived from docs/lesson_times.json,
the read-only data directory, the authenticator, the idle culler and its role, secrets that
are generated at run time, and that every setting is a real option of its class.

The load test starts the hub in local mode on free ports of 127.0.0.1 (``hub_helpers``).
Four learners get a server each through the REST API (a service token with a role); each saves
lesson 01 to their home through the contents API and runs every cell of it, in fast mode,
through their server's kernel websocket, all at the same time. Then one learner's server is
stopped in the middle of a training cell and started again: the notebook is still there and
runs again, alone (the one-learner time). Each learner's peak memory and the wall times go to
``test-artifacts/hub_load.json``. It needs ``hub/requirements.txt`` and configurable-http-proxy
(npm) and fails, saying how to install them, when they are missing.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import runpy
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from hub_helpers import (
    HUB_CONFIG,
    Hub,
    code_cells,
    learner_processes,
    read_notebook,
    run_notebook,
    start_hub,
)
from traitlets.config import Config

from conftest import ROOT
from course_utils import data, doctor

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

LEARNERS = ("ada", "ben", "cleo", "dev")
LESSON = ROOT / "notebooks" / "01_mnist_cnn.ipynb"
LESSON_PATH = "cnn-course/notebooks/01_mnist_cnn.ipynb"  # in each learner's home
ARTIFACT = ROOT / "test-artifacts" / "hub_load.json"
MEASURED: dict[str, Any] = {}
HUB_SETTINGS = ("HUB_MODE", "HUB_RUNTIME_DIR", "HUB_LEARNERS", "HUB_ADMINS", "HUB_OPEN_SIGNUP",
                "HUB_SERVICE_TOKEN", "HUB_CULL_TIMEOUT", "COURSE_FAST")
TEST_ACCURACY = re.compile(r"^Test accuracy: (0\.\d{4})$", re.M)
WHERE = "import os\nprint('WHERE', os.environ['COURSE_DATA_DIR'], os.environ['HOME'], os.getcwd())"


# --------------------------------------------------------------------------- the configuration


def load_config(monkeypatch: pytest.MonkeyPatch, runtime: Path, **env: str) -> dict[str, Any]:
    """Run hub/jupyterhub_config.py with these settings; return its globals (``c``: the Config)."""
    for name in HUB_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in {"HUB_RUNTIME_DIR": str(runtime), **env}.items():
        monkeypatch.setenv(name, value)
    config = Config()
    return runpy.run_path(str(HUB_CONFIG), init_globals={"get_config": lambda: config})


def highest_full_mode_peak() -> tuple[str, int]:
    """(lesson, peak_rss_mb) of the lesson whose full-mode kernel peaks highest."""
    lessons = json.loads((ROOT / "docs" / "lesson_times.json").read_text())["lessons"]
    peaks = {name: modes["full"]["peak_rss_mb"] for name, modes in lessons.items()
             if modes.get("full", {}).get("peak_rss_mb")}
    lesson = max(peaks, key=peaks.get)
    return lesson, peaks[lesson]


def test_limits_come_from_the_lessons_measured_peaks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lesson, peak = highest_full_mode_peak()
    learners = tmp_path / "learners.txt"
    learners.write_text("ada\nben  # second row\n\n")
    hub = load_config(monkeypatch, tmp_path / "rt", HUB_LEARNERS=str(learners))
    assert hub["LESSON_PEAK_MB"] == peak, (
        f"{lesson} now peaks at {peak} MB: set LESSON_PEAK_MB in hub/jupyterhub_config.py, "
        "hub/z2jh-values.yaml and docs/hosting.md")
    need = (hub["LESSON_PEAK_MB"] + hub["SERVER_MB"]) * hub["HEADROOM"]
    assert need <= hub["MEMORY_LIMIT_MB"] < need + 256
    c = hub["c"]
    assert c.Spawner.mem_limit == f"{hub['MEMORY_LIMIT_MB']}M" == "2304M"
    assert c.Spawner.cpu_limit == hub["CPU_LIMIT"] == 2.0
    values = yaml.safe_load((ROOT / "hub" / "z2jh-values.yaml").read_text())
    assert values["singleuser"]["memory"] == {
        "limit": f"{hub['MEMORY_LIMIT_MB']}M",
        "guarantee": f"{hub['LESSON_PEAK_MB'] + hub['SERVER_MB']}M"}
    assert values["singleuser"]["cpu"]["limit"] == hub["CPU_LIMIT"]
    assert values["cull"]["timeout"] == hub["CULL_TIMEOUT_S"]
    kernels = values["singleuser"]["extraFiles"]["kernel-culling"]["data"]
    assert kernels["MappingKernelManager"]["cull_idle_timeout"] == hub["KERNEL_IDLE_S"]
    hosting = (ROOT / "docs" / "hosting.md").read_text()
    for line in (f"tljh-config set limits.memory {hub['MEMORY_LIMIT_MB']}M",
                 f"tljh-config set limits.cpu {hub['CPU_LIMIT']:g}",
                 f"tljh-config set services.cull.timeout {hub['CULL_TIMEOUT_S']}"):
        assert line in hosting


def test_workshop_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    learners = tmp_path / "learners.txt"
    learners.write_text("ada\nben  # second row\n\n")
    hub = load_config(monkeypatch, tmp_path / "rt", HUB_LEARNERS=str(learners),
                      HUB_ADMINS="teacher", COURSE_DATA_DIR=str(tmp_path / "data"))
    c = hub["c"]
    assert c.JupyterHub.spawner_class == "systemd" and c.SystemdSpawner.dynamic_users
    assert c.SystemdSpawner.readonly_paths == [str(tmp_path / "data")]
    assert c.Spawner.environment == {"COURSE_DATA_DIR": str(tmp_path / "data")}
    assert c.JupyterHub.authenticator_class == "firstuse"
    assert c.Authenticator.allowed_users == {"ada", "ben", "teacher"}
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.FirstUseAuthenticator.create_users is False
    assert "--allow-root" not in c.Spawner.args
    [culler] = [s for s in c.JupyterHub.services if s["name"] == "idle-culler"]
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    [role] = [r for r in c.JupyterHub.load_roles if r["services"] == ["idle-culler"]]
    assert set(role["scopes"]) == {"list:users", "read:users:activity", "read:servers",
                                   "delete:servers"}
    assert "course-admin" not in {s["name"] for s in c.JupyterHub.services}


def test_secrets_are_made_at_run_time_not_written_in_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = load_config(monkeypatch, tmp_path / "rt", HUB_OPEN_SIGNUP="1")["c"]
    token = (tmp_path / "rt" / "proxy_auth_token").read_text()
    assert len(token) == 64 and (tmp_path / "rt" / "proxy_auth_token").stat().st_mode & 0o077 == 0
    again = load_config(monkeypatch, tmp_path / "rt", HUB_OPEN_SIGNUP="1")["c"]
    assert first.ConfigurableHTTPProxy.auth_token == again.ConfigurableHTTPProxy.auth_token == token
    assert first.JupyterHub.cookie_secret_file == str(tmp_path / "rt" / "jupyterhub_cookie_secret")
    other = load_config(monkeypatch, tmp_path / "other", HUB_OPEN_SIGNUP="1")["c"]
    assert other.ConfigurableHTTPProxy.auth_token != token  # nothing fixed in the file


def test_workshop_mode_without_a_learner_list_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit, match="HUB_LEARNERS"):
        load_config(monkeypatch, tmp_path / "rt")


def test_every_setting_is_an_option_of_its_class(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A misspelt option would only be a warning in the hub's log: catch it here."""
    from firstuseauthenticator import FirstUseAuthenticator
    from jupyterhub.app import JupyterHub
    from jupyterhub.auth import Authenticator
    from jupyterhub.proxy import ConfigurableHTTPProxy
    from jupyterhub.spawner import SimpleLocalProcessSpawner, Spawner
    from systemdspawner import SystemdSpawner

    classes = {cls.__name__: cls for cls in (
        JupyterHub, Authenticator, FirstUseAuthenticator, ConfigurableHTTPProxy, Spawner,
        SimpleLocalProcessSpawner, SystemdSpawner)}
    tljh = Config()
    tljh.Spawner.args = ["--debug"]  # TLJH's own settings come first
    runpy.run_path(str(ROOT / "hub" / "tljh_course_config.py"),
                   init_globals={"get_config": lambda: tljh})
    assert tljh.Spawner.args[0] == "--debug" and len(tljh.Spawner.args) == 3
    for mode in ("workshop", "local"):
        c = load_config(monkeypatch, tmp_path / mode, HUB_MODE=mode, HUB_OPEN_SIGNUP="1",
                        HUB_SERVICE_TOKEN="x" * 64)["c"]
        for config in (c, tljh):
            for section, options in config.items():
                unknown = set(options) - set(classes[section].class_trait_names(config=True))
                assert not unknown, f"{section} has no option {unknown}"


# --------------------------------------------------------------------------- the running hub


def data_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data_dir() -> Path:
    """The complete data directory of the test run (``COURSE_DATA_DIR``), with MNIST in it."""
    env = os.environ.get("COURSE_DATA_DIR", "").strip()
    if not env or not data.dataset_status("mnist", Path(env), quick=True).usable:
        pytest.fail("The hub's load test runs lesson 01: set COURSE_DATA_DIR to a data "
                    "directory with MNIST in it (python -m course_utils fetch mnist).")
    return Path(env).resolve()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Iterator[Hub]:
    """The course's hub in local mode, in fast mode for every learner; stopped afterwards."""
    missing = [row for row in doctor.check_hub() if row.status == doctor.FAIL]
    if missing:
        pytest.fail("The hub's tests need what `python hub/preflight.py` checks:\n"
                    + "\n".join(f"{row.name}: {row.detail}. {row.fix}" for row in missing))
    running = start_hub(tmp_path_factory.mktemp("hub"), str(data_dir),
                        extra_env={"COURSE_FAST": "1"})
    try:
        yield running
    finally:
        running.stop()
        left = learner_processes(running.api_url)
        assert not left, f"processes left behind: {left}"


@pytest.fixture(scope="module")
def learners(hub: Hub) -> tuple[str, ...]:
    """Four learners, created and given a server each through the REST API, all at once."""
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        seconds = list(pool.map(hub.start_server, LEARNERS))
    MEASURED["server_start_seconds"] = {n: round(s, 1) for n, s in zip(LEARNERS, seconds,
                                                                        strict=True)}
    return LEARNERS


def save_lesson(hub: Hub, user: str) -> dict[str, Any]:
    """Save lesson 01, with a note of the learner's own on top, to their home (contents API)."""
    notebook = read_notebook(LESSON)
    notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "id": "note",
                                 "source": f"Notes of {user}: my copy of lesson 01."})
    reply = hub.server_api(user, "PUT", f"/contents/{LESSON_PATH}",
                           json={"type": "notebook", "format": "json", "content": notebook})
    assert reply.status_code in (200, 201), reply.text
    return notebook


def write_measured() -> None:
    """Write what was measured so far to test-artifacts/hub_load.json, and print it."""
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(MEASURED, indent=2) + "\n")
    print(json.dumps(MEASURED, indent=2))


def test_hub_answers_and_runs_the_idle_culler(hub: Hub) -> None:
    reply = requests.get(f"{hub.url}/hub/api/", timeout=30)
    assert reply.status_code == 200 and int(reply.json()["version"].split(".")[0]) >= 5
    services = hub.api("GET", "/services").json()
    assert {"idle-culler", "course-admin"} <= set(services)
    assert [p.user for p in learner_processes(hub.api_url) if p.kind == "service"] == [
        "idle-culler"]
    assert hub.api("GET", "/users", headers={}).status_code == 403  # the token is needed


def test_first_login_sets_the_password(hub: Hub) -> None:
    """firstuseauthenticator: the first login with a name chooses its password."""

    def login(user: str, password: str) -> requests.Response:
        with requests.Session() as browser:
            browser.get(f"{hub.url}/hub/login", timeout=30)
            return browser.post(f"{hub.url}/hub/login", timeout=30, allow_redirects=False,
                                data={"username": user, "password": password,
                                      "_xsrf": browser.cookies.get("_xsrf", "")})

    first = login("zoe", "zoe-secret-1")
    assert first.status_code == 302 and "jupyterhub-session-id" in first.cookies
    assert login("zoe", "another-guess").status_code == 403
    assert login("zoe", "zoe-secret-1").status_code == 302
    too_short = login("yan", "short")
    assert too_short.status_code == 403 and "Password too short" in too_short.text


def test_each_learner_has_the_lessons_in_a_home_of_their_own(
    hub: Hub, learners: tuple[str, ...]
) -> None:
    for user in learners:
        listing = hub.server_api(user, "GET", "/contents/cnn-course/notebooks").json()
        names = {item["name"] for item in listing["content"]}
        assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} <= names
        assert (hub.homes / user / LESSON_PATH).is_file()
    other = hub.server_api(learners[0], "GET", "/contents/cnn-course", headers={})
    assert other.status_code in (302, 401, 403)  # no token, no way in


async def _run_together(hub: Hub, runs: dict[str, list[str]]
                        ) -> tuple[list[Any], list[float], float]:
    """Run each learner's cells at once; meanwhile ask the hub's API every second.

    Returns the runs, the seconds each API call took, and the wall time (kernels' start included).
    """
    latencies: list[float] = []
    started = time.monotonic()
    done = asyncio.Event()

    async def ping() -> None:
        while not done.is_set():
            started = time.monotonic()
            reply = await asyncio.to_thread(requests.get, f"{hub.url}/hub/api/", timeout=30)
            assert reply.status_code == 200
            latencies.append(time.monotonic() - started)
            await asyncio.sleep(1)

    pinger = asyncio.create_task(ping())
    try:
        results = await asyncio.gather(*(run_notebook(hub, user, LESSON_PATH, cells)
                                         for user, cells in runs.items()))
    finally:
        done.set()
        await pinger
    return list(results), latencies, time.monotonic() - started


def check_run(hub: Hub, run: Any, data_dir: Path) -> str:
    """Every cell ran without an error, in fast mode, in the learner's home; the test accuracy."""
    assert run.completed and not run.errors, f"{run.user}: {run.errors}"
    assert "FAST MODE (COURSE_FAST=1)" in run.text
    home = hub.homes.resolve() / run.user
    where = f"WHERE {data_dir} {home} {(home / LESSON_PATH).parent}\n"
    assert run.text.endswith(where), run.text[-500:]
    [accuracy] = TEST_ACCURACY.findall(run.text)
    return accuracy


def test_four_learners_run_lesson_01_at_once(
    hub: Hub, learners: tuple[str, ...], data_dir: Path
) -> None:
    before = data_snapshot(data_dir)
    cells = {user: [*code_cells(save_lesson(hub, user)), WHERE] for user in learners}
    runs, latencies, wall = asyncio.run(_run_together(hub, cells))
    accuracies = {run.user: check_run(hub, run, data_dir) for run in runs}
    assert len(set(accuracies.values())) == 1, accuracies  # same seed, same answer, for all
    assert requests.get(f"{hub.url}/hub/api/", timeout=30).status_code == 200
    assert data_snapshot(data_dir) == before  # the shared data directory was only read
    MEASURED["machine"] = {"cores": os.cpu_count(), "memory_gb": round(
        os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)}
    MEASURED["together"] = {
        "learners": len(runs), "wall_seconds": round(wall, 1),
        "test_accuracy": accuracies[learners[0]],
        "hub_api_max_seconds": round(max(latencies), 3), "hub_api_calls": len(latencies),
        "per_learner": {run.user: {"seconds": round(run.seconds, 1),
                                   "kernel_peak_mb": run.kernel_peak_mb,
                                   "server_peak_mb": run.server_peak_mb} for run in runs}}
    write_measured()
    assert max(latencies) < 10  # the hub kept answering while four lessons trained


def test_a_server_stopped_mid_lesson_keeps_the_notebook_and_runs_again(
    hub: Hub, learners: tuple[str, ...], data_dir: Path
) -> None:
    user = learners[1]
    saved = save_lesson(hub, user)
    cells = [*code_cells(saved), WHERE]
    stop: list[asyncio.Task] = []

    async def stop_during_training(index: int, code: str) -> None:
        if ".fit(" in code and not stop:
            async def stop_later() -> float:
                await asyncio.sleep(2)  # the training has begun
                return await asyncio.to_thread(hub.stop_server, user)
            stop.append(asyncio.create_task(stop_later()))

    async def interrupted() -> tuple[Any, float]:
        run = await run_notebook(hub, user, LESSON_PATH, cells, on_cell=stop_during_training)
        return run, await stop[0]

    run, stop_seconds = asyncio.run(interrupted())
    assert not run.completed and 0 < run.cells_run < len(cells) - 1
    assert not TEST_ACCURACY.search(run.text)  # it stopped before the end
    gone = time.monotonic()  # the server's kernel goes with it, a few seconds later
    while [p for p in learner_processes(hub.api_url) if p.user == user]:
        assert time.monotonic() - gone < 30, f"{user}'s kernel outlived their server"
        time.sleep(0.5)
    gone = time.monotonic() - gone
    restart = hub.start_server(user)
    reply = hub.server_api(user, "GET", f"/contents/{LESSON_PATH}")
    assert reply.status_code == 200
    kept = reply.json()["content"]["cells"]
    assert [(c["cell_type"], c["source"]) for c in kept] == [
        (c["cell_type"], c["source"]) for c in saved["cells"]]  # nothing lost or overwritten
    assert kept[0]["source"] == f"Notes of {user}: my copy of lesson 01."
    [again], latencies, alone = asyncio.run(_run_together(hub, {user: cells}))  # one alone
    accuracy = check_run(hub, again, data_dir)
    assert accuracy == MEASURED.get("together", {}).get("test_accuracy", accuracy)
    together = MEASURED.get("together", {}).get("wall_seconds")
    MEASURED["alone"] = {"learner": user, "wall_seconds": round(alone, 1),
                         "seconds": round(again.seconds, 1),
                         "kernel_peak_mb": again.kernel_peak_mb,
                         "server_peak_mb": again.server_peak_mb}
    MEASURED["restart"] = {"learner": user, "stopped_after_cells": run.cells_run,
                           "of_cells": len(cells), "stop_seconds": round(stop_seconds, 1),
                           "kernel_gone_after_seconds": round(gone, 1),
                           "start_seconds": round(restart, 1), "notebook_kept": True,
                           "ran_again": again.completed}
    if together:
        MEASURED["slowdown_4_vs_1"] = round(together / alone, 2)
    services = [p for p in learner_processes(hub.api_url) if p.kind == "service"]
    MEASURED["hub_peak_mb"] = {**hub.own_peaks_mb(), **{p.user: p.peak_mb for p in services}}
    write_measured()
