"""JupyterHub for a workshop on one server: ``jupyterhub -f hub/jupyterhub_config.py``.

Run it from the course's environment (``.venv``, with ``hub/requirements.txt`` installed): that
environment is also every learner's, so each learner gets the course's packages and kernel.
``docs/hosting.md`` explains the setup, the limits and the alternatives (The Littlest
JupyterHub, Zero to JupyterHub on Kubernetes).

Two modes, chosen by the environment variable ``HUB_MODE``:

``workshop`` (the default)
    A server for a class. Learners log in with ``firstuseauthenticator`` (each sets their own
    password at their first login; an admin resets one by deleting that user in the admin
    panel, which leaves their files). Each learner's server is a systemd unit
    (``systemdspawner``, a dynamic system user per learner, home ``/var/lib/NAME``), which
    enforces the memory and CPU limits below and mounts the data directory read-only.
    Needs systemd and root. Nothing here has run it: this machine has no systemd.
``local``
    ``make hub`` and ``tests/test_hub.py``: on 127.0.0.1 only, and each learner's server runs
    as this process's own user, with a home under ``HUB_HOMES_DIR`` (``simple`` spawner, no
    system users, no isolation, testing only). It ignores the memory and CPU limits.

Settings (environment variables; the defaults suit one workshop server):

- ``COURSE_DATA_DIR``: the one shared data directory, complete and read-only for learners
  (``python -m course_utils fetch all`` fills it). Default: ``/srv/cnn-course/data``; in
  local mode the course's usual data directory.
- ``HUB_RUNTIME_DIR``: the hub's database, secrets and log; never in git. Default:
  ``/srv/cnn-course/hub``; in local mode ``hub/runtime/``. The cookie secret and the proxy's
  token are generated there at the first start (mode 600), never written in this file.
- ``HUB_LEARNERS``: a file with one learner name a line: only they may log in. Without it,
  workshop mode refuses to start unless ``HUB_OPEN_SIGNUP=1`` (anyone who reaches the hub
  can make an account). ``HUB_ADMINS``: comma-separated admin names.
- ``HUB_IP`` (default all interfaces; local: 127.0.0.1), ``HUB_PORT`` (8000),
  ``HUB_API_PORT`` (8081), ``HUB_PROXY_API_PORT`` (8001), ``HUB_SSL_CERT``/``HUB_SSL_KEY``
  (serve HTTPS: passwords must not cross a network in clear text).
- ``HUB_CULL_TIMEOUT``: seconds without activity before the idle culler stops a server
  (``CULL_TIMEOUT_S``, 3600: longer than the lunch break of docs/instructors.md's one-day plan).
- ``COURSE_FAST``: passed on to every learner (``COURSE_FAST=1 make hub``: fast mode).
- ``HUB_SERVICE_TOKEN`` (local mode only): a token for the service ``course-admin``, which
  may create users and start, stop and use their servers through the REST API (the tests).
"""

from __future__ import annotations

import math
import os
import secrets
import sys
from pathlib import Path

HUB_DIR = Path(__file__).resolve().parent
MODE = os.environ.get("HUB_MODE", "workshop").strip().lower()
LOCAL = MODE == "local"
if MODE not in ("workshop", "local"):
    raise SystemExit(f"HUB_MODE must be workshop or local, not {MODE!r}.")

# --------------------------------------------------------------------------- per-learner limits
# A learner's memory limit is what their heaviest lesson needs, plus their Jupyter server, plus
# headroom for what they try beyond the lesson, rounded up to a whole 256 MB:
#   lesson 05's kernel at its peak, full mode (the highest in docs/lesson_times.json)  1675 MB
#   + the learner's server (jupyterhub-singleuser with JupyterLab; tests/test_hub.py
#     measured 152 MB at its peak: test-artifacts/hub_load.json)                     + 160 MB
#   = 1835 MB; x 1.15 headroom = 2110 MB; rounded up to 9 x 256 MB          = 2304 MB = 2.25 GB
# The limit covers all of a learner's processes: a second open lesson's kernel (600 MB and more)
# may not fit next to lesson 05, so the kernels of closed notebooks are shut down after
# KERNEL_IDLE_S. CPU: two cores, what the lessons are written and timed for (a 2-core laptop).
LESSON_PEAK_MB = 1675
SERVER_MB = 160
HEADROOM = 1.15
MEMORY_LIMIT_MB = math.ceil((LESSON_PEAK_MB + SERVER_MB) * HEADROOM / 256) * 256
CPU_LIMIT = 2.0
KERNEL_IDLE_S = 1200
"""A kernel whose notebook is closed (no browser connected) and idle this long is shut down."""
CULL_TIMEOUT_S = 3600
"""A server without activity this long is stopped (longer than the one-day plan's lunch break)."""


def setting(name: str, default: str) -> str:
    """The environment variable ``name``, or ``default`` when it is unset or empty."""
    return os.environ.get(name, "").strip() or default


def secret_in(path: Path) -> str:
    """The secret stored in ``path``; a new random one is written there (mode 600) if none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def names_in(path: str) -> set[str]:
    """The learner names in a file: one a line, blank lines and ``#`` comments left out."""
    lines = (line.split("#")[0].strip() for line in Path(path).read_text().splitlines())
    return {line for line in lines if line}


def data_directory() -> str:
    """The shared data directory every learner's kernel reads (``COURSE_DATA_DIR``)."""
    if LOCAL and not os.environ.get("COURSE_DATA_DIR", "").strip():
        from course_utils import config as course_config

        return str(course_config.data_dir())
    return str(Path(setting("COURSE_DATA_DIR", "/srv/cnn-course/data")).resolve())


c = get_config()  # noqa: F821 - JupyterHub provides get_config() to its config files

runtime = Path(setting("HUB_RUNTIME_DIR", str(HUB_DIR / "runtime") if LOCAL
                       else "/srv/cnn-course/hub")).resolve()
runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
DATA_DIR = data_directory()
ADMINS = {n.strip() for n in os.environ.get("HUB_ADMINS", "").split(",") if n.strip()}

# --------------------------------------------------------------------------- network, state
c.JupyterHub.ip = setting("HUB_IP", "127.0.0.1" if LOCAL else "")
c.JupyterHub.port = int(setting("HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.auth_token = secret_in(runtime / "proxy_auth_token")
c.ConfigurableHTTPProxy.pid_file = str(runtime / "jupyterhub-proxy.pid")
c.JupyterHub.cookie_secret_file = str(runtime / "jupyterhub_cookie_secret")  # the hub makes it
c.JupyterHub.db_url = f"sqlite:///{runtime / 'jupyterhub.sqlite'}"
c.JupyterHub.pid_file = str(runtime / "jupyterhub.pid")
if os.environ.get("HUB_SSL_CERT") and not LOCAL:
    c.JupyterHub.ssl_cert = os.environ["HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = setting("HUB_SSL_KEY", "")

# --------------------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = "firstuse"
c.FirstUseAuthenticator.dbm_path = str(runtime / "passwords.dbm")
c.FirstUseAuthenticator.min_password_length = 8
c.Authenticator.admin_users = ADMINS
if os.environ.get("HUB_LEARNERS"):
    c.Authenticator.allowed_users = names_in(os.environ["HUB_LEARNERS"]) | ADMINS
    c.FirstUseAuthenticator.create_users = False  # only the listed names (and users an admin adds)
elif LOCAL or os.environ.get("HUB_OPEN_SIGNUP") == "1":
    c.Authenticator.allow_all = True  # the first login with a new name makes that account
else:
    raise SystemExit("Set HUB_LEARNERS to a file of learner names (one a line), or "
                     "HUB_OPEN_SIGNUP=1 to let anyone who reaches the hub make an account.")

# --------------------------------------------------------------------------- the learners' servers
c.Spawner.cmd = [sys.executable, str(HUB_DIR / "learner_start.py")]  # the course's environment
c.Spawner.default_url = "/lab/tree/cnn-course/notebooks"
c.Spawner.environment = {"COURSE_DATA_DIR": DATA_DIR}
if os.environ.get("COURSE_FAST"):
    c.Spawner.environment["COURSE_FAST"] = os.environ["COURSE_FAST"]
c.Spawner.args = [f"--MappingKernelManager.cull_idle_timeout={KERNEL_IDLE_S}",
                  "--MappingKernelManager.cull_interval=120"]
c.Spawner.mem_limit = f"{MEMORY_LIMIT_MB}M"
c.Spawner.cpu_limit = CPU_LIMIT
c.Spawner.start_timeout = 120  # a busy server starts a learner's server slowly
c.Spawner.http_timeout = 90
if LOCAL:
    c.JupyterHub.spawner_class = "simple"  # ignores mem_limit and cpu_limit
    c.SimpleLocalProcessSpawner.home_dir_template = str(
        Path(setting("HUB_HOMES_DIR", str(runtime / "homes"))).resolve() / "{username}")
    if os.geteuid() == 0:
        c.Spawner.args.append("--allow-root")  # Jupyter refuses root without it
else:
    c.JupyterHub.spawner_class = "systemd"  # enforces both: MemoryMax=, CPUQuota=
    c.SystemdSpawner.dynamic_users = True  # a system user per learner, made when needed
    c.SystemdSpawner.readonly_paths = [DATA_DIR]
    c.SystemdSpawner.isolate_tmp = True
    c.SystemdSpawner.disable_user_sudo = True
    c.SystemdSpawner.extra_paths = [str(Path(sys.executable).parent)]

# --------------------------------------------------------------------------- services and roles
cull_timeout = int(setting("HUB_CULL_TIMEOUT", str(CULL_TIMEOUT_S)))
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull_timeout}",
                "--cull-every=300"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
if LOCAL and os.environ.get("HUB_SERVICE_TOKEN"):
    c.JupyterHub.services.append({"name": "course-admin",
                                  "api_token": os.environ["HUB_SERVICE_TOKEN"]})
    c.JupyterHub.load_roles.append({
        "name": "course-admin",
        "scopes": ["admin:users", "admin:servers", "access:servers", "list:services"],
        "services": ["course-admin"],
    })
