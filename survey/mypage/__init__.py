"""A staff member's own page: their service star, trend and customers' comments, and the
colleagues they may rate this month."""

from .routes import bp

__all__ = ["bp"]
