"""Self-checks for the exercises in the lessons.

Every exercise ends with a check cell such as::

    from course_utils.exercises import check_relu

    passed = check_relu(relu)

A check prints one line: ``✅ Correct — ...`` when your answer is right, or
``❌ ...`` saying what is wrong and how to fix it. It returns True or False
and never raises an error, whatever you pass it, so you can run it as often
as you like.

Each lesson's checks live in ``course_utils/exercises/lessonNN.py``; all of
them can be imported from here.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__: list[str] = []

# Re-export every lesson module's checks, so a lesson adds checks by adding a module.
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module.startswith("lesson"):
        _lesson = importlib.import_module(f"{__name__}.{_module}")
        for _name in _lesson.__all__:
            globals()[_name] = getattr(_lesson, _name)
            __all__.append(_name)
