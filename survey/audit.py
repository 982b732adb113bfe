"""Record audit events: who viewed personal data, exported, changed an answer, signed in."""

from __future__ import annotations

from flask import g, has_request_context, request

from .database import db_session
from .models import AuditEvent


def record(
    action: str, target_type: str | None = None, target_id=None, *, user_id=None, **detail
) -> AuditEvent:
    """Add an audit event to the current session; it commits with the caller's transaction."""
    in_request = has_request_context()
    user = g.get("user") if in_request else None
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        user_id=user.id if user else user_id,
        detail=detail or None,
        remote_addr=request.remote_addr if in_request else None,
    )
    db_session().add(event)
    return event
