"""Command line: ``python -m benchmarks {run,bench,report,augcost,profile}``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import RECIPE_NAMES

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _print_result(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result), flush=True)
        return
    for key, value in result.items():
        print(f"{key:>12}: {value}")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="train and evaluate one recipe in this process")
    run.add_argument("recipe", choices=RECIPE_NAMES)
    run.add_argument("--json", action="store_true", help="print the result as one JSON line, last")
    run.add_argument("--epochs", type=int, help="override the recipe's epochs (1 in fast mode)")
    run.add_argument("--limit", type=int,
                     help="use only the first LIMIT training and test images (quick checks)")
    run.add_argument("--steps", type=int, help="train at most STEPS batches per epoch")

    bench = sub.add_parser("bench", help="run all four recipes, write results.json and .md")
    bench.add_argument("--mnist-repeats", type=int, default=3)
    bench.add_argument("--cifar-repeats", type=int, default=1)
    bench.add_argument("--no-augcost", action="store_true")
    bench.add_argument("--no-profile", action="store_true")
    bench.add_argument("--limit", type=int, help="passed to every run (quick checks)")
    bench.add_argument("--out", type=Path, default=None,
                       help="folder for results.json and results.md (default: benchmarks/)")

    report = sub.add_parser("report", help="write results.md from results.json")
    report.add_argument("--json", dest="json_path", type=Path, default=None)
    report.add_argument("--out", type=Path, default=None)
    report.add_argument("--refresh-lessons", action="store_true",
                        help="first copy the lessons' times from docs/lesson_times.json")

    aug = sub.add_parser("augcost", help="augmented vs plain epoch time of course_cifar10")
    aug.add_argument("--epochs", type=int, default=3,
                     help="epochs per model; the first (building the step) is not counted")
    aug.add_argument("--limit", type=int)
    aug.add_argument("--json", action="store_true")

    prof = sub.add_parser("profile", help="milliseconds per batch of each step piece")
    prof.add_argument("--repeats", type=int, default=20)
    prof.add_argument("--limit", type=int)
    prof.add_argument("--json", action="store_true")

    args = parser.parse_args(argv)
    from . import harness

    if args.command == "run":
        _print_result(harness.run_recipe(args.recipe, limit=args.limit, epochs=args.epochs,
                                         steps=args.steps),
                      args.json)
    elif args.command == "bench":
        folder = args.out or harness.HERE
        folder.mkdir(parents=True, exist_ok=True)
        extra = ("--limit", str(args.limit)) if args.limit else ()
        harness.bench(args.mnist_repeats, args.cifar_repeats, augcost=not args.no_augcost,
                      profile=not args.no_profile, out_json=folder / "results.json",
                      out_md=folder / "results.md", extra_args=extra)
        print((folder / "results.md").read_text())
    elif args.command == "report":
        from .report import write_report

        json_path = args.json_path or harness.RESULTS_JSON
        if args.refresh_lessons:
            results = json.loads(json_path.read_text())
            results["lessons"] = harness.lesson_budget()
            json_path.write_text(json.dumps(results, indent=1) + "\n")
        out = args.out or json_path.with_suffix(".md")
        print(write_report(json_path, out), end="")
    elif args.command == "augcost":
        from .profile import augmentation_cost

        result = augmentation_cost(epochs=args.epochs, limit=args.limit)
        result["peak_rss_mb"] = harness.peak_rss_mb()
        _print_result(result, args.json)
    elif args.command == "profile":
        from .profile import step_profile

        _print_result(step_profile(limit=args.limit, repeats=args.repeats), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
