"""``python -m lisse`` runs the CLI."""

import sys

from lisse.cli.main import main

sys.exit(main())
