"""Command line: ``python -m course_utils COMMAND``.

``fetch`` downloads datasets, ``doctor`` checks the setup, ``check-folder``
checks a folder of your own images, ``pack-data`` and ``unpack-data`` write and
install the offline kit. This file only reads the arguments; the work is done
in ``data``, ``doctor``, ``folders`` and ``kit``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import config, data


def _fetch(args: argparse.Namespace) -> int:
    if args.where:
        print(config.data_dir())
        return 0
    names = list(data.DATASETS) if not args.datasets or "all" in args.datasets else args.datasets
    unknown = [n for n in names if n not in data.DATASETS]
    if unknown:
        known = ", ".join([*data.DATASETS, "all"])
        print(f"error: unknown dataset {unknown[0]!r}; choose from {known}", file=sys.stderr)
        return 2
    status = 0
    for name in dict.fromkeys(names):
        present = data.is_present(name)
        try:
            path = data.fetch(name, progress=not args.quiet)
        except (data.DataUnavailableError, data.ChecksumError) as err:
            print(f"error: {err}", file=sys.stderr)
            status = 1
            continue
        print(f"{name}: {'already present' if present else 'downloaded'}: {path}")
    return status


def _unknown(names: list[str]) -> int | None:
    unknown = [n for n in names if n not in data.DATASETS]
    if unknown:
        known = ", ".join(data.DATASETS)
        print(f"error: unknown dataset {unknown[0]!r}; choose from {known}", file=sys.stderr)
        return 2
    return None


def _doctor(args: argparse.Namespace) -> int:
    from . import doctor

    return doctor.main(args.data_dir, quick=args.quick, as_json=args.json)


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
    from . import kit

    bad = _unknown(args.datasets)
    if bad:
        return bad
    try:
        kit.pack(args.kit, args.datasets or None, root=args.data_dir,
                 allow_missing=args.allow_missing, force=args.force, quiet=args.quiet)
    except kit.KitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _unpack(args: argparse.Namespace) -> int:
    from . import kit

    try:
        kit.unpack(args.kit, root=args.data_dir, force=args.force,
                   allow_unofficial=args.allow_unofficial, quiet=args.quiet)
    except kit.KitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=lambda s: Path(s).expanduser().resolve(),
                        default=None, metavar="DIR",
                        help="the data directory (default: COURSE_DATA_DIR or the per-user cache)")


def main(argv: list[str] | None = None) -> int:
    """Run the course's command-line tool; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m course_utils",
        description="Helpers for the CNN image-classification course.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = sub.add_parser(
        "fetch",
        help="download the datasets into the data directory (skips what is there)",
        description=(
            "Download datasets into the data directory (COURSE_DATA_DIR, or a per-user "
            "cache folder). Set COURSE_DATA_MIRROR to download from a mirror."
        ),
    )
    fetch.add_argument(
        "datasets",
        nargs="*",
        metavar="DATASET",
        help=f"one or more of: {', '.join(data.DATASETS)}, all (default: all)",
    )
    fetch.add_argument("--where", action="store_true", help="print the data directory and exit")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.set_defaults(func=_fetch)

    doctor = sub.add_parser(
        "doctor",
        help="check Python, packages, TensorFlow, memory, disk and the datasets",
        description="Check that this computer is ready for the course. Exit status 0 when "
        "no check FAILed, 1 otherwise; every FAIL comes with a fix.",
    )
    doctor.add_argument("--quick", action="store_true",
                        help="only look that dataset files are there; do not hash them")
    doctor.add_argument("--json", action="store_true", help="print the results as JSON")
    _data_dir_option(doctor)
    doctor.set_defaults(func=_doctor)

    check = sub.add_parser(
        "check-folder",
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
                       '[{"path": ..., "reason": ...}], "usable": N}')
    check.set_defaults(func=_check_folder)

    pack = sub.add_parser(
        "pack-data",
        help="write the datasets of the data directory into one zip (the offline kit)",
        description="Write every dataset in the data directory into KIT (a zip with a "
        "checksum manifest), for computers without internet: see unpack-data.",
    )
    pack.add_argument("kit", type=Path, metavar="KIT.zip", help="the zip file to write")
    pack.add_argument("datasets", nargs="*", default=[], metavar="DATASET",
                      help=f"only these: {', '.join(data.DATASETS)} (default: all)")
    pack.add_argument("--allow-missing", action="store_true",
                      help="pack the datasets that are there, skip missing ones")
    pack.add_argument("--force", action="store_true", help="replace KIT.zip if it exists")
    pack.add_argument("--quiet", action="store_true", help="no progress bar")
    _data_dir_option(pack)
    pack.set_defaults(func=_pack)

    unpack = sub.add_parser(
        "unpack-data",
        help="verify an offline kit and install its datasets into the data directory",
        description="Verify KIT (names, checksums, the course's own pins) and install its "
        "datasets into the data directory. Datasets already there and verified are skipped.",
    )
    unpack.add_argument("kit", type=Path, metavar="KIT.zip", help="the kit made by pack-data")
    unpack.add_argument("--force", action="store_true",
                        help="replace datasets that are already there")
    unpack.add_argument("--allow-unofficial", action="store_true",
                        help="accept datasets that work but are not the official files")
    unpack.add_argument("--quiet", action="store_true", help="no progress bar")
    _data_dir_option(unpack)
    unpack.set_defaults(func=_unpack)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
