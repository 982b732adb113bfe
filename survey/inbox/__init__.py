"""Follow-up owners' pages: the inbox, a case, and the follow-up report."""

from .routes import bp

__all__ = ["bp"]
