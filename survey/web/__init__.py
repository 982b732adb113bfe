"""Customers answer on the web: personal links, open links, page by page."""

from .routes import bp

__all__ = ["bp"]
