"""The JSON API: estimates for other systems (DESIGN.md contract)."""

from .routes import bp

__all__ = ["bp"]
