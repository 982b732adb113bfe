"""Managers' home: the surveys they may read reports on."""

from .routes import bp

__all__ = ["bp"]
