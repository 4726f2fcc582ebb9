"""The course's settings for The Littlest JupyterHub (TLJH), as one file of its config folder.

Copy it to ``/opt/tljh/config/jupyterhub_config.d/cnn_course.py`` and run
``sudo tljh-config reload``: TLJH loads every ``.py`` there after its own settings
(docs/hosting.md has every step). The authenticator, the memory and CPU limits and the idle
culler are TLJH's own settings (``tljh-config set ...``), not set here. This file only tells
the learners' servers where the course and its data are. It has not run here: TLJH's
installer cannot run on the machine the course is tested on (no systemd, no internet).
"""

COURSE_DIR = "/srv/cnn-course/repo"
"""Where the course's repository is cloned on the server (its lessons are copied from there)."""
DATA_DIR = "/srv/cnn-course/data"
"""The one shared, read-only data directory (``python -m course_utils fetch all`` fills it)."""

c = get_config()  # noqa: F821 - JupyterHub provides get_config() to its config files

# Every kernel reads the shared datasets; systemd mounts them read-only for the learners.
c.Spawner.environment.update({"COURSE_DATA_DIR": DATA_DIR})
c.SystemdSpawner.readonly_paths = [DATA_DIR]
# Copy the lessons into each learner's home once (never over their own work), then start
# TLJH's own jupyterhub-singleuser, from the user environment /opt/tljh/user.
c.Spawner.cmd = ["/opt/tljh/user/bin/python", f"{COURSE_DIR}/hub/learner_start.py"]
c.Spawner.default_url = "/lab/tree/cnn-course/notebooks"
# Shut down the kernels of closed notebooks after 20 idle minutes: their memory counts
# against the learner's limit (limits.memory).
c.Spawner.args.extend(["--MappingKernelManager.cull_idle_timeout=1200",
                       "--MappingKernelManager.cull_interval=120"])
