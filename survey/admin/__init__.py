"""Administrators' home: staff accounts."""

from . import preview, questionnaire_views, staff_views, tokens, topic_views  # noqa: F401  (register their views on bp)
from .routes import bp

__all__ = ["bp"]
