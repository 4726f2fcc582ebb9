"""Command line: ``python -m course_utils fetch [mnist|cifar10|blood_cells|all] [--where]``."""

from __future__ import annotations

import argparse
import sys

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
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
