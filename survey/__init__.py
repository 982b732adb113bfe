"""Customer-satisfaction surveys for banks' service channels."""

__all__ = ["create_app"]


def __getattr__(name: str):
    """``survey.create_app`` on first use (PEP 562): `survey stats` never imports the web app."""
    if name == "create_app":
        from .app import create_app  # noqa: PLC0415

        return create_app
    raise AttributeError(f"module 'survey' has no attribute {name!r}")
