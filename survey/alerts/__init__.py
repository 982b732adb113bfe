"""Alerts: subscriptions, what raises an alert, and how it reaches people without a storm."""

from __future__ import annotations

from flask import current_app, has_app_context

from .delivery import Policy


def policy() -> Policy:
    """The bank's alert rules from the running app's configuration (defaults outside one)."""
    return Policy.from_config(current_app.config) if has_app_context() else Policy()


def base_url() -> str:
    return current_app.config["SURVEY_BASE_URL"] if has_app_context() else ""
