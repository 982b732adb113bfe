"""Customer-satisfaction surveys for banks' service channels."""

from .app import create_app

__all__ = ["create_app"]
