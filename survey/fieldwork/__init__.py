"""Supervisors' home: fieldwork on every survey."""

from .routes import bp

__all__ = ["bp"]
