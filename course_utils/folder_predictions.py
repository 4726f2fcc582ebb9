"""Classify every photo in a folder and keep the answers as a table (and a CSV file).

After the model is trained, the real work is a folder of new photos: what
does the model say about each one, and which ones is it unsure about?
``predict_folder`` reads every file under a folder (in sub-folders too), the
same way the upload widget does (``photos.read_photo``: upright, in colour,
any format Pillow reads), and predicts them batch by batch::

    from course_utils.folder_predictions import predict_folder, least_confident

    table = predict_folder(predictor, "new_cells", "predictions.csv")
    # new_cells: predicted 40 photos; 2 files could not be read (see the problem column); ...
    least_confident(table, n=8)     # the photos to look at first

A file that is not a usable photo does not stop the run: its row says why in
the ``problem`` column and has no prediction. Hidden files and system files
(``.DS_Store``, ``Thumbs.db``, ``desktop.ini``, anything in ``__MACOSX``) are
skipped without a row. Only one batch of photos is in memory at a time, so a
folder of thousands of phone photos is fine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import PhotoError
from .inputs import check_count
from .photos import model_view, read_photo

__all__ = ["COLUMNS", "SYSTEM_FILES", "folder_files", "least_confident", "predict_folder",
           "read_predictions"]

COLUMNS: tuple[str, ...] = ("file", "predicted_class", "probability", "problem")
"""The columns of a folder-prediction table, in order.

``file`` is the path relative to the folder, with ``/``; ``problem`` is ``""``
for a photo that worked, else one sentence that says why the file could not
be used (then ``predicted_class`` is ``""`` and ``probability`` is NaN).
"""

SYSTEM_FILES: frozenset[str] = frozenset({"thumbs.db", "desktop.ini", "__macosx", "icon\r",
                                          "$recycle.bin", "system volume information"})
"""File and folder names (lower case) that operating systems leave behind: never photos."""


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$") or name.lower() in SYSTEM_FILES


def folder_files(folder: str | os.PathLike[str]) -> list[str]:
    """Every file under ``folder``, recursively, as sorted paths relative to it (with ``/``).

    Hidden files and folders (names starting with ``.``, such as ``.DS_Store``
    and ``.ipynb_checkpoints``) and system files (``SYSTEM_FILES``) are left out.
    """
    root = _check_folder(folder)
    found: list[str] = []
    for directory, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not _skipped(d))
        base = Path(directory).relative_to(root)
        found += [(base / name).as_posix() for name in files if not _skipped(name)]
    return sorted(found)


def _check_folder(folder: str | os.PathLike[str]) -> Path:
    root = Path(folder).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"There is no folder {os.fspath(folder)}: check the path.")
    if not root.is_dir():
        raise NotADirectoryError(f"{os.fspath(folder)} is a file, not a folder: give the folder "
                                 f"that holds the photos.")
    return root


def _batches(files: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(files), size):
        yield files[start:start + size]


def _prepare(root: Path, file: str, image_size: tuple[int, int]) -> np.ndarray | str:
    """The model's view of one file, or the sentence that says why it cannot be used."""
    try:
        photo = read_photo(root / file, name=file)
    except PhotoError as err:
        return str(err)
    except (PermissionError, IsADirectoryError) as err:
        return f"{file} could not be opened ({err.__class__.__name__}): check that you may read it."
    except OSError:  # Pillow's "Truncated File Read" when even the header is cut short
        return (f"{file} is truncated or damaged (the download or copy may have stopped "
                f"half-way): copy it again.")
    try:
        return model_view(photo, image_size)
    except Exception as err:  # noqa: BLE001 - one odd photo must not stop a folder
        return (f"{file} could not be prepared for the model ({err.__class__.__name__}): "
                f"it may be too thin or too small.")


def predict_folder(predictor: Any, folder: str | os.PathLike[str],
                   csv_path: str | os.PathLike[str] | None = None, *, batch_size: int = 32,
                   verbose: bool = True) -> pd.DataFrame:
    """Predict every photo under ``folder`` with ``predictor``; one row per file.

    Args:
        predictor: a ``predictor.Predictor`` (the model, its input size, its class names).
        folder: the folder of photos; its sub-folders are read too.
        csv_path: where to write the table as CSV (``to_csv(index=False)``); None: no file.
            Read it back with ``read_predictions``.
        batch_size: how many photos are read and predicted at a time (memory stays low).
        verbose: print one line that says what happened.

    Returns:
        A ``pandas.DataFrame`` with the columns ``file`` (relative to ``folder``,
        with ``/``), ``predicted_class``, ``probability`` and ``problem`` (``""``
        for a photo that worked, else why the file could not be used), sorted by file.

    Raises:
        FileNotFoundError: there is no such folder.
        NotADirectoryError: ``folder`` is a file.

    Example:
        >>> table = predict_folder(predictor, "new_cells", "predictions.csv")
        new_cells: predicted 38 photos; 2 files could not be read (see the problem column); ...
    """
    batch_size = check_count(batch_size, "batch_size")
    root = _check_folder(folder)
    files = folder_files(root)
    names, probabilities, problems = [], [], []
    for chunk in _batches(files, batch_size):
        views = [_prepare(root, file, predictor.image_size) for file in chunk]
        good = [view for view in views if isinstance(view, np.ndarray)]
        scores = iter(predictor.predict_pixels(np.stack(good)) if good else ())
        for view in views:
            if isinstance(view, str):
                names.append("")
                probabilities.append(np.nan)
                problems.append(view)
                continue
            row = next(scores)
            best = int(np.argmax(row))
            names.append(predictor.class_names[best])
            probabilities.append(float(row[best]))
            problems.append("")
    table = pd.DataFrame({"file": files, "predicted_class": names,
                          "probability": np.asarray(probabilities, dtype=float),
                          "problem": problems}, columns=list(COLUMNS))
    if csv_path is not None:
        table.to_csv(csv_path, index=False)
    if verbose:
        print(_summary(root, table, csv_path))
    return table


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(root: Path, table: pd.DataFrame, csv_path: Any) -> str:
    """One line: how many photos were predicted, how many files failed, the CSV's name."""
    label = root.resolve().name or "the folder"
    if table.empty:
        line = f"{label}: no files found (hidden and system files are skipped)"
    else:
        failed = int((table["problem"] != "").sum())
        line = f"{label}: predicted {_plural(len(table) - failed, 'photo')}"
        if failed:
            verb = "file could not be read" if failed == 1 else "files could not be read"
            line += f"; {failed} {verb} (see the problem column)"
    if csv_path is not None:
        line += f"; wrote {Path(csv_path).name}"
    return line


def read_predictions(csv_path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV written by ``predict_folder`` back into the same table.

    Empty ``predicted_class`` and ``problem`` cells stay empty strings (plain
    ``pandas.read_csv`` would make them NaN); an empty ``probability`` is NaN.
    """
    table = pd.read_csv(csv_path, keep_default_na=False, na_values={"probability": [""]},
                        dtype={"file": str, "predicted_class": str, "problem": str})
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"{Path(csv_path).name} has no column {missing[0]!r}: read a file "
                         f"written by predict_folder.")
    table["probability"] = table["probability"].astype(float)
    return table


def least_confident(table: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The ``n`` photos the model was least sure about: lowest probability first.

    Only the rows that worked (an empty ``problem``) count. These are the
    photos to look at yourself: blurred, two cells at once, a class the
    model has not learnt. ``table`` comes from ``predict_folder`` (or
    ``read_predictions``). The index is 0, 1, 2, ...
    """
    n = check_count(n, "n")
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table should be the DataFrame from predict_folder, not "
                        f"{type(table).__name__}.")
    missing = [column for column in COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"table has no column {missing[0]!r}: pass the table from "
                         f"predict_folder.")
    worked = table[table["problem"].fillna("") == ""]
    ranked = worked.sort_values("probability", kind="stable")
    return ranked.head(n).reset_index(drop=True)
