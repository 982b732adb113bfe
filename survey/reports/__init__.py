"""Managers' home: the surveys they may read reports on."""

from . import downloads  # noqa: F401  (registers the export views on bp)
from .routes import bp

__all__ = ["bp"]
