"""The exceptions that ``course_utils`` raises on purpose, in one place.

Every one of them is a ``CourseError``, so a test or a script can tell "the
course refused this, with a message that says what to do" from a bug.
Each also derives from the built-in exception a learner would expect
(``ValueError`` for a bad argument or a bad file, ``RuntimeError`` for a
dataset that cannot be had), so ``except ValueError`` keeps working.

Bad arguments to a figure or a check raise plain ``TypeError`` /
``ValueError`` with a message; the classes here are for the situations that
need their own name.
"""

from __future__ import annotations

__all__ = [
    "ChecksumError",
    "CourseError",
    "DataUnavailableError",
    "KitError",
    "PhotoError",
    "UnsafeModelError",
]


class CourseError(Exception):
    """Base class of the course's own exceptions."""


class DataUnavailableError(CourseError, RuntimeError):
    """A dataset is missing and could not be downloaded (offline, server down)."""


class ChecksumError(CourseError, RuntimeError):
    """A download did not match its published checksum or manifest, or was an unsafe archive.

    The download was deleted and nothing in the data directory was changed.
    """


class KitError(CourseError, RuntimeError):
    """A kit could not be written, read or verified; the message says why and what to do."""


class UnsafeModelError(CourseError, ValueError):
    """A model file was refused because loading it would run Python code stored in it."""


class PhotoError(CourseError, ValueError):
    """A file could not be used as a photo (empty, not an image, truncated, too large).

    The message is one sentence that says what to do; the web service answers it as JSON.
    """
