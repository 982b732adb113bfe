"""Administrators' home: staff accounts."""

from .routes import bp

__all__ = ["bp"]
