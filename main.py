"""hud's entry point: `python main.py --help`. All the work is in the `hud` package."""

import sys

from hud.cli import main

if __name__ == "__main__":
    sys.exit(main())
