"""Supervisors' pages: fieldwork on every survey."""

from . import job_views, link_views, sample_views, wave_views  # noqa: F401 (register their pages on the blueprint)
from .routes import bp

__all__ = ["bp"]
