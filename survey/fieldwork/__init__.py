"""Supervisors' pages: fieldwork on every survey."""

from . import sample_views  # noqa: F401 (registers the sample pages on the blueprint)
from .routes import bp

__all__ = ["bp"]
