"""Keep TensorFlow's load-time notices out of a lesson's output.

While its C++ libraries load, TensorFlow prints a few notices through the absl
logging library, before its own log level (``TF_CPP_MIN_LOG_LEVEL``) applies,
so that setting cannot hide them::

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1796345689.247028   17808 cudart_stub.cc:31] Could not find cuda drivers ...
    I0000 00:00:1796345689.246913   17808 port.cc:153] oneDNN custom operations are on. ...

They are harmless (no GPU driver: TensorFlow uses the processor; oneDNN: the
last digits of a result can differ from another computer's), and no setting
turns them off. ``import course_utils`` calls :func:`install`: the first
``import tensorflow`` of the process (yours, Keras' or course_utils') then runs
with the process's standard error (file descriptor 2) sent to a temporary file,
and afterwards everything in it except these notices is written back to
standard error. A real error message still shows; only the lines matched by
:data:`NOTICES` are dropped.

Set ``TF_CPP_MIN_LOG_LEVEL=0`` before ``import course_utils`` to see every
line TensorFlow prints (nothing is then filtered).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

# One pattern per line TensorFlow prints while it loads, and nothing else.
NOTICES = re.compile(
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$"
    r"|^I\d{4} [\d:.]+ +\d+ cudart_stub\.cc:\d+\] Could not find cuda drivers on your machine"
    r"|^I\d{4} [\d:.]+ +\d+ port\.cc:\d+\] oneDNN custom operations are on\."
)


def is_notice(line: str) -> bool:
    """True for one of TensorFlow's load-time notices (see :data:`NOTICES`)."""
    return bool(NOTICES.search(line.rstrip("\r\n")))


@contextmanager
def filtered_stderr(fd: int = 2) -> Iterator[None]:
    """Send file descriptor ``fd`` to a temporary file, then write back all but the notices.

    Everything written to standard error inside the ``with`` block, by Python or
    by C++ code, reaches it afterwards, in order, except the lines
    :func:`is_notice` matches. Where ``fd`` is not open (a program without a
    console), the block runs unfiltered.
    """
    try:
        saved = os.dup(fd)
    except OSError:
        yield
        return
    _flush_python_stderr()
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), fd)
        try:
            yield
        finally:
            _flush_python_stderr()
            os.dup2(saved, fd)
            os.close(saved)
            captured.seek(0)
            kept = [line for line in captured.read().splitlines(keepends=True)
                    if not is_notice(line.decode("utf-8", "replace"))]
            if kept:
                os.write(fd, b"".join(kept))


def _flush_python_stderr() -> None:
    for stream in (sys.stderr, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


class _QuietLoader(importlib.abc.Loader):
    """The real loader of ``tensorflow``, run inside :func:`filtered_stderr`."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with filtered_stderr():
            self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _TensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` once, with the real finders, and hands back a quiet loader."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "tensorflow":
            return None
        uninstall()
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def install() -> bool:
    """Filter the notices of the first ``import tensorflow``; True if the hook is now waiting.

    Does nothing (False) when TensorFlow is already imported, or when
    ``TF_CPP_MIN_LOG_LEVEL`` is ``0`` (you asked to see everything).
    """
    if "tensorflow" in sys.modules or os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") == "0":
        return False
    if not installed():
        sys.meta_path.insert(0, _TensorFlowFinder())
    return True


def installed() -> bool:
    """True while the hook waits for the first ``import tensorflow``."""
    return any(isinstance(finder, _TensorFlowFinder) for finder in sys.meta_path)


def uninstall() -> None:
    """Remove the hook: the next ``import tensorflow`` prints everything it prints."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _TensorFlowFinder)]
