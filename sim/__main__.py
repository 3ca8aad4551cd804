"""``python -m sim``: the same command line as ``mmn-sim``."""

from .cli import main

raise SystemExit(main())
