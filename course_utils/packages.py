"""The one package check: is every package the course needs installed, in a version that fits?

``requirements.txt`` at the top of the repository is the one list of packages
and version ranges. ``check_packages()`` reads it and returns one
``PackageCheck`` per line; ``python -m course_utils doctor`` and lesson 00's
``course_utils.check_environment()`` both print these rows. Nothing is
imported to check it: the versions come from the installed packages'
metadata (``importlib.metadata``), so the check is fast and cannot crash.

Where the list comes from:

- the repository (a clone, ``make venv``, Binder): ``requirements.txt``;
- only the ``course-utils`` package installed (for example on Colab, which
  installs it from the repository as a wheel): the package's own metadata
  (``importlib.metadata.requires("course-utils")``, the ``dependencies`` of
  ``pyproject.toml``). Those name no TensorFlow (every platform brings its
  own), so TensorFlow is then checked as "any version".

The workshop hub (``hub/``) has one list of its own, ``hub/requirements.txt``
(JupyterHub and its helpers, none of the course's packages again);
``check_hub_packages()`` checks it, for the doctor's ``check_hub``. The course
authors' tools (tests, linters, the website's Sphinx) are in
``requirements-dev.txt``: ``check_dev_packages()``, for ``doctor --dev``.

``binder/requirements.txt`` and ``pyproject.toml`` repeat the list;
``tests/test_packages.py`` checks that they say the same as
``requirements.txt``.

TensorFlow comes under several names: ``tensorflow`` (Linux, Windows, Apple
silicon), ``tensorflow-cpu`` (no GPU support; Binder uses it),
``tensorflow-intel`` (what ``tensorflow`` installs on Windows) and the older
``tensorflow-macos``. All of them provide the ``tensorflow`` module, so each
counts as TensorFlow. ``tensorflow-metal`` does not: it is a plug-in that
lets one of them use an Apple GPU.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

REQUIREMENTS_FILE = Path(__file__).resolve().parent.parent / "requirements.txt"
"""The course's package list, when ``course_utils`` runs from the repository."""

HUB_REQUIREMENTS_FILE = REQUIREMENTS_FILE.parent / "hub" / "requirements.txt"
"""The workshop hub's own packages (JupyterHub and its helpers), on top of the course's."""

DEV_REQUIREMENTS_FILE = REQUIREMENTS_FILE.parent / "requirements-dev.txt"
"""The course authors' tools (tests, linters, the website), on top of the course's and the hub's."""

DISTRIBUTION = "course-utils"
"""The name this package is installed under (``pyproject.toml``'s ``[project].name``)."""

TENSORFLOW_DISTRIBUTIONS: tuple[str, ...] = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-intel",
    "tensorflow-macos",
)
"""The distributions that install the ``tensorflow`` module (``tensorflow-metal`` is a plug-in)."""

NOT_PINNED_IN_WHEEL = "tensorflow"
"""The requirement ``pyproject.toml`` leaves out, added as "any version" on a wheel install."""


@dataclass(frozen=True)
class PackageCheck:
    """The check of one requirement: is it installed, and does its version fit?

    ``name`` is the package as the requirement names it, ``ok`` says whether
    it is fine, ``detail`` what was found (version, range), ``fix`` the
    command that fixes it (empty when ``ok``). ``installed`` is the version
    found, or None when the package is not installed.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""
    installed: str | None = None


def requirement_lines() -> tuple[list[str], str]:
    """Return the course's requirement lines (``name>=x,<y``) and where they came from.

    ``requirements.txt`` when the repository is there, else the installed
    ``course-utils`` package's dependencies plus a plain ``tensorflow``.
    Raises ``importlib.metadata.PackageNotFoundError`` when neither exists.
    """
    if REQUIREMENTS_FILE.is_file() and (REQUIREMENTS_FILE.parent / "course_utils").is_dir():
        return read_requirement_lines(REQUIREMENTS_FILE), str(REQUIREMENTS_FILE)
    requires = importlib.metadata.requires(DISTRIBUTION) or []
    wanted = [line for line in requires if "extra" not in line.partition(";")[2]]
    return [*wanted, NOT_PINNED_IN_WHEEL], f"the installed {DISTRIBUTION} package's metadata"


def read_requirement_lines(path: Path) -> list[str]:
    """The requirement lines of a file: without comments, options (``-r``, ``-e``) and paths."""
    lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
    return [ln for ln in lines if ln and not ln.startswith(("-", "."))]


def find_installed(name: str) -> tuple[str, str] | None:
    """Return ``(distribution, version)`` of the installed package ``name``, or None.

    For ``tensorflow`` every distribution in ``TENSORFLOW_DISTRIBUTIONS``
    counts, so on Binder this returns ``("tensorflow-cpu", "2.21.0")``.
    """
    wanted = canonicalize_name(name)
    candidates = TENSORFLOW_DISTRIBUTIONS if wanted == "tensorflow" else (name,)
    for distribution in candidates:
        try:
            return distribution, importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def installed_version(name: str) -> str | None:
    """Return the installed version of package ``name`` (any TensorFlow counts), or None."""
    found = find_installed(name)
    return found[1] if found else None


def check_requirement(line: str, note: str = "", from_file: bool = True,
                      list_file: str = "requirements.txt") -> PackageCheck:
    """Check one requirement line such as ``numpy>=1.26,<3``.

    ``note`` is added to the detail (for example why there is no version
    range); ``from_file`` adds "or pip install -r LIST_FILE" to the fix
    (``list_file``: the requirements file the line comes from). Raises
    ``packaging.requirements.InvalidRequirement`` for a line that is not a
    requirement.
    """
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate():
        return PackageCheck(req.name, True, "not needed on this platform")
    written = line.split(";")[0].strip()[len(req.name):].strip()
    written = written.partition("]")[2].strip() if written.startswith("[") else written
    wanted = written or "any version"  # the range as the line writes it: ">=1.26,<3"
    if note:
        wanted = f"{wanted}: {note}"
    found = find_installed(req.name)
    distribution = found[0] if found else req.name
    plain = f"{distribution}{written}"
    fix = f'Run: pip install "{plain}"' + (f" (or pip install -r {list_file})."
                                            if from_file else ".")
    if found is None:
        return PackageCheck(req.name, False, f"not installed (need {wanted})", fix)
    version = found[1]
    try:
        fits = req.specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        fits = False
    shown = version if canonicalize_name(distribution) == canonicalize_name(req.name) else (
        f"{version} as {distribution}")
    if fits:
        return PackageCheck(req.name, True, f"{shown} ({wanted})", installed=version)
    return PackageCheck(req.name, False, f"{shown} installed, need {wanted}", fix, version)


def check_packages() -> list[PackageCheck]:
    """Check every requirement of the course (see ``requirement_lines``); one row a line."""
    try:
        lines, source = requirement_lines()
    except importlib.metadata.PackageNotFoundError:
        return [PackageCheck("package list", False,
                             f"neither {REQUIREMENTS_FILE} nor an installed {DISTRIBUTION} found",
                             "Run pip install -r requirements.txt in the course's folder.")]
    from_file = source == str(REQUIREMENTS_FILE)
    rows = []
    for line in lines:
        note = ""
        if not from_file and line == NOT_PINNED_IN_WHEEL:
            note = f"{DISTRIBUTION}'s metadata names no TensorFlow version"
        try:
            rows.append(check_requirement(line, note, from_file))
        except InvalidRequirement as err:
            rows.append(PackageCheck(line, False, f"cannot read this line of {source}: {err}",
                                     "Correct the line in requirements.txt."))
    return rows


def check_package_list(path: Path, label: str) -> list[PackageCheck]:
    """Check every requirement line of another package list (``label``: its name as shown).

    Lines that include other files (``-r requirements.txt``) are left out: those lists have
    checks of their own. One failed row when the file is not there.
    """
    if not path.is_file():
        return [PackageCheck(f"{label} package list", False, f"{path} not found",
                             "Run this from a clone of the course's repository.")]
    rows = []
    for line in read_requirement_lines(path):
        try:
            rows.append(check_requirement(line, list_file=label))
        except InvalidRequirement as err:
            rows.append(PackageCheck(line, False, f"cannot read this line of {path}: {err}",
                                     f"Correct the line in {label}."))
    return rows


def check_hub_packages(path: Path | None = None) -> list[PackageCheck]:
    """Check the workshop hub's packages (``hub/requirements.txt``, or ``path``); one row a line.

    One failed row when the file is not there: the hub needs the course's repository.
    """
    return check_package_list(path or HUB_REQUIREMENTS_FILE, "hub/requirements.txt")


def check_dev_packages(path: Path | None = None) -> list[PackageCheck]:
    """Check the course authors' tools (``requirements-dev.txt``, or ``path``); one row a line.

    The tests, the website's Sphinx and MyST-NB, the linters: what ``make dev`` installs on
    top of the course's and the hub's packages (those have their own rows).
    """
    return check_package_list(path or DEV_REQUIREMENTS_FILE, "requirements-dev.txt")
