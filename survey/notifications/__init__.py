"""What comes to a manager without asking: the alerts inbox, alert subscriptions, scheduled
report subscriptions and the archive of report PDFs as they were sent."""

from .routes import bp

__all__ = ["bp"]
