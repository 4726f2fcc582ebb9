"""``python -m course_utils COMMAND``: runs the command line of ``course_utils.cli``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
