"""The command line, ``python -m course_utils COMMAND``: reads the arguments, hands over the work.

``fetch`` downloads datasets (``data.fetch``; with no name, every dataset but
not the optional ImageNet weights, which only lesson 08's optional section
needs: name them, ``fetch mobilenet_v3_small``), ``doctor`` checks the setup
(``doctor``), ``check-folder`` checks a folder of your own images
(``folders.scan_image_folder``), ``pack-data`` and ``unpack-data`` write and
install the offline kit (``data.kit``), ``serve`` runs lesson 09's web service
for a saved model (``serve.run``). Each command imports only what it needs:
only ``serve`` imports TensorFlow and Flask, when it runs (the doctor imports
TensorFlow in a separate process), so every other command starts in a
fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import config, data
from .errors import ChecksumError, DataUnavailableError, KitError


def _unknown(names: list[str], *also: str) -> int | None:
    """Print an error and return exit status 2 when a name is not a registry entry (or ``also``)."""
    entries = data.all_entries()
    unknown = [n for n in names if n not in entries and n not in also]
    if unknown:
        known = ", ".join([*entries, *also])
        print(f"error: unknown dataset {unknown[0]!r}; choose from {known}", file=sys.stderr)
        return 2
    return None


def _fetch(args: argparse.Namespace) -> int:
    if args.where:
        print(config.data_dir())
        return 0
    bad = _unknown(args.datasets, "all")
    if bad:
        return bad
    names = [n for n in args.datasets if n != "all"]
    if not args.datasets or "all" in args.datasets:  # every dataset; optional entries if named
        names = [*(n for n, e in data.all_entries().items() if not e.optional), *names]
    status = 0
    for name in dict.fromkeys(names):
        present = data.dataset_status(name, quick=True).usable
        try:
            path = data.fetch(name, progress=not args.quiet)
        except (DataUnavailableError, ChecksumError) as err:
            print(f"error: {err}", file=sys.stderr)
            status = 1
            continue
        print(f"{name}: {'already present' if present else 'downloaded'}: {path}")
    return status


def _doctor(args: argparse.Namespace) -> int:
    from . import doctor

    return doctor.main(args.data_dir, quick=args.quick, as_json=args.json, dev=args.dev)


def _check_folder(args: argparse.Namespace) -> int:
    from . import folders

    try:
        scan = folders.scan_image_folder(args.folder)
    except (FileNotFoundError, NotADirectoryError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(scan.to_dict(), indent=2))
    else:
        print(scan.summary(max_problems=None))
    return 1 if scan.problems else 0


def _pack(args: argparse.Namespace) -> int:
    from .data import kit

    return _unknown(args.datasets) or _kit_errors(
        kit.pack, args.kit, args.datasets or None, root=args.data_dir,
        allow_missing=args.allow_missing, force=args.force, quiet=args.quiet)


def _unpack(args: argparse.Namespace) -> int:
    from .data import kit

    return _kit_errors(kit.unpack, args.kit, root=args.data_dir, force=args.force,
                       allow_unofficial=args.allow_unofficial, quiet=args.quiet)


def _serve(args: argparse.Namespace) -> int:
    from . import serve

    classes = None
    if args.classes is not None:
        classes = [name.strip() for name in args.classes.split(",") if name.strip()]
    return serve.run(args.model, host=args.host, port=args.port, classes=classes,
                     max_upload_mb=args.max_upload_mb)


def _positive(text: str) -> float:
    """An argparse type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"it must be above 0, not {text}")
    return value


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {value}")
    return value


def _kit_errors(action: Callable[..., object], *args: Any, **kwargs: Any) -> int:
    """Run a kit ``action``: exit status 0, or 1 with the ``KitError``'s message."""
    try:
        action(*args, **kwargs)
    except KitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _command(sub: Any, name: str, func: Callable[[argparse.Namespace], int], help: str,
             description: str, quiet: bool = False, data_dir: bool = False,
             kit: str = "") -> argparse.ArgumentParser:
    """Add the sub-command ``name``: with ``--quiet``, ``--data-dir``, a ``KIT.zip`` where asked."""
    parser = sub.add_parser(name, help=help, description=description)
    parser.set_defaults(func=func)
    if kit:
        parser.add_argument("kit", type=Path, metavar="KIT.zip", help=kit)
    if quiet:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
    if data_dir:
        parser.add_argument("--data-dir", type=lambda s: Path(s).expanduser().resolve(),
                            default=None, metavar="DIR", help="the data directory (default: "
                            "COURSE_DATA_DIR or the per-user cache)")
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m course_utils``, with its six commands."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils",
        description="Helpers for the CNN image-classification course.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = _command(
        sub, "fetch", _fetch, quiet=True,
        help="download the datasets into the data directory (skips what is there)",
        description="Download datasets into the data directory (COURSE_DATA_DIR, or a "
        "per-user cache folder). Set COURSE_DATA_MIRROR to download from a mirror. With no "
        "name (or all), every dataset; optional downloads only when named: "
        + "; ".join(f"{n}, the {e.title}, for {e.optional}" for n, e in data.all_entries().items()
                    if e.optional) + ".",
    )
    fetch.add_argument("datasets", nargs="*", metavar="DATASET",
                       help=f"one or more of: {', '.join(data.all_entries())}, all (default: "
                       f"all, the datasets)")
    fetch.add_argument("--where", action="store_true", help="print the data directory and exit")

    doctor = _command(
        sub, "doctor", _doctor, data_dir=True,
        help="check Python, packages, TensorFlow, memory, disk and the datasets",
        description="Check that this computer is ready for the course. Exit status 0 when "
        "no check FAILed, 1 otherwise; every FAIL comes with a fix.",
    )
    doctor.add_argument("--quick", action="store_true",
                        help="only look that dataset files are there; do not hash them")
    doctor.add_argument("--json", action="store_true", help="print the results as JSON")
    doctor.add_argument("--dev", action="store_true",
                        help="also check the course authors' tools (requirements-dev.txt: "
                        "tests, linters, the website)")

    check = _command(
        sub, "check-folder", _check_folder,
        help="check a folder of images (one sub-folder per class) before you train on it",
        description="Scan FOLDER, which holds one sub-folder per class, the layout "
        "keras.utils.image_dataset_from_directory reads: print the classes and their image "
        "counts, the image sizes and colour modes, and every file or folder Keras would skip "
        "or fail on, with the reason. Exit status 0 when there are no problems, 1 when there "
        "are, 2 when FOLDER is not a folder.",
    )
    check.add_argument("folder", type=Path, metavar="FOLDER", help="the folder to check")
    check.add_argument("--json", action="store_true",
                       help='print one JSON object: {"classes": {name: count}, "problems": '
                       '[{"path": ..., "reason": ...}], "usable": N, "rotated": N}')

    pack = _command(
        sub, "pack-data", _pack, quiet=True, data_dir=True, kit="the zip file to write",
        help="write the datasets of the data directory into one zip (the offline kit)",
        description="Write every dataset in the data directory into KIT (a zip with a "
        "checksum manifest), for computers without internet: see unpack-data.",
    )
    pack.add_argument("datasets", nargs="*", default=[], metavar="DATASET",
                      help=f"only these: {', '.join(data.all_entries())} (default: every "
                      f"dataset, and the weights when they are there)")
    pack.add_argument("--allow-missing", action="store_true",
                      help="pack the datasets that are there, skip missing ones")
    pack.add_argument("--force", action="store_true", help="replace KIT.zip if it exists")

    unpack = _command(
        sub, "unpack-data", _unpack, quiet=True, data_dir=True, kit="the kit made by pack-data",
        help="verify an offline kit and install its datasets into the data directory",
        description="Verify KIT (names, checksums, the course's own pins) and install its "
        "datasets into the data directory. Datasets already there and verified are skipped.",
    )
    unpack.add_argument("--force", action="store_true",
                        help="replace datasets that are already there")
    unpack.add_argument("--allow-unofficial", action="store_true",
                        help="accept datasets that work but are not the official files")

    serve = _command(
        sub, "serve", _serve,
        help="serve a saved model as a web service (lesson 09): POST a photo, get its class",
        description="Load MODEL (a .keras file, in safe mode, or a model.export folder) and "
        "serve it with waitress until Ctrl+C: GET / is a page to try photos, POST /predict "
        "takes a photo as the form field 'file' and answers JSON, GET /health says what is "
        "served. Exit status 1 when the model cannot be loaded or the port is taken, 2 when "
        "--classes has the wrong number of names.",
    )
    serve.add_argument("model", type=Path, metavar="MODEL",
                       help="the .keras file or the folder written by model.export")
    serve.add_argument("--host", default="127.0.0.1",
                       help="where to listen (default: 127.0.0.1, this computer only; "
                       "0.0.0.0 lets other computers of your network in)")
    serve.add_argument("--port", type=_port, default=8000, help="the port (default: 8000)")
    serve.add_argument("--classes", metavar="A,B,C", default=None,
                       help="the class names, comma-separated, in label order (default: the "
                       "names saved in the file by predictor.save_with_classes)")
    serve.add_argument("--max-upload-mb", type=_positive, default=10.0, metavar="N",
                       help="refuse uploads over N MB with HTTP 413 (default: 10)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv``); return the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)
