"""``python -m lisse`` runs the CLI (importing this module runs nothing: documentation tools import every module)."""

import sys

from lisse.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
