"""course_utils.quiet: TensorFlow's load-time notices are dropped, everything else still shows.

Each case runs in a fresh Python (the hook acts on a process's first ``import tensorflow``,
and it redirects file descriptor 2), and one in a real Jupyter kernel, where the notices
used to reach the notebook as red stderr output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT
from course_utils import quiet

SAMPLES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796345689.247028   17808 cudart_stub.cc:31] Could not find cuda drivers on "
    "your machine, GPU will not be used.",
    "I0000 00:00:1796417113.831765   11644 port.cc:153] oneDNN custom operations are on. You "
    "may see slightly different numerical results due to floating-point round-off errors.",
]
NOT_NOTICES = [
    "E0000 00:00:1796 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error",
    "I0000 00:00:1796417259.680848   12045 cpu_feature_guard.cc:227] This TensorFlow binary",
    "Traceback (most recent call last):",
    "ImportError: libcudart.so.12: cannot open shared object file",
    "  WARNING: All log messages before absl::InitializeLog() is called are written to STDERR!",
]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environ.update(env)
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=180, env=environ, cwd=ROOT)


@pytest.mark.parametrize("line", SAMPLES)
def test_the_three_notices_are_recognised(line: str) -> None:
    assert quiet.is_notice(line)
    assert quiet.is_notice(line + "\n")


@pytest.mark.parametrize("line", NOT_NOTICES)
def test_other_lines_are_not_notices(line: str) -> None:
    assert not quiet.is_notice(line)


def test_filtered_stderr_drops_only_the_notices_and_keeps_the_order() -> None:
    lines = "\n".join([SAMPLES[0], "first real line", SAMPLES[1], SAMPLES[2]]) + "\n"
    result = _python(f"""
        import os, sys
        from course_utils.quiet import filtered_stderr
        with filtered_stderr():
            os.write(2, {lines.encode()!r})   # what C++ code writes
            print("second real line", file=sys.stderr)   # what Python writes
            os.write(2, b"no newline at the end")
        print("stdout is untouched")
        os.write(2, {SAMPLES[0].encode()!r} + b"\\n")   # outside the block: shown
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "stdout is untouched\n"
    assert result.stderr == ("first real line\nsecond real line\nno newline at the end"
                             + SAMPLES[0] + "\n")


def test_an_error_inside_the_block_still_shows_and_restores_stderr() -> None:
    result = _python("""
        import os
        from course_utils.quiet import filtered_stderr
        try:
            with filtered_stderr():
                os.write(2, b"the message before the error\\n")
                raise RuntimeError("boom")
        except RuntimeError:
            os.write(2, b"stderr is back\\n")
    """)
    assert result.stderr == "the message before the error\nstderr is back\n"


def test_importing_tensorflow_after_course_utils_prints_no_notice() -> None:
    result = _python("""
        import course_utils
        from course_utils import quiet
        assert quiet.installed()
        import tensorflow as tf
        assert not quiet.installed(), "the hook should remove itself after the first import"
        assert tf.constant(2.0).numpy() == 2.0
        print(tf.__version__)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"TensorFlow's import printed:\n{result.stderr}"


def test_without_the_filter_tensorflow_prints_the_notices_here() -> None:
    """The control: TF_CPP_MIN_LOG_LEVEL=0 switches the filter off, and the notices appear.

    If this fails because a TensorFlow release stopped printing them, course_utils.quiet
    can go.
    """
    result = _python("""
        import course_utils
        from course_utils import quiet
        assert not quiet.installed()
        import tensorflow
    """, TF_CPP_MIN_LOG_LEVEL="0")
    assert result.returncode == 0, result.stderr
    printed = result.stderr.splitlines()
    assert any(quiet.is_notice(line) for line in printed), result.stderr


def test_install_waits_only_while_tensorflow_is_not_imported() -> None:
    result = _python("""
        import tensorflow
        import course_utils
        from course_utils import quiet
        print(quiet.install(), quiet.installed())
    """)
    assert result.stdout.split() == ["False", "False"]


def test_a_jupyter_kernel_shows_the_setup_without_notices_but_real_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import course_utils\nfrom course_utils import models\n"
                                  "import tensorflow as tf\nprint(tf.__version__)"),
        nbformat.v4.new_code_cell("import os, time\nos.write(2, b'a real C++ error line\\n')\n"
                                  "time.sleep(0.5)"),
    ]
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)  # as in a learner's kernel
    # ipykernel forwards what C++ code writes to fd 2 into the notebook, except under pytest
    # (it looks for this variable); the kernel must do what it does for a learner.
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    first = [out for out in nb.cells[0].outputs if out.get("name") == "stderr"]
    assert first == [], f"the import cell shows stderr: {first}"
    assert [out.get("text") for out in nb.cells[0].outputs] == [f"{_tf_version()}\n"]
    second = "".join(out.get("text", "") for out in nb.cells[1].outputs
                     if out.get("name") == "stderr")
    assert second == "a real C++ error line\n"


def _tf_version() -> str:
    from importlib.metadata import version

    return version("tensorflow")
