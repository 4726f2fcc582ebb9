"""Show code from course_utils inside a lesson, so nothing the lesson uses is hidden."""

from __future__ import annotations

import inspect
from typing import Any


class Source:
    """Source code that Jupyter shows with syntax highlighting (plain text elsewhere)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __str__(self) -> str:
        return self.code

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        from IPython.display import Code

        html = Code(self.code, language="python")._repr_html_()
        return {"text/plain": self.code, "text/html": html}


def show_source(obj: Any) -> Source:
    """Return the source code of a function or class, ready to display in a notebook.

    Lessons use it to show the model recipes that live in ``course_utils.models``::

        course_utils.show_source(models.classic_cifar_cnn)
    """
    try:
        return Source(inspect.getsource(obj))
    except (TypeError, OSError) as err:
        raise ValueError(f"Cannot show the source of {obj!r}: {err}") from None
