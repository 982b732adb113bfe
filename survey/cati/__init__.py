"""Interviewers' home: the CATI queue."""

from .routes import bp

__all__ = ["bp"]
