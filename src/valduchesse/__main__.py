"""``python -m valduchesse``: the command line, :mod:`valduchesse.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
