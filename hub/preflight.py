"""Before ``make hub`` starts the hub: are its packages and configurable-http-proxy there?

Prints the rows of the doctor's hub check (``course_utils.doctor.check_hub``, the rows that
``doctor.run_checks(hub=True)`` adds) and exits with 1, each FAIL with its fix, when
something is missing: the proxy is a Node.js program, ``npm install -g configurable-http-proxy``.
"""

from __future__ import annotations

import os
import sys

from course_utils import doctor


def main() -> int:
    """Print the hub's checks; return 0 when none failed, else 1."""
    rows = doctor.check_hub()
    width = max(len(r.name) for r in rows) + 2
    for r in rows:
        print(f"{r.name:<{width}}{r.status:<6}{r.detail}")
        if r.fix:
            print(f"{'':<{width}}{'':<6}fix: {r.fix}")
    if any(r.status == doctor.FAIL for r in rows):
        print("The hub cannot start yet: fix the FAIL rows above, then run make hub again.",
              file=sys.stderr)
        return 1
    port = os.environ.get("HUB_PORT", "8000")
    print(f"Starting the hub on http://127.0.0.1:{port} (HUB_PORT to change): the first login "
          "with a new name sets that learner's password. Ctrl+C stops it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
