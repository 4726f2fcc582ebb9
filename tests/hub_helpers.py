"""Drive the course's JupyterHub in local mode (``hub/jupyterhub_config.py``) for tests/test_hub.py.

``start_hub`` starts ``jupyterhub`` from this environment on free ports of 127.0.0.1, with a
service token (the service ``course-admin`` of the config) that drives the REST API: users,
their servers, their contents. ``run_notebook`` runs a notebook's code cells one by one in a
learner's kernel, through the single-user server's sessions API and the kernel websocket
(tornado's client, which JupyterHub itself depends on). ``learner_processes`` finds each
learner's processes in ``/proc`` (Linux) by the hub they belong to, to read their peak memory
and to kill them when a test fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from conftest import ROOT

HUB_CONFIG = ROOT / "hub" / "jupyterhub_config.py"
JUPYTERHUB = Path(sys.executable).parent / "jupyterhub"
MB = 1024 * 1024


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class LearnerProcess:
    """One process of a learner (or of the hub): its kind and memory, from ``/proc``."""

    pid: int
    user: str
    kind: str  # "kernel", "server", "service" or "hub"
    peak_mb: float  # VmHWM: the highest resident memory of the process so far
    rss_mb: float
    cmdline: str


def _proc_status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def learner_processes(hub_api_url: str) -> list[LearnerProcess]:
    """Every process started for the hub whose API is ``hub_api_url``: servers, kernels, services.

    They are found by their environment (``JUPYTERHUB_API_URL``), which each server passes on to
    its kernels; the hub's own ports are free ports of this test, so nothing else matches.
    """
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "environ").read_bytes().decode(errors="replace")
            env = dict(v.split("=", 1) for v in raw.split("\0") if "=" in v)
            if env.get("JUPYTERHUB_API_URL", "").rstrip("/") != hub_api_url.rstrip("/"):
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            pid = int(entry.name)
            peak, rss = _proc_status_mb(pid, "VmHWM"), _proc_status_mb(pid, "VmRSS")
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
        kind = ("kernel" if "ipykernel" in cmdline else "server" if "singleuser" in cmdline
                else "service")
        user = env.get("JUPYTERHUB_USER") or env.get("JUPYTERHUB_SERVICE_NAME", "")
        found.append(LearnerProcess(pid, user, kind, round(peak), round(rss), cmdline))
    return found


def kill_process_group(pid: int, grace: float = 10.0,
                       child: subprocess.Popen | None = None) -> None:
    """SIGTERM the process group led by ``pid`` (or only ``pid``), SIGKILL it after ``grace`` s.

    ``child``: the ``Popen`` of ``pid`` when it is this process's child (it is waited for, so it
    leaves no zombie behind).
    """
    try:
        leads_group = os.getpgid(pid) == pid
    except ProcessLookupError:
        return

    def send(sig: signal.Signals) -> None:
        try:
            os.killpg(pid, sig) if leads_group else os.kill(pid, sig)
        except ProcessLookupError:
            pass

    def gone() -> bool:
        if child is not None:
            return child.poll() is not None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    send(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.2)
    send(signal.SIGKILL)
    if child is not None:
        child.wait(timeout=30)


@dataclass
class Hub:
    """A running local hub: its public URL, its API token, its process and its log."""

    url: str
    api_url: str  # the hub's own API (what its servers are told: JUPYTERHUB_API_URL)
    token: str
    process: subprocess.Popen
    log: Path
    homes: Path

    @property
    def headers(self) -> dict[str, str]:
        """The service token as the REST API wants it."""
        return {"Authorization": f"token {self.token}"}

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call the hub's REST API (``/hub/api`` + ``path``) with the service token."""
        return requests.request(method, f"{self.url}/hub/api{path}",
                                headers=kwargs.pop("headers", self.headers),
                                timeout=kwargs.pop("timeout", 60), **kwargs)

    def server_api(self, user: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call a learner's Jupyter server (``/user/NAME/api`` + ``path``) through the proxy."""
        return requests.request(method, f"{self.url}/user/{user}/api{path}",
                                headers=kwargs.pop("headers", self.headers),
                                timeout=kwargs.pop("timeout", 60), **kwargs)

    def own_peaks_mb(self) -> dict[str, float]:
        """Peak memory of the hub's process and of the proxy it started (its child)."""
        peaks = {"hub": _proc_status_mb(self.process.pid, "VmHWM")}
        for entry in Path("/proc").iterdir():
            try:
                if not entry.name.isdigit():
                    continue
                if b"http-proxy" not in (entry / "cmdline").read_bytes():
                    continue
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent == self.process.pid:
                    peaks["proxy"] = _proc_status_mb(int(entry.name), "VmHWM")
            except (OSError, ValueError, IndexError):
                continue
        return {name: round(mb) for name, mb in peaks.items()}

    def log_tail(self, lines: int = 40) -> str:
        """The end of the hub's log, for a failure message."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def server_state(self, user: str) -> dict[str, Any] | None:
        """The default server of ``user`` as the hub reports it, or None when it has none."""
        reply = self.api("GET", f"/users/{user}")
        reply.raise_for_status()
        return reply.json()["servers"].get("")

    def start_server(self, user: str, timeout: float = 180) -> float:
        """Create ``user`` if needed, start their server, wait until it is ready; return seconds."""
        started = time.monotonic()
        created = self.api("POST", f"/users/{user}")
        assert created.status_code in (201, 409), created.text  # 409: the user exists
        reply = self.api("POST", f"/users/{user}/server")
        assert reply.status_code in (201, 202), f"{reply.status_code} {reply.text}"
        while time.monotonic() - started < timeout:
            state = self.server_state(user)
            if state and state.get("ready"):
                return time.monotonic() - started
            assert self.process.poll() is None, f"the hub stopped:\n{self.log_tail()}"
            time.sleep(0.5)
        raise AssertionError(f"{user}'s server was not ready in {timeout} s:\n{self.log_tail()}")

    def stop_server(self, user: str, timeout: float = 60) -> float:
        """Stop ``user``'s server through the REST API, wait until it is gone; return seconds."""
        started = time.monotonic()
        reply = self.api("DELETE", f"/users/{user}/server")
        assert reply.status_code in (202, 204), f"{reply.status_code} {reply.text}"
        while time.monotonic() - started < timeout:
            if self.server_state(user) is None:
                return time.monotonic() - started
            time.sleep(0.5)
        raise AssertionError(f"{user}'s server did not stop in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the hub and everything it started, even when the hub itself hangs."""
        ours = learner_processes(self.api_url)
        for proc in ours:
            if proc.kind == "service":  # the idle culler takes ~30 s to leave on its own
                kill_process_group(proc.pid, grace=2)
        if self.process.poll() is None:
            kill_process_group(self.process.pid, grace=40, child=self.process)  # stops servers
        for proc in learner_processes(self.api_url):
            kill_process_group(proc.pid, grace=5)


def start_hub(folder: Path, data_dir: str, timeout: float = 90,
              extra_env: dict[str, str] | None = None) -> Hub:
    """Start the course's hub in local mode with its state in ``folder``; wait until it answers.

    Learners' homes go to ``folder / "homes"``; every learner reads ``data_dir``
    (``COURSE_DATA_DIR``). Raises AssertionError with the log's end when it does not start.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port, api_port, proxy_port = free_port(), free_port(), free_port()
    token = uuid.uuid4().hex + uuid.uuid4().hex
    env = {**os.environ, "HUB_MODE": "local", "HUB_RUNTIME_DIR": str(folder / "runtime"),
           "HUB_HOMES_DIR": str(folder / "homes"), "HUB_PORT": str(port),
           "HUB_API_PORT": str(api_port), "HUB_PROXY_API_PORT": str(proxy_port),
           "HUB_SERVICE_TOKEN": token, "COURSE_DATA_DIR": data_dir, **(extra_env or {})}
    log = folder / "hub.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(JUPYTERHUB), "-f", str(HUB_CONFIG)], cwd=folder, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{api_port}/hub/api", token,
              process, log, folder / "homes")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jupyterhub exited with {process.returncode}:\n{hub.log_tail()}")
        try:
            if requests.get(f"{hub.url}/hub/api/", timeout=5).status_code == 200:
                return hub
        except requests.RequestException:
            pass
        time.sleep(0.5)
    hub.stop()
    raise AssertionError(f"the hub did not answer in {timeout} s:\n{hub.log_tail()}")


# --------------------------------------------------------------------------- running a notebook


@dataclass
class LessonRun:
    """What running a notebook in a learner's kernel gave."""

    user: str
    seconds: float = 0.0
    cells_run: int = 0
    completed: bool = False  # every cell ran (False: the kernel or its server went away)
    text: str = ""  # every stream and text/plain output, in order
    errors: list[str] = field(default_factory=list)
    kernel_id: str = ""
    kernel_peak_mb: float = 0.0
    server_peak_mb: float = 0.0


def read_notebook(path: Path) -> dict[str, Any]:
    """A notebook as the contents API takes it (nbformat 4: each source one string)."""
    return json.loads(json.dumps(nbformat.read(path, as_version=4)))


def code_cells(notebook: dict[str, Any]) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    return [c["source"] for c in notebook["cells"] if c["cell_type"] == "code"]


def _message(code: str, session: str) -> dict[str, Any]:
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "test", "session": session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}


async def _execute(ws: Any, code: str, session: str, run: LessonRun, timeout: float) -> bool:
    """Run one cell; add its outputs to ``run``. False when the connection closed first."""
    request = _message(code, session)
    msg_id = request["header"]["msg_id"]
    await ws.write_message(json.dumps(request))
    idle = replied = False
    deadline = time.monotonic() + timeout
    while not (idle and replied):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{run.user}: a cell ran over {timeout} s:\n{code[:200]}")
        raw = await asyncio.wait_for(ws.read_message(), left)
        if raw is None:
            return False
        if isinstance(raw, bytes):
            continue  # a binary message (a widget's buffers): nothing to check in it
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            run.text += content["text"]
        elif kind in ("execute_result", "display_data"):
            run.text += content.get("data", {}).get("text/plain", "") + "\n"
        elif kind == "error":
            run.errors.append(f"{content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
        elif kind == "execute_reply":
            replied = True
            if content["status"] == "error" and not run.errors:
                run.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
    return True


async def run_notebook(hub: Hub, user: str, path: str, cells: list[str],
                       cell_timeout: float = 300,
                       on_cell: Callable[[int, str], Awaitable[None]] | None = None) -> LessonRun:
    """Run ``cells`` in a new kernel of ``user``'s server, for the notebook at ``path``.

    The kernel starts in the notebook's folder (a session, as JupyterLab makes one). It stops
    at the first cell with an error; ``on_cell(index, code)`` is awaited as each cell starts
    (it may stop the server). The kernel's and the server's peak memory are read from
    ``/proc`` at the end, then the session (and its kernel) is shut down.
    """
    run = LessonRun(user)
    body = {"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}}
    reply = await asyncio.to_thread(hub.server_api, user, "POST", "/sessions", json=body)
    assert reply.status_code == 201, f"{user}: {reply.status_code} {reply.text}"
    session = reply.json()
    run.kernel_id = session["kernel"]["id"]
    ws_url = f"{hub.url.replace('http', 'ws', 1)}/user/{user}/api/kernels/{run.kernel_id}/channels"
    ws = await websocket_connect(HTTPRequest(ws_url, headers=hub.headers,
                                             request_timeout=60, connect_timeout=60))
    started = time.monotonic()
    try:
        for index, code in enumerate(cells):
            if on_cell is not None:
                await on_cell(index, code)
            if not await _execute(ws, code, uuid.uuid4().hex, run, cell_timeout):
                break
            run.cells_run += 1
            if run.errors:
                break
        else:
            run.completed = True
        run.seconds = time.monotonic() - started
        for proc in learner_processes(hub.api_url):
            if proc.user == user and proc.kind == "server":
                run.server_peak_mb = proc.peak_mb
            if proc.user == user and proc.kind == "kernel" and run.kernel_id in proc.cmdline:
                run.kernel_peak_mb = proc.peak_mb
    finally:
        ws.close()
    if run.completed:
        await asyncio.to_thread(hub.server_api, user, "DELETE", f"/sessions/{session['id']}")
    return run
