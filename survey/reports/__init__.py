"""Managers' home: the surveys they may read reports on."""

from . import downloads, followup_views, staff_views  # noqa: F401  (register their views on bp)
from .routes import bp

__all__ = ["bp"]
