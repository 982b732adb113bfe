"""Sign-in, sign-out and the role checks every view relies on."""

from .routes import bp

__all__ = ["bp"]
