"""Start one learner's Jupyter server: copy the lessons into their home once, then hand over.

The hub's spawner runs this (``c.Spawner.cmd`` in ``jupyterhub_config.py``) as the learner,
in their home folder, with the arguments of ``jupyterhub-singleuser``. It copies each lesson
(``notebooks/*.ipynb``) and the pictures the lessons link to (``docs/images/``) into
``~/cnn-course/`` when that file is not there yet, so a learner's own edits are never
overwritten, not even by a restart of their server. Then it replaces itself with the
``jupyterhub-singleuser`` of the same environment (the course's ``.venv``): the process the hub
talks to is the learner's server itself.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
"""The course's repository: its lessons are copied from here."""

COURSE_FOLDER = "cnn-course"
"""The folder in a learner's home that holds their copy of the course."""

COPIED = (("notebooks", "*.ipynb"), ("docs/images", "*"))
"""What a learner gets: (folder of the repository, file pattern), kept at the same place."""


def copy_lessons(home: Path, source: Path = REPOSITORY) -> list[Path]:
    """Copy the lessons from ``source`` into ``home/cnn-course``; return the files copied.

    A file that is already there is left alone: it may hold the learner's work.
    """
    copied = []
    for folder, pattern in COPIED:
        target = home / COURSE_FOLDER / folder
        for path in sorted((source / folder).glob(pattern)):
            if not path.is_file() or (target / path.name).exists():
                continue
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.name)
            copied.append(target / path.name)
    return copied


def main() -> None:
    """Copy the lessons into ``$HOME``, then exec ``jupyterhub-singleuser`` with our arguments."""
    copy_lessons(Path(os.environ.get("HOME") or Path.home()))
    server = Path(sys.executable).parent / "jupyterhub-singleuser"
    os.execv(server, [str(server), *sys.argv[1:]])


if __name__ == "__main__":
    main()
