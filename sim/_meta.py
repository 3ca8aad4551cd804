"""The package's version and disclaimer, defined once.

Kept in a module of their own so that the run tables, the exports, the command line and the
dashboard all read the same text without importing one another.
"""

from __future__ import annotations

__all__ = ["PACKAGE_VERSION", "DISCLAIMER"]

PACKAGE_VERSION = "0.1.0"
DISCLAIMER = "Teaching model of MMN - not for clinical decisions."
