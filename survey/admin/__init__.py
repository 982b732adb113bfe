"""Administrators' home: staff accounts."""

from . import preview  # noqa: F401  (registers the preview views on bp)
from .routes import bp

__all__ = ["bp"]
